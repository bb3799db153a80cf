package domain

import "strings"

// PromobProject is a project of the store's Promob account as Promob's
// Connect lists it, for linking its environments to FoccoLojas.
type PromobProject struct {
	ProjectID    string                     `json:"projectId"`
	Name         string                     `json:"name"`
	CustomerID   string                     `json:"customerId,omitempty"`
	CustomerName string                     `json:"customerName,omitempty"`
	Situation    string                     `json:"situation,omitempty"`
	Stage        string                     `json:"stage,omitempty"`
	Environments []PromobProjectEnvironment `json:"environments"`
}

// PromobProjectEnvironment is an environment of a Promob project.
type PromobProjectEnvironment struct {
	EnvironmentID string `json:"environmentId"`
	Name          string `json:"name"`
	Revision      int    `json:"revision"` // its current revision
}

// FilterPromobProjects returns the projects whose name or customer's name
// contains q, ignoring case and surrounding blanks; all of them for an
// empty q.
func FilterPromobProjects(projects []PromobProject, q string) []PromobProject {
	q = strings.ToLower(strings.TrimSpace(q))
	out := []PromobProject{}
	for _, p := range projects {
		if q == "" || strings.Contains(strings.ToLower(p.Name), q) || strings.Contains(strings.ToLower(p.CustomerName), q) {
			out = append(out, p)
		}
	}
	return out
}
