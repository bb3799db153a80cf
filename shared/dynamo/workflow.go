package dynamo

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// notLocked is the condition that an environment is not locked; it needs
// ":false" among the expression's values.
const notLocked = "(attribute_not_exists(locked) OR locked = :false)"

// sameManual is the condition that an environment's manual items did not
// change since it was read; it needs ":seq", the ManualSeq read.
const sameManual = "(attribute_not_exists(manualSeq) OR manualSeq = :seq)"

const skPurchaseOrder = "PO#"

// MaxPurchaseOrders bounds the suppliers of one review: the orders are
// written in one transaction with the environment and two history entries.
const MaxPurchaseOrders = 90

func num(i int) types.AttributeValue { return &types.AttributeValueMemberN{Value: strconv.Itoa(i)} }
func str(s string) types.AttributeValue {
	return &types.AttributeValueMemberS{Value: s}
}
func stamp(t time.Time) types.AttributeValue { return str(t.UTC().Format(time.RFC3339Nano)) }

// Approve converts the environment's latest version, in one transaction with
// the history entry, under the condition that the environment is as env
// says (same latest version), not outdated, imported, not converted and not
// locked (see domain.Environment.CanApprove), and returns the environment
// read back. When the condition fails it returns an error wrapping
// domain.ErrChanged.
func (s *Store) Approve(ctx context.Context, env domain.Environment, entry domain.HistoryEntry, now time.Time) (domain.Environment, error) {
	hist, err := s.historyPut(env.StoreID, env.ProjectID, entry)
	if err != nil {
		return domain.Environment{}, err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: key(envPK(env.StoreID, env.ID), skEnv),
			UpdateExpression: aws.String("SET convertedVersion = :v, updatedAt = :now"),
			ConditionExpression: aws.String("attribute_exists(PK) AND latestVersion = :v AND promobRevision <= importedRevision AND " +
				"importStatus = :imported AND (attribute_not_exists(convertedVersion) OR convertedVersion = :zero) AND " + notLocked),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":v": num(env.LatestVersion), ":zero": num(0), ":imported": str(domain.ImportImported),
				":now": stamp(now), ":false": &types.AttributeValueMemberBOOL{Value: false},
			},
		}},
		{Update: s.projectStep(env.StoreID, env.ProjectID, domain.ProjectConverted, now, "")},
		hist,
	}})
	if cancellationReasons(err) != nil {
		return domain.Environment{}, errChanged(env.ID)
	}
	if err != nil {
		return domain.Environment{}, wrap("approve", err)
	}
	return s.Environment(ctx, env.StoreID, env.ID)
}

// ProjectRecord returns the project alone (without its environments), read
// consistently, or a not_found *domain.Error.
func (s *Store) ProjectRecord(ctx context.Context, storeID, id string) (domain.Project, error) {
	return s.projectItem(ctx, storeID, id)
}

// ReleaseFinancially records the financial release of a project's contract
// by entry.By at entry.At, with its history entry, under the condition that
// the project exists and was not released (see
// domain.Project.FinanciallyReleased), and returns the project read back.
// When the condition fails it returns an error wrapping domain.ErrChanged.
func (s *Store) ReleaseFinancially(ctx context.Context, storeID, projectID string, entry domain.HistoryEntry) (domain.Project, error) {
	hist, err := s.historyPut(storeID, projectID, entry)
	if err != nil {
		return domain.Project{}, err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: &s.table, Key: key(projectPK(storeID, projectID), skProject),
			UpdateExpression:    aws.String("SET financiallyReleasedAt = :at, financiallyReleasedBy = :by, lastActivityAt = :at, GSI2SK = :actsk"),
			ConditionExpression: aws.String("attribute_exists(PK) AND attribute_not_exists(financiallyReleasedAt)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":at": stamp(entry.At), ":by": str(entry.By), ":actsk": str(activitySK(entry.At, projectID)),
			},
		}},
		hist,
	}})
	if cancellationReasons(err) != nil {
		return domain.Project{}, errChanged(projectID)
	}
	if err != nil {
		return domain.Project{}, wrap("release project", err)
	}
	return s.projectItem(ctx, storeID, projectID)
}

// StartReview records the start of the environment's review (who, when,
// and the latest version and revision at that moment) with its history
// entry, under the condition that the project's contract is released, the
// environment approved, its review not started and its latest version and
// revision as env says (see domain.Environment.CanStartReview). When the
// condition fails it returns an error wrapping domain.ErrChanged.
func (s *Store) StartReview(ctx context.Context, env domain.Environment, entry domain.HistoryEntry) error {
	hist, err := s.historyPut(env.StoreID, env.ProjectID, entry)
	if err != nil {
		return err
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Update: s.projectStep(env.StoreID, env.ProjectID, domain.ProjectInReview, entry.At, "attribute_exists(financiallyReleasedAt)")},
		{Update: &types.Update{
			TableName: &s.table, Key: key(envPK(env.StoreID, env.ID), skEnv),
			UpdateExpression: aws.String("SET reviewStartedAt = :at, reviewStartedBy = :by, reviewStartVersion = :v, " +
				"reviewStartRevision = :rev, updatedAt = :at"),
			ConditionExpression: aws.String("attribute_exists(PK) AND convertedVersion > :zero AND attribute_not_exists(reviewStartedAt) AND " +
				"latestVersion = :v AND importedRevision = :rev"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":at": stamp(entry.At), ":by": str(entry.By), ":v": num(env.LatestVersion), ":rev": num(env.ImportedRevision), ":zero": num(0),
			},
		}},
		hist,
	}})
	if cancellationReasons(err) != nil {
		return errChanged(env.ID)
	}
	return wrap("start review", err)
}

