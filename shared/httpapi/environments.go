package httpapi

import (
	"net/http"
	"strconv"

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

// legacyImport links an environment Promob already holds to the project
// and queues the import of its listing (see sale.Creation.LinkEnvironment).
func (s *Server) legacyImport(r *http.Request, id domain.Identity) (int, any, error) {
	var body legacyImportBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	link, err := domain.LegacyLink(body.PromobProjectID, body.PromobEnvironmentID, body.Name)
	if err != nil {
		return 0, nil, err
	}
	env, err := s.creation.LinkEnvironment(r.Context(), id, r.PathValue("pid"), link)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, env, nil
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
	if env, err = s.updates.Request(r.Context(), id, env); err != nil {
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
