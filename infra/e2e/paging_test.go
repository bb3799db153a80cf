package e2e_test

import (
	"net/http"
	"net/url"
	"strings"
)

// pages reads every page of the paged list at path (200 entries a page),
// following nextCursor until the last page, and returns the entries.
func pages[T any](s *stack, path, token string) []T {
	s.T.Helper()
	var all []T
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	cursor := ""
	for page := 0; ; page++ {
		var out struct {
			Items      []T    `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		p := path + sep + "limit=200"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		s.Call(http.MethodGet, p, token, nil, http.StatusOK, &out)
		all = append(all, out.Items...)
		if out.NextCursor == "" {
			return all
		}
		if page > 10_000 {
			s.T.Fatalf("%s: more than 10,000 pages", path)
		}
		cursor = out.NextCursor
	}
}

// budgetAt reads the budget summary at path (…/budget) and its lines, page
// by page, at linesPath.
func budgetAt(s *stack, path, linesPath, token string) budgetView {
	s.T.Helper()
	var b budgetView
	s.Call(http.MethodGet, path, token, nil, http.StatusOK, &b)
	b.Lines = pages[budgetLine](s, linesPath, token)
	return b
}
