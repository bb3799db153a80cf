package pricing

import (
	"maps"
	"slices"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// GroupTotal is the Promob lines of one category or one supplier: how many
// there are, their cost and their price (each line's price rounded to cents
// before it is added, as in the budget).
type GroupTotal struct {
	Name  string       `json:"name"`
	Lines int          `json:"lines"`
	Cost  domain.Money `json:"cost"`
	Price domain.Money `json:"price"`
}

// Summary is a version's budget without its Promob lines: the totals per
// category and per supplier (domain.SupplierOf), the manual lines priced,
// the rules the version was priced with, and every total. It is computed
// once when the version is written and stored with it, so that reading a
// budget never re-reads the version's items.
type Summary struct {
	Categories  []GroupTotal   `json:"categories"`
	Suppliers   []GroupTotal   `json:"suppliers"`
	Manual      []PricedManual `json:"manual"`
	Rules       Rules          `json:"rules"`
	PromobTotal domain.Money   `json:"promobTotal"`
	ManualTotal domain.Money   `json:"manualTotal"`
	Subtotal    domain.Money   `json:"subtotal"`
	Freight     domain.Money   `json:"freight"`
	Assembly    domain.Money   `json:"assembly"`
	Total       domain.Money   `json:"total"`
	CostTotal   domain.Money   `json:"costTotal"`
}

type group struct {
	lines       int
	cost, price decimal.Decimal
}

func addTo(groups map[string]*group, name string, cost, price decimal.Decimal) {
	g := groups[name]
	if g == nil {
		g = &group{}
		groups[name] = g
	}
	g.lines++
	g.cost = g.cost.Add(cost)
	g.price = g.price.Add(price)
}

func groupTotals(groups map[string]*group) []GroupTotal {
	out := make([]GroupTotal, 0, len(groups))
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		g := groups[name]
		out = append(out, GroupTotal{Name: name, Lines: g.lines, Cost: domain.Cents(g.cost), Price: domain.Money{Decimal: g.price}})
	}
	return out
}

// Summary returns the budget summary of the lines added so far and the
// manual lines (see Result for the totals).
func (t *Totals) Summary(manual []ManualLine) Summary {
	res := t.Result(manual)
	return Summary{
		Categories: groupTotals(t.categories), Suppliers: groupTotals(t.suppliers), Manual: res.Manual, Rules: t.rules,
		PromobTotal: res.PromobTotal, ManualTotal: res.ManualTotal, Subtotal: res.Subtotal, Freight: res.Freight,
		Assembly: res.Assembly, Total: res.Total, CostTotal: res.CostTotal,
	}
}

// WithManual returns the summary with its manual lines replaced by manual
// and every total recomputed: the Promob lines, their groups and the rules
// stay as they are. It gives the same figures as pricing the version's
// lines again with the new manual lines.
func (s Summary) WithManual(manual []ManualLine) Summary {
	t := &Totals{rules: s.Rules, promob: s.PromobTotal.Decimal, cost: s.CostTotal.Decimal}
	res := t.Result(manual)
	s.Manual, s.ManualTotal, s.Subtotal, s.Freight, s.Assembly, s.Total = res.Manual, res.ManualTotal, res.Subtotal, res.Freight, res.Assembly, res.Total
	return s
}

// Price returns the line priced by the summary's rules, as it was priced
// when the summary was computed.
func (s Summary) Price(l Line) PricedLine {
	m := s.Rules.Markup(l.Family, l.Category)
	return PricedLine{Line: l, Markup: m, Price: domain.Cents(l.Cost.Mul(m))}
}
