package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// getCommercialRules answers the store's rules, or pricing.DefaultRules when
// it has set none: the answer has the shape PUT takes, so it can be edited
// and sent back.
func (s *Server) getCommercialRules(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(anyRole...); err != nil {
		WriteError(w, r, err)
		return
	}
	rules, err := s.store.CommercialRules(r.Context(), id.StoreID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, rules)
}

func (s *Server) putCommercialRules(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleAdmin); err != nil {
		WriteError(w, r, err)
		return
	}
	var rules pricing.Rules
	if err := decodeValid(r, &rules); err != nil {
		WriteError(w, r, err)
		return
	}
	if err := s.store.SaveCommercialRules(r.Context(), id.StoreID, rules, s.now().UTC()); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, rules)
}
