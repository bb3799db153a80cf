package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// ItemView is a row of the items tab: a Promob item, as stored (the JSON
// object of a domain.PromobItem, answered without decoding it), or a
// manual one; its JSON is the item's own fields after "source" ("promob"
// or "manual").
type ItemView struct {
	Promob json.RawMessage
	Manual *domain.ManualItem
}

// MarshalJSON writes "source" and the item's own fields.
func (v ItemView) MarshalJSON() ([]byte, error) {
	if v.Promob != nil {
		fields, err := itemFields(v.Promob)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(v.Promob)+20)
		out = append(out, `{"source":"promob",`...)
		return append(out, fields...), nil
	}
	return json.Marshal(struct {
		Source string `json:"source"`
		domain.ManualItem
	}{"manual", *v.Manual})
}

// itemFields returns what follows the "{" of a stored Promob item's JSON
// object, or an error when it is not an object with fields.
func itemFields(stored json.RawMessage) ([]byte, error) {
	fields, ok := bytes.CutPrefix(bytes.TrimSpace(stored), []byte("{"))
	if !ok || len(bytes.TrimSpace(fields)) < 2 {
		return nil, fmt.Errorf("httpapi: stored Promob item is not a JSON object with fields: %.40q", stored)
	}
	return fields, nil
}

// BudgetLine is a priced Promob line of a version's budget, with the id of
// the item it prices.
type BudgetLine struct {
	ItemID string `json:"itemId"`
	pricing.PricedLine
}

// VersionDetail is a version with its stored budget summary; its items and
// budget lines are read a page at a time on their own routes.
type VersionDetail struct {
	domain.Version
	Budget pricing.Summary `json:"budget"`
	// BudgetFixed says the budget can no longer change (see
	// domain.Environment.BudgetFixed).
	BudgetFixed bool `json:"budgetFixed"`
}

// pageOf is the JSON answer of a page: the items and, except on the last
// page, the cursor of the next.
type pageOf[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

// summaryOf decodes a version's stored budget summary.
func summaryOf(v domain.Version) (pricing.Summary, error) {
	var sum pricing.Summary
	if err := json.Unmarshal(v.Budget, &sum); err != nil {
		return pricing.Summary{}, fmt.Errorf("httpapi: version %d budget: %w", v.Number, err)
	}
	return sum, nil
}

// latestNumber returns the record's latest version number, or a not_found
// *Error when nothing is imported yet.
func latestNumber(env domain.Environment) (int, error) {
	if env.LatestVersion == 0 {
		return 0, domain.NotFound("The %s %s has no imported version yet (import %s).", recordNoun(env.Kind), env.ID, env.ImportStatus)
	}
	return env.LatestVersion, nil
}

// versionIn returns the version number the path names ({n}), or the
// record's latest when the path has none.
func versionIn(r *http.Request, env domain.Environment) (int, error) {
	if r.PathValue("n") != "" {
		return versionNumber(r)
	}
	return latestNumber(env)
}

// routedVersion reads the record in the path and the version versionIn
// names.
func (s *Server) routedVersion(r *http.Request, storeID string) (domain.Environment, domain.Version, error) {
	env, err := s.routedRecord(r, storeID)
	if err != nil {
		return env, domain.Version{}, err
	}
	n, err := versionIn(r, env)
	if err != nil {
		return env, domain.Version{}, err
	}
	v, err := s.store.Version(r.Context(), env, n)
	return env, v, err
}

func (s *Server) getVersion(r *http.Request, id domain.Identity) (int, any, error) {
	env, v, err := s.routedVersion(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	sum, err := summaryOf(v)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, VersionDetail{Version: v, Budget: sum, BudgetFixed: env.BudgetFixed(v.Number)}, nil
}

// getBudget answers the latest version's stored budget summary, reading the
// record and its latest version at once.
func (s *Server) getBudget(r *http.Request, id domain.Identity) (int, any, error) {
	env, v, err := routedWith(r, func(eid string) (domain.Environment, domain.Version, error) {
		return s.store.EnvironmentLatest(r.Context(), id.StoreID, eid)
	})
	if err != nil {
		return 0, nil, err
	}
	if _, err := latestNumber(env); err != nil {
		return 0, nil, err
	}
	sum, err := summaryOf(v)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		Version int `json:"version"`
		pricing.Summary
	}{v.Number, sum}, nil
}

// latestBudget returns the number and the stored budget summary of the
// record's latest version, or a not_found *Error when nothing is imported.
func (s *Server) latestBudget(r *http.Request, env domain.Environment) (int, pricing.Summary, error) {
	n, err := latestNumber(env)
	if err != nil {
		return 0, pricing.Summary{}, err
	}
	v, err := s.store.Version(r.Context(), env, n)
	if err != nil {
		return 0, pricing.Summary{}, err
	}
	sum, err := summaryOf(v)
	return n, sum, err
}

// itemCursor is a position in an items list: version v's Promob item at
// pos, or, with manual set, the manual items after the one of that id.
type itemCursor struct {
	v      int
	pos    domain.ItemPos
	manual string
}

func (c itemCursor) encode() page.Cursor {
	if c.manual != "" {
		return page.Cursor{"v": strconv.Itoa(c.v), "m": c.manual}
	}
	return page.Cursor{"v": strconv.Itoa(c.v), "c": strconv.Itoa(c.pos.Chunk), "i": strconv.Itoa(c.pos.Index)}
}

var errCursor = domain.Invalid("cursor does not belong to this list: pass back a nextCursor unchanged.")

// readItemCursor reads a cursor made by encode; the store checks that the
// position is inside the version's items.
func readItemCursor(c page.Cursor) (itemCursor, error) {
	num := func(k string) (int, bool) {
		n, err := strconv.Atoi(c[k])
		return n, err == nil && n >= 0 && strconv.Itoa(n) == c[k]
	}
	v, ok := num("v")
	if !ok {
		return itemCursor{}, errCursor
	}
	if m, isManual := c["m"]; isManual {
		if len(c) != 2 || m == "" || len(m) > 64 {
			return itemCursor{}, errCursor
		}
		return itemCursor{v: v, manual: m}, nil
	}
	ch, ok1 := num("c")
	i, ok2 := num("i")
	if len(c) != 3 || !ok1 || !ok2 || v < 1 {
		return itemCursor{}, errCursor
	}
	return itemCursor{v: v, pos: domain.ItemPos{Chunk: ch, Index: i}}, nil
}

// itemReader hands fn each stored item of a version from some position,
// as the store's VersionItemsFrom does.
type itemReader func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error)

