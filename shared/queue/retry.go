package queue

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/metrics"
)

// VisibilityClient is the part of the SQS API a Runner uses to set when a
// failed message is tried again.
type VisibilityClient interface {
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// Observer is told what became of each message a Runner ran: the job
// states of package jobs.
type Observer interface {
	// Done: the message succeeded on its attempt-th receive.
	Done(ctx context.Context, msg events.SQSMessage, attempt int)
	// Retrying: it failed and is tried again at next.
	Retrying(ctx context.Context, msg events.SQSMessage, attempt int, next time.Time, err error)
	// Failed: it gave up; deadLettered when that was on the queue's last
	// receive (the message goes to the DLQ, or was recorded failed there).
	Failed(ctx context.Context, msg events.SQSMessage, attempt int, err error, deadLettered bool)
}

// Runner runs SQS batches (see Batch). Its zero value reports failures
// only, leaving failed messages to the queue's visibility timeout.
type Runner struct {
	// Visibility, when set, makes a failed message visible again after its
	// backoff (ChangeMessageVisibility) instead of the queue's visibility
	// timeout, and gives back at once the records not run.
	Visibility VisibilityClient
	// Backoff computes the pause before the next attempt; DefaultBackoff
	// when zero.
	Backoff Backoff
	// MaxReceives is the queue's maxReceiveCount: a failure on that receive
	// sends the message to the DLQ. 0: unknown (every failure retries).
	MaxReceives int
	// Margin is kept back before the invocation's deadline to report the
	// batch; DefaultMargin when zero. MinRecordTime is the least time a
	// record is started with.
	Margin        time.Duration
	MinRecordTime time.Duration
	// Observer, when set, is told each message's outcome.
	Observer Observer
	// Metrics receives the counts of retried, failed and dead-lettered
	// messages (nil: none).
	Metrics *metrics.Emitter
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

func (r *Runner) margin() time.Duration {
	if r.Margin > 0 {
		return r.Margin
	}
	return DefaultMargin
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) observe(fn func(Observer)) {
	if r.Observer != nil {
		fn(r.Observer)
	}
}

// retry sets when a failed message is tried again: after the backoff of
// its attempt (at least the Retry-After the error carries), or at once when
// this was its last receive, so that it moves to the DLQ without waiting.
func (r *Runner) retry(ctx context.Context, msg events.SQSMessage, attempt int, err error) {
	if r.MaxReceives > 0 && attempt >= r.MaxReceives {
		r.Metrics.Count(ctx, "JobsDeadLettered", 1)
		r.setVisibility(ctx, msg, 0)
		r.observe(func(o Observer) { o.Failed(ctx, msg, attempt, err, true) })
		return
	}
	delay := r.Backoff.Delay(attempt, retryAfter(err))
	r.Metrics.Count(ctx, "JobsRetried", 1)
	if r.Visibility == nil {
		return // the queue's visibility timeout decides
	}
	r.setVisibility(ctx, msg, delay)
	next := r.now().Add(delay).UTC().Truncate(time.Second)
	r.observe(func(o Observer) { o.Retrying(ctx, msg, attempt, next, err) })
}

// setVisibility makes msg visible again after d; a failure is logged (the
// queue's visibility timeout then applies).
func (r *Runner) setVisibility(ctx context.Context, msg events.SQSMessage, d time.Duration) {
	if r.Visibility == nil {
		return
	}
	url, err := QueueURL(msg.EventSourceARN)
	if err != nil {
		slog.ErrorContext(ctx, "backoff not set", "err", err)
		return
	}
	_, err = r.Visibility.ChangeMessageVisibility(context.WithoutCancel(ctx), &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(url), ReceiptHandle: aws.String(msg.ReceiptHandle), VisibilityTimeout: int32(d / time.Second),
	})
	if err != nil {
		slog.ErrorContext(ctx, "backoff not set", "err", err)
	}
}

// Backoff is an exponential backoff with jitter: the n-th failure waits
// Base × Factor^(n-1), at most Max, of which a random part (up to half) is
// taken off so that messages that failed together do not retry together.
type Backoff struct {
	Base, Max time.Duration
	Factor    float64
	// Rand returns a number in [0, 1); rand.Float64 when nil.
	Rand func() float64
}

// DefaultBackoff waits about 4 s, 16 s, 1 min, 4 min, then up to 15 min.
var DefaultBackoff = Backoff{Base: 4 * time.Second, Max: 15 * time.Minute, Factor: 4}

// Delay returns the pause after the attempt-th failure, in whole seconds
// (SQS's unit), at least retryAfter (Promob's Retry-After) and at most the
// 12 hours SQS allows.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	if b.Base <= 0 {
		b = Backoff{Base: DefaultBackoff.Base, Max: DefaultBackoff.Max, Factor: DefaultBackoff.Factor, Rand: b.Rand}
	}
	rnd := b.Rand
	if rnd == nil {
		rnd = rand.Float64
	}
	d := float64(b.Base)
	for i := 1; i < attempt && d < float64(b.Max); i++ {
		d *= max(b.Factor, 1)
	}
	d = min(d, float64(b.Max))
	d -= d / 2 * rnd()
	delay := max(time.Duration(d), retryAfter, time.Second)
	return min(delay, 12*time.Hour).Round(time.Second)
}

// retryAfterer is an error that says when to try again (Promob's
// Retry-After).
type retryAfterer interface{ RetryAfter() time.Duration }

func retryAfter(err error) time.Duration {
	var ra retryAfterer
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}

// finalError marks a failure that retrying cannot cure and that the worker
// has recorded already: the message is consumed, not retried.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }
func (e finalError) Unwrap() error { return e.err }

// Final wraps err so that Runner.Batch consumes the message instead of
// retrying it, and tells the Observer the job failed.
func Final(err error) error { return finalError{err} }

func isFinal(err error) bool {
	var f finalError
	return errors.As(err, &f)
}
