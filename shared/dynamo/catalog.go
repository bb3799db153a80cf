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
	"github.com/foccolojas/promob-integration/shared/page"
)

var _ domain.CatalogStore = (*Store)(nil)

// Keys:
//
//	STORE#<sid>               / CLIENT#<id>   a client; ids sort by creation, so a descending Query is newest first
//	STORE#<sid>#PROJECT#<pid> / PROJECT       a project; GSI1: (its own PK, #PROJECT);
//	                                          GSI2: (STORE#<sid>#PROJECTS, <lastActivityAt>#<pid>);
//	                                          GSI3: (STORE#<sid>#CLIENT#<cid>#PROJECTS, the same GSI2SK)
//
// A project and its environments share the GSI1 partition
// STORE#<sid>#PROJECT#<pid>: the project sorts first (#PROJECT), then its
// environments in creation order (ENV#<createdAt>#<eid>, see envGSI1SK), so
// one Query of GSI1 reads them all. GSI2 lists the store's projects and
// GSI3 a client's, both by last activity (a descending Query is newest
// activity first); every step that moves a project rewrites its GSI2SK.
// A client's searchText (its folded name, then its document's digits) is
// what a search of the store's clients matches.
const (
	skClient      = "CLIENT#"
	skProject     = "PROJECT"
	gsi1SKProject = "#PROJECT"
	gsi1SKEnv     = "ENV#"
	indexGSI1     = "GSI1"
	indexGSI2     = "GSI2"
	indexGSI3     = "GSI3"
	attrGSI2PK    = "GSI2PK"
	attrGSI2SK    = "GSI2SK"
	attrGSI3PK    = "GSI3PK"
)

func storeProjectsPK(storeID string) string { return storePK(storeID) + "#PROJECTS" }
func clientProjectsPK(storeID, clientID string) string {
	return storePK(storeID) + "#CLIENT#" + clientID + "#PROJECTS"
}

// activitySK orders projects by their last activity: a fixed-width UTC
// time (so that text order is time order), then the project id.
func activitySK(at time.Time, projectID string) string {
	return at.UTC().Format("2006-01-02T15:04:05.000000000Z") + "#" + projectID
}

// clientSearchText is what a search of clients matches: the folded name,
// then the document's digits.
func clientSearchText(c domain.Client) string {
	return domain.SearchText(c.Name) + "|" + domain.Digits(c.Document)
}

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
	SearchText   string    `dynamodbav:"searchText"`
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

	Connect    *domain.ConnectDelivery `dynamodbav:"connect,omitempty"`
	GSI2PK     string                  `dynamodbav:"GSI2PK"`
	GSI2SK     string                  `dynamodbav:"GSI2SK"`
	GSI3PK     string                  `dynamodbav:"GSI3PK"`
	ActivityAt time.Time               `dynamodbav:"lastActivityAt"`
	// When the project first reached each stage (see projectStep).
	ConvertedAt *time.Time `dynamodbav:"convertedAt,omitempty"`
	InReviewAt  *time.Time `dynamodbav:"inReviewAt,omitempty"`
	LockedAt    *time.Time `dynamodbav:"lockedAt,omitempty"`
}

func (it projectItem) domain() domain.Project {
	p := domain.Project{ID: it.ID, StoreID: it.StoreID, ClientID: it.ClientID, Name: it.Name, CreatedBy: it.CreatedBy,
		CreatedAt: it.CreatedAt, PromobProjectID: it.PromobProjectID, FinanciallyReleasedAt: it.ReleasedAt,
		FinanciallyReleasedBy: it.ReleasedBy, State: domain.ProjectOpen, LastActivityAt: it.ActivityAt,
		Environments: []domain.Environment{}, Connect: it.Connect}
	switch {
	case it.LockedAt != nil:
		p.State = domain.ProjectLocked
	case it.InReviewAt != nil:
		p.State = domain.ProjectInReview
	case it.ConvertedAt != nil:
		p.State = domain.ProjectConverted
	}
	if p.LastActivityAt.IsZero() {
		p.LastActivityAt = p.CreatedAt
	}
	return p
}

// stageAttrs are the project attributes that mark each stage, and the
// filter that selects the projects whose furthest stage is that one.
var stageAttrs = map[string]string{
	domain.ProjectConverted: "convertedAt",
	domain.ProjectInReview:  "inReviewAt",
	domain.ProjectLocked:    "lockedAt",
}

var stageFilters = map[string]string{
	domain.ProjectOpen:      "attribute_not_exists(convertedAt) AND attribute_not_exists(inReviewAt) AND attribute_not_exists(lockedAt)",
	domain.ProjectConverted: "attribute_exists(convertedAt) AND attribute_not_exists(inReviewAt) AND attribute_not_exists(lockedAt)",
	domain.ProjectInReview:  "attribute_exists(inReviewAt) AND attribute_not_exists(lockedAt)",
	domain.ProjectLocked:    "attribute_exists(lockedAt)",
}

