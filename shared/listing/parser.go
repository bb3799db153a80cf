package listing

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

// limits are the bounds a parser enforces: the exported constants, lowered in
// tests.
type limits struct {
	depth, items int
}

var defaultLimits = limits{depth: MaxDepth, items: MaxItems}

// Upper bounds as decimals.
var (
	maxQuantity     = decimal.NewFromInt(MaxQuantity)
	maxRealQuantity = decimal.NewFromInt(MaxRealQuantity)
	maxAmount       = decimal.NewFromInt(MaxAmount)
	maxDimension    = decimal.NewFromInt(MaxDimension)
)

// kind is the role of an open element, which decides how its children are
// read.
type kind uint8

const (
	kindIgnored    kind = iota // read past, children included
	kindListing                // LISTING
	kindAmbients               // LISTING/AMBIENTS
	kindAmbient                // the first AMBIENT
	kindCategories             // its CATEGORIES
	kindCategory               // a CATEGORY
	kindItems                  // ITEMS of a CATEGORY or of an ITEM
	kindItem                   // ITEM
)

// frame is an ITEM being read: it is held until its PRICE is known and
// delivered when its first child starts or when it ends.
type frame struct {
	item      Item
	delivered bool
	priced    bool
}

type parser struct {
	dec      *xml.Decoder
	in       *recordingReader
	lim      limits
	kinds    []kind  // the open elements, root first
	items    []frame // the open ITEMs, outermost first
	h        Header
	rootSeen bool
	ambients int // AMBIENT elements under AMBIENTS
	fn       func(Item) error
}

func newParser(r io.Reader, lim limits) *parser {
	in := &recordingReader{r: r}
	d := xml.NewDecoder(in)
	d.CharsetReader = func(charset string, _ io.Reader) (io.Reader, error) {
		return nil, &Error{Reason: fmt.Sprintf("the listing is encoded as %q; only UTF-8 listings are accepted", charset)}
	}
	return &parser{dec: d, in: in, lim: lim, kinds: make([]kind, 0, lim.depth)}
}

// fail returns an *Error at the decoder's current position.
func (p *parser) fail(format string, args ...any) *Error {
	line, _ := p.dec.InputPos()
	return &Error{Reason: fmt.Sprintf(format, args...), Line: line, Offset: p.dec.InputOffset()}
}

func (p *parser) run(fn func(Item) error) (Header, error) {
	p.fn = fn
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Header{}, p.readError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			err = p.start(t)
		case xml.EndElement:
			err = p.end()
		case xml.Directive:
			err = p.fail("the listing contains a <!%s…> declaration (DOCTYPE and ENTITY declarations are refused)", directiveName(t))
		case xml.CharData:
			if len(p.kinds) == 0 && !isSpace(bytes.TrimPrefix(t, byteOrderMark)) {
				err = p.fail("the listing has text outside the LISTING element")
			}
		}
		if err != nil {
			return Header{}, err
		}
	}
	if err := p.finish(); err != nil {
		return Header{}, err
	}
	return p.h, nil
}

// readError turns a decoder error into an *Error when the input is at fault
// and wraps it when the reader failed.
func (p *parser) readError(err error) error {
	if p.in.err != nil && errors.Is(err, p.in.err) {
		return fmt.Errorf("listing: reading: %w", err)
	}
	line, _ := p.dec.InputPos()
	var (
		se *xml.SyntaxError
		le *Error
	)
	switch {
	case errors.As(err, &se):
		return &Error{Reason: "malformed XML: " + se.Msg, Line: se.Line, Offset: p.dec.InputOffset()}
	case errors.As(err, &le):
		le.Line, le.Offset = line, p.dec.InputOffset()
		return le
	}
	// The decoder's other errors are about the XML declaration.
	return &Error{Reason: "malformed XML: " + strings.TrimPrefix(err.Error(), "xml: "), Line: line, Offset: p.dec.InputOffset()}
}

// recordingReader keeps the error of the reader it wraps, so that a failed
// read is told apart from bad input.
type recordingReader struct {
	r   io.Reader
	err error
}

