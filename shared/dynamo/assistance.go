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

var _ domain.AssistanceStore = (*Store)(nil)

// Keys:
//
//	STORE#<sid>#ENV#<aid>     / ENV               the assistance: an environment item of kind "assistance"
//	                                              with the attributes of assistanceItem; GSI1: its project's
//	                                              partition under ASSIST#<createdAt>#<aid> (so the project's
//	                                              environments, read under ENV#, never include it)
//	STORE#<sid>#PROJECT#<pid> / ASSISTNO#<number> the project's assistance of that number (unique per project)
//
// Its versions, item chunks, manual items and Promob routing item are an
// environment's (see environment.go).
const (
	skAssistanceNumber = "ASSISTNO#"
	gsi1SKAssistance   = "ASSIST#"
)

type assistanceItem struct {
	envItem
	Number              string `dynamodbav:"assistanceNumber"`
	Description         string `dynamodbav:"assistanceDescription"`
	EnvironmentID       string `dynamodbav:"assistanceOf"`
	DesignSource        string `dynamodbav:"designSource,omitempty"`
	DesignSourceVersion int    `dynamodbav:"designSourceVersion,omitempty"`
	DesignSourceRev     int    `dynamodbav:"designSourceRevision,omitempty"`
	DesignSourceEnv     string `dynamodbav:"designSourceEnvironment,omitempty"`
	DesignAttempt       int    `dynamodbav:"designAttempt,omitempty"`
}

func (it assistanceItem) domain() domain.Assistance {
	env := it.envItem.domain()
	return domain.Assistance{
		ID: it.ID, StoreID: it.StoreID, ProjectID: it.ProjectID, EnvironmentID: it.EnvironmentID, Number: it.Number,
		Description: it.Description, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, Env: env,
		Design: domain.AssistanceDesign{
			Status: env.Status, StatusReason: env.StatusReason, Source: it.DesignSource, SourceVersion: it.DesignSourceVersion,
			SourceRevision: it.DesignSourceRev, PromobProjectID: env.PromobProjectID, PromobEnvironmentID: env.PromobEnvironmentID,
			SourcePromobEnvironmentID: it.DesignSourceEnv, Attempt: it.DesignAttempt,
		},
	}
}

// CreateAssistance stores a new assistance (design status none, named
// after its design, see domain.DesignName) in one transaction with its
// number's item: it fails with conflict when the project already has an
// assistance of that number or the id is taken.
func (s *Store) CreateAssistance(ctx context.Context, a domain.Assistance) error {
	e := a.Env
	av, err := attributevalue.MarshalMap(assistanceItem{
		envItem: envItem{
			PK: envPK(a.StoreID, a.ID), SK: skEnv, GSI1PK: projectPK(a.StoreID, a.ProjectID),
			GSI1SK: gsi1SKAssistance + a.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + a.ID,
			ID:     a.ID, StoreID: a.StoreID, ProjectID: a.ProjectID, Name: e.Name, Kind: domain.EnvKindAssistance,
			PromobAccountID: e.PromobAccountID, CreationStatus: domain.DesignNone, ImportStatus: domain.ImportNone,
			CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt, UpdatedAt: a.CreatedAt,
		},
		Number: a.Number, Description: a.Description, EnvironmentID: a.EnvironmentID,
	})
	if err != nil {
		return wrap("encode assistance", err)
	}
	number := map[string]types.AttributeValue{
		attrPK: str(projectPK(a.StoreID, a.ProjectID)), attrSK: str(skAssistanceNumber + a.Number), "assistanceId": str(a.ID),
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.table, Item: number, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if reasons := cancellationReasons(err); reasons != nil {
		if reasons[0] == "ConditionalCheckFailed" {
			return domain.Conflict("Project %s already has assistance number %s.", a.ProjectID, a.Number)
		}
		return domain.Conflict("Assistance %s already exists.", a.ID)
	}
	return wrap("create assistance", err)
}

// Assistance returns one of the store's assistances, or a not_found
// *Error (also for an id that names an environment).
func (s *Store) Assistance(ctx context.Context, storeID, id string) (domain.Assistance, error) {
	var it assistanceItem
	notFound := domain.NotFound("No assistance %q.", id)
	if err := s.getExisting(ctx, envPK(storeID, id), skEnv, &it, "get assistance", notFound); err != nil {
		return domain.Assistance{}, err
	}
	if it.Kind != domain.EnvKindAssistance {
		return domain.Assistance{}, notFound
	}
	return it.domain(), nil
}

// Assistances returns the project's assistances in creation order, read
// from GSI1 (eventually consistent: one created a moment ago may be missing
// for a moment).
func (s *Store) Assistances(ctx context.Context, storeID, projectID string) ([]domain.Assistance, error) {
	out := []domain.Assistance{}
	err := queryEach(ctx, s, &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String(indexGSI1),
		KeyConditionExpression: aws.String("GSI1PK = :pk AND begins_with(GSI1SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(projectPK(storeID, projectID)), ":sk": str(gsi1SKAssistance),
		},
	}, func(it assistanceItem) (bool, error) {
		out = append(out, it.domain())
		return true, nil
	})
	return out, wrap("query assistances", err)
}

// RequestDesign queues the assistance's design: its status becomes
// creating with the source and Promob project of d, and its attempt count
// grows by one (d.Attempt is not read). Unless the design was never
// requested or failed, it changes nothing and returns an error wrapping
// domain.ErrChanged (the use case answers the refusal); it fails with
// not_found for an assistance the store does not have.
func (s *Store) RequestDesign(ctx context.Context, storeID, id string, d domain.AssistanceDesign, now time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(envPK(storeID, id), skEnv),
		UpdateExpression: aws.String("SET creationStatus = :creating, creationReason = :empty, designSource = :src, " +
			"designSourceVersion = :v, designSourceRevision = :rev, designSourceEnvironment = :senv, promobProjectId = :pp, updatedAt = :now " +
			"ADD designAttempt :one"),
		ConditionExpression: aws.String("attribute_exists(PK) AND kind = :kind AND (creationStatus = :none OR creationStatus = :failed)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":creating": str(domain.EnvCreating), ":empty": str(""), ":src": str(d.Source), ":v": num(d.SourceVersion),
			":rev": num(d.SourceRevision), ":senv": str(d.SourcePromobEnvironmentID), ":pp": str(d.PromobProjectID),
			":now": stamp(now), ":one": num(1), ":kind": str(domain.EnvKindAssistance), ":none": str(domain.DesignNone), ":failed": str(domain.EnvFailed),
		},
	})
	if isConditionFailed(err) {
		if _, err := s.Assistance(ctx, storeID, id); err != nil {
			return err
		}
		return wrap("request design of assistance "+id, domain.ErrChanged)
	}
	return wrap("request design", err)
}
