package pricing

import (
	"testing"

	"github.com/shopspring/decimal"
)

// TestSummaryWithManualEqualsPricingAgain: changing a stored summary's
// manual lines gives the figures of pricing every line again.
func TestSummaryWithManualEqualsPricingAgain(t *testing.T) {
	d := decimal.RequireFromString
	rules := Rules{DefaultMarkup: d("2.1"), FamilyMarkup: map[string]decimal.Decimal{"Ferragens": d("1.5")}, FreightPercent: d("3.5"),
		AssemblyPercent: d("5"), Suppliers: map[string]string{"Ferragens": "Blum"}}
	lines := []Line{
		{Ref: "A", Family: "Ferragens", Category: "Cozinhas", Cost: d("28.333")},
		{Ref: "B", Family: "COM", Category: "Cozinhas", Cost: d("82.017")},
		{Ref: "C", Family: "", Category: "Acessórios", Cost: d("0.005")},
	}
	t0 := NewTotals(rules)
	for _, l := range lines {
		t0.Add(l)
	}
	stored := t0.Summary(nil)
	manual := []ManualLine{{ID: "m1", Description: "Frete", Quantity: d("2.5"), UnitPrice: d("10.01")}}
	got := stored.WithManual(manual)
	want := Budget(lines, manual, rules)
	for name, pair := range map[string][2]decimal.Decimal{
		"promob": {got.PromobTotal.Decimal, want.PromobTotal.Decimal}, "manual": {got.ManualTotal.Decimal, want.ManualTotal.Decimal},
		"subtotal": {got.Subtotal.Decimal, want.Subtotal.Decimal}, "freight": {got.Freight.Decimal, want.Freight.Decimal},
		"assembly": {got.Assembly.Decimal, want.Assembly.Decimal}, "total": {got.Total.Decimal, want.Total.Decimal},
		"cost": {got.CostTotal.Decimal, want.CostTotal.Decimal},
	} {
		if !pair[0].Equal(pair[1]) {
			t.Errorf("%s: summary %s, priced again %s", name, pair[0], pair[1])
		}
	}
	if len(got.Suppliers) != 3 || got.Suppliers[0].Name != "Blum" || got.Suppliers[2].Name != "Sem fornecedor" || got.Suppliers[0].Price.String() != "42.50" {
		t.Errorf("suppliers = %+v", got.Suppliers)
	}
	if len(got.Categories) != 2 || got.Categories[1].Name != "Cozinhas" || got.Categories[1].Lines != 2 {
		t.Errorf("categories = %+v", got.Categories)
	}
	if len(stored.Manual) != 0 || len(got.Manual) != 1 || got.Manual[0].ID != "m1" {
		t.Errorf("manual lines: stored %+v, changed %+v", stored.Manual, got.Manual)
	}
}
