// Package webhookfn assembles the Promob webhook function (WebhookFunction) from its
// configuration, for its main.go and for the local stack.
package webhookfn

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/tokenkey"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/webhook"
)

// New assembles the Promob webhook function. It fails when a variable is
// missing or the key that seals the stores' secrets cannot be had (see
// tokenkey.Box).
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Setup(env, "TABLE_NAME", "IMPORTS_QUEUE_URL")
	if err != nil {
		return functions.Function{}, err
	}
	store, _, err := tokenkey.Store(ctx, env, cfg, vars["TABLE_NAME"])
	if err != nil {
		return functions.Function{}, err
	}
	h := webhook.New(store, queue.New(functions.NewSQS(env, cfg), vars["IMPORTS_QUEUE_URL"]), time.Now)
	h.Metrics = functions.NewMetrics("webhook")
	return functions.Function{HTTP: httpadapter.NewV2(h).ProxyWithContext}, nil
}
