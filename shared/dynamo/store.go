// Package dynamo keeps the integration's records in one DynamoDB table
// (single-table design). Key building lives here and nowhere else.
package dynamo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// Client is the part of the DynamoDB API the store uses; *dynamodb.Client,
// DynamoDB Local and minidyn's client satisfy it.
type Client interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Store implements the domain's store interfaces over one table.
type Store struct {
	db    Client
	table string
	// box seals the accounts' secrets (see WithSecrets); nil keeps them
	// as they are.
	box domain.TokenBox
}

var (
	_ domain.IntegrationStore = (*Store)(nil)
	_ domain.DeliveryStore    = (*Store)(nil)
)

// New returns a store over the named table.
func New(db Client, table string) *Store {
	return &Store{db: db, table: table}
}

// Key attribute names of the table and its index.
const (
	attrPK     = "PK"
	attrSK     = "SK"
	attrGSI1PK = "GSI1PK"
	attrGSI1SK = "GSI1SK"
	attrTTL    = "expiresAt"
)

// key returns a primary key attribute map.
func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		attrPK: &types.AttributeValueMemberS{Value: pk},
		attrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

// isConditionFailed reports whether err is a failed condition of a single-item write.
func isConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// errChanged is the error of a guarded write on record id whose condition
// failed: it wraps domain.ErrChanged, and the use case reads the record
// again to answer.
func errChanged(id string) error {
	return fmt.Errorf("dynamo: %s: %w", id, domain.ErrChanged)
}

// cancellationReasons returns the per-item reason codes of a cancelled
// transaction ("ConditionalCheckFailed", "None", …), or nil for other errors.
func cancellationReasons(err error) []string {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) {
		return nil
	}
	codes := make([]string, len(tce.CancellationReasons))
	for i, r := range tce.CancellationReasons {
		if r.Code != nil {
			codes[i] = *r.Code
		}
	}
	return codes
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var appErr *domain.Error
	if errors.As(err, &appErr) {
		return err
	}
	return fmt.Errorf("dynamo: %s: %w", op, err)
}

// queryPages runs the query page by page, handing each page's items to fn
// until fn returns false or the last page. A page ends the query when its
// LastEvaluatedKey is empty (some servers answer an empty map, not nil).
func (s *Store) queryPages(ctx context.Context, in *dynamodb.QueryInput, fn func(page *dynamodb.QueryOutput) (more bool, err error)) error {
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return err
		}
		more, err := fn(page)
		if err != nil || !more || len(page.LastEvaluatedKey) == 0 {
			return err
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// getItem reads one item with a consistent read and decodes it into out. It
// returns false, and leaves out alone, when there is no such item.
func (s *Store) getItem(ctx context.Context, pk, sk string, out any) (bool, error) {
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, err
	}
	if len(res.Item) == 0 {
		return false, nil
	}
	return true, attributevalue.UnmarshalMap(res.Item, out)
}

// getExisting is getItem for an item that must exist: op names the read in
// a failure, and notFound is returned when there is no such item.
func (s *Store) getExisting(ctx context.Context, pk, sk string, out any, op string, notFound error) error {
	found, err := s.getItem(ctx, pk, sk, out)
	if err != nil {
		return wrap(op, err)
	}
	if !found {
		return notFound
	}
	return nil
}

// queryPrefix decodes each item of partition pk whose sort key begins with
// prefix into a T, in sort-key order (descending when newestFirst), with
// consistent reads, and hands it to fn until fn returns false or an error.
func queryPrefix[T any](ctx context.Context, s *Store, pk, prefix string, newestFirst bool, fn func(T) (bool, error)) error {
	return queryEach(ctx, s, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pk},
			":sk": &types.AttributeValueMemberS{Value: prefix},
		},
		ScanIndexForward: aws.Bool(!newestFirst),
		ConsistentRead:   aws.Bool(true),
	}, fn)
}

// queryEach runs the query page by page, decodes each item into a T and
// hands it to fn until fn returns false or an error.
func queryEach[T any](ctx context.Context, s *Store, in *dynamodb.QueryInput, fn func(T) (bool, error)) error {
	return s.queryPages(ctx, in, func(page *dynamodb.QueryOutput) (bool, error) {
		var items []T
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			return false, err
		}
		for _, it := range items {
			if more, err := fn(it); err != nil || !more {
				return false, err
			}
		}
		return true, nil
	})
}
