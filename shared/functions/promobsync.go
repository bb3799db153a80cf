package functions

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobsync"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// PromobSync assembles the function that makes the calls to Promob asked
// for on the promob-outbox queue (see package promobsync for the kinds). It
// fails when a variable is missing or the Promob token key cannot be had
// (see tokenBox). A message of a kind it does not know fails and ends in the
// DLQ, where it is kept and can be sent back.
func PromobSync(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	vars, err := require(env, "TABLE_NAME", "PROMOB_API_URL", "NOTIFICATIONS_QUEUE_URL")
	if err != nil {
		return Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	m := newMetrics("promobsync")
	client, err := promob.New(vars["PROMOB_API_URL"], promobHTTP(nil, 20*time.Second))
	if err != nil {
		return Function{}, err
	}
	client.Metrics = m
	box, err := tokenBox(ctx, env, cfg)
	if err != nil {
		return Function{}, err
	}
	store, sqsClient := newStore(env, cfg, vars["TABLE_NAME"], box), newSQS(env, cfg)
	s := promobsync.New(store, client, box, time.Now)
	s.Runner = newRunner(sqsClient, m, store, queue.New(sqsClient, vars["NOTIFICATIONS_QUEUE_URL"]), promobsync.Reason)
	return Function{SQS: s.Handle}, nil
}
