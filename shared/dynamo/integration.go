package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// Keys:
//
//	STORE#<storeId>   / INTEGRATION    the store's configuration
//	ACCOUNT#<account> / ACCOUNT        webhook routing: store and secrets of a Promob AccountID
//	STORE#<storeId>   / USERLINK#<uid> a user's Promob link (see promoblink.go; counted as a prerequisite)
//	STORE#<storeId>   / USER#<uid>     a user the API has seen (see users.go)
func storePK(storeID string) string     { return "STORE#" + storeID }
func accountPK(accountID string) string { return "ACCOUNT#" + accountID }

const (
	skIntegration = "INTEGRATION"
	skAccount     = "ACCOUNT"
	skUserLink    = "USERLINK#"
)

type integrationItem struct {
	PK                string    `dynamodbav:"PK"`
	SK                string    `dynamodbav:"SK"`
	StoreID           string    `dynamodbav:"storeId"`
	CNPJ              string    `dynamodbav:"cnpj"`
	AccountID         string    `dynamodbav:"accountId"`
	SerialNumbers     []string  `dynamodbav:"serialNumbers"`
	ResponsibleUserID string    `dynamodbav:"responsibleUserId,omitempty"`
	CreatedAt         time.Time `dynamodbav:"createdAt"`
	UpdatedAt         time.Time `dynamodbav:"updatedAt"`

	ConnectSituation string `dynamodbav:"connectSituation,omitempty"`
	ConnectStage     string `dynamodbav:"connectStage,omitempty"`
}

type accountItem struct {
	PK             string    `dynamodbav:"PK"`
	SK             string    `dynamodbav:"SK"`
	AccountID      string    `dynamodbav:"accountId"`
	StoreID        string    `dynamodbav:"storeId"`
	Secret         string    `dynamodbav:"secret"`
	APIToken       string    `dynamodbav:"apiToken,omitempty"`
	PreviousSecret string    `dynamodbav:"previousSecret,omitempty"`
	PreviousUntil  time.Time `dynamodbav:"previousUntil,omitempty"`
}

func (it integrationItem) domain() domain.Integration {
	return domain.Integration{
		StoreID: it.StoreID, CNPJ: it.CNPJ, PromobAccountID: it.AccountID, SerialNumbers: it.SerialNumbers,
		ResponsibleUserID: it.ResponsibleUserID, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		ConnectSituation: it.ConnectSituation, ConnectStage: it.ConnectStage,
	}
}

// GetIntegration returns the store's configuration, or an integration_missing
// *Error.
func (s *Store) GetIntegration(ctx context.Context, storeID string) (domain.Integration, error) {
	it, err := s.getIntegration(ctx, storeID)
	if err != nil {
		return domain.Integration{}, err
	}
	return it.domain(), nil
}

func (s *Store) getIntegration(ctx context.Context, storeID string) (integrationItem, error) {
	var it integrationItem
	if err := s.getExisting(ctx, storePK(storeID), skIntegration, &it, "get integration", domain.NotConfigured("The store has not configured the Promob integration.")); err != nil {
		return integrationItem{}, err
	}
	return it, nil
}

