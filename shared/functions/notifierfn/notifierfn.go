// Package notifierfn assembles the notifier function (NotifierFunction) from its
// configuration, for its main.go and for the local stack.
package notifierfn

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/notify"
)

// New assembles the notifier function.
func New(ctx context.Context, env functions.Env, cfg aws.Config) (functions.Function, error) {
	vars, err := functions.Setup(env, "TABLE_NAME")
	if err != nil {
		return functions.Function{}, err
	}
	n := notify.New(functions.NewStore(env, cfg, vars["TABLE_NAME"], nil))
	n.Runner = functions.NewRunner(functions.NewSQS(env, cfg), functions.NewMetrics("notifier"), nil, nil, nil)
	return functions.Function{SQS: n.Handle}, nil
}
