package pricing_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

func TestValidate(t *testing.T) {
	valid := func() pricing.Rules {
		return pricing.Rules{
			DefaultMarkup:      dec("2.1"),
			FamilyMarkup:       map[string]decimal.Decimal{"Ferragens": dec("1.8")},
			CategoryMarkup:     map[string]decimal.Decimal{"Cozinhas": dec("2.5")},
			FreightPercent:     dec("5"),
			AssemblyPercent:    dec("3.5"),
			MaxDiscountPercent: dec("10"),
			Suppliers:          map[string]string{"Ferragens": "Hettich"},
		}
	}
	tests := []struct {
		name   string
		change func(*pricing.Rules)
		want   string // part of the message; "" = valid
	}{
		{"valid", func(*pricing.Rules) {}, ""},
		{"defaults", func(r *pricing.Rules) { *r = pricing.DefaultRules() }, ""},
		{"bounds", func(r *pricing.Rules) {
			r.DefaultMarkup, r.FreightPercent, r.AssemblyPercent, r.MaxDiscountPercent = dec("100"), dec("0"), dec("100"), dec("100")
		}, ""},
		{"zero markup", func(r *pricing.Rules) { r.DefaultMarkup = decimal.Zero }, "defaultMarkup must be a factor greater than 0"},
		{"unset markup", func(r *pricing.Rules) { r.DefaultMarkup = decimal.Decimal{} }, "defaultMarkup must be a factor greater than 0"},
		{"negative markup", func(r *pricing.Rules) { r.DefaultMarkup = dec("-2") }, "defaultMarkup must be"},
		{"markup above 100", func(r *pricing.Rules) { r.DefaultMarkup = dec("100.01") }, "defaultMarkup must be a factor greater than 0 and at most 100"},
		{"family markup", func(r *pricing.Rules) { r.FamilyMarkup["Portas"] = dec("0") }, `familyMarkup["Portas"] must be`},
		{"category markup", func(r *pricing.Rules) { r.CategoryMarkup["Salas"] = dec("101") }, `categoryMarkup["Salas"] must be`},
		{"empty family", func(r *pricing.Rules) { r.FamilyMarkup[""] = dec("2") }, "familyMarkup: names must be 1 to 200 bytes"},
		{"markup places", func(r *pricing.Rules) { r.DefaultMarkup = dec("2.1234567") }, "defaultMarkup has more than 6 decimal places"},
		{"negative freight", func(r *pricing.Rules) { r.FreightPercent = dec("-1") }, "freightPercent must be between 0 and 100"},
		{"assembly above 100", func(r *pricing.Rules) { r.AssemblyPercent = dec("100.01") }, "assemblyPercent must be between 0 and 100"},
		{"discount above 100", func(r *pricing.Rules) { r.MaxDiscountPercent = dec("101") }, "maxDiscountPercent must be between 0 and 100"},
		{"percent places", func(r *pricing.Rules) { r.FreightPercent = dec("0.0000001") }, "freightPercent has more than 6 decimal places"},
		{"empty supplier", func(r *pricing.Rules) { r.Suppliers["Portas"] = "" }, `suppliers["Portas"]: names must be`},
		{"long supplier key", func(r *pricing.Rules) { r.Suppliers[strings.Repeat("x", 201)] = "S" }, "suppliers: names must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := valid()
			tt.change(&r)
			err := r.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), tt.want) {
				t.Errorf("Validate() = %v, want %s naming %q", err, domain.CodeInvalid, tt.want)
			}
		})
	}
}

func TestManualLineValidate(t *testing.T) {
	tests := []struct {
		name string
		line pricing.ManualLine
		want string
	}{
		{"valid", manual("2", "150.25"), ""},
		{"free", manual("1", "0"), ""},
		{"no description", pricing.ManualLine{Description: " ", Quantity: dec("1"), UnitPrice: dec("1")}, "description must be"},
		{"zero quantity", manual("0", "1"), "quantity must be greater than 0"},
		{"negative price", manual("1", "-0.01"), "unitPrice must be between 0"},
		{"absurd quantity", manual("1000001", "1"), "quantity must be greater than 0 and at most 1000000"},
		{"price places", manual("1", "0.0000001"), "unitPrice has more than 6 decimal places"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.line.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if domain.ErrorCode(err) != domain.CodeInvalid || !strings.Contains(domain.ErrorMessage(err), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRulesJSON(t *testing.T) {
	// Decimals are accepted as JSON numbers or strings.
	in := `{"defaultMarkup": 2.1, "familyMarkup": {"Ferragens": "1.80"}, "categoryMarkup": {"Cozinhas": 2.5},
		"freightPercent": "5", "assemblyPercent": 3.5, "maxDiscountPercent": 10, "suppliers": {"Ferragens": "Hettich"}}`
	var r pricing.Rules
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if !r.Markup("Ferragens", "Cozinhas").Equal(dec("1.8")) || !r.Markup("COM", "Cozinhas").Equal(dec("2.5")) || !r.Markup("COM", "Salas").Equal(dec("2.1")) {
		t.Errorf("rules read as %+v", r)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"defaultMarkup":"2.1","familyMarkup":{"Ferragens":"1.8"},"categoryMarkup":{"Cozinhas":"2.5"},` +
		`"freightPercent":"5","assemblyPercent":"3.5","maxDiscountPercent":"10","suppliers":{"Ferragens":"Hettich"}}`
	if string(out) != want {
		t.Errorf("JSON\n%s\nwant\n%s", out, want)
	}
	for _, bad := range []string{`{"defaultMarkup": "abc"}`, `{"defaultMarkup": true}`, `{"freightPercent": "1e400000000000"}`} {
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	var defaults pricing.Rules
	if err := json.Unmarshal([]byte(`{}`), &defaults); err != nil {
		t.Fatal(err)
	}
	if err := defaults.Validate(); err == nil {
		t.Error("rules without defaultMarkup validated")
	}
}
