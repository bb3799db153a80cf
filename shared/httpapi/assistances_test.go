package httpapi_test

import (
	"context"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

func TestCreateAssistanceRefusals(t *testing.T) {
	const path = "/v1/assistances"
	body := func(project, env, number string) string {
		return `{"projectId":"` + project + `","environmentId":"` + env + `","number":"` + number + `","description":"Porta empenada"}`
	}
	runRefusals(t, []refusal{
		{"finance may not open one", finance, "POST", path, "application/json", body("{project}", "{env}", "42"), 403, domain.CodeForbidden},
		{"no roles", noRoles, "POST", path, "application/json", body("{project}", "{env}", "42"), 403, domain.CodeForbidden},
		{"not JSON", seller, "POST", path, "application/json", `{"projectId":`, 400, domain.CodeMalformedJSON},
		{"wrong content type", seller, "POST", path, "text/plain", body("{project}", "{env}", "42"), 415, domain.CodeUnsupportedMedia},
		{"missing number", seller, "POST", path, "application/json", body("{project}", "{env}", ""), 400, domain.CodeInvalid},
		{"number with a slash", seller, "POST", path, "application/json", body("{project}", "{env}", "4/2"), 400, domain.CodeInvalid},
		{"missing description", seller, "POST", path, "application/json", `{"projectId":"{project}","environmentId":"{env}","number":"42"}`, 400, domain.CodeInvalid},
		{"another store's project", seller, "POST", path, "application/json", body("{project2}", "{env}", "42"), 404, domain.CodeNotFound},
		{"another store's environment", seller, "POST", path, "application/json", body("{project}", "{env9}", "42"), 404, domain.CodeNotFound},
		{"another store's caller", seller2, "POST", path, "application/json", body("{project}", "{env}", "42"), 404, domain.CodeNotFound},
		{"unknown project", seller, "POST", path, "application/json", body("nope", "{env}", "42"), 404, domain.CodeNotFound},
	})
}

func TestAssistanceLifecycle(t *testing.T) {
	c := newCatalog(t)
	c.configure()
	create := func(who *caller, number string) (int, map[string]any) {
		return c.do(who, "POST", "/v1/assistances", "application/json",
			`{"projectId":"`+c.project+`","environmentId":"`+c.env+`","number":"`+number+`","description":" Porta empenada "}`)
	}
	status, a := create(seller, "42")
	if status != 201 || a["name"] != "Cozinha ocorrência: 42" || a["description"] != "Porta empenada" || a["createdBy"] != seller.sub {
		t.Fatalf("create: %d %v", status, a)
	}
	if d, _ := a["design"].(map[string]any); d["status"] != domain.DesignNone {
		t.Fatalf("design = %v, want none", a["design"])
	}
	aid, _ := a["id"].(string)

	// Refusals once the assistance exists: status, code, and nothing written or enqueued.
	refusals := []struct {
		name         string
		who          *caller
		method, path string
		body         string
		status       int
		code         string
	}{
		{"the same number again", reviewer, "POST", "/v1/assistances", `{"projectId":"` + c.project + `","environmentId":"` + c.env + `","number":"42","description":"x"}`, 409, domain.CodeConflict},
		{"design from a revision without a converted version", seller, "POST", "/v1/assistances/" + aid + "/design", `{"source":"revision"}`, 409, domain.CodeConflict},
		{"design from an unknown source", seller, "POST", "/v1/assistances/" + aid + "/design", `{"source":"copy"}`, 400, domain.CodeInvalid},
		{"design by finance", finance, "POST", "/v1/assistances/" + aid + "/design", `{"source":"blank"}`, 403, domain.CodeForbidden},
		{"design of another store's", seller2, "POST", "/v1/assistances/" + aid + "/design", `{"source":"blank"}`, 404, domain.CodeNotFound},
		{"design of an environment", seller, "POST", "/v1/assistances/" + c.env + "/design", `{"source":"blank"}`, 404, domain.CodeNotFound},
		{"an item without quantity", seller, "POST", "/v1/assistances/" + aid + "/items", `{"description":"Frete","unitPrice":"10"}`, 400, domain.CodeInvalid},
		{"an item by a reviewer", reviewer, "POST", "/v1/assistances/" + aid + "/items", `{"description":"Frete","quantity":1,"unitPrice":"10"}`, 403, domain.CodeForbidden},
		{"an item on another store's", seller2, "POST", "/v1/assistances/" + aid + "/items", `{"description":"Frete","quantity":1,"unitPrice":"10"}`, 404, domain.CodeNotFound},
		{"an assistance item through an environment route", seller, "POST", "/v1/environments/" + aid + "/items", `{"description":"Frete","quantity":1,"unitPrice":"10"}`, 404, domain.CodeNotFound},
		{"an environment item through an assistance route", seller, "POST", "/v1/assistances/" + c.env + "/items", `{"description":"Frete","quantity":1,"unitPrice":"10"}`, 404, domain.CodeNotFound},
		{"the environment route does not show it", admin, "GET", "/v1/environments/" + aid, "", 404, domain.CodeNotFound},
		{"another store's reader", seller2, "GET", "/v1/assistances/" + aid, "", 404, domain.CodeNotFound},
		{"another store's project list", seller2, "GET", "/v1/projects/" + c.project + "/assistances", "", 404, domain.CodeNotFound},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			before, queued := c.dump(), len(c.imports.assistances)
			ct := ""
			if tt.body != "" {
				ct = "application/json"
			}
			status, body := c.do(tt.who, tt.method, tt.path, ct, tt.body)
			if status != tt.status || errCode(body) != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			if c.dump() != before || len(c.imports.assistances) != queued {
				t.Fatal("a refused request wrote or enqueued something")
			}
		})
	}

	if status, _ := create(reviewer, "43"); status != 201 {
		t.Fatalf("a reviewer opens one: %d", status)
	}
	if status, item := c.do(seller, "POST", "/v1/assistances/"+aid+"/items", "application/json", `{"description":"Frete","quantity":1,"unitPrice":"150.00"}`); status != 201 || item["description"] != "Frete" {
		t.Fatalf("add item: %d %v", status, item)
	}
	if status, body := c.do(seller, "POST", "/v1/assistances/"+aid+"/design", "application/json", `{"source":"blank"}`); status != 202 || body["status"] != domain.EnvCreating {
		t.Fatalf("design: %d %v", status, body)
	}
	if n := len(c.imports.assistances); n != 1 || c.imports.assistances[0].AssistanceID != aid || c.imports.assistances[0].Kind != message.KindAssistanceDesign {
		t.Fatalf("outbox = %+v", c.imports.assistances)
	}
	if status, body := c.do(seller, "POST", "/v1/assistances/"+aid+"/design", "application/json", `{"source":"blank"}`); status != 409 || errCode(body) != domain.CodeConflict {
		t.Fatalf("design twice: %d %v", status, body)
	}
	status, got := c.do(finance, "GET", "/v1/assistances/"+aid, "", "")
	d, _ := got["design"].(map[string]any)
	if vs, _ := got["versions"].([]any); status != 200 || d["status"] != domain.EnvCreating || d["source"] != domain.DesignBlank || d["promobProjectId"] != "pp-"+c.project || len(vs) != 0 {
		t.Fatalf("get: %d %v", status, got)
	}
	status, list := c.do(reviewer, "GET", "/v1/projects/"+c.project+"/assistances", "", "")
	if items, _ := list["assistances"].([]any); status != 200 || len(items) != 2 {
		t.Fatalf("list: %d %v", status, list)
	}
	status, project := c.do(seller, "GET", "/v1/projects/"+c.project, "", "")
	if envs, _ := project["environments"].([]any); status != 200 || len(envs) != 2 {
		t.Fatalf("the project's environments include assistances: %d %v", status, project)
	}
}

