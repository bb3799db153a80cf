// Package functions holds what the wiring of every Lambda function shares:
// the handler types, configuration lookup and the AWS clients. Each function
// is assembled in a package of its own below (apifn, webhookfn, importerfn,
// promobsyncfn, notifierfn), so that its binary links only what it runs; the
// functions' main.go files and the local stack both assemble them there, so
// what runs locally is what runs in the cloud.
package functions

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// Env looks up a configuration variable (os.Getenv in the cloud).
type Env func(string) string

// HTTPHandler is the handler of a function behind the HTTP API (payload v2).
type HTTPHandler = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// SQSHandler is the handler of a function fed by an SQS event source mapping
// with ReportBatchItemFailures.
type SQSHandler = func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

// Function is one assembled Lambda handler: exactly one field is set.
type Function struct {
	HTTP HTTPHandler
	SQS  SQSHandler
}

// Handler returns the handler to pass to lambda.Start.
func (f Function) Handler() any {
	if f.HTTP != nil {
		return f.HTTP
	}
	return f.SQS
}

// Constructor builds a function from its environment and the AWS configuration.
type Constructor func(ctx context.Context, env Env, cfg aws.Config) (Function, error)

// Require returns the values of the named variables, or an error naming the
// first one that is missing.
func Require(env Env, names ...string) (map[string]string, error) {
	out := make(map[string]string, len(names))
	for _, n := range names {
		v := env(n)
		if v == "" {
			return nil, fmt.Errorf("environment variable %s is not set", n)
		}
		out[n] = v
	}
	return out, nil
}
