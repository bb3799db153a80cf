package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func testClient(storeID, id string) domain.Client {
	return domain.Client{ID: id, StoreID: storeID, Name: "Maria", Document: "52998224725", DocumentType: "cpf", Email: "maria@example.com", CreatedAt: t0,
		PromobSync: domain.PromobSync{Status: domain.SyncPending}}
}

func testEnvironment(storeID, projectID, id string, created time.Time) domain.Environment {
	return domain.Environment{
		ID: id, StoreID: storeID, ProjectID: projectID, Name: "Cozinha " + id, PromobAccountID: "acc-" + storeID,
		PromobProjectID: "pp-" + projectID, PromobEnvironmentID: "pe-" + id, PromobRevision: 1,
		ImportStatus: domain.ImportPending, CreatedBy: "u1", CreatedAt: created, UpdatedAt: created,
	}
}

func TestClients(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			c := testClient("s1", "c1")
			if err := s.CreateClient(ctx, c); err != nil {
				t.Fatal(err)
			}
			got, err := s.Client(ctx, "s1", "c1")
			if err != nil || got != c {
				t.Fatalf("Client = %+v, %v; want %+v", got, err, c)
			}
			if err := s.CreateClient(ctx, c); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("creating c1 twice: %v", err)
			}
			if _, err := s.Client(ctx, "s2", "c1"); !domain.IsNotFound(err) {
				t.Fatalf("another store's client: %v", err)
			}
			if _, err := s.Client(ctx, "s1", "c2"); !domain.IsNotFound(err) {
				t.Fatalf("missing client: %v", err)
			}
		})
	}
}

func TestProjects(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			if err := s.CreateClient(ctx, testClient("s1", "c1")); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateClient(ctx, testClient("s2", "c9")); err != nil {
				t.Fatal(err)
			}
			p := domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Apartamento", CreatedBy: "u1", CreatedAt: t0}
			if err := s.CreateProject(ctx, p); err != nil {
				t.Fatal(err)
			}
			got, err := s.Project(ctx, "s1", "p1")
			if err != nil || got.Name != "Apartamento" || got.ClientID != "c1" || got.CreatedBy != "u1" || !got.CreatedAt.Equal(t0) ||
				got.Environments == nil || len(got.Environments) != 0 {
				t.Fatalf("Project without environments = %+v, %v", got, err)
			}

			// Environments come back in creation order, whatever order their ids have.
			for i, id := range []string{"e3", "e1", "e2"} {
				if err := s.CreateEnvironment(ctx, testEnvironment("s1", "p1", id, t0.Add(time.Duration(i)*time.Minute))); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.CreateProject(ctx, domain.Project{ID: "p2", StoreID: "s1", ClientID: "c1", Name: "Casa", CreatedBy: "u1", CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateEnvironment(ctx, testEnvironment("s1", "p2", "e4", t0)); err != nil {
				t.Fatal(err)
			}
			got, err = s.Project(ctx, "s1", "p1")
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range got.Environments {
				ids = append(ids, e.ID)
				if e.ProjectID != "p1" || e.StoreID != "s1" || e.PromobEnvironmentID != "pe-"+e.ID {
					t.Errorf("environment %+v", e)
				}
			}
			if strings.Join(ids, ",") != "e3,e1,e2" || got.ID != "p1" {
				t.Fatalf("project %s environments = %v, want e3,e1,e2", got.ID, ids)
			}

			refusals := []struct {
				name string
				p    domain.Project
				code string
			}{
				{"unknown client", domain.Project{ID: "p3", StoreID: "s1", ClientID: "nobody", Name: "X", CreatedAt: t0}, domain.CodeNotFound},
				{"another store's client", domain.Project{ID: "p3", StoreID: "s1", ClientID: "c9", Name: "X", CreatedAt: t0}, domain.CodeNotFound},
				{"taken id", domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "X", CreatedAt: t0}, domain.CodeConflict},
			}
			for _, tt := range refusals {
				err := s.CreateProject(ctx, tt.p)
				if domain.ErrorCode(err) != tt.code {
					t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
				}
				if tt.code == domain.CodeNotFound && !strings.Contains(domain.ErrorMessage(err), tt.p.ClientID) {
					t.Errorf("%s: message %q does not name the client", tt.name, domain.ErrorMessage(err))
				}
			}
			if _, err := s.Project(ctx, "s1", "p3"); !domain.IsNotFound(err) {
				t.Fatalf("a refused project was written: %v", err)
			}
			if got, err := s.Project(ctx, "s1", "p1"); err != nil || got.Name != "Apartamento" {
				t.Fatalf("a refused project changed p1: %+v, %v", got, err)
			}
			if _, err := s.Project(ctx, "s2", "p1"); !domain.IsNotFound(err) {
				t.Fatalf("another store's project: %v", err)
			}
		})
	}
}

// laggingIndex plays an index that has not caught up yet: its queries of
// GSI1 find nothing.
type laggingIndex struct{ *miniclient.Client }

func (c laggingIndex) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if in.IndexName != nil && *in.IndexName == "GSI1" {
		return &dynamodb.QueryOutput{}, nil
	}
	return c.Client.Query(ctx, in, opts...)
}

func TestProjectBeforeIndexCatchesUp(t *testing.T) {
	ctx := context.Background()
	c := miniclient.NewClient()
	table := dynamotest.CreateTable(t, c)
	s := dynamo.New(c, table)
	if err := s.CreateClient(ctx, testClient("s1", "c1")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Novo", CreatedBy: "u1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	lagging := dynamo.New(laggingIndex{c}, table)
	got, err := lagging.Project(ctx, "s1", "p1")
	if err != nil || got.Name != "Novo" || got.Environments == nil {
		t.Fatalf("a project the index has not seen yet = %+v, %v", got, err)
	}
	if _, err := lagging.Project(ctx, "s1", "p2"); !domain.IsNotFound(err) {
		t.Fatalf("missing project: %v", err)
	}
}