// MarkReviewUpdated records at `at` that the review's mandatory update is
// done though Promob held nothing newer (see
// domain.Environment.UpdateSatisfiesReview), on the condition that it is
// still the review started at startedAt and not completed. It reports
// whether it recorded it.
func (s *Store) MarkReviewUpdated(ctx context.Context, storeID, envID string, startedAt, at time.Time) (bool, error) {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(envPK(storeID, envID), skEnv),
		UpdateExpression:          aws.String("SET reviewUpdatedAt = :at, updatedAt = :at"),
		ConditionExpression:       aws.String("reviewStartedAt = :started AND attribute_not_exists(reviewCompletedAt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": stamp(at), ":started": stamp(startedAt)},
	})
	if isConditionFailed(err) {
		return false, nil
	}
	return err == nil, wrap("mark review updated", err)
}

type purchaseOrderItem struct {
	PK            string    `dynamodbav:"PK"`
	SK            string    `dynamodbav:"SK"`
	ID            string    `dynamodbav:"id"`
	EnvironmentID string    `dynamodbav:"environmentId"`
	Version       int       `dynamodbav:"version"`
	Supplier      string    `dynamodbav:"supplier"`
	Total         string    `dynamodbav:"total"`
	CreatedBy     string    `dynamodbav:"createdBy"`
	CreatedAt     time.Time `dynamodbav:"createdAt"`
	Lines         []byte    `dynamodbav:"lines"` // gzip-compressed JSON array of domain.PurchaseLine
}

// CompleteReview writes the purchase orders of the reviewed (latest) version
// and locks the environment, in one transaction with the history entries,
// under the condition that the review is started, not completed, that its
// mandatory update is done (a version imported since it started, or an
// update that found nothing newer: see MarkReviewUpdated) and that no
// version was imported since env was read (see
// domain.Environment.CanCompleteReview). When the condition fails it
// returns an error wrapping domain.ErrChanged. At most MaxPurchaseOrders
// orders, else an invalid_request *domain.Error.
func (s *Store) CompleteReview(ctx context.Context, env domain.Environment, orders []domain.PurchaseOrder, entries []domain.HistoryEntry, now time.Time) error {
	if len(orders) > MaxPurchaseOrders {
		return domain.Invalid("The reviewed version has parts of %d suppliers; at most %d purchase orders are written at once.", len(orders), MaxPurchaseOrders)
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &s.table, Key: key(envPK(env.StoreID, env.ID), skEnv),
		UpdateExpression: aws.String("SET reviewCompletedAt = :now, locked = :true, updatedAt = :now"),
		ConditionExpression: aws.String("attribute_exists(reviewStartedAt) AND attribute_not_exists(reviewCompletedAt) AND " +
			"latestVersion = :v AND (latestVersion > reviewStartVersion OR attribute_exists(reviewUpdatedAt))"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": stamp(now), ":true": &types.AttributeValueMemberBOOL{Value: true}, ":v": num(env.LatestVersion),
		},
	}}}
	items = append(items, types.TransactWriteItem{Update: s.projectStep(env.StoreID, env.ProjectID, domain.ProjectLocked, now, "")})
	for _, o := range orders {
		raw, err := json.Marshal(o.Lines)
		if err != nil {
			return wrap("encode purchase order lines", err)
		}
		lines, err := gzipBytes(raw, gzip.DefaultCompression)
		if err != nil {
			return wrap("compress purchase order lines", err)
		}
		av, err := attributevalue.MarshalMap(purchaseOrderItem{
			PK: envPK(env.StoreID, env.ID), SK: skPurchaseOrder + o.ID, ID: o.ID, EnvironmentID: env.ID, Version: o.Version,
			Supplier: o.Supplier, Total: o.Total.String(), CreatedBy: o.CreatedBy, CreatedAt: now.UTC(), Lines: lines,
		})
		if err != nil {
			return wrap("encode purchase order", err)
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}})
	}
	for _, e := range entries {
		hist, err := s.historyPut(env.StoreID, env.ProjectID, e)
		if err != nil {
			return err
		}
		items = append(items, hist)
	}
	_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if cancellationReasons(err) != nil {
		return errChanged(env.ID)
	}
	return wrap("complete review", err)
}

// PurchaseOrders returns the environment's purchase orders, by supplier.
func (s *Store) PurchaseOrders(ctx context.Context, env domain.Environment) ([]domain.PurchaseOrder, error) {
	out := []domain.PurchaseOrder{}
	err := queryPrefix(ctx, s, envPK(env.StoreID, env.ID), skPurchaseOrder, false, func(it purchaseOrderItem) (bool, error) {
		o := domain.PurchaseOrder{ID: it.ID, EnvironmentID: it.EnvironmentID, Version: it.Version, Supplier: it.Supplier, CreatedBy: it.CreatedBy}
		var err error
		if o.Total.Decimal, err = decimal.NewFromString(it.Total); err != nil {
			return false, err
		}
		raw, err := gunzipBytes(it.Lines)
		if err != nil {
			return false, err
		}
		err = json.Unmarshal(raw, &o.Lines)
		out = append(out, o)
		return err == nil, err
	})
	return out, wrap("query purchase orders", err)
}
