package sale_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
	"github.com/shopspring/decimal"
)

// wfFixture is the sale's workflow over a fresh table on DynamoDB Local that
// holds store s1's integration (Connect situation "Fechado", stage
// "Produção"), client c1, project p1 and environment e1 with version 1
// (Promob revision 1) imported.
type wfFixture struct {
	t      *testing.T
	store  *dynamo.Store
	races  *racingStore
	outbox *wfQueue
	wf     sale.Workflow
	db     *dynamodb.Client
	table  string
}

func newWFFixture(t *testing.T) *wfFixture {
	t.Helper()
	db := local.DynamoDB()
	table := dynamotest.CreateTable(t, db)
	store := dynamo.New(db, table)
	f := &wfFixture{t: t, store: store, races: &racingStore{Store: store}, outbox: &wfQueue{}, db: db, table: table}
	f.wf = sale.Workflow{Store: f.races, Outbox: f.outbox, Now: time.Now}
	ctx, now := context.Background(), time.Now().UTC()
	f.must(store.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}))
	f.must(store.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa", CreatedBy: "seller-1", CreatedAt: now}))
	f.must(store.CreateEnvironment(ctx, domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: "acc-1",
		PromobProjectID: "pp-1", PromobEnvironmentID: "pe-1", ImportStatus: domain.ImportPending, CreatedBy: "seller-1", CreatedAt: now, UpdatedAt: now}))
	_, _, err := store.SaveIntegration(ctx, domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN-1"},
		ConnectSituation: "Fechado", ConnectStage: "Produção"}, domain.NewWebhookSecret(), now)
	f.must(err)
	f.commit(1, wfPart(0, "A", "Portas", "2", "100"), wfPart(1, "B", "Ferragens", "1", "50"))
	return f
}

func (f *wfFixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// wfActor is user of store s1.
func wfActor(user string) domain.Identity { return domain.Identity{UserID: user, StoreID: "s1"} }

// wfPart is a Promob part (an item without children).
func wfPart(i int, ref, family, qty, cost string) domain.PromobItem {
	return domain.PromobItem{ID: domain.PromobItemID(i), Level: 1, Reference: ref, Description: "Peça " + ref, Unit: "UN", Family: family,
		Quantity: decimal.RequireFromString(qty), RealQuantity: decimal.RequireFromString(qty), PriceTotal: decimal.RequireFromString(cost)}
}

// commit imports Promob revision rev of e1 as its next version with the
// items, the way the importer does; the version's rules buy family
// Ferragens from supplier Hettich.
func (f *wfFixture) commit(rev int, items ...domain.PromobItem) {
	f.t.Helper()
	ctx := context.Background()
	env := f.env()
	starts, _, err := f.store.WriteItems(ctx, "s1", "e1", rev, func(emit func(any) error) error {
		for _, it := range items {
			if err := emit(it); err != nil {
				return err
			}
		}
		return nil
	})
	f.must(err)
	rules := pricing.DefaultRules()
	rules.Suppliers = map[string]string{"Ferragens": "Hettich"}
	rj, err := json.Marshal(rules)
	f.must(err)
	v := domain.Version{Number: env.LatestVersion + 1, PromobRevision: rev, Total: "250.00", ItemCount: len(items), Rules: rj, ChunkStarts: starts}
	entry := domain.NewHistoryEntry(domain.HistoryImported, "e1", v.Number, domain.ByPromob, time.Now(), fmt.Sprintf("imported version %d", v.Number))
	f.must(f.store.CommitVersion(ctx, env, v, entry, time.Now()))
}

// env reads e1 as the adapter does before it calls the workflow.
func (f *wfFixture) env() domain.Environment {
	f.t.Helper()
	env, err := f.store.Environment(context.Background(), "s1", "e1")
	f.must(err)
	return env
}

func (f *wfFixture) project() domain.Project {
	f.t.Helper()
	p, err := f.store.Project(context.Background(), "s1", "p1")
	f.must(err)
	return p
}

// history returns the kinds of p1's history and who wrote each, oldest
// first.
func (f *wfFixture) history() []string {
	f.t.Helper()
	hist, err := f.store.History(context.Background(), "s1", "p1")
	f.must(err)
	var out []string
	for _, e := range hist {
		out = append(out, e.Kind+":"+e.By)
	}
	return out
}

// dump reads the whole table, to show that a refusal wrote nothing.
func (f *wfFixture) dump() string {
	f.t.Helper()
	out, err := f.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: &f.table, ConsistentRead: new(true)})
	f.must(err)
	var rows []string
	for _, item := range out.Items {
		b, err := json.Marshal(item)
		f.must(err)
		rows = append(rows, string(b))
	}
	slices.Sort(rows)
	return strings.Join(rows, "\n")
}

