package httpapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/shopspring/decimal"
)

// The callers of the authorization matrix: one per role of store s1, one
// without a role, and a caller of store s2 with every role and the same
// user id as s1's admin, so that only the store differs.
var (
	matrixCallers = map[string]*caller{
		"admin":    {"u1", "s1", "[admin]"},
		"seller":   {"u2", "s1", "[seller]"},
		"reviewer": {"u3", "s1", "[reviewer]"},
		"finance":  {"u4", "s1", "[finance]"},
		"none":     {"u5", "s1", "[]"},
	}
	otherStore = &caller{"u1", "s2", "[admin seller reviewer finance]"}
)

// Role sets of the matrix's rows.
var (
	everyone     = []string{"admin", "seller", "reviewer", "finance", "none"}
	anyRoleNames = []string{"admin", "seller", "reviewer", "finance"}
)

// authRow is one route of the OpenAPI document: who may call it, and a
// request that gets past the role check when it is allowed.
type authRow struct {
	route string // "METHOD /path" as the document names it
	path  string // with {client}, {project}, {env}, {item}, {aid}, {aitem}, {note} standing for store s1's ids
	body  string // a JSON body, "" for none
	// allowed lists the roles that may call the route ("none": a token
	// without a role); the others get 403 forbidden.
	allowed []string
	// public routes need no token; notAPI names the function other than
	// the API's that serves the route, where its own tests are.
	public bool
	notAPI string
	// store is true when the route reads or writes one of the store's
	// records by id (in the path or the body): another store's caller gets
	// 404 for it and nothing is written.
	store bool
}

