package functions

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// PromobSync assembles the function that makes every call to Promob. It
// knows no message kind yet: the calls that create customers and
// environments and report conversions are added with their features, and
// until then a message on its queue fails and ends in the DLQ, where it is
// kept and can be sent back.
func PromobSync(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	if _, err := require(env, "TABLE_NAME", "PROMOB_API_URL"); err != nil {
		return Function{}, err
	}
	slog.SetDefault(logging.New(os.Stdout, env("LOG_LEVEL")))
	dispatch := queue.Dispatch(map[string]queue.KindFunc{})
	return Function{SQS: func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		return queue.Batch(ctx, ev, dispatch), nil
	}}, nil
}
