package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// anyRole lists every role: routes open to all of a store's users still
// refuse a token that carries none.
var anyRole = []domain.Role{domain.RoleAdmin, domain.RoleSeller, domain.RoleReviewer, domain.RoleFinance}

func (s *Server) createClient(r *http.Request, id domain.Identity) (int, any, error) {
	var body clientBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	c, err := domain.Client{Name: body.Name, Document: body.Document, Email: body.Email, Phone: body.Phone}.Validate()
	if err != nil {
		return 0, nil, err
	}
	// Every client is created in Promob too; a failed enqueue leaves its
	// sync failed, and POST /v1/clients/{id}/sync queues it again.
	c, err = s.creation.CreateClient(r.Context(), id, c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, c, nil
}

func (s *Server) getClient(r *http.Request, id domain.Identity) (int, any, error) {
	c, err := s.store.Client(r.Context(), id.StoreID, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	jobs, err := s.jobsOf(r.Context(), id.StoreID, c.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		domain.Client
		Jobs []domain.Job `json:"jobs"`
	}{c, jobs}, nil
}

// createProject is for sellers and admins: the project's creator is the user
// its notifications go to.
func (s *Server) createProject(r *http.Request, id domain.Identity) (int, any, error) {
	var body projectBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	p, err := domain.Project{ClientID: body.ClientID, Name: body.Name}.Validate()
	if err != nil {
		return 0, nil, err
	}
	p.ID, p.StoreID, p.CreatedBy, p.CreatedAt = domain.NewID(), id.StoreID, id.UserID, s.now().UTC()
	p.State, p.LastActivityAt, p.Environments = domain.ProjectOpen, p.CreatedAt, []domain.Environment{}
	if err := s.store.CreateProject(r.Context(), p); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, p, nil
}

func (s *Server) getProject(r *http.Request, id domain.Identity) (int, any, error) {
	p, err := s.store.Project(r.Context(), id.StoreID, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, p, nil
}
