// Package listing reads Promob budget listings (the XML that Promob exports
// for an environment, root LISTING ID="BUDGET_STRUCTURED_W_OP"; see
// ../shared/promob-samples/ beside the module and shared/listing/listinggen) as a
// stream: one token at a time, one item at a time, so that memory stays
// bounded by the nesting depth whatever the number of parts.
//
// # What is read
//
//	LISTING ID                         Header.ListingID
//	  PROJECTGUID GUID                 Header.ProjectGUID (required)
//	  TOTALPRICES TABLE                Header.Table
//	  AMBIENTS / AMBIENT               exactly one: Header.Ambient
//	    TOTALPRICES TABLE              Ambient.Table
//	    CATEGORIES / CATEGORY          Header.Categories
//	      TOTALPRICES TABLE            Category.Table
//	      ITEMS / ITEM                 the modules (Level 1)
//	        PRICE                      Item.Price
//	        ITEMS / ITEM               their parts, nested (Level 2, 3, …)
//	  ITEMSWITHOUTPRICE                skipped
//
// Everything else (ABOUTPROMOB, CUSTOMERSDATA, MARGINS, REFERENCES,
// PAYMENTTERMS, …) is read past without being kept. ITEMSWITHOUTPRICE is
// skipped because it repeats, attribute for attribute, leaves that already
// stand in the tree (the zero-priced ones): reading it would count those
// parts twice.
//
// A listing with no AMBIENT or with more than one is refused (FoccoLojas
// imports one environment per listing); so is a listing without PROJECTGUID.
//
// # Quantities
//
// QUANTITY is relative to one unit of the parent item. The real quantity of
// an item is QUANTITY × REPETITION × the parent's real quantity (1 above the
// modules), so it is multiplied down the whole parent chain. REPETITION
// counts how many times the row is repeated; when it is absent or 0 it is
// taken as 1. The real sample and the generated listings only ever have
// REPETITION="1", so this reading of REPETITION follows the issue's
// definition ("QUANTITY (× REPETITION)") rather than an observed case; the
// prices do not depend on it (see package pricing: the cost basis is
// PRICE@TOTAL, which Promob has already multiplied).
//
// # Numbers
//
// Numeric attributes are accepted with a decimal point or a decimal comma
// ("1.5" and "1,5"), as Promob writes them under different number formats,
// and are parsed into shopspring decimals, never floats. A number has at most
// one separator: "1.234,5" and "1.234.567" are refused rather than guessed,
// since Promob never groups thousands in numeric attributes (the sample
// writes "2093.46"), so a single '.' or ',' is always the decimal separator.
// Exponents, a plus sign, NaN, infinities and more than MaxDigits digits are
// refused. Quantities and prices must not be negative; dimensions may be.
//
// # Limits
//
// Hostile or broken input is refused early with an *Error: nesting deeper
// than MaxDepth elements (checked before descending, so 10,000 nested
// elements cost nothing), more than MaxItems items, QUANTITY or REPETITION
// above MaxQuantity, a real quantity above MaxRealQuantity, a price or total
// above MaxAmount, a dimension beyond ±MaxDimension, a DOCTYPE or any other
// <!…> declaration (entity declarations included), invalid UTF-8, a declared
// encoding other than UTF-8, a root element other than LISTING, and anything
// after the root element. The size of the input is the caller's to bound
// (an io.LimitReader, or the body limit of the transport).
package listing

import (
	"io"

	"github.com/shopspring/decimal"
)

// The limits Parse enforces. The real sample nests 15 elements deep and holds
// 251 items; a whole house has thousands of parts.
const (
	MaxDepth        = 64             // element nesting, the root counted as 1
	MaxItems        = 1_000_000      // ITEM elements under the AMBIENT
	MaxDigits       = 18             // digits in one number, so that it fits an int64 mantissa
	MaxQuantity     = 1_000_000      // QUANTITY and REPETITION of one item
	MaxRealQuantity = 1_000_000_000  // the real quantity, multiplied down the parent chain
	MaxAmount       = 10_000_000_000 // PRICE attributes and TOTALPRICES@TABLE (R$ 10 billion)
	MaxDimension    = 1_000_000      // WIDTH, HEIGHT, DEPTH, in the listing's unit (mm: one kilometre)
)

