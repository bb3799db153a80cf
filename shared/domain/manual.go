package domain

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// Bounds of a manual item. The pricing package prices manual items within
// the same bounds.
const (
	MaxManualQuantity  = 1_000_000      // a quantity is above 0 and at most this
	MaxManualUnitPrice = 10_000_000_000 // reais; a unit price is from 0 to this
	MaxManualTextBytes = 500            // bytes of a description or reference (also at most 200 characters)
	// ManualQuantityPlaces and ManualPricePlaces are the decimal places a
	// quantity and a unit price (cents) may have.
	ManualQuantityPlaces = 4
	ManualPricePlaces    = 2
)

// PromobItemPrefix starts the id of every item that comes from a Promob
// listing; ids of manual items never start with it.
const PromobItemPrefix = "p-"

// IsPromobItemID reports whether id names an item that comes from Promob.
func IsPromobItemID(id string) bool { return strings.HasPrefix(id, PromobItemPrefix) }

// CanChangeItem returns nil when the item of that id may be changed or
// removed in FoccoLojas, else a promob_item_readonly *Error: an item that
// comes from Promob is changed in Promob.
func CanChangeItem(id string) error {
	if IsPromobItemID(id) {
		return PromobItemReadonly(id)
	}
	return nil
}

var (
	maxManualQuantity  = decimal.NewFromInt(MaxManualQuantity)
	maxManualUnitPrice = decimal.NewFromInt(MaxManualUnitPrice)
	// plainDecimal is the notation numbers in requests are read in: digits,
	// an optional sign and fraction, no exponent, bounded length.
	plainDecimal = regexp.MustCompile(`^-?[0-9]{1,30}(\.[0-9]{1,30})?$`)
)

// ManualItemInput is what a user sends to add a manual item (description,
// quantity and unitPrice required) or to change one (any of the fields).
// Quantity and UnitPrice are a JSON number (2.5) or a JSON string holding one
// ("2.50"), read from their text and never through a float. A null field is
// the same as an absent one.
type ManualItemInput struct {
	Description *string         `json:"description"`
	Reference   *string         `json:"reference"`
	Quantity    json.RawMessage `json:"quantity"`
	UnitPrice   json.RawMessage `json:"unitPrice"`
}

// ManualItemPatch is a validated change of a manual item: nil fields stay as
// they are.
type ManualItemPatch struct {
	Description *string
	Reference   *string
	Quantity    *decimal.Decimal
	UnitPrice   *decimal.Decimal
}

// Patch returns the validated change, or an *Error naming the first wrong
// field: malformed_json for a number that is neither a JSON number nor a
// string, invalid_request for a value out of the rules (see Item) or a change
// of nothing.
func (in ManualItemInput) Patch() (ManualItemPatch, error) {
	var p ManualItemPatch
	if in.Description != nil {
		d, err := manualText("description", *in.Description, true)
		if err != nil {
			return ManualItemPatch{}, err
		}
		p.Description = &d
	}
	if in.Reference != nil {
		r, err := manualText("reference", *in.Reference, false)
		if err != nil {
			return ManualItemPatch{}, err
		}
		p.Reference = &r
	}
	q, ok, err := readDecimal("quantity", in.Quantity)
	if err != nil {
		return ManualItemPatch{}, err
	}
	if ok {
		if !q.IsPositive() || q.GreaterThan(maxManualQuantity) || !q.Equal(q.Truncate(ManualQuantityPlaces)) {
			return ManualItemPatch{}, Invalid("quantity must be greater than 0 and at most %d, with at most %d decimal places.", MaxManualQuantity, ManualQuantityPlaces)
		}
		p.Quantity = &q
	}
	u, ok, err := readDecimal("unitPrice", in.UnitPrice)
	if err != nil {
		return ManualItemPatch{}, err
	}
	if ok {
		if u.IsNegative() || u.GreaterThan(maxManualUnitPrice) || !u.Equal(u.Truncate(ManualPricePlaces)) {
			return ManualItemPatch{}, Invalid("unitPrice must be from 0 to %d, with at most %d decimal places.", MaxManualUnitPrice, ManualPricePlaces)
		}
		p.UnitPrice = &u
	}
	if p == (ManualItemPatch{}) {
		return ManualItemPatch{}, Invalid("Send at least one of description, reference, quantity and unitPrice.")
	}
	return p, nil
}

