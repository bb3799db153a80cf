package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// jobsOf returns the state of a record's background jobs, by kind.
func (s *Server) jobsOf(ctx context.Context, storeID, recordID string) ([]domain.Job, error) {
	return s.store.Jobs(ctx, storeID, recordID)
}

// environmentView is an environment with its jobs.
type environmentView struct {
	env  domain.Environment
	jobs []domain.Job
}

// MarshalJSON adds "jobs" to the environment's own JSON (which has a
// MarshalJSON of its own, so embedding would drop the field).
func (v environmentView) MarshalJSON() ([]byte, error) {
	fields := map[string]json.RawMessage{}
	b, err := json.Marshal(v.env)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	if fields["jobs"], err = json.Marshal(v.jobs); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

// retryJob sends a failed job's message again, after putting its record
// back in the state the job starts from; a job that has not failed is
// refused with conflict.
func (s *Server) retryJob(r *http.Request, id domain.Identity) (int, any, error) {
	ctx := r.Context()
	ref := domain.JobRef{StoreID: id.StoreID, RecordID: r.PathValue("id"), Kind: r.PathValue("kind")}
	job, msg, err := s.store.JobMessage(ctx, ref)
	if err != nil {
		return 0, nil, err
	}
	if job.State != domain.JobFailed {
		return 0, nil, domain.Conflict("The job is %s; only a failed job can be retried.", job.State)
	}
	now := s.now().UTC()
	q, group, dedup := s.outbox, "", ""
	switch ref.Kind {
	case message.KindCustomerCreate:
		err = s.store.SetClientSync(ctx, id.StoreID, ref.RecordID, domain.PromobSync{Status: domain.SyncPending})
	case message.KindEnvironmentCreate, message.KindAssistanceDesign:
		err = s.store.SetEnvironmentCreation(ctx, id.StoreID, ref.RecordID, domain.EnvCreating, "", now)
	case message.KindUpdate:
		var env domain.Environment
		if env, err = s.store.Environment(ctx, id.StoreID, ref.RecordID); err == nil {
			err = s.store.SetImportStatus(ctx, id.StoreID, env.ID, domain.ImportPending, "", now)
			q, group = s.imports, message.ImportGroup(env.PromobAccountID, env.PromobEnvironmentID)
			dedup = "retry:" + env.ID + ":" + strconv.FormatInt(now.UnixNano(), 10)
		}
	}
	if err != nil {
		return 0, nil, err
	}
	if err := q.Send(ctx, rawMessage(msg), group, dedup); err != nil {
		return 0, nil, err
	}
	jobs, err := s.jobsOf(ctx, id.StoreID, ref.RecordID)
	if err != nil {
		return 0, nil, err
	}
	for _, j := range jobs {
		if j.Kind == ref.Kind {
			return http.StatusAccepted, j, nil
		}
	}
	return 0, nil, domain.Internal("The retried job is missing.")
}

// rawMessage is a stored message sent again as it is.
type rawMessage []byte

func (m rawMessage) MarshalJSON() ([]byte, error) { return m, nil }
