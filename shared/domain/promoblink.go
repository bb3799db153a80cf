package domain

import (
	"context"
	"strings"
	"time"
)

// States of a user's Promob link.
const (
	LinkLinked    = "linked"     // Promob accepted the credentials; the token is stored
	LinkExpired   = "expired"    // Promob refused the stored token: the user must link again
	LinkNotLinked = "not_linked" // the user never linked Promob
)

// PromobLink is a user's link to their Promob account. Token is the Promob
// user token, sealed (encrypted) before it is stored; the password is never
// kept.
type PromobLink struct {
	StoreID     string
	UserID      string
	PromobUser  string
	Status      string
	SealedToken string
	LinkedAt    time.Time
	ExpiredAt   *time.Time
}

// RequirePromobCredentials returns an invalid_request *Error when the
// Promob user or password a user links with is missing or too long; the
// message never repeats the password.
func RequirePromobCredentials(user, password string) error {
	if u := strings.TrimSpace(user); u == "" || len(u) > 200 {
		return Invalid("promobUser is required (at most 200 characters).")
	}
	if password == "" || len(password) > 200 {
		return Invalid("promobPassword is required (at most 200 characters).")
	}
	return nil
}

// Me is the caller as GET /v1/me answers it.
type Me struct {
	UserID     string   `json:"userId"`
	StoreID    string   `json:"storeId"`
	Roles      []Role   `json:"roles"`
	PromobLink LinkView `json:"promobLink"`
}

// LinkView is the link's state as the front end shows it.
type LinkView struct {
	Status     string     `json:"status"`
	PromobUser string     `json:"promobUser,omitempty"`
	LinkedAt   *time.Time `json:"linkedAt,omitempty"`
}

// View is what the user and the store's user list see of the link.
func (l PromobLink) View() LinkView {
	at := l.LinkedAt
	return LinkView{Status: l.Status, PromobUser: l.PromobUser, LinkedAt: &at}
}

// PromobLinkStore keeps users' Promob links.
type PromobLinkStore interface {
	// PutPromobLink stores the link, replacing the user's previous one.
	PutPromobLink(ctx context.Context, l PromobLink) error
	// PromobLink returns the user's link, or a not_found *Error.
	PromobLink(ctx context.Context, storeID, userID string) (PromobLink, error)
	// ExpirePromobLink marks the link made at linkedAt expired; it reports
	// false when the link is not that one or is not linked any more.
	ExpirePromobLink(ctx context.Context, storeID, userID string, linkedAt, now time.Time) (bool, error)
}

// TokenBox seals Promob tokens for storage and opens them again; the
// context string binds a sealed token to its owner.
type TokenBox interface {
	Seal(plaintext, context string) (string, error)
	Open(sealed, context string) (string, error)
}

// LinkContext is the context a user's Promob token is sealed under.
func LinkContext(storeID, userID string) string { return "promob-link/" + storeID + "/" + userID }

// LinkExpiredNotification is the notification that asks a user to link
// Promob again after Promob refused the token of the link made at linkedAt;
// its dedupe key makes it once per expiry.
func LinkExpiredNotification(storeID, userID string, linkedAt, now time.Time) Notification {
	return Notification{
		ID: NewID(), StoreID: storeID, UserID: userID, Kind: "promob_link_expired",
		Title:     "Vincule sua conta Promob novamente",
		Message:   "O Promob recusou o acesso da sua conta vinculada (a senha pode ter mudado). Vincule o usuário Promob outra vez.",
		Action:    &Action{Type: "link_promob"},
		CreatedAt: now, DedupeKey: "promob-link-expired#" + linkedAt.UTC().Format(time.RFC3339Nano),
	}
}
