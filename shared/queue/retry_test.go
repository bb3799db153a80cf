package queue_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/queue"
)

func TestBackoffDelay(t *testing.T) {
	b := queue.Backoff{Base: 4 * time.Second, Max: 15 * time.Minute, Factor: 4}
	tests := []struct {
		name       string
		attempt    int
		rnd        float64
		retryAfter time.Duration
		want       time.Duration
	}{
		{"first failure, no jitter", 1, 0, 0, 4 * time.Second},
		{"first failure, most jitter", 1, 0.999, 0, 2 * time.Second},
		{"second", 2, 0, 0, 16 * time.Second},
		{"third: a minute", 3, 0, 0, 64 * time.Second},
		{"fourth", 4, 0, 0, 256 * time.Second},
		{"capped", 9, 0, 0, 15 * time.Minute},
		{"half jitter", 2, 0.5, 0, 12 * time.Second},
		{"Retry-After longer than the backoff wins", 1, 0, 30 * time.Second, 30 * time.Second},
		{"Retry-After shorter than the backoff does not shorten it", 3, 0, 5 * time.Second, 64 * time.Second},
		{"at most the 12 hours SQS allows", 1, 0, 48 * time.Hour, 12 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.Rand = func() float64 { return tt.rnd }
			if got := b.Delay(tt.attempt, tt.retryAfter); got != tt.want {
				t.Errorf("Delay(%d, %v) = %v, want %v", tt.attempt, tt.retryAfter, got, tt.want)
			}
		})
	}
	if got := (queue.Backoff{Rand: func() float64 { return 0 }}).Delay(1, 0); got != queue.DefaultBackoff.Base {
		t.Errorf("zero Backoff: %v, want DefaultBackoff's %v", got, queue.DefaultBackoff.Base)
	}
}

// fakeVisibility records ChangeMessageVisibility calls.
type fakeVisibility struct {
	calls []*sqs.ChangeMessageVisibilityInput
}

func (f *fakeVisibility) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	f.calls = append(f.calls, in)
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

// outcome is what an Observer was told of one message.
type outcome struct {
	id, what     string
	attempt      int
	next         time.Time
	deadLettered bool
}

type fakeObserver struct{ got []outcome }

func (o *fakeObserver) Done(_ context.Context, m events.SQSMessage, attempt int) {
	o.got = append(o.got, outcome{id: m.MessageId, what: "done", attempt: attempt})
}
func (o *fakeObserver) Retrying(_ context.Context, m events.SQSMessage, attempt int, next time.Time, _ error) {
	o.got = append(o.got, outcome{id: m.MessageId, what: "retrying", attempt: attempt, next: next})
}
func (o *fakeObserver) Failed(_ context.Context, m events.SQSMessage, attempt int, _ error, dl bool) {
	o.got = append(o.got, outcome{id: m.MessageId, what: "failed", attempt: attempt, deadLettered: dl})
}

// retryLater is an error carrying a Retry-After, as promob.Error does.
type retryLater struct{ d time.Duration }

func (e retryLater) Error() string             { return "busy" }
func (e retryLater) RetryAfter() time.Duration { return e.d }

const arn = "arn:aws:sqs:sa-east-1:123456789012:stack-promob-outbox"

func message(id string, receives string) events.SQSMessage {
	return events.SQSMessage{MessageId: id, ReceiptHandle: "rh-" + id, Body: "{}", EventSourceARN: arn,
		Attributes: map[string]string{"ApproximateReceiveCount": receives}}
}

