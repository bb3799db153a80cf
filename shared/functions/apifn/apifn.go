// Package apifn assembles the REST API function (ApiFunction) from its
// configuration, for its main.go and for the local stack.
package apifn

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/tokenkey"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/jobs"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// New assembles the REST API function. It fails when a variable is missing
// or the Promob token key cannot be had (see tokenkey.Box).
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Setup(env, "TABLE_NAME", "IMPORTS_QUEUE_URL", "PROMOB_OUTBOX_QUEUE_URL", "PROMOB_API_URL")
	if err != nil {
		return functions.Function{}, err
	}
	store, box, err := tokenkey.Store(ctx, env, cfg, vars["TABLE_NAME"])
	if err != nil {
		return functions.Function{}, err
	}
	// The credential and account checks answer a waiting user: one quick
	// retry at most.
	client, err := promob.New(vars["PROMOB_API_URL"], functions.PromobHTTP(nil, 20*time.Second))
	if err != nil {
		return functions.Function{}, err
	}
	client.Attempts = 2
	sqsClient := functions.NewSQS(env, cfg)
	// Jobs users start through these queues show their state on the
	// record they concern.
	imports := jobs.NewQueue(queue.New(sqsClient, vars["IMPORTS_QUEUE_URL"]), store, time.Now)
	outbox := jobs.NewQueue(queue.New(sqsClient, vars["PROMOB_OUTBOX_QUEUE_URL"]), store, time.Now)
	srv := httpapi.NewServer(store, imports, outbox, time.Now,
		httpapi.WithPromobLink(client, box), httpapi.WithPromobProjects(client), httpapi.WithPromobAccounts(client))
	return functions.Function{HTTP: httpadapter.NewV2(srv).ProxyWithContext}, nil
}
