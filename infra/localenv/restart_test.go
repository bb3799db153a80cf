package localenv

import (
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/infra/proc"
)

// TestRestartRefusesAPartInTheWrongState checks that a part that is not
// running cannot be killed and one that runs cannot be started again.
func TestRestartRefusesAPartInTheWrongState(t *testing.T) {
	e := &Env{DynamoEndpoint: "http://127.0.0.1:1", SQSEndpoint: "http://127.0.0.1:1"}
	for name, kill := range map[string]func() error{"DynamoDB Local": e.KillDynamo, "fauxqs": e.KillSQS} {
		if err := kill(); err == nil || !strings.Contains(err.Error(), name+" is not running") {
			t.Errorf("killing %s that is not running: %v", name, err)
		}
	}
	e.dynamo, e.fauxqs = &proc.Process{}, &proc.Process{}
	if err := e.StartDynamo(t.Context()); err == nil || !strings.Contains(err.Error(), "DynamoDB Local is already running") {
		t.Errorf("starting DynamoDB Local that runs: %v", err)
	}
	if err := e.StartSQS(t.Context()); err == nil || !strings.Contains(err.Error(), "fauxqs is already running") {
		t.Errorf("starting fauxqs that runs: %v", err)
	}
}
