package listinggen

import "strconv"

// margin is one MARGIN of TOTALPRICES: a share of its level's base in basis
// points (1/100 of a percent).
type margin struct {
	id, desc string
	bp       int64
}

// The margins of the sample, as shares: ORDER margins of TABLE, BUDGET
// margins of ORDER@VALUE.
var (
	orderMargins = []margin{
		{"icms", "ICMS", 1111}, {"IPI", "IPI", 554}, {"desc_1", "Desconto 1", -1846}, {"desc_2", "Desconto 2", 0},
		{"desc_3", "Desconto 3", -1207}, {"desc_4", "Desconto 4", 0}, {"desc_5", "Desconto 5", -684}, {"acr_1", "Acréscimo ", 6155},
	}
	budgetMargins = []margin{{"acrescimo", "Acréscimo", 5000}, {"frete", "Frete", 2250}, {"montagem", "Montagem", 1725}}
)

// marginGroup is ORDER or BUDGET: the running value and each margin's amount.
type marginGroup struct {
	value   int64
	amounts []int64
}

// marginsOf computes the ORDER and BUDGET groups for a TABLE total (cents),
// rounding each margin half away from zero.
func marginsOf(table int64) (order, budget marginGroup) {
	apply := func(base int64, ms []margin) marginGroup {
		g := marginGroup{value: base}
		for _, m := range ms {
			v := base * m.bp
			if v >= 0 {
				v = (v + 5000) / 10000
			} else {
				v = (v - 5000) / 10000
			}
			g.amounts = append(g.amounts, v)
			g.value += v
		}
		return g
	}
	order = apply(table, orderMargins)
	budget = apply(order.value, budgetMargins)
	return order, budget
}

func (o *out) totalPrices(table int64) {
	order, budget := marginsOf(table)
	o.start("TOTALPRICES")
	o.attr("TABLE", o.money(table))
	o.open()
	o.start("MARGINS")
	o.open()
	o.marginGroup("ORDER", order, orderMargins)
	o.marginGroup("BUDGET", budget, budgetMargins)
	o.close("MARGINS")
	o.close("TOTALPRICES")
}

func (o *out) marginGroup(tag string, g marginGroup, ms []margin) {
	o.start(tag)
	o.attr("VALUE", o.money(g.value))
	o.open()
	for i, m := range ms {
		o.start("MARGIN")
		o.attr("ID", m.id)
		o.attr("DESCRIPTION", m.desc)
		o.attr("VALUE", o.money(g.amounts[i]))
		o.empty()
	}
	o.close(tag)
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// textDimension is the display string of an item's dimensions, always with
// a decimal comma.
func textDimension(n *node) string {
	d := func(v int64) string { return fixed(v, 1, ',') }
	switch n.text {
	case dimsOperation:
		return "'-'"
	case dimsMaterial:
		return d(n.w) + "  x  " + d(n.h) + "  x  " + d(n.d)
	case dims2:
		return d(n.w) + " x " + d(n.h)
	default:
		return d(n.w) + " x " + d(n.h) + " x " + d(n.d)
	}
}

// item writes n and its subtree with the attributes, in the order, of the
// sample's rows.
func (o *out) item(n *node) {
	o.start("ITEM")
	o.attr("ID", n.id)
	o.attr("DESCRIPTION", n.desc)
	o.attr("REFERENCE", n.reference)
	o.attr("UNIT", n.unit)
	o.attr("REPETITION", "1")
	o.attr("QUANTITY", o.qty(n.qty))
	o.attr("WIDTH", o.dim(n.w))
	o.attr("HEIGHT", o.dim(n.h))
	o.attr("DEPTH", o.dim(n.d))
	o.attr("TEXTDIMENSION", textDimension(n))
	o.attr("COMPONENT", yn(n.component))
	o.attr("STRUCTURE", yn(n.structure))
	if n.structure {
		o.attr("STRUCTUREKEY", n.key)
		o.attr("FAMILY", n.family)
	} else {
		o.attr("FAMILY", n.family)
		o.attr("GROUP", n.group)
		o.attr("GUIDBUILDER", n.builder)
		o.attr("ITEM_BASE", n.itemBase)
	}
	o.attr("ISGEOMETRY", "N")
	o.attr("ISAGGREGATEGROUP", yn(n.aggregate))
	o.attr("RULEQUANTITYINCREASE", "N")
	o.attr("SHOWPRICE", "Y")
	o.attr("RULEQUANTITYINCREASEPERCENT", "0")
	o.attr("IDPRICEPROVIDER", "principal")
	o.attr("IDPRICESOURCE", "Manager")
	o.attr("IDPRICETABLE", n.table)
	o.attr("PRICECANMODIFY", "Y")
	o.attr("UNIQUEID", strconv.Itoa(n.uid))
	o.attr("UNIQUEPARENTID", strconv.Itoa(n.parentUID))
	o.attr("GUID", n.guid)
	o.attr("INVERTED", "")
	o.attr("PLATECUTTINGROTATE", n.rotate)
	o.attr("RULE", n.rule)
	o.open()

	o.start("PRICE")
	o.attr("TABLE", o.money(n.price))
	o.attr("UNIT", o.money(n.unitCents))
	o.attr("TOTAL", o.money(n.totalCents))
	o.attr("TOTALCOMPONENTS", o.money(n.compCents))
	o.hollow("PRICE")

	o.start("REFERENCES")
	o.open()
	for _, r := range n.refs {
		o.start(r.tag)
		o.attr("REFERENCE", r.value)
		o.empty()
	}
	o.close("REFERENCES")

	if len(n.children) > 0 {
		o.start("ITEMS")
		o.open()
		for _, c := range n.children {
			o.item(c)
		}
		o.close("ITEMS")
	}
	o.close("ITEM")
}
