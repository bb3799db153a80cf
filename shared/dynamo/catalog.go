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
)

var _ domain.CatalogStore = (*Store)(nil)

// Keys:
//
//	STORE#<sid>               / CLIENT#<id>   a client
//	STORE#<sid>#PROJECT#<pid> / PROJECT       a project; GSI1: (its own PK, #PROJECT)
//
// A project and its environments share the GSI1 partition
// STORE#<sid>#PROJECT#<pid>: the project sorts first (#PROJECT), then its
// environments in creation order (ENV#<createdAt>#<eid>, see envGSI1SK), so
// one Query of GSI1 reads them all.
const (
	skClient      = "CLIENT#"
	skProject     = "PROJECT"
	gsi1SKProject = "#PROJECT"
	gsi1SKEnv     = "ENV#"
	indexGSI1     = "GSI1"
)

type clientItem struct {
	PK           string    `dynamodbav:"PK"`
	SK           string    `dynamodbav:"SK"`
	ID           string    `dynamodbav:"id"`
	StoreID      string    `dynamodbav:"storeId"`
	Name         string    `dynamodbav:"name"`
	Document     string    `dynamodbav:"document"`
	DocumentType string    `dynamodbav:"documentType"`
	Email        string    `dynamodbav:"email,omitempty"`
	Phone        string    `dynamodbav:"phone,omitempty"`
	CreatedAt    time.Time `dynamodbav:"createdAt"`
	SyncStatus   string    `dynamodbav:"promobSyncStatus"`
	CustomerID   string    `dynamodbav:"promobCustomerId,omitempty"`
	SyncReason   string    `dynamodbav:"promobSyncReason,omitempty"`
}

func (it clientItem) domain() domain.Client {
	c := domain.Client{ID: it.ID, StoreID: it.StoreID, Name: it.Name, Document: it.Document, DocumentType: it.DocumentType,
		Email: it.Email, Phone: it.Phone, CreatedAt: it.CreatedAt,
		PromobSync: domain.PromobSync{Status: it.SyncStatus, PromobCustomerID: it.CustomerID, Reason: it.SyncReason}}
	if c.PromobSync.Status == "" {
		c.PromobSync.Status = domain.SyncPending
	}
	return c
}

type projectItem struct {
	PK              string     `dynamodbav:"PK"`
	SK              string     `dynamodbav:"SK"`
	GSI1PK          string     `dynamodbav:"GSI1PK"`
	GSI1SK          string     `dynamodbav:"GSI1SK"`
	ID              string     `dynamodbav:"id"`
	StoreID         string     `dynamodbav:"storeId"`
	ClientID        string     `dynamodbav:"clientId"`
	Name            string     `dynamodbav:"name"`
	CreatedBy       string     `dynamodbav:"createdBy"`
	CreatedAt       time.Time  `dynamodbav:"createdAt"`
	PromobProjectID string     `dynamodbav:"promobProjectId,omitempty"`
	ReleasedAt      *time.Time `dynamodbav:"financiallyReleasedAt,omitempty"`
	ReleasedBy      string     `dynamodbav:"financiallyReleasedBy,omitempty"`

	Connect *domain.ConnectDelivery `dynamodbav:"connect,omitempty"`
}

func (it projectItem) domain() domain.Project {
	return domain.Project{ID: it.ID, StoreID: it.StoreID, ClientID: it.ClientID, Name: it.Name, CreatedBy: it.CreatedBy,
		CreatedAt: it.CreatedAt, PromobProjectID: it.PromobProjectID, FinanciallyReleasedAt: it.ReleasedAt,
		FinanciallyReleasedBy: it.ReleasedBy, Environments: []domain.Environment{}, Connect: it.Connect}
}

