package listing_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/foccolojas/promob-integration/shared/listing"
)

func TestRefused(t *testing.T) {
	valid := doc(item(`QUANTITY="1"`, "10"))
	twoAmbients := strings.Replace(valid, "</AMBIENTS>",
		`<AMBIENT GUID="a-2" DESCRIPTION="Sala"><CATEGORIES><CATEGORY DESCRIPTION="Salas"><ITEMS>`+item(`QUANTITY="1"`, "1")+`</ITEMS></CATEGORY></CATEGORIES></AMBIENT></AMBIENTS>`, 1)
	deep := strings.Repeat("<A>", 10_000) + strings.Repeat("</A>", 10_000)
	deepItems := strings.Repeat(`<ITEM QUANTITY="1"><ITEMS>`, 10_000)
	tests := []struct {
		name   string
		in     string
		reason string // a part of the reason
		line   int    // 0: not checked
	}{
		{"empty", "", "no LISTING element", 0},
		{"only the declaration", "<?xml version='1.0' encoding='utf-8'?>\n", "no LISTING element", 0},
		{"malformed", "<LISTING>\n<AMBIENTS>\n</LISTING>", "malformed XML", 3},
		{"truncated", valid[:len(valid)/2], "malformed XML: unexpected EOF", 0},
		{"unknown entity", strings.Replace(valid, `DESCRIPTION="Peça"`, `DESCRIPTION="&x;"`, 1), "malformed XML", 0},
		{"root other than LISTING", `<BUDGET><AMBIENTS /></BUDGET>`, "root element is <BUDGET>", 1},
		{"second root", valid + "<LISTING />", "after the LISTING element", 0},
		{"text after the root", valid + "oops", "text outside the LISTING element", 0},
		{"no AMBIENT", strings.NewReplacer("<AMBIENT ", "<ROOM ", "</AMBIENT>", "</ROOM>").Replace(valid), "the listing has no environment (AMBIENT)", 0},
		{"no AMBIENTS", `<LISTING><PROJECTGUID GUID="p" /></LISTING>`, "the listing has no environment (AMBIENT)", 0},
		{"two AMBIENTs", twoAmbients, "the listing has 2 environments (AMBIENT); FoccoLojas imports one environment per listing", 0},
		{"no PROJECTGUID", strings.Replace(valid, `<PROJECTGUID GUID="p-1" />`, "", 1), "no project GUID", 0},
		{"DOCTYPE", "<!DOCTYPE LISTING>\n" + valid, "<!DOCTYPE…> declaration", 1},
		{"ENTITY", `<!DOCTYPE LISTING [<!ENTITY big "` + strings.Repeat("x", 100) + `">]>` + valid, "DOCTYPE and ENTITY declarations are refused", 1},
		{"invalid UTF-8", strings.Replace(valid, "Peça", "Pe\xe7a", 1), "invalid UTF-8", 0},
		{"XML version 2", strings.Replace(valid, "version='1.0'", "version='2.0'", 1), `malformed XML: unsupported version "2.0"`, 1},
		{"latin-1 declared", strings.Replace(valid, "encoding='utf-8'", "encoding='ISO-8859-1'", 1), `encoded as "ISO-8859-1"`, 1},
		{"deep elements", "<LISTING>" + deep + "</LISTING>", "deeper than 64 levels", 1},
		{"deep items", doc(deepItems), "deeper than 64 levels", 0},
		{"no QUANTITY", doc(item(``, "1")), `item 1 ("Peça") has no QUANTITY`, 0},
		{"empty QUANTITY", doc(item(`QUANTITY=""`, "1")), `QUANTITY "" is not a number`, 0},
		{"non-numeric QUANTITY", doc(item(`QUANTITY="abc"`, "1")), `QUANTITY "abc" is not a number`, 0},
		{"NaN QUANTITY", doc(item(`QUANTITY="NaN"`, "1")), `QUANTITY "NaN" is not a number`, 0},
		{"infinite QUANTITY", doc(item(`QUANTITY="Inf"`, "1")), `QUANTITY "Inf" is not a number`, 0},
		{"exponent", doc(item(`QUANTITY="1e3"`, "1")), `QUANTITY "1e3" is not a number`, 0},
		{"thousands and decimal comma", doc(item(`QUANTITY="1.234,5"`, "1")), "more than one decimal separator", 0},
		{"two points", doc(item(`QUANTITY="1.234.567"`, "1")), "more than one decimal separator", 0},
		{"negative QUANTITY", doc(item(`QUANTITY="-1"`, "1")), `QUANTITY "-1" is negative`, 0},
		{"absurd QUANTITY", doc(item(`QUANTITY="1000001"`, "1")), `QUANTITY "1000001" is above the limit of 1000000`, 0},
		{"too many digits", doc(item(`QUANTITY="0.0000000000000000001"`, "1")), "more than 18 digits", 0},
		{"fractional REPETITION", doc(item(`QUANTITY="1" REPETITION="1.5"`, "1")), `REPETITION "1.5" is not a whole number`, 0},
		{"negative REPETITION", doc(item(`QUANTITY="1" REPETITION="-2"`, "1")), `REPETITION "-2" is negative`, 0},
		{"absurd real quantity", doc(item(`QUANTITY="1000"`, "0", item(`QUANTITY="1000"`, "0", item(`QUANTITY="1001"`, "1")))),
			"real quantity (QUANTITY × REPETITION × the parents' quantities) 1001000000 is above the limit", 0},
		{"non-numeric price", doc(strings.Replace(item(`QUANTITY="1"`, "1"), `TABLE="0"`, `TABLE="R$ 5"`, 1)), `PRICE@TABLE "R$ 5" is not a number`, 0},
		{"negative price", doc(item(`QUANTITY="1"`, "-0.01")), `PRICE@UNIT "-0.01" is negative`, 0},
		{"absurd price", doc(item(`QUANTITY="1"`, "10000000000.01")), `PRICE@UNIT "10000000000.01" is above the limit of 10000000000`, 0},
		{"bad dimension", doc(item(`QUANTITY="1" WIDTH="50cm"`, "1")), `WIDTH "50cm" is not a number`, 0},
		{"absurd dimension", doc(item(`QUANTITY="1" DEPTH="-1000001"`, "1")), `DEPTH "-1000001" is above the limit`, 0},
		{"bad listing total", strings.Replace(valid, `<TOTALPRICES TABLE="10" />`, `<TOTALPRICES TABLE="dez" />`, 1), `listing TOTALPRICES@TABLE "dez" is not a number`, 4},
		{"negative category total", strings.Replace(valid, `<TOTALPRICES TABLE="10" />
          <ITEMS>`, `<TOTALPRICES TABLE="-10" />
          <ITEMS>`, 1), `CATEGORY TOTALPRICES@TABLE "-10" is negative`, 0},
		{"two PRICEs", doc(strings.Replace(item(`QUANTITY="1"`, "1"), "<REFERENCES>", `<PRICE TOTAL="1" /><REFERENCES>`, 1)), "has more than one PRICE", 0},
		{"PRICE after children", doc(`<ITEM QUANTITY="1"><ITEMS>` + item(`QUANTITY="1"`, "1") + `</ITEMS><PRICE TOTAL="5" /></ITEM>`), "PRICE after its child items", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			_, err := listing.Parse(strings.NewReader(tt.in), func(listing.Item) error { calls++; return nil })
			var le *listing.Error
			if !errors.As(err, &le) {
				t.Fatalf("err = %v (%T), want *listing.Error", err, err)
			}
			if !strings.Contains(le.Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", le.Reason, tt.reason)
			}
			if tt.line != 0 && le.Line != tt.line {
				t.Errorf("line %d, want %d (%s)", le.Line, tt.line, le.Reason)
			}
			if strings.HasPrefix(tt.name, "deep") && le.Offset > 2000 {
				t.Errorf("refused at offset %d of %d: the depth limit should stop the parse early", le.Offset, len(tt.in))
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"byte order mark", "\ufeff" + doc(item(`QUANTITY="1"`, "1"))},
		{"comments and processing instructions", "<!-- exported -->\n" + strings.Replace(doc(item(`QUANTITY="1"`, "1")), "<AMBIENTS>", "<?promob x?><!-- a --><AMBIENTS>", 1)},
		{"unknown elements and attributes", strings.Replace(doc(item(`QUANTITY="1" NEWATTR="x"`, "1")), "<AMBIENTS>", "<NEWBLOCK><ITEM QUANTITY=\"oops\" /></NEWBLOCK><AMBIENTS>", 1)},
		{"ITEMSWITHOUTPRICE", strings.Replace(doc(item(`QUANTITY="1"`, "1")), "</AMBIENTS>", "</AMBIENTS><ITEMSWITHOUTPRICE>"+item(`QUANTITY="x"`, "y")+"</ITEMSWITHOUTPRICE>", 1)},
		{"spaces around numbers", doc(item(`QUANTITY=" 1 "`, "1"))},
		{"no PRICE and empty price attributes", doc(`<ITEM QUANTITY="1" /><ITEM QUANTITY="1"><PRICE TABLE="" /></ITEM>`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, items, err := listing.ParseAll(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if h.Items != len(items) || h.Items == 0 || h.ProjectGUID != "p-1" {
				t.Errorf("header %+v with %d items", h, len(items))
			}
		})
	}
}

// TestReadError checks that a failing reader is not blamed on the listing.
func TestReadError(t *testing.T) {
	broken := errors.New("connection reset")
	_, err := listing.Parse(io.MultiReader(strings.NewReader(doc(item(`QUANTITY="1"`, "1"))[:200]), iotest.ErrReader(broken)), func(listing.Item) error { return nil })
	var le *listing.Error
	if !errors.Is(err, broken) || errors.As(err, &le) {
		t.Errorf("err = %v, want the reader's error, not a *listing.Error", err)
	}
}