// TestAssistanceVersionRoutes reads an assistance's items, budget and
// versions: before any version only its manual items (budget and versions
// 404), then the version imported into it, priced with its manual items,
// like an environment's; other stores, environments through assistance
// routes and callers without a role are refused.
func TestAssistanceVersionRoutes(t *testing.T) {
	c := newCatalog(t)
	c.configure()
	status, a := c.do(seller, "POST", "/v1/assistances", "application/json",
		`{"projectId":"`+c.project+`","environmentId":"`+c.env+`","number":"42","description":"Porta empenada"}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, a)
	}
	aid := a["id"].(string)
	path := "/v1/assistances/" + aid

	t.Run("no version yet", func(t *testing.T) {
		if status, body := c.do(finance, "GET", path+"/items", "", ""); status != 200 || len(body["items"].([]any)) != 0 {
			t.Errorf("GET items: %d %v", status, body)
		}
		for _, p := range []string{path + "/budget", path + "/versions/1"} {
			if status, body := c.do(seller, "GET", p, "", ""); status != 404 || errCode(body) != domain.CodeNotFound {
				t.Errorf("GET %s before any version: %d %v, want 404", p, status, body)
			}
		}
	})

	refusals := func(t *testing.T) {
		for _, p := range []string{"/items", "/budget", "/versions/1"} {
			for _, tt := range []struct {
				name   string
				who    *caller
				path   string
				status int
				code   string
			}{
				{"another store's caller", seller2, path + p, 404, domain.CodeNotFound},
				{"an environment through the assistance route", seller, "/v1/assistances/" + c.env + p, 404, domain.CodeNotFound},
				{"the assistance through the environment route", seller, "/v1/environments/" + aid + p, 404, domain.CodeNotFound},
				{"unknown assistance", seller, "/v1/assistances/nope" + p, 404, domain.CodeNotFound},
				{"no role", noRoles, path + p, 403, domain.CodeForbidden},
			} {
				t.Run(tt.name+p, func(t *testing.T) {
					if status, body := c.do(tt.who, "GET", tt.path, "", ""); status != tt.status || errCode(body) != tt.code {
						t.Errorf("got %d %v, want %d %s", status, body, tt.status, tt.code)
					}
				})
			}
		}
	}
	t.Run("refused before a version", refusals)

	env, err := c.store.Environment(context.Background(), "s1", aid)
	must(t, err)
	c.checkVersionRoutes(t, path, c.seedVersion(t, env, path+"/items"))
	t.Run("refused with a version", refusals)

	t.Run("the environment's own items are apart", func(t *testing.T) {
		status, body := c.do(seller, "GET", "/v1/environments/"+c.env2+"/items", "", "")
		items, _ := body["items"].([]any)
		if status != 200 {
			t.Fatalf("GET the environment's items: %d %v", status, body)
		}
		for _, it := range items {
			if it.(map[string]any)["description"] == "Tampo" {
				t.Fatalf("the assistance's manual item shows on its environment: %d %v", status, body)
			}
		}
	})
}
