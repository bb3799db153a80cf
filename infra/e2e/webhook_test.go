package e2e_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promobevent"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// integrationConfig is the answer of PUT /v1/integration, as far as the
// tests read it.
type integrationConfig = stacktest.Integration

// promobIdentity is what the simulator's account holds about itself in
// these tests (its CNPJ and serial numbers) with its integration token:
// Promob's word the store's configuration is checked against.
func promobIdentity(token string) map[string]any {
	return map[string]any{"cnpj": "11222333000181", "serialNumbers": []string{"SN-1", "SN-2"}, "integrationToken": token}
}

// configure registers the Promob account in the simulator (see
// promobIdentity; integration token "pmi-<account>"), has the store's admin
// configure the integration for it and returns the answer, which carries
// the webhook secret.
func (s *stack) configure(store, account string) integrationConfig {
	s.T.Helper()
	return s.configureWithToken(store, account, "pmi-"+account)
}

// configureWithToken is configure with the account's integration token
// given.
func (s *stack) configureWithToken(store, account, apiToken string) integrationConfig {
	s.T.Helper()
	return s.configureBy(s.Token("u1", store, "admin"), "u1", account, apiToken)
}

// linkedStore configures the integration of a new store for a new Promob
// account (integration token "pmi_<unique>") whose webhooks reach the stack,
// and returns the store, the account and the token.
func (s *stack) linkedStore() (store, account, apiToken string) {
	s.T.Helper()
	store, account = localstack.UniqueName("store"), localstack.UniqueName("acc")
	apiToken = "pmi_" + localstack.UniqueName("key")
	s.PointWebhooks(s.configureWithToken(store, account, apiToken), nil)
	return store, account, apiToken
}

// configureBy registers the Promob account in the simulator (see
// promobIdentity) with the integration token, has admin (a token of the
// store's admin) configure the store's integration for it with the token
// and the responsible user, and returns the answer.
func (s *stack) configureBy(admin, responsible, account, apiToken string) integrationConfig {
	s.T.Helper()
	body := integrationBody("11.222.333/0001-81", account, apiToken, "SN-1")
	body["responsibleUserId"] = responsible
	return s.Configure(admin, promobIdentity(apiToken), body)
}

// simDelivery is the simulator's report of one webhook it sent.
type simDelivery struct {
	Status    int             `json:"status"`
	Body      json.RawMessage `json:"body"`
	WebhookID string          `json:"webhookId"`
}

// sent decodes the simulator's report and checks our answer in it against
// the OpenAPI document (the simulator relays the body only; our webhook
// answers JSON).
func (s *stack) sent(a stacktest.Answer, account string) simDelivery {
	s.T.Helper()
	var d simDelivery
	if err := json.Unmarshal(a.Body, &d); err != nil {
		s.T.Fatalf("simulator report %s: %v", a.Body, err)
	}
	s.Check(http.MethodPost, "/webhooks/promob/"+account, stacktest.Answer{Status: d.Status, Header: http.Header{"Content-Type": {"application/json"}}, Body: d.Body})
	return d
}

func TestWebhookStoredOnceQueuedOnce(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	cfg := s.configure(store, account)

	simAccount := "/_sim/accounts/" + account
	s.PointWebhooks(cfg, nil)
	s.Control(http.MethodPut, simAccount+"/projects/p1/environments/e1?parts=3", nil, http.StatusOK)
	first := s.sent(s.Control(http.MethodPost, simAccount+"/projects/p1/environments/e1/events",
		map[string]string{"type": domain.EventSaved}, http.StatusOK), account)

	var accepted struct{ DeliveryID, Status string }
	if err := json.Unmarshal(first.Body, &accepted); err != nil || first.Status != http.StatusAccepted ||
		accepted.DeliveryID != first.WebhookID || accepted.Status != "accepted" {
		t.Fatalf("the webhook answered %d %s (%v), want 202 accepting %s", first.Status, first.Body, err, first.WebhookID)
	}

	t.Run("stored once", func(t *testing.T) {
		items := s.deliveries(account)
		if len(items) != 1 {
			t.Fatalf("%d deliveries stored, want 1", len(items))
		}
		if q, ok := items[0]["queued"].(*types.AttributeValueMemberBOOL); !ok || !q.Value {
			t.Errorf("the delivery is not marked queued: %v", items[0]["queued"])
		}
		body, err := s.store.DeliveryBody(t.Context(), account, first.WebhookID)
		if err != nil {
			t.Fatal(err)
		}
		var ev promobevent.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			t.Fatalf("stored body %s: %v", body, err)
		}
		if ev.Type != domain.EventSaved || ev.Data.ProjectID != "p1" || ev.Data.EnvironmentID != "e1" || ev.Data.Revision != 1 {
			t.Errorf("stored event = %+v", ev)
		}
	})

	t.Run("queued once", func(t *testing.T) {
		poll.Until(t, 10*time.Second, "the importer receives the delivery", func() bool { return len(s.imports.all()) > 0 })
		recs := s.imports.all()
		var msg message.Import
		if err := json.Unmarshal([]byte(recs[0].Body), &msg); err != nil {
			t.Fatalf("message %s: %v", recs[0].Body, err)
		}
		want := message.Import{Kind: message.KindWebhook, StoreID: store, AccountID: account, DeliveryID: first.WebhookID,
			Type: domain.EventSaved, ProjectID: "p1", EnvironmentID: "e1", Revision: 1, PromobUser: "designer@" + account}
		if msg != want {
			t.Errorf("message = %+v, want %+v", msg, want)
		}
		if g := recs[0].Attributes["MessageGroupId"]; g != message.ImportGroup(account, "e1") {
			t.Errorf("MessageGroupId = %q, want %q", g, message.ImportGroup(account, "e1"))
		}
		if n := s.sends.count.Load(); n != 1 {
			t.Errorf("%d SendMessage calls, want 1", n)
		}
	})

	replays := []struct {
		name string
		body map[string]bool
	}{
		{"verbatim replay", map[string]bool{}},
		{"re-signed retry", map[string]bool{"resign": true}},
	}
	for _, tt := range replays {
		t.Run(tt.name+" is harmless", func(t *testing.T) {
			again := s.sent(s.Control(http.MethodPost, simAccount+"/deliveries/"+first.WebhookID+"/replay", tt.body, http.StatusOK), account)
			if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) {
				t.Errorf("replay answered %d %s, want %d %s", again.Status, again.Body, first.Status, first.Body)
			}
			if n := len(s.deliveries(account)); n != 1 {
				t.Errorf("%d deliveries stored after the replay, want 1", n)
			}
			if n := s.sends.count.Load(); n != 1 {
				t.Errorf("%d SendMessage calls after the replay, want 1", n)
			}
		})
	}

	t.Run("the importer got one message", func(t *testing.T) {
		// Long enough for a second message, or a failed one, to come back.
		time.Sleep(2*stacktest.VisibilityTimeout*time.Second + time.Second)
		if recs := s.imports.all(); len(recs) != 1 {
			t.Errorf("the importer received %d messages, want 1", len(recs))
		}
	})
}

