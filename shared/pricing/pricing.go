// Package pricing prices a version of an environment: the Promob lines by
// the store's commercial rules, the items added by hand, freight and
// assembly. Arithmetic is decimal only (shopspring/decimal), never float, and
// a budget is a pure function of its inputs (the lines, the manual items and
// the rules), so storing them is enough to recompute every total.
//
// # Cost basis
//
// The cost of a Promob line is its PRICE@TOTAL (LineOf). PRICE@TOTAL
// is the item's price for the whole listing, quantity included: PRICE@UNIT
// is TABLE × QUANTITY (per one unit of the parent) and TOTAL is UNIT times
// the parents' quantity. Items with children carry TOTAL 0 and the sum of
// their children in TOTALCOMPONENTS, so summing TOTAL over every item counts
// each part once. Promob's own totals confirm it: in the real export
// (../shared/promob-samples/promob_cozinha.xml) the sum of PRICE@TOTAL over
// its 251 items is exactly the listing's, the ambient's and the category's
// TOTALPRICES@TABLE, 783.41, with no rounding gap; the generated listings of
// shared/listing/listinggen hold the same relation, and the tests check both.
// PRICE@TABLE is a price per unit of measure and PRICE@UNIT ignores the
// parents' quantity, so neither can be summed; TOTALPRICES' MARGINS are
// Promob's own taxes, discounts and surcharges, which the store's rules
// replace.
//
// # Budget
//
//	line price    = cents(cost × markup)             markup: family, else category, else default
//	manual price  = cents(quantity × unit price)     no markup: the seller types the sale price
//	subtotal      = Σ line prices + Σ manual prices
//	freight       = cents(subtotal × freight% / 100)
//	assembly      = cents(subtotal × assembly% / 100)
//	total         = subtotal + freight + assembly
//
// Each amount is rounded to cents (domain.Cents) half-up before it is added (decimal's
// Round is half away from zero, the same as half-up for the non-negative
// amounts of a budget), so the total is the sum of what the customer sees.
// The line's quantity is shown, not multiplied: its cost already covers it.
package pricing