func (r *recordingReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

func (p *parser) finish() error {
	switch {
	case !p.rootSeen:
		return &Error{Reason: "the listing is empty: no LISTING element"}
	case p.ambients == 0:
		return &Error{Reason: "the listing has no environment (AMBIENT)"}
	case p.ambients > 1:
		return &Error{Reason: fmt.Sprintf("the listing has %d environments (AMBIENT); FoccoLojas imports one environment per listing", p.ambients)}
	case p.h.ProjectGUID == "":
		return &Error{Reason: "the listing has no project GUID (PROJECTGUID@GUID)"}
	}
	return nil
}

func (p *parser) start(t xml.StartElement) error {
	if len(p.kinds) >= p.lim.depth {
		return p.fail("the listing nests elements deeper than %d levels", p.lim.depth)
	}
	name := t.Name.Local
	parent := kindIgnored
	if len(p.kinds) > 0 {
		parent = p.kinds[len(p.kinds)-1]
	}
	k := kindIgnored
	var err error
	switch {
	case len(p.kinds) == 0:
		if p.rootSeen {
			return p.fail("the listing has an element <%s> after the LISTING element", name)
		}
		if name != "LISTING" {
			return p.fail("the root element is <%s>; a Promob listing starts with <LISTING>", name)
		}
		p.rootSeen = true
		p.h.ListingID = attr(t, "ID")
		k = kindListing
	case parent == kindListing:
		switch name {
		case "PROJECTGUID":
			p.h.ProjectGUID = attr(t, "GUID")
		case "TOTALPRICES":
			p.h.Table, err = p.amount(t, "listing TOTALPRICES")
		case "AMBIENTS":
			k = kindAmbients
		}
	case parent == kindAmbients && name == "AMBIENT":
		// Later ambients are only counted: the listing is refused at the end
		// with their number.
		if p.ambients++; p.ambients == 1 {
			p.h.Ambient = Ambient{GUID: attr(t, "GUID"), Description: attr(t, "DESCRIPTION"), UniqueID: attr(t, "UNIQUEID")}
			k = kindAmbient
		}
	case parent == kindAmbient:
		switch name {
		case "TOTALPRICES":
			p.h.Ambient.Table, err = p.amount(t, "AMBIENT TOTALPRICES")
		case "CATEGORIES":
			k = kindCategories
		}
	case parent == kindCategories && name == "CATEGORY":
		p.h.Categories = append(p.h.Categories, Category{Description: attr(t, "DESCRIPTION")})
		k = kindCategory
	case parent == kindCategory:
		switch name {
		case "TOTALPRICES":
			p.h.Categories[len(p.h.Categories)-1].Table, err = p.amount(t, "CATEGORY TOTALPRICES")
		case "ITEMS":
			k = kindItems
		}
	case parent == kindItems && name == "ITEM":
		err = p.startItem(t)
		k = kindItem
	case parent == kindItem:
		switch name {
		case "PRICE":
			err = p.price(t)
		case "ITEMS":
			k = kindItems
		}
	}
	if err != nil {
		return err
	}
	p.kinds = append(p.kinds, k)
	return nil
}

func (p *parser) end() error {
	k := p.kinds[len(p.kinds)-1]
	p.kinds = p.kinds[:len(p.kinds)-1]
	if k != kindItem {
		return nil
	}
	f := &p.items[len(p.items)-1]
	var err error
	if !f.delivered {
		err = p.deliver(f, false)
	}
	p.items = p.items[:len(p.items)-1]
	return err
}

// deliver hands f's item to fn and adds it to the totals.
func (p *parser) deliver(f *frame, children bool) error {
	f.delivered = true
	f.item.HasChildren = children
	p.h.PriceTotal = p.h.PriceTotal.Add(f.item.Price.Total)
	return p.fn(f.item)
}

func (p *parser) startItem(t xml.StartElement) error {
	if p.h.Items >= p.lim.items {
		return p.fail("the listing has more than %d items", p.lim.items)
	}
	it := Item{Index: p.h.Items, Parent: -1, Level: len(p.items) + 1, Repetition: small[1]}
	parentQty := small[1]
	if len(p.items) > 0 {
		pf := &p.items[len(p.items)-1]
		if !pf.delivered {
			if err := p.deliver(pf, true); err != nil {
				return err
			}
		}
		it.Parent, parentQty = pf.item.Index, pf.item.RealQuantity
	}
	cat := &p.h.Categories[len(p.h.Categories)-1]
	it.Category = cat.Description
	var qty, rep, w, h, d string
	haveQty := false
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "ID":
			it.ID = a.Value
		case "UNIQUEID":
			it.UniqueID = a.Value
		case "UNIQUEPARENTID":
			it.UniqueParentID = a.Value
		case "GUID":
			it.GUID = a.Value
		case "REFERENCE":
			it.Reference = a.Value
		case "DESCRIPTION":
			it.Description = a.Value
		case "UNIT":
			it.Unit = a.Value
		case "WIDTH":
			w = a.Value
		case "HEIGHT":
			h = a.Value
		case "DEPTH":
			d = a.Value
		case "TEXTDIMENSION":
			it.TextDimension = a.Value
		case "FAMILY":
			it.Family = a.Value
		case "GROUP":
			it.Group = a.Value
		case "COMPONENT":
			it.Component = a.Value == "Y"
		case "STRUCTURE":
			it.Structure = a.Value == "Y"
		case "STRUCTUREKEY":
			it.StructureKey = a.Value
		case "QUANTITY":
			qty, haveQty = a.Value, true
		case "REPETITION":
			rep = a.Value
		}
	}
	var err error
	if !haveQty {
		return p.fail("%s has no QUANTITY", itemName(&it))
	}
	if it.Quantity, err = p.number(&it, "QUANTITY", qty, maxQuantity, false); err != nil {
		return err
	}
	if rep != "" {
		r, err := p.number(&it, "REPETITION", rep, maxQuantity, false)
		if err != nil {
			return err
		}
		if !r.IsInteger() {
			return p.fail("%s: REPETITION %q is not a whole number", itemName(&it), rep)
		}
		if !r.IsZero() {
			it.Repetition = r
		}
	}
	for _, dim := range []struct {
		name, value string
		dst         *decimal.Decimal
	}{{"WIDTH", w, &it.Width}, {"HEIGHT", h, &it.Height}, {"DEPTH", d, &it.Depth}} {
		if dim.value == "" {
			continue
		}
		if *dim.dst, err = p.number(&it, dim.name, dim.value, maxDimension, true); err != nil {
			return err
		}
	}
	it.RealQuantity = realQuantity(parentQty, it.Quantity, it.Repetition)
	if it.RealQuantity.GreaterThan(maxRealQuantity) {
		return p.fail("%s: its real quantity (QUANTITY × REPETITION × the parents' quantities) %s is above the limit of %d", itemName(&it), it.RealQuantity, MaxRealQuantity)
	}
	p.h.Items++
	cat.Items++
	if it.Level == 1 {
		p.h.Modules++
	}
	p.items = append(p.items, frame{item: it})
	return nil
}

