package pricing_test

import (
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// TestManualItemsArePriceable checks that the manual items the domain
// accepts at its bounds are manual lines pricing accepts.
func TestManualItemsArePriceable(t *testing.T) {
	tests := map[string]struct{ description, reference, quantity, unitPrice string }{
		"largest numbers":      {"X", "", "1000000", "10000000000"},
		"smallest numbers":     {"X", "", "0.0001", "0"},
		"longest 3-byte text":  {strings.Repeat("€", 166), strings.Repeat("€", 166), "1", "1"},
		"longest 1-byte text":  {strings.Repeat("a", 200), strings.Repeat("b", 200), "1", "1"},
		"longest 4-byte runes": {strings.Repeat("😀", 125), "", "1", "1"},
		"four quantity places": {"X", "", "2.0005", "0.99"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			it, err := domain.NewManualItem(tt.description, tt.reference, decimal.RequireFromString(tt.quantity), decimal.RequireFromString(tt.unitPrice))
			if err != nil {
				t.Fatalf("domain refused %+v: %v", tt, err)
			}
			line := pricing.ManualLine{Description: it.Description, Reference: it.Reference, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
			if err := line.Validate(); err != nil {
				t.Fatalf("pricing refused what the domain accepts: %v", err)
			}
		})
	}
}
