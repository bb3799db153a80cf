package domain

import (
	"context"
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
)

// ManualItemPatch is a change of a manual item: nil fields stay as they
// are.
type ManualItemPatch struct {
	Description *string
	Reference   *string
	Quantity    *decimal.Decimal
	UnitPrice   *decimal.Decimal
}

// NewManualItem returns the new manual item (without its id, author and
// time), or an invalid_request *Error naming the first wrong field:
// description is 1 to 200 characters (and at most MaxManualTextBytes
// bytes); reference is at most as long; quantity is above 0 and at most
// MaxManualQuantity with at most ManualQuantityPlaces decimal places;
// unitPrice is from 0 to MaxManualUnitPrice with at most ManualPricePlaces
// decimal places. The texts are trimmed.
func NewManualItem(description, reference string, quantity, unitPrice decimal.Decimal) (ManualItem, error) {
	p, err := ManualItemPatch{Description: &description, Reference: &reference, Quantity: &quantity, UnitPrice: &unitPrice}.Validate()
	if err != nil {
		return ManualItem{}, err
	}
	return ManualItem{}.Apply(p), nil
}

// Validate returns the change with its texts trimmed, or an
// invalid_request *Error naming the first wrong field in the order
// description, reference, quantity, unitPrice (the rules of NewManualItem),
// or saying that the change changes nothing.
func (p ManualItemPatch) Validate() (ManualItemPatch, error) {
	if p.Description != nil {
		d, err := manualText("description", *p.Description, true)
		if err != nil {
			return ManualItemPatch{}, err
		}
		p.Description = &d
	}
	if p.Reference != nil {
		r, err := manualText("reference", *p.Reference, false)
		if err != nil {
			return ManualItemPatch{}, err
		}
		p.Reference = &r
	}
	if q := p.Quantity; q != nil && (!q.IsPositive() || q.GreaterThan(maxManualQuantity) || !q.Equal(q.Truncate(ManualQuantityPlaces))) {
		return ManualItemPatch{}, Invalid("quantity must be greater than 0 and at most %d, with at most %d decimal places.", MaxManualQuantity, ManualQuantityPlaces)
	}
	if u := p.UnitPrice; u != nil && (u.IsNegative() || u.GreaterThan(maxManualUnitPrice) || !u.Equal(u.Truncate(ManualPricePlaces))) {
		return ManualItemPatch{}, Invalid("unitPrice must be from 0 to %d, with at most %d decimal places.", MaxManualUnitPrice, ManualPricePlaces)
	}
	if p == (ManualItemPatch{}) {
		return ManualItemPatch{}, Invalid("Send at least one of description, reference, quantity and unitPrice.")
	}
	return p, nil
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
