// Package tokenkey reads the key of users' Promob tokens and the stores'
// secrets, and builds the store that seals with it, for the functions that
// seal or open them (api, webhook, importer, promobsync).
package tokenkey

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// Variables that give the key of users' Promob tokens: the key itself
// (base64 of 32 bytes; the local stack and tests), or the name or ARN of the
// Secrets Manager secret holding it (the cloud), read once at init so that
// the key never appears in the function's configuration.
const (
	envTokenKey       = "PROMOB_TOKEN_KEY"
	envTokenKeySecret = "PROMOB_TOKEN_KEY_SECRET"
	// envSecretsEndpoint is the AWS SDK's endpoint variable of Secrets
	// Manager; set locally, unset in the cloud.
	envSecretsEndpoint = "AWS_ENDPOINT_URL_SECRETS_MANAGER"
)

// Store returns the store over table that seals the stores' secrets with
// the box of users' Promob tokens, and that box (see Box). It fails as Box
// does.
func Store(ctx context.Context, env functions.Env, cfg aws.Config, table string) (*dynamo.Store, *tokenbox.Box, error) {
	box, err := Box(ctx, env, cfg)
	if err != nil {
		return nil, nil, err
	}
	return functions.NewStore(env, cfg, table, box), box, nil
}

// Box returns the box of users' Promob tokens under the key that
// PROMOB_TOKEN_KEY gives, else under the SecretString of the secret that
// PROMOB_TOKEN_KEY_SECRET names. It fails when neither is set, when the
// secret cannot be read, or when the key is not the base64 of 32 bytes.
func Box(ctx context.Context, env functions.Env, cfg aws.Config) (*tokenbox.Box, error) {
	if key := env(envTokenKey); key != "" {
		return tokenbox.New(key)
	}
	secret := env(envTokenKeySecret)
	if secret == "" {
		return nil, fmt.Errorf("environment variable %s or %s is not set", envTokenKey, envTokenKeySecret)
	}
	sm := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) {
		if ep := env(envSecretsEndpoint); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
		o.HTTPClient = functions.Traced(o.HTTPClient)
	})
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(secret)})
	if err != nil {
		return nil, fmt.Errorf("read the Promob token key from secret %s: %w", secret, err)
	}
	if out.SecretString == nil {
		return nil, fmt.Errorf("secret %s has no SecretString", secret)
	}
	box, err := tokenbox.New(*out.SecretString)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", secret, err)
	}
	return box, nil
}
