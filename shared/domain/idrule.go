package domain

import "regexp"

// MaxIDLen bounds every id the system takes from outside: record ids and
// Promob ids in paths and bodies, a token's store_id and sub.
const MaxIDLen = 128

// idPattern is the alphabet of those ids: a letter or digit, then letters,
// digits and _ . : @ | + -. It leaves out '#' and '/', which separate the
// parts of storage keys and sealing contexts, spaces and control
// characters.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:@|+-]{0,127}$`)

// ValidID reports whether s is an id the system accepts: 1 to MaxIDLen
// characters of idPattern's alphabet.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// RequireID returns nil when v is a valid id, else an invalid_request
// *Error naming the body field.
func RequireID(field, v string) error {
	if ValidID(v) {
		return nil
	}
	return Invalid("%s is required: 1 to %d letters, digits or _.:@|+- (starting with a letter or digit).", field, MaxIDLen)
}
