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
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/logging"
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

// Setup readies the process of a function: it returns the values of the
// named variables and makes slog's default logger the JSON logger at
// LOG_LEVEL on standard output. It fails, naming the first variable that
// is missing, before setting the logger.
func Setup(env Env, names ...string) (map[string]string, error) {
	out := make(map[string]string, len(names))
	for _, n := range names {
		v := env(n)
		if v == "" {
			return nil, fmt.Errorf("environment variable %s is not set", n)
		}
		out[n] = v
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	return out, nil
}
