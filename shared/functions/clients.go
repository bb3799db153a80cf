package functions

import (
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/tracing"
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
		o.HTTPClient = traced(o.HTTPClient)
	}), table).WithSecrets(box)
}

func newSQS(env Env, cfg aws.Config) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if ep := env(envSQSEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
		o.HTTPClient = traced(o.HTTPClient)
	})
}

// xray is the function's X-Ray daemon (nil outside Lambda's active
// tracing: nothing is traced).
var xray = sync.OnceValue(tracing.FromEnv)

// traced returns the AWS SDK's HTTP client (its default when nil) with each
// call an X-Ray subsegment named after the service.
func traced(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	return tracing.Wrap(c, "", xray())
}

// promobHTTP returns the HTTP client of calls to Promob: transport (the
// default one when nil) traced as "Promob" subsegments, each call bounded by
// timeout (none when 0).
func promobHTTP(transport http.RoundTripper, timeout time.Duration) *http.Client {
	if transport == nil {
		transport = http.DefaultTransport
	}
	return &http.Client{Transport: tracing.Transport(transport, "Promob", xray()), Timeout: timeout}
}
