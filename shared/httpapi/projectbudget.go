package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

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

func totalsOf(b pricing.Summary) BudgetTotals {
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
			n, sum, err := s.latestBudget(r, env)
			if err != nil {
				return 0, nil, err
			}
			eb.Version, eb.BudgetTotals = n, totalsOf(sum)
		}
		out.BudgetTotals.add(eb.BudgetTotals)
		out.Environments = append(out.Environments, eb)
	}
	return http.StatusOK, out, nil
}
