package localenv

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// Variables through which one DynamoDB Local and fauxqs serve a whole test
// run (`make test` sets them, see infra/cmd/testenv): each test package
// then uses them, with tables and queues of its own, instead of starting
// its own pair.
const (
	VarDynamoEndpoint = "TEST_DYNAMODB_ENDPOINT"
	VarSQSEndpoint    = "TEST_SQS_ENDPOINT"
)

// Shared returns the pair the test run's environment names (see
// VarDynamoEndpoint), or false when it names none. Stopping it does
// nothing: the run's owner stops it.
func Shared() (*Env, bool) {
	d, q := os.Getenv(VarDynamoEndpoint), os.Getenv(VarSQSEndpoint)
	if d == "" || q == "" {
		return nil, false
	}
	return &Env{DynamoEndpoint: d, SQSEndpoint: q}, true
}

// startForTest returns the run's shared pair, else a pair started for the
// caller.
func startForTest() (*Env, error) {
	if e, ok := Shared(); ok {
		return e, nil
	}
	return Start(context.Background(), Options{})
}

// ForTest returns the test run's shared pair, else starts a pair for tb and
// stops it when tb ends. It fails tb with the reason (and what to install)
// when the pair cannot start.
func ForTest(tb testing.TB) *Env {
	tb.Helper()
	e, err := startForTest()
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

// MainForTest is for TestMain: it takes the test run's shared pair, else
// starts one pair for the whole test binary, hands it to set, runs the tests, stops the stack and exits with the
// tests' status. When the stack cannot start it prints the reason and exits
// with status 1 without running the tests.
func MainForTest(m *testing.M, set func(*Env)) {
	e, err := startForTest()
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
