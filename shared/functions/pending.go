package functions

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
)

var errPending = errors.New("function not assembled yet")

func Importer(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	return Function{}, errPending
}
func PromobSync(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	return Function{}, errPending
}
