package dynamo

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// Keys:
//
//	DELIVERY#<account>#<webhookId> / META                  the delivery, its answer, and its body when small
//	DELIVERY#<account>#<webhookId> / CHUNK#<sha>#<nnnn>    gzip chunks of a large body
func deliveryPK(accountID, webhookID string) string {
	return "DELIVERY#" + accountID + "#" + webhookID
}

const skMeta = "META"

// chunkSize keeps each item well under DynamoDB's 400 KB item limit.
const chunkSize = 300 * 1024

type deliveryItem struct {
	PK            string    `dynamodbav:"PK"`
	SK            string    `dynamodbav:"SK"`
	AccountID     string    `dynamodbav:"accountId"`
	WebhookID     string    `dynamodbav:"webhookId"`
	StoreID       string    `dynamodbav:"storeId"`
	Type          string    `dynamodbav:"type"`
	ProjectID     string    `dynamodbav:"projectId"`
	EnvironmentID string    `dynamodbav:"environmentId"`
	Revision      int       `dynamodbav:"revision"`
	PromobUser    string    `dynamodbav:"promobUser,omitempty"`
	ReceivedAt    time.Time `dynamodbav:"receivedAt"`
	Queued        bool      `dynamodbav:"queued"`
	Status        int       `dynamodbav:"status"`
	Answer        []byte    `dynamodbav:"answer"`
	BodySHA256    string    `dynamodbav:"bodySha256"`
	BodySize      int       `dynamodbav:"bodySize"`
	Body          []byte    `dynamodbav:"body,omitempty"` // gzip, when it fits in one chunk
	Chunks        int       `dynamodbav:"chunks"`         // number of CHUNK items otherwise
	ExpiresAt     int64     `dynamodbav:"expiresAt"`
}

func (it deliveryItem) domain() domain.Delivery {
	return domain.Delivery{
		AccountID: it.AccountID, WebhookID: it.WebhookID, StoreID: it.StoreID, Type: it.Type,
		ProjectID: it.ProjectID, EnvironmentID: it.EnvironmentID, Revision: it.Revision, PromobUser: it.PromobUser,
		ReceivedAt: it.ReceivedAt, Queued: it.Queued, Status: it.Status, Body: it.Answer,
	}
}

func chunkSK(sha string, i int) string { return fmt.Sprintf("CHUNK#%s#%04d", sha[:16], i) }

// CreateDelivery stores the delivery with its gzip-compressed body unless one
// with the same account and webhook-id exists. Large bodies are written as
// chunks first; the META item, written last under a condition, is what makes
// the delivery exist, so a crash in between leaves no visible delivery.
func (s *Store) CreateDelivery(ctx context.Context, d domain.Delivery, body []byte) (domain.Delivery, bool, error) {
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	packed, err := gzipBytes(body, gzip.BestSpeed)
	if err != nil {
		return domain.Delivery{}, false, wrap("compress delivery", err)
	}
	pk := deliveryPK(d.AccountID, d.WebhookID)
	it := deliveryItem{
		PK: pk, SK: skMeta, AccountID: d.AccountID, WebhookID: d.WebhookID, StoreID: d.StoreID, Type: d.Type,
		ProjectID: d.ProjectID, EnvironmentID: d.EnvironmentID, Revision: d.Revision, PromobUser: d.PromobUser, ReceivedAt: d.ReceivedAt,
		Queued: d.Queued, Status: d.Status, Answer: d.Body, BodySHA256: sha, BodySize: len(body),
		ExpiresAt: d.ReceivedAt.Add(domain.DeliveryTTL).Unix(),
	}
	if len(packed) <= chunkSize {
		it.Body = packed
	} else {
		for i := 0; len(packed) > 0; i++ {
			n := min(chunkSize, len(packed))
			_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: map[string]types.AttributeValue{
				attrPK: &types.AttributeValueMemberS{Value: pk}, attrSK: &types.AttributeValueMemberS{Value: chunkSK(sha, i)},
				"data":  &types.AttributeValueMemberB{Value: packed[:n]},
				attrTTL: &types.AttributeValueMemberN{Value: strconv.FormatInt(it.ExpiresAt, 10)},
			}})
			if err != nil {
				return domain.Delivery{}, false, wrap("put delivery chunk", err)
			}
			packed = packed[n:]
			it.Chunks++
		}
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return domain.Delivery{}, false, wrap("encode delivery", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if isConditionFailed(err) {
		existing, err := s.getDelivery(ctx, d.AccountID, d.WebhookID)
		return existing.domain(), false, err
	}
	if err != nil {
		return domain.Delivery{}, false, wrap("put delivery", err)
	}
	return it.domain(), true, nil
}

func (s *Store) getDelivery(ctx context.Context, accountID, webhookID string) (deliveryItem, error) {
	var it deliveryItem
	if err := s.getExisting(ctx, deliveryPK(accountID, webhookID), skMeta, &it, "get delivery", domain.NotFound("No delivery %s for account %s.", webhookID, accountID)); err != nil {
		return deliveryItem{}, err
	}
	return it, nil
}

// MarkDeliveryQueued records that the delivery is on the imports queue.
func (s *Store) MarkDeliveryQueued(ctx context.Context, accountID, webhookID string) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(deliveryPK(accountID, webhookID), skMeta),
		UpdateExpression:    aws.String("SET queued = :t"),
		ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberBOOL{Value: true},
		},
	})
	if isConditionFailed(err) {
		return domain.NotFound("No delivery %s for account %s.", webhookID, accountID)
	}
	return wrap("mark delivery queued", err)
}

// DeliveryBody returns the stored body of a delivery, checked against its
// SHA-256, or a not_found *Error.
func (s *Store) DeliveryBody(ctx context.Context, accountID, webhookID string) ([]byte, error) {
	it, err := s.getDelivery(ctx, accountID, webhookID)
	if err != nil {
		return nil, err
	}
	packed := it.Body
	if it.Chunks > 0 {
		packed, err = s.readChunks(ctx, it.PK, "CHUNK#"+it.BodySHA256[:16]+"#", it.Chunks, "delivery "+webhookID)
		if err != nil {
			return nil, err
		}
	}
	body, err := gunzipBytes(packed)
	if err != nil {
		return nil, wrap("decompress delivery", err)
	}
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != it.BodySHA256 {
		return nil, fmt.Errorf("dynamo: delivery %s body does not match its SHA-256", webhookID)
	}
	return body, nil
}
