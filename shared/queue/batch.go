package queue

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/logging"
)

// RecordFunc processes one SQS message; an error leaves it on the queue to be
// retried (and, after the queue's maxReceiveCount, moved to its DLQ).
type RecordFunc func(ctx context.Context, msg events.SQSMessage) error

// Batch runs fn over the batch's records as a zero Runner does: no
// per-message backoff, the invocation's deadline kept.
func Batch(ctx context.Context, ev events.SQSEvent, fn RecordFunc) events.SQSEventResponse {
	return (&Runner{}).Batch(ctx, ev, fn)
}

// DefaultMargin is the time a Runner keeps back before the invocation's
// deadline to report the batch (see Runner.Margin).
const DefaultMargin = 3 * time.Second

// Batch runs fn over the batch's records and reports those that failed, as
// Lambda's ReportBatchItemFailures expects:
//   - Within a FIFO message group, the records after a failed one are
//     reported failed without being run, so that the group's order is kept,
//     and made visible at once.
//   - A record is started only while more than MinRecordTime remains before
//     the invocation's deadline less Margin, and runs with that deadline, so
//     that a slow call cannot make the whole batch time out; the records not
//     run are given back at once (visibility 0) as failures.
//   - A failed record is made visible again after Backoff (see Runner.retry)
//     instead of the queue's whole visibility timeout.
func (r *Runner) Batch(ctx context.Context, ev events.SQSEvent, fn RecordFunc) events.SQSEventResponse {
	var resp events.SQSEventResponse
	fail := func(rec events.SQSMessage) {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
	}
	failedGroups := map[string]bool{}
	rctxDeadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		rctxDeadline = rctxDeadline.Add(-r.margin())
	}
	for i, rec := range ev.Records {
		group := rec.Attributes["MessageGroupId"]
		attempt, _ := strconv.Atoi(rec.Attributes["ApproximateReceiveCount"])
		rctx := logging.With(ctx, "message_id", rec.MessageId, "receive_count", attempt)
		if group != "" && failedGroups[group] {
			// Given back at once: SQS delivers none of the group while its
			// failed message waits for its backoff, so the order holds and
			// the group resumes after the backoff, not the visibility timeout.
			fail(rec)
			r.setVisibility(ctx, rec, 0)
			continue
		}
		if hasDeadline && time.Until(rctxDeadline) < r.MinRecordTime {
			slog.WarnContext(ctx, "too little time left: records given back", "records", len(ev.Records)-i)
			for _, rest := range ev.Records[i:] {
				fail(rest)
				r.setVisibility(ctx, rest, 0)
			}
			r.Metrics.Count(ctx, "RecordsGivenBack", len(ev.Records)-i)
			break
		}
		err := r.run(rctx, rctxDeadline, hasDeadline, rec, fn)
		switch {
		case err == nil:
			r.observe(func(o Observer) { o.Done(rctx, rec, attempt) })
		case isFinal(err):
			slog.WarnContext(rctx, "message failed for good", "err", err)
			r.Metrics.Count(rctx, "JobsFailed", 1)
			// Given up on the last receive: as if dead-lettered.
			last := r.MaxReceives > 0 && attempt >= r.MaxReceives
			r.observe(func(o Observer) { o.Failed(rctx, rec, attempt, err, last) })
		default:
			slog.ErrorContext(rctx, "message failed", "err", err)
			fail(rec)
			if group != "" {
				failedGroups[group] = true
			}
			r.retry(rctx, rec, attempt, err)
		}
	}
	return resp
}

// run runs fn on one record with the batch's deadline (less the margin).
func (r *Runner) run(ctx context.Context, deadline time.Time, hasDeadline bool, rec events.SQSMessage, fn RecordFunc) error {
	if !hasDeadline {
		return fn(ctx, rec)
	}
	rctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	return fn(rctx, rec)
}
