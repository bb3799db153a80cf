package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/httpapi/apicheck"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// api drives the REST API the way Lambda does: an API Gateway HTTP API v2
// event through the proxy adapter. Every answer is checked against the
// OpenAPI document.
type api struct {
	t       *testing.T
	store   *dynamo.Store
	imports *recordingQueue
	proxy   *httpadapter.HandlerAdapterV2
	check   *apicheck.Checker
	// header is the last answer's header.
	header http.Header
}

// checker loads the OpenAPI document once for the package's tests.
var checker = sync.OnceValues(apicheck.New)

func newAPI(t *testing.T) *api {
	t.Helper()
	check, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	store := dynamotest.Minidyn(t)
	q := &recordingQueue{}
	return &api{t: t, store: store, imports: q, proxy: httpadapter.NewV2(httpapi.NewServer(store, q, q, time.Now, httpapi.WithPromobAccounts(&fakePromob{}))), check: check}
}

// recordingQueue records what the API enqueues: messages for the importer
// in sent, for promobsync in outbox, customers, environments and
// assistances.
type recordingQueue struct {
	mu           sync.Mutex
	sent         []sentMessage
	outbox       []message.ConnectStatus
	customers    []message.CustomerCreate
	environments []message.EnvironmentCreate
	assistances  []message.AssistanceDesign
	fail         error // when set, Send returns it and records nothing
}

// sentMessage is one message with its FIFO group and de-duplication id.
type sentMessage struct {
	msg          message.Import
	group, dedup string
}

func (q *recordingQueue) Send(_ context.Context, msg any, group, dedup string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return q.fail
	}
	switch m := msg.(type) {
	case message.Import:
		q.sent = append(q.sent, sentMessage{m, group, dedup})
	case message.ConnectStatus:
		q.outbox = append(q.outbox, m)
	case message.CustomerCreate:
		q.customers = append(q.customers, m)
	case message.EnvironmentCreate:
		q.environments = append(q.environments, m)
	case message.AssistanceDesign:
		q.assistances = append(q.assistances, m)
	}
	return nil
}

// messages returns the messages sent so far.
func (q *recordingQueue) messages() []sentMessage {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]sentMessage(nil), q.sent...)
}

type caller struct {
	sub, store, roles string
}

// token returns the bearer token the authorizer verified for the caller:
// its claims with their JSON types (the roles "[a b]" as the array
// ["a","b"]), unsigned, since the API reads what the authorizer checked.
func (c *caller) token() string {
	claims := map[string]any{"roles": strings.Fields(strings.Trim(c.roles, "[]"))}
	if c.sub != "" {
		claims["sub"] = c.sub
	}
	if c.store != "" {
		claims["store_id"] = c.store
	}
	return rawToken(claims)
}

// rawToken returns an unsigned JWT carrying the claims as given.
func rawToken(claims any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc(payload) + "." + enc([]byte("signature"))
}

var (
	admin  = &caller{"u1", "s1", "[admin]"}
	seller = &caller{"u2", "s1", "[seller]"}
	admin2 = &caller{"u9", "s2", "[admin finance]"}
)

func (a *api) do(who *caller, method, path, contentType, body string) (int, map[string]any) {
	a.t.Helper()
	rawPath, query, _ := strings.Cut(path, "?")
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: method + " " + rawPath, RawPath: rawPath, RawQueryString: query, Body: body,
		Headers: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RequestID: "req-1", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: rawPath, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}
	if contentType != "" {
		ev.Headers["content-type"] = contentType
	}
	if who != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": who.sub, "store_id": who.store, "roles": who.roles}},
		}
		ev.Headers["authorization"] = "Bearer " + who.token()
	}
	resp, err := a.proxy.ProxyWithContext(context.Background(), ev)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	header := http.Header{}
	for k, v := range resp.Headers {
		header.Set(k, v)
	}
	a.header = header
	if err := a.check.CheckResponse(method, path, resp.StatusCode, header, []byte(resp.Body)); err != nil {
		a.t.Error(err)
	}
	var out map[string]any
	_ = json.Unmarshal([]byte(resp.Body), &out)
	return resp.StatusCode, out
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

