package dynamo

import (
	"cmp"
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// Keys:
//
//	STORE#<sid>#ENV#<eid>   / EN#VERSION#<nnnnnnnnnn>   a version, right before the environment, newest last
//	STORE#<sid>#ENV#<eid>   / ENV                       the environment; GSI1: its project's partition
//	STORE#<sid>#ENV#<eid>   / ENV#ITEMS#<9999999999-rev>#<nnnn>  gzip chunks of a Promob revision's items, right after the environment, newest revision first
//	STORE#<sid>#ENV#<eid>   / MANUAL#<id>               an item typed in FoccoLojas
//	STORE#<sid>#ENV#<eid>   / PO#<id>                   a purchase order of the reviewed version
//	PENV#<account>#<promobEnvironmentId> / PENV         webhook routing: Promob environment → environment
//
// So the environment and its newest version, or the environment and the
// first item chunk of its newest revision, are read in one Query of two
// items (the budget summary and the first page of items).
//
// A routing item is live only while its store holds the account (the
// account's ACCOUNT item names that store): when a store changes account,
// its routing items of the old account are retired by that rule, at once
// and whatever their number. EnvironmentByPromobID does not see a retired
// item, and the account's new store may link the Promob environment again,
// replacing it.
//
// An assistance is an environment record of kind "assistance" (see
// assistance.go for its extra attributes and keys).
func envPK(storeID, envID string) string         { return storePK(storeID) + "#ENV#" + envID }
func projectPK(storeID, projectID string) string { return storePK(storeID) + "#PROJECT#" + projectID }
func promobEnvPK(accountID, promobEnvID string) string {
	return "PENV#" + accountID + "#" + promobEnvID
}

const (
	skEnv       = "ENV"
	skPromobEnv = "PENV"
)

type envItem struct {
	PK                  string     `dynamodbav:"PK"`
	SK                  string     `dynamodbav:"SK"`
	GSI1PK              string     `dynamodbav:"GSI1PK"`
	GSI1SK              string     `dynamodbav:"GSI1SK"`
	ID                  string     `dynamodbav:"id"`
	StoreID             string     `dynamodbav:"storeId"`
	ProjectID           string     `dynamodbav:"projectId"`
	Name                string     `dynamodbav:"name"`
	Kind                string     `dynamodbav:"kind,omitempty"`
	PromobAccountID     string     `dynamodbav:"promobAccountId"`
	PromobProjectID     string     `dynamodbav:"promobProjectId"`
	PromobEnvironmentID string     `dynamodbav:"promobEnvironmentId"`
	PromobRevision      int        `dynamodbav:"promobRevision"`
	CreationStatus      string     `dynamodbav:"creationStatus,omitempty"`
	CreationReason      string     `dynamodbav:"creationReason,omitempty"`
	ImportedRevision    int        `dynamodbav:"importedRevision"`
	LatestVersion       int        `dynamodbav:"latestVersion"`
	ConvertedVersion    int        `dynamodbav:"convertedVersion"`
	ReviewStartedAt     *time.Time `dynamodbav:"reviewStartedAt,omitempty"`
	ReviewStartedBy     string     `dynamodbav:"reviewStartedBy,omitempty"`
	ReviewStartVersion  int        `dynamodbav:"reviewStartVersion,omitempty"`
	ReviewStartRevision int        `dynamodbav:"reviewStartRevision,omitempty"`
	ReviewCompletedAt   *time.Time `dynamodbav:"reviewCompletedAt,omitempty"`
	Locked              bool       `dynamodbav:"locked"`
	ManualSeq           int        `dynamodbav:"manualSeq,omitempty"`
	ImportStatus        string     `dynamodbav:"importStatus"`
	ImportError         string     `dynamodbav:"importError"`
	CreatedBy           string     `dynamodbav:"createdBy"`
	CreatedAt           time.Time  `dynamodbav:"createdAt"`
	UpdatedAt           time.Time  `dynamodbav:"updatedAt"`

	CreatedRevision int        `dynamodbav:"createdRevision,omitempty"`
	ReviewUpdatedAt *time.Time `dynamodbav:"reviewUpdatedAt,omitempty"`
}

func (it envItem) domain() domain.Environment {
	status := it.CreationStatus
	if status == "" {
		status = domain.EnvReady // linked to an environment that already existed in Promob
	}
	return domain.Environment{
		Status: status, StatusReason: it.CreationReason,
		ID: it.ID, StoreID: it.StoreID, ProjectID: it.ProjectID, Name: it.Name, Kind: it.Kind, PromobAccountID: it.PromobAccountID,
		PromobProjectID: it.PromobProjectID, PromobEnvironmentID: it.PromobEnvironmentID, PromobRevision: it.PromobRevision,
		ImportedRevision: it.ImportedRevision, LatestVersion: it.LatestVersion, ConvertedVersion: it.ConvertedVersion,
		ImportStatus: it.ImportStatus, ImportError: it.ImportError, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		ReviewStartedAt: it.ReviewStartedAt, ReviewStartedBy: it.ReviewStartedBy, ReviewStartVersion: it.ReviewStartVersion,
		ReviewStartRevision: it.ReviewStartRevision, ReviewCompletedAt: it.ReviewCompletedAt, Locked: it.Locked, ManualSeq: it.ManualSeq,
		CreatedRevision: it.CreatedRevision, ReviewUpdatedAt: it.ReviewUpdatedAt,
	}
}

// envGSI1SK orders a project's environments by creation.
func envGSI1SK(e domain.Environment) string {
	return "ENV#" + e.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + e.ID
}

// CreateEnvironment stores a new environment of a project together with its
// Promob routing item, and gives the project the environment's Promob
// project when it has none yet (so that environments created later go into
// that Promob project). It fails with conflict when the Promob environment
// is already linked to an environment, and with not_found when the project
// does not exist. An environment without a Promob environment yet (being
// created there) is stored alone; EnvironmentCreated adds its routing item.
func (s *Store) CreateEnvironment(ctx context.Context, e domain.Environment) error {
	av, err := attributevalue.MarshalMap(envItem{
		PK: envPK(e.StoreID, e.ID), SK: skEnv, GSI1PK: projectPK(e.StoreID, e.ProjectID), GSI1SK: envGSI1SK(e),
		ID: e.ID, StoreID: e.StoreID, ProjectID: e.ProjectID, Name: e.Name, PromobAccountID: e.PromobAccountID,
		PromobProjectID: e.PromobProjectID, PromobEnvironmentID: e.PromobEnvironmentID, PromobRevision: e.PromobRevision,
		ImportStatus: e.ImportStatus, CreatedBy: e.CreatedBy, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		CreationStatus: e.Status, CreationReason: e.StatusReason,
	})
	if err != nil {
		return wrap("encode environment", err)
	}
	if e.PromobEnvironmentID == "" { // to be created in Promob: routed once it exists
		_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
		if isConditionFailed(err) {
			return domain.Conflict("Environment %s already exists.", e.ID)
		}
		return wrap("create environment", err)
	}
	route := map[string]types.AttributeValue{
		attrPK:          &types.AttributeValueMemberS{Value: promobEnvPK(e.PromobAccountID, e.PromobEnvironmentID)},
		attrSK:          &types.AttributeValueMemberS{Value: skPromobEnv},
		"storeId":       &types.AttributeValueMemberS{Value: e.StoreID},
		"environmentId": &types.AttributeValueMemberS{Value: e.ID},
	}
	putEnv := types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}}
	// The project must exist, and takes the Promob project when it has none.
	linkProject := types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(projectPK(e.StoreID, e.ProjectID), skProject),
		UpdateExpression:          aws.String("SET promobProjectId = if_not_exists(promobProjectId, :pp)"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pp": str(e.PromobProjectID)},
	}}
	noProject := domain.NotFound("No project %q.", e.ProjectID)
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		putEnv,
		{Put: &types.Put{TableName: &s.table, Item: route, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		linkProject,
	}})
	reasons := cancellationReasons(err)
	if reasons == nil {
		return wrap("create environment", err)
	}
	if reasons[2] == "ConditionalCheckFailed" {
		return noProject
	}
	conflict := domain.Conflict("Promob environment %s is already linked to an environment.", e.PromobEnvironmentID)
	retired, err := s.retiredRoute(ctx, e.PromobAccountID, e.PromobEnvironmentID, e.StoreID)
	if err != nil || retired == "" {
		return cmp.Or(err, error(conflict))
	}
	// The routing item is another store's, left from when it held the
	// account: replace it, as long as it and the account stay as read.
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		putEnv,
		{Put: &types.Put{TableName: &s.table, Item: route, ConditionExpression: aws.String("storeId = :old"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":old": str(retired)}}},
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: key(accountPK(e.PromobAccountID), skAccount),
			ConditionExpression: aws.String("storeId = :sid"), ExpressionAttributeValues: map[string]types.AttributeValue{":sid": str(e.StoreID)}}},
		linkProject,
	}})
	if reasons := cancellationReasons(err); reasons != nil {
		if reasons[3] == "ConditionalCheckFailed" {
			return noProject
		}
		return conflict
	}
	return wrap("create environment", err)
}

