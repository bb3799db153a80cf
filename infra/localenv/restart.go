package localenv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// KillDynamo kills DynamoDB Local's process group without a grace period
// (SIGTERM, then SIGKILL at once), as a crash would, and waits for it to exit. Tests use it with
// StartDynamo to check what survives a database outage. It returns an error
// when DynamoDB Local is not running.
func (e *Env) KillDynamo() error {
	if e.dynamo == nil {
		return errors.New("localenv: DynamoDB Local is not running")
	}
	err := e.dynamo.Stop(0)
	e.dynamo = nil
	return err
}

// StartDynamo starts DynamoDB Local again after KillDynamo, on the same
// port (so DynamoEndpoint and the clients stay valid) and, when
// Options.DataDir was set, with the same data. It fails when DynamoDB Local
// is running or does not become ready.
func (e *Env) StartDynamo(ctx context.Context) error {
	if e.dynamo != nil {
		return errors.New("localenv: DynamoDB Local is already running")
	}
	opts := e.opts
	port, err := endpointPort(e.DynamoEndpoint)
	if err != nil {
		return err
	}
	opts.DynamoPort = port
	e.dynamo, _, err = startDynamo(ctx, e.parts, opts)
	return err
}

// KillSQS kills fauxqs's process group without a grace period, as a crash
// would, and waits for it to exit. It returns an error when fauxqs is not
// running.
func (e *Env) KillSQS() error {
	if e.fauxqs == nil {
		return errors.New("localenv: fauxqs is not running")
	}
	err := e.fauxqs.Stop(0)
	e.fauxqs = nil
	return err
}

// StartSQS starts fauxqs again after KillSQS, on the same port and, when
// Options.DataDir was set, with the same queues and messages. It fails when
// fauxqs is running or does not become ready.
func (e *Env) StartSQS(ctx context.Context) error {
	if e.fauxqs != nil {
		return errors.New("localenv: fauxqs is already running")
	}
	opts := e.opts
	port, err := endpointPort(e.SQSEndpoint)
	if err != nil {
		return err
	}
	opts.SQSPort = port
	e.fauxqs, _, err = startFauxqs(ctx, e.parts, opts)
	return err
}

func endpointPort(ep string) (int, error) {
	u, err := url.Parse(ep)
	if err != nil {
		return 0, fmt.Errorf("localenv: endpoint %q: %w", ep, err)
	}
	return strconv.Atoi(u.Port())
}
