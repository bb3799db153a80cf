package dynamo

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

var _ domain.ManualItemStore = (*Store)(nil)

// Manual items live in their environment's partition under MANUAL#<id> (see
// the keys of environment.go); ids sort by creation time (domain.NewID), so
// the partition lists them in creation order.
const skManual = "MANUAL#"

// manualItem keeps quantities and prices as decimal text, exactly.
type manualItem struct {
	PK          string    `dynamodbav:"PK"`
	SK          string    `dynamodbav:"SK"`
	ID          string    `dynamodbav:"id"`
	Description string    `dynamodbav:"description"`
	Reference   string    `dynamodbav:"reference"`
	Quantity    string    `dynamodbav:"quantity"`
	UnitPrice   string    `dynamodbav:"unitPrice"`
	CreatedBy   string    `dynamodbav:"createdBy"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
}

func (it manualItem) domain() (domain.ManualItem, error) {
	q, err := decimal.NewFromString(it.Quantity)
	if err != nil {
		return domain.ManualItem{}, err
	}
	u, err := decimal.NewFromString(it.UnitPrice)
	if err != nil {
		return domain.ManualItem{}, err
	}
	return domain.ManualItem{ID: it.ID, Description: it.Description, Reference: it.Reference, Quantity: q, UnitPrice: u,
		CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt}, nil
}

// AddManualItem stores a new manual item of the environment; it fails with
// conflict when the id is taken.
func (s *Store) AddManualItem(ctx context.Context, storeID, envID string, m domain.ManualItem) error {
	av, err := attributevalue.MarshalMap(manualItem{
		PK: envPK(storeID, envID), SK: skManual + m.ID, ID: m.ID, Description: m.Description, Reference: m.Reference,
		Quantity: m.Quantity.String(), UnitPrice: m.UnitPrice.String(), CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt,
	})
	if err != nil {
		return wrap("encode manual item", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if isConditionFailed(err) {
		return domain.Errorf(domain.CodeConflict, "Item %s already exists.", m.ID)
	}
	return wrap("add manual item", err)
}

// UpdateManualItem sets the fields the patch holds in one conditional write
// and returns the item as it is after the change, or a not_found *Error
// when the environment has no such manual item.
func (s *Store) UpdateManualItem(ctx context.Context, storeID, envID, id string, p domain.ManualItemPatch) (domain.ManualItem, error) {
	var (
		sets   []string
		names  = map[string]string{}
		values = map[string]types.AttributeValue{}
	)
	set := func(attr, value string) {
		sets = append(sets, "#"+attr+" = :"+attr)
		names["#"+attr] = attr
		values[":"+attr] = &types.AttributeValueMemberS{Value: value}
	}
	if p.Description != nil {
		set("description", *p.Description)
	}
	if p.Reference != nil {
		set("reference", *p.Reference)
	}
	if p.Quantity != nil {
		set("quantity", p.Quantity.String())
	}
	if p.UnitPrice != nil {
		set("unitPrice", p.UnitPrice.String())
	}
	if len(sets) == 0 {
		return domain.ManualItem{}, domain.Errorf(domain.CodeInvalid, "The change sets no field.")
	}
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       key(envPK(storeID, envID), skManual+id),
		UpdateExpression:          aws.String("SET " + strings.Join(sets, ", ")),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ReturnValues:              types.ReturnValueAllNew,
	})
	if isConditionFailed(err) {
		return domain.ManualItem{}, domain.Errorf(domain.CodeNotFound, "The environment has no item %q.", id)
	}
	if err != nil {
		return domain.ManualItem{}, wrap("update manual item", err)
	}
	var it manualItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return domain.ManualItem{}, wrap("decode manual item", err)
	}
	m, err := it.domain()
	return m, wrap("decode manual item", err)
}

// DeleteManualItem removes the manual item, or returns a not_found *Error
// when the environment has no such item.
func (s *Store) DeleteManualItem(ctx context.Context, storeID, envID, id string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:           &s.table,
		Key:                 key(envPK(storeID, envID), skManual+id),
		ConditionExpression: aws.String("attribute_exists(PK)"),
	})
	if isConditionFailed(err) {
		return domain.Errorf(domain.CodeNotFound, "The environment has no item %q.", id)
	}
	return wrap("delete manual item", err)
}

// ManualItems returns the environment's manual items in creation order.
func (s *Store) ManualItems(ctx context.Context, storeID, envID string) ([]domain.ManualItem, error) {
	out := []domain.ManualItem{}
	err := queryPrefix(ctx, s, envPK(storeID, envID), skManual, false, func(it manualItem) (bool, error) {
		m, err := it.domain()
		out = append(out, m)
		return err == nil, err
	})
	if err != nil {
		return nil, wrap("query manual items", err)
	}
	return out, nil
}
