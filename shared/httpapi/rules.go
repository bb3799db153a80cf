package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// getCommercialRules answers the store's rules, or pricing.DefaultRules when
// it has set none: the answer has the shape PUT takes, so it can be edited
// and sent back.
func (s *Server) getCommercialRules(r *http.Request, id domain.Identity) (int, any, error) {
	rules, err := s.store.CommercialRules(r.Context(), id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rules, nil
}

func (s *Server) putCommercialRules(r *http.Request, id domain.Identity) (int, any, error) {
	var rules pricing.Rules
	if err := decodeValid(r, &rules); err != nil {
		return 0, nil, err
	}
	if err := s.store.SaveCommercialRules(r.Context(), id.StoreID, rules, s.now().UTC()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, rules, nil
}
