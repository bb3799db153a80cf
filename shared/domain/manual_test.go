package domain

import (
	"encoding/json"
	"strings"
	"testing"
)

func decodeManual(t *testing.T, body string) ManualItemInput {
	t.Helper()
	var in ManualItemInput
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return in
}

func TestManualItemInputItem(t *testing.T) {
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
		{"no description", `{"quantity":1,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"blank description", `{"description":"  ","quantity":1,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"201 characters", `{"description":"` + strings.Repeat("a", 201) + `","quantity":1,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"over 500 bytes", `{"description":"` + strings.Repeat("€", 168) + `","quantity":1,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"long reference", `{"description":"X","reference":"` + strings.Repeat("r", 201) + `","quantity":1,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"no quantity", `{"description":"X","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"null quantity", `{"description":"X","quantity":null,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"no price", `{"description":"X","quantity":1}`, CodeInvalid, "", "", "", ""},
		{"zero quantity", `{"description":"X","quantity":0,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"negative quantity", `{"description":"X","quantity":"-1","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"huge quantity", `{"description":"X","quantity":1000000.0001,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"five quantity places", `{"description":"X","quantity":"1.00001","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"exponent", `{"description":"X","quantity":1e3,"unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"NaN", `{"description":"X","quantity":"NaN","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"Infinity", `{"description":"X","quantity":"Infinity","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"decimal comma", `{"description":"X","quantity":"1,5","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"spaces around", `{"description":"X","quantity":" 1","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"40 digits", `{"description":"X","quantity":"` + strings.Repeat("9", 40) + `","unitPrice":1}`, CodeInvalid, "", "", "", ""},
		{"negative price", `{"description":"X","quantity":1,"unitPrice":-0.01}`, CodeInvalid, "", "", "", ""},
		{"three price places", `{"description":"X","quantity":1,"unitPrice":"10.005"}`, CodeInvalid, "", "", "", ""},
		{"huge price", `{"description":"X","quantity":1,"unitPrice":10000000000.01}`, CodeInvalid, "", "", "", ""},
		{"price not a number", `{"description":"X","quantity":1,"unitPrice":"abc"}`, CodeInvalid, "", "", "", ""},
		{"price a boolean", `{"description":"X","quantity":1,"unitPrice":true}`, CodeMalformedJSON, "", "", "", ""},
		{"quantity an object", `{"description":"X","quantity":{},"unitPrice":1}`, CodeMalformedJSON, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := decodeManual(t, tt.body).Item()
			if got := ErrorCode(err); got != tt.code {
				t.Fatalf("Item() error = %v, want code %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if it.Quantity.String() != tt.quantity || it.UnitPrice.String() != tt.price || it.Description != tt.desc || it.Reference != tt.reference {
				t.Fatalf("Item() = %+v", it)
			}
		})
	}
}

func TestManualItemInputPatch(t *testing.T) {
	tests := []struct {
		name, body string
		code       string
		check      func(ManualItemPatch) bool
	}{
		{"quantity only", `{"quantity":"7"}`, "", func(p ManualItemPatch) bool {
			return p.Quantity != nil && p.Quantity.String() == "7" && p.Description == nil && p.Reference == nil && p.UnitPrice == nil
		}},
		{"clear the reference", `{"reference":""}`, "", func(p ManualItemPatch) bool { return p.Reference != nil && *p.Reference == "" }},
		{"nulls are absent", `{"description":null,"unitPrice":null,"quantity":2}`, "", func(p ManualItemPatch) bool {
			return p.Description == nil && p.UnitPrice == nil && p.Quantity != nil
		}},
		{"nothing", `{}`, CodeInvalid, nil},
		{"only nulls", `{"quantity":null}`, CodeInvalid, nil},
		{"blank description", `{"description":""}`, CodeInvalid, nil},
		{"zero quantity", `{"quantity":0}`, CodeInvalid, nil},
		{"three price places", `{"unitPrice":0.001}`, CodeInvalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodeManual(t, tt.body).Patch()
			if got := ErrorCode(err); got != tt.code {
				t.Fatalf("Patch() error = %v, want code %q", err, tt.code)
			}
			if tt.check != nil && !tt.check(p) {
				t.Fatalf("Patch() = %+v", p)
			}
		})
	}
}

func TestIsPromobItemID(t *testing.T) {
	for id, want := range map[string]bool{"p-00042": true, "p-": true, NewID(): false, "P-1": false, "xp-1": false, "": false} {
		if got := IsPromobItemID(id); got != want {
			t.Errorf("IsPromobItemID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestCanChangeItem(t *testing.T) {
	tests := []struct {
		name, id, code string
	}{
		{name: "a manual item", id: NewID()},
		{name: "an id of no item yet", id: "nothing"},
		{name: "a Promob item", id: "p-00042", code: CodePromobItemReadonly},
		{name: "the bare Promob prefix", id: "p-", code: CodePromobItemReadonly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CanChangeItem(tt.id); ErrorCode(err) != tt.code {
				t.Fatalf("CanChangeItem(%q) = %v, want %q", tt.id, err, tt.code)
			}
		})
	}
}
