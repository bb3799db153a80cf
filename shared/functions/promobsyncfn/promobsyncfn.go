// Package promobsyncfn assembles the Promob sync function (PromobSyncFunction) from its
// configuration, for its main.go and for the local stack.
package promobsyncfn

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/tokenkey"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobsync"
)

// New assembles the function that makes the calls to Promob asked
// for on the promob-outbox queue (see package promobsync for the kinds). It
// fails when a variable is missing or the Promob token key cannot be had
// (see tokenkey.Box). A message of a kind it does not know fails and ends in the
// DLQ, where it is kept and can be sent back.
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Require(env, "TABLE_NAME", "PROMOB_API_URL")
	if err != nil {
		return functions.Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	client, err := promob.New(vars["PROMOB_API_URL"], nil)
	if err != nil {
		return functions.Function{}, err
	}
	box, err := tokenkey.Box(ctx, env, cfg)
	if err != nil {
		return functions.Function{}, err
	}
	return functions.Function{SQS: promobsync.New(functions.NewStore(env, cfg, vars["TABLE_NAME"]), client, box, time.Now).Handle}, nil
}
