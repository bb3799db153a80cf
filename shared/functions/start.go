package functions

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Start runs a function in Lambda: it loads the AWS configuration, builds
// the function named logicalID (its id in template.yaml) with build from
// the process's environment, and hands its handler to lambda.Start. It
// exits when either fails.
func Start(logicalID string, build Constructor) {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		slog.Error("load AWS config", "err", err)
		os.Exit(1)
	}
	fn, err := build(ctx, os.Getenv, cfg)
	if err != nil {
		slog.Error("assemble "+logicalID, "err", err)
		os.Exit(1)
	}
	lambda.Start(fn.Handler())
}
