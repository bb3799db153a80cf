package main

import (
	"fmt"

	"github.com/foccolojas/promob-integration/infra/localenv"
)

// target is the local stack a function is pointed at: its endpoints and
// the stack name its resources are named under.
type target struct {
	DynamoEndpoint, SQSEndpoint, PromobEndpoint, StackName string
}

// makeRun is the local stack of `make run`.
var makeRun = target{
	DynamoEndpoint: "http://127.0.0.1:3010",
	SQSEndpoint:    "http://127.0.0.1:3011",
	PromobEndpoint: "http://127.0.0.1:3001",
	StackName:      "promob-local",
}

// tableName is the name of the stack's table.
func (t target) tableName() string { return t.StackName + "-Table" }

// localEnvironment returns the environment of function fn: each name the
// template gives it with its local value (or its local replacement), plus
// the region, static credentials and the SDK endpoint variables that point
// it at the local stack t. It fails for a template variable that has no
// local value.
func localEnvironment(fn string, names []string, logLevel string, t target) (map[string]string, error) {
	values := map[string]string{
		"TABLE_NAME":              t.tableName(),
		"LOG_LEVEL":               logLevel,
		"IMPORTS_QUEUE_URL":       localenv.QueueURL(t.SQSEndpoint, t.StackName+"-imports.fifo"),
		"PROMOB_OUTBOX_QUEUE_URL": localenv.QueueURL(t.SQSEndpoint, t.StackName+"-promob-outbox"),
		"NOTIFICATIONS_QUEUE_URL": localenv.QueueURL(t.SQSEndpoint, t.StackName+"-notifications"),
		"PROMOB_API_URL":          t.PromobEndpoint,
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
		"AWS_ENDPOINT_URL_DYNAMODB": t.DynamoEndpoint,
		"AWS_ENDPOINT_URL_SQS":      t.SQSEndpoint,
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
