package httpapi_test

import (
	"reflect"
	"testing"
)

func TestCommercialRules(t *testing.T) {
	c := newCatalog(t)
	defaults := map[string]any{"defaultMarkup": "1", "freightPercent": "0", "assemblyPercent": "0", "maxDiscountPercent": "0"}
	if status, got := c.do(seller, "GET", "/v1/integration/commercial-rules", "", ""); status != 200 || !reflect.DeepEqual(got, defaults) {
		t.Fatalf("GET before any PUT: %d %v, want the defaults %v", status, got, defaults)
	}

	// Numbers arrive as JSON numbers or strings and are answered as strings.
	const put = `{"defaultMarkup":2.15,"familyMarkup":{"Ferragens":"1.85","Portas":2.333333},"categoryMarkup":{"Acessórios":1.7},` +
		`"freightPercent":"4.75","assemblyPercent":8,"maxDiscountPercent":"12.50","suppliers":{"Ferragens":"Hafele"}}`
	want := map[string]any{
		"defaultMarkup":      "2.15",
		"familyMarkup":       map[string]any{"Ferragens": "1.85", "Portas": "2.333333"},
		"categoryMarkup":     map[string]any{"Acessórios": "1.7"},
		"freightPercent":     "4.75",
		"assemblyPercent":    "8",
		"maxDiscountPercent": "12.5",
		"suppliers":          map[string]any{"Ferragens": "Hafele"},
	}
	if status, got := c.do(admin, "PUT", "/v1/integration/commercial-rules", "application/json", put); status != 200 || !reflect.DeepEqual(got, want) {
		t.Fatalf("PUT: %d %v\nwant %v", status, got, want)
	}
	status, got := c.do(finance, "GET", "/v1/integration/commercial-rules", "", "")
	if status != 200 || !reflect.DeepEqual(got, want) {
		t.Fatalf("GET after PUT: %d %v\nwant %v", status, got, want)
	}
	if status, other := c.do(admin2, "GET", "/v1/integration/commercial-rules", "", ""); status != 200 || !reflect.DeepEqual(other, defaults) {
		t.Fatalf("another store's rules: %d %v", status, other)
	}
	// What GET answers can be sent back as it is.
	if status, again := c.do(admin, "PUT", "/v1/integration/commercial-rules", "application/json", mustMarshal(t, got)); status != 200 || !reflect.DeepEqual(again, want) {
		t.Fatalf("PUT of the GET answer: %d %v", status, again)
	}
}

func TestCommercialRulesRefusals(t *testing.T) {
	const path = "/v1/integration/commercial-rules"
	const json = "application/json"
	runRefusals(t, []refusal{
		{"seller writes", seller, "PUT", path, json, `{"defaultMarkup":"2"}`, 403, "forbidden"},
		{"reviewer writes", reviewer, "PUT", path, json, `{"defaultMarkup":"2"}`, 403, "forbidden"},
		{"read without roles", noRoles, "GET", path, "", "", 403, "forbidden"},
		{"malformed JSON", admin, "PUT", path, json, `{"defaultMarkup":`, 400, "malformed_json"},
		{"unknown field", admin, "PUT", path, json, `{"defaultMarkup":"2","discount":"5"}`, 400, "malformed_json"},
		{"wrong content type", admin, "PUT", path, "text/plain", `{"defaultMarkup":"2"}`, 415, "unsupported_media"},
		{"markup not a number", admin, "PUT", path, json, `{"defaultMarkup":"abc"}`, 400, "malformed_json"},
		{"markup NaN", admin, "PUT", path, json, `{"defaultMarkup":"NaN"}`, 400, "malformed_json"},
		{"markup a boolean", admin, "PUT", path, json, `{"defaultMarkup":true}`, 400, "malformed_json"},
		{"no default markup", admin, "PUT", path, json, `{"freightPercent":"5"}`, 400, "invalid_request"},
		{"zero markup", admin, "PUT", path, json, `{"defaultMarkup":0}`, 400, "invalid_request"},
		{"markup over 100", admin, "PUT", path, json, `{"defaultMarkup":"100.000001"}`, 400, "invalid_request"},
		{"huge markup", admin, "PUT", path, json, `{"defaultMarkup":1e9999}`, 400, "invalid_request"},
		{"seven decimal places", admin, "PUT", path, json, `{"defaultMarkup":"2.1234567"}`, 400, "invalid_request"},
		{"negative family markup", admin, "PUT", path, json, `{"defaultMarkup":"2","familyMarkup":{"F":"-1"}}`, 400, "invalid_request"},
		{"empty family name", admin, "PUT", path, json, `{"defaultMarkup":"2","familyMarkup":{"":"2"}}`, 400, "invalid_request"},
		{"freight over 100%", admin, "PUT", path, json, `{"defaultMarkup":"2","freightPercent":101}`, 400, "invalid_request"},
		{"negative assembly", admin, "PUT", path, json, `{"defaultMarkup":"2","assemblyPercent":"-0.5"}`, 400, "invalid_request"},
	})
}
