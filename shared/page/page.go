// Package page is the API's one paging convention. A list is read a page at
// a time: the caller asks for at most `limit` entries (1 to MaxLimit,
// DefaultLimit when absent) and passes back, as `cursor`, the `nextCursor`
// of the page before. The last page has no `nextCursor`. A cursor is opaque
// to callers: it names the position after which the next page starts, and a
// store checks that it points into the list being read.
package page

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// The bounds of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 200
	// maxCursor bounds a cursor's text: positions are a few keys.
	maxCursor = 2048
)

// Cursor is a position in a list: the key attributes of the last entry of
// the page before. A nil Cursor is the start of the list.
type Cursor map[string]string

// Request is which page of a list to read.
type Request struct {
	Limit  int
	Cursor Cursor
}

// First is the first page at the default size.
var First = Request{Limit: DefaultLimit}

// FromQuery reads `limit` and `cursor` from a query string. An out-of-range
// limit or a cursor that was not issued by Encode is an invalid_request
// *domain.Error.
func FromQuery(q url.Values) (Request, error) {
	req := First
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return Request{}, domain.Invalid("limit must be an integer from 1 to %d.", MaxLimit)
		}
		req.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := Decode(v)
		if err != nil {
			return Request{}, err
		}
		req.Cursor = c
	}
	return req, nil
}

// Encode returns the cursor's opaque text; "" for the start of the list.
func (c Cursor) Encode() string {
	if len(c) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string]string(c)) // a map of strings always marshals
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor's text made by Encode.
func Decode(s string) (Cursor, error) {
	bad := domain.Invalid("cursor is not one this API issued: pass back a nextCursor unchanged.")
	if len(s) > maxCursor {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || len(c) == 0 {
		return nil, bad
	}
	return c, nil
}

// Page is one page of a list and the cursor of the next; Next is nil on the
// last page.
type Page[T any] struct {
	Items []T
	Next  Cursor
}

// NextCursor is the text of the next page's cursor, "" on the last page;
// answers put it in `nextCursor` (omitted when empty).
func (p Page[T]) NextCursor() string { return p.Next.Encode() }