import (
	"strings"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// Line is one Promob item to price.
type Line struct {
	Ref         string          `json:"ref"`
	Description string          `json:"description"`
	Family      string          `json:"family"`
	Category    string          `json:"category"`
	Quantity    decimal.Decimal `json:"quantity"` // the real quantity, for display
	Cost        decimal.Decimal `json:"cost"`     // PRICE@TOTAL: the whole line's cost
}

// ManualLine is an item added by hand in FoccoLojas, priced by the seller.
type ManualLine struct {
	ID          string          `json:"id,omitempty"` // the manual item's id
	Description string          `json:"description"`
	Reference   string          `json:"reference"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
}

// PricedLine is a Line with the markup it got and its price.
type PricedLine struct {
	Line
	Markup decimal.Decimal `json:"markup"`
	Price  domain.Money    `json:"price"`
}

// PricedManual is a ManualLine with its price.
type PricedManual struct {
	ManualLine
	Price domain.Money `json:"price"`
}

// Result is the budget of a version.
type Result struct {
	Lines       []PricedLine   `json:"lines"`
	Manual      []PricedManual `json:"manual"`
	PromobTotal domain.Money   `json:"promobTotal"` // Σ line prices
	ManualTotal domain.Money   `json:"manualTotal"` // Σ manual prices
	Subtotal    domain.Money   `json:"subtotal"`    // the products: PromobTotal + ManualTotal
	Freight     domain.Money   `json:"freight"`
	Assembly    domain.Money   `json:"assembly"`
	Total       domain.Money   `json:"total"`     // Subtotal + Freight + Assembly
	CostTotal   domain.Money   `json:"costTotal"` // Σ line costs, rounded to cents: Promob's TOTALPRICES@TABLE
}

// Budget prices lines and manual items by rules (see the package comment).
// The rules are taken as they are: check them with Rules.Validate when they
// come from outside. The priced lines keep the order of their inputs.
func Budget(lines []Line, manual []ManualLine, rules Rules) Result {
	t := NewTotals(rules)
	priced := make([]PricedLine, len(lines))
	for i, l := range lines {
		priced[i] = t.Add(l)
	}
	res := t.Result(manual)
	res.Lines = priced
	return res
}

// Totals prices lines one at a time and keeps only their sums, so that a
// listing of any size is priced in constant memory: Result gives the same
// totals as Budget over the lines added, in the order added.
type Totals struct {
	rules                 Rules
	promob, cost          decimal.Decimal
	categories, suppliers map[string]*group
}

// NewTotals returns an empty tally of lines priced by rules, taken as they
// are (see Budget).
func NewTotals(rules Rules) *Totals {
	return &Totals{rules: rules, promob: decimal.Zero, cost: decimal.Zero, categories: map[string]*group{}, suppliers: map[string]*group{}}
}

// Add prices the line, adds it to the totals and returns it priced.
func (t *Totals) Add(l Line) PricedLine {
	m := t.rules.Markup(l.Family, l.Category)
	p := domain.Cents(l.Cost.Mul(m))
	t.promob = t.promob.Add(p.Decimal)
	t.cost = t.cost.Add(l.Cost)
	addTo(t.categories, l.Category, l.Cost, p.Decimal)
	addTo(t.suppliers, domain.SupplierOf(l.Family, t.rules.Suppliers), l.Cost, p.Decimal)
	return PricedLine{Line: l, Markup: m, Price: p}
}

// AddPart adds a part of a Promob listing: a part with children is priced
// by its children, so only leaves are added.
func (t *Totals) AddPart(it domain.PromobItem) {
	if !it.HasChildren {
		t.Add(LineOf(it))
	}
}

// Result returns the budget of the lines added so far and the manual items:
// every total, the manual items priced, and no Lines (Budget fills them).
func (t *Totals) Result(manual []ManualLine) Result {
	res := Result{Lines: []PricedLine{}, Manual: make([]PricedManual, len(manual))}
	hand := decimal.Zero
	for i, ml := range manual {
		p := domain.Cents(ml.Quantity.Mul(ml.UnitPrice))
		res.Manual[i] = PricedManual{ManualLine: ml, Price: p}
		hand = hand.Add(p.Decimal)
	}
	sub := t.promob.Add(hand)
	res.PromobTotal = domain.Money{Decimal: t.promob}
	res.ManualTotal = domain.Money{Decimal: hand}
	res.Subtotal = domain.Money{Decimal: sub}
	res.Freight = domain.Cents(percentOf(sub, t.rules.FreightPercent))
	res.Assembly = domain.Cents(percentOf(sub, t.rules.AssemblyPercent))
	res.Total = domain.Money{Decimal: sub.Add(res.Freight.Decimal).Add(res.Assembly.Decimal)}
	res.CostTotal = domain.Cents(t.cost)
	return res
}

// Bounds of a manual line: those of the domain's manual items.
const (
	MaxManualQuantity  = domain.MaxManualQuantity
	MaxManualUnitPrice = domain.MaxManualUnitPrice
	MaxDescription     = domain.MaxManualTextBytes // bytes
)

var (
	maxManualQuantity  = decimal.NewFromInt(MaxManualQuantity)
	maxManualUnitPrice = decimal.NewFromInt(MaxManualUnitPrice)
)

// Validate returns nil for a usable manual line, or an invalid_request
// *domain.Error naming the first field that is wrong: a description of 1 to
// MaxDescription bytes, a reference of at most MaxDescription bytes, a
// quantity above 0 and at most MaxManualQuantity, a unit price from 0 to
// MaxManualUnitPrice, each number with at most MaxPlaces decimal places.
func (m ManualLine) Validate() error {
	switch {
	case strings.TrimSpace(m.Description) == "" || len(m.Description) > MaxDescription:
		return domain.Invalid("description must be 1 to %d bytes.", MaxDescription)
	case len(m.Reference) > MaxDescription:
		return domain.Invalid("reference must be at most %d bytes.", MaxDescription)
	case !m.Quantity.IsPositive() || m.Quantity.GreaterThan(maxManualQuantity):
		return domain.Invalid("quantity must be greater than 0 and at most %d.", MaxManualQuantity)
	case m.UnitPrice.IsNegative() || m.UnitPrice.GreaterThan(maxManualUnitPrice):
		return domain.Invalid("unitPrice must be between 0 and %d.", MaxManualUnitPrice)
	}
	if err := checkPlaces("quantity", m.Quantity); err != nil {
		return err
	}
	return checkPlaces("unitPrice", m.UnitPrice)
}
