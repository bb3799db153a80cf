package dynamo_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// TestSecretsSealedAtRest: with a box, an account's webhook secrets and
// Promob integration token are stored sealed (DynamoDB Local holds no
// plaintext of them), read back in clear through the store, still verify
// after a rotation, do not open when copied to another account, and a value
// stored before sealing is read as it is and sealed when rewritten. The key
// rotates: a store whose box has a new key first and the old one after it
// reads what was sealed under the old one.
func TestSecretsSealedAtRest(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	oldKey := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	newKey := base64.StdEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210"))
	box, err := tokenbox.New(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	c := local.DynamoDB()
	table := dynamotest.CreateTable(t, c)
	s := dynamo.New(c, table).WithSecrets(box)
	raw := func(account string) map[string]string {
		t.Helper()
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true), Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "ACCOUNT#" + account}, "SK": &types.AttributeValueMemberS{Value: "ACCOUNT"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for k, v := range out.Item {
			if sv, ok := v.(*types.AttributeValueMemberS); ok {
				m[k] = sv.Value
			}
		}
		return m
	}
	const (
		secret1 = "whsec_Zmlyc3Qtc2VjcmV0"
		secret2 = "whsec_c2Vjb25kLXNlY3JldA=="
		token   = "pmi-integration-token-1"
	)
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN1"}, ResponsibleUserID: "u1", PromobAPIToken: token}
	if _, _, err := s.SaveIntegration(ctx, in, secret1, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateSecret(ctx, "s1", secret2, now); err != nil {
		t.Fatal(err)
	}
	item := raw("acc-1")
	for attr, plain := range map[string]string{"secret": secret2, "previousSecret": secret1, "apiToken": token} {
		if !strings.HasPrefix(item[attr], "v1:") || strings.Contains(item[attr], plain) {
			t.Errorf("%s is stored as %q, want it sealed", attr, item[attr])
		}
	}
	acc, err := s.Account(ctx, "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if acc.Secret != secret2 || acc.PreviousSecret != secret1 || acc.APIToken != token {
		t.Fatalf("Account = secret %q previous %q token %q", acc.Secret, acc.PreviousSecret, acc.APIToken)
	}

	t.Run("a sealed value copied to another account does not open", func(t *testing.T) {
		copied := map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "ACCOUNT#acc-2"}, "SK": &types.AttributeValueMemberS{Value: "ACCOUNT"},
			"accountId": &types.AttributeValueMemberS{Value: "acc-2"}, "storeId": &types.AttributeValueMemberS{Value: "s2"},
			"secret": &types.AttributeValueMemberS{Value: item["secret"]},
		}
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: copied}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Account(ctx, "acc-2")
		if err == nil || strings.Contains(err.Error(), item["secret"]) {
			t.Fatalf("Account(acc-2) = %v, want a refusal that does not quote the value", err)
		}
	})
	t.Run("a value stored in clear before sealing is read, then sealed", func(t *testing.T) {
		clear := dynamo.New(c, table)
		if _, _, err := clear.SaveIntegration(ctx, domain.Integration{StoreID: "s3", CNPJ: "11222333000181", PromobAccountID: "acc-3", SerialNumbers: []string{"SN1"}}, secret1, now); err != nil {
			t.Fatal(err)
		}
		if got := raw("acc-3")["secret"]; got != secret1 {
			t.Fatalf("a store without box stored %q", got)
		}
		if acc, err := s.Account(ctx, "acc-3"); err != nil || acc.Secret != secret1 {
			t.Fatalf("Account(acc-3) = %+v, %v", acc, err)
		}
		if _, err := s.RotateSecret(ctx, "s3", secret2, now); err != nil {
			t.Fatal(err)
		}
		if got := raw("acc-3")["secret"]; !strings.HasPrefix(got, "v1:") {
			t.Fatalf("after a rotation the secret is stored as %q, want it sealed", got)
		}
	})
	t.Run("key rotation", func(t *testing.T) {
		both, err := tokenbox.New(newKey + "," + oldKey)
		if err != nil {
			t.Fatal(err)
		}
		rotated := dynamo.New(c, table).WithSecrets(both)
		if acc, err := rotated.Account(ctx, "acc-1"); err != nil || acc.Secret != secret2 || acc.APIToken != token {
			t.Fatalf("with the new and old keys: %+v, %v", acc, err)
		}
		// A new integration token is sealed under the new key only.
		in.PromobAPIToken = "pmi-integration-token-2"
		if _, _, err := rotated.SaveIntegration(ctx, in, "", now); err != nil {
			t.Fatal(err)
		}
		newOnly, err := tokenbox.New(newKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dynamo.New(c, table).WithSecrets(newOnly).Account(ctx, "acc-1"); err == nil {
			t.Fatal("the webhook secrets sealed under the old key opened without it")
		}
		if _, err := newOnly.Open(raw("acc-1")["apiToken"], "account-token/acc-1"); err != nil {
			t.Fatalf("the new token does not open under the new key alone: %v", err)
		}
	})
}
