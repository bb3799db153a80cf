package functions

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/notify"
)

// Notifier assembles the notifier function.
func Notifier(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	vars, err := require(env, "TABLE_NAME")
	if err != nil {
		return Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	n := notify.New(newStore(env, cfg, vars["TABLE_NAME"], nil))
	n.Runner = newRunner(newSQS(env, cfg), newMetrics("notifier"), nil, nil, nil)
	return Function{SQS: n.Handle}, nil
}