// itemsOf reads version v's items from pos.
func (s *Server) itemsOf(r *http.Request, env domain.Environment, v domain.Version, pos domain.ItemPos) itemReader {
	return func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
		return s.store.VersionItemsFrom(r.Context(), env, v, pos, fn)
	}
}

// linePage reads items with read until it has limit parts (items without
// children), each priced by price. It returns the lines and the position
// after them, or done when the version has no item after them.
func linePage(read itemReader, limit int, price func(domain.PromobItem) BudgetLine) ([]BudgetLine, domain.ItemPos, bool, error) {
	out := make([]BudgetLine, 0, limit)
	next, more, err := read(func(dec *json.Decoder) (bool, error) {
		var it domain.PromobItem
		if err := dec.Decode(&it); err != nil {
			return false, err
		}
		if !it.HasChildren {
			out = append(out, price(it))
		}
		return len(out) < limit, nil
	})
	return out, next, !more, err
}

// storedPage reads at most limit items with read, each as stored (JSON):
// the items tab and a version's items answer them as they are, so a page
// costs no decoding of its items' fields and decimals. A stored item that
// is not a JSON object with fields is an error before anything is answered.
func storedPage(read itemReader, limit int) ([]json.RawMessage, domain.ItemPos, bool, error) {
	out := make([]json.RawMessage, 0, limit)
	next, more, err := read(func(dec *json.Decoder) (bool, error) {
		var it json.RawMessage
		if err := dec.Decode(&it); err != nil {
			return false, err
		}
		if _, err := itemFields(it); err != nil {
			return false, err
		}
		out = append(out, it)
		return len(out) < limit, nil
	})
	return out, next, !more, err
}

// listItems answers a page of the items tab: the latest version's Promob
// items in listing order, then the environment's manual items in creation
// order (the latest version's budget holds the same ones). A cursor keeps
// reading the version the first page read. The first page reads the
// record and the latest version's first items at once, without reading
// the version, so that it costs what the budget summary costs.
func (s *Server) listItems(r *http.Request, id domain.Identity) (int, any, error) {
	req, qerr := page.FromQuery(r.URL.Query())
	var (
		env   domain.Environment
		first itemReader
		err   error
	)
	if qerr == nil && req.Cursor == nil {
		env, first, err = routedWith(r, func(eid string) (domain.Environment, itemReader, error) {
			return s.store.EnvironmentItems(r.Context(), id.StoreID, eid)
		})
	} else {
		env, err = s.routedRecord(r, id.StoreID)
	}
	if err != nil {
		return 0, nil, err
	}
	if qerr != nil {
		return 0, nil, qerr
	}
	out := []ItemView{}
	cur := itemCursor{v: env.LatestVersion}
	if req.Cursor != nil {
		if cur, err = readItemCursor(req.Cursor); err != nil {
			return 0, nil, err
		}
		if cur.v > env.LatestVersion || (cur.v == 0 && cur.manual == "") {
			return 0, nil, errCursor
		}
	}
	if cur.v > 0 && cur.manual == "" {
		read := first
		if req.Cursor != nil {
			v, err := s.store.Version(r.Context(), env, cur.v)
			if err != nil {
				return 0, nil, err
			}
			read = s.itemsOf(r, env, v, cur.pos)
		}
		stored, next, done, err := storedPage(read, req.Limit)
		if err != nil {
			return 0, nil, err
		}
		items := make([]ItemView, len(stored), req.Limit)
		for i := range stored {
			items[i] = ItemView{Promob: stored[i]}
		}
		if !done || len(items) == req.Limit {
			next, err := s.itemsNext(r, env, cur.v, next, done)
			if err != nil {
				return 0, nil, err
			}
			return http.StatusOK, pageOf[ItemView]{Items: items, NextCursor: next}, nil
		}
		out = items
	}
	manual, err := s.store.ManualItems(r.Context(), env.StoreID, env.ID)
	if err != nil {
		return 0, nil, err
	}
	next, last := "", ""
	for i := range manual {
		if cur.manual != "" && manual[i].ID <= cur.manual {
			continue
		}
		if len(out) == req.Limit {
			// A page filled by Promob items alone was answered above, so
			// the page's last row is a manual item: last.
			next = itemCursor{v: cur.v, manual: last}.encode().Encode()
			break
		}
		out = append(out, ItemView{Manual: &manual[i]})
		last = manual[i].ID
	}
	return http.StatusOK, pageOf[ItemView]{Items: out, NextCursor: next}, nil
}

