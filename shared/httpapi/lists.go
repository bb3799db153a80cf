package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
	"github.com/foccolojas/promob-integration/shared/pricing"
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

// ProjectBudget is the answer of GET /v1/projects/{pid}/budget: the budget
// of each environment's latest version and their sums.
type ProjectBudget struct {
	ProjectID    string              `json:"projectId"`
	Environments []EnvironmentBudget `json:"environments"`
	BudgetTotals
}

// EnvironmentBudget is one environment's part of a project's budget;
// Version is 0 (and the amounts zero) while it has no imported version.
type EnvironmentBudget struct {
	EnvironmentID string `json:"environmentId"`
	Name          string `json:"name"`
	Version       int    `json:"version"`
	Outdated      bool   `json:"outdated"`
	BudgetTotals
}

// BudgetTotals are a budget's amounts.
type BudgetTotals struct {
	PromobTotal domain.Money `json:"promobTotal"`
	ManualTotal domain.Money `json:"manualTotal"`
	Subtotal    domain.Money `json:"subtotal"`
	Freight     domain.Money `json:"freight"`
	Assembly    domain.Money `json:"assembly"`
	Total       domain.Money `json:"total"`
}

func totalsOf(b pricing.Result) BudgetTotals {
	return BudgetTotals{PromobTotal: b.PromobTotal, ManualTotal: b.ManualTotal, Subtotal: b.Subtotal,
		Freight: b.Freight, Assembly: b.Assembly, Total: b.Total}
}

// add sums o into t.
func (t *BudgetTotals) add(o BudgetTotals) {
	for _, p := range []struct {
		sum *domain.Money
		v   domain.Money
	}{
		{&t.PromobTotal, o.PromobTotal}, {&t.ManualTotal, o.ManualTotal}, {&t.Subtotal, o.Subtotal},
		{&t.Freight, o.Freight}, {&t.Assembly, o.Assembly}, {&t.Total, o.Total},
	} {
		*p.sum = domain.Cents(p.sum.Add(p.v.Decimal))
	}
}

func (s *Server) getProjectBudget(r *http.Request, id domain.Identity) (int, any, error) {
	p, err := s.store.Project(r.Context(), id.StoreID, r.PathValue("pid"))
	if err != nil {
		return 0, nil, err
	}
	out := ProjectBudget{ProjectID: p.ID, Environments: []EnvironmentBudget{}}
	out.BudgetTotals.add(BudgetTotals{}) // every amount "0.00" rather than "0"
	for _, env := range p.Environments {
		eb := EnvironmentBudget{EnvironmentID: env.ID, Name: env.Name, Outdated: env.Outdated()}
		eb.BudgetTotals.add(BudgetTotals{})
		if env.LatestVersion > 0 {
			detail, err := s.latest(r, env)
			if err != nil {
				return 0, nil, err
			}
			eb.Version, eb.BudgetTotals = detail.Number, totalsOf(detail.Budget)
		}
		out.BudgetTotals.add(eb.BudgetTotals)
		out.Environments = append(out.Environments, eb)
	}
	return http.StatusOK, out, nil
}

// seenUsers remembers, per store and user, the day and roles this process
// last recorded, so that a user's requests write the user record at most
// once a day (or when their roles change).
type seenUsers struct {
	mu   sync.Mutex
	seen map[[2]string]string
}

// see records the caller in the store unless this process already did
// today with the same roles. A failure is logged by the caller's request
// only: it never refuses the request.
func (s *Server) see(ctx context.Context, id domain.Identity) error {
	now := s.now().UTC()
	k, v := [2]string{id.StoreID, id.UserID}, now.Format(time.DateOnly)
	for _, r := range id.Roles {
		v += "," + string(r)
	}
	s.seen.mu.Lock()
	done := s.seen.seen[k] == v
	s.seen.mu.Unlock()
	if done {
		return nil
	}
	if err := s.store.SeeUser(ctx, id.StoreID, id.UserID, id.Roles, now); err != nil {
		return err
	}
	s.seen.mu.Lock()
	if s.seen.seen == nil {
		s.seen.seen = map[[2]string]string{}
	}
	s.seen.seen[k] = v
	s.seen.mu.Unlock()
	return nil
}