// SaveIntegration creates or replaces the store's configuration in one
// transaction with the account routing item, so that an AccountID always
// belongs to exactly one store.
func (s *Store) SaveIntegration(ctx context.Context, in domain.Integration, newSecret string, now time.Time) (domain.Integration, bool, error) {
	prev, err := s.getIntegration(ctx, in.StoreID)
	created := domain.IsNotConfiguredErr(err)
	if err != nil && !created {
		return domain.Integration{}, false, err
	}
	item := integrationItem{
		PK: storePK(in.StoreID), SK: skIntegration, StoreID: in.StoreID, CNPJ: in.CNPJ, AccountID: in.PromobAccountID,
		SerialNumbers: in.SerialNumbers, ResponsibleUserID: in.ResponsibleUserID, CreatedAt: now, UpdatedAt: now,
		ConnectSituation: in.ConnectSituation, ConnectStage: in.ConnectStage,
	}
	if !created {
		item.CreatedAt = prev.CreatedAt
	}
	itemAV, err := attributevalue.MarshalMap(item)
	if err != nil {
		return domain.Integration{}, false, wrap("encode integration", err)
	}

	// The configuration item changes only from the state read above.
	putConfig := &types.Put{TableName: &s.table, Item: itemAV}
	if created {
		putConfig.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		putConfig.ConditionExpression = aws.String("accountId = :prevAcc")
		putConfig.ExpressionAttributeValues = map[string]types.AttributeValue{":prevAcc": &types.AttributeValueMemberS{Value: prev.AccountID}}
	}
	tx := []types.TransactWriteItem{{Put: putConfig}}

	sameAccount := !created && prev.AccountID == in.PromobAccountID
	switch {
	case sameAccount && in.PromobAPIToken == "":
		tx = append(tx, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: key(accountPK(in.PromobAccountID), skAccount),
			ConditionExpression:       aws.String("storeId = :sid"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":sid": &types.AttributeValueMemberS{Value: in.StoreID}},
		}})
	case sameAccount:
		token, err := s.seal(in.PromobAPIToken, apiTokenContext(in.PromobAccountID))
		if err != nil {
			return domain.Integration{}, false, err
		}
		tx = append(tx, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: key(accountPK(in.PromobAccountID), skAccount),
			UpdateExpression:    aws.String("SET apiToken = :tok"),
			ConditionExpression: aws.String("storeId = :sid"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":sid": &types.AttributeValueMemberS{Value: in.StoreID}, ":tok": &types.AttributeValueMemberS{Value: token},
			},
		}})
	default:
		acc := accountItem{PK: accountPK(in.PromobAccountID), SK: skAccount, AccountID: in.PromobAccountID, StoreID: in.StoreID, Secret: newSecret, APIToken: in.PromobAPIToken}
		if !created {
			old, err := s.Account(ctx, prev.AccountID)
			if err != nil {
				return domain.Integration{}, false, err
			}
			acc.Secret, acc.PreviousSecret, acc.PreviousUntil = old.Secret, old.PreviousSecret, old.PreviousUntil
			if acc.APIToken == "" {
				acc.APIToken = old.APIToken
			}
			// The account's own secrets move with it, sealed anew under it.
			tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{
				TableName: &s.table, Key: key(accountPK(prev.AccountID), skAccount),
				ConditionExpression:       aws.String("storeId = :sid"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":sid": &types.AttributeValueMemberS{Value: in.StoreID}},
			}})
		}
		if acc.Secret, err = s.seal(acc.Secret, secretContext(acc.AccountID)); err != nil {
			return domain.Integration{}, false, err
		}
		if acc.PreviousSecret, err = s.seal(acc.PreviousSecret, secretContext(acc.AccountID)); err != nil {
			return domain.Integration{}, false, err
		}
		if acc.APIToken, err = s.seal(acc.APIToken, apiTokenContext(acc.AccountID)); err != nil {
			return domain.Integration{}, false, err
		}
		accAV, err := attributevalue.MarshalMap(acc)
		if err != nil {
			return domain.Integration{}, false, wrap("encode account", err)
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{
			TableName: &s.table, Item: accAV,
			ConditionExpression:       aws.String("attribute_not_exists(PK) OR storeId = :sid"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":sid": &types.AttributeValueMemberS{Value: in.StoreID}},
		}})
	}

	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
	if reasons := cancellationReasons(err); reasons != nil {
		if !sameAccount && reasons[len(reasons)-1] == "ConditionalCheckFailed" {
			return domain.Integration{}, false, domain.AccountInUse("Promob account %s is already linked to another store.", in.PromobAccountID)
		}
		return domain.Integration{}, false, domain.Conflict("The integration was changed at the same time; read it again and retry.")
	}
	if err != nil {
		return domain.Integration{}, false, wrap("save integration", err)
	}
	return item.domain(), created, nil
}

// RotateSecret replaces the account's webhook secret; the previous one keeps
// verifying for domain.SecretGrace.
func (s *Store) RotateSecret(ctx context.Context, storeID, secret string, now time.Time) (domain.Integration, error) {
	it, err := s.getIntegration(ctx, storeID)
	if err != nil {
		return domain.Integration{}, err
	}
	if secret, err = s.seal(secret, secretContext(it.AccountID)); err != nil {
		return domain.Integration{}, err
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &s.table,
		Key:                 key(accountPK(it.AccountID), skAccount),
		UpdateExpression:    aws.String("SET previousSecret = secret, previousUntil = :until, secret = :secret"),
		ConditionExpression: aws.String("storeId = :sid"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":until":  &types.AttributeValueMemberS{Value: now.Add(domain.SecretGrace).UTC().Format(time.RFC3339Nano)},
			":secret": &types.AttributeValueMemberS{Value: secret},
			":sid":    &types.AttributeValueMemberS{Value: storeID},
		},
	})
	if isConditionFailed(err) {
		return domain.Integration{}, domain.Conflict("The integration was changed at the same time; read it again and retry.")
	}
	if err != nil {
		return domain.Integration{}, wrap("rotate secret", err)
	}
	return it.domain(), nil
}

// Account returns the routing of a Promob AccountID, or a not_found *Error.
func (s *Store) Account(ctx context.Context, accountID string) (domain.Account, error) {
	var it accountItem
	if err := s.getExisting(ctx, accountPK(accountID), skAccount, &it, "get account", domain.NotFound("Unknown Promob account %q.", accountID)); err != nil {
		return domain.Account{}, err
	}
	acc := domain.Account{AccountID: it.AccountID, StoreID: it.StoreID, PreviousUntil: it.PreviousUntil}
	var err error
	for _, f := range []struct {
		out     *string
		sealed  string
		context string
	}{
		{&acc.Secret, it.Secret, secretContext(it.AccountID)},
		{&acc.PreviousSecret, it.PreviousSecret, secretContext(it.AccountID)},
		{&acc.APIToken, it.APIToken, apiTokenContext(it.AccountID)},
	} {
		if *f.out, err = s.open(f.sealed, f.context); err != nil {
			return domain.Account{}, err
		}
	}
	return acc, nil
}