// itemsNext is the cursor after a full page of Promob items: the next
// Promob item, or the first manual item when the Promob items are done
// (none when there is no manual item either).
func (s *Server) itemsNext(r *http.Request, env domain.Environment, v int, next domain.ItemPos, done bool) (string, error) {
	if !done {
		return itemCursor{v: v, pos: next}.encode().Encode(), nil
	}
	manual, err := s.store.ManualItems(r.Context(), env.StoreID, env.ID)
	if err != nil || len(manual) == 0 {
		return "", err
	}
	// "-" sorts before every manual item id (hex): all of them follow.
	return itemCursor{v: v, manual: "-"}.encode().Encode(), nil
}

// versionPageTarget reads what a page of a version's items needs: the
// record, the version ({n} in the path, else the latest; a cursor must be
// of that version), the page asked for and the position it starts at.
func (s *Server) versionPageTarget(r *http.Request, id domain.Identity) (domain.Environment, domain.Version, page.Request, domain.ItemPos, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return env, domain.Version{}, page.Request{}, domain.ItemPos{}, err
	}
	req, err := page.FromQuery(r.URL.Query())
	if err != nil {
		return env, domain.Version{}, req, domain.ItemPos{}, err
	}
	n, err := versionIn(r, env)
	if err != nil {
		return env, domain.Version{}, req, domain.ItemPos{}, err
	}
	var pos domain.ItemPos
	if req.Cursor != nil {
		cur, err := readItemCursor(req.Cursor)
		if err != nil {
			return env, domain.Version{}, req, pos, err
		}
		if cur.manual != "" || (r.PathValue("n") != "" && cur.v != n) || cur.v > env.LatestVersion {
			return env, domain.Version{}, req, pos, errCursor
		}
		n, pos = cur.v, cur.pos
	}
	v, err := s.store.Version(r.Context(), env, n)
	return env, v, req, pos, err
}

// listVersionItems answers a page of one version's Promob items, in
// listing order (its manual items are in its budget summary).
func (s *Server) listVersionItems(r *http.Request, id domain.Identity) (int, any, error) {
	env, v, req, pos, err := s.versionPageTarget(r, id)
	if err != nil {
		return 0, nil, err
	}
	items, next, done, err := storedPage(s.itemsOf(r, env, v, pos), req.Limit)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pageOf[json.RawMessage]{Items: items, NextCursor: nextOf(v, next, done)}, nil
}

// listBudgetLines answers a page of the priced Promob lines (the parts:
// items without children) of the version in the path, else of the latest,
// priced with the rules the version's budget holds, in listing order. A
// cursor keeps reading the version the first page read.
func (s *Server) listBudgetLines(r *http.Request, id domain.Identity) (int, any, error) {
	env, v, req, pos, err := s.versionPageTarget(r, id)
	if err != nil {
		return 0, nil, err
	}
	sum, err := summaryOf(v)
	if err != nil {
		return 0, nil, err
	}
	lines, next, done, err := linePage(s.itemsOf(r, env, v, pos), req.Limit, func(it domain.PromobItem) BudgetLine {
		return BudgetLine{ItemID: it.ID, PricedLine: sum.Price(pricing.LineOf(it))}
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pageOf[BudgetLine]{Items: lines, NextCursor: nextOf(v, next, done)}, nil
}

// nextOf is the cursor text after a page of version v's items.
func nextOf(v domain.Version, next domain.ItemPos, done bool) string {
	if done {
		return ""
	}
	return itemCursor{v: v.Number, pos: next}.encode().Encode()
}