// TestRunnerBacksOff: a failed message is made visible again after its
// backoff (at least the error's Retry-After) on the queue of its ARN and
// reported failed; a success is done; a Final error is consumed and failed;
// a failure on the last receive is dead-lettered at once (visibility 0); in
// a FIFO group, the records after a failed one are given back at once.
func TestRunnerBacksOff(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	vis, obs := &fakeVisibility{}, &fakeObserver{}
	r := &queue.Runner{
		Visibility: vis, MaxReceives: 5, Observer: obs, Now: func() time.Time { return now },
		Backoff: queue.Backoff{Base: 4 * time.Second, Max: time.Hour, Factor: 4, Rand: func() float64 { return 0 }},
	}
	grouped := func(id string) events.SQSMessage {
		m := message(id, "1")
		m.Attributes["MessageGroupId"] = "g"
		return m
	}
	ev := events.SQSEvent{Records: []events.SQSMessage{
		message("ok", "1"), message("fails", "2"), message("busy", "1"), message("final", "1"), message("last", "5"),
		grouped("g-fails"), grouped("g-after"),
	}}
	resp := r.Batch(context.Background(), ev, func(_ context.Context, m events.SQSMessage) error {
		switch m.MessageId {
		case "fails", "last", "g-fails":
			return errors.New("boom")
		case "busy":
			return retryLater{90 * time.Second}
		case "final":
			return queue.Final(errors.New("refused"))
		}
		return nil
	})
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if want := []string{"fails", "busy", "last", "g-fails", "g-after"}; !slices.Equal(failed, want) {
		t.Errorf("reported %v, want %v", failed, want)
	}
	type change struct {
		url, handle string
		seconds     int32
	}
	var changes []change
	for _, c := range vis.calls {
		changes = append(changes, change{aws.ToString(c.QueueUrl), aws.ToString(c.ReceiptHandle), c.VisibilityTimeout})
	}
	url := "https://sqs.sa-east-1.amazonaws.com/123456789012/stack-promob-outbox"
	// The record after a failed one of its FIFO group is not run and is
	// given back at once: the group waits for the failed one's backoff.
	if want := []change{{url, "rh-fails", 16}, {url, "rh-busy", 90}, {url, "rh-last", 0}, {url, "rh-g-fails", 4}, {url, "rh-g-after", 0}}; !slices.Equal(changes, want) {
		t.Errorf("visibility changes %v, want %v", changes, want)
	}
	want := []outcome{
		{id: "ok", what: "done", attempt: 1},
		{id: "fails", what: "retrying", attempt: 2, next: now.Add(16 * time.Second)},
		{id: "busy", what: "retrying", attempt: 1, next: now.Add(90 * time.Second)},
		{id: "final", what: "failed", attempt: 1},
		{id: "last", what: "failed", attempt: 5, deadLettered: true},
		{id: "g-fails", what: "retrying", attempt: 1, next: now.Add(4 * time.Second)},
	}
	if !slices.Equal(obs.got, want) {
		t.Errorf("observed %+v\nwant     %+v", obs.got, want)
	}
}

// TestRunnerGivesBackWhatTimeDoesNotAllow: records are started only while
// MinRecordTime remains before the deadline less the margin; the rest are
// reported failed without running and made visible at once, and a record
// runs with the batch's deadline less the margin.
func TestRunnerGivesBackWhatTimeDoesNotAllow(t *testing.T) {
	vis := &fakeVisibility{}
	r := &queue.Runner{Visibility: vis, Margin: time.Hour, MinRecordTime: time.Minute}
	deadline := time.Now().Add(time.Hour + 30*time.Minute)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	var ran []string
	slow := true
	resp := r.Batch(ctx, events.SQSEvent{Records: []events.SQSMessage{message("a", "1"), message("b", "1"), message("c", "1")}},
		func(rctx context.Context, m events.SQSMessage) error {
			ran = append(ran, m.MessageId)
			if d, ok := rctx.Deadline(); !ok || d.After(deadline.Add(-time.Hour)) {
				t.Errorf("record %s runs with deadline %v, want the batch's less the margin", m.MessageId, d)
			}
			if slow {
				// Use up the time: from now on less than MinRecordTime is left.
				r.MinRecordTime = 2 * time.Hour
				slow = false
			}
			return nil
		})
	if !slices.Equal(ran, []string{"a"}) {
		t.Errorf("ran %v, want [a]", ran)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if !slices.Equal(failed, []string{"b", "c"}) {
		t.Errorf("given back %v, want [b c]", failed)
	}
	if len(vis.calls) != 2 || vis.calls[0].VisibilityTimeout != 0 || vis.calls[1].VisibilityTimeout != 0 {
		t.Errorf("visibility changes %+v, want b and c visible at once", vis.calls)
	}
}

func TestQueueURL(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:sqs:us-east-1:000000000000:q.fifo": "https://sqs.us-east-1.amazonaws.com/000000000000/q.fifo",
		"arn:aws-cn:sqs:cn-north-1:123456789012:q":  "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q",
		"arn:aws:sns:us-east-1:000000000000:topic":  "",
		"not an arn":                          "",
		"arn:aws:sqs:us-east-1:000000000000:": "",
	} {
		got, err := queue.QueueURL(arn)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("QueueURL(%q) = %q, %v; want %q", arn, got, err, want)
		}
	}
}
