package functions

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/dynamo"
)

// Endpoint variables of the AWS SDK; set locally, unset in the cloud.
const (
	envDynamoEndpoint = "AWS_ENDPOINT_URL_DYNAMODB"
	envSQSEndpoint    = "AWS_ENDPOINT_URL_SQS"
)

// NewStore returns the store over the table, at AWS_ENDPOINT_URL_DYNAMODB
// when it is set.
func NewStore(env Env, cfg aws.Config, table string) *dynamo.Store {
	return dynamo.New(dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := env(envDynamoEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	}), table)
}

// NewSQS returns an SQS client, at AWS_ENDPOINT_URL_SQS when it is set.
func NewSQS(env Env, cfg aws.Config) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if ep := env(envSQSEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
	})
}
