package httpapi

import (
	"net/http"
	"strconv"

	"github.com/foccolojas/promob-integration/shared/domain"
)

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// NotificationList is the answer of GET /v1/notifications.
type NotificationList struct {
	Notifications []domain.Notification `json:"notifications"`
}

func (s *Server) listNotifications(r *http.Request, id domain.Identity) (int, any, error) {
	q := r.URL.Query()
	unread, err := boolParam(q.Get("unread"), "unread")
	if err != nil {
		return 0, nil, err
	}
	limit := defaultPageSize
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxPageSize {
			return 0, nil, domain.Errorf(domain.CodeInvalid, "limit must be an integer from 1 to %d.", maxPageSize)
		}
	}
	list, err := s.store.Notifications(r.Context(), id.StoreID, id.UserID, unread, limit)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, NotificationList{Notifications: list}, nil
}

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
		return false, domain.Errorf(domain.CodeInvalid, "%s must be true or false.", name)
	}
	return b, nil
}
