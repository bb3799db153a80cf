package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobtoken"
)

// ProjectLister reads a Promob account's Connect list (the projects call).
type ProjectLister interface {
	Projects(ctx context.Context, account, token string) ([]promob.ConnectProject, error)
}

// WithPromobProjects lets the server list the store's Promob projects with
// l. Without it, listing them is answered 500 (not configured).
func WithPromobProjects(l ProjectLister) Option {
	return func(s *Server) { s.projects = l }
}

// storeAccount returns the Promob account of the store's integration (with
// its integration token), or integration_missing.
func (s *Server) storeAccount(ctx context.Context, storeID string) (domain.Account, error) {
	integ, err := s.store.GetIntegration(ctx, storeID)
	if err != nil {
		return domain.Account{}, err
	}
	return s.store.Account(ctx, integ.PromobAccountID)
}

// listPromobProjects answers the store's Promob projects whose name or
// customer's name contains the query's q (all of them without q), with
// their environments, so that a user links an environment that already
// exists in Promob (legacy integration) by picking it. Promob is asked
// with the caller's linked token when they have one, else with the store's
// integration token.
func (s *Server) listPromobProjects(r *http.Request, id domain.Identity) (int, any, error) {
	if s.projects == nil {
		return 0, nil, domain.Internal("Listing Promob projects is not configured.")
	}
	ctx := r.Context()
	acc, err := s.storeAccount(ctx, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	var list []promob.ConnectProject
	err = promobtoken.New(s.store, s.box, s.now).Call(ctx, acc, id.UserID, func(token string) error {
		var err error
		list, err = s.projects.Projects(ctx, acc.AccountID, token)
		return err
	})
	if err != nil {
		slog.ErrorContext(ctx, "Promob projects list failed", "err", err)
		return 0, nil, domain.PromobUnavailable("Promob did not list the store's projects now; try again.")
	}
	projects := make([]domain.PromobProject, len(list))
	for i, p := range list {
		projects[i] = domain.PromobProject{ProjectID: p.ProjectID, Name: p.Name, CustomerID: p.CustomerID, CustomerName: p.CustomerName,
			Situation: p.Situation, Stage: p.Stage, Environments: make([]domain.PromobProjectEnvironment, len(p.Environments))}
		for j, e := range p.Environments {
			projects[i].Environments[j] = domain.PromobProjectEnvironment{EnvironmentID: e.EnvironmentID, Name: e.Name, Revision: e.Revision}
		}
	}
	return http.StatusOK, map[string][]domain.PromobProject{"projects": domain.FilterPromobProjects(projects, r.URL.Query().Get("q"))}, nil
}
