package stacktest

import (
	"encoding/json"
	"maps"
	"net/http"
)

// Integration is the answer of a store's integration configuration, as far
// as the tests read it.
type Integration struct {
	PromobAccountID string `json:"promobAccountId"`
	WebhookPath     string `json:"webhookPath"`
	WebhookSecret   string `json:"webhookSecret"`
}

// Configure registers the Promob account that body names (its
// "promobAccountId") in the simulator with sim (what the account holds: its
// integration token, CNPJ, serial numbers, users), then has admin, a token
// of the store's admin, configure the store's integration with body (a
// PUT /v1/integration body). It fails the test unless the simulator creates
// the account and answers its integration token, and the integration is
// created with the account's webhook path and a secret.
func (s *Stack) Configure(admin string, sim, body map[string]any) Integration {
	s.T.Helper()
	account, _ := body["promobAccountId"].(string)
	var created struct {
		IntegrationToken string `json:"integrationToken"`
	}
	a := s.Control(http.MethodPut, "/_sim/accounts/"+account, sim, http.StatusCreated)
	if err := json.Unmarshal(a.Body, &created); err != nil || created.IntegrationToken == "" {
		s.T.Fatalf("simulator account %s: %v, token %q", account, err, created.IntegrationToken)
	}
	var cfg Integration
	s.Call(http.MethodPut, "/v1/integration", admin, body, http.StatusCreated, &cfg)
	if cfg.PromobAccountID != account || cfg.WebhookPath != "/webhooks/promob/"+account || cfg.WebhookSecret == "" {
		s.T.Fatalf("PUT /v1/integration answered account %q, path %q and secret %q", cfg.PromobAccountID, cfg.WebhookPath, cfg.WebhookSecret)
	}
	return cfg
}

// PointWebhooks has the simulator send the configured account's webhooks
// to the stack, signed with the secret the configuration answered; more
// adds to what the account holds (users, for one).
func (s *Stack) PointWebhooks(cfg Integration, more map[string]any) {
	s.T.Helper()
	in := map[string]any{"webhookUrl": s.URL() + cfg.WebhookPath, "webhookSecret": cfg.WebhookSecret}
	maps.Copy(in, more)
	s.Control(http.MethodPut, "/_sim/accounts/"+cfg.PromobAccountID, in, http.StatusOK)
}

// Project creates a client (its name and document) and a project of it
// (its name) as the user of token, and returns their ids. It fails the test
// unless both are created.
func (s *Stack) Project(token, client, document, project string) (clientID, projectID string) {
	s.T.Helper()
	var c, p struct{ ID string }
	s.Call(http.MethodPost, "/v1/clients", token, map[string]string{"name": client, "document": document}, http.StatusCreated, &c)
	s.Call(http.MethodPost, "/v1/projects", token, map[string]string{"clientId": c.ID, "name": project}, http.StatusCreated, &p)
	return c.ID, p.ID
}

// ImportEnvironment links a Promob environment to the project as a new
// environment named name, as the user of token, and decodes the answer into
// out (when not nil). It fails the test unless the import is accepted.
func (s *Stack) ImportEnvironment(token, projectID, promobProject, promobEnv, name string, out any) Answer {
	s.T.Helper()
	return s.Call(http.MethodPost, "/v1/projects/"+projectID+"/environments/import", token, map[string]string{
		"promobProjectId": promobProject, "promobEnvironmentId": promobEnv, "name": name,
	}, http.StatusAccepted, out)
}
