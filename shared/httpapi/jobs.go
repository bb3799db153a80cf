package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
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

// retryJob sends a failed job's message again (see sale.Jobs.Retry).
func (s *Server) retryJob(r *http.Request, id domain.Identity) (int, any, error) {
	job, err := s.jobs.Retry(r.Context(), id, r.PathValue("id"), r.PathValue("kind"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, job, nil
}
