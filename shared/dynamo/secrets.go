package dynamo

import (
	"fmt"
	"strings"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// WithSecrets makes the store keep each account's webhook secrets and
// Promob integration token sealed by box (AES-256-GCM, as users' Promob
// tokens), bound to the account: a copied value does not open under another
// account. It returns the store.
func (s *Store) WithSecrets(box domain.TokenBox) *Store {
	s.box = box
	return s
}

// Contexts the account's secrets are sealed under. Both webhook secrets
// share one, because a rotation moves the current secret to the previous
// one inside DynamoDB.
func secretContext(accountID string) string   { return "account-secret/" + accountID }
func apiTokenContext(accountID string) string { return "account-token/" + accountID }

// seal returns v sealed under context, or v itself when the store has no
// box or v is empty.
func (s *Store) seal(v, context string) (string, error) {
	if s.box == nil || v == "" {
		return v, nil
	}
	sealed, err := s.box.Seal(v, context)
	if err != nil {
		return "", fmt.Errorf("dynamo: seal: %w", err)
	}
	return sealed, nil
}

// open returns the plaintext of a sealed value; a value stored before the
// secrets were sealed (not "v…:"-prefixed) is returned as it is, and is
// sealed when next written. It fails when the value does not open, without
// saying more (the error never carries the value).
func (s *Store) open(v, context string) (string, error) {
	if s.box == nil || v == "" || !isSealed(v) {
		return v, nil
	}
	pt, err := s.box.Open(v, context)
	if err != nil {
		return "", fmt.Errorf("dynamo: a secret of %s does not open with the current keys", context)
	}
	return pt, nil
}

// isSealed reports whether v has the form tokenbox gives sealed values.
func isSealed(v string) bool {
	head, _, ok := strings.Cut(v, ":")
	return ok && len(head) == 2 && head[0] == 'v' && head[1] >= '1' && head[1] <= '9'
}
