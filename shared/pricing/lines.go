package pricing

import "github.com/foccolojas/promob-integration/shared/domain"

// LineOf returns the budget line of a Promob item: its PRICE@TOTAL as the
// cost (see the package comment) and its real quantity.
func LineOf(it domain.PromobItem) Line {
	return Line{
		Ref:         it.Reference,
		Description: it.Description,
		Family:      it.Family,
		Category:    it.Category,
		Quantity:    it.RealQuantity,
		Cost:        it.PriceTotal,
	}
}

// ManualLines returns the budget lines of manual items.
func ManualLines(items []domain.ManualItem) []ManualLine {
	out := make([]ManualLine, len(items))
	for i, m := range items {
		out[i] = ManualLine{ID: m.ID, Description: m.Description, Reference: m.Reference, Quantity: m.Quantity, UnitPrice: m.UnitPrice}
	}
	return out
}