// CreateClient stores a new client; it fails with conflict when the id is
// taken.
func (s *Store) CreateClient(ctx context.Context, c domain.Client) error {
	av, err := attributevalue.MarshalMap(clientItem{
		PK: storePK(c.StoreID), SK: skClient + c.ID, ID: c.ID, StoreID: c.StoreID, Name: c.Name, Document: c.Document,
		DocumentType: c.DocumentType, Email: c.Email, Phone: c.Phone, CreatedAt: c.CreatedAt,
		SyncStatus: c.PromobSync.Status, CustomerID: c.PromobSync.PromobCustomerID, SyncReason: c.PromobSync.Reason,
	})
	if err != nil {
		return wrap("encode client", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if isConditionFailed(err) {
		return domain.Errorf(domain.CodeConflict, "Client %s already exists.", c.ID)
	}
	return wrap("create client", err)
}

// Client returns one of the store's clients, or a not_found *Error.
func (s *Store) Client(ctx context.Context, storeID, id string) (domain.Client, error) {
	var it clientItem
	if err := s.getExisting(ctx, storePK(storeID), skClient+id, &it, "get client", domain.Errorf(domain.CodeNotFound, "No client %q.", id)); err != nil {
		return domain.Client{}, err
	}
	return it.domain(), nil
}

// CreateProject stores a new project in one transaction with a check that
// its client is one of the store's: it fails with not_found naming the
// client when it is not, and with conflict when the project id is taken.
func (s *Store) CreateProject(ctx context.Context, p domain.Project) error {
	pk := projectPK(p.StoreID, p.ID)
	av, err := attributevalue.MarshalMap(projectItem{
		PK: pk, SK: skProject, GSI1PK: pk, GSI1SK: gsi1SKProject, ID: p.ID, StoreID: p.StoreID, ClientID: p.ClientID,
		Name: p.Name, CreatedBy: p.CreatedBy, CreatedAt: p.CreatedAt, PromobProjectID: p.PromobProjectID,
	})
	if err != nil {
		return wrap("encode project", err)
	}
	_, err = s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: key(storePK(p.StoreID), skClient+p.ClientID), ConditionExpression: aws.String("attribute_exists(PK)")}},
		{Put: &types.Put{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
	}})
	if reasons := cancellationReasons(err); reasons != nil {
		if reasons[0] == "ConditionalCheckFailed" {
			return domain.Errorf(domain.CodeNotFound, "No client %q.", p.ClientID)
		}
		return domain.Errorf(domain.CodeConflict, "Project %s already exists.", p.ID)
	}
	return wrap("create project", err)
}

// Project returns one of the store's projects with its environments in
// creation order, or a not_found *Error. It reads both with one Query of
// GSI1, which is eventually consistent: an environment created a moment ago
// may be missing for a moment. When that Query misses the project itself
// (just created), the project is read from the table, consistently.
func (s *Store) Project(ctx context.Context, storeID, id string) (domain.Project, error) {
	var (
		p     domain.Project
		found bool
		envs  = []domain.Environment{}
	)
	err := s.queryPages(ctx, &dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String(indexGSI1),
		KeyConditionExpression:    aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: projectPK(storeID, id)}},
	}, func(page *dynamodb.QueryOutput) (bool, error) {
		for _, item := range page.Items {
			var sk string
			if v, ok := item[attrGSI1SK].(*types.AttributeValueMemberS); ok {
				sk = v.Value
			}
			switch {
			case sk == gsi1SKProject:
				var it projectItem
				if err := attributevalue.UnmarshalMap(item, &it); err != nil {
					return false, err
				}
				p, found = it.domain(), true
			case strings.HasPrefix(sk, gsi1SKEnv):
				var it envItem
				if err := attributevalue.UnmarshalMap(item, &it); err != nil {
					return false, err
				}
				envs = append(envs, it.domain())
			}
		}
		return true, nil
	})
	if err != nil {
		return domain.Project{}, wrap("query project", err)
	}
	if !found {
		if p, err = s.projectItem(ctx, storeID, id); err != nil {
			return domain.Project{}, err
		}
	}
	p.Environments = envs
	return p, nil
}

// projectItem reads the project alone from the table, consistently.
func (s *Store) projectItem(ctx context.Context, storeID, id string) (domain.Project, error) {
	var it projectItem
	if err := s.getExisting(ctx, projectPK(storeID, id), skProject, &it, "get project", domain.Errorf(domain.CodeNotFound, "No project %q.", id)); err != nil {
		return domain.Project{}, err
	}
	return it.domain(), nil
}
