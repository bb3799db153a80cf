package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
)

// A user the API has seen lives at STORE#<sid> / USER#<uid> (see
// integration.go), beside their Promob link at USERLINK#<uid>.
const skUser = "USER#"

type userItem struct {
	UserID     string        `dynamodbav:"userId"`
	Roles      []domain.Role `dynamodbav:"roles"`
	LastSeenAt time.Time     `dynamodbav:"lastSeenAt"`
}

// domain is the user, not linked to Promob (Users adds the link).
func (it userItem) domain() domain.User {
	u := domain.User{ID: it.UserID, Roles: it.Roles, LastSeenAt: it.LastSeenAt, PromobLink: domain.LinkView{Status: domain.LinkNotLinked}}
	if u.Roles == nil {
		u.Roles = []domain.Role{}
	}
	return u
}

// SeeUser records that the user called the API at with roles.
func (s *Store) SeeUser(ctx context.Context, storeID, userID string, roles []domain.Role, at time.Time) error {
	rs, err := attributevalue.Marshal(roles)
	if err != nil {
		return wrap("encode roles", err)
	}
	if roles == nil {
		rs = &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(storePK(storeID), skUser+userID),
		UpdateExpression:          aws.String("SET userId = :u, storeId = :s, #roles = :r, lastSeenAt = :at"),
		ExpressionAttributeNames:  map[string]string{"#roles": "roles"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":u": str(userID), ":s": str(storeID), ":r": rs, ":at": stamp(at)},
	})
	return wrap("see user", err)
}

// Users returns a page of the users the API has seen in the store, by id,
// each with their Promob link's status (not_linked when they never linked).
// A cursor of another list is an invalid_request *Error.
func (s *Store) Users(ctx context.Context, storeID string, req page.Request) (page.Page[domain.User], error) {
	pk := storePK(storeID)
	out, err := queryPageOf(ctx, s, &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":sk": str(skUser)},
	}, req, userItem.domain, "users", attrPK, pk, attrPK, attrSK)
	if err != nil {
		return page.Page[domain.User]{}, err
	}
	// The store's links are read in one query, not one read per user.
	links, err := s.PromobLinks(ctx, storeID)
	if err != nil {
		return page.Page[domain.User]{}, err
	}
	linkOf := make(map[string]domain.LinkView, len(links))
	for _, l := range links {
		linkOf[l.UserID] = l.View()
	}
	for i, u := range out.Items {
		if l, ok := linkOf[u.ID]; ok {
			out.Items[i].PromobLink = l
		}
	}
	return out, nil
}

// UserIDs returns the ids of every user the API has seen in the store, in
// id order (the prerequisites list who of them has not linked Promob).
func (s *Store) UserIDs(ctx context.Context, storeID string) ([]string, error) {
	out := []string{}
	err := queryPrefix(ctx, s, storePK(storeID), skUser, false, func(it userItem) (bool, error) {
		out = append(out, it.UserID)
		return true, nil
	})
	return out, wrap("query users", err)
}
