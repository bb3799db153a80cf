package domain

import "github.com/shopspring/decimal"

// Money is an amount in reais. It is a decimal (every decimal.Decimal method
// applies) that prints and serialises with exactly two decimals, as a JSON
// string ("1234.50"): a string because JSON numbers are read as floats by
// most clients, and fixed because a total of "1234.5" reads as a mistake on
// a budget. It reads back from a JSON string or number.
type Money struct{ decimal.Decimal }

// Cents returns d rounded to cents, half away from zero (half-up for the
// non-negative amounts of a budget: 0.005 → 0.01).
func Cents(d decimal.Decimal) Money { return Money{d.Round(2)} }

// String returns the amount with two decimals, "1234.50".
func (m Money) String() string { return m.StringFixed(2) }

// MarshalJSON returns the amount as a JSON string with two decimals.
func (m Money) MarshalJSON() ([]byte, error) {
	return []byte(`"` + m.StringFixed(2) + `"`), nil
}
