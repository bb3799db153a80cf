// Package dynamotest gives tests a table with the store's schema, in minidyn
// (in process) or in any DynamoDB-protocol server.
package dynamotest

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// TableCreator is the client a table is created with.
type TableCreator interface {
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
}

var (
	seq atomic.Int64
	// run tells this test binary's tables from those of the other packages
	// that share the run's DynamoDB Local.
	run = rand.Text()[:8]
)

// CreateTable creates a fresh table with the store's schema
// (dynamo.TableSchema, the table of template.yaml), and returns its name.
func CreateTable(tb testing.TB, c TableCreator) string {
	tb.Helper()
	in := dynamo.TableSchema(fmt.Sprintf("test-%s-%d", run, seq.Add(1)))
	if _, err := c.CreateTable(context.Background(), in); err != nil {
		tb.Fatalf("dynamotest: create table: %v", err)
	}
	return *in.TableName
}

// Minidyn returns a store over a fresh in-process table.
func Minidyn(tb testing.TB) *dynamo.Store {
	tb.Helper()
	c := miniclient.NewClient()
	return dynamo.New(c, CreateTable(tb, c))
}
