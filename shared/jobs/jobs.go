// Package jobs keeps the state of the background jobs users start (a
// client's or an environment's creation in Promob, an import, a Connect
// status, an assistance's design) on the record each concerns: pending when
// queued, retrying with the attempt and the next try, done, or failed with a
// reason. A job whose message reaches the dead-letter queue is failed and
// the store's responsible user is told.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// Store is what the tracker reads and records.
type Store interface {
	domain.JobStore
	GetIntegration(ctx context.Context, storeID string) (domain.Integration, error)
}

// Tracker records each job's outcome as a queue.Runner reports it.
type Tracker struct {
	store Store
	// notices carries the notification to the responsible user (nil: the
	// function has no notifications queue; nobody is told).
	notices message.Queue
	reason  func(error) string
	now     func() time.Time
}

var _ queue.Observer = (*Tracker)(nil)

// NewTracker returns a tracker; reason turns a failure into the sentence a
// user reads, now is the clock.
func NewTracker(store Store, notices message.Queue, reason func(error) string, now func() time.Time) *Tracker {
	return &Tracker{store: store, notices: notices, reason: reason, now: now}
}

// Done records the job done.
func (t *Tracker) Done(ctx context.Context, msg events.SQSMessage, attempt int) {
	t.set(ctx, msg, domain.Job{State: domain.JobDone, Attempt: attempt})
}

// Retrying records the failed attempt and when the next one is.
func (t *Tracker) Retrying(ctx context.Context, msg events.SQSMessage, attempt int, next time.Time, err error) {
	t.set(ctx, msg, domain.Job{State: domain.JobRetrying, Attempt: attempt, NextTryAt: &next, Reason: t.reason(err)})
}

// Failed records the job failed; when its message goes to the dead-letter
// queue, the store's responsible user is notified.
func (t *Tracker) Failed(ctx context.Context, msg events.SQSMessage, attempt int, err error, deadLettered bool) {
	reason := t.reason(err)
	ref, ok := t.set(ctx, msg, domain.Job{State: domain.JobFailed, Attempt: attempt, Reason: reason})
	if !ok || !deadLettered || t.notices == nil {
		return
	}
	integ, err := t.store.GetIntegration(ctx, ref.StoreID)
	if err != nil || integ.ResponsibleUserID == "" {
		slog.WarnContext(ctx, "no responsible user told of a dead-lettered job", "err", err, "kind", ref.Kind, "record_id", ref.RecordID)
		return
	}
	n := domain.JobFailedNotification(ref, integ.ResponsibleUserID, reason, attempt, t.now())
	if err := t.notices.Send(ctx, message.Notify(n), "", ""); err != nil {
		slog.ErrorContext(ctx, "responsible user not told of a dead-lettered job", "err", err)
	}
}

// set records the job of msg, if it is one; a failure is logged (the job's
// work itself is not undone by it).
func (t *Tracker) set(ctx context.Context, msg events.SQSMessage, job domain.Job) (domain.JobRef, bool) {
	ref, ok := message.JobOf([]byte(msg.Body))
	if !ok {
		return ref, false
	}
	job.Kind, job.UpdatedAt = ref.Kind, t.now().UTC()
	if err := t.store.SetJob(ctx, ref, job, nil); err != nil {
		slog.ErrorContext(ctx, "job state not recorded", "err", err, "kind", ref.Kind, "record_id", ref.RecordID, "state", job.State)
	}
	return ref, true
}
