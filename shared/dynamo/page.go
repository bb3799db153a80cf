package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
)

// queryPage reads one page of a query: at most req.Limit items, starting
// after req.Cursor. keyAttrs are the attributes that locate an item in the
// queried table or index (PK and SK, plus the index's keys for an index);
// the next cursor holds the last item's values of them. The cursor must
// hold exactly those attributes, all strings, and its partition value
// (partAttr) must be the one the query reads, so that no cursor can move a
// caller into another partition (another store's data); a cursor that fails
// this is an invalid_request *domain.Error.
func (s *Store) queryPage(ctx context.Context, in *dynamodb.QueryInput, req page.Request, partAttr, partition string, keyAttrs ...string) ([]map[string]types.AttributeValue, page.Cursor, error) {
	if req.Cursor != nil {
		start, err := startKey(req.Cursor, partAttr, partition, keyAttrs)
		if err != nil {
			return nil, nil, err
		}
		in.ExclusiveStartKey = start
	}
	var items []map[string]types.AttributeValue
	for {
		in.Limit = aws.Int32(int32(req.Limit - len(items)))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			return items, nil, nil
		}
		if len(items) >= req.Limit {
			return items, cursorOf(items[len(items)-1], keyAttrs), nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// queryPageOf is queryPage with each item decoded into an I and turned
// into a D by conv; what names the list in a failure.
func queryPageOf[I, D any](ctx context.Context, s *Store, in *dynamodb.QueryInput, req page.Request, conv func(I) D, what, partAttr, partition string, keyAttrs ...string) (page.Page[D], error) {
	items, next, err := s.queryPage(ctx, in, req, partAttr, partition, keyAttrs...)
	if err != nil {
		return page.Page[D]{}, wrap("query "+what, err)
	}
	var its []I
	if err := attributevalue.UnmarshalListOfMaps(items, &its); err != nil {
		return page.Page[D]{}, wrap("decode "+what, err)
	}
	out := page.Page[D]{Items: make([]D, 0, len(its)), Next: next}
	for _, it := range its {
		out.Items = append(out.Items, conv(it))
	}
	return out, nil
}

// startKey turns a cursor back into the ExclusiveStartKey of a query of
// partition, refusing one that does not fit it.
func startKey(c page.Cursor, partAttr, partition string, keyAttrs []string) (map[string]types.AttributeValue, error) {
	if len(c) != len(keyAttrs) || c[partAttr] != partition {
		return nil, errForeignCursor
	}
	key := make(map[string]types.AttributeValue, len(keyAttrs))
	for _, a := range keyAttrs {
		v, ok := c[a]
		if !ok {
			return nil, errForeignCursor
		}
		key[a] = &types.AttributeValueMemberS{Value: v}
	}
	return key, nil
}

// cursorOf is the cursor after item: its string key attributes.
func cursorOf(item map[string]types.AttributeValue, keyAttrs []string) page.Cursor {
	c := make(page.Cursor, len(keyAttrs))
	for _, a := range keyAttrs {
		if v, ok := item[a].(*types.AttributeValueMemberS); ok {
			c[a] = v.Value
		}
	}
	return c
}

var errForeignCursor = domain.Invalid("cursor does not belong to this list: pass back a nextCursor unchanged.")
