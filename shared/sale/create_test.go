package sale_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
)

var (
	now    = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	seller = domain.Identity{StoreID: "s1", UserID: "u1", Roles: []domain.Role{domain.RoleSeller}}
)

// sent is one message a queue was given.
type sent struct {
	msg          map[string]any
	group, dedup string
}

// queue records what it is sent; with fail set it refuses every message.
type queue struct {
	sent []sent
	fail bool
}

func (q *queue) Send(_ context.Context, msg any, group, dedup string) error {
	if q.fail {
		return errors.New("queue unavailable")
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	q.sent = append(q.sent, sent{m, group, dedup})
	return nil
}

func (s *racingStore) SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error {
	s.race()
	return s.Store.SetClientSync(ctx, storeID, clientID, st)
}

func (s *racingStore) SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, at time.Time) error {
	s.race()
	return s.Store.SetEnvironmentCreation(ctx, storeID, envID, status, reason, at)
}

func (s *racingStore) RequestDesign(ctx context.Context, storeID, id string, d domain.AssistanceDesign, at time.Time) error {
	s.race()
	return s.Store.RequestDesign(ctx, storeID, id, d, at)
}

// fixture is a table on DynamoDB Local holding store s1's integration, a
// client, and a project with an environment; dump reads the whole table,
// to show that a refusal wrote nothing.
type fixture struct {
	store           *dynamo.Store
	racing          *racingStore
	outbox, imports *queue
	creation        sale.Creation
	dump            func() string
	table           string

	client, project, env string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := local.DynamoDB()
	table := dynamotest.CreateTable(t, db)
	store := dynamo.New(db, table)
	f := &fixture{store: store, racing: &racingStore{Store: store}, outbox: &queue{}, imports: &queue{}, table: table}
	f.creation = sale.Creation{Store: f.racing, Outbox: f.outbox, Imports: f.imports, Now: func() time.Time { return now }}
	f.dump = func() string {
		t.Helper()
		out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: &table})
		must(t, err)
		var rows []string
		for _, item := range out.Items {
			b, err := json.Marshal(item)
			must(t, err)
			rows = append(rows, string(b))
		}
		slices.Sort(rows)
		return strings.Join(rows, "\n")
	}
	ctx := context.Background()
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN-1"}}
	_, _, err := store.SaveIntegration(ctx, in, domain.NewWebhookSecret(), now)
	must(t, err)
	f.client, f.project, f.env = domain.NewID(), domain.NewID(), domain.NewID()
	must(t, store.CreateClient(ctx, domain.Client{ID: f.client, StoreID: "s1", Name: "Maria", Document: "52998224725",
		DocumentType: "cpf", CreatedAt: now, PromobSync: domain.PromobSync{Status: domain.SyncFailed, Reason: "Promob was down."}}))
	must(t, store.CreateProject(ctx, domain.Project{ID: f.project, StoreID: "s1", ClientID: f.client, Name: "Casa", CreatedBy: "u1", CreatedAt: now}))
	must(t, store.CreateEnvironment(ctx, domain.Environment{ID: f.env, StoreID: "s1", ProjectID: f.project, Name: "Cozinha",
		PromobAccountID: "acc-1", Status: domain.EnvFailed, StatusReason: "Promob was down.", ImportStatus: domain.ImportNone,
		CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}))
	return f
}

// ready makes the environment ready in Promob project pp-1.
func (f *fixture) ready(t *testing.T, envID string) {
	t.Helper()
	env, err := f.store.Environment(context.Background(), "s1", envID)
	must(t, err)
	must(t, f.store.EnvironmentCreated(context.Background(), env, "acc-1", "pp-1", "pe-"+envID, 1, now))
}

// refused checks that err is the *domain.Error of that code, and that the
// table is as before.
func (f *fixture) refused(t *testing.T, err error, code, before string) {
	t.Helper()
	if domain.ErrorCode(err) != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if after := f.dump(); after != before {
		t.Fatalf("a refusal changed the table:\nbefore %s\nafter  %s", before, after)
	}
}

