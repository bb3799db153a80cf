package domain

import (
	"context"
	"time"
)

// CredentialThrottle bounds wrong credential checks (Promob passwords): after
// Limit wrong ones for a subject within Window, from the first of them,
// checks are refused until the window ends.
type CredentialThrottle struct {
	Limit  int
	Window time.Duration
}

// The throttles of Promob password checks: per FoccoLojas user, and per
// Promob account (many users guessing for one account).
var (
	UserThrottle    = CredentialThrottle{Limit: 5, Window: 15 * time.Minute}
	AccountThrottle = CredentialThrottle{Limit: 20, Window: 15 * time.Minute}
)

// Failures is a subject's wrong credential checks in the window that ends
// at Until.
type Failures struct {
	Count int
	Until time.Time
}

// Wait returns how long the subject must wait before its next check at now:
// 0 when it may check.
func (t CredentialThrottle) Wait(f Failures, now time.Time) time.Duration {
	if f.Count >= t.Limit && now.Before(f.Until) {
		return f.Until.Sub(now)
	}
	return 0
}

// UserSubject and AccountSubject name who a throttle counts: a store's user,
// a Promob account. Ids never hold '#' (ValidID), so subjects never collide.
func UserSubject(storeID, userID string) string { return "USER#" + storeID + "#" + userID }

// AccountSubject names a Promob account for the throttle.
func AccountSubject(accountID string) string { return "ACCOUNT#" + accountID }

// FailureStore keeps wrong credential checks where every instance of the
// API sees them.
type FailureStore interface {
	// CredentialFailures returns the subject's failures in the window open
	// at now (Count 0 when none is open).
	CredentialFailures(ctx context.Context, subject string, now time.Time) (Failures, error)
	// RecordCredentialFailure counts one more failure in the subject's open
	// window, or opens a window of the given length at now with one.
	RecordCredentialFailure(ctx context.Context, subject string, window time.Duration, now time.Time) error
	// ResetCredentialFailures forgets the subject's failures.
	ResetCredentialFailures(ctx context.Context, subject string) error
}
