// Package listinggen writes Promob budget listings ("Orçamento-Explodido c/
// Operação", root LISTING ID="BUDGET_STRUCTURED_W_OP") in the format of the
// real export in ../shared/promob-samples/promob_cozinha.xml, for fixtures,
// the Promob simulator and load tests.
//
// # Shape
//
//	LISTING (header attributes as in the sample)
//	  PROJECTGUID GUID
//	  ABOUTPROMOB / LIBRARIES / LIBRARY
//	  CUSTOMERSDATA / DATA (customer and Connect fields: Situation, Stage, …)
//	  TOTALPRICES (whole listing)
//	  AMBIENTS / AMBIENT GUID DESCRIPTION UNIQUEID
//	    TOTALPRICES (ambient)
//	    CATEGORIES / CATEGORY DESCRIPTION
//	      TOTALPRICES (category)
//	      ITEMS / ITEM … PRICE, REFERENCES, ITEMS / ITEM … (nested)
//	  ITEMSWITHOUTPRICE / ITEM … (copies of the zero-priced leaves)
//	  PAYMENTTERMS
//
// Every ITEM has one PRICE and one REFERENCES block (free-form <TAG
// REFERENCE="…"/> pairs); children sit under its ITEMS. Catalogue rows
// (STRUCTURE="N") have unique positive UNIQUEIDs, numbered in document order
// across the listing; materials and operations (STRUCTURE="Y", classified by
// STRUCTUREKEY: CHAPA, CHAPA_POR, FITA_BORDA, CORTE, BORDA, FURAR, RASGO,
// MONTAGEM) have UNIQUEID -1. UNIQUEPARENTID is the parent's UNIQUEID, -2 at
// the top of a category. Modules nest up to four levels (module → drawer →
// panel → board).
//
// # Quantities and prices
//
// These relations hold exactly in the real sample and in every generated
// listing (amounts in cents, no float):
//
//   - QUANTITY is per one unit of the parent. The effective quantity of an
//     item is the product of its own QUANTITY and its ancestors' QUANTITY
//     (REPETITION is always 1 in the sample and here). Items with children
//     have whole quantities; some shelves here have QUANTITY 2, which the
//     sample never shows.
//   - PRICE@TABLE is the table price per unit of measure (UNIT: UN, M, M2).
//   - PRICE@UNIT = TABLE × QUANTITY rounded to cents: the price of the item
//     for one unit of its parent.
//   - PRICE@TOTAL = UNIT × the parent's effective quantity (the product of
//     the ancestors' QUANTITY; 1 at the top and everywhere in the sample).
//   - Items with children carry TABLE = UNIT = TOTAL = 0 and
//     TOTALCOMPONENTS = Σ over their children of (TOTAL + TOTALCOMPONENTS);
//     leaves have TOTALCOMPONENTS = 0.
//   - TOTALPRICES@TABLE of a category, an ambient and the listing is the sum
//     of PRICE@TOTAL over every ITEM below it (ITEMSWITHOUTPRICE excluded),
//     which equals the sum of (TOTAL + TOTALCOMPONENTS) over its top-level
//     items.
//   - MARGINS/ORDER@VALUE = TABLE + Σ ORDER margins (taxes, discounts,
//     surcharge); MARGINS/BUDGET@VALUE = ORDER@VALUE + Σ BUDGET margins
//     (surcharge, freight, assembly). Here each ORDER margin is a fixed share
//     of TABLE and each BUDGET margin a fixed share of ORDER@VALUE, rounded to
//     cents at each level separately (so a listing's margins may differ by a
//     cent from the sum of its ambients').
//   - ITEMSWITHOUTPRICE repeats, attribute for attribute, every leaf whose
//     TOTAL is 0.
//
// Numeric attributes use a decimal point (a decimal comma with
// Spec.DecimalComma); TEXTDIMENSION always uses a decimal comma. Trailing
// zeros are dropped ("1.4", "55").
package listinggen

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Spec describes the listing to generate.
type Spec struct {
	ProjectGUID     string // PROJECTGUID; "" = derived from Seed
	EnvironmentGUID string // GUID of the first AMBIENT; "" = derived from Seed
	EnvironmentName string // DESCRIPTION of the first AMBIENT; "" = "Cozinha"
	CustomerName    string // CUSTOMERSDATA nomecliente; "" = "Cliente Exemplo"
	// Parts is the number of ITEM elements under AMBIENTS, all levels
	// counted: modules, sub-assemblies, components, fittings and the
	// STRUCTURE="Y" material and operation rows. The copies under
	// ITEMSWITHOUTPRICE are not counted. At least Ambients.
	Parts int
	Seed  int64
	// Ambients is the number of AMBIENT elements (0 = 1). Parts are shared
	// out evenly; ambients after the first get GUIDs derived from Seed and
	// the name "<EnvironmentName> N".
	Ambients int
	// DecimalComma writes numeric attributes with a decimal comma, as
	// listings exported under a pt-BR number format do.
	DecimalComma bool
}