// authMatrix is every route of the OpenAPI document. A route added to the
// document without a row here fails TestAuthorizationMatrix.
var authMatrix = []authRow{
	{route: "GET /health", path: "/health", public: true},
	{route: "GET /openapi.json", path: "/openapi.json", public: true},
	{route: "POST /webhooks/promob/{accountId}", notAPI: "the webhook function, authenticated by the delivery's signature (shared/webhook TestRefusedDeliveriesWriteNothing)"},

	{route: "GET /v1/integration", path: "/v1/integration", allowed: anyRoleNames},
	{route: "PUT /v1/integration", path: "/v1/integration", body: `{"cnpj":"11.222.333/0001-81","promobAccountId":"acc-s1","serialNumbers":["SN-1","SN-2"],"promobApiToken":"pmi-s1"}`, allowed: []string{"admin"}},
	{route: "POST /v1/integration/rotate-secret", path: "/v1/integration/rotate-secret", allowed: []string{"admin"}},
	{route: "GET /v1/integration/commercial-rules", path: "/v1/integration/commercial-rules", allowed: anyRoleNames},
	{route: "PUT /v1/integration/commercial-rules", path: "/v1/integration/commercial-rules", body: `{"defaultMarkup":"2"}`, allowed: []string{"admin"}},

	{route: "POST /v1/clients", path: "/v1/clients", body: `{"name":"Ana Silva","document":"529.982.247-25"}`, allowed: anyRoleNames},
	{route: "GET /v1/clients/{id}", path: "/v1/clients/{client}", allowed: anyRoleNames, store: true},
	{route: "POST /v1/clients/{id}/sync", path: "/v1/clients/{client}/sync", allowed: anyRoleNames, store: true},
	{route: "POST /v1/projects", path: "/v1/projects", body: `{"clientId":"{client}","name":"Sala"}`, allowed: []string{"admin", "seller"}, store: true},
	{route: "GET /v1/projects/{id}", path: "/v1/projects/{project}", allowed: anyRoleNames, store: true},
	{route: "GET /v1/clients", path: "/v1/clients?q=ana", allowed: anyRoleNames},
	{route: "GET /v1/projects", path: "/v1/projects?state=open", allowed: anyRoleNames},
	{route: "GET /v1/projects/{pid}/budget", path: "/v1/projects/{project}/budget", allowed: anyRoleNames, store: true},
	{route: "GET /v1/users", path: "/v1/users", allowed: anyRoleNames},
	{route: "GET /v1/projects/{pid}/history", path: "/v1/projects/{project}/history", allowed: anyRoleNames, store: true},
	{route: "POST /v1/projects/{pid}/financial-release", path: "/v1/projects/{project}/financial-release", allowed: []string{"finance", "admin"}, store: true},
	{route: "POST /v1/projects/{pid}/environments", path: "/v1/projects/{project}/environments", body: `{"name":"Sala"}`, allowed: []string{"seller", "admin"}, store: true},
	{route: "POST /v1/projects/{pid}/environments/import", path: "/v1/projects/{project}/environments/import", body: importBody, allowed: []string{"seller", "admin"}, store: true},
	{route: "GET /v1/projects/{pid}/assistances", path: "/v1/projects/{project}/assistances", allowed: anyRoleNames, store: true},

	{route: "GET /v1/environments/{eid}", path: "/v1/environments/{env}", allowed: anyRoleNames, store: true},
	{route: "POST /v1/environments/{eid}/update", path: "/v1/environments/{env}/update", allowed: []string{"seller", "admin", "reviewer"}, store: true},
	{route: "POST /v1/environments/{eid}/retry", path: "/v1/environments/{env}/retry", allowed: []string{"seller", "admin"}, store: true},
	{route: "POST /v1/jobs/{id}/{kind}/retry", path: "/v1/jobs/{env}/update/retry", allowed: []string{"seller", "admin"}, store: true},
	{route: "GET /v1/environments/{eid}/versions", path: "/v1/environments/{env}/versions", allowed: anyRoleNames, store: true},
	{route: "GET /v1/environments/{eid}/versions/{n}", path: "/v1/environments/{env}/versions/2", allowed: anyRoleNames, store: true},
	{route: "GET /v1/environments/{eid}/versions/{n}/open", path: "/v1/environments/{env}/versions/2/open", allowed: anyRoleNames, store: true},
	{route: "GET /v1/environments/{eid}/budget", path: "/v1/environments/{env}/budget", allowed: anyRoleNames, store: true},
	{route: "GET /v1/environments/{eid}/budget/lines", path: "/v1/environments/{env}/budget/lines", allowed: anyRoleNames, store: true},
	{route: "GET /v1/environments/{eid}/versions/{n}/items", path: "/v1/environments/{env}/versions/2/items", allowed: anyRoleNames, store: true},
	{route: "GET /v1/environments/{eid}/versions/{n}/budget/lines", path: "/v1/environments/{env}/versions/2/budget/lines", allowed: anyRoleNames, store: true},
	{route: "POST /v1/environments/{eid}/reprice", path: "/v1/environments/{env}/reprice", allowed: []string{"seller", "admin"}, store: true},
	{route: "GET /v1/environments/{eid}/items", path: "/v1/environments/{env}/items", allowed: anyRoleNames, store: true},
	{route: "POST /v1/environments/{eid}/items", path: "/v1/environments/{env}/items", body: `{"description":"Frete","quantity":"1","unitPrice":"10"}`, allowed: []string{"admin", "seller"}, store: true},
	{route: "PATCH /v1/environments/{eid}/items/{itemId}", path: "/v1/environments/{env}/items/{item}", body: `{"quantity":"3"}`, allowed: []string{"admin", "seller"}, store: true},
	{route: "DELETE /v1/environments/{eid}/items/{itemId}", path: "/v1/environments/{env}/items/{item}", allowed: []string{"admin", "seller"}, store: true},
	{route: "POST /v1/environments/{eid}/approve", path: "/v1/environments/{env}/approve", allowed: []string{"seller", "admin"}, store: true},
	{route: "POST /v1/environments/{eid}/review/start", path: "/v1/environments/{env}/review/start", allowed: []string{"reviewer"}, store: true},
	{route: "GET /v1/environments/{eid}/review", path: "/v1/environments/{env}/review", allowed: anyRoleNames, store: true},
	{route: "POST /v1/environments/{eid}/review/complete", path: "/v1/environments/{env}/review/complete", allowed: []string{"reviewer"}, store: true},
	{route: "GET /v1/promob/projects", path: "/v1/promob/projects?q=silva", allowed: []string{"seller", "admin"}},
	{route: "GET /v1/environments/{eid}/purchase-orders", path: "/v1/environments/{env}/purchase-orders", allowed: anyRoleNames, store: true},

	// Notifications are the caller's own: no role check.
	{route: "GET /v1/notifications", path: "/v1/notifications", allowed: everyone},
	{route: "POST /v1/notifications/{id}/read", path: "/v1/notifications/{note}/read", allowed: everyone, store: true},
	// The caller as the token names them, roles included.
	{route: "GET /v1/me", path: "/v1/me", allowed: everyone},
	{route: "POST /v1/me/promob-link", path: "/v1/me/promob-link", body: `{"promobUser":"ana","promobPassword":"right-pass"}`, allowed: anyRoleNames},

	{route: "POST /v1/assistances", path: "/v1/assistances", body: `{"projectId":"{project}","environmentId":"{env}","number":"77","description":"Porta empenada"}`,
		allowed: []string{"seller", "reviewer", "admin"}, store: true},
	{route: "GET /v1/assistances/{aid}", path: "/v1/assistances/{aid}", allowed: anyRoleNames, store: true},
	{route: "GET /v1/assistances/{aid}/items", path: "/v1/assistances/{aid}/items", allowed: anyRoleNames, store: true},
	{route: "GET /v1/assistances/{aid}/budget", path: "/v1/assistances/{aid}/budget", allowed: anyRoleNames, store: true},
	{route: "GET /v1/assistances/{aid}/budget/lines", path: "/v1/assistances/{aid}/budget/lines", allowed: anyRoleNames, store: true},
	{route: "GET /v1/assistances/{aid}/versions/{n}/items", path: "/v1/assistances/{aid}/versions/1/items", allowed: anyRoleNames, store: true},
	{route: "GET /v1/assistances/{aid}/versions/{n}", path: "/v1/assistances/{aid}/versions/1", allowed: anyRoleNames, store: true},
	{route: "POST /v1/assistances/{aid}/update", path: "/v1/assistances/{aid}/update", allowed: []string{"seller", "reviewer", "admin"}, store: true},
	{route: "GET /v1/assistances/{aid}/versions/{n}/open", path: "/v1/assistances/{aid}/versions/1/open", allowed: anyRoleNames, store: true},
	{route: "POST /v1/assistances/{aid}/design", path: "/v1/assistances/{aid}/design", body: `{"source":"blank"}`, allowed: []string{"seller", "reviewer", "admin"}, store: true},
	{route: "POST /v1/assistances/{aid}/items", path: "/v1/assistances/{aid}/items", body: `{"description":"Frete","quantity":"1","unitPrice":"10"}`, allowed: []string{"admin", "seller"}, store: true},
	{route: "PATCH /v1/assistances/{aid}/items/{itemId}", path: "/v1/assistances/{aid}/items/{aitem}", body: `{"quantity":"3"}`, allowed: []string{"admin", "seller"}, store: true},
	{route: "DELETE /v1/assistances/{aid}/items/{itemId}", path: "/v1/assistances/{aid}/items/{aitem}", allowed: []string{"admin", "seller"}, store: true},
}

