package httpapi

import (
	"net/http"
	"strconv"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func (s *Server) readNotification(r *http.Request, id domain.Identity) (int, any, error) {
	n, err := s.store.MarkNotificationRead(r.Context(), id.StoreID, id.UserID, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, n, nil
}

// boolParam reads an optional boolean query parameter ("" is false).
func boolParam(v, name string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, domain.Invalid("%s must be true or false.", name)
	}
	return b, nil
}
