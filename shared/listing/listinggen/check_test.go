package listinggen

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
)

// parseFixed reads a decimal with a point or a comma as an integer count of
// 10^-decimals units ("15.57", 2 → 1557).
func parseFixed(s string, decimals int) (int64, error) {
	s = strings.Replace(s, ",", ".", 1)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > decimals {
		return 0, fmt.Errorf("%q has more than %d decimals", s, decimals)
	}
	v, err := strconv.ParseInt(whole+frac+strings.Repeat("0", decimals-len(frac)), 10, 64)
	if err != nil {
		return 0, err
	}
	if neg {
		v = -v
	}
	return v, nil
}

// stats is what checkListing counts.
type stats struct {
	items        int   // ITEMs under AMBIENTS, all levels
	withoutPrice int   // ITEMs under ITEMSWITHOUTPRICE
	ambients     int   // AMBIENT elements
	categories   int   // CATEGORY elements
	depth        int   // deepest ITEM level (1 = top)
	table        int64 // listing TOTALPRICES@TABLE, cents
	bigParents   int   // items with children and QUANTITY > 1
}

// itemFrame is an ITEM being read.
type itemFrame struct {
	guid                      string
	uid, parentUID            int
	structure                 bool
	qty, mult                 int64 // QUANTITY and the ancestors' product, in 1e-4
	table, unit, total, comps int64
	childSum                  int64
	children                  int
}

// scope is a LISTING, AMBIENT or CATEGORY: its TOTALPRICES@TABLE and the
// sum of PRICE@TOTAL of the items inside.
type scope struct {
	name     string
	table    int64
	hasTable bool
	sum      int64
}

// checkListing token-scans a listing and fails t unless it is well-formed and
// every price relation documented in the package comment holds. unitTol is
// the allowed gap, in cents, between PRICE@UNIT and TABLE × QUANTITY (the
// real sample rounds in floating point: 1.145 → 1.14).
func checkListing(t *testing.T, data []byte, unitTol int64) stats {
	t.Helper()
	var (
		st         stats
		stack      []string
		items      []*itemFrame
		scopes     []*scope
		zeroLeaves = map[string]bool{}
		seenUID    = map[int]bool{}
		inWithout  bool
		group      struct{ base, value, sum int64 } // MARGINS/ORDER or BUDGET being read
		orderValue int64
	)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: %s", strings.Join(stack, "/"), fmt.Sprintf(format, args...))
	}
	money := func(s string) int64 {
		t.Helper()
		v, err := parseFixed(s, 2)
		if err != nil {
			fail("money %q: %v", s, err)
		}
		return v
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			a := map[string]string{}
			for _, at := range tok.Attr {
				a[at.Name.Local] = at.Value
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, name)
			switch name {
			case "LISTING", "AMBIENT", "CATEGORY":
				scopes = append(scopes, &scope{name: name})
				if name == "AMBIENT" {
					st.ambients++
				}
				if name == "CATEGORY" {
					st.categories++
				}
			case "ITEMSWITHOUTPRICE":
				inWithout = true
			case "TOTALPRICES":
				s := scopes[len(scopes)-1]
				s.table, s.hasTable = money(a["TABLE"]), true
				if s.name == "LISTING" {
					st.table = s.table
				}
				group.base = s.table
			case "ORDER", "BUDGET":
				if name == "BUDGET" {
					group.base = orderValue
				}
				group.value, group.sum = money(a["VALUE"]), 0
			case "MARGIN":
				group.sum += money(a["VALUE"])
			case "ITEM":
				f := &itemFrame{guid: a["GUID"], structure: a["STRUCTURE"] == "Y", mult: 10000}
				if f.qty, err = parseFixed(a["QUANTITY"], 4); err != nil {
					fail("QUANTITY: %v", err)
				}
				if f.uid, err = strconv.Atoi(a["UNIQUEID"]); err != nil {
					fail("UNIQUEID: %v", err)
				}
				if f.parentUID, err = strconv.Atoi(a["UNIQUEPARENTID"]); err != nil {
					fail("UNIQUEPARENTID: %v", err)
				}
				if inWithout {
					st.withoutPrice++
					if !zeroLeaves[f.guid] {
						fail("ITEMSWITHOUTPRICE holds %s, which is not a zero-priced leaf of the tree", f.guid)
					}
					delete(zeroLeaves, f.guid)
					items = append(items, f)
					break
				}
				st.items++
				want := -2
				if len(items) > 0 {
					p := items[len(items)-1]
					p.children++
					want = p.uid
					f.mult = p.mult * p.qty / 10000
				}
				if f.parentUID != want {
					fail("UNIQUEPARENTID %d, want %d", f.parentUID, want)
				}
				switch {
				case f.structure && f.uid != -1:
					fail("structure row with UNIQUEID %d", f.uid)
				case !f.structure && (f.uid <= 0 || seenUID[f.uid]):
					fail("catalogue row with UNIQUEID %d (not positive or repeated)", f.uid)
				}
				seenUID[f.uid] = true
				items = append(items, f)
				st.depth = max(st.depth, len(items))
			case "PRICE":
				if parent != "ITEM" {
					fail("PRICE outside ITEM")
				}
				f := items[len(items)-1]
				f.table, f.unit, f.total, f.comps = money(a["TABLE"]), money(a["UNIT"]), money(a["TOTAL"]), money(a["TOTALCOMPONENTS"])
			}
		case xml.EndElement:
			name := tok.Name.Local
			switch name {
			case "LISTING", "AMBIENT", "CATEGORY":
				s := scopes[len(scopes)-1]
				scopes = scopes[:len(scopes)-1]
				if !s.hasTable {
					fail("no TOTALPRICES")
				}
				if s.sum != s.table {
					fail("TOTALPRICES@TABLE %d cents, parts' PRICE@TOTAL sum to %d", s.table, s.sum)
				}
			case "ITEMSWITHOUTPRICE":
				inWithout = false
			case "ORDER", "BUDGET":
				if group.base+group.sum != group.value {
					fail("%s@VALUE %d, want %d + %d", name, group.value, group.base, group.sum)
				}
				orderValue = group.value
			case "ITEM":
				f := items[len(items)-1]
				items = items[:len(items)-1]
				if inWithout {
					break
				}
				if f.children > 0 {
					if f.table != 0 || f.unit != 0 || f.total != 0 {
						fail("parent %s priced %d/%d/%d", f.guid, f.table, f.unit, f.total)
					}
					if f.comps != f.childSum {
						fail("TOTALCOMPONENTS %d, children sum to %d", f.comps, f.childSum)
					}
					if f.qty > 10000 {
						st.bigParents++
					}
				} else {
					want := (f.table*f.qty + 5000) / 10000
					if d := f.unit - want; d > unitTol || d < -unitTol {
						fail("UNIT %d, TABLE %d × QUANTITY %d gives %d", f.unit, f.table, f.qty, want)
					}
					if f.total != f.unit*f.mult/10000 {
						fail("TOTAL %d, UNIT %d × parent quantity %d", f.total, f.unit, f.mult)
					}
					if f.comps != 0 {
						fail("leaf with TOTALCOMPONENTS %d", f.comps)
					}
					if f.total == 0 {
						zeroLeaves[f.guid] = true
					}
				}
				if len(items) > 0 {
					items[len(items)-1].childSum += f.total + f.comps
				}
				for _, s := range scopes {
					s.sum += f.total
				}
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(zeroLeaves) > 0 {
		t.Fatalf("%d zero-priced leaves missing from ITEMSWITHOUTPRICE", len(zeroLeaves))
	}
	return st
}
