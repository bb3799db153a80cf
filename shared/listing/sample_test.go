package listing_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listingtest"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestSampleHeader(t *testing.T) {
	h, items, err := listing.ParseAll(bytes.NewReader(listingtest.Sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"ListingID", h.ListingID, "BUDGET_STRUCTURED_W_OP"},
		{"ProjectGUID", h.ProjectGUID, "79a9ee88-ce1c-4528-8992-bc5d3ef387b0"},
		{"Ambient.GUID", h.Ambient.GUID, "133e1aba-eb1b-4467-84bf-9969f9f564ee"},
		{"Ambient.Description", h.Ambient.Description, "Projeto - Ambiente 3D"},
		{"Ambient.UniqueID", h.Ambient.UniqueID, `3\0`},
		{"Table", h.Table.String(), "783.41"},
		{"Ambient.Table", h.Ambient.Table.String(), "783.41"},
		{"PriceTotal", h.PriceTotal.String(), "783.41"},
		// 299 ITEM elements in the file: 251 in the tree, 48 repeated
		// under ITEMSWITHOUTPRICE, which is skipped.
		{"Items", h.Items, 251},
		{"len(items)", len(items), 251},
		{"Modules", h.Modules, 6},
		{"Categories", len(h.Categories), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(h.Categories) == 1 {
		c := h.Categories[0]
		if c.Description != "Cozinhas" || c.Table.String() != "783.41" || c.Items != 251 {
			t.Errorf("category = %+v, want Cozinhas, 783.41, 251 items", c)
		}
	}
}

func TestSampleModules(t *testing.T) {
	_, items, err := listing.ParseAll(bytes.NewReader(listingtest.Sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	var modules []string
	deepest := 0
	for _, it := range items {
		if it.Level == 1 {
			modules = append(modules, it.Description+" "+it.UniqueID)
			if it.Parent != -1 || it.UniqueParentID != "-2" {
				t.Errorf("module %s: Parent %d, UNIQUEPARENTID %s", it.Description, it.Parent, it.UniqueParentID)
			}
		}
		deepest = max(deepest, it.Level)
	}
	want := []string{
		"Balcão 1 Porta 139", "Balcão 2 Gavetas + 1 Gavetão 407", "Frente de Gaveta Reta 344",
		"Frente de Gaveta Reta 275", "Frente de Gaveta Reta 206", "Porta Inferior Dob Total Reta 86",
	}
	if !slices.Equal(modules, want) {
		t.Errorf("modules = %q, want %q", modules, want)
	}
	if deepest != 4 {
		t.Errorf("deepest level %d, want 4 (module → sub-module → part → material or operation)", deepest)
	}
}

// TestSampleNestedQuantity follows one part down its chain. "Cavilha 8X30"
// (UNIQUEID 573) sits at level 4: module "Balcão 2 Gavetas + 1 Gavetão"
// (407, QUANTITY 1) → "Gaveta Telescópica" (207, QUANTITY 1) → "Contra
// Frente Gaveta" (231, QUANTITY 1) → the dowel, QUANTITY 2 per drawer front.
// Its real quantity is 1 × 1 × 1 × 2 = 2, and Promob's own PRICE agrees:
// TABLE 0.03 × 2 = UNIT 0.06 = TOTAL 0.06. Every parent in the sample has
// QUANTITY 1, so there every real quantity equals the item's own QUANTITY;
// chains with quantities above 1 are checked on generated listings and in
// TestRealQuantity.
func TestSampleNestedQuantity(t *testing.T) {
	_, items, err := listing.ParseAll(bytes.NewReader(listingtest.Sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(items, func(it listing.Item) bool { return it.UniqueID == "573" })
	if i < 0 {
		t.Fatal("UNIQUEID 573 not found")
	}
	it := items[i]
	if it.Description != "Cavilha 8X30" || it.Level != 4 || it.HasChildren {
		t.Fatalf("item 573 = %q at level %d (children %v), want Cavilha 8X30 at level 4, a leaf", it.Description, it.Level, it.HasChildren)
	}
	if !it.Quantity.Equal(dec("2")) || !it.RealQuantity.Equal(dec("2")) || !it.Repetition.Equal(dec("1")) {
		t.Errorf("QUANTITY %s, REPETITION %s, real %s; want 2, 1, 2", it.Quantity, it.Repetition, it.RealQuantity)
	}
	if it.Price.Table.String() != "0.03" || it.Price.Unit.String() != "0.06" || it.Price.Total.String() != "0.06" {
		t.Errorf("PRICE = %+v, want 0.03 / 0.06 / 0.06", it.Price)
	}
	if it.Family != "Ferragens" || it.Reference != "CAV" || it.Unit != "UN" || it.Category != "Cozinhas" ||
		it.TextDimension != "8 x 30" || !it.Width.Equal(dec("8")) || !it.Height.Equal(dec("30")) || !it.Depth.Equal(dec("8")) {
		t.Errorf("item 573 fields = %+v", it)
	}
	var chain []string
	for p := it.Parent; p >= 0; p = items[p].Parent {
		chain = append(chain, items[p].UniqueID+" "+items[p].Description+" ×"+items[p].Quantity.String())
	}
	want := []string{"231 Contra Frente Gaveta ×1", "207 Gaveta Telescópica ×1", "407 Balcão 2 Gavetas + 1 Gavetão ×1"}
	if !slices.Equal(chain, want) {
		t.Errorf("parent chain = %q, want %q", chain, want)
	}
	for _, it := range items {
		if !it.RealQuantity.Equal(it.Quantity) {
			t.Errorf("item %d: real quantity %s, QUANTITY %s: the sample's parents all have QUANTITY 1", it.Index, it.RealQuantity, it.Quantity)
		}
	}
}

// TestSampleTree checks the tree's links against Promob's own UNIQUEIDs and
// that parents carry no price of their own.
func TestSampleTree(t *testing.T) {
	_, items, err := listing.ParseAll(bytes.NewReader(listingtest.Sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	checkTree(t, items)
	structure := 0
	for _, it := range items {
		if it.Structure {
			structure++
			if it.UniqueID != "-1" || it.StructureKey == "" {
				t.Errorf("structure row %d: UNIQUEID %s, STRUCTUREKEY %q", it.Index, it.UniqueID, it.StructureKey)
			}
		}
	}
	if structure == 0 {
		t.Error("no STRUCTURE rows read")
	}
}

// checkTree fails t unless the items form a tree in document order whose
// links agree with UNIQUEPARENTID and whose parents are priced at zero.
func checkTree(t *testing.T, items []listing.Item) {
	t.Helper()
	children := make([]int, len(items))
	for i, it := range items {
		if it.Index != i {
			t.Fatalf("item %d has Index %d", i, it.Index)
		}
		if it.Parent < 0 {
			if it.Level != 1 {
				t.Fatalf("item %d: no parent at level %d", i, it.Level)
			}
			continue
		}
		p := items[it.Parent]
		children[it.Parent]++
		if it.Parent >= i || it.Level != p.Level+1 {
			t.Fatalf("item %d: parent %d at level %d, own level %d", i, it.Parent, p.Level, it.Level)
		}
		if !p.Structure && it.UniqueParentID != p.UniqueID {
			t.Fatalf("item %d: UNIQUEPARENTID %s, parent's UNIQUEID %s", i, it.UniqueParentID, p.UniqueID)
		}
	}
	for i, it := range items {
		if it.HasChildren != (children[i] > 0) {
			t.Fatalf("item %d: HasChildren %v with %d children", i, it.HasChildren, children[i])
		}
		if it.HasChildren && !it.Price.Total.IsZero() {
			t.Fatalf("item %d has children and PRICE@TOTAL %s", i, it.Price.Total)
		}
	}
}
