package listinggen

import (
	"bufio"
	"encoding/xml"
	"strconv"
	"strings"
)

// out writes the listing's XML the way Promob lays it out: one element per
// line, two spaces of indentation per level, attributes in double quotes.
// Write errors are sticky in the bufio.Writer and reported by Flush.
type out struct {
	w     *bufio.Writer
	depth int
	comma bool // decimal comma in numeric attributes
}

func (o *out) indent() {
	for range o.depth {
		o.w.WriteString("  ")
	}
}

// start writes "<tag" at the current indentation; attributes follow with attr
// and the tag ends with open or empty.
func (o *out) start(tag string) {
	o.indent()
	o.w.WriteByte('<')
	o.w.WriteString(tag)
}

func (o *out) attr(name, value string) {
	o.w.WriteByte(' ')
	o.w.WriteString(name)
	o.w.WriteString(`="`)
	xml.EscapeText(o.w, []byte(value))
	o.w.WriteByte('"')
}

// open ends a start tag whose children follow.
func (o *out) open() {
	o.w.WriteString(">\n")
	o.depth++
}

// empty ends a start tag as an element without content.
func (o *out) empty() { o.w.WriteString(" />\n") }

// hollow ends a start tag with the whitespace-only body the sample gives
// PRICE: a line break, the indentation of two levels deeper, the end tag.
func (o *out) hollow(tag string) {
	o.w.WriteString(">\n")
	o.depth += 2
	o.indent()
	o.depth -= 2
	o.w.WriteString("</")
	o.w.WriteString(tag)
	o.w.WriteString(">\n")
}

func (o *out) close(tag string) {
	o.depth--
	o.indent()
	o.w.WriteString("</")
	o.w.WriteString(tag)
	o.w.WriteString(">\n")
}

// money formats cents with trailing zeros trimmed ("15.57", "1.4", "55").
func (o *out) money(cents int64) string { return o.fixed(cents, 2) }

// qty formats a quantity held in ten-thousandths ("0.2831", "2.148", "6").
func (o *out) qty(q int64) string { return o.fixed(q, 4) }

// dim formats a dimension held in tenths of a millimetre ("701.5", "464").
func (o *out) dim(t int64) string { return o.fixed(t, 1) }

func (o *out) fixed(v int64, decimals int) string {
	sep := byte('.')
	if o.comma {
		sep = ','
	}
	return fixed(v, decimals, sep)
}

// fixed formats v / 10^decimals with the separator, dropping trailing zeros
// of the fraction and the separator when the fraction is zero.
func fixed(v int64, decimals int, sep byte) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if len(s) <= decimals {
		s = strings.Repeat("0", decimals-len(s)+1) + s
	}
	whole, frac := s[:len(s)-decimals], strings.TrimRight(s[len(s)-decimals:], "0")
	var b strings.Builder
	if neg && (whole != "0" || frac != "") {
		b.WriteByte('-')
	}
	b.WriteString(whole)
	if frac != "" {
		b.WriteByte(sep)
		b.WriteString(frac)
	}
	return b.String()
}
