package localstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// testEndpoints returns the DynamoDB Local and fauxqs endpoints the
// integration tests use, or skips the test when they are not given.
func testEndpoints(tb testing.TB) (dynamoEndpoint, sqsEndpoint string) {
	tb.Helper()
	dynamoEndpoint, sqsEndpoint = os.Getenv("TEST_DYNAMODB_ENDPOINT"), os.Getenv("TEST_SQS_ENDPOINT")
	if dynamoEndpoint == "" || sqsEndpoint == "" {
		tb.Skip("integration test: set TEST_DYNAMODB_ENDPOINT and TEST_SQS_ENDPOINT to running DynamoDB Local and fauxqs endpoints (http://127.0.0.1:PORT)")
	}
	return dynamoEndpoint, sqsEndpoint
}

// testAWS is the AWS configuration of the local servers: region us-east-1,
// static credentials.
func testAWS() aws.Config {
	return aws.Config{
		Region: DefaultRegion,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "test"}, nil
		}),
	}
}

// testClients returns clients bound to the local servers.
func testClients(tb testing.TB) (*dynamodb.Client, *sqs.Client) {
	tb.Helper()
	ddbURL, sqsURL := testEndpoints(tb)
	cfg := testAWS()
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(ddbURL) }),
		sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(sqsURL) })
}

// uniqueStack returns a stack name no other test run uses, so that tests
// sharing the servers do not see each other's tables and queues.
func uniqueStack(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}
