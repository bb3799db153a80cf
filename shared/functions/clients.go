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

// NewStore returns the store over the table, at AWS_ENDPOINT_URL_DYNAMODB
// when it is set; box seals the stores' webhook secrets and integration
// tokens (nil for a function that never reads them).
func NewStore(env Env, cfg aws.Config, table string, box domain.TokenBox) *dynamo.Store {
	return dynamo.New(dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if ep := env(envDynamoEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
		o.HTTPClient = Traced(o.HTTPClient)
	}), table).WithSecrets(box)
}

// NewSQS returns an SQS client, at AWS_ENDPOINT_URL_SQS when it is set.
func NewSQS(env Env, cfg aws.Config) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if ep := env(envSQSEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
		o.HTTPClient = Traced(o.HTTPClient)
	})
}

// xray is the function's X-Ray daemon (nil outside Lambda's active
// tracing: nothing is traced).
var xray = sync.OnceValue(tracing.FromEnv)

// Traced returns the AWS SDK's HTTP client (its default when nil) with each
// call an X-Ray subsegment named after the service.
func Traced(c aws.HTTPClient) aws.HTTPClient {
	if c == nil {
		c = awshttp.NewBuildableClient()
	}
	return tracing.Wrap(c, "", xray())
}

// PromobHTTP returns the HTTP client of calls to Promob: transport (the
// default one when nil) traced as "Promob" subsegments, each call bounded by
// timeout (none when 0).
func PromobHTTP(transport http.RoundTripper, timeout time.Duration) *http.Client {
	if transport == nil {
		transport = http.DefaultTransport
	}
	return &http.Client{Transport: tracing.Transport(transport, "Promob", xray()), Timeout: timeout}
}
