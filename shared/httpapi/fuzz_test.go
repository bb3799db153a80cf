package httpapi_test

import (
	"context"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// fuzzRoutes are the routes FuzzDecodeRequestBodies sends bodies to: each
// decodes a JSON body of its own shape.
var fuzzRoutes = []struct{ method, path string }{
	{"PUT", "/v1/integration"},
	{"POST", "/v1/clients"},
	{"PUT", "/v1/integration/commercial-rules"},
}

// FuzzDecodeRequestBodies sends arbitrary bodies to routes that decode JSON:
// the API must never panic, answer 4xx with the error shape for what it
// refuses, and write only what it accepts. The route is chosen by index so
// that every input reaches a decoder.
func FuzzDecodeRequestBodies(f *testing.F) {
	f.Add(uint8(0), validConfig)
	f.Add(uint8(0), `{"cnpj":`)
	f.Add(uint8(0), `{"cnpj":"11222333000181","promobAccountId":"a","serialNumbers":["x"],"x":1}`)
	f.Add(uint8(1), `{"name":"Ana","document":"52998224725"}`)
	f.Add(uint8(1), `{"name":"Ana","document":1}`)
	f.Add(uint8(2), `{"defaultMarkup":"2.1","freightPercent":3}`)
	f.Add(uint8(2), `{"defaultMarkup":1e400}`)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		r := fuzzRoutes[int(route)%len(fuzzRoutes)]
		a := newAPI(t)
		status, answer := a.do(admin, r.method, r.path, "application/json", body)
		switch {
		case status >= 200 && status < 300:
		case status >= 400 && status < 500:
			if errCode(answer) == "" {
				t.Fatalf("%d without an error code: %v", status, answer)
			}
			if r.path == "/v1/integration" {
				if _, err := a.store.GetIntegration(context.Background(), "s1"); !domain.IsNotConfiguredErr(err) {
					t.Fatalf("refused body wrote the integration: %v", err)
				}
			}
		default:
			t.Fatalf("status %d for %q: %v", status, body, answer)
		}
	})
}
