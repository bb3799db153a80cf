package pricing_test

import (
	"bytes"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// BenchmarkBudget prices the 10,000 lines of a generated listing.
func BenchmarkBudget(b *testing.B) {
	_, items, err := listing.ParseAll(bytes.NewReader(listinggen.Bytes(listinggen.Spec{Parts: 10_000, Seed: 10})))
	if err != nil {
		b.Fatal(err)
	}
	lines := make([]pricing.Line, len(items))
	for i, it := range items {
		lines[i] = pricing.LineOf(it.PromobItem())
	}
	rules := pricing.Rules{
		DefaultMarkup:   dec("2.1"),
		FamilyMarkup:    map[string]decimal.Decimal{"Ferragens": dec("1.6"), "COM": dec("2.4")},
		CategoryMarkup:  map[string]decimal.Decimal{"Acessórios": dec("1.4")},
		FreightPercent:  dec("5"),
		AssemblyPercent: dec("3"),
	}
	manual := []pricing.ManualLine{manual("2", "150.25")}
	b.ReportAllocs()
	for b.Loop() {
		pricing.Budget(lines, manual, rules)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(lines)), "ns/line")
}