// realQuantity multiplies, skipping the factors that are 1.
func realQuantity(parent, qty, rep decimal.Decimal) decimal.Decimal {
	q := qty
	if !rep.Equal(small[1]) {
		q = q.Mul(rep)
	}
	if !parent.Equal(small[1]) {
		q = q.Mul(parent)
	}
	return q
}

func (p *parser) price(t xml.StartElement) error {
	f := &p.items[len(p.items)-1]
	switch {
	case f.priced:
		return p.fail("%s has more than one PRICE", itemName(&f.item))
	case f.delivered:
		return p.fail("%s has its PRICE after its child items", itemName(&f.item))
	}
	f.priced = true
	pr := &f.item.Price
	for _, a := range t.Attr {
		var dst *decimal.Decimal
		switch a.Name.Local {
		case "TABLE":
			dst = &pr.Table
		case "UNIT":
			dst = &pr.Unit
		case "TOTAL":
			dst = &pr.Total
		case "TOTALCOMPONENTS":
			dst = &pr.TotalComponents
		default:
			continue
		}
		if a.Value == "" {
			continue
		}
		v, err := p.number(&f.item, "PRICE@"+a.Name.Local, a.Value, maxAmount, false)
		if err != nil {
			return err
		}
		*dst = v
	}
	return nil
}

// number parses the attribute value of an item and checks its range:
// at most limit, and not negative unless signed (then at least -limit).
func (p *parser) number(it *Item, name, value string, limit decimal.Decimal, signed bool) (decimal.Decimal, error) {
	v, err := parseNumber(value)
	if err != nil {
		return v, p.fail("%s: %s %q %v", itemName(it), name, value, err)
	}
	if v.IsNegative() && !signed {
		return v, p.fail("%s: %s %q is negative", itemName(it), name, value)
	}
	if v.Abs().GreaterThan(limit) {
		return v, p.fail("%s: %s %q is above the limit of %s", itemName(it), name, value, limit)
	}
	return v, nil
}

// amount parses the TABLE attribute of a TOTALPRICES element; zero when
// absent.
func (p *parser) amount(t xml.StartElement, what string) (decimal.Decimal, error) {
	s := attr(t, "TABLE")
	if s == "" {
		return decimal.Decimal{}, nil
	}
	v, err := parseNumber(s)
	switch {
	case err != nil:
		return v, p.fail("%s@TABLE %q %v", what, s, err)
	case v.IsNegative():
		return v, p.fail("%s@TABLE %q is negative", what, s)
	case v.GreaterThan(maxAmount):
		return v, p.fail("%s@TABLE %q is above the limit of %d", what, s, MaxAmount)
	}
	return v, nil
}

// itemName names an item in error reasons: its position and description.
func itemName(it *Item) string {
	if it.Description == "" {
		return fmt.Sprintf("item %d", it.Index+1)
	}
	return fmt.Sprintf("item %d (%q)", it.Index+1, it.Description)
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// directiveName is the keyword of a <!…> directive ("DOCTYPE", "ENTITY").
func directiveName(d xml.Directive) string {
	n := 0
	for n < len(d) && n < 16 && (d[n] >= 'A' && d[n] <= 'Z' || d[n] >= 'a' && d[n] <= 'z') {
		n++
	}
	return string(d[:n])
}

// byteOrderMark may open a UTF-8 document.
var byteOrderMark = []byte("\ufeff")

func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
