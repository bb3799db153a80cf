// Package promobsyncfn assembles the Promob sync function (PromobSyncFunction) from its
// configuration, for its main.go and for the local stack.
package promobsyncfn

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/tokenkey"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobsync"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// New assembles the function that makes the calls to Promob asked
// for on the promob-outbox queue (see package promobsync for the kinds). It
// fails when a variable is missing or the Promob token key cannot be had
// (see tokenkey.Box). A message of a kind it does not know fails and ends in the
// DLQ, where it is kept and can be sent back.
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Setup(env, "TABLE_NAME", "PROMOB_API_URL", "NOTIFICATIONS_QUEUE_URL")
	if err != nil {
		return functions.Function{}, err
	}
	m := functions.NewMetrics("promobsync")
	client, err := promob.New(vars["PROMOB_API_URL"], functions.PromobHTTP(nil, 20*time.Second))
	if err != nil {
		return functions.Function{}, err
	}
	client.Metrics = m
	store, box, err := tokenkey.Store(ctx, env, cfg, vars["TABLE_NAME"])
	if err != nil {
		return functions.Function{}, err
	}
	sqsClient := functions.NewSQS(env, cfg)
	s := promobsync.New(store, client, box, time.Now)
	s.Runner = functions.NewRunner(sqsClient, m, store, queue.New(sqsClient, vars["NOTIFICATIONS_QUEUE_URL"]), promob.Reason)
	return functions.Function{SQS: s.Handle}, nil
}
