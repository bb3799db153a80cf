// Package importerfn assembles the importer function (ImporterFunction) from its
// configuration, for its main.go and for the local stack.
package importerfn

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/tokenkey"
	"github.com/foccolojas/promob-integration/shared/importer"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// New assembles the importer function. It fails when a variable is
// missing or the Promob token key cannot be had (see tokenkey.Box).
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Require(env, "TABLE_NAME", "NOTIFICATIONS_QUEUE_URL", "PROMOB_API_URL")
	if err != nil {
		return functions.Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	// A listing's body is read while it is imported, so only the wait for
	// Promob's answer is bounded here; the invocation's deadline bounds the
	// rest.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 20 * time.Second
	client, err := promob.New(vars["PROMOB_API_URL"], &http.Client{Transport: tr})
	if err != nil {
		return functions.Function{}, err
	}
	box, err := tokenkey.Box(ctx, env, cfg)
	if err != nil {
		return functions.Function{}, err
	}
	isRace := func(err error) bool { return errors.Is(err, dynamo.ErrVersionRace) }
	im := importer.New(functions.NewStore(env, cfg, vars["TABLE_NAME"]), client, box, queue.New(functions.NewSQS(env, cfg), vars["NOTIFICATIONS_QUEUE_URL"]), isRace, time.Now)
	return functions.Function{SQS: im.Handle}, nil
}
