package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// syncClient queues the client's creation in Promob again (see
// sale.Creation.SyncClient).
func (s *Server) syncClient(r *http.Request, id domain.Identity) (int, any, error) {
	c, err := s.creation.SyncClient(r.Context(), id, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, c, nil
}

// createEnvironment stores a new environment of the project, to be created
// in Promob by promobsync, and answers 202 at once (see
// sale.Creation.CreateEnvironment).
func (s *Server) createEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	var body newEnvironmentBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	name, err := domain.RequireName(body.Name)
	if err != nil {
		return 0, nil, err
	}
	env, err := s.creation.CreateEnvironment(r.Context(), id, r.PathValue("pid"), name)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, struct {
		ID           string `json:"id"`
		Status       string `json:"status"`
		StatusReason string `json:"statusReason,omitempty"`
	}{env.ID, env.Status, env.StatusReason}, nil
}

// retryEnvironment queues the environment's creation in Promob again (see
// sale.Creation.RetryEnvironment).
func (s *Server) retryEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.creation.RetryEnvironment(r.Context(), id, r.PathValue("eid"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"id": env.ID, "status": env.Status}, nil
}
