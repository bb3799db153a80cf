package httpapi_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/shopspring/decimal"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// Callers besides those of server_test.go.
var (
	reviewer = &caller{"u3", "s1", "[reviewer]"}
	finance  = &caller{"u4", "s1", "[finance]"}
	noRoles  = &caller{"u5", "s1", "[]"}
	seller2  = &caller{"u8", "s2", "[seller]"}
)

// catalog is an API over a table that holds, for stores s1 and s2, a
// client, a project, an environment and a manual item each, plus a second
// environment of s1; dump reads the whole table, to show that a refused
// request wrote nothing.
type catalog struct {
	*api
	dump func() string

	client, project, env, env2, item string // s1's
	client2, project2, env9, item9   string // s2's
}

func newCatalog(t *testing.T) *catalog {
	t.Helper()
	check, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	db := miniclient.NewClient()
	table := dynamotest.CreateTable(t, db)
	store := dynamo.New(db, table)
	q := &recordingQueue{}
	c := &catalog{
		api: &api{t: t, store: store, imports: q, proxy: httpadapter.NewV2(httpapi.NewServer(store, q, q, time.Now, httpapi.WithPromobAccounts(&fakePromob{}))), check: check},
		dump: func() string {
			t.Helper()
			out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: &table})
			if err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, item := range out.Items {
				b, err := json.Marshal(item)
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, string(b))
			}
			slices.Sort(rows)
			return strings.Join(rows, "\n")
		},
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	seed := func(storeID string) (client, project, env, item string) {
		client, project, env, item = domain.NewID(), domain.NewID(), domain.NewID(), domain.NewID()
		must(t, store.CreateClient(ctx, domain.Client{ID: client, StoreID: storeID, Name: "Maria", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}))
		must(t, store.CreateProject(ctx, domain.Project{ID: project, StoreID: storeID, ClientID: client, Name: "Casa", CreatedBy: "u1", CreatedAt: now}))
		must(t, store.CreateEnvironment(ctx, environment(storeID, project, env, now)))
		must(t, addManual(ctx, store, storeID, env, domain.ManualItem{ID: item, Description: "Puxador", Reference: "PX",
			Quantity: decimal.NewFromInt(2), UnitPrice: decimal.RequireFromString("10.5"), CreatedBy: "u1", CreatedAt: now}))
		return client, project, env, item
	}
	c.client, c.project, c.env, c.item = seed("s1")
	c.client2, c.project2, c.env9, c.item9 = seed("s2")
	c.env2 = domain.NewID()
	must(t, store.CreateEnvironment(ctx, environment("s1", c.project, c.env2, now.Add(time.Minute))))
	return c
}

func environment(storeID, projectID, id string, created time.Time) domain.Environment {
	return domain.Environment{
		ID: id, StoreID: storeID, ProjectID: projectID, Name: "Cozinha", PromobAccountID: "acc-" + storeID,
		PromobProjectID: "pp-" + projectID, PromobEnvironmentID: "pe-" + id, PromobRevision: 2, ImportedRevision: 1, LatestVersion: 1,
		ImportStatus: domain.ImportImported, CreatedBy: "u1", CreatedAt: created, UpdatedAt: created,
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// refusal is a request the API must refuse without writing anything.
type refusal struct {
	name        string
	who         *caller
	method      string
	path        string // with {client}, {env}, {item}… standing for the fixture's ids
	contentType string
	body        string
	status      int
	code        string
}

func runRefusals(t *testing.T, tests []refusal) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newCatalog(t).refuse(t, tt)
		})
	}
}

// refuse makes the refused request and checks its status and code, and
// that the table did not change.
func (c *catalog) refuse(t *testing.T, tt refusal) {
	t.Helper()
	before := c.dump()
	status, body := c.do(tt.who, tt.method, c.expand(tt.path), tt.contentType, c.expand(tt.body))
	if status != tt.status || errCode(body) != tt.code {
		t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
	}
	if after := c.dump(); after != before {
		t.Fatalf("a refused request changed the table:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// expand replaces {client}, {client2}, {project}, {project2}, {env},
// {env2}, {env9}, {item} and {item9} in s by the fixture's ids.
func (c *catalog) expand(s string) string {
	return strings.NewReplacer("{client}", c.client, "{client2}", c.client2, "{project}", c.project, "{project2}", c.project2, "{env}", c.env,
		"{env2}", c.env2, "{env9}", c.env9, "{item}", c.item, "{item9}", c.item9).Replace(s)
}

// addManual adds a manual item to an environment that has no version yet,
// as the API does.
func addManual(ctx context.Context, s *dynamo.Store, storeID, envID string, it domain.ManualItem) error {
	env, err := s.Environment(ctx, storeID, envID)
	if err != nil {
		return err
	}
	return s.WriteManual(ctx, env, domain.ManualWrite{Put: &it, Create: true}, time.Now())
}
