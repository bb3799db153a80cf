package functions

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/jobs"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// API assembles the REST API function. It fails when a variable is missing
// or the Promob token key cannot be had (see tokenBox).
func API(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	vars, err := require(env, "TABLE_NAME", "IMPORTS_QUEUE_URL", "PROMOB_OUTBOX_QUEUE_URL", "PROMOB_API_URL")
	if err != nil {
		return Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	box, err := tokenBox(ctx, env, cfg)
	if err != nil {
		return Function{}, err
	}
	// The credential check answers a waiting user: one quick retry at most.
	client, err := promob.New(vars["PROMOB_API_URL"], promobHTTP(nil, 20*time.Second))
	if err != nil {
		return Function{}, err
	}
	client.Attempts = 2
	store := newStore(env, cfg, vars["TABLE_NAME"], box)
	sqsClient := newSQS(env, cfg)
	// Jobs users start through these queues show their state on the
	// record they concern.
	imports := jobs.NewQueue(queue.New(sqsClient, vars["IMPORTS_QUEUE_URL"]), store, time.Now)
	outbox := jobs.NewQueue(queue.New(sqsClient, vars["PROMOB_OUTBOX_QUEUE_URL"]), store, time.Now)
	srv := httpapi.NewServer(store, imports, outbox, time.Now,
		httpapi.WithPromobLink(client, box))
	return Function{HTTP: httpadapter.NewV2(srv).ProxyWithContext}, nil
}
