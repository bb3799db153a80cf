package functions

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/logging"
)

// API assembles the REST API function.
func API(ctx context.Context, env Env, cfg aws.Config) (Function, error) {
	log := logging.New(os.Stdout, env("LOG_LEVEL"))
	srv := httpapi.NewServer(log)
	return Function{HTTP: httpadapter.NewV2(srv).ProxyWithContext}, nil
}
