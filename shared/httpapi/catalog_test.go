package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
)

const validClient = `{"name":"Maria da Silva","document":"529.982.247-25","email":"maria@example.com","phone":"+55 47 99999-0000"}`

func TestClientsAndProjects(t *testing.T) {
	c := newCatalog(t)
	status, client := c.do(seller, "POST", "/v1/clients", "application/json", validClient)
	if status != 201 || client["document"] != "52998224725" || client["documentType"] != "cpf" || client["name"] != "Maria da Silva" {
		t.Fatalf("POST client: %d %v", status, client)
	}
	id := client["id"].(string)
	if status, got := c.do(finance, "GET", "/v1/clients/"+id, "", ""); status != 200 || got["id"] != id || got["email"] != "maria@example.com" || got["createdAt"] != client["createdAt"] {
		t.Fatalf("GET client: %d %v, want %v", status, got, client)
	}
	status, company := c.do(reviewer, "POST", "/v1/clients", "application/json", `{"name":"Móveis Ltda","document":"11.222.333/0001-81"}`)
	if status != 201 || company["documentType"] != "cnpj" || company["document"] != "11222333000181" || company["email"] != nil {
		t.Fatalf("POST company: %d %v", status, company)
	}

	status, project := c.do(seller, "POST", "/v1/projects", "application/json", `{"clientId":"`+id+`","name":" Apartamento 302 "}`)
	if status != 201 || project["clientId"] != id || project["name"] != "Apartamento 302" || project["createdBy"] != seller.sub {
		t.Fatalf("POST project: %d %v", status, project)
	}
	if envs, ok := project["environments"].([]any); !ok || len(envs) != 0 {
		t.Fatalf("new project's environments = %#v, want []", project["environments"])
	}
	pid := project["id"].(string)
	if status, got := c.do(reviewer, "GET", "/v1/projects/"+pid, "", ""); status != 200 || got["name"] != "Apartamento 302" || len(got["environments"].([]any)) != 0 {
		t.Fatalf("GET new project: %d %v", status, got)
	}

	// The seeded project has two environments, in creation order.
	status, got := c.do(admin, "GET", "/v1/projects/"+c.project, "", "")
	if status != 200 {
		t.Fatalf("GET project: %d %v", status, got)
	}
	envs := got["environments"].([]any)
	if len(envs) != 2 || envs[0].(map[string]any)["id"] != c.env || envs[1].(map[string]any)["id"] != c.env2 {
		t.Fatalf("environments = %v, want %s then %s", envs, c.env, c.env2)
	}
	if e := envs[0].(map[string]any); e["outdated"] != true || e["promobRevision"] != 2.0 || e["importStatus"] != "imported" {
		t.Fatalf("environment = %v", e)
	}

	status, refused := c.do(seller, "POST", "/v1/projects", "application/json", `{"clientId":"`+c.client2+`","name":"Casa"}`)
	if msg := refused["error"].(map[string]any)["message"].(string); status != 404 || !strings.Contains(msg, c.client2) {
		t.Fatalf("project of another store's client: %d %q does not name the client", status, msg)
	}

	if p, err := c.store.Project(context.Background(), "s1", pid); err != nil || p.CreatedBy != seller.sub {
		t.Fatalf("stored project = %+v, %v", p, err)
	}
}