// documentRoutes returns every operation of the OpenAPI document as
// "METHOD /path".
func documentRoutes(t *testing.T) []string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPIYAML)
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			routes = append(routes, method+" "+path)
		}
	}
	slices.Sort(routes)
	return routes
}

// TestAuthorizationMatrixCoversTheDocument fails when a route of the
// OpenAPI document has no row in authMatrix, or a row names a route the
// document does not have.
func TestAuthorizationMatrixCoversTheDocument(t *testing.T) {
	doc := documentRoutes(t)
	rows := map[string]bool{}
	for _, r := range authMatrix {
		if rows[r.route] {
			t.Errorf("route %s has two rows", r.route)
		}
		rows[r.route] = true
		if !slices.Contains(doc, r.route) {
			t.Errorf("row %s: the OpenAPI document has no such route", r.route)
		}
	}
	for _, route := range doc {
		if !rows[route] {
			t.Errorf("route %s of the OpenAPI document has no row in authMatrix", route)
		}
	}
}

// authFixture is the catalog fixture with s1's integration configured,
// linking to Promob on, a version 2 of s1's environment, an assistance
// with a manual item and a notification of s1's admin (user u1).
type authFixture struct {
	*catalog
	aid, aitem, note string
}

func newAuthFixture(t *testing.T) *authFixture {
	t.Helper()
	c, _ := newPromobCatalog(t)
	ctx := context.Background()
	now := time.Now().UTC()
	c.commit(c.env, 2, "200.00", pricing.DefaultRules(), part(0, "A", "Portas", "2", "100"))
	f := &authFixture{catalog: c, aid: domain.NewID(), aitem: domain.NewID(), note: domain.NewID()}
	must(t, c.store.CreateAssistance(ctx, domain.Assistance{ID: f.aid, StoreID: "s1", ProjectID: c.project, EnvironmentID: c.env,
		Number: "42", Description: "Porta empenada", CreatedBy: "u1", CreatedAt: now,
		Env: domain.Environment{Name: domain.DesignName("Cozinha", "42"), PromobAccountID: "acc-s1"}}))
	must(t, addManual(ctx, c.store, "s1", f.aid, domain.ManualItem{ID: f.aitem, Description: "Dobradiça",
		Quantity: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(5), CreatedBy: "u1", CreatedAt: now}))
	must(t, c.store.PutNotification(ctx, domain.Notification{ID: f.note, StoreID: "s1", UserID: "u1", Kind: "environment.outdated",
		Title: "Nova versão", Message: "Cozinha: versão 1", CreatedAt: now}))
	return f
}

