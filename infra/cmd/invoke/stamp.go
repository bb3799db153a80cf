package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// stampWebhook returns event with its Standard Webhooks timestamp set to now
// and its signature made with the current secret of its account in the
// local stack's table, when event is a Promob webhook delivery (an HTTP API
// event with a webhook-id header and an accountId path parameter). Any other
// event, and a delivery for an account the table does not know, is returned
// as it is. It fails when the table cannot be read.
func stampWebhook(ctx context.Context, event []byte, t target, now time.Time) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, fmt.Errorf("the event is not a JSON object: %w", err)
	}
	headers, _ := ev["headers"].(map[string]any)
	params, _ := ev["pathParameters"].(map[string]any)
	webhookID, _ := headers["webhook-id"].(string)
	account, _ := params["accountId"].(string)
	body, _ := ev["body"].(string)
	if webhookID == "" || account == "" {
		return event, nil
	}
	// The local stack's functions seal the stores' secrets with the
	// development key; the secret is opened with it.
	box, err := tokenbox.New(localenv.PromobTokenKey)
	if err != nil {
		return nil, err
	}
	store := dynamo.New((&localenv.Env{DynamoEndpoint: t.DynamoEndpoint}).DynamoDB(), t.tableName()).WithSecrets(box)
	acc, err := store.Account(ctx, account)
	if domain.IsNotFound(err) {
		return event, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the webhook secret of account %s from %s at %s (is the local stack running?): %w", account, t.tableName(), t.DynamoEndpoint, err)
	}
	wh, err := standardwebhooks.NewWebhook(acc.Secret)
	if err != nil {
		return nil, fmt.Errorf("the secret of account %s: %w", account, err)
	}
	sig, err := wh.Sign(webhookID, now, []byte(body))
	if err != nil {
		return nil, err
	}
	headers["webhook-timestamp"] = strconv.FormatInt(now.Unix(), 10)
	headers["webhook-signature"] = sig
	return json.Marshal(ev)
}
