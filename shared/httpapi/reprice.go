package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// reprice prices the routed record's latest version again with the store's
// current commercial rules (sale.Manual.Reprice) and answers the version
// with its new budget.
func (s *Server) reprice(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	v, sum, err := s.manual.Reprice(r.Context(), id, env)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, VersionDetail{Version: v, Budget: sum, BudgetFixed: env.BudgetFixed(v.Number)}, nil
}