// ErrSpec is wrapped by the errors Write returns for an invalid Spec.
var ErrSpec = errors.New("listinggen: invalid spec")

// Write streams the listing for s to w. The same Spec always gives the same
// bytes. Memory stays bounded by one module whatever s.Parts is: the items are
// generated three times from the seed (totals, tree, items without price)
// instead of being held. It returns an error wrapping ErrSpec for an invalid
// Spec, or the first error of w.
func Write(w io.Writer, s Spec) error {
	p, err := newPlan(s)
	if err != nil {
		return err
	}
	totals := make([][]int64, len(p.ambients))
	for i, a := range p.ambients {
		totals[i] = make([]int64, len(a.categories))
	}
	p.generate(func(a, c int, m *node) { totals[a][c] += m.totalCents + m.compCents })

	o := &out{w: bufio.NewWriterSize(w, 64<<10), comma: s.DecimalComma}
	p.header(o, totals)
	p.generate(func(a, c int, m *node) {
		if c != p.open.category || a != p.open.ambient {
			p.enter(o, a, c, totals)
		}
		o.item(m)
	})
	p.leave(o)
	o.close("AMBIENTS")
	o.start("ITEMSWITHOUTPRICE")
	o.open()
	p.generate(func(_, _ int, m *node) { m.walkZeroLeaves(o.item) })
	o.close("ITEMSWITHOUTPRICE")
	p.footer(o, totals)
	return o.w.Flush()
}

// Bytes returns the listing for s. It panics when s is invalid (see Write);
// it is meant for fixtures built from constant specs.
func Bytes(s Spec) []byte {
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// plan is what Write decides before generating items: names, GUIDs and the
// parts of each category.
type plan struct {
	spec     Spec
	project  string
	customer string
	date     time.Time
	ambients []ambient
	open     struct{ ambient, category int } // the category whose ITEMS is open; -1 = none
}

type ambient struct {
	guid, name, uid string
	categories      []category
}

type category struct {
	name  string
	parts int
	next  func(*catalogue) *node
}

func newPlan(s Spec) (*plan, error) {
	if s.Ambients == 0 {
		s.Ambients = 1
	}
	if s.Ambients < 0 || s.Parts < s.Ambients {
		return nil, fmt.Errorf("%w: %d parts cannot fill %d ambients (at least one part each)", ErrSpec, s.Parts, s.Ambients)
	}
	hdr := rand.New(rand.NewPCG(uint64(s.Seed), 0x6c697374696e67)) // header values only
	p := &plan{spec: s, project: s.ProjectGUID, customer: s.CustomerName}
	p.open.ambient, p.open.category = -1, -1
	if p.project == "" {
		p.project = guidFrom(hdr)
	}
	if p.customer == "" {
		p.customer = "Cliente Exemplo"
	}
	base := s.EnvironmentName
	if base == "" {
		base = "Cozinha"
	}
	p.date = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC).Add(time.Duration(hdr.IntN(300*24*3600)) * time.Second)
	for i := range s.Ambients {
		a := ambient{guid: s.EnvironmentGUID, name: base, uid: fmt.Sprintf(`%d\0`, 3+i)}
		if i > 0 || a.guid == "" {
			a.guid = guidFrom(hdr)
		}
		if i > 0 {
			a.name = fmt.Sprintf("%s %d", base, i+1)
		}
		parts := s.Parts / s.Ambients
		if i < s.Parts%s.Ambients {
			parts++
		}
		extra := 0
		if parts >= 30 {
			extra = parts / 10
		}
		a.categories = append(a.categories, category{"Cozinhas", parts - extra, (*catalogue).kitchenModule})
		if extra > 0 {
			a.categories = append(a.categories, category{"Acessórios", extra, (*catalogue).accessory})
		}
		p.ambients = append(p.ambients, a)
	}
	return p, nil
}