func (f *authFixture) expand(s string) string {
	return f.catalog.expand(strings.NewReplacer("{aid}", f.aid, "{aitem}", f.aitem, "{note}", f.note).Replace(s))
}

// TestAuthorizationMatrix calls every route of the API as each role: a
// role the row allows gets past the role check (neither 401 nor 403, nor a
// server error), the others get 403 forbidden. A caller of another store
// gets 404 for the store's ids, and the table is unchanged after it.
func TestAuthorizationMatrix(t *testing.T) {
	for _, row := range authMatrix {
		t.Run(row.route, func(t *testing.T) {
			if row.notAPI != "" {
				t.Skipf("served by %s", row.notAPI)
			}
			f := newAuthFixture(t)
			method, _, _ := strings.Cut(row.route, " ")
			path, body := f.expand(row.path), f.expand(row.body)
			contentType := ""
			if body != "" {
				contentType = "application/json"
			}
			if row.public {
				if status, out := f.do(nil, method, path, "", ""); status != http.StatusOK {
					t.Fatalf("without a token: %d %v, want 200", status, out)
				}
				return
			}
			if status, out := f.do(nil, method, path, contentType, body); status != http.StatusUnauthorized || errCode(out) != domain.CodeUnauthorized {
				t.Errorf("without a token: %d %v, want 401 unauthorized", status, out)
			}
			if row.store {
				before := f.dump()
				status, out := f.do(otherStore, method, path, contentType, body)
				if status != http.StatusNotFound || errCode(out) != domain.CodeNotFound {
					t.Errorf("another store's caller: %d %v, want 404 not_found", status, out)
				}
				if f.dump() != before {
					t.Errorf("another store's caller changed the table")
				}
			}
			for _, role := range everyone {
				status, out := f.do(matrixCallers[role], method, path, contentType, body)
				switch allowed := slices.Contains(row.allowed, role); {
				case allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden || status >= 500):
					t.Errorf("%s: %d %v, want past the role check", role, status, out)
				case allowed && strings.HasPrefix(errMessage(out), "No route for"):
					t.Errorf("%s: the API serves no such route", role)
				case !allowed && (status != http.StatusForbidden || errCode(out) != domain.CodeForbidden):
					t.Errorf("%s: %d %v, want 403 forbidden", role, status, out)
				}
			}
		})
	}
}

