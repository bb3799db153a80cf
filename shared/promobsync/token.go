package promobsync

import (
	"context"
	"log/slog"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promob"
)

// withToken runs call with the acting user's linked Promob token when they
// have one, else with the store's integration token. When Promob refuses
// the user's token (401), the link becomes expired, the user is notified
// (once per link), and call runs again with the integration token.
func (s *Syncer) withToken(ctx context.Context, acc domain.Account, userID string, call func(token string) error) error {
	if userID == "" || s.box == nil {
		return call(acc.APIToken)
	}
	l, err := s.store.PromobLink(ctx, acc.StoreID, userID)
	if domain.IsNotFound(err) || (err == nil && l.Status != domain.LinkLinked) {
		return call(acc.APIToken)
	}
	if err != nil {
		return err
	}
	token, err := s.box.Open(l.SealedToken, domain.LinkContext(acc.StoreID, userID))
	if err != nil {
		slog.WarnContext(ctx, "stored Promob token does not open; using the integration token", "err", err)
		return call(acc.APIToken)
	}
	err = call(token)
	if !promob.IsUnauthorized(err) {
		return err
	}
	if err := s.expire(ctx, l); err != nil {
		return err
	}
	return call(acc.APIToken)
}

// expire marks the link expired and notifies its user; the notification's
// dedupe key makes it once per link, also when this runs again.
func (s *Syncer) expire(ctx context.Context, l domain.PromobLink) error {
	now := s.now().UTC()
	changed, err := s.store.ExpirePromobLink(ctx, l.StoreID, l.UserID, l.LinkedAt, now)
	if err != nil {
		return err
	}
	if changed {
		slog.InfoContext(ctx, "Promob refused the user's token; link expired", "promob_user", l.PromobUser)
	}
	return s.store.PutNotification(ctx, domain.LinkExpiredNotification(l.StoreID, l.UserID, l.LinkedAt, now))
}
