package functions

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
)

// Endpoint variables of the AWS SDK; set locally, unset in the cloud.
const (
	envDynamoEndpoint = "AWS_ENDPOINT_URL_DYNAMODB"
	envSQSEndpoint    = "AWS_ENDPOINT_URL_SQS"
)

// newStore returns the table's store; box seals the stores' webhook secrets
// and integration tokens (nil for a function that never reads them).
func newStore(env Env, cfg aws.Config, table string, box domain.TokenBox) *dynamo.Store {
	return dynamo.New(dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := env(envDynamoEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	}), table).WithSecrets(box)
}

func newSQS(env Env, cfg aws.Config) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if ep := env(envSQSEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
}
