package dynamo_test

import (
	"testing"

	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
)

// local is DynamoDB Local: the test run's, else started for the package.
var local *dynamotest.Local

func TestMain(m *testing.M) {
	dynamotest.MainForTest(m, func(l *dynamotest.Local) { local = l })
}

// backends returns the DynamoDB implementations every store test runs on.
func backends(t *testing.T) map[string]func(t *testing.T) *dynamo.Store {
	return map[string]func(t *testing.T) *dynamo.Store{
		"minidyn": func(t *testing.T) *dynamo.Store { return dynamotest.Minidyn(t) },
		"dynamodb-local": func(t *testing.T) *dynamo.Store {
			c := local.DynamoDB()
			return dynamo.New(c, dynamotest.CreateTable(t, c))
		},
	}
}