// approved has e1 approved and p1 released, ready for its review.
func (f *wfFixture) approved() {
	f.t.Helper()
	ctx := context.Background()
	_, err := f.wf.Approve(ctx, wfActor("seller-1"), f.env())
	f.must(err)
	_, err = f.wf.ReleaseFinancially(ctx, wfActor("fin-1"), "p1")
	f.must(err)
}

// refused checks that err is the refusal code and that the table is as
// before.
func (f *wfFixture) refused(what string, err error, code, before string) {
	f.t.Helper()
	if domain.ErrorCode(err) != code {
		f.t.Fatalf("%s: %v, want %s", what, err, code)
	}
	if after := f.dump(); after != before {
		f.t.Fatalf("%s changed the table:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
}

func (s *racingStore) Approve(ctx context.Context, env domain.Environment, entry domain.HistoryEntry, now time.Time) (domain.Environment, error) {
	s.race()
	return s.Store.Approve(ctx, env, entry, now)
}

func (s *racingStore) ReleaseFinancially(ctx context.Context, storeID, projectID string, entry domain.HistoryEntry) (domain.Project, error) {
	s.race()
	return s.Store.ReleaseFinancially(ctx, storeID, projectID, entry)
}

func (s *racingStore) StartReview(ctx context.Context, env domain.Environment, entry domain.HistoryEntry) error {
	s.race()
	return s.Store.StartReview(ctx, env, entry)
}

func (s *racingStore) CompleteReview(ctx context.Context, env domain.Environment, orders []domain.PurchaseOrder, entries []domain.HistoryEntry, now time.Time) error {
	s.race()
	return s.Store.CompleteReview(ctx, env, orders, entries, now)
}

// wfQueue records the Connect status messages sent; when fail is set, Send
// returns it and records nothing.
type wfQueue struct {
	mu   sync.Mutex
	sent []message.ConnectStatus
	fail error
}

func (q *wfQueue) Send(_ context.Context, msg any, _, _ string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fail != nil {
		return q.fail
	}
	q.sent = append(q.sent, msg.(message.ConnectStatus))
	return nil
}

func (q *wfQueue) messages() []message.ConnectStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	return slices.Clone(q.sent)
}

func TestApprove(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	seller := wfActor("seller-1")

	// Promob saved revision 2: the approval is refused and writes nothing.
	_, err := f.store.RecordPromobRevision(ctx, "s1", "e1", 2, time.Now())
	f.must(err)
	before := f.dump()
	_, err = f.wf.Approve(ctx, seller, f.env())
	f.refused("approve outdated", err, domain.CodeOutdated, before)
	if !strings.Contains(domain.ErrorMessage(err), "revision 2") || len(f.outbox.messages()) != 0 {
		t.Fatalf("approve outdated: %v; sent %+v", err, f.outbox.messages())
	}

	f.commit(2, wfPart(0, "A", "Portas", "2", "100"))
	env, err := f.wf.Approve(ctx, seller, f.env())
	if err != nil || env.ConvertedVersion != 2 {
		t.Fatalf("approve: %+v %v", env, err)
	}
	want := message.ConnectStatus{Kind: message.KindConnectStatus, StoreID: "s1", AccountID: "acc-1", ProjectID: "pp-1", EnvironmentID: "pe-1",
		Version: 2, Situation: "Fechado", Stage: "Produção", ProjectRef: "p1", EnvironmentRef: "e1"}
	if sent := f.outbox.messages(); len(sent) != 1 || sent[0] != want {
		t.Fatalf("sent %+v, want %+v", sent, want)
	}
	p := f.project()
	if d := p.Connect; d == nil || d.Status != domain.ConnectPending || d.Version != 2 || d.EnvironmentID != "e1" || d.Situation != "Fechado" {
		t.Fatalf("Connect delivery = %+v", d)
	}
	if p.State != domain.ProjectConverted {
		t.Fatalf("project state = %q", p.State)
	}
	wantHist := []string{"imported:promob", "imported:promob", "approved:seller-1"}
	if got := f.history(); !slices.Equal(got, wantHist) {
		t.Fatalf("history = %v, want %v", got, wantHist)
	}

	// A repeat is refused; it sends the Connect status again and changes
	// neither the environment nor the history.
	_, err = f.wf.Approve(ctx, wfActor("admin-1"), f.env())
	if domain.ErrorCode(err) != domain.CodeAlreadyConverted {
		t.Fatalf("approve twice: %v", err)
	}
	if sent := f.outbox.messages(); len(sent) != 2 || sent[1] != want {
		t.Fatalf("sent after a repeat %+v", sent)
	}
	if got := f.env(); got.ConvertedVersion != 2 || got.UpdatedAt != env.UpdatedAt || !slices.Equal(f.history(), wantHist) {
		t.Fatalf("after a repeat: %+v, history %v", got, f.history())
	}
}

// TestApproveWithTheQueueDown: the approval is saved, but the Connect
// status cannot be queued: the delivery is recorded failed, saying to
// approve again, and approving again sends it.
func TestApproveWithTheQueueDown(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	down := errors.New("sqs: connection refused")
	f.outbox.fail = down
	if _, err := f.wf.Approve(ctx, wfActor("seller-1"), f.env()); !errors.Is(err, down) {
		t.Fatalf("approve with the queue down: %v", err)
	}
	if env := f.env(); env.ConvertedVersion != 1 {
		t.Fatalf("the approval was not saved: %+v", env)
	}
	if d := f.project().Connect; d == nil || d.Status != domain.ConnectFailed || !strings.Contains(d.Reason, "approve the environment again") || d.Version != 1 {
		t.Fatalf("Connect delivery after the queue refused: %+v", d)
	}

	// While the queue is down a repeat answers the queue's error.
	if _, err := f.wf.Approve(ctx, wfActor("seller-1"), f.env()); !errors.Is(err, down) {
		t.Fatalf("approve again with the queue down: %v", err)
	}
	f.outbox.fail = nil
	if _, err := f.wf.Approve(ctx, wfActor("seller-1"), f.env()); domain.ErrorCode(err) != domain.CodeAlreadyConverted {
		t.Fatalf("approve again: %v", err)
	}
	if d := f.project().Connect; d == nil || d.Status != domain.ConnectPending || d.Reason != "" || d.Version != 1 {
		t.Fatalf("Connect delivery after approving again: %+v", d)
	}
	if sent := f.outbox.messages(); len(sent) != 1 || sent[0].Version != 1 || sent[0].EnvironmentRef != "e1" {
		t.Fatalf("sent %+v", sent)
	}
}

// race is what another request changes between a use case's read and its
// guarded write, and the refusal code the use case answers then ("" for
// none).
type race struct {
	name   string
	change func(f *wfFixture)
	code   string
}

// runRaces calls the use case (call) on a fresh fixture made ready by
// setup, with each race, and checks its answer and that it wrote and sent
// nothing after the race.
func runRaces(t *testing.T, races []race, setup func(f *wfFixture), call func(f *wfFixture) error) {
	t.Helper()
	for _, r := range races {
		t.Run(r.name, func(t *testing.T) {
			f := newWFFixture(t)
			setup(f)
			var before string
			var sent int
			f.races.before = func() { r.change(f); before, sent = f.dump(), len(f.outbox.messages()) }
			f.refused("a raced call", call(f), r.code, before)
			if got := f.outbox.messages(); len(got) != sent {
				t.Fatalf("a raced call sent %+v", got[sent:])
			}
		})
	}
}

// TestApproveRaced: the environment changes between the approval's read
// and its write; the approval answers the refusal its state gives now, or
// a conflict.
func TestApproveRaced(t *testing.T) {
	ctx := context.Background()
	runRaces(t, []race{
		{"approved meanwhile", func(f *wfFixture) {
			_, err := f.wf.Approve(ctx, wfActor("seller-2"), f.env())
			f.must(err)
		}, domain.CodeAlreadyConverted},
		{"saved in Promob meanwhile", func(f *wfFixture) {
			_, err := f.store.RecordPromobRevision(ctx, "s1", "e1", 2, time.Now())
			f.must(err)
		}, domain.CodeOutdated},
		{"imported meanwhile", func(f *wfFixture) { f.commit(2, wfPart(0, "A", "Portas", "1", "10")) }, domain.CodeConflict},
	}, func(*wfFixture) {}, func(f *wfFixture) error {
		_, err := f.wf.Approve(ctx, wfActor("seller-1"), f.env())
		return err
	})
}

func TestReleaseFinancially(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	before := f.dump()
	_, err := f.wf.ReleaseFinancially(ctx, domain.Identity{UserID: "fin-9", StoreID: "s2"}, "p1")
	f.refused("release of another store's project", err, domain.CodeNotFound, before)
	_, err = f.wf.ReleaseFinancially(ctx, wfActor("fin-1"), "p9")
	f.refused("release of an unknown project", err, domain.CodeNotFound, before)

	p, err := f.wf.ReleaseFinancially(ctx, wfActor("fin-1"), "p1")
	if err != nil || p.ID != "p1" || p.FinanciallyReleasedAt == nil || p.FinanciallyReleasedBy != "fin-1" {
		t.Fatalf("release: %+v %v", p, err)
	}
	if got := f.history(); !slices.Equal(got, []string{"imported:promob", "financial_release:fin-1"}) {
		t.Fatalf("history = %v", got)
	}

	// A repeat answers the first release and writes nothing.
	before = f.dump()
	again, err := f.wf.ReleaseFinancially(ctx, wfActor("admin-1"), "p1")
	if err != nil || !again.FinanciallyReleasedAt.Equal(*p.FinanciallyReleasedAt) || again.FinanciallyReleasedBy != "fin-1" {
		t.Fatalf("release again: %+v %v", again, err)
	}
	if f.dump() != before {
		t.Fatal("a repeated release changed the table")
	}
}

// TestReleaseFinanciallyRaced: a release that finds the project released
// meanwhile answers that release, and writes nothing.
func TestReleaseFinanciallyRaced(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	var first domain.Project
	var before string
	f.races.before = func() {
		var err error
		first, err = f.wf.ReleaseFinancially(ctx, wfActor("fin-2"), "p1")
		f.must(err)
		before = f.dump()
	}
	p, err := f.wf.ReleaseFinancially(ctx, wfActor("fin-1"), "p1")
	if err != nil || p.FinanciallyReleasedBy != "fin-2" || !p.FinanciallyReleasedAt.Equal(*first.FinanciallyReleasedAt) {
		t.Fatalf("raced release: %+v %v", p, err)
	}
	if f.dump() != before {
		t.Fatal("a raced release changed the table")
	}
}

func TestStartReview(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	reviewer := wfActor("rev-1")
	before := f.dump()
	f.refused("start before the approval", f.wf.StartReview(ctx, reviewer, f.env()), domain.CodeNotConverted, before)
	_, err := f.wf.Approve(ctx, wfActor("seller-1"), f.env())
	f.must(err)
	before = f.dump()
	f.refused("start before the release", f.wf.StartReview(ctx, reviewer, f.env()), domain.CodeNotFinanciallyReleased, before)
	_, err = f.wf.ReleaseFinancially(ctx, wfActor("fin-1"), "p1")
	f.must(err)

	f.must(f.wf.StartReview(ctx, reviewer, f.env()))
	env := f.env()
	if env.ReviewStartedAt == nil || env.ReviewStartedBy != "rev-1" || env.ReviewStartVersion != 1 || env.ReviewStartRevision != 1 || !env.UpdateRequired() {
		t.Fatalf("after the start: %+v", env)
	}
	if p := f.project(); p.State != domain.ProjectInReview {
		t.Fatalf("project state = %q", p.State)
	}
	// A repeat leaves the review as it is.
	before = f.dump()
	f.must(f.wf.StartReview(ctx, wfActor("rev-2"), f.env()))
	if f.dump() != before {
		t.Fatal("a repeated start changed the table")
	}
	if got := f.history(); !slices.Equal(got, []string{"imported:promob", "approved:seller-1", "financial_release:fin-1", "review_started:rev-1"}) {
		t.Fatalf("history = %v", got)
	}
}

// TestStartReviewRaced: another reviewer's start meanwhile is the answer;
// an import meanwhile is a conflict.
func TestStartReviewRaced(t *testing.T) {
	ctx := context.Background()
	runRaces(t, []race{
		{"started meanwhile", func(f *wfFixture) { f.must(f.wf.StartReview(ctx, wfActor("rev-2"), f.env())) }, ""},
		{"imported meanwhile", func(f *wfFixture) { f.commit(2, wfPart(0, "A", "Portas", "1", "10")) }, domain.CodeConflict},
	}, (*wfFixture).approved, func(f *wfFixture) error {
		return f.wf.StartReview(ctx, wfActor("rev-1"), f.env())
	})
}

func TestCompleteReview(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	reviewer := wfActor("rev-1")
	f.approved()
	before := f.dump()
	_, err := f.wf.CompleteReview(ctx, reviewer, f.env())
	f.refused("complete before the start", err, domain.CodeReviewNotStarted, before)
	f.must(f.wf.StartReview(ctx, reviewer, f.env()))
	before = f.dump()
	_, err = f.wf.CompleteReview(ctx, reviewer, f.env())
	f.refused("complete before the update", err, domain.CodeUpdateRequired, before)

	f.commit(2, wfPart(0, "A", "Portas", "3", "150"), wfPart(1, "C", "Ferragens", "4", "20"), wfPart(2, "D", "Portas", "1", "10"))
	orders, err := f.wf.CompleteReview(ctx, reviewer, f.env())
	f.must(err)
	summary := func(orders []domain.PurchaseOrder) (out []string) {
		for _, o := range orders {
			var lines []string
			for _, l := range o.Lines {
				lines = append(lines, l.Reference+"×"+l.Quantity.String()+"="+l.Cost.String())
			}
			out = append(out, fmt.Sprintf("%s v%d by %s [%s]=%s", o.Supplier, o.Version, o.CreatedBy, strings.Join(lines, ","), o.Total.String()))
		}
		return out
	}
	want := []string{"Hettich v2 by rev-1 [C×4=20.00]=20.00", "Portas v2 by rev-1 [A×3=150.00,D×1=10.00]=160.00"}
	if got := summary(orders); !slices.Equal(got, want) {
		t.Fatalf("orders = %v, want %v", got, want)
	}
	stored, err := f.store.PurchaseOrders(ctx, f.env())
	f.must(err)
	if got := summary(stored); !slices.Equal(got, want) {
		t.Fatalf("stored orders = %v, want %v", got, want)
	}
	if env := f.env(); !env.Locked || env.ReviewCompletedAt == nil {
		t.Fatalf("after completion: %+v", env)
	}
	wantHist := []string{"imported:promob", "approved:seller-1", "financial_release:fin-1", "review_started:rev-1", "imported:promob",
		"review_completed:rev-1", "purchase_orders:rev-1"}
	if got := f.history(); !slices.Equal(got, wantHist) {
		t.Fatalf("history = %v, want %v", got, wantHist)
	}

	// Locked: a second completion and a new start are refused.
	before = f.dump()
	_, err = f.wf.CompleteReview(ctx, wfActor("rev-2"), f.env())
	f.refused("complete again", err, domain.CodeLocked, before)
	f.refused("start after the completion", f.wf.StartReview(ctx, reviewer, f.env()), domain.CodeLocked, before)
}

// TestCompleteReviewRaced: another completion meanwhile is answered
// environment_locked, an import meanwhile is a conflict.
func TestCompleteReviewRaced(t *testing.T) {
	ctx := context.Background()
	runRaces(t, []race{
		{"completed meanwhile", func(f *wfFixture) {
			_, err := f.wf.CompleteReview(ctx, wfActor("rev-2"), f.env())
			f.must(err)
		}, domain.CodeLocked},
		{"imported meanwhile", func(f *wfFixture) { f.commit(3, wfPart(0, "A", "Portas", "1", "10")) }, domain.CodeConflict},
	}, func(f *wfFixture) {
		f.approved()
		f.must(f.wf.StartReview(ctx, wfActor("rev-1"), f.env()))
		f.commit(2, wfPart(0, "A", "Portas", "3", "150"))
	}, func(f *wfFixture) error {
		_, err := f.wf.CompleteReview(ctx, wfActor("rev-1"), f.env())
		return err
	})
}

// atOnce calls fn n times at once and returns the codes of their errors,
// sorted ("" for a success).
func atOnce(n int, fn func() error) []string {
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { codes[i] = domain.ErrorCode(fn()) })
	}
	wg.Wait()
	slices.Sort(codes)
	return codes
}

