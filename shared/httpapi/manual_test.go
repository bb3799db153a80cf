package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestManualItems(t *testing.T) {
	c := newCatalog(t)
	ctx := context.Background()
	items := "/v1/environments/" + c.env + "/items"
	status, item := c.do(seller, "POST", items, "application/json", `{"description":" Puxador cromado ","reference":"PX-9","quantity":"2.50","unitPrice":19.9}`)
	if status != 201 || item["description"] != "Puxador cromado" || item["reference"] != "PX-9" || item["quantity"] != "2.5" ||
		item["unitPrice"] != "19.9" || item["createdBy"] != seller.sub || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(item["id"].(string)) {
		t.Fatalf("POST: %d %v", status, item)
	}
	id := item["id"].(string)
	stored, err := c.store.ManualItems(ctx, "s1", c.env)
	if err != nil || len(stored) != 2 || stored[0].ID != c.item || stored[1].ID != id || stored[1].Quantity.String() != "2.5" {
		t.Fatalf("stored items = %+v, %v; want the seeded item, then the new one", stored, err)
	}
	if status, _ := c.do(admin, "POST", items, "application/json", `{"description":"Sem referência","quantity":1,"unitPrice":"0"}`); status != 201 {
		t.Fatalf("POST without reference: %d", status)
	}

	// PATCH changes what it names; null and absent fields stay.
	status, patched := c.do(admin, "PATCH", items+"/"+id, "application/json", `{"unitPrice":"21.00","reference":null}`)
	if status != 200 || patched["unitPrice"] != "21" || patched["description"] != "Puxador cromado" || patched["reference"] != "PX-9" ||
		patched["quantity"] != "2.5" || patched["createdAt"] != item["createdAt"] || patched["createdBy"] != seller.sub {
		t.Fatalf("PATCH price: %d %v", status, patched)
	}
	status, patched = c.do(seller, "PATCH", items+"/"+id, "application/json", `{"description":"Puxador inox","quantity":3,"reference":""}`)
	if status != 200 || patched["description"] != "Puxador inox" || patched["quantity"] != "3" || patched["reference"] != "" || patched["unitPrice"] != "21" {
		t.Fatalf("PATCH description: %d %v", status, patched)
	}

	if status, body := c.do(seller, "DELETE", items+"/"+id, "", ""); status != 204 || body != nil {
		t.Fatalf("DELETE: %d %v", status, body)
	}
	if status, body := c.do(seller, "DELETE", items+"/"+id, "", ""); status != 404 || errCode(body) != "not_found" {
		t.Fatalf("DELETE again: %d %v", status, body)
	}
	stored, _ = c.store.ManualItems(ctx, "s1", c.env)
	if len(stored) != 2 || stored[0].ID != c.item || stored[1].Description != "Sem referência" {
		t.Fatalf("items after DELETE = %+v", stored)
	}
	if other, _ := c.store.ManualItems(ctx, "s1", c.env2); len(other) != 0 {
		t.Fatalf("another environment got items: %+v", other)
	}
}