// notQueued runs call with q refusing every message, and fails the test
// unless call returns an error.
func notQueued(t *testing.T, q *queue, call func() error) {
	t.Helper()
	q.fail = true
	err := call()
	q.fail = false
	if err == nil {
		t.Fatal("a send that failed succeeded")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCreateClient(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.creation.CreateClient(ctx, seller, domain.Client{Name: "João", Document: "52998224725", DocumentType: "cpf"})
	must(t, err)
	stored, err := f.store.Client(ctx, "s1", c.ID)
	must(t, err)
	if c.StoreID != "s1" || stored.PromobSync.Status != domain.SyncPending || stored.Name != "João" {
		t.Fatalf("client %+v, stored %+v", c, stored)
	}
	if len(f.outbox.sent) != 1 || f.outbox.sent[0].msg["kind"] != message.KindCustomerCreate || f.outbox.sent[0].msg["clientId"] != c.ID || f.outbox.sent[0].msg["userId"] != "u1" {
		t.Fatalf("sent %+v", f.outbox.sent)
	}

	t.Run("not queued", func(t *testing.T) {
		f.outbox.fail = true
		defer func() { f.outbox.fail = false }()
		c, err := f.creation.CreateClient(ctx, seller, domain.Client{Name: "Ana", Document: "52998224725", DocumentType: "cpf"})
		must(t, err)
		if c.PromobSync.Status != domain.SyncFailed || c.PromobSync.Reason != sale.Unqueued("sync the client again.") {
			t.Fatalf("client answered %+v, want its sync failed", c.PromobSync)
		}
	})
}

func TestSyncClient(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t.Run("allowed", func(t *testing.T) {
		c, err := f.creation.SyncClient(ctx, seller, f.client)
		must(t, err)
		stored, err := f.store.Client(ctx, "s1", f.client)
		must(t, err)
		if c.PromobSync.Status != domain.SyncPending || stored.PromobSync != c.PromobSync {
			t.Fatalf("answered %+v, stored %+v", c.PromobSync, stored.PromobSync)
		}
		if len(f.outbox.sent) != 1 || f.outbox.sent[0].msg["clientId"] != f.client {
			t.Fatalf("sent %+v", f.outbox.sent)
		}
	})
	t.Run("repeat is harmless", func(t *testing.T) {
		_, err := f.creation.SyncClient(ctx, seller, f.client)
		must(t, err)
	})
	t.Run("not queued", func(t *testing.T) {
		notQueued(t, f.outbox, func() error { _, err := f.creation.SyncClient(ctx, seller, f.client); return err })
		stored, err := f.store.Client(ctx, "s1", f.client)
		must(t, err)
		if stored.PromobSync.Status != domain.SyncFailed || stored.PromobSync.Reason != sale.Unqueued("sync the client again.") {
			t.Fatalf("stored %+v, want failed", stored.PromobSync)
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.SyncClient(ctx, seller, domain.NewID())
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("another store's client", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.SyncClient(ctx, domain.Identity{StoreID: "s2", UserID: "u9"}, f.client)
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("raced: synced between read and write", func(t *testing.T) {
		f.racing.before = func() {
			must(t, f.store.SetClientSync(ctx, "s1", f.client, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}))
		}
		defer func() { f.racing.before = nil }()
		n := len(f.outbox.sent)
		_, err := f.creation.SyncClient(ctx, seller, f.client)
		if domain.ErrorCode(err) != domain.CodeAlreadySynced || len(f.outbox.sent) != n {
			t.Fatalf("err = %v, sent %d more, want already_synced and none", err, len(f.outbox.sent)-n)
		}
	})
	t.Run("synced", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.SyncClient(ctx, seller, f.client)
		f.refused(t, err, domain.CodeAlreadySynced, before)
	})
}

func TestCreateEnvironment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t.Run("allowed", func(t *testing.T) {
		env, err := f.creation.CreateEnvironment(ctx, seller, f.project, "  Sala  ")
		must(t, err)
		stored, err := f.store.Environment(ctx, "s1", env.ID)
		must(t, err)
		if stored.Status != domain.EnvCreating || stored.Name != "Sala" || stored.PromobAccountID != "acc-1" || stored.CreatedBy != "u1" || stored.ProjectID != f.project {
			t.Fatalf("stored %+v", stored)
		}
		if len(f.outbox.sent) != 1 || f.outbox.sent[0].msg["kind"] != message.KindEnvironmentCreate || f.outbox.sent[0].msg["environmentId"] != env.ID || f.outbox.sent[0].msg["projectId"] != f.project {
			t.Fatalf("sent %+v", f.outbox.sent)
		}
	})
	t.Run("not queued", func(t *testing.T) {
		f.outbox.fail = true
		defer func() { f.outbox.fail = false }()
		env, err := f.creation.CreateEnvironment(ctx, seller, f.project, "Quarto")
		must(t, err)
		if env.Status != domain.EnvFailed || env.StatusReason != sale.Unqueued("retry the environment.") {
			t.Fatalf("answered %s (%s), want failed saying to retry", env.Status, env.StatusReason)
		}
	})
	t.Run("unknown project", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.CreateEnvironment(ctx, seller, domain.NewID(), "Sala")
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("no integration", func(t *testing.T) {
		must(t, f.store.CreateClient(ctx, domain.Client{ID: "c2", StoreID: "s2", Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}))
		must(t, f.store.CreateProject(ctx, domain.Project{ID: "p2", StoreID: "s2", ClientID: "c2", Name: "Casa", CreatedBy: "u9", CreatedAt: now}))
		before := f.dump()
		_, err := f.creation.CreateEnvironment(ctx, domain.Identity{StoreID: "s2", UserID: "u9"}, "p2", "Sala")
		f.refused(t, err, domain.CodeNotConfigured, before)
	})
}

func TestRetryEnvironment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t.Run("allowed", func(t *testing.T) {
		env, err := f.creation.RetryEnvironment(ctx, seller, f.env)
		must(t, err)
		stored, err := f.store.Environment(ctx, "s1", f.env)
		must(t, err)
		if env.Status != domain.EnvCreating || stored.Status != domain.EnvCreating || stored.StatusReason != "" {
			t.Fatalf("answered %s, stored %s (%s)", env.Status, stored.Status, stored.StatusReason)
		}
		if len(f.outbox.sent) != 1 || f.outbox.sent[0].msg["environmentId"] != f.env {
			t.Fatalf("sent %+v", f.outbox.sent)
		}
	})
	t.Run("repeat is harmless", func(t *testing.T) {
		_, err := f.creation.RetryEnvironment(ctx, seller, f.env)
		must(t, err)
	})
	t.Run("not queued", func(t *testing.T) {
		notQueued(t, f.outbox, func() error { _, err := f.creation.RetryEnvironment(ctx, seller, f.env); return err })
		stored, err := f.store.Environment(ctx, "s1", f.env)
		must(t, err)
		if stored.Status != domain.EnvFailed || stored.StatusReason != sale.Unqueued("retry the environment.") {
			t.Fatalf("stored %s (%s), want failed", stored.Status, stored.StatusReason)
		}
	})
	t.Run("unknown environment", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.RetryEnvironment(ctx, seller, domain.NewID())
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("an assistance is not an environment", func(t *testing.T) {
		a := openAssistance(t, f, "7")
		before := f.dump()
		_, err := f.creation.RetryEnvironment(ctx, seller, a.ID)
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("raced: ready between read and write", func(t *testing.T) {
		env, err := f.creation.CreateEnvironment(ctx, seller, f.project, "Varanda")
		must(t, err)
		f.racing.before = func() { f.ready(t, env.ID) }
		defer func() { f.racing.before = nil }()
		n := len(f.outbox.sent)
		_, err = f.creation.RetryEnvironment(ctx, seller, env.ID)
		if domain.ErrorCode(err) != domain.CodeAlreadySynced || len(f.outbox.sent) != n {
			t.Fatalf("err = %v, sent %d more, want already_synced and none", err, len(f.outbox.sent)-n)
		}
	})
	t.Run("ready", func(t *testing.T) {
		f.ready(t, f.env)
		before := f.dump()
		_, err := f.creation.RetryEnvironment(ctx, seller, f.env)
		f.refused(t, err, domain.CodeAlreadySynced, before)
	})
}

func TestLinkEnvironment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := domain.Environment{PromobProjectID: "pp-9", PromobEnvironmentID: "pe-9", Name: "Cozinha antiga"}
	t.Run("allowed", func(t *testing.T) {
		env, err := f.creation.LinkEnvironment(ctx, seller, f.project, in)
		must(t, err)
		stored, err := f.store.Environment(ctx, "s1", env.ID)
		must(t, err)
		if stored.Status != domain.EnvReady || stored.ImportStatus != domain.ImportPending || stored.PromobEnvironmentID != "pe-9" || stored.PromobProjectID != "pp-9" {
			t.Fatalf("stored %+v", stored)
		}
		routed, err := f.store.EnvironmentByPromobID(ctx, "acc-1", "pe-9")
		must(t, err)
		if routed.ID != env.ID {
			t.Fatalf("Promob environment routed to %s, want %s", routed.ID, env.ID)
		}
		if len(f.imports.sent) != 1 {
			t.Fatalf("imports sent %+v", f.imports.sent)
		}
		s := f.imports.sent[0]
		if s.msg["kind"] != message.KindUpdate || s.msg["environmentId"] != env.ID || s.msg["userId"] != "u1" || s.group != message.ImportGroup("acc-1", "pe-9") || !strings.HasPrefix(s.dedup, "update:"+env.ID+":") {
			t.Fatalf("import sent %+v", s)
		}
	})
	t.Run("a Promob environment already linked", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.LinkEnvironment(ctx, seller, f.project, in)
		f.refused(t, err, domain.CodeConflict, before)
	})
	t.Run("unknown project", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.LinkEnvironment(ctx, seller, domain.NewID(), domain.Environment{PromobProjectID: "pp-9", PromobEnvironmentID: "pe-10", Name: "X"})
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("not queued", func(t *testing.T) {
		f.imports.fail = true
		defer func() { f.imports.fail = false }()
		env, err := f.creation.LinkEnvironment(ctx, seller, f.project, domain.Environment{PromobProjectID: "pp-9", PromobEnvironmentID: "pe-11", Name: "Sala"})
		must(t, err)
		if env.ImportStatus != domain.ImportFailed || env.ImportError != sale.Unqueued("update the environment again.") {
			t.Fatalf("answered import %s (%s), want failed", env.ImportStatus, env.ImportError)
		}
	})
}

// openAssistance opens an assistance of the fixture's environment.
func openAssistance(t *testing.T, f *fixture, number string) domain.Assistance {
	t.Helper()
	a, err := f.creation.CreateAssistance(context.Background(), seller, domain.Assistance{ProjectID: f.project, EnvironmentID: f.env, Number: number, Description: "Porta riscada"})
	must(t, err)
	return a
}

func TestCreateAssistance(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := openAssistance(t, f, "42")
	stored, err := f.store.Assistance(ctx, "s1", a.ID)
	must(t, err)
	if stored.Design.Status != domain.DesignNone || stored.Env.Name != domain.DesignName("Cozinha", "42") || stored.CreatedBy != "u1" || a.ID != stored.ID {
		t.Fatalf("stored %+v", stored)
	}
	other, err := f.creation.CreateEnvironment(ctx, seller, f.project, "Sala")
	must(t, err)
	must(t, f.store.CreateProject(ctx, domain.Project{ID: "p3", StoreID: "s1", ClientID: f.client, Name: "Outra", CreatedBy: "u1", CreatedAt: now}))
	for _, tc := range []struct {
		name string
		in   domain.Assistance
		code string
	}{
		{"number taken", domain.Assistance{ProjectID: f.project, EnvironmentID: f.env, Number: "42", Description: "x"}, domain.CodeConflict},
		{"unknown project", domain.Assistance{ProjectID: domain.NewID(), EnvironmentID: f.env, Number: "43", Description: "x"}, domain.CodeNotFound},
		{"unknown environment", domain.Assistance{ProjectID: f.project, EnvironmentID: domain.NewID(), Number: "43", Description: "x"}, domain.CodeNotFound},
		{"an assistance is not an environment", domain.Assistance{ProjectID: f.project, EnvironmentID: a.ID, Number: "43", Description: "x"}, domain.CodeNotFound},
		{"environment of another project", domain.Assistance{ProjectID: "p3", EnvironmentID: other.ID, Number: "43", Description: "x"}, domain.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.dump()
			_, err := f.creation.CreateAssistance(ctx, seller, tc.in)
			f.refused(t, err, tc.code, before)
		})
	}
}

func TestRequestDesign(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := openAssistance(t, f, "42")
	t.Run("environment not in Promob", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.RequestDesign(ctx, seller, a.ID, domain.DesignBlank, 0)
		f.refused(t, err, domain.CodeConflict, before)
	})
	f.ready(t, f.env)
	t.Run("revision without a converted version", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.RequestDesign(ctx, seller, a.ID, domain.DesignRevision, 0)
		f.refused(t, err, domain.CodeConflict, before)
	})
	t.Run("revision of a version the environment does not have", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.RequestDesign(ctx, seller, a.ID, domain.DesignRevision, 3)
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("unknown assistance", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.RequestDesign(ctx, seller, f.env, domain.DesignBlank, 0)
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("allowed", func(t *testing.T) {
		got, err := f.creation.RequestDesign(ctx, seller, a.ID, domain.DesignBlank, 0)
		must(t, err)
		stored, err := f.store.Assistance(ctx, "s1", a.ID)
		must(t, err)
		if got.Design.Status != domain.EnvCreating || stored.Design.Status != domain.EnvCreating || stored.Design.PromobProjectID != "pp-1" || stored.Design.Attempt != 1 {
			t.Fatalf("answered %+v, stored %+v", got.Design, stored.Design)
		}
		if len(f.outbox.sent) != 1 || f.outbox.sent[0].msg["kind"] != message.KindAssistanceDesign || f.outbox.sent[0].msg["assistanceId"] != a.ID {
			t.Fatalf("sent %+v", f.outbox.sent)
		}
	})
	t.Run("already requested", func(t *testing.T) {
		before := f.dump()
		_, err := f.creation.RequestDesign(ctx, seller, a.ID, domain.DesignBlank, 0)
		f.refused(t, err, domain.CodeConflict, before)
	})
	t.Run("not queued", func(t *testing.T) {
		b := openAssistance(t, f, "43")
		notQueued(t, f.outbox, func() error { _, err := f.creation.RequestDesign(ctx, seller, b.ID, domain.DesignBlank, 0); return err })
		stored, err := f.store.Assistance(ctx, "s1", b.ID)
		must(t, err)
		if stored.Design.Status != domain.EnvFailed || stored.Design.StatusReason != sale.Unqueued("request the design again.") {
			t.Fatalf("stored %+v, want failed", stored.Design)
		}
		if _, err := f.creation.RequestDesign(ctx, seller, b.ID, domain.DesignBlank, 0); err != nil {
			t.Fatalf("asking again after a failure: %v", err)
		}
	})
	t.Run("raced: requested between read and write", func(t *testing.T) {
		c := openAssistance(t, f, "44")
		f.racing.before = func() {
			must(t, f.store.RequestDesign(ctx, "s1", c.ID, domain.AssistanceDesign{Source: domain.DesignBlank, PromobProjectID: "pp-1"}, now))
		}
		defer func() { f.racing.before = nil }()
		n := len(f.outbox.sent)
		_, err := f.creation.RequestDesign(ctx, seller, c.ID, domain.DesignBlank, 0)
		if domain.ErrorCode(err) != domain.CodeConflict || len(f.outbox.sent) != n {
			t.Fatalf("err = %v, sent %d more, want conflict and none", err, len(f.outbox.sent)-n)
		}
		stored, err := f.store.Assistance(ctx, "s1", c.ID)
		must(t, err)
		if stored.Design.Attempt != 1 {
			t.Fatalf("attempt %d, want the racing request's only", stored.Design.Attempt)
		}
	})
}
