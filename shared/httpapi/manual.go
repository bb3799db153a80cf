package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// manualItemWriters may add, change and remove manual items.
var manualItemWriters = []domain.Role{domain.RoleAdmin, domain.RoleSeller}

// The manual item routes: the environment (path value eid) or the
// assistance (aid) must be in the caller's store (404); the rest is the
// use case's (sale.Manual): a Promob item's id is refused before the body
// is read, then the lock, the item, what the change does to the versions.

func (s *Server) addManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	var body manualItemBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	item, err := body.item()
	if err != nil {
		return 0, nil, err
	}
	if item, err = s.manual.Add(r.Context(), id, env, item); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, item, nil
}

func (s *Server) updateManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	item, err := s.manual.Change(r.Context(), id, env, r.PathValue("itemId"), func() (domain.ManualItemPatch, error) {
		var body manualItemBody
		if err := decodeJSON(r, &body); err != nil {
			return domain.ManualItemPatch{}, err
		}
		return body.patch()
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, item, nil
}

func (s *Server) deleteManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	if err := s.manual.Remove(r.Context(), id, env, r.PathValue("itemId")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
