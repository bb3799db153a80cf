package pricing_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

func TestResultJSON(t *testing.T) {
	// 100 × 1.5 = 150; freight 7% = 10.5 → "10.50"; total 160.50.
	r := pricing.Budget([]pricing.Line{line("F", "C", "100")}, []pricing.ManualLine{manual("1", "0")},
		pricing.Rules{DefaultMarkup: dec("1.5"), FreightPercent: dec("7")})
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"lines":[{"ref":"R","description":"Peça","family":"F","category":"C","quantity":"1","cost":"100","markup":"1.5","price":"150.00"}]`,
		`"manual":[{"description":"Avulso","reference":"AV","quantity":"1","unitPrice":"0","price":"0.00"}]`,
		`"promobTotal":"150.00"`, `"manualTotal":"0.00"`, `"subtotal":"150.00"`, `"freight":"10.50"`,
		`"assembly":"0.00"`, `"total":"160.50"`, `"costTotal":"100.00"`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JSON %s\nlacks %s", out, want)
		}
	}
	var back pricing.Result
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again) || !back.Total.Equal(dec("160.5")) {
		t.Errorf("round trip changed the result:\n%s\n%s", out, again)
	}
}

// stored is what a version keeps to recompute its budget.
type stored struct {
	Rules  pricing.Rules        `json:"rules"`
	Lines  []pricing.Line       `json:"lines"`
	Manual []pricing.ManualLine `json:"manual"`
}

// TestRecompute checks that a budget recomputed from its stored inputs is
// identical to the original.
func TestRecompute(t *testing.T) {
	_, items, err := listing.ParseAll(bytes.NewReader(listinggen.Bytes(listinggen.Spec{Parts: 3_000, Seed: 11})))
	if err != nil {
		t.Fatal(err)
	}
	in := stored{
		Rules: pricing.Rules{
			DefaultMarkup:      dec("2.15"),
			FamilyMarkup:       map[string]decimal.Decimal{"Ferragens": dec("1.85"), "COM": dec("2.333333")},
			CategoryMarkup:     map[string]decimal.Decimal{"Acessórios": dec("1.7")},
			FreightPercent:     dec("4.75"),
			AssemblyPercent:    dec("8"),
			MaxDiscountPercent: dec("12"),
		},
		Manual: []pricing.ManualLine{manual("3", "19.999"), manual("0.5", "1234.567")},
	}
	for _, it := range items {
		in.Lines = append(in.Lines, pricing.LineOf(it.PromobItem()))
	}
	first := pricing.Budget(in.Lines, in.Manual, in.Rules)

	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back stored
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	second := pricing.Budget(back.Lines, back.Manual, back.Rules)

	a, err := json.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the recomputed budget differs from the original")
	}
	for _, pair := range [][2]domain.Money{
		{first.Total, second.Total}, {first.Subtotal, second.Subtotal}, {first.Freight, second.Freight},
		{first.Assembly, second.Assembly}, {first.CostTotal, second.CostTotal},
	} {
		if !pair[0].Equal(pair[1].Decimal) {
			t.Errorf("%s recomputed as %s", pair[0], pair[1])
		}
	}
	if first.Total.IsZero() || first.Freight.IsZero() {
		t.Errorf("budget %s with freight %s: the case prices nothing", first.Total, first.Freight)
	}
}
