package localstack

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
)

// TestGatewayThrottles serves the template's routes with the template's
// throttling on a clock that only moves when told: the webhook route lets
// its burst through, then answers 429 {"message":"Too Many Requests"} as API
// Gateway does, without invoking the function, while other routes keep their
// own (default) bucket; time refills the bucket at the route's rate.
func TestGatewayThrottles(t *testing.T) {
	tpl, err := samtemplate.Load("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := tpl.Resolver(samtemplate.Context{StackName: "promob-local", Region: "us-east-1", AccountID: "000000000000",
		Parameters: map[string]string{"JwtIssuer": "https://issuer.local", "JwtAudience": "promob-integration", "AllowedOrigins": "http://127.0.0.1:3000"}})
	if err != nil {
		t.Fatal(err)
	}
	api, err := r.HTTPAPI("HttpApi")
	if err != nil {
		t.Fatal(err)
	}
	hookKey := "POST /webhooks/promob/{accountId}"
	hook := api.RouteThrottles[hookKey]
	if hook.BurstLimit == 0 || hook.RateLimit == 0 {
		t.Fatalf("the template does not throttle %s: %+v", hookKey, hook)
	}
	fns, err := r.Functions()
	if err != nil {
		t.Fatal(err)
	}
	fake := &fakeFunction{resp: events.APIGatewayV2HTTPResponse{StatusCode: 202, Body: `{}`}}
	var endpoints []Endpoint
	for _, fn := range fns {
		for _, rt := range fn.HTTPRoutes {
			endpoints = append(endpoints, Endpoint{Route: rt, Function: fn.LogicalID, Handler: fake.handle})
		}
	}
	var (
		mu  sync.Mutex
		now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	g, err := NewGateway(GatewayConfig{
		AccountID: "000000000000", APIID: "localapi01", Endpoints: endpoints,
		Authorizers:     map[string]JWTAuthorizer{"FoccoJwt": testAuthorizer},
		DefaultThrottle: api.DefaultThrottle, RouteThrottles: api.RouteThrottles, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)

	webhook := func() (int, string) {
		resp, body := do(t, newRequest(t, http.MethodPost, srv.URL+"/webhooks/promob/acc-1", []byte(`{}`)))
		return resp.StatusCode, string(body)
	}
	for i := range hook.BurstLimit {
		if status, _ := webhook(); status != http.StatusAccepted {
			t.Fatalf("webhook %d of the burst: %d, want 202", i+1, status)
		}
	}
	status, body := webhook()
	if status != http.StatusTooManyRequests || body != "{\"message\":\"Too Many Requests\"}\n" {
		t.Fatalf("webhook over the burst: %d %q, want 429 {\"message\":\"Too Many Requests\"}", status, body)
	}
	if n := fake.calls(); n != hook.BurstLimit {
		t.Errorf("the function ran %d times, want %d (the throttled request never reaches it)", n, hook.BurstLimit)
	}
	if resp, _ := do(t, newRequest(t, http.MethodGet, srv.URL+"/health", nil)); resp.StatusCode != http.StatusAccepted {
		t.Errorf("GET /health while the webhook route is throttled: %d, want the function's 202", resp.StatusCode)
	}
	mu.Lock()
	now = now.Add(time.Duration(float64(time.Second) / hook.RateLimit))
	mu.Unlock()
	if status, _ := webhook(); status != http.StatusAccepted {
		t.Errorf("webhook after one token's refill: %d, want 202", status)
	}
	if status, _ := webhook(); status != http.StatusTooManyRequests {
		t.Errorf("the next one: %d, want 429", status)
	}
}
