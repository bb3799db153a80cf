package httpapi

import (
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
)

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
	users, err := s.store.Users(r.Context(), id.StoreID)
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
	var body domain.IntegrationInput
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	in, err := body.Validate(id.StoreID)
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

func (s *Server) rotateSecret(r *http.Request, id domain.Identity) (int, any, error) {
	secret := domain.NewWebhookSecret()
	in, err := s.store.RotateSecret(r.Context(), id.StoreID, secret, s.now())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, IntegrationView{Integration: in, WebhookPath: webhookPath(in.PromobAccountID), WebhookSecret: secret}, nil
}
