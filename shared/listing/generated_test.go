package listing_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
)

func TestGenerated(t *testing.T) {
	for _, parts := range []int{1, 40, 20_000} {
		t.Run(fmt.Sprint(parts), func(t *testing.T) {
			spec := listinggen.Spec{Parts: parts, Seed: int64(parts), ProjectGUID: "p-gen", EnvironmentName: "Cozinha"}
			h, items, err := listing.ParseAll(bytes.NewReader(listinggen.Bytes(spec)))
			if err != nil {
				t.Fatal(err)
			}
			if h.Items != parts || len(items) != parts || h.ProjectGUID != "p-gen" || h.Ambient.Description != "Cozinha" {
				t.Fatalf("header %+v with %d items, want %d", h, len(items), parts)
			}
			if !h.PriceTotal.Equal(h.Table) || !h.Ambient.Table.Equal(h.Table) {
				t.Errorf("Σ PRICE@TOTAL %s, listing TABLE %s, ambient TABLE %s", h.PriceTotal, h.Table, h.Ambient.Table)
			}
			categoryItems := 0
			for _, c := range h.Categories {
				categoryItems += c.Items
			}
			if categoryItems != parts {
				t.Errorf("categories hold %d items, want %d", categoryItems, parts)
			}
			checkTree(t, items)
			multiplied := checkRealQuantities(t, items)
			if parts >= 20_000 && multiplied == 0 {
				t.Error("no priced leaf under a parent with QUANTITY > 1: multiplication down the chain is not exercised")
			}
		})
	}
}

// checkRealQuantities fails t unless every item's real quantity is the
// product of the QUANTITYs down its chain and agrees with Promob's prices:
// PRICE@TOTAL = PRICE@UNIT × the parents' real quantity, that is
// TOTAL × QUANTITY = UNIT × real quantity. It returns the number of priced
// leaves whose parents' real quantity is above 1.
func checkRealQuantities(t *testing.T, items []listing.Item) int {
	t.Helper()
	multiplied := 0
	for _, it := range items {
		want := it.Quantity.Mul(it.Repetition)
		for p := it.Parent; p >= 0; p = items[p].Parent {
			want = want.Mul(items[p].Quantity).Mul(items[p].Repetition)
		}
		if !it.RealQuantity.Equal(want) {
			t.Fatalf("item %d: real quantity %s, the chain gives %s", it.Index, it.RealQuantity, want)
		}
		if it.HasChildren || it.Quantity.IsZero() {
			continue
		}
		if !it.Price.Total.Mul(it.Quantity).Equal(it.Price.Unit.Mul(it.RealQuantity)) {
			t.Fatalf("item %d: TOTAL %s × QUANTITY %s ≠ UNIT %s × real quantity %s", it.Index, it.Price.Total, it.Quantity, it.Price.Unit, it.RealQuantity)
		}
		if it.Parent >= 0 && items[it.Parent].RealQuantity.GreaterThan(dec("1")) && !it.Price.Unit.IsZero() {
			multiplied++
		}
	}
	return multiplied
}

func TestDecimalComma(t *testing.T) {
	spec := listinggen.Spec{Parts: 2_000, Seed: 7}
	point := listinggen.Bytes(spec)
	spec.DecimalComma = true
	comma := listinggen.Bytes(spec)
	if bytes.Equal(point, comma) || !bytes.Contains(comma, []byte(`QUANTITY="0,`)) {
		t.Fatal("the decimal-comma listing does not differ by its numbers")
	}
	hp, ip, err := listing.ParseAll(bytes.NewReader(point))
	if err != nil {
		t.Fatal(err)
	}
	hc, ic, err := listing.ParseAll(bytes.NewReader(comma))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := fmt.Sprintf("%+v", hp), fmt.Sprintf("%+v", hc); a != b {
		t.Errorf("headers differ:\npoint %s\ncomma %s", a, b)
	}
	if len(ip) != len(ic) {
		t.Fatalf("%d items with a decimal point, %d with a comma", len(ip), len(ic))
	}
	for i := range ip {
		if a, b := fmt.Sprintf("%+v", ip[i]), fmt.Sprintf("%+v", ic[i]); a != b {
			t.Fatalf("item %d differs:\npoint %s\ncomma %s", i, a, b)
		}
	}
}

func TestGeneratedAmbients(t *testing.T) {
	data := listinggen.Bytes(listinggen.Spec{Parts: 90, Seed: 3, Ambients: 3})
	calls := 0
	_, err := listing.Parse(bytes.NewReader(data), func(listing.Item) error { calls++; return nil })
	var le *listing.Error
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "the listing has 3 environments (AMBIENT)") {
		t.Fatalf("err = %v, want the 3 environments refused", err)
	}
	if calls != 30 {
		t.Errorf("%d items delivered before the refusal, want the first ambient's 30 only", calls)
	}
}
