// Package dynamotest gives tests a table with the key schema of
// template.yaml, in minidyn (in process) or in any DynamoDB-protocol server.
package dynamotest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// TableCreator is the client a table is created with.
type TableCreator interface {
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
}

var (
	tableInput = sync.OnceValues(loadTableInput)
	seq        atomic.Int64
)

func loadTableInput() (*dynamodb.CreateTableInput, error) {
	root, err := modroot.Dir()
	if err != nil {
		return nil, err
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	res, err := tpl.Resolver(samtemplate.Context{
		StackName: "test", Region: "us-east-1", AccountID: "000000000000",
		Parameters: map[string]string{"JwtIssuer": "test", "JwtAudience": "test"},
	})
	if err != nil {
		return nil, err
	}
	table, err := res.Table()
	if err != nil {
		return nil, err
	}
	return table.Input, nil
}

// CreateTable creates a fresh table with template.yaml's key schema and
// indexes, and returns its name.
func CreateTable(tb testing.TB, c TableCreator) string {
	tb.Helper()
	in, err := tableInput()
	if err != nil {
		tb.Fatalf("dynamotest: read template.yaml: %v", err)
	}
	cp := *in
	cp.TableName = aws.String(fmt.Sprintf("test-%d", seq.Add(1)))
	cp.SSESpecification = nil // neither minidyn nor DynamoDB Local need it
	if _, err := c.CreateTable(context.Background(), &cp); err != nil {
		tb.Fatalf("dynamotest: create table: %v", err)
	}
	return *cp.TableName
}

// Minidyn returns a store over a fresh in-process table.
func Minidyn(tb testing.TB) *dynamo.Store {
	tb.Helper()
	c := miniclient.NewClient()
	return dynamo.New(c, CreateTable(tb, c))
}
