package functions

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/importer"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobsync"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// Importer assembles the importer function. It fails when a variable is
// missing or the Promob token key cannot be had (see tokenBox).
func Importer(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	vars, err := require(env, "TABLE_NAME", "NOTIFICATIONS_QUEUE_URL", "PROMOB_API_URL")
	if err != nil {
		return Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	// A listing's body is read while it is imported, so only the wait for
	// Promob's answer is bounded here; the invocation's deadline bounds the
	// rest.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 20 * time.Second
	client, err := promob.New(vars["PROMOB_API_URL"], promobHTTP(tr, 0))
	if err != nil {
		return Function{}, err
	}
	m := newMetrics("importer")
	client.Metrics = m
	box, err := tokenBox(ctx, env, cfg)
	if err != nil {
		return Function{}, err
	}
	isRace := func(err error) bool { return errors.Is(err, dynamo.ErrVersionRace) }
	store, sqsClient := newStore(env, cfg, vars["TABLE_NAME"], box), newSQS(env, cfg)
	notices := queue.New(sqsClient, vars["NOTIFICATIONS_QUEUE_URL"])
	im := importer.New(store, client, box, notices, isRace, time.Now)
	im.Runner, im.Metrics = newRunner(sqsClient, m, store, notices, promobsync.Reason), m
	return Function{SQS: im.Handle}, nil
}
