package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// reprice prices the latest version again with the store's current
// commercial rules, when the store asks for it: a change of rules never
// reprices a version by itself (it applies from the next version). The
// converted version is never repriced (already_converted), nor anything
// after the purchase orders (environment_locked). It answers the version
// with its new budget.
func (s *Server) reprice(r *http.Request, id domain.Identity) (int, any, error) {
	ctx := r.Context()
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	if err := env.CanReprice(); err != nil {
		return 0, nil, err
	}
	rules, err := s.store.CommercialRules(ctx, env.StoreID)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.store.Version(ctx, env, env.LatestVersion)
	if err != nil {
		return 0, nil, err
	}
	items, err := s.versionItems(r, env, v.Number)
	if err != nil {
		return 0, nil, err
	}
	manual, err := s.store.ManualItems(ctx, env.StoreID, env.ID)
	if err != nil {
		return 0, nil, err
	}
	totals := pricing.NewTotals(rules)
	for _, it := range items {
		if !it.HasChildren {
			totals.Add(pricing.LineOf(it))
		}
	}
	sum := totals.Summary(pricing.ManualLines(manual))
	if v.Budget, err = json.Marshal(sum); err != nil {
		return 0, nil, err
	}
	if v.Rules, err = json.Marshal(rules); err != nil {
		return 0, nil, err
	}
	v.Total = sum.Total.String()
	now := s.now().UTC()
	entry := domain.NewHistoryEntry(domain.HistoryRepriced, env.ID, v.Number, id.UserID, now,
		fmt.Sprintf("%s: version %d priced again with the current commercial rules; total %s.", env.Name, v.Number, v.Total))
	if err := s.store.Reprice(ctx, env, v, entry, now); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, VersionDetail{Version: v, Budget: sum, BudgetFixed: env.BudgetFixed(v.Number)}, nil
}
