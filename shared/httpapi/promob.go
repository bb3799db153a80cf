package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promob"
)

// PromobStore keeps what the routes that act in Promob write: users'
// links, and the state of clients and environments created through
// promobsync (see the dynamo store's methods of the same names).
type PromobStore interface {
	domain.PromobLinkStore
	domain.FailureStore
	SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error
	SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
}

// Verifier checks a Promob user's credentials (the users/verify call).
type Verifier interface {
	VerifyUser(ctx context.Context, account, token, user, password string) (promob.UserToken, error)
}

// Option configures a Server.
type Option func(*Server)

// WithPromobLink lets the server link users to Promob: v checks their
// credentials, box seals the tokens Promob answers. Without it, linking is
// answered 500 (not configured).
func WithPromobLink(v Verifier, box domain.TokenBox) Option {
	return func(s *Server) { s.verifier, s.box = v, box }
}

// getMe answers the caller; like every answered request, it records them
// as one of the store's users (see handle), so that the integration's
// prerequisites can list who has not linked Promob.
func (s *Server) getMe(r *http.Request, id domain.Identity) (int, any, error) {
	me := domain.Me{UserID: id.UserID, StoreID: id.StoreID, Roles: id.Roles, PromobLink: domain.LinkView{Status: domain.LinkNotLinked}}
	if me.Roles == nil {
		me.Roles = []domain.Role{}
	}
	l, err := s.store.PromobLink(r.Context(), id.StoreID, id.UserID)
	switch {
	case err == nil:
		me.PromobLink = l.View()
	case !domain.IsNotFound(err):
		return 0, nil, err
	}
	return http.StatusOK, me, nil
}

// linkPromob checks the credentials with Promob, with the store's
// integration token, and stores the user's token sealed; the password is
// neither stored nor logged. Wrong passwords are throttled per user and per
// Promob account (domain.UserThrottle, domain.AccountThrottle): once over,
// the check is refused with 429 and Retry-After without asking Promob; the
// failures are kept in the store, so every instance counts them, and a
// success forgets the user's.
func (s *Server) linkPromob(r *http.Request, id domain.Identity) (int, any, error) {
	var in linkBody
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	if err := domain.RequirePromobCredentials(in.PromobUser, in.PromobPassword); err != nil {
		return 0, nil, err
	}
	if s.verifier == nil || s.box == nil {
		return 0, nil, domain.Internal("Linking Promob is not configured.")
	}
	ctx := r.Context()
	acc, err := s.storeAccount(ctx, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	throttles := []struct {
		subject string
		domain.CredentialThrottle
	}{
		{domain.UserSubject(id.StoreID, id.UserID), domain.UserThrottle},
		{domain.AccountSubject(acc.AccountID), domain.AccountThrottle},
	}
	now := s.now()
	for _, t := range throttles {
		f, err := s.store.CredentialFailures(ctx, t.subject, now)
		if err != nil {
			return 0, nil, err
		}
		if wait := t.Wait(f, now); wait > 0 {
			slog.WarnContext(ctx, "Promob password check refused: too many wrong ones", "subject", t.subject, "failures", f.Count)
			return 0, nil, domain.TooManyAttempts(wait)
		}
	}
	user := strings.TrimSpace(in.PromobUser)
	tok, err := s.verifier.VerifyUser(ctx, acc.AccountID, acc.APIToken, user, in.PromobPassword)
	if promob.IsUnauthorized(err) {
		for _, t := range throttles {
			if err := s.store.RecordCredentialFailure(ctx, t.subject, t.Window, now); err != nil {
				return 0, nil, err
			}
		}
		slog.WarnContext(ctx, "Promob refused a user's password", "promob_user", user)
		return 0, nil, domain.PromobCredentialsInvalid("Promob did not accept the user or password.")
	}
	if err != nil {
		slog.ErrorContext(ctx, "Promob users/verify failed", "err", err, "promob_user", user)
		return 0, nil, domain.PromobUnavailable("Promob could not check the credentials now; try again.")
	}
	sealed, err := s.box.Seal(tok.Token, domain.LinkContext(id.StoreID, id.UserID))
	if err != nil {
		return 0, nil, err
	}
	l := domain.PromobLink{StoreID: id.StoreID, UserID: id.UserID, PromobUser: user, Status: domain.LinkLinked, SealedToken: sealed, LinkedAt: s.now().UTC()}
	if err := s.store.PutPromobLink(ctx, l); err != nil {
		return 0, nil, err
	}
	if err := s.store.ResetCredentialFailures(ctx, throttles[0].subject); err != nil {
		return 0, nil, err
	}
	slog.InfoContext(ctx, "Promob user linked", "promob_user", user)
	return http.StatusOK, domain.LinkView{Status: l.Status, PromobUser: l.PromobUser, LinkedAt: &l.LinkedAt}, nil
}
