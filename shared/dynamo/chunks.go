package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// readChunks returns the data of the first n items under pk whose sort keys
// begin with prefix, joined in key order and read consistently: the pieces
// of a compressed body stored across items. It fails when an item has no
// data or fewer than n are stored; what names their owner in the errors.
func (s *Store) readChunks(ctx context.Context, pk, prefix string, n int, what string) ([]byte, error) {
	var packed []byte
	got := 0
	err := s.queryPages(ctx, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pk},
			":sk": &types.AttributeValueMemberS{Value: prefix},
		},
		ConsistentRead: aws.Bool(true),
	}, func(page *dynamodb.QueryOutput) (bool, error) {
		for _, item := range page.Items {
			if got == n {
				return false, nil
			}
			b, ok := item["data"].(*types.AttributeValueMemberB)
			if !ok {
				return false, fmt.Errorf("dynamo: %s: chunk without data", what)
			}
			packed = append(packed, b.Value...)
			got++
		}
		return got < n, nil
	})
	if err != nil {
		return nil, wrap("read chunks of "+what, err)
	}
	if got != n {
		return nil, fmt.Errorf("dynamo: %s has %d of %d chunks", what, got, n)
	}
	return packed, nil
}
