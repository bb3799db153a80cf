// Package importerfn assembles the importer function (ImporterFunction) from its
// configuration, for its main.go and for the local stack.
package importerfn

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/tokenkey"
	"github.com/foccolojas/promob-integration/shared/importer"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// New assembles the importer function. It fails when a variable is
// missing or the Promob token key cannot be had (see tokenkey.Box).
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Setup(env, "TABLE_NAME", "NOTIFICATIONS_QUEUE_URL", "PROMOB_API_URL")
	if err != nil {
		return functions.Function{}, err
	}
	// A listing's body is read while it is imported, so only the wait for
	// Promob's answer is bounded here; the invocation's deadline bounds the
	// rest.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 20 * time.Second
	client, err := promob.New(vars["PROMOB_API_URL"], functions.PromobHTTP(tr, 0))
	if err != nil {
		return functions.Function{}, err
	}
	m := functions.NewMetrics("importer")
	client.Metrics = m
	store, box, err := tokenkey.Store(ctx, env, cfg, vars["TABLE_NAME"])
	if err != nil {
		return functions.Function{}, err
	}
	sqsClient := functions.NewSQS(env, cfg)
	notices := queue.New(sqsClient, vars["NOTIFICATIONS_QUEUE_URL"])
	im := importer.New(store, client, box, notices, time.Now)
	im.Runner, im.Metrics = functions.NewRunner(sqsClient, m, store, notices, promob.Reason), m
	return functions.Function{SQS: im.Handle}, nil
}
