package queue

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/logging"
)

// RecordFunc processes one SQS message; an error leaves it on the queue to be
// retried (and, after the queue's maxReceiveCount, moved to its DLQ).
type RecordFunc func(ctx context.Context, msg events.SQSMessage) error

// Batch runs fn over the batch's records and reports those that failed, as
// Lambda's ReportBatchItemFailures expects. Within a FIFO message group, the
// records after a failed one are reported failed without being run, so that
// the group's order is kept.
func Batch(ctx context.Context, ev events.SQSEvent, fn RecordFunc) events.SQSEventResponse {
	var resp events.SQSEventResponse
	failedGroups := map[string]bool{}
	for _, rec := range ev.Records {
		group := rec.Attributes["MessageGroupId"]
		rctx := logging.With(ctx, "message_id", rec.MessageId, "receive_count", rec.Attributes["ApproximateReceiveCount"])
		if group != "" && failedGroups[group] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
			continue
		}
		if err := fn(rctx, rec); err != nil {
			slog.ErrorContext(rctx, "message failed", "err", err)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
			if group != "" {
				failedGroups[group] = true
			}
		}
	}
	return resp
}
