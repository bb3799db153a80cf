package main

import (
	"fmt"

	"github.com/foccolojas/promob-integration/infra/localenv"
)

// The local stack of `make run`: its endpoints and the names its resources get
// under the stack name promob-local.
const (
	dynamoEndpoint = "http://127.0.0.1:3010"
	sqsEndpoint    = "http://127.0.0.1:3011"
	promobEndpoint = "http://127.0.0.1:3001"
	stackName      = "promob-local"
)

// localEnvironment returns the environment of function fn: each name the
// template gives it with its local value (or its local replacement), plus
// the region, static credentials and the SDK endpoint variables that point
// it at the local stack. It fails for a template variable that has no local
// value.
func localEnvironment(fn string, names []string, logLevel string) (map[string]string, error) {
	values := map[string]string{
		"TABLE_NAME":              stackName + "-Table",
		"LOG_LEVEL":               logLevel,
		"IMPORTS_QUEUE_URL":       localenv.QueueURL(sqsEndpoint, stackName+"-imports.fifo"),
		"PROMOB_OUTBOX_QUEUE_URL": localenv.QueueURL(sqsEndpoint, stackName+"-promob-outbox"),
		"NOTIFICATIONS_QUEUE_URL": localenv.QueueURL(sqsEndpoint, stackName+"-notifications"),
		"PROMOB_API_URL":          promobEndpoint,
	}
	// Variables whose local form is another variable: the key of users'
	// Promob tokens is given as is, in place of the Secrets Manager secret
	// that holds it in the cloud.
	instead := map[string][2]string{
		"PROMOB_TOKEN_KEY_SECRET": {"PROMOB_TOKEN_KEY", localenv.PromobTokenKey},
	}
	env := map[string]string{
		"AWS_REGION":                localenv.Region,
		"AWS_DEFAULT_REGION":        localenv.Region,
		"AWS_ACCESS_KEY_ID":         "local",
		"AWS_SECRET_ACCESS_KEY":     "local",
		"AWS_ENDPOINT_URL_DYNAMODB": dynamoEndpoint,
		"AWS_ENDPOINT_URL_SQS":      sqsEndpoint,
	}
	for _, n := range names {
		if alt, ok := instead[n]; ok {
			env[alt[0]] = alt[1]
			continue
		}
		v, ok := values[n]
		if !ok {
			return nil, fmt.Errorf("template.yaml gives %s the variable %s, which has no local value: add it to infra/cmd/invoke", fn, n)
		}
		env[n] = v
	}
	return env, nil
}
