package dynamo

import (
	"cmp"
	"context"
	"fmt"
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

// WriteManual makes the change of manual items w in one transaction (see
// domain.ManualItemStore): the item, the environment's manual sequence
// (and latest version, for a new version), and the version it touches.
// When the environment is no longer as env says it returns an error
// wrapping domain.ErrChanged; it decides no refusal of the sale.
func (s *Store) WriteManual(ctx context.Context, env domain.Environment, w domain.ManualWrite, now time.Time) error {
	pk := envPK(env.StoreID, env.ID)
	var op types.TransactWriteItem
	switch {
	case w.Put != nil:
		m := w.Put
		av, err := attributevalue.MarshalMap(manualItem{
			PK: pk, SK: skManual + m.ID, ID: m.ID, Description: m.Description, Reference: m.Reference,
			Quantity: m.Quantity.String(), UnitPrice: m.UnitPrice.String(), CreatedBy: m.CreatedBy, CreatedAt: m.CreatedAt,
		})
		if err != nil {
			return wrap("encode manual item", err)
		}
		cond := "attribute_exists(PK)"
		if w.Create {
			cond = "attribute_not_exists(PK)"
		}
		op = types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String(cond)}}
	case w.Delete != "":
		op = types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: key(pk, skManual+w.Delete),
			ConditionExpression: aws.String("attribute_exists(PK)")}}
	default:
		return domain.Invalid("The change sets no item.")
	}
	set := "SET manualSeq = :next, updatedAt = :now"
	values := map[string]types.AttributeValue{
		":seq": num(env.ManualSeq), ":next": num(env.ManualSeq + 1), ":now": stamp(now), ":false": &types.AttributeValueMemberBOOL{Value: false},
		":latest": num(env.LatestVersion), ":conv": num(env.ConvertedVersion),
	}
	items := []types.TransactWriteItem{op, {}}
	switch {
	case w.New != nil:
		set += ", latestVersion = :new"
		values[":new"] = num(w.New.Number)
		it, err := newVersionItem(env, *w.New)
		if err != nil {
			return wrap("encode version", err)
		}
		av, err := attributevalue.MarshalMap(it)
		if err != nil {
			return wrap("encode version", err)
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
		if w.Entry != nil {
			hist, err := s.historyPut(env.StoreID, env.ProjectID, *w.Entry)
			if err != nil {
				return err
			}
			items = append(items, hist)
		}
	case w.Latest != nil:
		budget, err := compress(w.Latest.Budget)
		if err != nil {
			return wrap("encode budget", err)
		}
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: key(pk, versionSK(w.Latest.Number)),
			UpdateExpression:         aws.String("SET budget = :b, #total = :t"),
			ConditionExpression:      aws.String("attribute_exists(PK)"),
			ExpressionAttributeNames: map[string]string{"#total": "total"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":b": &types.AttributeValueMemberB{Value: budget}, ":t": str(w.Latest.Total),
			},
		}})
	}
	items[1] = types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pk, skEnv),
		UpdateExpression: aws.String(set),
		ConditionExpression: aws.String("attribute_exists(PK) AND latestVersion = :latest AND " +
			"(attribute_not_exists(convertedVersion) OR convertedVersion = :conv) AND " +
			sameManual + " AND " + notLocked),
		ExpressionAttributeValues: values,
	}}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	reasons := cancellationReasons(err)
	switch {
	case reasons == nil:
		return wrap("write manual item", err)
	case len(reasons) > 1 && reasons[1] == "ConditionalCheckFailed":
		return fmt.Errorf("dynamo: write manual item: %w", domain.ErrChanged)
	case reasons[0] == "ConditionalCheckFailed" && w.Create:
		return domain.Conflict("Item %s already exists.", w.Put.ID)
	case reasons[0] == "ConditionalCheckFailed":
		return domain.NotFound("The environment has no item %q.", cmp.Or(w.Delete, idOf(w.Put)))
	}
	// Cancelled for another reason: a transaction on the same items ran
	// at the same time.
	return fmt.Errorf("dynamo: write manual item: %w", domain.ErrChanged)
}

func idOf(m *domain.ManualItem) string {
	if m == nil {
		return ""
	}
	return m.ID
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

// Reprice replaces the latest version's rules, budget and total by v's (v
// is env's latest version priced again), in one transaction with the
// history entry, under the condition that the environment is as env says:
// same latest and converted versions, same manual items, not locked; else
// it returns an error wrapping domain.ErrChanged.
func (s *Store) Reprice(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error {
	pk := envPK(env.StoreID, env.ID)
	budget, err := compress(v.Budget)
	if err != nil {
		return wrap("encode budget", err)
	}
	hist, err := s.historyPut(env.StoreID, env.ProjectID, entry)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: key(pk, skEnv),
			UpdateExpression: aws.String("SET manualSeq = :next, updatedAt = :now"),
			ConditionExpression: aws.String("attribute_exists(PK) AND latestVersion = :latest AND " +
				"(attribute_not_exists(convertedVersion) OR convertedVersion = :conv) AND " + sameManual + " AND " + notLocked),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":seq": num(env.ManualSeq), ":next": num(env.ManualSeq + 1), ":now": stamp(now), ":false": &types.AttributeValueMemberBOOL{Value: false},
				":latest": num(v.Number), ":conv": num(env.ConvertedVersion),
			},
		}},
		{Update: &types.Update{
			TableName: &s.table, Key: key(pk, versionSK(v.Number)),
			UpdateExpression:         aws.String("SET budget = :b, #total = :t, #rules = :r"),
			ConditionExpression:      aws.String("attribute_exists(PK)"),
			ExpressionAttributeNames: map[string]string{"#total": "total", "#rules": "rules"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":b": &types.AttributeValueMemberB{Value: budget}, ":t": str(v.Total), ":r": &types.AttributeValueMemberB{Value: v.Rules},
			},
		}},
		hist,
	}})
	if cancellationReasons(err) != nil {
		return fmt.Errorf("dynamo: reprice version: %w", domain.ErrChanged)
	}
	return wrap("reprice version", err)
}
