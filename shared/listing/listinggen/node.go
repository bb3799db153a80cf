package listinggen

// dimText is how an ITEM's TEXTDIMENSION is written.
type dimText int

const (
	dimsOperation dimText = iota // "'-'"
	dimsMaterial                 // "464  x  18  x  610" (two spaces around x)
	dims3                        // "464 x 18 x 610"
	dims2                        // "8 x 30" (hardware)
)

// ref is one <TAG REFERENCE="…"/> pair of an ITEM's REFERENCES block.
type ref struct{ tag, value string }

// node is one ITEM of a module's tree. A module is built as a small tree in
// memory, trimmed to the parts budget, priced, written and dropped.
type node struct {
	structure bool   // STRUCTURE="Y": a material or an operation row
	key       string // STRUCTUREKEY of structure rows
	id        string // ITEM@ID ("" on structure rows)
	desc      string
	reference string
	unit      string // UN, M or M2
	qty       int64  // QUANTITY in ten-thousandths, relative to the parent
	w, h, d   int64  // WIDTH, HEIGHT, DEPTH in tenths of a millimetre
	text      dimText
	component bool // COMPONENT="Y"
	family    string
	group     string
	itemBase  string
	builder   string // GUIDBUILDER
	aggregate bool   // ISAGGREGATEGROUP="Y"
	table     string // IDPRICETABLE
	rule      string
	rotate    string // PLATECUTTINGROTATE
	price     int64  // PRICE@TABLE: cents per unit of measure
	refs      []ref
	children  []*node

	// Set by finish.
	guid       string
	uid        int // UNIQUEID; -1 on structure rows
	parentUID  int // UNIQUEPARENTID; -2 at the top
	unitCents  int64
	totalCents int64
	compCents  int64 // TOTALCOMPONENTS
}

// size is the number of ITEM elements in the tree rooted at n.
func (n *node) size() int {
	s := 1
	for _, c := range n.children {
		s += c.size()
	}
	return s
}

// trim removes the last nodes in document order until the tree holds at most
// max ITEMs (max >= 1). The last node in document order is always a leaf, so
// every step keeps a valid tree.
func (n *node) trim(max int) {
	for s := n.size(); s > max; s-- {
		n.dropLast()
	}
}

func (n *node) dropLast() {
	last := n.children[len(n.children)-1]
	if len(last.children) == 0 {
		n.children = n.children[:len(n.children)-1]
		return
	}
	last.dropLast()
}

// finish assigns GUIDs and UNIQUEIDs in document order and computes the
// prices:
//
//	leaf:   UNIT = round(TABLE × QUANTITY), TOTAL = UNIT × mult, TOTALCOMPONENTS = 0
//	parent: TABLE = UNIT = TOTAL = 0, TOTALCOMPONENTS = Σ children (TOTAL + TOTALCOMPONENTS)
//
// where mult is the product of the ancestors' QUANTITY (whole numbers).
func (n *node) finish(parentUID int, mult int64, nextUID *int, guid func() string) {
	n.parentUID = parentUID
	n.guid = guid()
	n.uid = -1
	if !n.structure {
		*nextUID++
		n.uid = *nextUID
	}
	if len(n.children) == 0 {
		n.unitCents = (n.price*n.qty + 5000) / 10000
		n.totalCents = n.unitCents * mult
		return
	}
	n.price = 0
	own := n.qty / 10000
	for _, c := range n.children {
		c.finish(n.uid, mult*own, nextUID, guid)
		n.compCents += c.totalCents + c.compCents
	}
}

// walkZeroLeaves calls f for every leaf whose TOTAL is zero: the rows that
// ITEMSWITHOUTPRICE repeats.
func (n *node) walkZeroLeaves(f func(*node)) {
	if len(n.children) == 0 {
		if n.totalCents == 0 {
			f(n)
		}
		return
	}
	for _, c := range n.children {
		c.walkZeroLeaves(f)
	}
}
