package listinggen

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing/listingtest"
)

func TestFixed(t *testing.T) {
	tests := []struct {
		v        int64
		decimals int
		sep      byte
		want     string
	}{
		{1557, 2, '.', "15.57"},
		{140, 2, '.', "1.4"},
		{5500, 2, '.', "55"},
		{3, 2, '.', "0.03"},
		{0, 2, '.', "0"},
		{-14462, 2, '.', "-144.62"},
		{-3, 2, ',', "-0,03"},
		{2831, 4, '.', "0.2831"},
		{21480, 4, ',', "2,148"},
		{60000, 4, '.', "6"},
		{7015, 1, ',', "701,5"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := fixed(tt.v, tt.decimals, tt.sep); got != tt.want {
				t.Errorf("fixed(%d, %d) = %q, want %q", tt.v, tt.decimals, got, tt.want)
			}
		})
	}
}

// TestSampleRelations checks the documented price relations against the real
// export, so that the generator and the parsers rest on facts.
func TestSampleRelations(t *testing.T) {
	data, err := os.ReadFile(listingtest.SamplePath(t))
	if err != nil {
		t.Fatal(err)
	}
	st := checkListing(t, data, 1)
	if st.items != 251 || st.withoutPrice != 48 || st.table != 78341 || st.depth != 4 {
		t.Errorf("sample stats = %+v, want 251 items, 48 without price, TABLE 783.41, depth 4", st)
	}
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
	}{
		{"one part", Spec{Parts: 1, Seed: 1}},
		{"small", Spec{Parts: 7, Seed: 2}},
		{"simulator default", Spec{Parts: 40, Seed: 3, EnvironmentName: "Cozinha & Área <1>"}},
		{"kitchen", Spec{Parts: 300, Seed: 4}},
		{"three ambients", Spec{Parts: 500, Seed: 5, Ambients: 3}},
		{"as many ambients as parts", Spec{Parts: 4, Seed: 6, Ambients: 4}},
		{"decimal comma", Spec{Parts: 250, Seed: 7, DecimalComma: true}},
		{"house", Spec{Parts: 5000, Seed: 8, Ambients: 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := Bytes(tt.spec)
			st := checkListing(t, data, 0)
			ambients := max(tt.spec.Ambients, 1)
			if st.items != tt.spec.Parts {
				t.Errorf("%d ITEMs under AMBIENTS, want %d", st.items, tt.spec.Parts)
			}
			if st.ambients != ambients {
				t.Errorf("%d AMBIENTs, want %d", st.ambients, ambients)
			}
			if tt.spec.Parts >= 20 && st.table <= 0 {
				t.Errorf("listing TABLE %d, want a positive total", st.table)
			}
			if tt.spec.Parts >= 300 {
				if st.depth != 4 {
					t.Errorf("deepest ITEM level %d, want 4", st.depth)
				}
				if st.bigParents == 0 {
					t.Error("no parent with QUANTITY > 1: relative quantities are not exercised")
				}
				if st.withoutPrice == 0 {
					t.Error("ITEMSWITHOUTPRICE is empty")
				}
				if st.categories <= ambients {
					t.Errorf("%d CATEGORYs for %d ambients, want a second category", st.categories, ambients)
				}
			}
		})
	}
}

