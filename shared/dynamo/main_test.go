package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
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

// holdAccount configures storeID's integration with the Promob account, so
// that its routing items of that account are live.
func holdAccount(t *testing.T, s *dynamo.Store, storeID, accountID string) {
	t.Helper()
	in := domain.Integration{StoreID: storeID, CNPJ: "11222333000181", PromobAccountID: accountID, SerialNumbers: []string{"SN-1"}}
	if _, _, err := s.SaveIntegration(context.Background(), in, domain.NewWebhookSecret(), time.Now()); err != nil {
		t.Fatal(err)
	}
}
