package importer_test

import (
	"testing"

	"github.com/foccolojas/promob-integration/infra/localenv"
)

// local is DynamoDB Local (and fauxqs), started once for the package.
var local *localenv.Env

func TestMain(m *testing.M) {
	localenv.MainForTest(m, func(e *localenv.Env) { local = e })
}
