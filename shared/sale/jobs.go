package sale

import (
	"context"
	"strconv"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// JobStore is what retrying a background job reads and writes.
type JobStore interface {
	JobMessage(ctx context.Context, ref domain.JobRef) (domain.Job, []byte, error)
	Jobs(ctx context.Context, storeID, recordID string) ([]domain.Job, error)
	Client(ctx context.Context, storeID, id string) (domain.Client, error)
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	// SetClientSync, SetEnvironmentCreation and RequestImport fail with
	// domain.ErrChanged when the record's state does not allow the retry.
	SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error
	SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	RequestImport(ctx context.Context, env domain.Environment, now time.Time) error
}

// Jobs retries the background jobs a user started. Outbox is promobsync's
// queue, Imports the importer's.
type Jobs struct {
	Store   JobStore
	Outbox  message.Queue
	Imports message.Queue
	Now     func() time.Time
}

// Retry sends a failed job's stored message again, after putting its record
// back in the state the job starts from, and returns the job as it now
// stands. It answers not_found for a job the actor's store does not have,
// conflict for a job that has not failed (domain.Job.CanRetry), and the
// refusal of the record's rule when the record no longer allows the job:
// already_synced for a client or an environment Promob holds,
// environment_locked for an update of a locked environment.
func (j Jobs) Retry(ctx context.Context, actor domain.Identity, recordID, kind string) (domain.Job, error) {
	ref := domain.JobRef{StoreID: actor.StoreID, RecordID: recordID, Kind: kind}
	job, msg, err := j.Store.JobMessage(ctx, ref)
	if err != nil {
		return domain.Job{}, err
	}
	if err := job.CanRetry(); err != nil {
		return domain.Job{}, err
	}
	q, group, dedup := j.Outbox, "", ""
	switch kind {
	case message.KindCustomerCreate:
		err = syncAgain(ctx, j.Store, actor.StoreID, recordID)
	case message.KindEnvironmentCreate, message.KindAssistanceDesign:
		err = createAgain(ctx, j.Store, actor.StoreID, recordID, j.Now().UTC())
	case message.KindUpdate:
		var env domain.Environment
		if env, err = j.Store.Environment(ctx, actor.StoreID, recordID); err != nil {
			return domain.Job{}, err
		}
		now := j.Now().UTC()
		err = requestImport(ctx, j.Store, env, now)
		q, group = j.Imports, message.ImportGroup(env.PromobAccountID, env.PromobEnvironmentID)
		dedup = "retry:" + env.ID + ":" + strconv.FormatInt(now.UnixNano(), 10)
	}
	if err != nil {
		return domain.Job{}, err
	}
	if err := q.Send(ctx, rawMessage(msg), group, dedup); err != nil {
		return domain.Job{}, err
	}
	jobs, err := j.Store.Jobs(ctx, actor.StoreID, recordID)
	if err != nil {
		return domain.Job{}, err
	}
	for _, job := range jobs {
		if job.Kind == kind {
			return job, nil
		}
	}
	return domain.Job{}, domain.Internal("The retried job is missing.")
}

// rawMessage is a stored message sent again as it is.
type rawMessage []byte

func (m rawMessage) MarshalJSON() ([]byte, error) { return m, nil }
