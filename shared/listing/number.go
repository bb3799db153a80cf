package listing

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// Why a number is refused.
var (
	errNotNumber  = errors.New("is not a number")
	errSeparators = errors.New("has more than one decimal separator (thousands separators are not accepted)")
	errTooLong    = fmt.Errorf("has more than %d digits", MaxDigits)
)

// small holds the values 0 to 16, which most quantities and many prices are:
// decimals are immutable, so the parser hands out these instead of
// allocating.
var small = func() (v [17]decimal.Decimal) {
	for i := range v {
		v[i] = decimal.NewFromInt(int64(i))
	}
	return v
}()

// parseNumber reads a number as Promob writes it: an optional minus sign,
// digits, and optionally one decimal separator, '.' or ',', followed by
// digits ("2.148", "2,148", "-144.62", "55"). Surrounding spaces are ignored.
// It refuses anything else: exponents, a plus sign, NaN and infinities, a
// separator without digits on both sides, two separators ("1.234,5",
// "1.234.567": a thousands separator would make the value ambiguous) and more
// than MaxDigits digits.
func parseNumber(s string) (decimal.Decimal, error) {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	var (
		mant   int64
		exp    int32
		digits int
		sepAt  = -1
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits++; digits > MaxDigits {
				return decimal.Decimal{}, errTooLong
			}
			mant = mant*10 + int64(c-'0')
			if sepAt >= 0 {
				exp--
			}
		case c == '.' || c == ',':
			if sepAt >= 0 {
				return decimal.Decimal{}, errSeparators
			}
			if i == 0 || i == len(s)-1 {
				return decimal.Decimal{}, errNotNumber
			}
			sepAt = i
		default:
			return decimal.Decimal{}, errNotNumber
		}
	}
	if digits == 0 {
		return decimal.Decimal{}, errNotNumber
	}
	if neg {
		mant = -mant
	}
	if exp == 0 && mant >= 0 && mant < int64(len(small)) {
		return small[mant], nil
	}
	if mant == 0 {
		return small[0], nil
	}
	return decimal.New(mant, exp), nil
}
