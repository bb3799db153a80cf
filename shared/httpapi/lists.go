package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
)

// ListStore serves the lists the front end browses, a page at a time (see
// package page), and remembers the users it has seen.
type ListStore interface {
	Clients(ctx context.Context, storeID, query string, req page.Request) (page.Page[domain.Client], error)
	Projects(ctx context.Context, storeID string, f domain.ProjectFilter, req page.Request) (page.Page[domain.Project], error)
	Users(ctx context.Context, storeID string, req page.Request) (page.Page[domain.User], error)
	NotificationPage(ctx context.Context, storeID, userID string, unreadOnly bool, req page.Request) (page.Page[domain.Notification], error)
	// SeeUser records that the user called the API at with roles.
	SeeUser(ctx context.Context, storeID, userID string, roles []domain.Role, at time.Time) error
}

// ClientList is the answer of GET /v1/clients.
type ClientList struct {
	Clients    []domain.Client `json:"clients"`
	NextCursor string          `json:"nextCursor,omitempty"`
}

// ProjectList is the answer of GET /v1/projects: projects without their
// environments (GET /v1/projects/{id} has them).
type ProjectList struct {
	Projects   []ProjectSummary `json:"projects"`
	NextCursor string           `json:"nextCursor,omitempty"`
}

// ProjectSummary is a project in a list: all of it but its environments.
type ProjectSummary struct {
	domain.Project
	Environments *struct{} `json:"environments,omitempty"` // hides the project's
}

// UserList is the answer of GET /v1/users.
type UserList struct {
	Users      []domain.User `json:"users"`
	NextCursor string        `json:"nextCursor,omitempty"`
}

// NotificationList is the answer of GET /v1/notifications.
type NotificationList struct {
	Notifications []domain.Notification `json:"notifications"`
	NextCursor    string                `json:"nextCursor,omitempty"`
}

func (s *Server) listClients(r *http.Request, id domain.Identity) (int, any, error) {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return 0, nil, err
	}
	p, err := s.store.Clients(r.Context(), id.StoreID, r.URL.Query().Get("q"), req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ClientList{Clients: p.Items, NextCursor: p.NextCursor()}, nil
}

func (s *Server) listProjects(r *http.Request, id domain.Identity) (int, any, error) {
	q := r.URL.Query()
	req, err := page.FromQuery(q)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.store.Projects(r.Context(), id.StoreID, domain.ProjectFilter{ClientID: q.Get("clientId"), State: q.Get("state")}, req)
	if err != nil {
		return 0, nil, err
	}
	out := ProjectList{Projects: make([]ProjectSummary, len(p.Items)), NextCursor: p.NextCursor()}
	for i, pr := range p.Items {
		out.Projects[i] = ProjectSummary{Project: pr}
	}
	return http.StatusOK, out, nil
}

func (s *Server) listUsers(r *http.Request, id domain.Identity) (int, any, error) {
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return 0, nil, err
	}
	p, err := s.store.Users(r.Context(), id.StoreID, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, UserList{Users: p.Items, NextCursor: p.NextCursor()}, nil
}

func (s *Server) listNotifications(r *http.Request, id domain.Identity) (int, any, error) {
	q := r.URL.Query()
	unread, err := boolParam(q.Get("unread"), "unread")
	if err != nil {
		return 0, nil, err
	}
	req, err := page.FromQuery(q)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.store.NotificationPage(r.Context(), id.StoreID, id.UserID, unread, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, NotificationList{Notifications: p.Items, NextCursor: p.NextCursor()}, nil
}