const validConfig = `{"cnpj":"11.222.333/0001-81","promobAccountId":"acc-1","serialNumbers":["SN-1"],"responsibleUserId":"u1","promobApiToken":"pmi-1"}`

func TestHealthAndOpenAPI(t *testing.T) {
	a := newAPI(t)
	if status, body := a.do(nil, "GET", "/health", "", ""); status != 200 || body["status"] != "ok" {
		t.Fatalf("health: %d %v", status, body)
	}
	if status, body := a.do(nil, "GET", "/openapi.json", "", ""); status != 200 || !strings.HasPrefix(body["openapi"].(string), "3.") {
		t.Fatalf("openapi: %d", status)
	}
}

func TestIntegrationConfig(t *testing.T) {
	a := newAPI(t)
	status, body := a.do(admin, "PUT", "/v1/integration", "application/json", validConfig)
	secret, _ := body["webhookSecret"].(string)
	if status != 201 || !strings.HasPrefix(secret, "whsec_") || body["webhookPath"] != "/webhooks/promob/acc-1" || body["cnpj"] != "11222333000181" {
		t.Fatalf("first PUT: %d %v", status, body)
	}
	status, body = a.do(seller, "GET", "/v1/integration", "", "")
	if status != 200 || body["webhookSecret"] != nil {
		t.Fatalf("GET: %d %v", status, body)
	}
	pre := body["prerequisites"].(map[string]any)
	if pre["accountSet"] != true || pre["serialsSet"] != true || pre["linkedUsers"] != 0.0 || pre["ready"] != true || len(pre["unlinkedUsers"].([]any)) != 0 {
		t.Fatalf("prerequisites with only the responsible user = %v", pre)
	}
	// Users show themselves through GET /v1/me: every one but the
	// responsible one (u1, the admin) must link Promob.
	for _, who := range []*caller{admin, seller} {
		if status, _ := a.do(who, "GET", "/v1/me", "", ""); status != 200 {
			t.Fatalf("GET /v1/me: %d", status)
		}
	}
	_, body = a.do(seller, "GET", "/v1/integration", "", "")
	pre = body["prerequisites"].(map[string]any)
	if fmt.Sprint(pre["unlinkedUsers"]) != "[map[status:not_linked userId:u2]]" || pre["ready"] != false {
		t.Fatalf("prerequisites with an unlinked seller = %v", pre)
	}
	// Without a new token the stored one confirms the account again.
	status, body = a.do(admin, "PUT", "/v1/integration", "application/json", strings.Replace(strings.Replace(validConfig, `"SN-1"`, `"SN-1","SN-2"`, 1), `,"promobApiToken":"pmi-1"`, "", 1))
	if status != 200 || body["webhookSecret"] != nil || len(body["serialNumbers"].([]any)) != 2 {
		t.Fatalf("second PUT: %d %v", status, body)
	}
	status, body = a.do(admin, "POST", "/v1/integration/rotate-secret", "", "")
	if rotated, _ := body["webhookSecret"].(string); status != 200 || !strings.HasPrefix(rotated, "whsec_") || rotated == secret {
		t.Fatalf("rotate: %d %v", status, body)
	}
	// Another store sees nothing and cannot take the account.
	if status, body := a.do(admin2, "GET", "/v1/integration", "", ""); status != 404 || errCode(body) != domain.CodeNotConfigured {
		t.Fatalf("other store GET: %d %v", status, body)
	}
	if status, body := a.do(admin2, "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, "11.222.333/0001-81", "45723174000110", 1)); status != 422 || errCode(body) != domain.CodePromobAccountMismatch {
		t.Fatalf("other store taking acc-1 with its own CNPJ: %d %v", status, body)
	}
	// Even with everything Promob holds, an account belongs to one store.
	if status, body := a.do(admin2, "PUT", "/v1/integration", "application/json", validConfig); status != 409 || errCode(body) != domain.CodeAccountInUse {
		t.Fatalf("other store taking acc-1: %d %v", status, body)
	}
	if _, err := a.store.GetIntegration(context.Background(), "s2"); !domain.IsNotConfiguredErr(err) {
		t.Fatalf("refused PUT wrote s2: %v", err)
	}
}

