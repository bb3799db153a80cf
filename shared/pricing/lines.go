package pricing

import "github.com/foccolojas/promob-integration/shared/listing"

// LineFromItem returns the line of a parsed Promob item: its PRICE@TOTAL as
// the cost (see the package comment) and its real quantity.
func LineFromItem(it listing.Item) Line {
	return Line{
		Ref:         it.Reference,
		Description: it.Description,
		Family:      it.Family,
		Category:    it.Category,
		Quantity:    it.RealQuantity,
		Cost:        it.Price.Total,
	}
}
