package listingtest

import (
	"bytes"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// PricingLines parses a listing into its header and one pricing line per
// item, in order, as an import prices it. It fails tb when the listing
// does not parse.
func PricingLines(tb testing.TB, xml []byte) (listing.Header, []pricing.Line) {
	tb.Helper()
	var lines []pricing.Line
	h, err := listing.Parse(bytes.NewReader(xml), func(it listing.Item) error {
		lines = append(lines, pricing.LineOf(it.PromobItem()))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return h, lines
}
