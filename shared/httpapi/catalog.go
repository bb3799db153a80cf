package httpapi

import (
	"net/http"
	"strings"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// anyRole lists every role: routes open to all of a store's users still
// refuse a token that carries none.
var anyRole = []domain.Role{domain.RoleAdmin, domain.RoleSeller, domain.RoleReviewer, domain.RoleFinance}

func (s *Server) createClient(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(anyRole...); err != nil {
		WriteError(w, r, err)
		return
	}
	var body domain.ClientInput
	if err := decodeJSON(r, &body); err != nil {
		WriteError(w, r, err)
		return
	}
	c, err := body.Validate()
	if err != nil {
		WriteError(w, r, err)
		return
	}
	c.ID, c.StoreID, c.CreatedAt = domain.NewID(), id.StoreID, s.now().UTC()
	c.PromobSync = domain.PromobSync{Status: domain.SyncPending}
	if err := s.store.CreateClient(r.Context(), c); err != nil {
		WriteError(w, r, err)
		return
	}
	// Every client is created in Promob too; a failed enqueue leaves it
	// pending, and POST /v1/clients/{id}/sync queues it again.
	if err := s.enqueueCustomer(r, id, c.ID); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, c)
}

func (s *Server) getClient(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(anyRole...); err != nil {
		WriteError(w, r, err)
		return
	}
	c, err := s.store.Client(r.Context(), id.StoreID, r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, c)
}

// createProject is for sellers and admins: the project's creator is the user
// its notifications go to.
func (s *Server) createProject(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleAdmin, domain.RoleSeller); err != nil {
		WriteError(w, r, err)
		return
	}
	var body domain.ProjectInput
	if err := decodeValid(r, &body); err != nil {
		WriteError(w, r, err)
		return
	}
	p := domain.Project{
		ID: domain.NewID(), StoreID: id.StoreID, ClientID: strings.TrimSpace(body.ClientID), Name: strings.TrimSpace(body.Name),
		CreatedBy: id.UserID, CreatedAt: s.now().UTC(), Environments: []domain.Environment{},
	}
	if err := s.store.CreateProject(r.Context(), p); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, p)
}

func (s *Server) getProject(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(anyRole...); err != nil {
		WriteError(w, r, err)
		return
	}
	p, err := s.store.Project(r.Context(), id.StoreID, r.PathValue("id"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, p)
}
