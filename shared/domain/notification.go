package domain

import (
	"context"
	"time"
)

// NotificationTTL is how long a notification is kept.
const NotificationTTL = 90 * 24 * time.Hour

// Notification is a message to one user of a store.
type Notification struct {
	ID        string    `json:"id"`
	StoreID   string    `json:"-"`
	UserID    string    `json:"-"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	Message   string    `json:"message"`
	Action    *Action   `json:"action,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	Read      bool      `json:"read"`
	// DedupeKey, when set, makes the notification once-only: another one
	// for the same user with the same key is dropped.
	DedupeKey string `json:"-"`
}

// Action is what clicking a notification does.
type Action struct {
	Type          string `json:"type"` // e.g. "update_environment", "review_environment", "update_assistance", "link_promob"
	ProjectID     string `json:"projectId,omitempty"`
	EnvironmentID string `json:"environmentId,omitempty"`
	AssistanceID  string `json:"assistanceId,omitempty"`
}

// Validate returns an invalid_request *Error when a field a notification
// needs is missing.
func (n Notification) Validate() error {
	switch {
	case n.ID == "" || n.StoreID == "" || n.UserID == "":
		return Invalid("A notification needs an id, a store and a user.")
	case n.Kind == "" || n.Title == "":
		return Invalid("A notification needs a kind and a title.")
	case n.CreatedAt.IsZero():
		return Invalid("A notification needs its creation time.")
	}
	return nil
}

// NotificationStore keeps users' notifications.
type NotificationStore interface {
	// PutNotification stores n; storing the same id, or the same DedupeKey
	// for the user, again changes nothing.
	PutNotification(ctx context.Context, n Notification) error
	// Notifications returns the user's notifications, newest first, at most
	// limit, only unread ones when unreadOnly.
	Notifications(ctx context.Context, storeID, userID string, unreadOnly bool, limit int) ([]Notification, error)
	// MarkNotificationRead marks one of the user's notifications read and
	// returns it, or a not_found *Error.
	MarkNotificationRead(ctx context.Context, storeID, userID, id string) (Notification, error)
}

// Notice is a notification addressed to one of the store's users;
// DedupeKey, when set, makes it once-only.
type Notice struct {
	Notification Notification `json:"notification"`
	StoreID      string       `json:"storeId"`
	UserID       string       `json:"userId"`
	DedupeKey    string       `json:"dedupeKey,omitempty"`
}