// Item returns the new manual item the input describes (without its id,
// author and time), or an *Error naming the first wrong field: description
// is required, 1 to 200 characters (and at most MaxManualTextBytes bytes);
// reference is optional, at most as long; quantity is required, above 0 and
// at most MaxManualQuantity with at most ManualQuantityPlaces decimal
// places; unitPrice is required, from 0 to MaxManualUnitPrice with at most
// ManualPricePlaces decimal places.
func (in ManualItemInput) Item() (ManualItem, error) {
	switch {
	case in.Description == nil:
		return ManualItem{}, Invalid("description is required.")
	case isAbsent(in.Quantity):
		return ManualItem{}, Invalid("quantity is required.")
	case isAbsent(in.UnitPrice):
		return ManualItem{}, Invalid("unitPrice is required.")
	}
	p, err := in.Patch()
	if err != nil {
		return ManualItem{}, err
	}
	it := ManualItem{Description: *p.Description, Quantity: *p.Quantity, UnitPrice: *p.UnitPrice}
	if p.Reference != nil {
		it.Reference = *p.Reference
	}
	return it, nil
}

// manualText returns s trimmed, or an invalid_request *Error when it is
// longer than maxName characters or MaxManualTextBytes bytes, or empty and
// required.
func manualText(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	if (required && s == "") || utf8.RuneCountInString(s) > maxName || len(s) > MaxManualTextBytes {
		if required {
			return "", Invalid("%s is required (at most %d characters, %d bytes).", field, maxName, MaxManualTextBytes)
		}
		return "", Invalid("%s is at most %d characters (%d bytes).", field, maxName, MaxManualTextBytes)
	}
	return s, nil
}

func isAbsent(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// readDecimal reads a number a request carries as a JSON number or a JSON
// string, from its text. It returns ok false when the field is absent or
// null, a malformed_json *Error when it is another JSON type, and an
// invalid_request *Error when the text is not a plain decimal number.
func readDecimal(field string, raw json.RawMessage) (d decimal.Decimal, ok bool, err error) {
	if isAbsent(raw) {
		return decimal.Decimal{}, false, nil
	}
	text := string(raw)
	switch c := raw[0]; {
	case c == '"':
		if err := json.Unmarshal(raw, &text); err != nil {
			return decimal.Decimal{}, false, MalformedJSON("Field %q must be a number or a string holding one.", field)
		}
	case c == '-' || (c >= '0' && c <= '9'):
	default:
		return decimal.Decimal{}, false, MalformedJSON("Field %q must be a number or a string holding one.", field)
	}
	if !plainDecimal.MatchString(text) {
		return decimal.Decimal{}, false, Invalid("%s must be a decimal number such as 2.5 or \"2.50\".", field)
	}
	d, err = decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, false, Invalid("%s must be a decimal number such as 2.5 or \"2.50\".", field)
	}
	return d, true, nil
}

// Apply returns the item with the patch's fields set.
func (m ManualItem) Apply(p ManualItemPatch) ManualItem {
	if p.Description != nil {
		m.Description = *p.Description
	}
	if p.Reference != nil {
		m.Reference = *p.Reference
	}
	if p.Quantity != nil {
		m.Quantity = *p.Quantity
	}
	if p.UnitPrice != nil {
		m.UnitPrice = *p.UnitPrice
	}
	return m
}

// ManualWrite is one change of an environment's manual items and what it
// does to the versions (see Environment.ManualChangeEffect): Put adds an
// item (Create) or replaces one, or Delete removes the item of that id;
// Latest is the latest version with its budget as the change leaves it
// (ManualRepriceLatest); New is the version the change makes, with its
// history Entry (ManualNewVersion).
type ManualWrite struct {
	Put    *ManualItem
	Create bool
	Delete string
	Latest *Version
	New    *Version
	Entry  *HistoryEntry
}

// ManualItemStore keeps the items typed by hand in an environment.
type ManualItemStore interface {
	// WriteManual makes the change in one transaction, under the condition
	// that the environment is as env says (same manual items, latest and
	// converted versions, not locked), else an error wrapping ErrChanged:
	// read it again and decide again. It returns a not_found *Error when
	// the item to change or remove does not exist, and a conflict when the
	// item to add does.
	WriteManual(ctx context.Context, env Environment, w ManualWrite, now time.Time) error
	// ManualItems returns the environment's manual items in creation order
	// (none is an empty slice).
	ManualItems(ctx context.Context, storeID, envID string) ([]ManualItem, error)
}
