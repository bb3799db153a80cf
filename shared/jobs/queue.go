package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// Queue is a message.Queue that records a pending job for each job message
// it sends (see message.JobOf), with the message, so that a failed job can
// be sent again (Retry).
type Queue struct {
	next  message.Queue
	store domain.JobStore
	now   func() time.Time
}

var _ message.Queue = (*Queue)(nil)

// NewQueue returns q recording jobs in store.
func NewQueue(q message.Queue, store domain.JobStore, now func() time.Time) *Queue {
	return &Queue{next: q, store: store, now: now}
}

// Send records the job pending, then sends; when the queue refuses the
// message the job is failed, saying to ask again.
func (q *Queue) Send(ctx context.Context, msg any, group, dedupID string) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("jobs: encode message: %w", err)
	}
	ref, isJob := message.JobOf(body)
	if isJob {
		if err := q.store.SetJob(ctx, ref, domain.Job{Kind: ref.Kind, State: domain.JobPending, UpdatedAt: q.now().UTC()}, body); err != nil {
			return err
		}
	}
	sendErr := q.next.Send(ctx, json.RawMessage(body), group, dedupID)
	if sendErr != nil && isJob {
		failed := domain.Job{Kind: ref.Kind, State: domain.JobFailed, Reason: "The job could not be queued; retry it.", UpdatedAt: q.now().UTC()}
		if err := q.store.SetJob(context.WithoutCancel(ctx), ref, failed, nil); err != nil {
			return fmt.Errorf("%w (and the job could not be marked failed: %v)", sendErr, err)
		}
	}
	return sendErr
}
