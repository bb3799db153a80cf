package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func decodeManual(t *testing.T, body string) manualItemBody {
	t.Helper()
	var in manualItemBody
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return in
}

func TestManualItemBodyItem(t *testing.T) {
	tests := []struct {
		name, body            string
		code                  string // "" when valid
		quantity, price, desc string
		reference             string
	}{
		{"numbers", `{"description":" Puxador ","reference":"PX-1","quantity":2.5,"unitPrice":10.9}`, "", "2.5", "10.9", "Puxador", "PX-1"},
		{"strings", `{"description":"Puxador","quantity":"3","unitPrice":"1234.50"}`, "", "3", "1234.5", "Puxador", ""},
		{"price zero", `{"description":"Brinde","quantity":1,"unitPrice":0}`, "", "1", "0", "Brinde", ""},
		{"largest quantity and price", `{"description":"X","quantity":"1000000","unitPrice":"10000000000"}`, "", "1000000", "10000000000", "X", ""},
		{"four quantity places", `{"description":"X","quantity":"0.0001","unitPrice":"0.01"}`, "", "0.0001", "0.01", "X", ""},
		{"200 characters of 2 bytes", `{"description":"` + strings.Repeat("ç", 200) + `","quantity":1,"unitPrice":1}`, "", "1", "1", strings.Repeat("ç", 200), ""},
		{"no description", `{"quantity":1,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"blank description", `{"description":"  ","quantity":1,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"201 characters", `{"description":"` + strings.Repeat("a", 201) + `","quantity":1,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"over 500 bytes", `{"description":"` + strings.Repeat("€", 168) + `","quantity":1,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"long reference", `{"description":"X","reference":"` + strings.Repeat("r", 201) + `","quantity":1,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"no quantity", `{"description":"X","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"null quantity", `{"description":"X","quantity":null,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"no price", `{"description":"X","quantity":1}`, domain.CodeInvalid, "", "", "", ""},
		{"zero quantity", `{"description":"X","quantity":0,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"negative quantity", `{"description":"X","quantity":"-1","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"huge quantity", `{"description":"X","quantity":1000000.0001,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"five quantity places", `{"description":"X","quantity":"1.00001","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"exponent", `{"description":"X","quantity":1e3,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"NaN", `{"description":"X","quantity":"NaN","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"Infinity", `{"description":"X","quantity":"Infinity","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"decimal comma", `{"description":"X","quantity":"1,5","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"spaces around", `{"description":"X","quantity":" 1","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"40 digits", `{"description":"X","quantity":"` + strings.Repeat("9", 40) + `","unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"negative price", `{"description":"X","quantity":1,"unitPrice":-0.01}`, domain.CodeInvalid, "", "", "", ""},
		{"three price places", `{"description":"X","quantity":1,"unitPrice":"10.005"}`, domain.CodeInvalid, "", "", "", ""},
		{"huge price", `{"description":"X","quantity":1,"unitPrice":10000000000.01}`, domain.CodeInvalid, "", "", "", ""},
		{"price not a number", `{"description":"X","quantity":1,"unitPrice":"abc"}`, domain.CodeInvalid, "", "", "", ""},
		{"price a boolean", `{"description":"X","quantity":1,"unitPrice":true}`, domain.CodeMalformedJSON, "", "", "", ""},
		{"quantity an object", `{"description":"X","quantity":{},"unitPrice":1}`, domain.CodeMalformedJSON, "", "", "", ""},
		{"blank description before a boolean quantity", `{"description":" ","quantity":true,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"absent description before a boolean quantity", `{"quantity":true,"unitPrice":1}`, domain.CodeInvalid, "", "", "", ""},
		{"zero quantity before a boolean price", `{"description":"X","quantity":0,"unitPrice":true}`, domain.CodeInvalid, "", "", "", ""},
		{"boolean quantity before a negative price", `{"description":"X","quantity":true,"unitPrice":-1}`, domain.CodeMalformedJSON, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := decodeManual(t, tt.body).item()
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("item() error = %v, want code %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if it.Quantity.String() != tt.quantity || it.UnitPrice.String() != tt.price || it.Description != tt.desc || it.Reference != tt.reference {
				t.Fatalf("item() = %+v", it)
			}
		})
	}
}

func TestManualItemBodyPatch(t *testing.T) {
	tests := []struct {
		name, body string
		code       string
		check      func(domain.ManualItemPatch) bool
	}{
		{"quantity only", `{"quantity":"7"}`, "", func(p domain.ManualItemPatch) bool {
			return p.Quantity != nil && p.Quantity.String() == "7" && p.Description == nil && p.Reference == nil && p.UnitPrice == nil
		}},
		{"clear the reference", `{"reference":""}`, "", func(p domain.ManualItemPatch) bool { return p.Reference != nil && *p.Reference == "" }},
		{"nulls are absent", `{"description":null,"unitPrice":null,"quantity":2}`, "", func(p domain.ManualItemPatch) bool {
			return p.Description == nil && p.UnitPrice == nil && p.Quantity != nil
		}},
		{"nothing", `{}`, domain.CodeInvalid, nil},
		{"only nulls", `{"quantity":null}`, domain.CodeInvalid, nil},
		{"blank description", `{"description":""}`, domain.CodeInvalid, nil},
		{"zero quantity", `{"quantity":0}`, domain.CodeInvalid, nil},
		{"three price places", `{"unitPrice":0.001}`, domain.CodeInvalid, nil},
		{"a boolean quantity alone", `{"quantity":false}`, domain.CodeMalformedJSON, nil},
		{"long reference before a boolean price", `{"reference":"` + strings.Repeat("r", 201) + `","unitPrice":true}`, domain.CodeInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodeManual(t, tt.body).patch()
			if got := domain.ErrorCode(err); got != tt.code {
				t.Fatalf("patch() error = %v, want code %q", err, tt.code)
			}
			if tt.check != nil && !tt.check(p) {
				t.Fatalf("patch() = %+v", p)
			}
		})
	}
}
