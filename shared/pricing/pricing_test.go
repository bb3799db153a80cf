package pricing_test

import (
	"slices"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func line(family, category, cost string) pricing.Line {
	return pricing.Line{Ref: "R", Description: "Peça", Family: family, Category: category, Quantity: dec("1"), Cost: dec(cost)}
}

func manual(qty, unit string) pricing.ManualLine {
	return pricing.ManualLine{Description: "Avulso", Reference: "AV", Quantity: dec(qty), UnitPrice: dec(unit)}
}

func TestBudget(t *testing.T) {
	tests := []struct {
		name   string
		rules  pricing.Rules
		lines  []pricing.Line
		manual []pricing.ManualLine
		prices []string // line prices, then manual prices
		// promob, manual, subtotal, freight, assembly, total, cost
		totals [7]string
	}{
		{
			// 100 × 2.1 = 210; 15.57 × 2.1 = 32.697 → 32.70; subtotal 242.70;
			// freight 5% = 12.135 → 12.14 (half-up at .005); assembly 3% =
			// 7.281 → 7.28; total 242.70 + 12.14 + 7.28 = 262.12.
			name:   "default markup, freight and assembly",
			rules:  pricing.Rules{DefaultMarkup: dec("2.1"), FreightPercent: dec("5"), AssemblyPercent: dec("3")},
			lines:  []pricing.Line{line("Cozinhas", "Cozinhas", "100"), line("COM", "Cozinhas", "15.57")},
			prices: []string{"210.00", "32.70"},
			totals: [7]string{"242.70", "0.00", "242.70", "12.14", "7.28", "262.12", "115.57"},
		},
		{
			// 0.05 × 2.1 = 0.105 → 0.11; 1.25 × 2.1 = 2.625 → 2.63 (banker's
			// rounding would give 2.62); 0.15 × 2.1 = 0.315 → 0.32.
			name:   "half-up at .005",
			rules:  pricing.Rules{DefaultMarkup: dec("2.1")},
			lines:  []pricing.Line{line("F", "C", "0.05"), line("F", "C", "1.25"), line("F", "C", "0.15")},
			prices: []string{"0.11", "2.63", "0.32"},
			totals: [7]string{"3.06", "0.00", "3.06", "0.00", "0.00", "3.06", "1.45"},
		},
		{
			// family 4 over category 3 over default 2; family names match
			// exactly ("ferragens" is not "Ferragens").
			name: "markup precedence",
			rules: pricing.Rules{
				DefaultMarkup:  dec("2"),
				CategoryMarkup: map[string]decimal.Decimal{"Cozinhas": dec("3")},
				FamilyMarkup:   map[string]decimal.Decimal{"Ferragens": dec("4")},
			},
			lines: []pricing.Line{
				line("Ferragens", "Cozinhas", "10"), line("Montagem", "Cozinhas", "10"), line("Montagem", "Acessórios", "10"),
				line("Ferragens", "Acessórios", "10"), line("ferragens", "Cozinhas", "10"),
			},
			prices: []string{"40.00", "30.00", "20.00", "40.00", "30.00"},
			totals: [7]string{"160.00", "0.00", "160.00", "0.00", "0.00", "160.00", "50.00"},
		},
		{
			// 200 × 1.5 = 300; manual 2 × 150.255 = 300.51 and 1.5 × 10.01 =
			// 15.015 → 15.02, no markup; subtotal 300 + 315.53 = 615.53;
			// freight 10% = 61.553 → 61.55; total 677.08.
			name:   "manual items",
			rules:  pricing.Rules{DefaultMarkup: dec("1.5"), FreightPercent: dec("10")},
			lines:  []pricing.Line{line("F", "C", "200")},
			manual: []pricing.ManualLine{manual("2", "150.255"), manual("1.5", "10.01")},
			prices: []string{"300.00", "300.51", "15.02"},
			totals: [7]string{"300.00", "315.53", "615.53", "61.55", "0.00", "677.08", "200.00"},
		},
		{
			name:   "only manual items",
			rules:  pricing.Rules{DefaultMarkup: dec("3"), AssemblyPercent: dec("12.5")},
			manual: []pricing.ManualLine{manual("1", "99.99")},
			// assembly 12.5% of 99.99 = 12.49875 → 12.50; total 112.49.
			prices: []string{"99.99"},
			totals: [7]string{"0.00", "99.99", "99.99", "0.00", "12.50", "112.49", "0.00"},
		},
		{
			name:   "default rules sell at cost",
			rules:  pricing.DefaultRules(),
			lines:  []pricing.Line{line("F", "C", "783.41"), line("F", "C", "0")},
			prices: []string{"783.41", "0.00"},
			totals: [7]string{"783.41", "0.00", "783.41", "0.00", "0.00", "783.41", "783.41"},
		},
		{
			name:   "empty",
			rules:  pricing.DefaultRules(),
			totals: [7]string{"0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.rules.Validate(); err != nil {
				t.Fatalf("rules of the case are invalid: %v", err)
			}
			r := pricing.Budget(tt.lines, tt.manual, tt.rules)
			var prices []string
			for _, l := range r.Lines {
				prices = append(prices, l.Price.String())
			}
			for _, m := range r.Manual {
				prices = append(prices, m.Price.String())
			}
			if !slices.Equal(prices, tt.prices) {
				t.Errorf("prices %q, want %q", prices, tt.prices)
			}
			got := [7]string{r.PromobTotal.String(), r.ManualTotal.String(), r.Subtotal.String(), r.Freight.String(),
				r.Assembly.String(), r.Total.String(), r.CostTotal.String()}
			if got != tt.totals {
				t.Errorf("promob, manual, subtotal, freight, assembly, total, cost = %q, want %q", got, tt.totals)
			}
			for i, l := range r.Lines {
				if l.Line != tt.lines[i] {
					t.Errorf("line %d = %+v, want its input %+v", i, l.Line, tt.lines[i])
				}
			}
		})
	}
}

