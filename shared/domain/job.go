package domain

import (
	"context"
	"fmt"
	"time"
)

// States of a background job a user started.
const (
	JobPending  = "pending"  // queued, not tried yet
	JobRetrying = "retrying" // an attempt failed; the next one is at NextTryAt
	JobDone     = "done"     // it succeeded
	JobFailed   = "failed"   // it gave up; Reason says why, and it can be retried
)

// Job is the state of one background job on the record it concerns (a
// client's creation in Promob, an environment's creation or import, a
// project's Connect status, an assistance's design).
type Job struct {
	Kind      string     `json:"kind"` // the queue message kind, e.g. "environment.create"
	State     string     `json:"state"`
	Attempt   int        `json:"attempt"` // attempts made so far (0 while pending)
	NextTryAt *time.Time `json:"nextTryAt,omitempty"`
	Reason    string     `json:"reason,omitempty"` // why the last attempt failed
	UpdatedAt time.Time  `json:"updatedAt"`
}

// JobRef names a job: the store, the record it concerns, and its kind.
type JobRef struct {
	StoreID  string
	RecordID string
	Kind     string
}

// JobStore keeps the state of jobs.
type JobStore interface {
	// SetJob records a job's state; message, when not nil, is the queue
	// message that runs it (kept so that a failed job can be sent again).
	SetJob(ctx context.Context, ref JobRef, job Job, message []byte) error
	// Jobs returns the jobs of a record, by kind.
	Jobs(ctx context.Context, storeID, recordID string) ([]Job, error)
	// JobMessage returns a job's state and its queue message, or a
	// not_found *Error.
	JobMessage(ctx context.Context, ref JobRef) (Job, []byte, error)
}

// JobFailedNotification tells the store's responsible user that a job
// gave up (its message reached the dead-letter queue); the dedupe key makes
// it once per job and attempt.
func JobFailedNotification(ref JobRef, userID, reason string, attempt int, now time.Time) Notice {
	return Notice{
		StoreID: ref.StoreID, UserID: userID,
		DedupeKey: fmt.Sprintf("job#%s#%s#%d#%d", ref.RecordID, ref.Kind, attempt, now.Unix()),
		Notification: Notification{
			ID: NewID(), Kind: "job.failed", CreatedAt: now.UTC(),
			Title:   "A background job failed",
			Message: fmt.Sprintf("%s of %s gave up after %d attempts: %s It can be retried.", ref.Kind, ref.RecordID, attempt, reason),
		},
	}
}

// CanRetry returns nil when the job may be sent again (it failed), else a
// conflict naming its state.
func (j Job) CanRetry() error {
	if j.State != JobFailed {
		return Conflict("The job is %s; only a failed job can be retried.", j.State)
	}
	return nil
}
