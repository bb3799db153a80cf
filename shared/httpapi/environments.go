package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// routedRecord returns the caller's store's environment record the route
// names: the {aid} assistance's on assistance routes (it has the same
// versions, items and budget as an environment), else the {eid}
// environment. It returns a not_found *domain.Error when the store has no
// record of that id, or has one of the other kind (an assistance is not
// reachable through environment routes, nor an environment through
// assistance routes).
func (s *Server) routedRecord(r *http.Request, storeID string) (domain.Environment, error) {
	env, _, err := routedWith(r, func(id string) (domain.Environment, struct{}, error) {
		env, err := s.store.Environment(r.Context(), storeID, id)
		return env, struct{}{}, err
	})
	return env, err
}

// routedWith is routedRecord with read reading the record of an id, and
// what it reads at the same time (a T).
func routedWith[T any](r *http.Request, read func(id string) (domain.Environment, T, error)) (domain.Environment, T, error) {
	id, kind := r.PathValue("eid"), ""
	if aid := r.PathValue("aid"); aid != "" {
		id, kind = aid, domain.EnvKindAssistance
	}
	env, extra, err := read(id)
	if err == nil && env.Kind != kind {
		err = domain.NotFound("No %s %q.", recordNoun(kind), id)
	}
	return env, extra, err
}

// recordNoun names a record of the kind in messages.
func recordNoun(kind string) string {
	if kind == domain.EnvKindAssistance {
		return "assistance"
	}
	return "environment"
}

// newEnvironment returns a new environment of the project in the path,
// under the store's Promob account, created now by the caller. It fails with
// not_found for a project not in the caller's store and integration_missing
// before the store configured the integration.
func (s *Server) newEnvironment(r *http.Request, id domain.Identity, name string) (domain.Environment, error) {
	project, err := s.store.Project(r.Context(), id.StoreID, r.PathValue("pid"))
	if err != nil {
		return domain.Environment{}, err
	}
	integ, err := s.store.GetIntegration(r.Context(), id.StoreID)
	if err != nil {
		return domain.Environment{}, err
	}
	now := s.now().UTC()
	return domain.Environment{
		ID: domain.NewID(), StoreID: id.StoreID, ProjectID: project.ID, Name: strings.TrimSpace(name),
		PromobAccountID: integ.PromobAccountID, CreatedBy: id.UserID, CreatedAt: now, UpdatedAt: now,
	}, nil
}

func (s *Server) legacyImport(r *http.Request, id domain.Identity) (int, any, error) {
	var in domain.LegacyImportInput
	if err := decodeValid(r, &in); err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	env, err := s.newEnvironment(r, id, in.Name)
	if err != nil {
		return 0, nil, err
	}
	env.PromobProjectID, env.PromobEnvironmentID = in.PromobProjectID, in.PromobEnvironmentID
	env.Status, env.ImportStatus = domain.EnvReady, domain.ImportPending
	if err := s.store.CreateEnvironment(ctx, env); err != nil {
		return 0, nil, err
	}
	if err := s.enqueueUpdate(r, env, id.UserID); err != nil {
		// The environment exists: answer it as it now stands (its import
		// failed, saying to update) rather than hide its id behind a 500.
		stored, rerr := s.store.Environment(ctx, id.StoreID, env.ID)
		if rerr != nil || stored.ImportStatus != domain.ImportFailed {
			return 0, nil, err
		}
		env = stored
	}
	return http.StatusAccepted, env, nil
}

// enqueueUpdate asks the importer to import the environment's current
// Promob listing, fetched with the token of userID's Promob link when they
// have one (else the store's integration token). The FIFO de-duplication id names the environment's state
// as read (its updatedAt), so requests made on one state collapse into one
// message, while a request made after the importer handled an earlier one
// (which always changes the environment: imported, failed, or no newer
// revision) is never dropped as its repeat. The importer ignores revisions
// it has.
//
// The environment's import is pending when this is called; when the message
// cannot be sent, the import is failed (see failUnqueued).
func (s *Server) enqueueUpdate(r *http.Request, env domain.Environment, userID string) error {
	msg := domain.ImportMessage{Kind: domain.KindUpdate, StoreID: env.StoreID, AccountID: env.PromobAccountID,
		ProjectID: env.PromobProjectID, EnvironmentID: env.ID, UserID: userID}
	dedup := "update:" + env.ID + ":" + strconv.FormatInt(env.UpdatedAt.UnixNano(), 10)
	err := s.imports.Send(r.Context(), msg, domain.ImportGroup(env.PromobAccountID, env.PromobEnvironmentID), dedup)
	if err != nil {
		s.failUnqueued(r, err, func(ctx context.Context) error {
			return s.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, unqueued+"update the environment again.", s.now())
		})
	}
	return err
}

func (s *Server) getEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	jobs, err := s.jobsOf(r.Context(), id.StoreID, env.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, environmentView{env, jobs}, nil
}

func (s *Server) updateEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	if err := env.CanUpdate(); err != nil {
		return 0, nil, err
	}
	if err := s.store.SetImportStatus(r.Context(), env.StoreID, env.ID, domain.ImportPending, "", s.now()); err != nil {
		return 0, nil, err
	}
	env.ImportStatus, env.ImportError = domain.ImportPending, ""
	if err := s.enqueueUpdate(r, env, id.UserID); err != nil {
		return 0, nil, err
	}
	if env.Kind == domain.EnvKindAssistance {
		_, view, err := s.getAssistance(r, id)
		return http.StatusAccepted, view, err
	}
	return http.StatusAccepted, env, nil
}

func (s *Server) listVersions(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	vs, err := s.store.Versions(r.Context(), env)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string][]domain.Version{"versions": vs}, nil
}

// versionNumber reads the {n} path value.
func versionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return 0, domain.NotFound("No version %q.", r.PathValue("n"))
	}
	return n, nil
}
