package faults_test

import (
	"net/http"
	"net/url"
)

// allPages reads every page of the paged list at path (200 entries a
// page), following nextCursor until the last page, and returns the entries.
func allPages[T any](s *faultStack, path, token string) []T {
	s.T.Helper()
	var all []T
	cursor := ""
	for {
		var out struct {
			Items      []T    `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		p := path + "?limit=200"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		s.Call(http.MethodGet, p, token, nil, http.StatusOK, &out)
		all = append(all, out.Items...)
		if out.NextCursor == "" {
			return all
		}
		cursor = out.NextCursor
	}
}