func errMessage(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

// TestIdsOutOfBoundsAnswer404 calls every route with an id in the path over
// the bound, or holding a key separator or a control character, as a
// caller holding every role: 404 not_found before any record is read,
// never a 500, and the table unchanged.
func TestIdsOutOfBoundsAnswer404(t *testing.T) {
	everyRole := &caller{"u1", "s1", "[admin seller reviewer finance]"}
	wild := regexp.MustCompile(`\{[A-Za-z]+\}`)
	for _, row := range authMatrix {
		method, pattern, _ := strings.Cut(row.route, " ")
		if row.notAPI != "" || !wild.MatchString(pattern) {
			continue
		}
		for name, id := range map[string]string{"2,100 characters": strings.Repeat("a", 2100), "key separator": "x%23ENV%23y", "control character": "x%00y"} {
			t.Run(row.route+"/"+name, func(t *testing.T) {
				f := newAuthFixture(t)
				body, contentType := f.expand(row.body), ""
				if body != "" {
					contentType = "application/json"
				}
				before := f.dump()
				status, out := f.do(everyRole, method, wild.ReplaceAllString(pattern, id), contentType, body)
				if status != http.StatusNotFound || errCode(out) != domain.CodeNotFound {
					t.Errorf("%d %v, want 404 not_found", status, out)
				}
				if f.dump() != before {
					t.Errorf("the table changed")
				}
			})
		}
	}
}

// TestClaimsAreReadExactly sends tokens whose claims the authorizer passes
// flattened, and checks what identity the API reads from them.
func TestClaimsAreReadExactly(t *testing.T) {
	a := newAPI(t)
	send := func(claims map[string]any, flat map[string]string) (int, map[string]any) {
		t.Helper()
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "GET /v1/me", RawPath: "/v1/me",
			Headers: map[string]string{"authorization": "Bearer " + rawToken(claims)},
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				RequestID: "req-1", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/me"},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: flat}},
			},
		}
		resp, err := a.proxy.ProxyWithContext(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.Unmarshal([]byte(resp.Body), &out)
		return resp.StatusCode, out
	}
	tests := []struct {
		name   string
		claims map[string]any
		flat   map[string]string // as API Gateway passes them
		status int
		roles  string // of GET /v1/me when 200
	}{
		{"exact", map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"admin", "seller"}}, map[string]string{"sub": "u1", "store_id": "s1", "roles": "[admin seller]"}, 200, "[admin seller]"},
		{"one role with a space", map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"seller admin"}}, map[string]string{"sub": "u1", "store_id": "s1", "roles": "[seller admin]"}, 200, "[]"},
		{"a role with a comma", map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"x,admin", "finance"}}, map[string]string{"sub": "u1", "store_id": "s1", "roles": "[x,admin finance]"}, 200, "[finance]"},
		{"nested roles", map[string]any{"sub": "u1", "store_id": "s1", "roles": []any{[]string{"admin"}}}, map[string]string{"sub": "u1", "store_id": "s1", "roles": "[[admin]]"}, 200, "[]"},
		{"store_id as a number", map[string]any{"sub": "u1", "store_id": 42}, map[string]string{"sub": "u1", "store_id": "42"}, 401, ""},
		{"store_id as an array", map[string]any{"sub": "u1", "store_id": []string{"s1"}}, map[string]string{"sub": "u1", "store_id": "[s1]"}, 401, ""},
		{"store_id with a key separator", map[string]any{"sub": "u1", "store_id": "s1#ENV#e1"}, map[string]string{"sub": "u1", "store_id": "s1#ENV#e1"}, 401, ""},
		{"sub with NUL", map[string]any{"sub": "u1\x00", "store_id": "s1"}, map[string]string{"sub": "u1\x00", "store_id": "s1"}, 401, ""},
		{"header token not the verified one", map[string]any{"sub": "u1", "store_id": "s2"}, map[string]string{"sub": "u1", "store_id": "s1"}, 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := send(tt.claims, tt.flat)
			if status != tt.status {
				t.Fatalf("%d %v, want %d", status, out, tt.status)
			}
			if status == 200 && fmt.Sprint(out["roles"]) != tt.roles {
				t.Errorf("roles %v, want %s", out["roles"], tt.roles)
			}
		})
	}
	// A duplicated claim in the token's payload is refused.
	dup := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"u1","store_id":"s2","store_id":"s1"}`))
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RawPath: "/v1/me", Headers: map[string]string{"authorization": "Bearer h." + dup + ".s"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/v1/me"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": "u1", "store_id": "s1"}}}}}
	if resp, err := a.proxy.ProxyWithContext(context.Background(), ev); err != nil || resp.StatusCode != 401 {
		t.Errorf("duplicated store_id: %d %v, want 401", resp.StatusCode, err)
	}
}