// promobRoute is a routing item: the store and environment a Promob
// environment of an account leads to.
type promobRoute struct {
	StoreID       string `dynamodbav:"storeId"`
	EnvironmentID string `dynamodbav:"environmentId"`
}

// retiredRoute returns the store of the Promob environment's routing item
// when that item is retired (its store no longer holds the account) and
// storeID holds the account now; "" otherwise.
func (s *Store) retiredRoute(ctx context.Context, accountID, promobEnvID, storeID string) (string, error) {
	var route promobRoute
	err := s.getExisting(ctx, promobEnvPK(accountID, promobEnvID), skPromobEnv, &route, "get Promob environment route", domain.NotFound("not linked"))
	if domain.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	acc, err := s.Account(ctx, accountID)
	if domain.IsNotFound(err) {
		return "", nil
	}
	if err != nil || acc.StoreID != storeID || route.StoreID == storeID {
		return "", err
	}
	return route.StoreID, nil
}

// Environment returns one of the store's environments, or a not_found *Error.
func (s *Store) Environment(ctx context.Context, storeID, id string) (domain.Environment, error) {
	var it envItem
	if err := s.getExisting(ctx, envPK(storeID, id), skEnv, &it, "get environment", noEnvironment(id)); err != nil {
		return domain.Environment{}, err
	}
	return it.domain(), nil
}

// noEnvironment is the not_found *Error of a missing environment.
func noEnvironment(id string) error { return domain.NotFound("No environment %q.", id) }

// EnvironmentByPromobID returns the environment linked to a Promob
// environment of the account, or a not_found *Error, also when the routing
// item is retired (its store no longer holds the account) or leads to an
// environment of another account.
func (s *Store) EnvironmentByPromobID(ctx context.Context, accountID, promobEnvID string) (domain.Environment, error) {
	notLinked := domain.NotFound("Promob environment %q is not linked.", promobEnvID)
	var route promobRoute
	if err := s.getExisting(ctx, promobEnvPK(accountID, promobEnvID), skPromobEnv, &route, "get Promob environment route", notLinked); err != nil {
		return domain.Environment{}, err
	}
	acc, err := s.Account(ctx, accountID)
	if domain.IsNotFound(err) || (err == nil && acc.StoreID != route.StoreID) {
		return domain.Environment{}, notLinked
	}
	if err != nil {
		return domain.Environment{}, err
	}
	env, err := s.Environment(ctx, route.StoreID, route.EnvironmentID)
	if err == nil && env.PromobAccountID != accountID {
		return domain.Environment{}, notLinked
	}
	return env, err
}
