package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/promob/promobsim"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// simPut calls the simulator's control API and fails the test unless it
// answers 2xx.
func simPut(t *testing.T, url string, body []byte) {
	t.Helper()
	if a := stacktest.Send(t, http.MethodPut, url, body, nil); a.Status >= 300 {
		t.Fatalf("simulator PUT %s: %d %s", url, a.Status, a.Body)
	}
}

// TestEveryEventGivesItsDocumentedAnswer runs each file of events/ as `make
// invoke` does (without sam), in the order of events/README.md, on a stack in
// the state the README's walk-through reaches at its step 3 (store s1
// configured for Promob account acc-1, the account registered in the Promob
// simulator), and checks the answer events/README.md gives for it. The
// webhook sample was signed long ago with another secret: it verifies only
// because invoke stamps and signs it with the account's current secret.
func TestEveryEventGivesItsDocumentedAnswer(t *testing.T) {
	root, err := modroot.Dir()
	if err != nil {
		t.Fatal(err)
	}
	local := localenv.ForTest(t)
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stack := localstack.UniqueName("events")
	res, err := localstack.Bootstrap(t.Context(), tpl, local.DynamoDB(), local.SQS(), localstack.BootstrapOptions{
		Context: samtemplate.Context{
			StackName: stack, Region: localenv.Region, AccountID: localenv.AccountID,
			Parameters: map[string]string{"JwtIssuer": localstack.DefaultIssuer, "JwtAudience": localstack.DefaultAudience},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := promobsim.New(promobsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	promob := httptest.NewServer(sim)
	t.Cleanup(promob.Close)

	// Walk-through steps 2 and 3, the secrets sealed with the development
	// key as the local stack's functions seal them.
	box, err := tokenbox.New(localenv.PromobTokenKey)
	if err != nil {
		t.Fatal(err)
	}
	secret := domain.NewWebhookSecret()
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN-1"}, ResponsibleUserID: "u1", PromobAPIToken: "pmi-local"}
	if _, _, err := dynamo.New(local.DynamoDB(), res.TableName).WithSecrets(box).SaveIntegration(t.Context(), in, secret, time.Now()); err != nil {
		t.Fatal(err)
	}
	account, _ := json.Marshal(map[string]any{"webhookUrl": "http://127.0.0.1:9/webhooks/promob/acc-1", "webhookSecret": secret, "integrationToken": "pmi-local"})
	simPut(t, promob.URL+"/_sim/accounts/acc-1", account)

	to := target{DynamoEndpoint: local.DynamoEndpoint, SQSEndpoint: local.SQSEndpoint, PromobEndpoint: promob.URL, StackName: stack}
	if to.tableName() != res.TableName {
		t.Fatalf("invoke would use table %s, the stack has %s", to.tableName(), res.TableName)
	}
	tests := []struct {
		file, fn string
		// status is the HTTP answer's status; for SQS events, failed is
		// the number of batch item failures.
		status, failed int
		// before, when set, runs before the invocation.
		before func(t *testing.T)
	}{
		{"api-health.json", "ApiFunction", http.StatusOK, 0, nil},
		{"api-get-integration.json", "ApiFunction", http.StatusOK, 0, nil},
		{"api-create-client.json", "ApiFunction", http.StatusCreated, 0, nil},
		{"webhook-environment-saved.json", "WebhookFunction", http.StatusAccepted, 0, nil},
		{"importer-webhook-delivery.json", "ImporterFunction", 0, 0, nil},
		// Promob does not hold the sample's project: it answers 404, a
		// refusal no retry can cure, so the status is recorded as not
		// delivered and the message is done (no batch item failure); once
		// the project is saved in Promob the status is set.
		{"promobsync-status.json", "PromobSyncFunction", 0, 0, nil},
		{"promobsync-status.json", "PromobSyncFunction", 0, 0, func(t *testing.T) {
			simPut(t, promob.URL+"/_sim/accounts/acc-1/projects/79a9ee88-5b0d-4c1e-9f0a-2d6b8c4e1a37/environments/133e1aba-7c2f-4e8d-a9b1-5f3c6d2e8a90?parts=10", nil)
		}},
		{"notifier-notification.json", "NotifierFunction", 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if tt.before != nil {
				tt.before(t)
			}
			var out bytes.Buffer
			err := run(t.Context(), options{fn: tt.fn, eventFile: filepath.Join(root, "events", tt.file), local: to, out: &out, log: t.Output()})
			if err != nil {
				t.Fatalf("invoke: %v\n%s", err, out.Bytes())
			}
			var answer struct {
				StatusCode        int
				Body              string
				BatchItemFailures []struct{ ItemIdentifier string }
			}
			if err := json.Unmarshal(out.Bytes(), &answer); err != nil {
				t.Fatalf("answer %s: %v", out.Bytes(), err)
			}
			if answer.StatusCode != tt.status || len(answer.BatchItemFailures) != tt.failed {
				t.Errorf("answer %s, want status %d and %d batch item failures", strings.TrimSpace(out.String()), tt.status, tt.failed)
			}
		})
	}
}