func TestCatalogRefusals(t *testing.T) {
	runRefusals(t, []refusal{
		{"client: malformed JSON", seller, "POST", "/v1/clients", "application/json", `{"name":`, 400, "malformed_json"},
		{"client: unknown field", seller, "POST", "/v1/clients", "application/json", `{"name":"A","document":"52998224725","storeId":"s2"}`, 400, "malformed_json"},
		{"client: name of the wrong type", seller, "POST", "/v1/clients", "application/json", `{"name":5,"document":"52998224725"}`, 400, "malformed_json"},
		{"client: wrong content type", seller, "POST", "/v1/clients", "text/plain", validClient, 415, "unsupported_media"},
		{"client: invalid CPF", seller, "POST", "/v1/clients", "application/json", `{"name":"A","document":"529.982.247-26"}`, 400, "invalid_request"},
		{"client: invalid CNPJ", seller, "POST", "/v1/clients", "application/json", `{"name":"A","document":"11.222.333/0001-82"}`, 400, "invalid_request"},
		{"client: no document", seller, "POST", "/v1/clients", "application/json", `{"name":"A"}`, 400, "invalid_request"},
		{"client: bad e-mail", seller, "POST", "/v1/clients", "application/json", `{"name":"A","document":"52998224725","email":"maria@"}`, 400, "invalid_request"},
		{"client: e-mail with a name", seller, "POST", "/v1/clients", "application/json", `{"name":"A","document":"52998224725","email":"Maria <m@example.com>"}`, 400, "invalid_request"},
		{"client: missing name", seller, "POST", "/v1/clients", "application/json", `{"document":"52998224725"}`, 400, "invalid_request"},
		{"client: blank name", seller, "POST", "/v1/clients", "application/json", `{"name":"  ","document":"52998224725"}`, 400, "invalid_request"},
		{"client: name over 200 characters", seller, "POST", "/v1/clients", "application/json", `{"name":"` + strings.Repeat("é", 201) + `","document":"52998224725"}`, 400, "invalid_request"},
		{"client: token without roles", noRoles, "POST", "/v1/clients", "application/json", validClient, 403, "forbidden"},
		{"client: no identity", nil, "POST", "/v1/clients", "application/json", validClient, 401, "unauthorized"},
		{"client: read without roles", noRoles, "GET", "/v1/clients/{client}", "", "", 403, "forbidden"},
		{"client: another store's", admin2, "GET", "/v1/clients/{client}", "", "", 404, "not_found"},
		{"client: unknown", admin, "GET", "/v1/clients/nobody", "", "", 404, "not_found"},

		{"project: unknown client", seller, "POST", "/v1/projects", "application/json", `{"clientId":"nobody","name":"Casa"}`, 404, "not_found"},
		{"project: another store's client", seller, "POST", "/v1/projects", "application/json", `{"clientId":"{client2}","name":"Casa"}`, 404, "not_found"},
		{"project: missing name", seller, "POST", "/v1/projects", "application/json", `{"clientId":"c"}`, 400, "invalid_request"},
		{"project: blank client", seller, "POST", "/v1/projects", "application/json", `{"clientId":" ","name":"Casa"}`, 400, "invalid_request"},
		{"project: unknown field", seller, "POST", "/v1/projects", "application/json", `{"clientId":"c","name":"Casa","createdBy":"u9"}`, 400, "malformed_json"},
		{"project: malformed JSON", seller, "POST", "/v1/projects", "application/json", `{"clientId":"c",}`, 400, "malformed_json"},
		{"project: wrong content type", seller, "POST", "/v1/projects", "application/x-www-form-urlencoded", `clientId=c&name=Casa`, 415, "unsupported_media"},
		{"project: reviewer creates", reviewer, "POST", "/v1/projects", "application/json", `{"clientId":"c","name":"Casa"}`, 403, "forbidden"},
		{"project: finance creates", finance, "POST", "/v1/projects", "application/json", `{"clientId":"c","name":"Casa"}`, 403, "forbidden"},
		{"project: read without roles", noRoles, "GET", "/v1/projects/{project}", "", "", 403, "forbidden"},
		{"project: another store's", seller2, "GET", "/v1/projects/{project}", "", "", 404, "not_found"},
		{"project: unknown", admin, "GET", "/v1/projects/nobody", "", "", 404, "not_found"},
	})
}

// TestCreateClientSampleEvent runs events/api-create-client.json, the event
// `make invoke` sends, through the API.
func TestCreateClientSampleEvent(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "api-create-client.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	c := newCatalog(t)
	resp, err := c.proxy.ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.check.CheckResponse(ev.RequestContext.HTTP.Method, ev.RawPath, resp.StatusCode, http.Header{"Content-Type": {resp.Headers["Content-Type"]}}, []byte(resp.Body)); err != nil {
		t.Fatal(err)
	}
	var client domain.Client
	if err := json.Unmarshal([]byte(resp.Body), &client); err != nil || resp.StatusCode != 201 || client.Document != "52998224725" {
		t.Fatalf("sample event answered %d %s", resp.StatusCode, resp.Body)
	}
	if got, err := c.store.Client(context.Background(), "s1", client.ID); err != nil || got.Name != "Maria da Silva" {
		t.Fatalf("stored client = %+v, %v", got, err)
	}
}
