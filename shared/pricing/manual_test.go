package pricing_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// TestManualItemsArePriceable checks that the manual items the domain
// accepts at its bounds are manual lines pricing accepts.
func TestManualItemsArePriceable(t *testing.T) {
	tests := map[string]string{
		"largest numbers":      `{"description":"X","quantity":"1000000","unitPrice":"10000000000"}`,
		"smallest numbers":     `{"description":"X","quantity":"0.0001","unitPrice":"0"}`,
		"longest 3-byte text":  `{"description":"` + strings.Repeat("€", 166) + `","reference":"` + strings.Repeat("€", 166) + `","quantity":1,"unitPrice":1}`,
		"longest 1-byte text":  `{"description":"` + strings.Repeat("a", 200) + `","reference":"` + strings.Repeat("b", 200) + `","quantity":1,"unitPrice":1}`,
		"longest 4-byte runes": `{"description":"` + strings.Repeat("😀", 125) + `","quantity":1,"unitPrice":1}`,
		"four quantity places": `{"description":"X","quantity":"2.0005","unitPrice":"0.99"}`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			var in domain.ManualItemInput
			if err := json.Unmarshal([]byte(body), &in); err != nil {
				t.Fatal(err)
			}
			it, err := in.Item()
			if err != nil {
				t.Fatalf("domain refused %s: %v", body, err)
			}
			line := pricing.ManualLine{Description: it.Description, Reference: it.Reference, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
			if err := line.Validate(); err != nil {
				t.Fatalf("pricing refused what the domain accepts: %v", err)
			}
		})
	}
}
