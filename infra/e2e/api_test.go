package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/golang-jwt/jwt/v5"
)

// foreignToken returns a token the gateway must refuse: signed with another
// secret, or expired.
func foreignToken(t *testing.T, secret string, ttl time.Duration) string {
	t.Helper()
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": localstack.DefaultIssuer, "aud": localstack.DefaultAudience, "sub": "u1", "store_id": "s1",
		"roles": []string{"admin"}, "iat": now.Add(-time.Hour).Unix(), "exp": now.Add(ttl).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestPublicAndGuardedRoutes(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	s.configure(store, account)
	refusedAccount := localstack.UniqueName("acc")
	config := `{"cnpj":"45723174000110","promobAccountId":"` + refusedAccount + `","serialNumbers":["SN-9"]}`

	tests := []struct {
		name, method, path, token, body string
		status                          int
		// check inspects the decoded answer.
		check func(t *testing.T, body map[string]any)
	}{
		{name: "health needs no token", method: "GET", path: "/health", status: 200, check: func(t *testing.T, b map[string]any) {
			if b["status"] != "ok" {
				t.Errorf("status = %v", b["status"])
			}
		}},
		{name: "the OpenAPI document needs no token", method: "GET", path: "/openapi.json", status: 200, check: func(t *testing.T, b map[string]any) {
			if v, _ := b["openapi"].(string); !strings.HasPrefix(v, "3.") {
				t.Errorf("openapi = %v", b["openapi"])
			}
			if paths, _ := b["paths"].(map[string]any); paths["/v1/integration"] == nil || paths["/webhooks/promob/{accountId}"] == nil {
				t.Errorf("paths = %v", b["paths"])
			}
		}},
		{name: "no token", method: "GET", path: "/v1/integration", status: 401, check: refusedByGateway},
		{name: "token signed with another secret", method: "GET", path: "/v1/integration", token: foreignToken(t, "not-the-secret", time.Hour), status: 401, check: refusedByGateway},
		{name: "expired token", method: "GET", path: "/v1/integration", token: foreignToken(t, localstack.DefaultJWTSecret, -time.Minute), status: 401, check: refusedByGateway},
		{name: "configuring without a token", method: "PUT", path: "/v1/integration", body: config, status: 401, check: refusedByGateway},
		{name: "an environment without a token", method: "GET", path: "/v1/environments/e1", status: 401, check: refusedByGateway},
		{name: "a legacy import without a token", method: "POST", path: "/v1/projects/p1/environments/import", body: `{}`, status: 401, check: refusedByGateway},
		{name: "a client without a token", method: "GET", path: "/v1/clients/c1", status: 401, check: refusedByGateway},
		{name: "the items tab with an expired token", method: "GET", path: "/v1/environments/e1/items", token: foreignToken(t, localstack.DefaultJWTSecret, -time.Minute), status: 401, check: refusedByGateway},
		{name: "the store's seller sees the configuration without the secret", method: "GET", path: "/v1/integration", token: s.Token("u2", store, "seller"), status: 200,
			check: func(t *testing.T, b map[string]any) {
				if _, ok := b["webhookSecret"]; ok {
					t.Error("GET /v1/integration shows the webhook secret")
				}
				if b["promobAccountId"] != account || b["webhookPath"] != "/webhooks/promob/"+account || b["cnpj"] != "11222333000181" {
					t.Errorf("configuration = %v", b)
				}
				pre, _ := b["prerequisites"].(map[string]any)
				// Only the responsible user is known: no one else has to link Promob.
				want := map[string]any{"accountSet": true, "serialsSet": true, "linkedUsers": 0.0, "ready": true}
				for k, v := range want {
					if pre[k] != v {
						t.Errorf("prerequisites.%s = %v, want %v", k, pre[k], v)
					}
				}
			}},
		{name: "another store sees no integration", method: "GET", path: "/v1/integration", token: s.Token("u9", localstack.UniqueName("store"), "admin"), status: 404,
			check: func(t *testing.T, b map[string]any) {
				if code := errorCodeOf(b); code != domain.CodeNotConfigured {
					t.Errorf("error code = %q, want %s", code, domain.CodeNotConfigured)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			a := s.Gateway(tt.method, tt.path, tt.token, body, nil)
			if a.Status != tt.status {
				t.Fatalf("%s %s: %d %s, want %d", tt.method, tt.path, a.Status, a.Body, tt.status)
			}
			tt.check(t, a.Object(t))
		})
	}

	t.Run("a refused configuration wrote nothing", func(t *testing.T) {
		if _, err := s.store.Account(context.Background(), refusedAccount); !domain.IsNotFound(err) {
			t.Errorf("the account of the refused PUT exists (err=%v)", err)
		}
	})
}

// refusedByGateway checks the answer is the gateway's own refusal, which no
// function gives: the authorizer answered before any function ran.
func refusedByGateway(t *testing.T, body map[string]any) {
	t.Helper()
	if len(body) != 1 || body["message"] != "Unauthorized" {
		t.Errorf("answer %v, want the gateway's {\"message\":\"Unauthorized\"}", body)
	}
}

func errorCodeOf(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}