// Header is what a listing says besides its items.
type Header struct {
	ListingID   string          // LISTING@ID, e.g. "BUDGET_STRUCTURED_W_OP"
	ProjectGUID string          // PROJECTGUID@GUID
	Table       decimal.Decimal // the listing's TOTALPRICES@TABLE; zero when absent
	Ambient     Ambient
	Categories  []Category // in document order
	Items       int        // ITEM elements under the AMBIENT, all levels
	Modules     int        // top-level ITEM elements (Level 1)
	// PriceTotal is the sum of PRICE@TOTAL over every item. Promob's own
	// TOTALPRICES@TABLE equals it (see package pricing).
	PriceTotal decimal.Decimal
}

// Ambient is the listing's one AMBIENT (a Promob environment).
type Ambient struct {
	GUID        string
	Description string
	UniqueID    string          // AMBIENT@UNIQUEID, e.g. `3\0`
	Table       decimal.Decimal // its TOTALPRICES@TABLE; zero when absent
}

// Category is one CATEGORY of the ambient.
type Category struct {
	Description string
	Table       decimal.Decimal // its TOTALPRICES@TABLE; zero when absent
	Items       int             // ITEM elements under it, all levels
}

// Price is an ITEM's PRICE. Leaves carry TABLE (per unit of measure), UNIT
// (for one unit of the parent) and TOTAL (for the whole listing); items with
// children carry zeros there and the sum of their children in
// TOTALCOMPONENTS. A missing PRICE, or a missing or empty attribute, reads
// as zero.
type Price struct {
	Table, Unit, Total, TotalComponents decimal.Decimal
}

// Item is one ITEM of the tree, delivered in document order (a parent before
// its children).
type Item struct {
	Index       int    // position in document order, from 0
	Parent      int    // Index of the parent item; -1 for a module
	Level       int    // 1 for a module, 2 for its parts, …
	Category    string // DESCRIPTION of the CATEGORY it is under
	HasChildren bool   // it has at least one child ITEM

	ID             string // ITEM@ID (catalogue id; "" on STRUCTURE rows)
	UniqueID       string // UNIQUEID; "-1" on STRUCTURE rows
	UniqueParentID string // UNIQUEPARENTID; "-2" on modules
	GUID           string
	Reference      string
	Description    string
	Unit           string // unit of measure: UN, M, M2, …

	// WIDTH, HEIGHT and DEPTH in the listing's unit (LISTING@UNIT, mm);
	// zero when absent. TextDimension is Promob's display string of them.
	Width, Height, Depth decimal.Decimal
	TextDimension        string

	Family       string
	Group        string
	Component    bool   // COMPONENT="Y"
	Structure    bool   // STRUCTURE="Y": a material or an operation row
	StructureKey string // CHAPA, FITA_BORDA, CORTE, … on STRUCTURE rows

	Quantity     decimal.Decimal // QUANTITY, per one unit of the parent
	Repetition   decimal.Decimal // REPETITION; 1 when absent or 0
	RealQuantity decimal.Decimal // Quantity × Repetition × the parent's RealQuantity
	Price        Price
}

// Parse reads the listing from r, calling fn for each item in document order
// as soon as it is complete, and returns the header. fn may be called for
// items before a problem further on is found: on any error, discard what fn
// received. On error the Header is zero, and the error is an *Error for a
// problem with the listing itself, the error of fn unchanged when fn fails,
// or an error wrapping r's error when reading fails (worth a retry, unlike
// an *Error).
func Parse(r io.Reader, fn func(Item) error) (Header, error) {
	p := newParser(r, defaultLimits)
	return p.run(fn)
}

// ParseAll reads the whole listing from r and returns its header and items in
// document order. It fails as Parse does.
func ParseAll(r io.Reader) (Header, []Item, error) {
	var items []Item
	h, err := Parse(r, func(it Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		return Header{}, nil, err
	}
	return h, items, nil
}
