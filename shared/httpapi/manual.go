package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// manualItemWriters may add, change and remove manual items.
var manualItemWriters = []domain.Role{domain.RoleAdmin, domain.RoleSeller}

func (s *Server) addManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	envID, err := s.manualItemTarget(r, id.StoreID, "")
	if err != nil {
		return 0, nil, err
	}
	var body domain.ManualItemInput
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	item, err := body.Item()
	if err != nil {
		return 0, nil, err
	}
	item.ID, item.CreatedBy, item.CreatedAt = domain.NewID(), id.UserID, s.now().UTC()
	if err := s.store.AddManualItem(r.Context(), id.StoreID, envID, item); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, item, nil
}

func (s *Server) updateManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	itemID := r.PathValue("itemId")
	envID, err := s.manualItemTarget(r, id.StoreID, itemID)
	if err != nil {
		return 0, nil, err
	}
	var body domain.ManualItemInput
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	patch, err := body.Patch()
	if err != nil {
		return 0, nil, err
	}
	item, err := s.store.UpdateManualItem(r.Context(), id.StoreID, envID, itemID, patch)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, item, nil
}

func (s *Server) deleteManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	itemID := r.PathValue("itemId")
	envID, err := s.manualItemTarget(r, id.StoreID, itemID)
	if err != nil {
		return 0, nil, err
	}
	if err := s.store.DeleteManualItem(r.Context(), id.StoreID, envID, itemID); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// manualItemTarget checks, after the route's role check, what every manual
// item write needs, in this order: the environment (path value eid) or the
// assistance (aid) in the store (404), and an item id that is not a Promob
// item's (409). It returns the environment id (an assistance's is its own).
func (s *Server) manualItemTarget(r *http.Request, storeID, itemID string) (string, error) {
	env, err := s.routedRecord(r, storeID)
	if err != nil {
		return "", err
	}
	if domain.IsPromobItemID(itemID) {
		return "", domain.Errorf(domain.CodePromobItemReadonly, "Items that come from Promob are changed in Promob.")
	}
	return env.ID, nil
}