func TestMarkup(t *testing.T) {
	r := pricing.Rules{
		DefaultMarkup:  dec("2"),
		CategoryMarkup: map[string]decimal.Decimal{"Cozinhas": dec("3"), "Salas": dec("5")},
		FamilyMarkup:   map[string]decimal.Decimal{"Ferragens": dec("4")},
	}
	tests := []struct{ family, category, want string }{
		{"Ferragens", "Cozinhas", "4"},
		{"Ferragens", "", "4"},
		{"Montagem", "Cozinhas", "3"},
		{"Montagem", "Salas", "5"},
		{"Montagem", "Quartos", "2"},
		{"", "", "2"},
	}
	for _, tt := range tests {
		if got := r.Markup(tt.family, tt.category).String(); got != tt.want {
			t.Errorf("Markup(%q, %q) = %s, want %s", tt.family, tt.category, got, tt.want)
		}
	}
}

func TestMaxDiscount(t *testing.T) {
	tests := []struct {
		percent, total, want string
	}{
		{"10", "262.12", "26.21"},   // 26.212
		{"12.5", "100.04", "12.50"}, // 12.505: rounded down, never above the percentage
		{"15", "0.05", "0.00"},      // 0.0075
		{"0", "1000", "0.00"},
		{"100", "10", "10.00"},
	}
	for _, tt := range tests {
		t.Run(tt.percent+"% of "+tt.total, func(t *testing.T) {
			r := pricing.DefaultRules()
			r.MaxDiscountPercent = dec(tt.percent)
			if got := r.MaxDiscount(dec(tt.total)).String(); got != tt.want {
				t.Errorf("MaxDiscount = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestAddPartPricesLeavesOnly: a part with children is priced by its
// children, so adding it adds nothing.
func TestAddPartPricesLeavesOnly(t *testing.T) {
	totals := pricing.NewTotals(pricing.Rules{DefaultMarkup: dec("2")})
	totals.AddPart(domain.PromobItem{Reference: "MOD", Category: "Cozinhas", HasChildren: true, RealQuantity: dec("1"), PriceTotal: dec("500")})
	totals.AddPart(domain.PromobItem{Reference: "POR", Category: "Cozinhas", RealQuantity: dec("2"), PriceTotal: dec("100")})
	if got := totals.Summary(nil); !got.PromobTotal.Equal(dec("200")) || !got.CostTotal.Equal(dec("100")) {
		t.Fatalf("promob total %s, cost %s; want 200 and 100 (the leaf alone)", got.PromobTotal, got.CostTotal)
	}
}
