package promobsim

import (
	"cmp"
	"slices"
	"time"
)

// accountView is GET /_sim/accounts/{acc}: everything the account holds,
// listings and webhook bodies summarised by size.
type accountView struct {
	AccountID        string         `json:"accountId"`
	WebhookURL       string         `json:"webhookUrl"`
	WebhookSecret    string         `json:"webhookSecret"`
	IntegrationToken string         `json:"integrationToken"`
	CNPJ             string         `json:"cnpj"`
	SerialNumbers    []string       `json:"serialNumbers"`
	Users            []userView     `json:"users"`
	Customers        []*customer    `json:"customers"`
	Projects         []projectView  `json:"projects"`
	Calls            []call         `json:"calls"`
	Deliveries       []deliveryView `json:"deliveries"`
}

type userView struct {
	User              string    `json:"user"`
	PasswordChangedAt time.Time `json:"passwordChangedAt"`
	Tokens            int       `json:"tokens"` // tokens issued and not revoked (expired ones included until pruned)
}

// projectView is a project of the Connect list (and of the account view,
// which adds the status updates and the revisions).
type projectView struct {
	ProjectID     string            `json:"projectId"`
	ExternalID    string            `json:"externalId"`
	CustomerID    string            `json:"customerId"`
	CustomerName  string            `json:"customerName"`
	Name          string            `json:"name"`
	Situation     string            `json:"situation"`
	Stage         string            `json:"stage"`
	UpdatedAt     time.Time         `json:"updatedAt"`
	StatusUpdates []statusUpdate    `json:"statusUpdates,omitempty"`
	Environments  []environmentView `json:"environments"`
}

type environmentView struct {
	EnvironmentID string         `json:"environmentId"`
	ExternalID    string         `json:"externalId"`
	Name          string         `json:"name"`
	Revision      int            `json:"revision"` // current; revisions 1..revision exist
	UpdatedAt     time.Time      `json:"updatedAt"`
	Revisions     []revisionView `json:"revisions,omitempty"`
}

type revisionView struct {
	Revision int       `json:"revision"`
	SavedAt  time.Time `json:"savedAt"`
	Source   string    `json:"source"`
	Bytes    int       `json:"bytes"`
}

type deliveryView struct {
	WebhookID     string    `json:"webhookId"`
	Type          string    `json:"type"`
	ProjectID     string    `json:"projectId"`
	EnvironmentID string    `json:"environmentId"`
	Revision      int       `json:"revision"`
	Timestamp     int64     `json:"timestamp"`
	Bytes         int       `json:"bytes"`
	Attempts      []attempt `json:"attempts"`
}

func viewOf(a *account) accountView {
	v := accountView{AccountID: a.ID, WebhookURL: a.WebhookURL, WebhookSecret: a.WebhookSecret,
		IntegrationToken: a.IntegrationToken, CNPJ: a.CNPJ, SerialNumbers: a.SerialNumbers, Users: []userView{}, Customers: []*customer{},
		Projects: projectViews(a, true), Calls: a.Calls, Deliveries: []deliveryView{}}
	if v.Calls == nil {
		v.Calls = []call{}
	}
	for _, u := range a.Users {
		uv := userView{User: u.Name, PasswordChangedAt: u.PasswordChangedAt}
		for _, t := range a.Tokens {
			if t.User == u.Name {
				uv.Tokens++
			}
		}
		v.Users = append(v.Users, uv)
	}
	slices.SortFunc(v.Users, func(x, y userView) int { return cmp.Compare(x.User, y.User) })
	for _, c := range a.Customers {
		v.Customers = append(v.Customers, c)
	}
	slices.SortFunc(v.Customers, func(x, y *customer) int { return cmp.Compare(x.Seq, y.Seq) })
	for _, d := range a.Deliveries {
		v.Deliveries = append(v.Deliveries, deliveryView{WebhookID: d.WebhookID, Type: d.Type, ProjectID: d.ProjectID,
			EnvironmentID: d.EnvironmentID, Revision: d.Revision, Timestamp: d.Timestamp, Bytes: len(d.Body), Attempts: d.Attempts})
	}
	return v
}

// projectViews lists the account's projects in creation order; detail adds
// status updates and revisions.
func projectViews(a *account, detail bool) []projectView {
	ps := make([]*project, 0, len(a.Projects))
	for _, p := range a.Projects {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(x, y *project) int { return cmp.Compare(x.Seq, y.Seq) })
	out := make([]projectView, 0, len(ps))
	for _, p := range ps {
		pv := projectView{ProjectID: p.ID, ExternalID: p.ExternalID, CustomerID: p.CustomerID, Name: p.Name,
			Situation: p.Situation, Stage: p.Stage, UpdatedAt: p.UpdatedAt, Environments: []environmentView{}}
		if c := a.Customers[p.CustomerID]; c != nil {
			pv.CustomerName = c.Name
		}
		if detail {
			pv.StatusUpdates = p.StatusUpdates
		}
		for _, id := range p.Environments {
			e := a.Environments[id]
			ev := environmentView{EnvironmentID: e.ID, ExternalID: e.ExternalID, Name: e.Name, Revision: e.current(), UpdatedAt: e.CreatedAt}
			if n := e.current(); n > 0 {
				ev.UpdatedAt = e.Revisions[n-1].SavedAt
			}
			if detail {
				for _, r := range e.Revisions {
					ev.Revisions = append(ev.Revisions, revisionView{Revision: r.Number, SavedAt: r.SavedAt, Source: r.Source, Bytes: len(r.Listing)})
				}
			}
			pv.Environments = append(pv.Environments, ev)
		}
		out = append(out, pv)
	}
	return out
}
