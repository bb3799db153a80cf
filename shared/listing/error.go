package listing

import "fmt"

// Error is a problem with a listing's content: malformed XML, a shape that is
// not a Promob budget listing, a refused construct or a number out of range.
// Reason is a sentence for people, meant to be stored on the environment as
// the reason an import failed; Line and Offset locate the problem in the input
// (1-based line, 0-based byte offset; 0 when the problem is found at the end,
// such as a missing AMBIENT).
type Error struct {
	Reason string
	Line   int
	Offset int64
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("listing: line %d: %s", e.Line, e.Reason)
	}
	return "listing: " + e.Reason
}