func TestHeaderFields(t *testing.T) {
	spec := Spec{ProjectGUID: "79a9ee88-ce1c-4528-8992-bc5d3ef387b0", EnvironmentGUID: "133e1aba-eb1b-4467-84bf-9969f9f564ee",
		EnvironmentName: "Cozinha", CustomerName: "Maria & Filhos", Parts: 60, Seed: 9, Ambients: 2}
	var listing struct {
		ID      string `xml:"ID,attr"`
		Project struct {
			GUID string `xml:"GUID,attr"`
		} `xml:"PROJECTGUID"`
		Data []struct {
			ID    string `xml:"ID,attr"`
			Value string `xml:"VALUE,attr"`
		} `xml:"CUSTOMERSDATA>DATA"`
		Ambients []struct {
			GUID        string `xml:"GUID,attr"`
			Description string `xml:"DESCRIPTION,attr"`
		} `xml:"AMBIENTS>AMBIENT"`
	}
	if err := xml.Unmarshal(Bytes(spec), &listing); err != nil {
		t.Fatal(err)
	}
	if listing.ID != "BUDGET_STRUCTURED_W_OP" || listing.Project.GUID != spec.ProjectGUID {
		t.Errorf("LISTING ID %q, PROJECTGUID %q", listing.ID, listing.Project.GUID)
	}
	if len(listing.Ambients) != 2 || listing.Ambients[0].GUID != spec.EnvironmentGUID || listing.Ambients[0].Description != "Cozinha" ||
		listing.Ambients[1].Description != "Cozinha 2" || listing.Ambients[1].GUID == spec.EnvironmentGUID {
		t.Errorf("ambients = %+v", listing.Ambients)
	}
	if i := slices.IndexFunc(listing.Data, func(d struct {
		ID    string `xml:"ID,attr"`
		Value string `xml:"VALUE,attr"`
	}) bool {
		return d.ID == "nomecliente"
	}); i < 0 || listing.Data[i].Value != "Maria & Filhos" {
		t.Errorf("nomecliente missing or wrong in %+v", listing.Data)
	}
}

func TestDeterministic(t *testing.T) {
	spec := Spec{Parts: 400, Seed: 42, Ambients: 2}
	a, b := Bytes(spec), Bytes(spec)
	if !bytes.Equal(a, b) {
		t.Fatal("two listings from the same spec differ")
	}
	spec.Seed = 43
	if bytes.Equal(a, Bytes(spec)) {
		t.Fatal("listings from different seeds are equal")
	}
}

// TestDecimalComma checks that the comma form carries the same numbers and no
// decimal point in any numeric attribute.
func TestDecimalComma(t *testing.T) {
	spec := Spec{Parts: 300, Seed: 11}
	point := Bytes(spec)
	spec.DecimalComma = true
	comma := Bytes(spec)
	if a, b := checkListing(t, point, 0), checkListing(t, comma, 0); a != b {
		t.Fatalf("stats differ: point %+v, comma %+v", a, b)
	}
	numeric := regexp.MustCompile(` (QUANTITY|WIDTH|HEIGHT|DEPTH|TABLE|UNIT|TOTAL|TOTALCOMPONENTS|VALUE|PARCELVALUE)="-?[0-9]+\.[0-9]+"`)
	if m := numeric.Find(comma); m != nil {
		t.Errorf("decimal point in the comma listing: %s", m)
	}
	if !numeric.Match(point) {
		t.Error("no decimal point in the point listing")
	}
}

func TestInvalidSpec(t *testing.T) {
	for _, s := range []Spec{{Parts: 0}, {Parts: 2, Ambients: 3}, {Parts: 5, Ambients: -1}} {
		if err := Write(io.Discard, s); !errors.Is(err, ErrSpec) {
			t.Errorf("Write(%+v) = %v, want ErrSpec", s, err)
		}
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	if err := Write(&failingWriter{after: 100 << 10}, Spec{Parts: 2000, Seed: 1}); err == nil || err.Error() != "disk full" {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
}

// TestLarge generates 100,000 parts, the size the generator is built for.
func TestLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000-part listing skipped in -short")
	}
	var b bytes.Buffer
	if err := Write(&b, Spec{Parts: 100_000, Seed: 99, Ambients: 12}); err != nil {
		t.Fatal(err)
	}
	if st := checkListing(t, b.Bytes(), 0); st.items != 100_000 {
		t.Fatalf("%d items, want 100000", st.items)
	}
}

// vocabulary is the element and attribute names a listing uses.
type vocabulary struct {
	attrs      map[string]map[string]bool // element (outside REFERENCES) → attribute names
	references map[string]bool            // tags inside REFERENCES
	itemOrders map[string]int             // ITEM attribute lists in document order → count
	values     map[string]map[string]bool // "STRUCTUREKEY", "MARGIN@ID", "DATA@ID" → values
}