// projectStep is the update, within a workflow transaction, that records
// a project's activity at now and, when stage is not "", the first time
// it reached that stage. condition, when not "", is added to the project's
// existence as the update's condition.
func (s *Store) projectStep(storeID, projectID, stage string, now time.Time, condition string) *types.Update {
	expr := "SET lastActivityAt = :act, GSI2SK = :actsk"
	vals := map[string]types.AttributeValue{":act": stamp(now), ":actsk": str(activitySK(now, projectID))}
	if a := stageAttrs[stage]; a != "" {
		expr += ", " + a + " = if_not_exists(" + a + ", :act)"
	}
	cond := "attribute_exists(PK)"
	if condition != "" {
		cond += " AND " + condition
	}
	return &types.Update{
		TableName: &s.table, Key: key(projectPK(storeID, projectID), skProject),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeValues: vals,
	}
}

// CreateClient stores a new client; it fails with conflict when the id is
// taken.
func (s *Store) CreateClient(ctx context.Context, c domain.Client) error {
	av, err := attributevalue.MarshalMap(clientItem{
		PK: storePK(c.StoreID), SK: skClient + c.ID, ID: c.ID, StoreID: c.StoreID, Name: c.Name, Document: c.Document,
		DocumentType: c.DocumentType, Email: c.Email, Phone: c.Phone, CreatedAt: c.CreatedAt,
		SyncStatus: c.PromobSync.Status, CustomerID: c.PromobSync.PromobCustomerID, SyncReason: c.PromobSync.Reason,
		SearchText: clientSearchText(c),
	})
	if err != nil {
		return wrap("encode client", err)
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")})
	if isConditionFailed(err) {
		return domain.Conflict("Client %s already exists.", c.ID)
	}
	return wrap("create client", err)
}

// Client returns one of the store's clients, or a not_found *Error.
func (s *Store) Client(ctx context.Context, storeID, id string) (domain.Client, error) {
	var it clientItem
	if err := s.getExisting(ctx, storePK(storeID), skClient+id, &it, "get client", domain.NotFound("No client %q.", id)); err != nil {
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
		GSI2PK: storeProjectsPK(p.StoreID), GSI2SK: activitySK(p.CreatedAt, p.ID), GSI3PK: clientProjectsPK(p.StoreID, p.ClientID),
		ActivityAt: p.CreatedAt,
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
			return domain.NotFound("No client %q.", p.ClientID)
		}
		return domain.Conflict("Project %s already exists.", p.ID)
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
	if err := s.getExisting(ctx, projectPK(storeID, id), skProject, &it, "get project", domain.NotFound("No project %q.", id)); err != nil {
		return domain.Project{}, err
	}
	return it.domain(), nil
}

// Clients returns a page of the store's clients, newest first; when query
// is not "", only those whose name contains it (case and accents aside) or
// whose document's digits contain its digits. It reads the store's
// partition with a Query (a search filters it, reading on until the page
// is full or the clients end). A cursor of another list is an
// invalid_request *Error.
func (s *Store) Clients(ctx context.Context, storeID, query string, req page.Request) (page.Page[domain.Client], error) {
	pk := storePK(storeID)
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :sk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk), ":sk": str(skClient)},
		ScanIndexForward:          aws.Bool(false),
	}
	if q := domain.SearchText(query); q != "" {
		// A document, punctuated or not, is matched by its digits after the
		// name's separator; anything else by the folded name.
		if d := domain.Digits(q); d != "" && strings.Trim(q, "0123456789.-/ ") == "" {
			q = "|" + d
		}
		in.FilterExpression = aws.String("contains(searchText, :q)")
		in.ExpressionAttributeValues[":q"] = str(q)
	}
	return queryPageOf(ctx, s, in, req, clientItem.domain, "clients", attrPK, pk, attrPK, attrSK)
}

// Projects returns a page of the store's projects (of one client when
// f.ClientID is set; in one state when f.State is), newest activity first,
// without their environments. It queries GSI2 (GSI3 for a client), which
// is eventually consistent; a state filters the query. A cursor of another
// list is an invalid_request *Error.
func (s *Store) Projects(ctx context.Context, storeID string, f domain.ProjectFilter, req page.Request) (page.Page[domain.Project], error) {
	if err := f.Validate(); err != nil {
		return page.Page[domain.Project]{}, err
	}
	index, partAttr, pk := indexGSI2, attrGSI2PK, storeProjectsPK(storeID)
	if f.ClientID != "" {
		index, partAttr, pk = indexGSI3, attrGSI3PK, clientProjectsPK(storeID, f.ClientID)
	}
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		IndexName:                 aws.String(index),
		KeyConditionExpression:    aws.String(partAttr + " = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		ScanIndexForward:          aws.Bool(false),
	}
	if f.State != "" {
		in.FilterExpression = aws.String(stageFilters[f.State])
	}
	return queryPageOf(ctx, s, in, req, func(it projectItem) domain.Project {
		p := it.domain()
		p.Environments = nil
		return p
	}, "projects", partAttr, pk, attrPK, attrSK, partAttr, attrGSI2SK)
}
