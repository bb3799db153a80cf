package dynamo_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// local is DynamoDB Local, started once for the package.
var local *localenv.Env

func TestMain(m *testing.M) {
	localenv.MainForTest(m, func(e *localenv.Env) { local = e })
}

var tableSeq atomic.Int64

// tableClient is what the tests need of a DynamoDB: the store's calls and table creation.
type tableClient interface {
	dynamo.Client
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
}

// backends returns the DynamoDB implementations every store test runs on.
func backends(t *testing.T) map[string]func(t *testing.T) *dynamo.Store {
	return map[string]func(t *testing.T) *dynamo.Store{
		"minidyn": func(t *testing.T) *dynamo.Store {
			c := miniclient.NewClient()
			return dynamo.New(c, createTable(t, c))
		},
		"dynamodb-local": func(t *testing.T) *dynamo.Store {
			c := local.DynamoDB()
			return dynamo.New(c, createTable(t, c))
		},
	}
}

func createTable(t *testing.T, c tableClient) string {
	t.Helper()
	s := func(v string) *string { return aws.String(v) }
	name := fmt.Sprintf("test-%d", tableSeq.Add(1))
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:   s(name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: s("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: s("SK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: s("GSI1PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: s("GSI1SK"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{{AttributeName: s("PK"), KeyType: types.KeyTypeHash}, {AttributeName: s("SK"), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  s("GSI1"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: s("GSI1PK"), KeyType: types.KeyTypeHash}, {AttributeName: s("GSI1SK"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatalf("create table: %v", err)
	}
	return name
}