func vocabularyOf(t *testing.T, data []byte) vocabulary {
	t.Helper()
	v := vocabulary{attrs: map[string]map[string]bool{}, references: map[string]bool{}, itemOrders: map[string]int{},
		values: map[string]map[string]bool{"STRUCTUREKEY": {}, "MARGIN@ID": {}, "DATA@ID": {}}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return v
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			if len(stack) > 0 && stack[len(stack)-1] == "REFERENCES" {
				v.references[name] = true
				if len(tok.Attr) != 1 || tok.Attr[0].Name.Local != "REFERENCE" {
					t.Errorf("REFERENCES/%s has attributes %v, want REFERENCE only", name, tok.Attr)
				}
			} else {
				if v.attrs[name] == nil {
					v.attrs[name] = map[string]bool{}
				}
				var order []string
				for _, a := range tok.Attr {
					v.attrs[name][a.Name.Local] = true
					order = append(order, a.Name.Local)
					switch {
					case a.Name.Local == "STRUCTUREKEY":
						v.values["STRUCTUREKEY"][a.Value] = true
					case a.Name.Local == "ID" && (name == "MARGIN" || name == "DATA"):
						v.values[name+"@ID"][a.Value] = true
					}
				}
				if name == "ITEM" {
					v.itemOrders[strings.Join(order, " ")]++
				}
			}
			stack = append(stack, name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestVocabularyMatchesSample compares the names the generator writes with
// the real export: the same elements with the same attributes, ITEM
// attributes in the sample's order, REFERENCES tags, margin and customer-data
// ids, and structure keys taken from the sample.
func TestVocabularyMatchesSample(t *testing.T) {
	sampleData, err := os.ReadFile(listingtest.SamplePath(t))
	if err != nil {
		t.Fatal(err)
	}
	sample := vocabularyOf(t, sampleData)
	gen := vocabularyOf(t, Bytes(Spec{Parts: 3000, Seed: 5, Ambients: 2}))

	t.Run("elements", func(t *testing.T) {
		if a, b := keys(toSet(sample.attrs)), keys(toSet(gen.attrs)); !slices.Equal(a, b) {
			t.Errorf("elements differ:\nsample    %v\ngenerated %v", a, b)
		}
	})
	t.Run("attributes", func(t *testing.T) {
		for el, attrs := range gen.attrs {
			want := sample.attrs[el]
			if el == "ITEM" { // the sample has a few catalogue rows without ITEM_BASE
				continue
			}
			if a, b := keys(want), keys(attrs); !slices.Equal(a, b) {
				t.Errorf("%s attributes differ:\nsample    %v\ngenerated %v", el, a, b)
			}
		}
		if a, b := keys(sample.attrs["ITEM"]), keys(gen.attrs["ITEM"]); !slices.Equal(a, b) {
			t.Errorf("ITEM attributes differ:\nsample    %v\ngenerated %v", a, b)
		}
	})
	t.Run("item attribute order", func(t *testing.T) {
		for order := range gen.itemOrders {
			if sample.itemOrders[order] == 0 {
				t.Errorf("ITEM attribute order not in the sample: %s", order)
			}
		}
	})
	for _, name := range []string{"STRUCTUREKEY", "MARGIN@ID"} {
		t.Run(name, func(t *testing.T) {
			if a, b := keys(sample.values[name]), keys(gen.values[name]); !slices.Equal(a, b) {
				t.Errorf("values differ:\nsample    %v\ngenerated %v", a, b)
			}
		})
	}
	t.Run("subsets", func(t *testing.T) {
		for _, c := range []struct {
			name      string
			gen, want map[string]bool
		}{
			{"REFERENCES tags", gen.references, sample.references},
			{"DATA ids", gen.values["DATA@ID"], sample.values["DATA@ID"]},
		} {
			for k := range c.gen {
				if !c.want[k] {
					t.Errorf("%s: %q is not in the sample", c.name, k)
				}
			}
		}
	})
}

func toSet(m map[string]map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}
