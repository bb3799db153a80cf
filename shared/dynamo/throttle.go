package dynamo

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

var _ domain.FailureStore = (*Store)(nil)

// Keys:
//
//	THROTTLE#<subject> / THROTTLE   wrong credential checks: failures, windowEnd (unix ms); expires by TTL
func throttlePK(subject string) string { return "THROTTLE#" + subject }

const skThrottle = "THROTTLE"

// CredentialFailures returns the subject's failures in the window open at
// now, read consistently so that every instance sees the last failure.
func (s *Store) CredentialFailures(ctx context.Context, subject string, now time.Time) (domain.Failures, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(throttlePK(subject), skThrottle), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return domain.Failures{}, wrap("get credential failures", err)
	}
	n, _ := out.Item["failures"].(*types.AttributeValueMemberN)
	end, _ := out.Item["windowEnd"].(*types.AttributeValueMemberN)
	if n == nil || end == nil {
		return domain.Failures{}, nil
	}
	count, err1 := strconv.Atoi(n.Value)
	ms, err2 := strconv.ParseInt(end.Value, 10, 64)
	if err1 != nil || err2 != nil {
		return domain.Failures{}, wrap("decode credential failures", errors.Join(err1, err2))
	}
	until := time.UnixMilli(ms)
	if !now.Before(until) {
		return domain.Failures{}, nil
	}
	return domain.Failures{Count: count, Until: until}, nil
}

// RecordCredentialFailure adds one to the subject's open window, or opens a
// new window at now. Two first failures at once may both open a window and
// count one: the bound is loose by one at worst.
func (s *Store) RecordCredentialFailure(ctx context.Context, subject string, window time.Duration, now time.Time) error {
	k := key(throttlePK(subject), skThrottle)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k,
		UpdateExpression:    aws.String("ADD failures :one"),
		ConditionExpression: aws.String("windowEnd > :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": num(1), ":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.UnixMilli(), 10)},
		},
	})
	if !isConditionFailed(err) {
		return wrap("record credential failure", err)
	}
	end := now.Add(window)
	item := key(throttlePK(subject), skThrottle)
	item["failures"] = num(1)
	item["windowEnd"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(end.UnixMilli(), 10)}
	item[attrTTL] = &types.AttributeValueMemberN{Value: strconv.FormatInt(end.Add(time.Hour).Unix(), 10)}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item})
	return wrap("record credential failure", err)
}

// ResetCredentialFailures deletes the subject's failures.
func (s *Store) ResetCredentialFailures(ctx context.Context, subject string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(throttlePK(subject), skThrottle)})
	return wrap("reset credential failures", err)
}
