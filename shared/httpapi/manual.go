package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// manualItemWriters may add, change and remove manual items.
var manualItemWriters = []domain.Role{domain.RoleAdmin, domain.RoleSeller}

func (s *Server) addManualItem(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	envID, ok := s.manualItemTarget(w, r, id, "")
	if !ok {
		return
	}
	var body domain.ManualItemInput
	if err := decodeJSON(r, &body); err != nil {
		WriteError(w, r, err)
		return
	}
	item, err := body.Item()
	if err != nil {
		WriteError(w, r, err)
		return
	}
	item.ID, item.CreatedBy, item.CreatedAt = domain.NewID(), id.UserID, s.now().UTC()
	if err := s.store.AddManualItem(r.Context(), id.StoreID, envID, item); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, item)
}

func (s *Server) updateManualItem(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	itemID := r.PathValue("itemId")
	envID, ok := s.manualItemTarget(w, r, id, itemID)
	if !ok {
		return
	}
	var body domain.ManualItemInput
	if err := decodeJSON(r, &body); err != nil {
		WriteError(w, r, err)
		return
	}
	patch, err := body.Patch()
	if err != nil {
		WriteError(w, r, err)
		return
	}
	item, err := s.store.UpdateManualItem(r.Context(), id.StoreID, envID, itemID, patch)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, item)
}

func (s *Server) deleteManualItem(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	itemID := r.PathValue("itemId")
	envID, ok := s.manualItemTarget(w, r, id, itemID)
	if !ok {
		return
	}
	if err := s.store.DeleteManualItem(r.Context(), id.StoreID, envID, itemID); err != nil {
		WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// manualItemTarget checks what every manual item write needs, in this
// order: the caller's role (403), the environment (path value eid) or the
// assistance (aid) in the caller's store (404), and an item id that is not
// a Promob item's (409). It answers the refusal itself and returns the
// environment id (an assistance's is its own) and whether to go on.
func (s *Server) manualItemTarget(w http.ResponseWriter, r *http.Request, id domain.Identity, itemID string) (string, bool) {
	if err := id.Require(manualItemWriters...); err != nil {
		WriteError(w, r, err)
		return "", false
	}
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		WriteError(w, r, err)
		return "", false
	}
	if domain.IsPromobItemID(itemID) {
		WriteError(w, r, domain.Errorf(domain.CodePromobItemReadonly, "Items that come from Promob are changed in Promob."))
		return "", false
	}
	return env.ID, true
}
