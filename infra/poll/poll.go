// Package poll is the one wait of the tests that watch work done in the
// background: it polls a condition until it holds or time runs out.
package poll

import (
	"testing"
	"time"
)

// Interval is the pause between two looks at the condition.
const Interval = 50 * time.Millisecond

// Until fails the test unless cond holds within d, looking every Interval.
func Until(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(Interval)
	}
}
