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

func (s *Server) getIntegration(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(anyRole...); err != nil {
		WriteError(w, r, err)
		return
	}
	in, err := s.store.GetIntegration(r.Context(), id.StoreID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	linked, err := s.store.CountLinkedUsers(r.Context(), id.StoreID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	pre := domain.Prerequisites{
		AccountSet: in.PromobAccountID != "", SerialsSet: len(in.SerialNumbers) > 0, LinkedUsers: linked,
	}
	pre.Ready = pre.AccountSet && pre.SerialsSet && pre.LinkedUsers > 0
	WriteJSON(w, http.StatusOK, IntegrationView{Integration: in, WebhookPath: webhookPath(in.PromobAccountID), Prerequisites: &pre})
}

func (s *Server) putIntegration(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleAdmin); err != nil {
		WriteError(w, r, err)
		return
	}
	var body domain.IntegrationInput
	if err := decodeJSON(r, &body); err != nil {
		WriteError(w, r, err)
		return
	}
	in, err := body.Validate(id.StoreID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if in.ResponsibleUserID == "" {
		in.ResponsibleUserID = id.UserID
	}
	secret := domain.NewWebhookSecret()
	saved, created, err := s.store.SaveIntegration(r.Context(), in, secret, s.now())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	view := IntegrationView{Integration: saved, WebhookPath: webhookPath(saved.PromobAccountID)}
	status := http.StatusOK
	if created {
		view.WebhookSecret, status = secret, http.StatusCreated
	}
	WriteJSON(w, status, view)
}

func (s *Server) rotateSecret(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleAdmin); err != nil {
		WriteError(w, r, err)
		return
	}
	secret := domain.NewWebhookSecret()
	in, err := s.store.RotateSecret(r.Context(), id.StoreID, secret, s.now())
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, IntegrationView{Integration: in, WebhookPath: webhookPath(in.PromobAccountID), WebhookSecret: secret})
}
