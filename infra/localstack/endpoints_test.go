package localstack

import (
	"testing"

	"github.com/foccolojas/promob-integration/infra/localenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// local is the DynamoDB Local and fauxqs pair the package's tests share.
var local *localenv.Env

func TestMain(m *testing.M) {
	localenv.MainForTest(m, func(e *localenv.Env) { local = e })
}

// testEndpoints returns the DynamoDB Local and fauxqs endpoints.
func testEndpoints(tb testing.TB) (dynamoEndpoint, sqsEndpoint string) {
	tb.Helper()
	return local.DynamoEndpoint, local.SQSEndpoint
}

// testAWS is the AWS configuration of the local servers.
func testAWS() aws.Config { return local.AWSConfig() }

// testClients returns clients bound to the local servers.
func testClients(tb testing.TB) (*dynamodb.Client, *sqs.Client) {
	tb.Helper()
	return local.DynamoDB(), local.SQS()
}
