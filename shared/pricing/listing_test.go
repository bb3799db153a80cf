package pricing_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/listing/listingtest"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// TestSampleCostBasis is the evidence for the cost basis: in the real
// export, PRICE@TOTAL summed over every item of the tree equals Promob's
// TOTALPRICES@TABLE of the listing, the ambient and the category exactly,
// and items with children carry a zero TOTAL and the sum of their children
// in TOTALCOMPONENTS, so nothing is counted twice.
func TestSampleCostBasis(t *testing.T) {
	h, items, err := listing.ParseAll(bytes.NewReader(listingtest.Sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	sum := decimal.Zero
	children := make([]decimal.Decimal, len(items)) // Σ (TOTAL + TOTALCOMPONENTS) of each item's children
	for _, it := range items {
		sum = sum.Add(it.Price.Total)
		if it.Parent >= 0 {
			children[it.Parent] = children[it.Parent].Add(it.Price.Total).Add(it.Price.TotalComponents)
		}
	}
	for _, table := range []struct {
		name string
		v    decimal.Decimal
	}{{"listing", h.Table}, {"ambient", h.Ambient.Table}, {"category", h.Categories[0].Table}} {
		if !sum.Equal(table.v) {
			t.Errorf("Σ PRICE@TOTAL = %s, %s TOTALPRICES@TABLE = %s", sum, table.name, table.v)
		}
	}
	if sum.String() != "783.41" {
		t.Errorf("Σ PRICE@TOTAL = %s, want 783.41", sum)
	}
	parents := 0
	for i, it := range items {
		if !it.HasChildren {
			if !it.Price.TotalComponents.IsZero() {
				t.Errorf("leaf %d has TOTALCOMPONENTS %s", i, it.Price.TotalComponents)
			}
			continue
		}
		parents++
		if !it.Price.Total.IsZero() || !it.Price.TotalComponents.Equal(children[i]) {
			t.Errorf("parent %d (%s): TOTAL %s, TOTALCOMPONENTS %s, children sum to %s",
				i, it.Description, it.Price.Total, it.Price.TotalComponents, children[i])
		}
	}
	if parents == 0 {
		t.Fatal("no item with children in the sample")
	}

	lines := make([]pricing.Line, len(items))
	for i, it := range items {
		lines[i] = pricing.LineOf(it.PromobItem())
	}
	r := pricing.Budget(lines, nil, pricing.DefaultRules())
	if r.CostTotal.String() != "783.41" || r.Total.String() != "783.41" {
		t.Errorf("at cost the sample's budget is %s (cost %s), want 783.41", r.Total, r.CostTotal)
	}
}

// mixedRules mark up by a default, a family's and a category's markup,
// with freight and assembly.
func mixedRules() pricing.Rules {
	return pricing.Rules{
		DefaultMarkup:   dec("2.1"),
		FamilyMarkup:    map[string]decimal.Decimal{"Ferragens": dec("1.6")},
		CategoryMarkup:  map[string]decimal.Decimal{"Acessórios": dec("1.4")},
		FreightPercent:  dec("5"),
		AssemblyPercent: dec("3"),
	}
}

// TestGeneratedBudget prices a generated 20,000-part listing end to end,
// streaming: parse → lines → budget.
func TestGeneratedBudget(t *testing.T) {
	data := listinggen.Bytes(listinggen.Spec{Parts: 20_000, Seed: 20})
	h, lines := listingtest.PricingLines(t, data)
	if len(lines) != 20_000 || len(h.Categories) < 2 {
		t.Fatalf("%d lines in %d categories, want 20000 in at least 2", len(lines), len(h.Categories))
	}
	rules := mixedRules()
	r := pricing.Budget(lines, []pricing.ManualLine{manual("1", "350")}, rules)
	if !r.CostTotal.Equal(h.Table) || h.Table.IsZero() {
		t.Errorf("cost total %s, listing TOTALPRICES@TABLE %s", r.CostTotal, h.Table)
	}
	// Each line's price is its cost times its markup rounded to cents, and
	// the totals add up.
	sum, markups := decimal.Zero, map[string]bool{}
	for _, l := range r.Lines {
		if !l.Price.Equal(l.Cost.Mul(rules.Markup(l.Family, l.Category)).Round(2)) {
			t.Fatalf("line %+v", l)
		}
		markups[l.Markup.String()] = true
		sum = sum.Add(l.Price.Decimal)
	}
	if len(markups) != 3 {
		t.Errorf("markups used %v, want the default, a family's and a category's", markups)
	}
	if !r.PromobTotal.Equal(sum) || !r.Subtotal.Equal(sum.Add(dec("350"))) ||
		!r.Total.Equal(r.Subtotal.Add(r.Freight.Decimal).Add(r.Assembly.Decimal)) {
		t.Errorf("totals do not add up: %+v", r)
	}
	at := pricing.Budget(lines, nil, pricing.DefaultRules())
	if !at.Total.Equal(h.Table) {
		t.Errorf("at cost the budget is %s, the listing's TABLE %s", at.Total, h.Table)
	}
}

// TestTotalsMatchBudget prices a generated listing while it is parsed, one
// line at a time, and checks that the totals are Budget's over the same
// lines kept in a slice.
func TestTotalsMatchBudget(t *testing.T) {
	rules := mixedRules()
	tests := []struct {
		name   string
		parts  int
		manual []pricing.ManualLine
	}{
		{"no lines", 0, nil},
		{"lines", 3_000, nil},
		{"lines and manual items", 3_000, []pricing.ManualLine{manual("2", "150.25"), manual("1", "0.333")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []pricing.Line
			totals := pricing.NewTotals(rules)
			if tt.parts > 0 {
				data := listinggen.Bytes(listinggen.Spec{Parts: tt.parts, Seed: 7})
				_, err := listing.Parse(bytes.NewReader(data), func(it listing.Item) error {
					l := pricing.LineOf(it.PromobItem())
					lines = append(lines, l)
					if got, want := totals.Add(l), pricing.Budget([]pricing.Line{l}, nil, rules).Lines[0]; !got.Price.Equal(want.Price.Decimal) || !got.Markup.Equal(want.Markup) {
						t.Fatalf("Add(%+v) = %+v, Budget prices it %+v", l, got, want)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			got, want := totals.Result(tt.manual), pricing.Budget(lines, tt.manual, rules)
			if len(got.Lines) != 0 {
				t.Errorf("Result has %d lines, want none", len(got.Lines))
			}
			got.Lines = want.Lines
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if !bytes.Equal(gj, wj) {
				t.Errorf("totals\n%s\nBudget\n%s", gj, wj)
			}
			if tt.parts > 0 && want.Total.IsZero() {
				t.Error("the budget is zero: the comparison proves nothing")
			}
		})
	}
}
