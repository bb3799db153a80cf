package listing_test

import (
	"fmt"
	"strings"
)

// doc returns a minimal listing in the real format whose one category holds
// items (ITEM elements, see item).
func doc(items string) string {
	return fmt.Sprintf(`<?xml version='1.0' encoding='utf-8'?>
<LISTING ID="BUDGET_STRUCTURED_W_OP" UNIT="mm">
  <PROJECTGUID GUID="p-1" />
  <TOTALPRICES TABLE="10" />
  <AMBIENTS>
    <AMBIENT GUID="a-1" DESCRIPTION="Cozinha" UNIQUEID="3\0">
      <TOTALPRICES TABLE="10" />
      <CATEGORIES>
        <CATEGORY DESCRIPTION="Cozinhas">
          <TOTALPRICES TABLE="10" />
          <ITEMS>
%s
          </ITEMS>
        </CATEGORY>
      </CATEGORIES>
    </AMBIENT>
  </AMBIENTS>
</LISTING>
`, items)
}

// item returns an ITEM with the given attributes (name=value pairs, QUANTITY
// among them when wanted), a PRICE with TOTAL total, and children.
func item(attrs, total string, children ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<ITEM DESCRIPTION="Peça" UNIT="UN" %s>`, attrs)
	fmt.Fprintf(&b, `<PRICE TABLE="0" UNIT="%s" TOTAL="%s" TOTALCOMPONENTS="0"></PRICE><REFERENCES><COMPLETE REFERENCE="X" /></REFERENCES>`, total, total)
	if len(children) > 0 {
		b.WriteString("<ITEMS>" + strings.Join(children, "") + "</ITEMS>")
	}
	b.WriteString("</ITEM>\n")
	return b.String()
}