func TestWebhookRefusals(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	cfg := s.configure(store, account)
	body := []byte(`{"type":"environment.saved","timestamp":"2026-11-28T14:03:00Z","data":{"projectId":"p1","environmentId":"e1","revision":1,"userId":"u"}}`)
	now := time.Now()
	other := domain.NewWebhookSecret()

	changed := bytes.Replace(body, []byte(`"revision":1`), []byte(`"revision":2`), 1)
	tests := []struct {
		name   string
		path   string // "" is the configured account's webhook path
		header map[string]string
		body   []byte
		status int
		code   string
	}{
		{"unsigned", "", nil, body, http.StatusUnauthorized, domain.CodeBadSignature},
		{"signed with another secret", "", stacktest.SignedDelivery(t, other, "msg_other", now, body), body, http.StatusUnauthorized, domain.CodeBadSignature},
		{"body changed after signing", "", stacktest.SignedDelivery(t, cfg.WebhookSecret, "msg_changed", now, body), changed, http.StatusUnauthorized, domain.CodeBadSignature},
		{"stale timestamp", "", stacktest.SignedDelivery(t, cfg.WebhookSecret, "msg_stale", now.Add(-10*time.Minute), body), body, http.StatusUnauthorized, domain.CodeBadSignature},
		{"timestamp in the future", "", stacktest.SignedDelivery(t, cfg.WebhookSecret, "msg_future", now.Add(10*time.Minute), body), body, http.StatusUnauthorized, domain.CodeBadSignature},
		{"unknown account", "/webhooks/promob/" + localstack.UniqueName("nobody"), stacktest.SignedDelivery(t, cfg.WebhookSecret, "msg_unknown", now, body), body, http.StatusNotFound, domain.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := cmp.Or(tt.path, cfg.WebhookPath)
			a := s.Gateway(http.MethodPost, path, "", tt.body, tt.header)
			if a.Status != tt.status || errorCodeOf(a.Object(t)) != tt.code {
				t.Fatalf("answer %d %s, want %d %s", a.Status, a.Body, tt.status, tt.code)
			}
		})
	}

	t.Run("nothing stored or queued", func(t *testing.T) {
		if n := len(s.deliveries(account)); n != 0 {
			t.Errorf("%d deliveries stored, want none", n)
		}
		if n := s.sends.count.Load(); n != 0 {
			t.Errorf("%d SendMessage calls, want none", n)
		}
	})

	t.Run("a delivery signed now is accepted", func(t *testing.T) {
		a := s.Gateway(http.MethodPost, cfg.WebhookPath, "", body, stacktest.SignedDelivery(t, cfg.WebhookSecret, "msg_good", time.Now(), body))
		if a.Status != http.StatusAccepted {
			t.Fatalf("answer %d %s, want 202", a.Status, a.Body)
		}
		if n := len(s.deliveries(account)); n != 1 {
			t.Errorf("%d deliveries stored, want 1", n)
		}
		poll.Until(t, 10*time.Second, "the importer receives the delivery", func() bool { return len(s.imports.all()) == 1 })
	})
}
