package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promob"
)

// AccountReader reads a Promob account with its integration token (the
// GET /v1/accounts/{acc} call).
type AccountReader interface {
	Account(ctx context.Context, account, token string) (promob.Account, error)
}

// WithPromobAccounts lets the server check integrations with Promob: a
// store claims a Promob account only when Promob accepts the integration
// token for it and holds the same CNPJ and serial numbers. Without it,
// configuring the integration is answered 500 (not configured).
func WithPromobAccounts(a AccountReader) Option {
	return func(s *Server) { s.accounts = a }
}

// IntegrationView is the integration configuration as the API shows it.
type IntegrationView struct {
	domain.Integration
	WebhookPath string `json:"webhookPath"`
	// WebhookSecret is shown once: when it is created and when it is rotated.
	WebhookSecret string                `json:"webhookSecret,omitempty"`
	Prerequisites *domain.Prerequisites `json:"prerequisites,omitempty"`
}

func webhookPath(accountID string) string { return "/webhooks/promob/" + accountID }

func (s *Server) getIntegration(r *http.Request, id domain.Identity) (int, any, error) {
	in, err := s.store.GetIntegration(r.Context(), id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	users, err := s.store.UserIDs(r.Context(), id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	links, err := s.store.PromobLinks(r.Context(), id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	pre := domain.NewPrerequisites(in, users, links)
	in.ConnectSituation, in.ConnectStage = in.ConnectStatus() // a configuration saved before they existed shows the defaults
	return http.StatusOK, IntegrationView{Integration: in, WebhookPath: webhookPath(in.PromobAccountID), Prerequisites: &pre}, nil
}

func (s *Server) putIntegration(r *http.Request, id domain.Identity) (int, any, error) {
	var body integrationBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	in, err := body.integration(id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	var prev *domain.Integration
	switch cur, err := s.store.GetIntegration(r.Context(), id.StoreID); {
	case err == nil:
		prev = &cur
	case !domain.IsNotConfiguredErr(err):
		return 0, nil, err
	}
	in = in.Completed(prev, id.UserID)
	if err := s.vouch(r.Context(), id, in); err != nil {
		return 0, nil, err
	}
	secret := domain.NewWebhookSecret()
	saved, created, err := s.store.SaveIntegration(r.Context(), in, secret, s.now())
	if err != nil {
		return 0, nil, err
	}
	view := IntegrationView{Integration: saved, WebhookPath: webhookPath(saved.PromobAccountID)}
	status := http.StatusOK
	if created {
		view.WebhookSecret, status = secret, http.StatusCreated
	}
	return status, view, nil
}

// vouch asks Promob whether the configuration is the account's: the
// integration token given (or, when none is given and the account stays
// the same, the one stored) must be accepted for the account, and the CNPJ
// and serial numbers must be Promob's. It returns nil, or the error to
// answer: promob_account_mismatch (422), invalid_request when a token is
// needed and none is given, promob_unavailable when Promob did not answer.
func (s *Server) vouch(ctx context.Context, id domain.Identity, in domain.Integration) error {
	if s.accounts == nil {
		return domain.Internal("Checking Promob accounts is not configured.")
	}
	token := in.PromobAPIToken
	if token == "" {
		prev, err := s.store.GetIntegration(ctx, id.StoreID)
		if err != nil && !domain.IsNotConfiguredErr(err) {
			return err
		}
		if err != nil || prev.PromobAccountID != in.PromobAccountID {
			return domain.Invalid("promobApiToken is required to link Promob account %s: Promob must confirm the account is the store's.", in.PromobAccountID)
		}
		acc, err := s.store.Account(ctx, in.PromobAccountID)
		if err != nil {
			return err
		}
		if acc.StoreID != id.StoreID || acc.APIToken == "" {
			return domain.Invalid("promobApiToken is required to link Promob account %s.", in.PromobAccountID)
		}
		token = acc.APIToken
	}
	pa, err := s.accounts.Account(ctx, in.PromobAccountID, token)
	switch {
	case promob.IsUnauthorized(err):
		slog.WarnContext(ctx, "Promob refused the integration token for the account", "account_id", in.PromobAccountID)
		return domain.PromobAccountMismatch("Promob did not accept the integration token for account %s.", in.PromobAccountID)
	case promob.IsNotFound(err):
		return domain.PromobAccountMismatch("Promob has no account %s.", in.PromobAccountID)
	case err != nil:
		slog.ErrorContext(ctx, "Promob account check failed", "err", err, "account_id", in.PromobAccountID)
		return domain.PromobUnavailable("Promob could not confirm the account now; try again.")
	}
	if err := domain.MatchPromobAccount(in, pa.CNPJ, pa.SerialNumbers); err != nil {
		slog.WarnContext(ctx, "Promob does not vouch for the integration", "account_id", in.PromobAccountID, "reason", domain.ErrorMessage(err))
		return err
	}
	return nil
}

func (s *Server) rotateSecret(r *http.Request, id domain.Identity) (int, any, error) {
	secret := domain.NewWebhookSecret()
	in, err := s.store.RotateSecret(r.Context(), id.StoreID, secret, s.now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, IntegrationView{Integration: in, WebhookPath: webhookPath(in.PromobAccountID), WebhookSecret: secret}, nil
}
