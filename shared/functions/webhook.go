package functions

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/webhook"
)

// Webhook assembles the Promob webhook function. It fails when a variable is
// missing or the key that seals the stores' secrets cannot be had (see
// tokenBox).
func Webhook(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	vars, err := require(env, "TABLE_NAME", "IMPORTS_QUEUE_URL")
	if err != nil {
		return Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	box, err := tokenBox(ctx, env, cfg)
	if err != nil {
		return Function{}, err
	}
	h := webhook.New(newStore(env, cfg, vars["TABLE_NAME"], box), queue.New(newSQS(env, cfg), vars["IMPORTS_QUEUE_URL"]), time.Now)
	h.Metrics = newMetrics("webhook")
	return Function{HTTP: httpadapter.NewV2(h).ProxyWithContext}, nil
}
