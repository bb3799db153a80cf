package localenv

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/foccolojas/promob-integration/infra/proc"
)

// KillDynamo kills DynamoDB Local's process group without a grace period
// (SIGTERM, then SIGKILL at once), as a crash would, and waits for it to exit. Tests use it with
// StartDynamo to check what survives a database outage. It returns an error
// when DynamoDB Local is not running.
func (e *Env) KillDynamo() error { return kill(&e.dynamo, "DynamoDB Local") }

// StartDynamo starts DynamoDB Local again after KillDynamo, on the same
// port (so DynamoEndpoint and the clients stay valid) and, when
// Options.DataDir was set, with the same data. It fails when DynamoDB Local
// is running or does not become ready.
func (e *Env) StartDynamo(ctx context.Context) error {
	return restart(&e.dynamo, "DynamoDB Local", e.DynamoEndpoint, func(port int) (*proc.Process, error) {
		opts := e.opts
		opts.DynamoPort = port
		p, _, err := startDynamo(ctx, e.parts, opts)
		return p, err
	})
}

// KillSQS kills fauxqs's process group without a grace period, as a crash
// would, and waits for it to exit. It returns an error when fauxqs is not
// running.
func (e *Env) KillSQS() error { return kill(&e.fauxqs, "fauxqs") }

// StartSQS starts fauxqs again after KillSQS, on the same port and, when
// Options.DataDir was set, with the same queues and messages. It fails when
// fauxqs is running or does not become ready.
func (e *Env) StartSQS(ctx context.Context) error {
	return restart(&e.fauxqs, "fauxqs", e.SQSEndpoint, func(port int) (*proc.Process, error) {
		opts := e.opts
		opts.SQSPort = port
		p, _, err := startFauxqs(ctx, e.parts, opts)
		return p, err
	})
}

// kill stops the part *p names without a grace period and forgets it; it
// fails when the part is not running.
func kill(p **proc.Process, name string) error {
	if *p == nil {
		return fmt.Errorf("localenv: %s is not running", name)
	}
	err := (*p).Stop(0)
	*p = nil
	return err
}

// restart starts the part again with start on the port of its endpoint;
// it fails when the part is running.
func restart(p **proc.Process, name, endpoint string, start func(port int) (*proc.Process, error)) error {
	if *p != nil {
		return fmt.Errorf("localenv: %s is already running", name)
	}
	port, err := endpointPort(endpoint)
	if err != nil {
		return err
	}
	*p, err = start(port)
	return err
}

func endpointPort(ep string) (int, error) {
	u, err := url.Parse(ep)
	if err != nil {
		return 0, fmt.Errorf("localenv: endpoint %q: %w", ep, err)
	}
	return strconv.Atoi(u.Port())
}
