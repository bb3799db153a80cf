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

var _ domain.PromobLinkStore = (*Store)(nil)

// A user's Promob link lives at STORE#<sid> / USERLINK#<uid> (see
// integration.go): linkStatus is its domain.Link* state, sealedToken the
// Promob token encrypted by a domain.TokenBox.
type linkItem struct {
	PK          string `dynamodbav:"PK"`
	SK          string `dynamodbav:"SK"`
	StoreID     string `dynamodbav:"storeId"`
	UserID      string `dynamodbav:"userId"`
	PromobUser  string `dynamodbav:"promobUser"`
	LinkStatus  string `dynamodbav:"linkStatus"`
	SealedToken string `dynamodbav:"sealedToken"`
	LinkedAt    string `dynamodbav:"linkedAt"`
	ExpiredAt   string `dynamodbav:"expiredAt,omitempty"`
}

// PutPromobLink stores the link, replacing the user's previous one.
func (s *Store) PutPromobLink(ctx context.Context, l domain.PromobLink) error {
	av, err := attributevalue.MarshalMap(linkItem{
		PK: storePK(l.StoreID), SK: skUserLink + l.UserID, StoreID: l.StoreID, UserID: l.UserID, PromobUser: l.PromobUser,
		LinkStatus: l.Status, SealedToken: l.SealedToken, LinkedAt: l.LinkedAt.UTC().Format(time.RFC3339Nano),
	})
	if err != nil {
		return wrap("encode Promob link", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return wrap("put Promob link", err)
}

// PromobLink returns the user's link, or a not_found *Error.
func (s *Store) PromobLink(ctx context.Context, storeID, userID string) (domain.PromobLink, error) {
	var it linkItem
	if err := s.getExisting(ctx, storePK(storeID), skUserLink+userID, &it, "get Promob link", domain.NotFound("User %q has not linked Promob.", userID)); err != nil {
		return domain.PromobLink{}, err
	}
	return it.domain()
}

func (it linkItem) domain() (domain.PromobLink, error) {
	l := domain.PromobLink{StoreID: it.StoreID, UserID: it.UserID, PromobUser: it.PromobUser, Status: it.LinkStatus, SealedToken: it.SealedToken}
	var err error
	if l.LinkedAt, err = time.Parse(time.RFC3339Nano, it.LinkedAt); err != nil {
		return domain.PromobLink{}, wrap("decode Promob link", err)
	}
	if it.ExpiredAt != "" {
		if at, err := time.Parse(time.RFC3339Nano, it.ExpiredAt); err == nil {
			l.ExpiredAt = &at
		}
	}
	return l, nil
}

// PromobLinks returns the Promob links of the store's users, whatever
// their state, in user id order.
func (s *Store) PromobLinks(ctx context.Context, storeID string) ([]domain.PromobLink, error) {
	var out []domain.PromobLink
	err := queryPrefix(ctx, s, storePK(storeID), skUserLink, false, func(it linkItem) (bool, error) {
		l, err := it.domain()
		out = append(out, l)
		return err == nil, err
	})
	return out, wrap("query Promob links", err)
}

// ExpirePromobLink marks the link made at linkedAt expired, on the condition
// that it is still that link and still linked, so that a user who linked
// again meanwhile keeps the new link. It reports whether it changed it.
func (s *Store) ExpirePromobLink(ctx context.Context, storeID, userID string, linkedAt, now time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &s.table,
		Key:                 key(storePK(storeID), skUserLink+userID),
		UpdateExpression:    aws.String("SET linkStatus = :expired, expiredAt = :now"),
		ConditionExpression: aws.String("linkStatus = :linked AND linkedAt = :at"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":expired": str(domain.LinkExpired), ":linked": str(domain.LinkLinked), ":at": stamp(linkedAt), ":now": stamp(now),
		},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap("expire Promob link", err)
	}
	return true, nil
}
