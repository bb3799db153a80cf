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

var _ domain.HistoryStore = (*Store)(nil)

// Keys:
//
//	STORE#<sid>#PROJECT#<pid> / HIST#<id>       a history entry; ids sort by creation time
//	STORE#<sid>#PROJECT#<pid> / HISTKEY#<key>   marks a once-only entry as written
//
// Entries that record a change are written in the change's transaction
// (approval, release, review, purchase orders, a new version); others
// (outdated, a refused Promob change) carry a once-only key so that a
// repeated event writes one entry.
const (
	skHistory    = "HIST#"
	skHistoryKey = "HISTKEY#"
)

type historyItem struct {
	PK            string    `dynamodbav:"PK"`
	SK            string    `dynamodbav:"SK"`
	ID            string    `dynamodbav:"id"`
	Kind          string    `dynamodbav:"kind"`
	EnvironmentID string    `dynamodbav:"environmentId,omitempty"`
	Version       int       `dynamodbav:"version,omitempty"`
	By            string    `dynamodbav:"by"`
	At            time.Time `dynamodbav:"at"`
	Message       string    `dynamodbav:"message"`
}

// historyPut is the transaction item that writes the entry.
func (s *Store) historyPut(storeID, projectID string, e domain.HistoryEntry) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(historyItem{
		PK: projectPK(storeID, projectID), SK: skHistory + e.ID, ID: e.ID, Kind: e.Kind, EnvironmentID: e.EnvironmentID,
		Version: e.Version, By: e.By, At: e.At, Message: e.Message,
	})
	if err != nil {
		return types.TransactWriteItem{}, wrap("encode history entry", err)
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

// AddHistory stores an entry of a project; with a onceKey, in one
// transaction with a marker, so that another entry with the same key
// changes nothing.
func (s *Store) AddHistory(ctx context.Context, storeID, projectID string, e domain.HistoryEntry, onceKey string) error {
	put, err := s.historyPut(storeID, projectID, e)
	if err != nil {
		return err
	}
	items := []types.TransactWriteItem{put}
	if onceKey != "" {
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table,
			Item:                map[string]types.AttributeValue{attrPK: put.Put.Item[attrPK], attrSK: &types.AttributeValueMemberS{Value: skHistoryKey + onceKey}},
			ConditionExpression: aws.String("attribute_not_exists(PK)"),
		}})
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if cancellationReasons(err) != nil {
		return nil // written before
	}
	return wrap("add history entry", err)
}

// History returns the project's entries, oldest first.
func (s *Store) History(ctx context.Context, storeID, projectID string) ([]domain.HistoryEntry, error) {
	out := []domain.HistoryEntry{}
	err := queryPrefix(ctx, s, projectPK(storeID, projectID), skHistory, false, func(it historyItem) (bool, error) {
		out = append(out, domain.HistoryEntry{ID: it.ID, Kind: it.Kind, EnvironmentID: it.EnvironmentID, Version: it.Version, By: it.By, At: it.At, Message: it.Message})
		return true, nil
	})
	return out, wrap("query history", err)
}
