package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// enqueueCustomer asks promobsync to create the client in Promob.
func (s *Server) enqueueCustomer(r *http.Request, id domain.Identity, clientID string) error {
	return s.outbox.Send(r.Context(), domain.CustomerCreateMessage{
		Kind: domain.KindCustomerCreate, StoreID: id.StoreID, ClientID: clientID, UserID: id.UserID,
	}, "", "")
}

// enqueueEnvironment asks promobsync to create the environment in Promob.
func (s *Server) enqueueEnvironment(r *http.Request, id domain.Identity, env domain.Environment) error {
	return s.outbox.Send(r.Context(), domain.EnvironmentCreateMessage{
		Kind: domain.KindEnvironmentCreate, StoreID: id.StoreID, ProjectID: env.ProjectID, EnvironmentID: env.ID, UserID: id.UserID,
	}, "", "")
}

// syncClient queues the client's creation in Promob again; a client Promob
// already holds is refused with already_synced.
func (s *Server) syncClient(r *http.Request, id domain.Identity) (int, any, error) {
	ctx := r.Context()
	c, err := s.store.Client(ctx, id.StoreID, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	c.PromobSync = domain.PromobSync{Status: domain.SyncPending}
	if err := s.store.SetClientSync(ctx, id.StoreID, c.ID, c.PromobSync); err != nil {
		return 0, nil, err
	}
	if err := s.enqueueCustomer(r, id, c.ID); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, c, nil
}

// createEnvironment stores a new environment of the project, to be created
// in Promob by promobsync, and answers 202 at once.
func (s *Server) createEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	var in domain.NewEnvironmentInput
	if err := decodeValid(r, &in); err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	env, err := s.newEnvironment(r, id, in.Name)
	if err != nil {
		return 0, nil, err
	}
	env.Status, env.ImportStatus = domain.EnvCreating, domain.ImportNone
	if err := s.store.CreateEnvironment(ctx, env); err != nil {
		return 0, nil, err
	}
	if err := s.enqueueEnvironment(r, id, env); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"id": env.ID, "status": env.Status}, nil
}

// retryEnvironment queues the environment's creation in Promob again; one
// that is ready is refused with already_synced.
func (s *Server) retryEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	if err := s.store.SetEnvironmentCreation(r.Context(), id.StoreID, env.ID, domain.EnvCreating, "", s.now().UTC()); err != nil {
		return 0, nil, err
	}
	if err := s.enqueueEnvironment(r, id, env); err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"id": env.ID, "status": domain.EnvCreating}, nil
}