// TestWorkflowUnderConcurrency: requests at once from the same read
// approve, release, start and complete once; the others get the refusal
// or the answer of the one that did.
func TestWorkflowUnderConcurrency(t *testing.T) {
	f := newWFFixture(t)
	ctx := context.Background()
	env := f.env()
	converted := domain.CodeAlreadyConverted
	if got := atOnce(4, func() error { _, err := f.wf.Approve(ctx, wfActor("seller-1"), env); return err }); !slices.Equal(got, []string{"", converted, converted, converted}) {
		t.Fatalf("approvals at once: %q", got)
	}
	var mu sync.Mutex
	releases := map[time.Time]bool{}
	if got := atOnce(3, func() error {
		p, err := f.wf.ReleaseFinancially(ctx, wfActor("fin-1"), "p1")
		if err == nil {
			mu.Lock()
			releases[*p.FinanciallyReleasedAt] = true
			mu.Unlock()
		}
		return err
	}); !slices.Equal(got, []string{"", "", ""}) || len(releases) != 1 {
		t.Fatalf("releases at once: %q, answered %v", got, releases)
	}
	env = f.env()
	if got := atOnce(3, func() error { return f.wf.StartReview(ctx, wfActor("rev-1"), env) }); !slices.Equal(got, []string{"", "", ""}) {
		t.Fatalf("starts at once: %q", got)
	}
	f.commit(2, wfPart(0, "A", "Portas", "3", "150"))
	env = f.env()
	locked := domain.CodeLocked
	if got := atOnce(3, func() error { _, err := f.wf.CompleteReview(ctx, wfActor("rev-1"), env); return err }); !slices.Equal(got, []string{"", locked, locked}) {
		t.Fatalf("completions at once: %q", got)
	}
	want := []string{"imported:promob", "approved:seller-1", "financial_release:fin-1", "review_started:rev-1", "imported:promob",
		"review_completed:rev-1", "purchase_orders:rev-1"}
	if got := f.history(); !slices.Equal(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	if sent := f.outbox.messages(); len(sent) != 1 {
		t.Fatalf("sent %+v", sent)
	}
	if orders, err := f.store.PurchaseOrders(ctx, env); err != nil || len(orders) != 1 {
		t.Fatalf("purchase orders = %+v, %v", orders, err)
	}
}
