package domain

import (
	"cmp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// PartKey identifies a part across versions: its REFERENCE and DESCRIPTION.
// Promob regenerates GUIDs and UNIQUEIDs when a module is re-inserted, so
// they do not follow a part from revision to revision; the reference and
// description do. Parts with the same key are summed.
type PartKey struct {
	Reference   string `json:"reference"`
	Description string `json:"description"`
}

// PartChange is a part whose quantity differs between two versions.
type PartChange struct {
	PartKey
	Unit   string          `json:"unit,omitempty"`
	Before decimal.Decimal `json:"before"` // quantity in the converted version (0 when added)
	After  decimal.Decimal `json:"after"`  // quantity in the latest version (0 when removed)
}

// Diff is what changed from one version to another.
type Diff struct {
	Added   []PartChange `json:"added"`
	Removed []PartChange `json:"removed"`
	Changed []PartChange `json:"changed"`
	// Manual is what changed in the manual items (see CompareManual).
	Manual     ManualDiff `json:"manual"`
	TotalDelta Money      `json:"totalDelta"`
}

type partSum struct {
	unit     string
	quantity decimal.Decimal
}

// sumParts sums the real quantities of the parts (items without children)
// by PartKey.
func sumParts(items []PromobItem) map[PartKey]partSum {
	out := map[PartKey]partSum{}
	for _, it := range items {
		if it.HasChildren {
			continue
		}
		k := PartKey{strings.TrimSpace(it.Reference), strings.TrimSpace(it.Description)}
		s := out[k]
		s.unit = cmp.Or(s.unit, it.Unit)
		s.quantity = s.quantity.Add(it.RealQuantity)
		out[k] = s
	}
	return out
}

// Compare returns the parts added, removed and whose quantity changed from
// before to after (each sorted by reference, then description), and the
// difference of the versions' totals, in cents.
func Compare(before, after []PromobItem, totalBefore, totalAfter decimal.Decimal) Diff {
	b, a := sumParts(before), sumParts(after)
	d := Diff{Added: []PartChange{}, Removed: []PartChange{}, Changed: []PartChange{}, Manual: CompareManual(nil, nil), TotalDelta: Cents(totalAfter.Sub(totalBefore))}
	for k, av := range a {
		bv, ok := b[k]
		switch {
		case !ok:
			d.Added = append(d.Added, PartChange{PartKey: k, Unit: av.unit, Before: decimal.Zero, After: av.quantity})
		case !bv.quantity.Equal(av.quantity):
			d.Changed = append(d.Changed, PartChange{PartKey: k, Unit: av.unit, Before: bv.quantity, After: av.quantity})
		}
	}
	for k, bv := range b {
		if _, ok := a[k]; !ok {
			d.Removed = append(d.Removed, PartChange{PartKey: k, Unit: bv.unit, Before: bv.quantity, After: decimal.Zero})
		}
	}
	for _, l := range [][]PartChange{d.Added, d.Removed, d.Changed} {
		slices.SortFunc(l, func(x, y PartChange) int {
			return cmp.Or(cmp.Compare(x.Reference, y.Reference), cmp.Compare(x.Description, y.Description))
		})
	}
	return d
}

// NoSupplier is the supplier of parts whose FAMILY is empty.
const NoSupplier = "Sem fornecedor"

// PurchaseOrder is what the store orders from one supplier for an
// environment's reviewed version.
type PurchaseOrder struct {
	ID            string         `json:"id"`
	EnvironmentID string         `json:"environmentId"`
	Version       int            `json:"version"`
	Supplier      string         `json:"supplier"`
	Lines         []PurchaseLine `json:"lines"`
	Total         Money          `json:"total"` // the sum of the lines' cost
	CreatedBy     string         `json:"createdBy"`
}

// PurchaseLine is one part of a purchase order: the parts with the same
// reference and description summed.
type PurchaseLine struct {
	Reference   string          `json:"reference"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	Unit        string          `json:"unit"`
	Cost        Money           `json:"cost"` // Promob's PRICE@TOTAL of these parts (the cost basis), in cents
}

// SupplierOf returns the supplier of a part: the commercial rules' supplier
// of its FAMILY, else the FAMILY itself, else NoSupplier.
func SupplierOf(family string, suppliers map[string]string) string {
	family = strings.TrimSpace(family)
	if s := suppliers[family]; s != "" {
		return s
	}
	return cmp.Or(family, NoSupplier)
}

// PurchaseOrders groups the parts (items without children) of a version by
// supplier (see SupplierOf): one order per supplier, sorted by supplier,
// lines sorted by reference then description.
func PurchaseOrders(envID string, version int, items []PromobItem, suppliers map[string]string, by string) []PurchaseOrder {
	type lineKey struct {
		supplier string
		part     PartKey
	}
	lines := map[lineKey]*PurchaseLine{}
	costs := map[lineKey]decimal.Decimal{}
	for _, it := range items {
		if it.HasChildren {
			continue
		}
		k := lineKey{SupplierOf(it.Family, suppliers), PartKey{strings.TrimSpace(it.Reference), strings.TrimSpace(it.Description)}}
		l := lines[k]
		if l == nil {
			l = &PurchaseLine{Reference: k.part.Reference, Description: k.part.Description, Unit: it.Unit}
			lines[k] = l
		}
		l.Quantity = l.Quantity.Add(it.RealQuantity)
		costs[k] = costs[k].Add(it.PriceTotal)
	}
	orders := map[string]*PurchaseOrder{}
	for k, l := range lines {
		o := orders[k.supplier]
		if o == nil {
			o = &PurchaseOrder{EnvironmentID: envID, Version: version, Supplier: k.supplier, CreatedBy: by}
			orders[k.supplier] = o
		}
		l.Cost = Cents(costs[k])
		o.Lines = append(o.Lines, *l)
		o.Total = Money{Decimal: o.Total.Add(l.Cost.Decimal)}
	}
	out := make([]PurchaseOrder, 0, len(orders))
	for _, o := range orders {
		slices.SortFunc(o.Lines, func(x, y PurchaseLine) int {
			return cmp.Or(cmp.Compare(x.Reference, y.Reference), cmp.Compare(x.Description, y.Description))
		})
		out = append(out, *o)
	}
	slices.SortFunc(out, func(x, y PurchaseOrder) int { return cmp.Compare(x.Supplier, y.Supplier) })
	for i := range out {
		out[i].ID = NewID()
	}
	return out
}
