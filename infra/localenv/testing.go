package localenv

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// ForTest starts a local stack for tb and stops it when tb ends. It fails tb
// with the reason (and what to install) when the stack cannot start.
func ForTest(tb testing.TB) *Env {
	tb.Helper()
	e, err := Start(context.Background(), Options{})
	if err != nil {
		tb.Fatalf("local stack: %v", err)
	}
	tb.Cleanup(func() {
		if err := e.Stop(); err != nil {
			tb.Errorf("stop local stack: %v", err)
		}
	})
	return e
}

// MainForTest is for TestMain: it starts one local stack for the whole test
// binary, hands it to set, runs the tests, stops the stack and exits with the
// tests' status. When the stack cannot start it prints the reason and exits
// with status 1 without running the tests.
func MainForTest(m *testing.M, set func(*Env)) {
	e, err := Start(context.Background(), Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "local stack: %v\n", err)
		os.Exit(1)
	}
	set(e)
	code := m.Run()
	if err := e.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stop local stack: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