func TestIntegrationRefusals(t *testing.T) {
	tests := []struct {
		name, method, path, contentType, body string
		who                                   *caller
		status                                int
		code                                  string
	}{
		{"no token claims", "GET", "/v1/integration", "", "", nil, 401, domain.CodeUnauthorized},
		{"no store_id claim", "GET", "/v1/integration", "", "", &caller{"u1", "", "[admin]"}, 401, domain.CodeUnauthorized},
		{"seller cannot configure", "PUT", "/v1/integration", "application/json", validConfig, seller, 403, domain.CodeForbidden},
		{"seller cannot rotate", "POST", "/v1/integration/rotate-secret", "", "", seller, 403, domain.CodeForbidden},
		{"rotate before configuring", "POST", "/v1/integration/rotate-secret", "", "", admin, 404, domain.CodeNotConfigured},
		{"invalid CNPJ", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, "0001-81", "0001-82", 1), admin, 400, domain.CodeInvalid},
		{"missing account", "PUT", "/v1/integration", "application/json", `{"cnpj":"11222333000181","serialNumbers":["a"]}`, admin, 400, domain.CodeInvalid},
		{"no serial", "PUT", "/v1/integration", "application/json", `{"cnpj":"11222333000181","promobAccountId":"a","serialNumbers":[]}`, admin, 400, domain.CodeInvalid},
		{"blank serial", "PUT", "/v1/integration", "application/json", `{"cnpj":"11222333000181","promobAccountId":"a","serialNumbers":[" "]}`, admin, 400, domain.CodeInvalid},
		{"malformed JSON", "PUT", "/v1/integration", "application/json", `{"cnpj":`, admin, 400, domain.CodeMalformedJSON},
		{"unknown field", "PUT", "/v1/integration", "application/json", `{"cnpj":"11222333000181","promobAccountId":"a","serialNumbers":["x"],"secret":"x"}`, admin, 400, domain.CodeMalformedJSON},
		{"wrong type", "PUT", "/v1/integration", "application/json", `{"cnpj":11222333000181}`, admin, 400, domain.CodeMalformedJSON},
		{"trailing data", "PUT", "/v1/integration", "application/json", validConfig + `{}`, admin, 400, domain.CodeMalformedJSON},
		{"wrong content type", "PUT", "/v1/integration", "text/plain", validConfig, admin, 415, domain.CodeUnsupportedMedia},
		{"no integration token", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, `,"promobApiToken":"pmi-1"`, "", 1), admin, 400, domain.CodeInvalid},
		{"another account's token", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, "pmi-1", "pmi-2", 1), admin, 422, domain.CodePromobAccountMismatch},
		{"account Promob does not know", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, "acc-1", "acc-9", 1), admin, 422, domain.CodePromobAccountMismatch},
		{"CNPJ not the account's", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, "11.222.333/0001-81", "45723174000110", 1), admin, 422, domain.CodePromobAccountMismatch},
		{"serial not the account's", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, `"SN-1"`, `"SN-1","SN-9"`, 1), admin, 422, domain.CodePromobAccountMismatch},
		{"Promob unavailable", "PUT", "/v1/integration", "application/json", strings.Replace(validConfig, "acc-1", "down", 1), admin, 502, domain.CodePromobUnavailable},
		{"body over 1 MB", "PUT", "/v1/integration", "application/json", `{"cnpj":"` + strings.Repeat("1", 1<<20) + `"}`, admin, 413, domain.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t)
			status, body := a.do(tt.who, tt.method, tt.path, tt.contentType, tt.body)
			if status != tt.status || errCode(body) != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			if _, err := a.store.GetIntegration(context.Background(), "s1"); !domain.IsNotConfiguredErr(err) {
				t.Fatalf("refused request wrote the integration: %v", err)
			}
		})
	}
}

func TestUnknownRoute(t *testing.T) {
	a := newAPI(t)
	req, _ := http.NewRequest("GET", "/v1/nothing", nil)
	_ = req
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/v1/nothing", RequestContext: events.APIGatewayV2HTTPRequestContext{
		HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/nothing"},
	}}
	resp, err := a.proxy.ProxyWithContext(context.Background(), ev)
	if err != nil || resp.StatusCode != 404 || !strings.Contains(resp.Body, `"code":"not_found"`) {
		t.Fatalf("unknown route: %d %s %v", resp.StatusCode, resp.Body, err)
	}
}
