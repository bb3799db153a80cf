package localstack

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/foccolojas/promob-integration/shared/promob/promobsim"
)

// UniqueName returns prefix and random hex: a stack name no other test run
// uses, so that runs sharing one DynamoDB Local and fauxqs do not see each
// other's tables and queues.
func UniqueName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + "-" + hex.EncodeToString(b)
}

// StartForTest starts the stack for a test, with a Promob simulator of its
// own on a free port unless cfg has one, and stops it when the test ends.
// It fails the test when the stack cannot start.
func StartForTest(tb testing.TB, cfg Config) *Stack {
	tb.Helper()
	if cfg.Simulator == nil {
		sim, err := promobsim.New(promobsim.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		cfg.Simulator, cfg.SimulatorAddr = sim, "127.0.0.1:0"
	}
	st, err := Start(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("start the stack: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Stop(); err != nil {
			tb.Errorf("stop the stack: %v", err)
		}
	})
	return st
}
