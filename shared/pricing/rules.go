package pricing

import (
	"maps"
	"slices"
	"strconv"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// Rules are a store's commercial rules. Markups are factors applied to the
// Promob cost (2.1 sells at 2.1 times the cost); percents are out of 100.
// Decimals read from JSON strings or numbers ("2.1" or 2.1) and are written
// as strings.
type Rules struct {
	DefaultMarkup      decimal.Decimal            `json:"defaultMarkup"`
	FamilyMarkup       map[string]decimal.Decimal `json:"familyMarkup,omitempty"`   // by ITEM@FAMILY, exact match
	CategoryMarkup     map[string]decimal.Decimal `json:"categoryMarkup,omitempty"` // by CATEGORY@DESCRIPTION, exact match
	FreightPercent     decimal.Decimal            `json:"freightPercent"`           // of the subtotal
	AssemblyPercent    decimal.Decimal            `json:"assemblyPercent"`          // of the subtotal (montagem)
	MaxDiscountPercent decimal.Decimal            `json:"maxDiscountPercent"`       // of the total
	// Suppliers names the supplier of each FAMILY, for purchase orders.
	Suppliers map[string]string `json:"suppliers,omitempty"`
}

// Bounds of the rules.
const (
	MaxMarkup     = 100  // a markup factor is in (0, MaxMarkup]
	MaxPlaces     = 6    // decimal places of a markup or a percent
	MaxRuleKeys   = 1000 // entries in each map of Rules
	MaxNameLength = 200  // bytes in a family, category or supplier name
)

var (
	maxMarkup = decimal.NewFromInt(MaxMarkup)
	hundred   = decimal.NewFromInt(100)
)

// DefaultRules are the rules of a store that has not set its own: cost price
// (markup 1), no freight, no assembly, no discount.
func DefaultRules() Rules {
	return Rules{DefaultMarkup: decimal.NewFromInt(1)}
}

// Validate returns nil when the rules are usable, or an invalid_request
// *domain.Error naming the first field that is wrong: markups must be above
// 0 and at most MaxMarkup, percents between 0 and 100, each with at most
// MaxPlaces decimal places; map keys and supplier names must be non-empty
// and at most MaxNameLength bytes, each map at most MaxRuleKeys entries.
func (r Rules) Validate() error {
	if err := checkMarkup("defaultMarkup", r.DefaultMarkup); err != nil {
		return err
	}
	for _, m := range []struct {
		field string
		v     map[string]decimal.Decimal
	}{{"familyMarkup", r.FamilyMarkup}, {"categoryMarkup", r.CategoryMarkup}} {
		if len(m.v) > MaxRuleKeys {
			return domain.Invalid("%s holds at most %d entries.", m.field, MaxRuleKeys)
		}
		for _, k := range slices.Sorted(maps.Keys(m.v)) {
			if err := checkName(m.field, k); err != nil {
				return err
			}
			if err := checkMarkup(m.field+"["+strconv.Quote(k)+"]", m.v[k]); err != nil {
				return err
			}
		}
	}
	for _, p := range []struct {
		field string
		v     decimal.Decimal
	}{{"freightPercent", r.FreightPercent}, {"assemblyPercent", r.AssemblyPercent}, {"maxDiscountPercent", r.MaxDiscountPercent}} {
		if p.v.IsNegative() || p.v.GreaterThan(hundred) {
			return domain.Invalid("%s must be between 0 and 100.", p.field)
		}
		if err := checkPlaces(p.field, p.v); err != nil {
			return err
		}
	}
	if len(r.Suppliers) > MaxRuleKeys {
		return domain.Invalid("suppliers holds at most %d entries.", MaxRuleKeys)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Suppliers)) {
		if err := checkName("suppliers", k); err != nil {
			return err
		}
		if err := checkName("suppliers["+strconv.Quote(k)+"]", r.Suppliers[k]); err != nil {
			return err
		}
	}
	return nil
}

func checkMarkup(field string, v decimal.Decimal) error {
	if !v.IsPositive() || v.GreaterThan(maxMarkup) {
		return domain.Invalid("%s must be a factor greater than 0 and at most %d.", field, MaxMarkup)
	}
	return checkPlaces(field, v)
}

func checkPlaces(field string, v decimal.Decimal) error {
	if !v.Equal(v.Truncate(MaxPlaces)) {
		return domain.Invalid("%s has more than %d decimal places.", field, MaxPlaces)
	}
	return nil
}

func checkName(field, name string) error {
	if name == "" || len(name) > MaxNameLength {
		return domain.Invalid("%s: names must be 1 to %d bytes.", field, MaxNameLength)
	}
	return nil
}

// Markup returns the markup factor for a line of the given FAMILY and
// category: the family's markup when the rules set one, else the category's,
// else DefaultMarkup.
func (r Rules) Markup(family, category string) decimal.Decimal {
	if m, ok := r.FamilyMarkup[family]; ok {
		return m
	}
	if m, ok := r.CategoryMarkup[category]; ok {
		return m
	}
	return r.DefaultMarkup
}

// MaxDiscount returns the largest discount the rules allow on total:
// MaxDiscountPercent of it, rounded down to cents so that the discount never
// exceeds the percentage.
func (r Rules) MaxDiscount(total decimal.Decimal) domain.Money {
	return domain.Money{Decimal: percentOf(total, r.MaxDiscountPercent).RoundFloor(2)}
}

// percentOf returns p percent of v, exactly.
func percentOf(v, p decimal.Decimal) decimal.Decimal { return v.Mul(p).Shift(-2) }
