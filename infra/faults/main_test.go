// Package faults_test runs the local stack (DynamoDB Local and fauxqs with
// their data on disk, the template's table and queues, the gateway, the
// pollers, the Promob simulator and the real functions) and injects faults:
// repeated, reordered and concurrent deliveries, a database and a queue
// killed and started again, poison messages and a failing Promob. Each test
// checks that nothing is lost, duplicated or left half written.
package faults_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// local is the DynamoDB Local and fauxqs pair of the package, with its data
// in a temporary directory so that a killed child restarts with it.
var local *localenv.Env

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	local, err = localenv.Start(context.Background(), localenv.Options{DataDir: dir})
	if err != nil {
		fmt.Fprintf(os.Stderr, "local stack: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := local.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stop local stack: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// wait bounds each wait for queued work.
const wait = 60 * time.Second

// faultStack is one running local stack.
type faultStack struct {
	*stacktest.Stack
}

// startFaultStack starts the stack of template.yaml under a stack name of
// its own with the real functions, except those handlers replace, and stops
// it when the test ends.
func startFaultStack(t *testing.T, handlers map[string]functions.Function) *faultStack {
	t.Helper()
	return &faultStack{stacktest.Start(t, local, stacktest.Options{Prefix: "faults", Handlers: handlers})}
}
