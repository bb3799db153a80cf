package sale_test

import (
	"testing"

	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
)

// local is DynamoDB Local: the test run's, else started for the package.
var local *dynamotest.Local

func TestMain(m *testing.M) {
	dynamotest.MainForTest(m, func(l *dynamotest.Local) { local = l })
}