// generate builds every module of the listing in document order, trimmed to
// the parts budget of its category and priced, and hands it to f. Each call
// starts from the seed, so every call sees the same modules.
func (p *plan) generate(f func(ambient, category int, m *node)) {
	c := &catalogue{rng: rand.New(rand.NewPCG(uint64(p.spec.Seed), 0x6974656d73))}
	uid := 0
	for ai, a := range p.ambients {
		for ci, cat := range a.categories {
			for left := cat.parts; left > 0; {
				var m *node
				for range 4 { // prefer a module that fits before trimming one
					if m = cat.next(c); m.size() <= left {
						break
					}
				}
				m.trim(left)
				left -= m.size()
				m.finish(-2, 1, &uid, c.guid)
				f(ai, ci, m)
			}
		}
	}
}

// enter closes the open category (and ambient, when it changes) and opens
// category c of ambient a with its totals.
func (p *plan) enter(o *out, a, c int, totals [][]int64) {
	if p.open.ambient == a {
		closeCategory(o)
	} else {
		p.leave(o)
		amb := p.ambients[a]
		o.start("AMBIENT")
		o.attr("GUID", amb.guid)
		o.attr("DESCRIPTION", amb.name)
		o.attr("UNIQUEID", amb.uid)
		o.open()
		o.totalPrices(sum(totals[a]))
		o.start("CATEGORIES")
		o.open()
	}
	o.start("CATEGORY")
	o.attr("DESCRIPTION", p.ambients[a].categories[c].name)
	o.open()
	o.totalPrices(totals[a][c])
	o.start("ITEMS")
	o.open()
	p.open.ambient, p.open.category = a, c
}

// leave closes the open category and its ambient, if any.
func (p *plan) leave(o *out) {
	if p.open.ambient < 0 {
		return
	}
	closeCategory(o)
	o.close("CATEGORIES")
	o.close("AMBIENT")
	p.open.ambient, p.open.category = -1, -1
}

func closeCategory(o *out) {
	o.close("ITEMS")
	o.close("CATEGORY")
}

func sum(v []int64) int64 {
	var t int64
	for _, x := range v {
		t += x
	}
	return t
}

func (p *plan) listingTotal(totals [][]int64) int64 {
	var t int64
	for _, a := range totals {
		t += sum(a)
	}
	return t
}

