package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// unqueued is the reason a record's work failed when its message could not
// be queued.
const unqueued = "The request could not be queued: "

// failUnqueued is called when the message asking for a record's work could
// not be sent: it records the work as failed (fail stores it), so that the
// record does not wait for work that will never be done and the user can
// ask again. A failure to record it is logged.
func (s *Server) failUnqueued(r *http.Request, sendErr error, fail func(ctx context.Context) error) {
	slog.WarnContext(r.Context(), "request not queued", "err", sendErr)
	if err := fail(context.WithoutCancel(r.Context())); err != nil {
		slog.ErrorContext(r.Context(), "could not record a request that was not queued", "err", err)
	}
}

// enqueueCustomer asks promobsync to create the client in Promob; when the
// message cannot be sent, the client's sync is failed (see failUnqueued).
func (s *Server) enqueueCustomer(r *http.Request, id domain.Identity, clientID string) error {
	err := s.outbox.Send(r.Context(), domain.CustomerCreateMessage{
		Kind: domain.KindCustomerCreate, StoreID: id.StoreID, ClientID: clientID, UserID: id.UserID,
	}, "", "")
	if err != nil {
		s.failUnqueued(r, err, func(ctx context.Context) error {
			return s.store.SetClientSync(ctx, id.StoreID, clientID, domain.PromobSync{Status: domain.SyncFailed, Reason: unqueued + "sync the client again."})
		})
	}
	return err
}

// enqueueEnvironment asks promobsync to create the environment in Promob;
// when the message cannot be sent, its creation is failed (see
// failUnqueued).
func (s *Server) enqueueEnvironment(r *http.Request, id domain.Identity, env domain.Environment) error {
	err := s.outbox.Send(r.Context(), domain.EnvironmentCreateMessage{
		Kind: domain.KindEnvironmentCreate, StoreID: id.StoreID, ProjectID: env.ProjectID, EnvironmentID: env.ID, UserID: id.UserID,
	}, "", "")
	if err != nil {
		s.failUnqueued(r, err, func(ctx context.Context) error {
			return s.store.SetEnvironmentCreation(ctx, id.StoreID, env.ID, domain.EnvFailed, unqueued+"retry the environment.", s.now().UTC())
		})
	}
	return err
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
		// The environment exists: answer it as it now stands (failed, saying
		// to retry) rather than hide its id behind a 500.
		stored, rerr := s.store.Environment(ctx, id.StoreID, env.ID)
		if rerr != nil || stored.Status != domain.EnvFailed {
			return 0, nil, err
		}
		env = stored
	}
	return http.StatusAccepted, struct {
		ID           string `json:"id"`
		Status       string `json:"status"`
		StatusReason string `json:"statusReason,omitempty"`
	}{env.ID, env.Status, env.StatusReason}, nil
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
