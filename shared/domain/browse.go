package domain

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// The stage a project's sale reached: the furthest of its environments'.
// A project is open until one of its environments is approved, converted
// from then, in review once a review started, locked once a review was
// completed (purchase orders written).
const (
	ProjectOpen      = "open"
	ProjectConverted = "converted"
	ProjectInReview  = "in_review"
	ProjectLocked    = "locked"
)

// ProjectStates lists the states in the order a sale goes through them.
var ProjectStates = []string{ProjectOpen, ProjectConverted, ProjectInReview, ProjectLocked}

// ProjectFilter narrows a list of projects to one client's and/or one
// state; empty fields do not narrow.
type ProjectFilter struct {
	ClientID string
	State    string
}

// Validate returns an invalid_request *Error for an unknown state.
func (f ProjectFilter) Validate() error {
	if f.State != "" && !slices.Contains(ProjectStates, f.State) {
		return Invalid("state must be one of %s.", strings.Join(ProjectStates, ", "))
	}
	return nil
}

// User is one of the store's users as the API has seen them: the roles of
// their latest request, when it was, and their Promob link (the green icon
// of the article's user list).
type User struct {
	ID         string    `json:"id"`
	Roles      []Role    `json:"roles"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	PromobLink LinkView  `json:"promobLink"`
}

// SearchText folds text for a search: lower case, without accents, with
// runs of spaces as one, so that "José  SILVA" and "jose silva" match.
func SearchText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if f, ok := unaccented[r]; ok {
			r = f
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Digits returns the digits of s ("529.982.247-25" → "52998224725").
func Digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// unaccented maps the accented lower-case letters of Portuguese (and a
// few neighbours) to their base letter.
var unaccented = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
	'ç': 'c', 'ñ': 'n',
}
