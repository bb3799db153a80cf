package dynamo

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

var _ pricing.RulesStore = (*Store)(nil)

// Keys:
//
//	STORE#<sid> / RULES   the store's commercial rules
//
// The rules are kept as the JSON of pricing.Rules (decimals as strings), the
// same text versions keep, so they read back exactly as they were written.
const skRules = "RULES"

type rulesItem struct {
	PK        string    `dynamodbav:"PK"`
	SK        string    `dynamodbav:"SK"`
	Rules     string    `dynamodbav:"rules"`
	UpdatedAt time.Time `dynamodbav:"updatedAt"`
}

// CommercialRules returns the store's commercial rules, or
// pricing.DefaultRules when the store has not set its own.
func (s *Store) CommercialRules(ctx context.Context, storeID string) (pricing.Rules, error) {
	var it rulesItem
	found, err := s.getItem(ctx, storePK(storeID), skRules, &it)
	if err != nil {
		return pricing.Rules{}, wrap("get commercial rules", err)
	}
	if !found {
		return pricing.DefaultRules(), nil
	}
	var r pricing.Rules
	if err := json.Unmarshal([]byte(it.Rules), &r); err != nil {
		return pricing.Rules{}, wrap("decode commercial rules", err)
	}
	return r, nil
}

// SaveCommercialRules replaces the store's commercial rules.
func (s *Store) SaveCommercialRules(ctx context.Context, storeID string, r pricing.Rules, now time.Time) error {
	text, err := json.Marshal(r)
	if err != nil {
		return wrap("encode commercial rules", err)
	}
	av, err := attributevalue.MarshalMap(rulesItem{PK: storePK(storeID), SK: skRules, Rules: string(text), UpdatedAt: now})
	if err != nil {
		return wrap("encode commercial rules", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return wrap("save commercial rules", err)
}
