// Package promobtoken chooses the token a call to Promob carries: the
// acting user's linked Promob token when they have one, else the store's
// integration token (PROMOB-API.md, section 2). When Promob refuses a
// user's token (the user changed their Promob password), the user's link
// becomes expired, the user is notified to link again, and the call is made
// with the integration token. When Promob refuses the integration token,
// the store's responsible user is told (once per saved configuration).
package promobtoken

import (
	"context"
	"log/slog"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promob"
)

// Store is what choosing a token reads and records (see the dynamo store's
// methods of the same names).
type Store interface {
	PromobLink(ctx context.Context, storeID, userID string) (domain.PromobLink, error)
	ExpirePromobLink(ctx context.Context, storeID, userID string, linkedAt, now time.Time) (bool, error)
	PutNotification(ctx context.Context, n domain.Notification) error
	GetIntegration(ctx context.Context, storeID string) (domain.Integration, error)
}

// Chooser runs calls to Promob with the right token.
type Chooser struct {
	store Store
	box   domain.TokenBox
	now   func() time.Time
}

// New returns a chooser; box opens users' sealed Promob tokens (nil: every
// call carries the integration token), now is the clock.
func New(store Store, box domain.TokenBox, now func() time.Time) *Chooser {
	return &Chooser{store: store, box: box, now: now}
}

// Call runs call with userID's linked Promob token when they have a link
// in acc's store, else with acc's integration token; a sealed token that
// does not open is logged and the integration token is used. When Promob
// refuses the user's token (401), the link becomes expired, the user is
// notified (once per link), and call runs again with the integration
// token. It returns call's last error, or the store's when reading the
// link or recording its expiry fails.
func (c *Chooser) Call(ctx context.Context, acc domain.Account, userID string, call func(token string) error) error {
	if userID == "" || c.box == nil {
		return c.Integration(ctx, acc, call)
	}
	l, err := c.store.PromobLink(ctx, acc.StoreID, userID)
	if domain.IsNotFound(err) || (err == nil && l.Status != domain.LinkLinked) {
		return c.Integration(ctx, acc, call)
	}
	if err != nil {
		return err
	}
	token, err := c.box.Open(l.SealedToken, domain.LinkContext(acc.StoreID, userID))
	if err != nil {
		slog.WarnContext(ctx, "stored Promob token does not open; using the integration token", "err", err)
		return c.Integration(ctx, acc, call)
	}
	err = call(token)
	if !promob.IsUnauthorized(err) {
		return err
	}
	if err := c.expire(ctx, l); err != nil {
		return err
	}
	return c.Integration(ctx, acc, call)
}

// Integration runs call with acc's integration token. When Promob refuses
// it (401), the store's responsible user is notified (once per saved
// configuration); call's error is returned all the same, or the store's
// when the notice cannot be written.
func (c *Chooser) Integration(ctx context.Context, acc domain.Account, call func(token string) error) error {
	err := call(acc.APIToken)
	if !promob.IsUnauthorized(err) {
		return err
	}
	slog.WarnContext(ctx, "Promob refused the store's integration token", "account_id", acc.AccountID)
	integ, ierr := c.store.GetIntegration(ctx, acc.StoreID)
	switch {
	case domain.IsNotConfiguredErr(ierr):
		return err // no one to tell
	case ierr != nil:
		return ierr
	case integ.ResponsibleUserID == "":
		return err
	}
	if nerr := c.store.PutNotification(ctx, domain.IntegrationTokenRefusedNotification(integ, c.now())); nerr != nil {
		return nerr
	}
	return err
}

// expire marks the link expired and notifies its user; the notification's
// dedupe key makes it once per link, also when this runs again.
func (c *Chooser) expire(ctx context.Context, l domain.PromobLink) error {
	now := c.now().UTC()
	changed, err := c.store.ExpirePromobLink(ctx, l.StoreID, l.UserID, l.LinkedAt, now)
	if err != nil {
		return err
	}
	if changed {
		slog.InfoContext(ctx, "Promob refused the user's token; link expired", "promob_user", l.PromobUser)
	}
	return c.store.PutNotification(ctx, domain.LinkExpiredNotification(l.StoreID, l.UserID, l.LinkedAt, now))
}
