package listing_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/listing"
)

// FuzzParse checks that no input makes the parser panic or return anything
// but an *Error (the reader cannot fail here), and that whatever it accepts
// has exactly one AMBIENT, as counted by a plain token scan, and a
// consistent tree.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		doc(item(`QUANTITY="1"`, "10")),
		doc(item(`QUANTITY="2" REPETITION="1"`, "0", item(`QUANTITY="0,5" WIDTH="464" HEIGHT="18" DEPTH="610"`, "2.01"), item(`QUANTITY="3"`, "1,5"))),
		doc(item(`QUANTITY="1.234,5"`, "1")),
		doc(item(`QUANTITY="-1"`, "1")),
		strings.Replace(doc(item(`QUANTITY="1"`, "1")), "</AMBIENTS>", `<AMBIENT GUID="a-2"></AMBIENT></AMBIENTS>`, 1),
		strings.Replace(doc(item(`QUANTITY="1"`, "1")), "</AMBIENTS>", "</AMBIENTS><ITEMSWITHOUTPRICE>"+item(`QUANTITY="1"`, "0")+"</ITEMSWITHOUTPRICE>", 1),
		"<!DOCTYPE LISTING>" + doc(""),
		`<LISTING><PROJECTGUID GUID="p" /><AMBIENTS><AMBIENT /></AMBIENTS></LISTING>`,
		strings.Repeat("<ITEMS><ITEM>", 40),
		doc(`<ITEM ID="com_coz_lat" DESCRIPTION="Lateral" REFERENCE="101.100" UNIT="UN" REPETITION="1" QUANTITY="1" WIDTH="720" HEIGHT="18" DEPTH="610" ` +
			`TEXTDIMENSION="720 x 18 x 610" COMPONENT="Y" STRUCTURE="N" FAMILY="Montagem" GROUP="Laterais" UNIQUEID="31" UNIQUEPARENTID="-2" GUID="g-1">` +
			`<PRICE TABLE="0" UNIT="0" TOTAL="0" TOTALCOMPONENTS="24.16"></PRICE><REFERENCES><COMPLETE REFERENCE="101.100" /></REFERENCES><ITEMS>` +
			`<ITEM ID="" DESCRIPTION="Chapa 18mm" REFERENCE="MDF.18" UNIT="M2" REPETITION="1" QUANTITY="0,4392" WIDTH="720" HEIGHT="18" DEPTH="610" ` +
			`TEXTDIMENSION="720  x  18  x  610" COMPONENT="N" STRUCTURE="Y" STRUCTUREKEY="CHAPA" FAMILY="COM" UNIQUEID="-1" UNIQUEPARENTID="31" GUID="g-2">` +
			`<PRICE TABLE="55" UNIT="24,16" TOTAL="24,16" TOTALCOMPONENTS="0"></PRICE></ITEM></ITEMS></ITEM>`),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var items []listing.Item
		h, err := listing.Parse(bytes.NewReader(data), func(it listing.Item) error {
			items = append(items, it)
			return nil
		})
		if err != nil {
			var le *listing.Error
			if !errors.As(err, &le) || le.Reason == "" {
				t.Fatalf("err = %v (%T), want a *listing.Error with a reason", err, err)
			}
			return
		}
		if n := countAmbients(data); n != 1 {
			t.Fatalf("accepted a listing with %d AMBIENT elements", n)
		}
		if h.Items != len(items) || h.ProjectGUID == "" {
			t.Fatalf("header %+v for %d items", h, len(items))
		}
		for i, it := range items {
			if it.Index != i || it.Parent >= i || (it.Parent < 0) != (it.Level == 1) ||
				it.Quantity.IsNegative() || it.RealQuantity.IsNegative() {
				t.Fatalf("item %d inconsistent: %+v", i, it)
			}
		}
	})
}

// countAmbients counts the AMBIENT elements directly under LISTING/AMBIENTS.
func countAmbients(data []byte) int {
	d := xml.NewDecoder(bytes.NewReader(data))
	var path []string
	n := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return n
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name.Local)
			if strings.Join(path, "/") == "LISTING/AMBIENTS/AMBIENT" {
				n++
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
}
