package domain

import (
	"cmp"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// The rules that keep a version's budget as it was approved. A version's
// budget (its Promob lines, its manual lines, the commercial rules it was
// priced with, its total) is fixed once the version is converted or another
// version follows it. Before the conversion the latest version's budget
// follows the environment's manual items; after it, a change of manual
// items makes a new version of the same Promob revision; after the purchase
// orders no change is taken. A change of commercial rules reprices no
// existing version: the next version is priced with them, and the latest
// unconverted version only when the store asks for it (Reprice).

// MaxManualItems bounds the manual items of an environment: each version
// stores them with its budget, in one DynamoDB item.
const MaxManualItems = 200

// ItemPos is a position in a version's stored items: the index of an item
// within a stored chunk. The zero ItemPos is the first item.
type ItemPos struct {
	Chunk, Index int
}

// ManualChange records a version made by a change of manual items after the
// conversion: same Promob revision as the version before, new manual lines.
type ManualChange struct {
	By string    `json:"by"` // the user who changed the manual items
	At time.Time `json:"at"`
}

// BudgetFixed reports whether version n's budget can no longer change: it is
// converted, or it is not the latest version.
func (e Environment) BudgetFixed(n int) bool {
	return n != e.LatestVersion || n == e.ConvertedVersion
}

// ManualEffect is what a change of the manual items does to the versions.
type ManualEffect int

// The effects of a change of manual items.
const (
	// ManualNoVersion: nothing is imported yet; the first version takes the
	// manual items as they are then.
	ManualNoVersion ManualEffect = iota
	// ManualRepriceLatest: the latest version is not converted, so its
	// budget follows the change.
	ManualRepriceLatest
	// ManualNewVersion: the latest version is converted; the change makes
	// a new version of the same Promob revision.
	ManualNewVersion
)

// ManualChangeEffect returns what a change of the environment's manual items
// does, or an environment_locked *Error once the purchase orders exist.
func (e Environment) ManualChangeEffect() (ManualEffect, error) {
	switch {
	case e.CanChange() != nil:
		return 0, e.CanChange()
	case e.LatestVersion == 0:
		return ManualNoVersion, nil
	case e.LatestVersion == e.ConvertedVersion:
		return ManualNewVersion, nil
	default:
		return ManualRepriceLatest, nil
	}
}

// CanReprice returns nil when the latest version may be priced again with
// the store's current commercial rules, else the refusal: not_found before
// the first version, environment_locked after the purchase orders,
// already_converted when the latest version is the converted one (its
// budget is the contract).
func (e Environment) CanReprice() error {
	switch {
	case e.CanChange() != nil:
		return e.CanChange()
	case e.LatestVersion == 0:
		return NotFound("Environment %s has no version to reprice yet.", e.ID)
	case e.LatestVersion == e.ConvertedVersion:
		return AlreadyConverted(e.ID, e.LatestVersion)
	}
	return nil
}

// CheckManualCount returns an invalid_request *Error when an environment
// that has n manual items cannot take one more.
func CheckManualCount(n int) error {
	if n >= MaxManualItems {
		return Invalid("An environment holds at most %d manual items.", MaxManualItems)
	}
	return nil
}

// ManualLine is a manual item as a version's budget holds it.
type ManualLine struct {
	ID          string          `json:"id"`
	Description string          `json:"description"`
	Reference   string          `json:"reference"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
}

// ManualItemChange is a manual item as it was in one version and as it is
// in another.
type ManualItemChange struct {
	Before ManualLine `json:"before"`
	After  ManualLine `json:"after"`
}

// ManualDiff is what changed in the manual items from one version to
// another, each list sorted by item id (creation order).
type ManualDiff struct {
	Added   []ManualLine       `json:"added"`
	Removed []ManualLine       `json:"removed"`
	Changed []ManualItemChange `json:"changed"`
}

// CompareManual returns the manual items added, removed and changed
// (description, reference, quantity or unit price) from before to after.
func CompareManual(before, after []ManualLine) ManualDiff {
	d := ManualDiff{Added: []ManualLine{}, Removed: []ManualLine{}, Changed: []ManualItemChange{}}
	b := map[string]ManualLine{}
	for _, m := range before {
		b[m.ID] = m
	}
	seen := map[string]bool{}
	for _, a := range after {
		seen[a.ID] = true
		old, ok := b[a.ID]
		switch {
		case !ok:
			d.Added = append(d.Added, a)
		case old.Description != a.Description || old.Reference != a.Reference || !old.Quantity.Equal(a.Quantity) || !old.UnitPrice.Equal(a.UnitPrice):
			d.Changed = append(d.Changed, ManualItemChange{Before: old, After: a})
		}
	}
	for _, m := range before {
		if !seen[m.ID] {
			d.Removed = append(d.Removed, m)
		}
	}
	byID := func(x, y ManualLine) int { return cmp.Compare(x.ID, y.ID) }
	slices.SortFunc(d.Added, byID)
	slices.SortFunc(d.Removed, byID)
	slices.SortFunc(d.Changed, func(x, y ManualItemChange) int { return byID(x.After, y.After) })
	return d
}
