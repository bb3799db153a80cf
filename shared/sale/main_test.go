package sale_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
)

// local is DynamoDB Local: the test run's, else started for the package.
var local *dynamotest.Local

func TestMain(m *testing.M) {
	dynamotest.MainForTest(m, func(l *dynamotest.Local) { local = l })
}

// racingStore is the store with a race: before, when set, runs once just
// before the next guarded write, as another request that changes the
// record between the use case's read and its write.
type racingStore struct {
	*dynamo.Store
	before func()
}

func (s *racingStore) race() {
	if fn := s.before; fn != nil {
		s.before = nil
		fn()
	}
}

// setLocked sets environment id's lock in store s1 of the table, the
// attribute the completion of its review sets with the purchase orders and
// the store's conditions read.
func setLocked(t *testing.T, db *dynamodb.Client, table, id string) {
	t.Helper()
	_, err := db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: &table,
		Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "STORE#s1#ENV#" + id}, "SK": &types.AttributeValueMemberS{Value: "ENV"},
		},
		UpdateExpression:          aws.String("SET locked = :true"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":true": &types.AttributeValueMemberBOOL{Value: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	env, err := dynamo.New(db, table).Environment(context.Background(), "s1", id)
	if err != nil || !env.Locked {
		t.Fatalf("lock: the environment reads %+v, %v", env, err)
	}
}
