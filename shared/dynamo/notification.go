package dynamo

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
)

var _ domain.NotificationStore = (*Store)(nil)

// Keys:
//
//	STORE#<storeId>#USER#<userId> / NOTIF#<id>      ids sort by creation time, so a descending Query is newest first
//	STORE#<storeId>#USER#<userId> / NOTIFKEY#<key>  marks a once-only notification as sent
func userPK(storeID, userID string) string { return storePK(storeID) + "#USER#" + userID }

const (
	skNotification    = "NOTIF#"
	skNotificationKey = "NOTIFKEY#" // once-only marker of a DedupeKey
)

type notificationItem struct {
	PK        string         `dynamodbav:"PK"`
	SK        string         `dynamodbav:"SK"`
	ID        string         `dynamodbav:"id"`
	StoreID   string         `dynamodbav:"storeId"`
	UserID    string         `dynamodbav:"userId"`
	Kind      string         `dynamodbav:"kind"`
	Title     string         `dynamodbav:"title"`
	Message   string         `dynamodbav:"message"`
	Action    *domain.Action `dynamodbav:"action,omitempty"`
	CreatedAt time.Time      `dynamodbav:"createdAt"`
	Read      bool           `dynamodbav:"read"`
	ExpiresAt int64          `dynamodbav:"expiresAt"`
}

func (it notificationItem) domain() domain.Notification {
	return domain.Notification{ID: it.ID, StoreID: it.StoreID, UserID: it.UserID, Kind: it.Kind, Title: it.Title,
		Message: it.Message, Action: it.Action, CreatedAt: it.CreatedAt, Read: it.Read}
}

// PutNotification stores n once: a repeat of the same id changes nothing
// (not even a read mark).
func (s *Store) PutNotification(ctx context.Context, n domain.Notification) error {
	if err := n.Validate(); err != nil {
		return err
	}
	av, err := attributevalue.MarshalMap(notificationItem{
		PK: userPK(n.StoreID, n.UserID), SK: skNotification + n.ID, ID: n.ID, StoreID: n.StoreID, UserID: n.UserID,
		Kind: n.Kind, Title: n.Title, Message: n.Message, Action: n.Action, CreatedAt: n.CreatedAt,
		ExpiresAt: n.CreatedAt.Add(domain.NotificationTTL).Unix(),
	})
	if err != nil {
		return wrap("encode notification", err)
	}
	if n.DedupeKey == "" {
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
		if isConditionFailed(err) {
			return nil
		}
		return wrap("put notification", err)
	}
	marker := map[string]types.AttributeValue{
		attrPK:  &types.AttributeValueMemberS{Value: userPK(n.StoreID, n.UserID)},
		attrSK:  &types.AttributeValueMemberS{Value: skNotificationKey + n.DedupeKey},
		attrTTL: &types.AttributeValueMemberN{Value: strconv.FormatInt(n.CreatedAt.Add(domain.NotificationTTL).Unix(), 10)},
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.table, Item: marker, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if cancellationReasons(err) != nil {
		return nil
	}
	return wrap("put notification", err)
}

// Notifications returns the user's notifications, newest first, at most
// limit (the first page of NotificationPage).
func (s *Store) Notifications(ctx context.Context, storeID, userID string, unreadOnly bool, limit int) ([]domain.Notification, error) {
	p, err := s.NotificationPage(ctx, storeID, userID, unreadOnly, page.Request{Limit: limit})
	return p.Items, err
}

// NotificationPage returns a page of the user's notifications, newest
// first, only unread ones when unreadOnly. A cursor of another list is an
// invalid_request *Error.
func (s *Store) NotificationPage(ctx context.Context, storeID, userID string, unreadOnly bool, req page.Request) (page.Page[domain.Notification], error) {
	pk := userPK(storeID, userID)
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":sk": str(skNotification)},
		ScanIndexForward:          aws.Bool(false),
	}
	if unreadOnly {
		in.FilterExpression = aws.String("#read = :false")
		in.ExpressionAttributeNames = map[string]string{"#read": "read"}
		in.ExpressionAttributeValues[":false"] = &types.AttributeValueMemberBOOL{Value: false}
	}
	return queryPageOf(ctx, s, in, req, notificationItem.domain, "notifications", attrPK, pk, attrPK, attrSK)
}

// MarkNotificationRead marks one of the user's notifications read.
func (s *Store) MarkNotificationRead(ctx context.Context, storeID, userID, id string) (domain.Notification, error) {
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(userPK(storeID, userID), skNotification+id),
		UpdateExpression:          aws.String("SET #read = :true"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#read": "read"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":true": &types.AttributeValueMemberBOOL{Value: true}},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if isConditionFailed(err) {
		return domain.Notification{}, domain.NotFound("No notification %q.", id)
	}
	if err != nil {
		return domain.Notification{}, wrap("mark notification read", err)
	}
	var it notificationItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return domain.Notification{}, wrap("decode notification", err)
	}
	return it.domain(), nil
}