func TestManualItemRefusals(t *testing.T) {
	const json = "application/json"
	const items = "/v1/environments/{env}/items"
	const item = items + "/{item}"
	valid := `{"description":"Puxador","quantity":1,"unitPrice":"10.00"}`
	body := func(quantity, unitPrice string) string {
		return `{"description":"Puxador","quantity":` + quantity + `,"unitPrice":` + unitPrice + `}`
	}
	runRefusals(t, []refusal{
		{"add: malformed JSON", seller, "POST", items, json, `{"description":"Puxador",`, 400, "malformed_json"},
		{"add: unknown field", seller, "POST", items, json, `{"description":"Puxador","quantity":1,"unitPrice":1,"source":"promob"}`, 400, "malformed_json"},
		{"add: two JSON values", seller, "POST", items, json, valid + valid, 400, "malformed_json"},
		{"add: invalid UTF-8", seller, "POST", items, json, "{\"description\":\"Pe\xe7a\",\"quantity\":1,\"unitPrice\":1}", 400, "malformed_json"},
		{"add: wrong content type", seller, "POST", items, "text/plain", valid, 415, "unsupported_media"},
		{"add: no content type", seller, "POST", items, "", valid, 415, "unsupported_media"},
		{"add: missing description", seller, "POST", items, json, `{"quantity":1,"unitPrice":1}`, 400, "invalid_request"},
		{"add: description over 200 characters", seller, "POST", items, json, `{"description":"` + strings.Repeat("a", 201) + `","quantity":1,"unitPrice":1}`, 400, "invalid_request"},
		{"add: missing quantity", seller, "POST", items, json, `{"description":"Puxador","unitPrice":1}`, 400, "invalid_request"},
		{"add: missing price", seller, "POST", items, json, `{"description":"Puxador","quantity":1}`, 400, "invalid_request"},
		{"add: zero quantity", seller, "POST", items, json, body("0", "1"), 400, "invalid_request"},
		{"add: negative quantity", seller, "POST", items, json, body("-2", "1"), 400, "invalid_request"},
		{"add: NaN quantity", seller, "POST", items, json, body(`"NaN"`, "1"), 400, "invalid_request"},
		{"add: bare NaN", seller, "POST", items, json, body("NaN", "1"), 400, "malformed_json"},
		{"add: huge quantity", seller, "POST", items, json, body("1000001", "1"), 400, "invalid_request"},
		{"add: exponent quantity", seller, "POST", items, json, body("1e400", "1"), 400, "invalid_request"},
		{"add: 100 digit quantity", seller, "POST", items, json, body(strings.Repeat("9", 100), "1"), 400, "invalid_request"},
		{"add: negative price", seller, "POST", items, json, body("1", "-0.01"), 400, "invalid_request"},
		{"add: 3-decimal price", seller, "POST", items, json, body("1", `"10.005"`), 400, "invalid_request"},
		{"add: huge price", seller, "POST", items, json, body("1", "10000000000.01"), 400, "invalid_request"},
		{"add: price not a number", seller, "POST", items, json, body("1", `"dez reais"`), 400, "invalid_request"},
		{"add: price a boolean", seller, "POST", items, json, body("1", "true"), 400, "malformed_json"},
		{"add: description a number", seller, "POST", items, json, `{"description":5,"quantity":1,"unitPrice":1}`, 400, "malformed_json"},
		{"add: reviewer", reviewer, "POST", items, json, valid, 403, "forbidden"},
		{"add: finance", finance, "POST", items, json, valid, 403, "forbidden"},
		{"add: token without roles", noRoles, "POST", items, json, valid, 403, "forbidden"},
		{"add: unknown environment", seller, "POST", "/v1/environments/nothing/items", json, valid, 404, "not_found"},
		{"add: another store's environment", seller, "POST", "/v1/environments/{env9}/items", json, valid, 404, "not_found"},

		{"change: Promob item", seller, "PATCH", items + "/p-00042", json, `{"quantity":2}`, 409, "promob_item_readonly"},
		{"change: Promob item, any body", admin, "PATCH", items + "/p-00042", "text/plain", `x`, 409, "promob_item_readonly"},
		{"change: unknown item", seller, "PATCH", items + "/nothing", json, `{"quantity":2}`, 404, "not_found"},
		{"change: item of another environment", seller, "PATCH", "/v1/environments/{env2}/items/{item}", json, `{"quantity":2}`, 404, "not_found"},
		{"change: another store's item", seller, "PATCH", "/v1/environments/{env9}/items/{item9}", json, `{"quantity":2}`, 404, "not_found"},
		{"change: another store's item in own environment", seller, "PATCH", items + "/{item9}", json, `{"quantity":2}`, 404, "not_found"},
		{"change: nothing", seller, "PATCH", item, json, `{}`, 400, "invalid_request"},
		{"change: zero quantity", seller, "PATCH", item, json, `{"quantity":"0"}`, 400, "invalid_request"},
		{"change: 3-decimal price", seller, "PATCH", item, json, `{"unitPrice":0.001}`, 400, "invalid_request"},
		{"change: blank description", seller, "PATCH", item, json, `{"description":" "}`, 400, "invalid_request"},
		{"change: unknown field", seller, "PATCH", item, json, `{"id":"x"}`, 400, "malformed_json"},
		{"change: malformed JSON", seller, "PATCH", item, json, `{"quantity":}`, 400, "malformed_json"},
		{"change: wrong content type", seller, "PATCH", item, "text/plain", `{"quantity":2}`, 415, "unsupported_media"},
		{"change: reviewer", reviewer, "PATCH", item, json, `{"quantity":2}`, 403, "forbidden"},

		{"remove: Promob item", seller, "DELETE", items + "/p-00042", "", "", 409, "promob_item_readonly"},
		{"remove: unknown item", seller, "DELETE", items + "/nothing", "", "", 404, "not_found"},
		{"remove: another store's item", seller, "DELETE", "/v1/environments/{env9}/items/{item9}", "", "", 404, "not_found"},
		{"remove: Promob item of another store's environment", seller, "DELETE", "/v1/environments/{env9}/items/p-00042", "", "", 404, "not_found"},
		{"remove: finance", finance, "DELETE", item, "", "", 403, "forbidden"},
		{"remove: other store's admin", admin2, "DELETE", item, "", "", 404, "not_found"},
	})
}
