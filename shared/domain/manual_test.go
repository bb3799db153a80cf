package domain

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestNewManualItem(t *testing.T) {
	tests := []struct {
		name, desc, ref, quantity, price string
		code                             string // "" when valid
	}{
		{"trimmed", " Puxador ", " PX-1 ", "2.5", "10.9", ""},
		{"price zero", "Brinde", "", "1", "0", ""},
		{"largest quantity and price", "X", "", "1000000", "10000000000", ""},
		{"four quantity places", "X", "", "0.0001", "0.01", ""},
		{"200 characters of 2 bytes", strings.Repeat("ç", 200), "", "1", "1", ""},
		{"blank description", "  ", "", "1", "1", CodeInvalid},
		{"201 characters", strings.Repeat("a", 201), "", "1", "1", CodeInvalid},
		{"over 500 bytes", strings.Repeat("€", 168), "", "1", "1", CodeInvalid},
		{"long reference", "X", strings.Repeat("r", 201), "1", "1", CodeInvalid},
		{"zero quantity", "X", "", "0", "1", CodeInvalid},
		{"negative quantity", "X", "", "-1", "1", CodeInvalid},
		{"huge quantity", "X", "", "1000000.0001", "1", CodeInvalid},
		{"five quantity places", "X", "", "1.00001", "1", CodeInvalid},
		{"negative price", "X", "", "1", "-0.01", CodeInvalid},
		{"three price places", "X", "", "1", "10.005", CodeInvalid},
		{"huge price", "X", "", "1", "10000000000.01", CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := NewManualItem(tt.desc, tt.ref, decimal.RequireFromString(tt.quantity), decimal.RequireFromString(tt.price))
			if got := ErrorCode(err); got != tt.code {
				t.Fatalf("NewManualItem error = %v, want code %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if it.Description != strings.TrimSpace(tt.desc) || it.Reference != strings.TrimSpace(tt.ref) || it.Quantity.String() != decimal.RequireFromString(tt.quantity).String() || it.UnitPrice.String() != decimal.RequireFromString(tt.price).String() {
				t.Fatalf("NewManualItem = %+v", it)
			}
		})
	}
}

func TestManualItemPatchValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	dec := func(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }
	tests := []struct {
		name  string
		patch ManualItemPatch
		code  string
	}{
		{"quantity only", ManualItemPatch{Quantity: dec("7")}, ""},
		{"clear the reference", ManualItemPatch{Reference: str("")}, ""},
		{"nothing", ManualItemPatch{}, CodeInvalid},
		{"blank description", ManualItemPatch{Description: str("")}, CodeInvalid},
		{"zero quantity", ManualItemPatch{Quantity: dec("0")}, CodeInvalid},
		{"three price places", ManualItemPatch{UnitPrice: dec("0.001")}, CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.patch.Validate(); ErrorCode(err) != tt.code {
				t.Fatalf("Validate() error = %v, want code %q", err, tt.code)
			}
		})
	}
	p, err := ManualItemPatch{Description: str(" Puxador "), Reference: str(" PX ")}.Validate()
	if err != nil || *p.Description != "Puxador" || *p.Reference != "PX" || p.Quantity != nil || p.UnitPrice != nil {
		t.Fatalf("Validate() = %+v, %v", p, err)
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
