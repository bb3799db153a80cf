package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

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
	{route: "PUT /v1/integration", path: "/v1/integration", body: `{"cnpj":"11.222.333/0001-81","promobAccountId":"acc-s1","serialNumbers":["SN-1","SN-2"]}`, allowed: []string{"admin"}},
	{route: "POST /v1/integration/rotate-secret", path: "/v1/integration/rotate-secret", allowed: []string{"admin"}},
	{route: "GET /v1/integration/commercial-rules", path: "/v1/integration/commercial-rules", allowed: anyRoleNames},
	{route: "PUT /v1/integration/commercial-rules", path: "/v1/integration/commercial-rules", body: `{"defaultMarkup":"2"}`, allowed: []string{"admin"}},

	{route: "POST /v1/clients", path: "/v1/clients", body: `{"name":"Ana Silva","document":"529.982.247-25"}`, allowed: anyRoleNames},
	{route: "GET /v1/clients/{id}", path: "/v1/clients/{client}", allowed: anyRoleNames, store: true},
	{route: "POST /v1/clients/{id}/sync", path: "/v1/clients/{client}/sync", allowed: anyRoleNames, store: true},
	{route: "POST /v1/projects", path: "/v1/projects", body: `{"clientId":"{client}","name":"Sala"}`, allowed: []string{"admin", "seller"}, store: true},
	{route: "GET /v1/projects/{id}", path: "/v1/projects/{project}", allowed: anyRoleNames, store: true},
	{route: "GET /v1/projects/{pid}/history", path: "/v1/projects/{project}/history", allowed: anyRoleNames, store: true},
	{route: "POST /v1/projects/{pid}/financial-release", path: "/v1/projects/{project}/financial-release", allowed: []string{"finance", "admin"}, store: true},
	{route: "POST /v1/projects/{pid}/environments", path: "/v1/projects/{project}/environments", body: `{"name":"Sala"}`, allowed: []string{"seller", "admin"}, store: true},
	{route: "POST /v1/projects/{pid}/environments/import", path: "/v1/projects/{project}/environments/import", body: importBody, allowed: []string{"seller", "admin"}, store: true},
	{route: "GET /v1/projects/{pid}/assistances", path: "/v1/projects/{project}/assistances", allowed: anyRoleNames, store: true},

	{route: "GET /v1/environments/{eid}", path: "/v1/environments/{env}", allowed: anyRoleNames, store: true},
	{route: "POST /v1/environments/{eid}/update", path: "/v1/environments/{env}/update", allowed: []string{"seller", "admin", "reviewer"}, store: true},
	{route: "POST /v1/environments/{eid}/retry", path: "/v1/environments/{env}/retry", allowed: []string{"seller", "admin"}, store: true},
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
	must(t, c.store.PutNotification(ctx, domain.Notification{ID: f.note, StoreID: "s1", UserID: "u1", Kind: "version_imported",
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
