package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A store's users live at STORE#<sid> / USER#<uid> (see integration.go),
// with when they were first and last seen. Tokens name users; the API
// records a user when they show themselves (GET /v1/me, linking Promob), so
// that the prerequisites can list who has not linked Promob.
const skUser = "USER#"

type userItem struct {
	UserID string `dynamodbav:"userId"`
}

// RecordUser records that userID is one of the store's users, seen now.
func (s *Store) RecordUser(ctx context.Context, storeID, userID string, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(storePK(storeID), skUser+userID),
		UpdateExpression:          aws.String("SET userId = :uid, firstSeenAt = if_not_exists(firstSeenAt, :now), lastSeenAt = :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":uid": str(userID), ":now": stamp(now)},
	})
	return wrap("record user", err)
}

// Users returns the store's recorded users in id order.
func (s *Store) Users(ctx context.Context, storeID string) ([]string, error) {
	out := []string{}
	err := queryPrefix(ctx, s, storePK(storeID), skUser, false, func(it userItem) (bool, error) {
		out = append(out, it.UserID)
		return true, nil
	})
	return out, wrap("query users", err)
}
