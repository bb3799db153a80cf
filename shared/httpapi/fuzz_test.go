package httpapi_test

import (
	"context"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// FuzzDecodeRequestBodies sends arbitrary bodies to routes that decode JSON:
// the API must never panic, answer 4xx with the error shape for what it
// refuses, and write only what it accepts.
func FuzzDecodeRequestBodies(f *testing.F) {
	f.Add("/v1/integration", validConfig)
	f.Add("/v1/integration", `{"cnpj":`)
	f.Add("/v1/integration", `{"cnpj":"11222333000181","promobAccountId":"a","serialNumbers":["x"],"x":1}`)
	f.Add("/v1/clients", `{"name":"Ana","document":"52998224725"}`)
	f.Add("/v1/clients", `{"name":"Ana","document":1}`)
	f.Add("/v1/integration/commercial-rules", `{"defaultMarkup":"2.1","freightPercent":3}`)
	f.Add("/v1/integration/commercial-rules", `{"defaultMarkup":1e400}`)
	f.Fuzz(func(t *testing.T, path, body string) {
		switch path {
		case "/v1/integration", "/v1/clients", "/v1/integration/commercial-rules":
		default:
			t.Skip()
		}
		a := newAPI(t)
		method := "PUT"
		if path == "/v1/clients" {
			method = "POST"
		}
		status, answer := a.do(admin, method, path, "application/json", body)
		switch {
		case status >= 200 && status < 300:
		case status >= 400 && status < 500:
			if errCode(answer) == "" {
				t.Fatalf("%d without an error code: %v", status, answer)
			}
			if path == "/v1/integration" {
				if _, err := a.store.GetIntegration(context.Background(), "s1"); !domain.IsNotConfiguredErr(err) {
					t.Fatalf("refused body wrote the integration: %v", err)
				}
			}
		default:
			t.Fatalf("status %d for %q: %v", status, body, answer)
		}
	})
}