func (p *plan) header(o *out, totals [][]int64) {
	o.w.WriteString("<?xml version='1.0' encoding='utf-8'?>\n")
	uids := make([]string, len(p.ambients))
	for i, a := range p.ambients {
		uids[i] = a.uid
	}
	o.start("LISTING")
	for _, kv := range [][2]string{
		{"LANG", "pt-BR"}, {"ASSISTANCEORDER", "N"}, {"ONLINE", "Y"}, {"CUSTOMERNUMBER", ""},
		{"ID", "BUDGET_STRUCTURED_W_OP"}, {"DESCRIPTION", "Orçamento-Explodido c/ Operação"},
		{"DATE", p.date.Format("02/01/2006")}, {"HOUR", p.date.Format("15:04:05")}, {"CLIENTLOGO", ""},
		{"CURRENCYSYMBOL", "R$"}, {"IDTYPE", "BUDGET_STRUCTURED_W_OP"}, {"UNIT", "mm"},
		{"AMBIENTS", strings.Join(uids, ";")}, {"QUANTITYINCREASE", "N"}, {"DEFAULTPRICETABLEUSED", "Y"},
		{"PRICETABLEUSED", ""}, {"ONLYSELECTEDITEMS", "N"}, {"ALLOWSUPPLEMENTARYITEMS", "Y"},
		{"ALLOWEXTRAITEMS", "Y"}, {"HASNOTAVAILABLEITEMS", "N"}, {"HASCHANGEDDIMENSIONITEMS", "N"},
		{"AREASPROCESSED", "N"}, {"TRANSLATEDESCRIPTIONS", "N"}, {"SERIALIZEATTRIBUTES", "N"},
	} {
		o.attr(kv[0], kv[1])
	}
	o.open()
	o.start("PROJECTGUID")
	o.attr("GUID", p.project)
	o.empty()
	o.start("ABOUTPROMOB")
	for _, kv := range [][2]string{
		{"VERSION", "5"}, {"REVISION", "60"}, {"BUILD", "48"}, {"SYSTEM", "Start Projeto One"},
		{"SYSTEMID", "2311"}, {"DISTRIBUTION", "Catalog"}, {"SERIALNUMBER", ""}, {"PRODUCTCODE", ""},
		{"CUSTOMERNUMBER", ""}, {"SYSTEMREVISION", "30/03/2026 15:43:30"},
	} {
		o.attr(kv[0], kv[1])
	}
	o.open()
	o.start("LIBRARIES")
	o.open()
	for _, line := range []string{"COZ", "POR", "Com_Gerais", "hettich"} {
		o.start("LIBRARY")
		o.attr("LINE", line)
		o.attr("REVISION", "01")
		o.attr("VERSION", "01")
		o.empty()
	}
	o.close("LIBRARIES")
	o.close("ABOUTPROMOB")
	o.start("CUSTOMERSDATA")
	o.open()
	stamp := p.date.Add(-2 * time.Hour).Format("02/01/2006 15:04:05")
	for _, kv := range [][2]string{
		{"ModifiedOn", stamp}, {"codcliente", ""}, {"nomecliente", p.customer}, {"corporateName", p.customer},
		{"email", ""}, {"cpfcnpj", ""}, {"cidade", ""}, {"uf", ""}, {"phone_Mobile_0", ""},
		{"Environment", ""}, {"DeliveryDate", ""}, {"ClosingDate", ""}, {"Situation", ""}, {"Type", ""},
		{"Stage", ""}, {"CreatedOn", ""},
	} {
		o.start("DATA")
		o.attr("ID", kv[0])
		o.attr("VALUE", kv[1])
		o.empty()
	}
	o.close("CUSTOMERSDATA")
	o.totalPrices(p.listingTotal(totals))
	o.start("AMBIENTS")
	o.open()
}

func (p *plan) footer(o *out, totals [][]int64) {
	_, budget := marginsOf(p.listingTotal(totals))
	o.start("PAYMENTTERMS")
	o.open()
	o.start("ADITIONALENTRYCOLLECTION")
	o.open()
	for i, d := range []string{"Entrada Adicional", "Desconto Comercial 1", "Desconto Comercial 2", "Desconto Financeiro"} {
		o.start("ADITIONALENTRY")
		o.attr("ID", fmt.Sprint(i))
		o.attr("DESCRIPTION", d)
		o.attr("OPERATIONTYPE", "Discount")
		o.attr("VALUE", "0")
		o.attr("DELETED", "N")
		o.attr("SYSTEMMD5", fmt.Sprintf("%X", md5.Sum([]byte(d))))
		o.empty()
	}
	o.close("ADITIONALENTRYCOLLECTION")
	o.start("PAYMENTTERMCOLLECTION")
	o.open()
	total := o.money(budget.value)
	o.start("PAYMENTTERM")
	for _, kv := range [][2]string{
		{"ID", "0"}, {"DESCRIPTION", "1+2"}, {"HASDOWNPAYMENT", "Y"}, {"SELECTED", "Y"}, {"PARCELQUANTITY", "2"},
		{"PERCENTUALDISCOUNT", "0"}, {"PARCELVALUE", o.money((budget.value + 1) / 2)}, {"INITIALVALUE", total},
		{"PARCELEDTOTAL", total}, {"GENERALTOTAL", total}, {"CALCULUSVALUE", total}, {"DELETED", "N"},
		{"HASCUSTOMPARCELS", "N"},
	} {
		o.attr(kv[0], kv[1])
	}
	o.empty()
	o.close("PAYMENTTERMCOLLECTION")
	o.close("PAYMENTTERMS")
	o.close("LISTING")
}
