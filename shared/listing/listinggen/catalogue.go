package listinggen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// The price table ids the sample uses: hardware and operations come from a
// supplier table, catalogue modules and edge tape from the "Manager" table.
const (
	tableSupplier = "FB230026-8348-4E8A-9192-F112EB8AF2F7"
	tableManager  = "Manager"
)

// finish is a colour of board: its name and the code that ends references.
type finish struct{ name, code string }

var finishes = []finish{{"Branco", "100"}, {"Grafite", "210"}, {"Carvalho Malva", "340"}, {"Nogueira Cadiz", "420"}}

// boardPrice is the price of a square metre of board by thickness (cents).
var boardPrice = map[int64]int64{6: 3680, 15: 4790, 18: 5500}

// catalogue builds modules from a seeded random source. Every draw happens in
// the same order for the same seed, so the same modules come out each time.
type catalogue struct {
	rng *rand.Rand
	fin finish
}

// mm converts millimetres to the tenths the nodes hold.
func mm(v float64) int64 { return int64(v*10 + 0.5) }

func (c *catalogue) pick(n int) int { return c.rng.IntN(n) }

func (c *catalogue) guid() string { return guidFrom(c.rng) }

// guidFrom draws a version-4 GUID from r.
func guidFrom(r *rand.Rand) string {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^(0xf<<12) | 4<<12           // version 4
	lo = lo&^(0x3<<62) | uint64(0x2)<<62 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// builderGUID is the constant GUIDBUILDER of a catalogue entry.
func builderGUID(id string) string {
	var h uint64 = 14695981039346656037
	for i := range len(id) {
		h = (h ^ uint64(id[i])) * 1099511628211
	}
	return guidFrom(rand.New(rand.NewPCG(h, 0)))
}

// item returns a catalogue row (STRUCTURE="N") with the attributes every
// such row shares.
func item(id, desc, reference, family, group, itemBase string, qty int64, w, h, d int64) *node {
	return &node{
		id: id, desc: desc, reference: reference, unit: "UN", qty: qty * 10000,
		w: w, h: h, d: d, text: dims3, family: family, group: group, itemBase: itemBase,
		builder: builderGUID(id), table: tableManager, rule: "UN", rotate: "NONE",
	}
}

// hardware returns a fitting (family Ferragens) priced per unit.
func hardware(id, desc, reference, itemBase string, qty int64, w, h, d int64, cents int64) *node {
	n := item(id, desc, reference, "Ferragens", "Ferragens", itemBase, qty, w, h, d)
	n.text, n.rule, n.price = dims2, "UN_FERRAGENS", cents
	if cents > 0 {
		n.table = tableSupplier
	}
	attrib, _, _ := strings.Cut(desc, " ")
	n.refs = []ref{{"COMPLETE", reference}, {"FERRAGEM", "SIM"}, {"VOLUME", "VOLFER"}, {"ATRIB_DESC", attrib}, {"ITEM_BASE", itemBase}}
	return n
}

// operation returns a production-route row (CORTE, BORDA, FURAR, RASGO,
// MONTAGEM) over a piece of the given dimensions.
func operation(key, desc, reference, unit, rule string, qty, w, h, d, cents int64) *node {
	return &node{
		structure: true, key: key, desc: desc, reference: reference, unit: unit, qty: qty,
		w: w, h: h, d: d, text: dimsOperation, family: "Roteiro Produtivo", table: tableSupplier,
		rule: rule, rotate: "N", price: cents,
		refs: []ref{{"COMPLETE", reference}, {"HIDE_STRUCTURE", "FALSE"}},
	}
}

// panel returns a board component (COMPONENT="Y") of length × thickness ×
// width with its materials and operations: board, cut, edge tape and banding
// when banded, drilling when holes > 0, a groove when slot, plus fittings.
func (c *catalogue) panel(id, desc, reference, group, itemBase string, length, thick, width int64, door, banded bool, holes int64, slot bool, fittings ...*node) *node {
	n := item(id, desc, reference+"."+c.fin.code, "Montagem", group, itemBase, 1, length, thick*10, width)
	n.component = true
	n.refs = []ref{{"COMPLETE", n.reference}, {"MODEL", c.fin.name}, {"ACAB", c.fin.code}, {"DESC", "Cozinha"}, {"ITEM_BASE", itemBase}}
	if banded {
		n.refs = append(n.refs, ref{"TIPO_FITA", "PVC"}, ref{"ALTURA_FITA", "22"})
	}
	key := "CHAPA"
	if door {
		key = "CHAPA_POR"
	}
	board := fmt.Sprintf("MDF.COR.%d.%s", thick, c.fin.code)
	area := (length*width + 9999) / 10000 // m² in ten-thousandths, rounded up
	perimeter := 2 * (length + width)     // metres in ten-thousandths
	n.children = append(n.children,
		&node{
			structure: true, key: key, desc: fmt.Sprintf("Chapa %s Espessura %dmm", c.fin.name, thick),
			reference: board, unit: "M2", qty: area, w: length, h: thick * 10, d: width, text: dimsMaterial,
			family: "COM", table: tableSupplier, rule: "M2", rotate: "N", price: boardPrice[thick],
			refs: []ref{{"COMPLETE", board}, {"ITEM_BASE", board}},
		},
		operation("CORTE", "Cortar", "1", "M", "CORTE_M", perimeter, length, thick*10, width, 100),
	)
	if banded {
		tape := "FTPVC.1.22." + c.fin.code
		n.children = append(n.children,
			operation("BORDA", "Bordear", "4", "M", "BORDA_M", 2*(length+400), length, thick*10, width, 199),
			&node{
				structure: true, key: "FITA_BORDA", desc: "Fita de Borda PVC Espessura 1x22mm " + c.fin.name,
				reference: tape, unit: "M", qty: perimeter, w: perimeter, h: 220, d: 10, text: dimsMaterial,
				family: "COM", table: tableManager, rule: "M", rotate: "N",
				refs: []ref{{"ITEM_BASE", "FTPVC.1.22"}, {"COMPLETE", tape}, {"ESPESSURA_FITA", "1"}, {"TIPO_FITA", "PVC"}, {"ALTURA_FITA", "22"}},
			})
	}
	if holes > 0 {
		n.children = append(n.children, operation("FURAR", "Furar", "3", "UN", "FURAR_UN", holes*10000, length, thick*10, width, 100))
	}
	if slot && length > 150 {
		n.children = append(n.children, operation("RASGO", "Rasgar", "5", "M", "RASGO_M", length-150, length, thick*10, width, 199))
	}
	n.children = append(n.children, fittings...)
	sortByDescription(n.children)
	return n
}

func sortByDescription(ns []*node) {
	slices.SortStableFunc(ns, func(a, b *node) int { return strings.Compare(a.desc, b.desc) })
}

func dowels(q int64) *node {
	return hardware("ace_fer_cavilha", "Cavilha 8X30", "CAV", "CAV", q, mm(8), mm(30), mm(8), 3)
}

func screws(q int64) *node {
	n := hardware("ace_fer_par_cai", "Parafuso para Caixa 04x40mm", "PAR.CAI.0440", "PARCAI", q, mm(4), mm(40), mm(15), 0)
	n.refs = append(n.refs, ref{"DIAMETRO", "04"}, ref{"TAMANHO", "40"})
	return n
}

// module returns a top-level cabinet (family Cozinhas) of w × h × d.
func (c *catalogue) module(id, desc, reference, group string, w, h, d int64) *node {
	n := item(id, desc, fmt.Sprintf("%s.%d.%d.%d.%s", reference, w/100, h/100, d/100, c.fin.code), "Cozinhas", group, "MOD001", 1, w, h, d)
	n.refs = []ref{{"COMPLETE", n.reference}, {"ITEM_BASE", "MOD001"}, {"MODEL", c.fin.name}, {"ACAB", c.fin.code},
		{"LARGURA", fmt.Sprint(w / 100)}, {"ALTURA", fmt.Sprint(h / 100)}, {"PROFUNDIDADE", fmt.Sprint(d / 100)}}
	return n
}

// carcass adds the box of a cabinet: base, back, sides, assembly and rails
// (base cabinets) or a top and wall brackets (wall cabinets).
func (c *catalogue) carcass(m *node, base bool) {
	w, h, d := m.w, m.h, m.d
	inner := w - mm(36)
	m.children = append(m.children,
		c.panel("com_coz_bas_ret", "Base Inferior", "001", "Bases", "BAS001", inner, 18, d, false, true, 10, false, dowels(6), screws(4)),
		c.panel("com_coz_fun_fun", "Fundo", "501", "Fundos", "FUN001", w-mm(26), 6, h-mm(18.5), false, false, 0, false),
		c.panel("com_coz_lat_lat", "Lateral Direita", "101", "Laterais", "LAT001", h, 18, d, false, true, 13+int64(c.pick(5)), true),
		c.panel("com_coz_lat_lat", "Lateral Esquerda", "101", "Laterais", "LAT001", h, 18, d, false, true, 13+int64(c.pick(5)), true),
		operation("MONTAGEM", "Montagem", "6", "UN", "MONTAGEM_UN", 10000, w, h, d, 199),
	)
	if base {
		m.children = append(m.children,
			c.panel("com_coz_tra_tra", "Travessa", "301", "Travessas", "TRA001", inner, 18, mm(80), false, true, 4, false, dowels(2), screws(2)),
			c.panel("com_coz_tes_tes", "Travessa Frontal", "201", "Travessas Frontais", "TRA001", inner, 18, mm(80), false, true, 4, false, dowels(2), screws(2)),
		)
		return
	}
	m.children = append(m.children,
		c.panel("com_coz_bas_ret", "Base Superior", "002", "Bases", "BAS002", inner, 18, d, false, true, 10, false, dowels(6), screws(4)),
		hardware("ace_fer_sup_aer", "Suporte Aéreo Regulável", "SUP.AER", "SUPAER", 2, mm(60), mm(40), mm(15), 690),
	)
}

// shelves adds an inner shelf row; its QUANTITY (1 or 2) multiplies its
// materials, whose own QUANTITY is per shelf.
func (c *catalogue) shelves(m *node) {
	s := c.panel("com_coz_pra_mov", "Prateleira Interna Móvel 18mm", "602", "Prateleiras", "PRA001", m.w-mm(36), 18, m.d-mm(30.5), false, true, 4, false,
		hardware("ACE_FER_UNI_18", "Ligador Excêntrico Uniblock p/ espessura 18/25 mm", "UNI.18", "UNI18", 4, mm(20), mm(20), mm(12), 0),
	)
	s.qty = int64(1+c.pick(2)) * 10000
	m.children = append(m.children, s)
}

func (c *catalogue) width() int64 { return mm(float64(400 + 50*c.pick(13))) }

func (c *catalogue) baseCabinet() *node {
	return c.doorCabinet("COZ_INF_BAL", "Balcão", "2103", "Balcões", mm(720), mm(610), true)
}

func (c *catalogue) wallCabinet() *node {
	return c.doorCabinet("COZ_SUP_AER", "Aéreo", "2301", "Aéreos", mm(700), mm(330), false)
}

// doorCabinet is a cabinet of one or two doors with shelves (its id is
// id_<n>P, its description "desc <n> Porta(s)") of the module reference and
// group, height h and depth d; base tells a base cabinet's carcass from a
// wall cabinet's.
func (c *catalogue) doorCabinet(id, desc, reference, group string, h, d int64, base bool) *node {
	doors := 1 + c.pick(2)
	m := c.module(fmt.Sprintf("%s_%dP", id, doors), fmt.Sprintf("%s %d Porta%s", desc, doors, plural(doors)), reference, group, c.width(), h, d)
	c.carcass(m, base)
	c.shelves(m)
	sortByDescription(m.children)
	return m
}

// drawerCabinet has drawer sub-assemblies: module → drawer → panel → board,
// four levels as in the sample.
func (c *catalogue) drawerCabinet() *node {
	drawers := 2 + c.pick(2)
	m := c.module(fmt.Sprintf("COZ_INF_GAV_%dG", drawers), fmt.Sprintf("Balcão %d Gavetas", drawers), "2203", "Gaveteiros", c.width(), mm(720), mm(610))
	c.carcass(m, true)
	for range drawers {
		m.children = append(m.children, c.drawer(m.w-mm(104), mm(176.5)))
	}
	sortByDescription(m.children)
	return m
}

func (c *catalogue) drawer(w, h int64) *node {
	g := item("COZ_CAI_GAV_TEL", "Gaveta Telescópica", "2700."+c.fin.name, "Cozinhas", "Padrão", "GAV001", 1, w, h, mm(550))
	g.refs = []ref{{"COMPLETE", g.reference}, {"MODEL", c.fin.name}, {"GRUPO", "Cozinha"}, {"TIPO", "RETA"}, {"EMBUTIDA", "NAO"}}
	inner := w - mm(87.4)
	slide := item("ace_cor_simples", "Kit Corrediça Telescópica Total 550mm", "AGKCTT550", "Ferragens", "Corrediças", "KCTT550", 1, mm(12.7), mm(37), mm(550))
	slide.refs = []ref{{"COMPLETE", "AGKCTT550"}, {"ITEM_BASE", "KCTT550"}, {"CORRE", "CORRE"}, {"FERRAGEM", "NAO"}}
	rails := hardware("ace_ocu_div_cor_gen_k", "Kit Corrediça Telescópica Total 550mm", "KCTT550", "KTEL550", 1, mm(12.7), mm(37), mm(550), 3700)
	rails.group = "Telescópica"
	slide.children = []*node{rails}
	g.children = []*node{
		c.panel("com_coz_gav_fre_fal", "Contra Frente Gaveta", "1005", "Gavetas", "CFR001", inner, 15, h-mm(59), false, true, 0, false, dowels(2), screws(4)),
		c.panel("com_coz_gav_fun", "Fundo Gaveta", "1001", "Gavetas", "FUN002", inner+mm(10), 6, mm(550), false, false, 0, false),
		slide,
		c.panel("com_coz_gav_lat_dir", "Lateral Direita Gaveta", "1003", "Gavetas", "LAT002", mm(550), 15, h-mm(40), false, true, 4, false),
		c.panel("com_coz_gav_lat_esq", "Lateral Esquerda Gaveta", "1002", "Gavetas", "LAT002", mm(550), 15, h-mm(40), false, true, 4, false),
		c.panel("com_coz_gav_tra", "Traseira Gaveta", "1004", "Gavetas", "TRA002", inner, 15, h-mm(59), false, true, 0, false, dowels(2), screws(4)),
	}
	for _, n := range g.children {
		markAggregate(n)
	}
	return g
}

func markAggregate(n *node) {
	n.aggregate = true
	for _, c := range n.children {
		markAggregate(c)
	}
}

func (c *catalogue) door() *node {
	w, h := mm(float64(296+50*c.pick(5))), mm(715)
	m := item("COZ_POR_INF", "Porta Inferior Dob Total Reta", "7001.18."+c.fin.code, "Cozinhas", "Inferiores", "POR001", 1, w, h, mm(18))
	m.refs = []ref{{"COMPLETE", m.reference}, {"MODEL", c.fin.name}, {"ACAB", c.fin.code}, {"ITEM_BASE", "POR001"}}
	hinges := hardware("ace_fer_uni_dob_reta_amort", "Kit Dobradiça Padrão Reta c/ Amortecedor", "DOBTA", "DOBTA", 2, mm(1), mm(1), mm(1), 1400)
	hinges.group, hinges.text = "Padrão", dims3
	m.children = []*node{
		hinges,
		c.panel("POR_PAI_PORTA", "Painel Porta Inferior Dob Total Reta", "1601", "Painéis Porta", "PAI001", h, 18, w, true, true, 6, false),
	}
	if c.pick(2) == 0 {
		m.children = append(m.children, c.handle(1))
	}
	sortByDescription(m.children)
	return m
}

func (c *catalogue) drawerFront() *node {
	w, h := mm(float64(296+50*c.pick(5))), mm(176.5)
	m := item("COZ_POR_FRE_FRE", "Frente de Gaveta Reta", "7201.18."+c.fin.code, "Cozinhas", "Frentes", "FRE001", 1, w, h, mm(18))
	m.refs = []ref{{"COMPLETE", m.reference}, {"MODEL", c.fin.name}, {"ACAB", c.fin.code}, {"ITEM_BASE", "FRE001"}}
	m.children = []*node{c.panel("POR_PAI_GAVETA", "Painel Gaveta", "1602", "Painéis Porta", "PAI002", h, 18, w, true, true, 4, false)}
	if c.pick(2) == 0 {
		m.children = append(m.children, c.handle(1))
	}
	sortByDescription(m.children)
	return m
}

func (c *catalogue) handle(q int64) *node {
	n := hardware("pux_per_alu_160", "Puxador Perfil Alumínio 160mm", "PUX.PER.160", "PUX160", q, mm(160), mm(30), mm(25), 2290)
	n.group = "Puxadores"
	return n
}

// accessory returns a top-level item of the accessories category: a priced
// leaf or a small kit of priced fittings.
func (c *catalogue) accessory() *node {
	c.fin = finishes[c.pick(len(finishes))]
	switch c.pick(3) {
	case 0:
		n := hardware("ace_org_por_tal", "Porta Talheres Organizador", "ORG.TAL."+c.fin.code, "ORGTAL", 1, mm(400), mm(60), mm(480), 8990)
		n.family, n.group, n.text = "Acessórios", "Organizadores", dims3
		return n
	case 1:
		n := c.handle(int64(1 + c.pick(4)))
		n.family = "Acessórios"
		return n
	default:
		n := item("ace_lix_emb_2c", "Lixeira Embutida 2 Cestos", "LIX.EMB.2C", "Acessórios", "Lixeiras", "LIX2C", 1, mm(300), mm(400), mm(480))
		n.refs = []ref{{"COMPLETE", "LIX.EMB.2C"}, {"ITEM_BASE", "LIX2C"}}
		n.children = []*node{
			hardware("ace_lix_ces_15", "Cesto Lixeira 15L", "LIX.CES.15", "LIXCES", 2, mm(280), mm(380), mm(220), 4150),
			hardware("ace_cor_lix_450", "Corrediça Lixeira 450mm", "COR.LIX.450", "CORLIX", 1, mm(12.7), mm(45), mm(450), 6380),
		}
		return n
	}
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// kitchenModule returns the next module of the kitchen category.
func (c *catalogue) kitchenModule() *node {
	c.fin = finishes[c.pick(len(finishes))]
	switch k := c.pick(10); {
	case k < 3:
		return c.baseCabinet()
	case k < 5:
		return c.wallCabinet()
	case k < 6:
		return c.drawerCabinet()
	case k < 8:
		return c.door()
	default:
		return c.drawerFront()
	}
}
