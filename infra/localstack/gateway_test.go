package localstack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/golang-jwt/jwt/v5"
)

// testOrigin is the browser origin the template's CORS configuration allows
// in these tests.
const testOrigin = "https://app.foccolojas.example"

var testAuthorizer = JWTAuthorizer{Secret: []byte("test-secret"), Issuer: "foccolojas-local", Audience: []string{"promob-integration"}}

// fakeFunction records the events it receives and answers resp.
type fakeFunction struct {
	mu     sync.Mutex
	events []events.APIGatewayV2HTTPRequest
	resp   events.APIGatewayV2HTTPResponse
	err    error
	panics bool
	hadLC  bool
}

func (f *fakeFunction) handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev)
	lc, ok := lambdacontext.FromContext(ctx)
	_, hasDeadline := ctx.Deadline()
	f.hadLC = ok && lc.AwsRequestID != "" && hasDeadline
	if f.panics {
		panic("boom")
	}
	return f.resp, f.err
}

func (f *fakeFunction) last(t *testing.T) events.APIGatewayV2HTTPRequest {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.events) == 0 {
		t.Fatal("the function was not invoked")
	}
	return f.events[len(f.events)-1]
}

func (f *fakeFunction) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events)
}

// projectGateway serves the routes of the repository's template.yaml, each
// with its own fake function.
func projectGateway(t *testing.T, logw io.Writer) (*httptest.Server, map[string]*fakeFunction) {
	t.Helper()
	tpl, err := samtemplate.Load("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := tpl.Resolver(samtemplate.Context{StackName: "promob-local", Region: "us-east-1", AccountID: "000000000000",
		Parameters: map[string]string{"JwtIssuer": "foccolojas-local", "JwtAudience": "promob-integration", "AllowedOrigins": testOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	api, err := r.HTTPAPI("HttpApi")
	if err != nil || api.Cors == nil {
		t.Fatalf("HTTPAPI: %v, Cors %v", err, api.Cors)
	}
	fns, err := r.Functions()
	if err != nil {
		t.Fatal(err)
	}
	fakes := map[string]*fakeFunction{}
	var endpoints []Endpoint
	for _, fn := range fns {
		fake := &fakeFunction{resp: events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: `{"ok":true}`}}
		fakes[fn.LogicalID] = fake
		for _, rt := range fn.HTTPRoutes {
			endpoints = append(endpoints, Endpoint{Route: rt, Function: fn.LogicalID, Timeout: time.Duration(fn.Timeout) * time.Second, Handler: fake.handle})
		}
	}
	var log *slog.Logger
	if logw != nil {
		log = slog.New(slog.NewJSONHandler(logw, nil))
	}
	g, err := NewGateway(GatewayConfig{
		AccountID: "000000000000", APIID: "localapi01", Endpoints: endpoints,
		Authorizers: map[string]JWTAuthorizer{"FoccoJwt": testAuthorizer}, Cors: NewCors(*api.Cors), Log: log,
	})
	if err != nil {
		t.Fatalf("NewGateway: %v", err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv, fakes
}

func mustToken(t *testing.T, claims map[string]any, ttl time.Duration) string {
	t.Helper()
	tok, err := testAuthorizer.Token(claims, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func newRequest(t *testing.T, method, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestGatewayWebhookEvent(t *testing.T) {
	var logs bytes.Buffer
	srv, fakes := projectGateway(t, &logs)
	req := newRequest(t, http.MethodPost, srv.URL+"/webhooks/promob/acc%2D1?x=1&x=2&y=z%20w", []byte(`{"type":"saved"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "promob/1.0")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.Header.Set("Webhook-Id", "msg_1")
	req.Header.Set("Cookie", "a=1; b=2")
	resp, body := do(t, req)
	if resp.StatusCode != 200 || string(body) != `{"ok":true}` {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json by default", ct)
	}
	ev := fakes["WebhookFunction"].last(t)
	if !fakes["WebhookFunction"].hadLC {
		t.Error("the function ran without a Lambda context and deadline")
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	checks := []struct {
		name      string
		got, want any
	}{
		{"version", ev.Version, "2.0"},
		{"routeKey", ev.RouteKey, "POST /webhooks/promob/{accountId}"},
		{"rawPath", ev.RawPath, "/webhooks/promob/acc%2D1"},
		{"rawQueryString", ev.RawQueryString, "x=1&x=2&y=z%20w"},
		{"queryStringParameters", ev.QueryStringParameters, map[string]string{"x": "1,2", "y": "z w"}},
		{"pathParameters", ev.PathParameters, map[string]string{"accountId": "acc-1"}},
		{"cookies", ev.Cookies, []string{"a=1", "b=2"}},
		{"body", ev.Body, `{"type":"saved"}`},
		{"isBase64Encoded", ev.IsBase64Encoded, false},
		{"header content-type", ev.Headers["content-type"], "application/json"},
		{"header webhook-id", ev.Headers["webhook-id"], "msg_1"},
		{"multi-value header", ev.Headers["x-multi"], "a,b"},
		{"header host", ev.Headers["host"], host},
		{"header x-forwarded-for", ev.Headers["x-forwarded-for"], "127.0.0.1"},
		{"no cookie header", ev.Headers["cookie"], ""},
		{"requestContext.routeKey", ev.RequestContext.RouteKey, "POST /webhooks/promob/{accountId}"},
		{"requestContext.stage", ev.RequestContext.Stage, "$default"},
		{"requestContext.accountId", ev.RequestContext.AccountID, "000000000000"},
		{"requestContext.apiId", ev.RequestContext.APIID, "localapi01"},
		{"requestContext.domainName", ev.RequestContext.DomainName, host},
		{"requestContext.domainPrefix", ev.RequestContext.DomainPrefix, "127"},
		{"requestContext.requestId", ev.RequestContext.RequestID, resp.Header.Get("Apigw-Requestid")},
		{"http.method", ev.RequestContext.HTTP.Method, "POST"},
		{"http.path", ev.RequestContext.HTTP.Path, "/webhooks/promob/acc-1"},
		{"http.protocol", ev.RequestContext.HTTP.Protocol, "HTTP/1.1"},
		{"http.sourceIp", ev.RequestContext.HTTP.SourceIP, "127.0.0.1"},
		{"http.userAgent", ev.RequestContext.HTTP.UserAgent, "promob/1.0"},
		{"no authorizer", ev.RequestContext.Authorizer == nil, true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if ev.RequestContext.RequestID == "" {
		t.Error("no request id")
	}
	if d := time.Since(time.UnixMilli(ev.RequestContext.TimeEpoch)); d < 0 || d > time.Minute {
		t.Errorf("timeEpoch %d is not now", ev.RequestContext.TimeEpoch)
	}
	if _, err := time.Parse("02/Jan/2006:15:04:05 -0700", ev.RequestContext.Time); err != nil {
		t.Errorf("time %q: %v", ev.RequestContext.Time, err)
	}

	var entry map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(logs.Bytes()), &entry); err != nil {
		t.Fatalf("log line %q: %v", logs.String(), err)
	}
	for k, want := range map[string]any{"method": "POST", "path": "/webhooks/promob/acc-1", "status": 200.0, "route": "POST /webhooks/promob/{accountId}", "request_id": ev.RequestContext.RequestID} {
		if entry[k] != want {
			t.Errorf("log %s = %v, want %v", k, entry[k], want)
		}
	}
	if _, ok := entry["duration_ms"]; !ok {
		t.Error("log has no duration_ms")
	}
}

func TestGatewayJWTClaims(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	tok := mustToken(t, map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"admin", "seller"}, "scope": "read write"}, time.Hour)
	req := newRequest(t, http.MethodGet, srv.URL+"/v1/projects/p%201/versions", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, body := do(t, req); resp.StatusCode != 200 {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	ev := fakes["ApiFunction"].last(t)
	if ev.RouteKey != "ANY /v1/{proxy+}" {
		t.Errorf("routeKey %q", ev.RouteKey)
	}
	if got := ev.PathParameters["proxy"]; got != "projects/p 1/versions" {
		t.Errorf("proxy = %q", got)
	}
	jwtCtx := ev.RequestContext.Authorizer.JWT
	claims := jwtCtx.Claims
	for k, want := range map[string]string{"sub": "u1", "store_id": "s1", "roles": "[admin seller]", "iss": "foccolojas-local", "aud": "promob-integration"} {
		if claims[k] != want {
			t.Errorf("claim %s = %q, want %q", k, claims[k], want)
		}
	}
	if exp := claims["exp"]; len(exp) != 10 || strings.Trim(exp, "0123456789") != "" {
		t.Errorf("exp claim %q is not a decimal Unix time", exp)
	}
	if !reflect.DeepEqual(jwtCtx.Scopes, []string{"read", "write"}) {
		t.Errorf("scopes %v", jwtCtx.Scopes)
	}
}

func TestGatewayRejectsBadTokens(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	valid := map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"admin"}}
	sign := func(a JWTAuthorizer, claims map[string]any, ttl time.Duration) string {
		tok, err := a.Token(claims, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	other := testAuthorizer
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
		"sub": "u1", "iss": testAuthorizer.Issuer, "aud": "promob-integration", "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	noExp, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "u1", "iss": testAuthorizer.Issuer, "aud": "promob-integration",
	}).SignedString(testAuthorizer.Secret)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, header string }{
		{"no header", ""},
		{"bearer without token", "Bearer "},
		{"garbage", "Bearer not.a.jwt"},
		{"wrong secret", "Bearer " + sign(JWTAuthorizer{Secret: []byte("other"), Issuer: other.Issuer, Audience: other.Audience}, valid, time.Hour)},
		{"expired", "Bearer " + sign(testAuthorizer, valid, -time.Minute)},
		{"alg none", "Bearer " + none},
		{"no exp", "Bearer " + noExp},
		{"wrong issuer", "Bearer " + sign(JWTAuthorizer{Secret: other.Secret, Issuer: "someone-else", Audience: other.Audience}, valid, time.Hour)},
		{"wrong audience", "Bearer " + sign(JWTAuthorizer{Secret: other.Secret, Issuer: other.Issuer, Audience: []string{"elsewhere"}}, valid, time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, http.MethodPost, srv.URL+"/v1/projects", []byte(`{}`))
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, body := do(t, req)
			if resp.StatusCode != http.StatusUnauthorized || strings.TrimSpace(string(body)) != `{"message":"Unauthorized"}` {
				t.Errorf("status %d body %s, want 401 {\"message\":\"Unauthorized\"}", resp.StatusCode, body)
			}
		})
	}
	if n := fakes["ApiFunction"].calls(); n != 0 {
		t.Errorf("the function ran %d times for rejected tokens", n)
	}
	t.Run("bare token is accepted", func(t *testing.T) {
		req := newRequest(t, http.MethodGet, srv.URL+"/v1/projects", nil)
		req.Header.Set("Authorization", sign(testAuthorizer, valid, time.Hour))
		if resp, _ := do(t, req); resp.StatusCode != 200 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}

func TestGatewayOpenRoutesNeedNoToken(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	for _, path := range []string{"/health", "/openapi.json"} {
		resp, _ := do(t, newRequest(t, http.MethodGet, srv.URL+path, nil))
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		if ev := fakes["ApiFunction"].last(t); ev.RequestContext.Authorizer != nil || ev.RawPath != path {
			t.Errorf("GET %s: event %s with authorizer %v", path, ev.RawPath, ev.RequestContext.Authorizer)
		}
	}
}

func TestGatewayBodyEncoding(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	binary := []byte{0x00, 0xff, 0x10, 'x'}
	cases := []struct {
		name        string
		contentType string
		body        []byte
		wantBase64  bool
	}{
		{"json", "application/json", []byte(`{"a":1}`), false},
		{"json with charset", "application/json; charset=utf-8", []byte(`{"a":1}`), false},
		{"xml", "application/xml", []byte(`<LISTING/>`), false},
		{"plain text", "text/plain", []byte("hello"), false},
		{"octet stream", "application/octet-stream", binary, true},
		{"form", "application/x-www-form-urlencoded", []byte("a=1&b=2"), true},
		{"no content type", "", []byte("raw"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, http.MethodPost, srv.URL+"/webhooks/promob/acc", tc.body)
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			do(t, req)
			ev := fakes["WebhookFunction"].last(t)
			got := []byte(ev.Body)
			if ev.IsBase64Encoded {
				var err error
				if got, err = base64.StdEncoding.DecodeString(ev.Body); err != nil {
					t.Fatal(err)
				}
			}
			if ev.IsBase64Encoded != tc.wantBase64 || !bytes.Equal(got, tc.body) {
				t.Errorf("isBase64Encoded %v body %q, want %v and %q", ev.IsBase64Encoded, got, tc.wantBase64, tc.body)
			}
		})
	}
	t.Run("no body", func(t *testing.T) {
		do(t, newRequest(t, http.MethodGet, srv.URL+"/health", nil))
		if ev := fakes["ApiFunction"].last(t); ev.Body != "" || ev.IsBase64Encoded || ev.QueryStringParameters != nil || ev.PathParameters != nil {
			t.Errorf("event body %q base64 %v query %v path %v", ev.Body, ev.IsBase64Encoded, ev.QueryStringParameters, ev.PathParameters)
		}
	})
}

func TestGatewayWritesResponses(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	png := []byte{0x89, 'P', 'N', 'G', 0x00}
	fake := fakes["ApiFunction"]
	fake.resp = events.APIGatewayV2HTTPResponse{
		StatusCode:        201,
		Headers:           map[string]string{"Content-Type": "image/png", "X-One": "1"},
		MultiValueHeaders: map[string][]string{"X-Many": {"a", "b"}},
		Cookies:           []string{"s=1; Path=/", "t=2"},
		Body:              base64.StdEncoding.EncodeToString(png),
		IsBase64Encoded:   true,
	}
	resp, body := do(t, newRequest(t, http.MethodGet, srv.URL+"/health", nil))
	if resp.StatusCode != 201 || !bytes.Equal(body, png) {
		t.Errorf("status %d body %q, want 201 %q", resp.StatusCode, body, png)
	}
	if resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-One") != "1" || !reflect.DeepEqual(resp.Header.Values("X-Many"), []string{"a", "b"}) {
		t.Errorf("headers %v", resp.Header)
	}
	if got := resp.Header.Values("Set-Cookie"); !reflect.DeepEqual(got, []string{"s=1; Path=/", "t=2"}) {
		t.Errorf("Set-Cookie %v", got)
	}
}

func TestGatewayErrors(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	internal := `{"message":"Internal Server Error"}`
	cases := []struct {
		name       string
		setup      func(f *fakeFunction)
		method     string
		path       string
		body       []byte
		wantStatus int
		wantBody   string
	}{
		{name: "unknown path", method: "GET", path: "/nothing", wantStatus: 404, wantBody: `{"message":"Not Found"}`},
		{name: "method without route", method: "DELETE", path: "/health", wantStatus: 404, wantBody: `{"message":"Not Found"}`},
		{name: "greedy needs a segment", method: "GET", path: "/v1/", wantStatus: 404, wantBody: `{"message":"Not Found"}`},
		{name: "body over 10 MB", method: "POST", path: "/webhooks/promob/a", body: bytes.Repeat([]byte("x"), MaxRequestBody+1), wantStatus: 413, wantBody: `{"message":"Request Entity Too Large"}`},
		{name: "function error", setup: func(f *fakeFunction) { f.err = errors.New("boom") }, method: "GET", path: "/health", wantStatus: 500, wantBody: internal},
		{name: "function panic", setup: func(f *fakeFunction) { f.panics = true }, method: "GET", path: "/health", wantStatus: 500, wantBody: internal},
		{name: "no status code", setup: func(f *fakeFunction) { f.resp = events.APIGatewayV2HTTPResponse{Body: "x"} }, method: "GET", path: "/health", wantStatus: 500, wantBody: internal},
		{name: "bad base64 body", setup: func(f *fakeFunction) {
			f.resp = events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}
		}, method: "GET", path: "/health", wantStatus: 500, wantBody: internal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fakes["ApiFunction"]
			f.mu.Lock()
			f.resp, f.err, f.panics = events.APIGatewayV2HTTPResponse{StatusCode: 200}, nil, false
			if tc.setup != nil {
				tc.setup(f)
			}
			f.mu.Unlock()
			resp, body := do(t, newRequest(t, tc.method, srv.URL+tc.path, tc.body))
			if resp.StatusCode != tc.wantStatus || strings.TrimSpace(string(body)) != tc.wantBody {
				t.Errorf("status %d body %s, want %d %s", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestRouteSelection(t *testing.T) {
	keys := []struct{ method, path string }{
		{"GET", "/items/{id}"}, {"GET", "/items/special"}, {"ANY", "/items/{id}"},
		{"ANY", "/{proxy+}"}, {"GET", "/items/{id}/{rest+}"}, {"ANY", "$default"},
	}
	var routes []*route
	for _, k := range keys {
		rt, err := compileRoute(Endpoint{Route: samtemplate.Route{Method: k.method, Path: k.path}})
		if err != nil {
			t.Fatal(err)
		}
		routes = append(routes, rt)
	}
	cases := []struct {
		method, path, wantKey string
		wantParams            map[string]string
	}{
		{"GET", "/items/special", "GET /items/special", nil},
		{"GET", "/items/7", "GET /items/{id}", map[string]string{"id": "7"}},
		{"POST", "/items/7", "ANY /items/{id}", map[string]string{"id": "7"}},
		{"GET", "/items/7/a/b", "GET /items/{id}/{rest+}", map[string]string{"id": "7", "rest": "a/b"}},
		{"POST", "/items/7/a/b", "ANY /{proxy+}", map[string]string{"proxy": "items/7/a/b"}},
		{"GET", "/other", "ANY /{proxy+}", map[string]string{"proxy": "other"}},
		{"GET", "/", "$default", nil},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rt, params := routeFor(routes, tc.method, tc.path)
			if rt == nil || rt.Route.Key() != tc.wantKey || !reflect.DeepEqual(params, tc.wantParams) {
				var key string
				if rt != nil {
					key = rt.Route.Key()
				}
				t.Errorf("route %q params %v, want %q %v", key, params, tc.wantKey, tc.wantParams)
			}
		})
	}
}

func TestNewGatewayErrors(t *testing.T) {
	h := (&fakeFunction{}).handle
	open := func(method, path string) Endpoint {
		return Endpoint{Route: samtemplate.Route{Method: method, Path: path, NoAuth: true}, Function: "Fn", Handler: h}
	}
	cases := []struct {
		name      string
		endpoints []Endpoint
		want      string
	}{
		{"duplicate route", []Endpoint{open("GET", "/a"), open("GET", "/a")}, "served by both"},
		{"relative path", []Endpoint{open("GET", "a")}, "must start with /"},
		{"greedy in the middle", []Endpoint{open("GET", "/{p+}/a")}, "last segment"},
		{"mixed segment", []Endpoint{open("GET", "/a{b}")}, "mixes text"},
		{"unknown authorizer", []Endpoint{{Route: samtemplate.Route{Method: "GET", Path: "/a", Authorizer: "Nope"}, Handler: h}}, `authorizer "Nope"`},
		{"no handler", []Endpoint{{Route: samtemplate.Route{Method: "GET", Path: "/a", NoAuth: true}}}, "no handler"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewGateway(GatewayConfig{Endpoints: tc.endpoints})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestGatewayCors: the gateway answers a browser's preflight itself, before
// the authorizer (no token) and without invoking the function, and puts the
// CORS headers on every answer to an allowed origin, a refusal included.
func TestGatewayCors(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	tok := mustToken(t, map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"admin"}}, time.Hour)
	preflight := func(origin string) *http.Response {
		req := newRequest(t, http.MethodOptions, srv.URL+"/v1/clients", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		resp, _ := do(t, req)
		return resp
	}
	t.Run("preflight of an allowed origin", func(t *testing.T) {
		resp := preflight(testOrigin)
		h := resp.Header
		if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != testOrigin ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "authorization") ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Idempotency-Key") ||
			h.Get("Access-Control-Max-Age") != "600" {
			t.Fatalf("status %d headers %v", resp.StatusCode, h)
		}
		if n := fakes["ApiFunction"].calls(); n != 0 {
			t.Errorf("the preflight invoked the function %d times", n)
		}
	})
	t.Run("preflight of another origin", func(t *testing.T) {
		resp := preflight("https://evil.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("Access-Control-Allow-Origin %q for an origin not allowed", got)
		}
	})
	t.Run("actual request", func(t *testing.T) {
		fakes["ApiFunction"].resp.Headers = map[string]string{"Access-Control-Allow-Origin": "*"}
		req := newRequest(t, http.MethodGet, srv.URL+"/v1/clients", nil)
		req.Header.Set("Origin", testOrigin)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, body := do(t, req)
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != testOrigin ||
			resp.Header.Get("Access-Control-Expose-Headers") != "Apigw-Requestid,Retry-After" {
			t.Fatalf("status %d headers %v body %s", resp.StatusCode, resp.Header, body)
		}
	})
	t.Run("refused by the authorizer", func(t *testing.T) {
		req := newRequest(t, http.MethodGet, srv.URL+"/v1/clients", nil)
		req.Header.Set("Origin", testOrigin)
		resp, _ := do(t, req)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Access-Control-Allow-Origin") != testOrigin {
			t.Fatalf("status %d headers %v: a page must be able to read the 401", resp.StatusCode, resp.Header)
		}
	})
	t.Run("actual request from another origin", func(t *testing.T) {
		req := newRequest(t, http.MethodGet, srv.URL+"/health", nil)
		req.Header.Set("Origin", "https://evil.example")
		resp, _ := do(t, req)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("Access-Control-Allow-Origin %q for an origin not allowed", got)
		}
	})
}

// TestGatewayResponsePayloadLimit: a function response whose JSON is over
// Lambda's 6 MB (6,291,556 bytes, envelope and base64 included) fails as
// it does on AWS; one at the limit passes.
func TestGatewayResponsePayloadLimit(t *testing.T) {
	srv, fakes := projectGateway(t, nil)
	envelope, err := json.Marshal(events.APIGatewayV2HTTPResponse{StatusCode: 200})
	if err != nil {
		t.Fatal(err)
	}
	atLimit := MaxResponsePayload - len(envelope)
	binary := bytes.Repeat([]byte{0xff}, (MaxResponsePayload/4)*3) // 6 MB once base64-encoded, under it raw
	cases := []struct {
		name       string
		resp       events.APIGatewayV2HTTPResponse
		wantStatus int
		wantBytes  int
	}{
		{"text body at the limit", events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: strings.Repeat("a", atLimit)}, 200, atLimit},
		{"text body one byte over", events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: strings.Repeat("a", atLimit+1)}, 500, 0},
		{"binary body under 6 MB, over it in base64", events.APIGatewayV2HTTPResponse{StatusCode: 200,
			Body: base64.StdEncoding.EncodeToString(binary), IsBase64Encoded: true}, 500, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fakes["ApiFunction"]
			f.mu.Lock()
			f.resp, f.err, f.panics = tc.resp, nil, false
			f.mu.Unlock()
			resp, body := do(t, newRequest(t, http.MethodGet, srv.URL+"/health", nil))
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if tc.wantStatus == 500 && strings.TrimSpace(string(body)) != `{"message":"Internal Server Error"}` {
				t.Fatalf("body %.100s, want API Gateway's error", body)
			}
			if tc.wantStatus == 200 && len(body) != tc.wantBytes {
				t.Fatalf("body of %d bytes, want %d", len(body), tc.wantBytes)
			}
		})
	}
}
