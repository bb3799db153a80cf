// Command promobsync is the PromobSyncFunction Lambda of template.yaml.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/foccolojas/promob-integration/shared/functions/promobsyncfn"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		slog.Error("load AWS config", "err", err)
		os.Exit(1)
	}
	fn, err := promobsyncfn.New(ctx, os.Getenv, cfg)
	if err != nil {
		slog.Error("assemble PromobSyncFunction", "err", err)
		os.Exit(1)
	}
	lambda.Start(fn.Handler())
}
