package dynamo

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// TestQueryPage walks a partition of 7 items in pages of 3 and checks that
// every item comes once, in order, that the last page has no cursor, and
// that a cursor is refused in another partition.
func TestQueryPage(t *testing.T) {
	ctx := context.Background()
	c := miniclient.NewClient()
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("t"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(attrPK), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String(attrSK), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash}, {AttributeName: aws.String(attrSK), KeyType: types.KeyTypeRange}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := New(c, "t")
	for _, pk := range []string{"A", "B"} {
		for i := range 7 {
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("t"), Item: key(pk, fmt.Sprintf("I#%d", i))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	query := func(pk string) *dynamodb.QueryInput {
		return &dynamodb.QueryInput{
			TableName:                 aws.String("t"),
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		}
	}

	var got []string
	req := page.Request{Limit: 3}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		items, next, err := s.queryPage(ctx, query("A"), req, attrPK, "A", attrPK, attrSK)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) > 3 {
			t.Fatalf("a page of limit 3 has %d items", len(items))
		}
		for _, it := range items {
			got = append(got, it[attrSK].(*types.AttributeValueMemberS).Value)
		}
		if next == nil {
			break
		}
		// The cursor travels as text, as it does through the API.
		if req.Cursor, err = page.Decode(next.Encode()); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != "[I#0 I#1 I#2 I#3 I#4 I#5 I#6]" {
		t.Fatalf("pages read %v", got)
	}

	foreign := page.Request{Limit: 3, Cursor: page.Cursor{attrPK: "B", attrSK: "I#2"}}
	if _, _, err := s.queryPage(ctx, query("A"), foreign, attrPK, "A", attrPK, attrSK); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a cursor of another partition: err = %v, want invalid_request", err)
	}
	extra := page.Request{Limit: 3, Cursor: page.Cursor{attrPK: "A", attrSK: "I#2", "X": "y"}}
	if _, _, err := s.queryPage(ctx, query("A"), extra, attrPK, "A", attrPK, attrSK); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("a cursor with other attributes: err = %v, want invalid_request", err)
	}
}
