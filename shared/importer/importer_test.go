package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/importer"
	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobevent"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/shopspring/decimal"
)

// fakePromob serves listings by revision; current is the newest one. It
// counts the bodies handed out and not yet closed.
type fakePromob struct {
	mu       sync.Mutex
	listings map[int]func() io.ReadCloser
	current  int
	fail     error
	open     int
}

func (p *fakePromob) put(rev int, xml []byte) {
	p.putStream(rev, func() io.ReadCloser { return io.NopCloser(bytes.NewReader(xml)) })
}

// putStream serves revision rev as the bodies open returns.
func (p *fakePromob) putStream(rev int, open func() io.ReadCloser) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listings[rev] = open
	p.current = max(p.current, rev)
}

func (p *fakePromob) Listing(_ context.Context, account, token, projectID, envID string, revision int) (io.ReadCloser, int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return nil, 0, p.fail
	}
	if token != "pmi-token" {
		return nil, 0, errors.New("wrong token")
	}
	if revision == 0 {
		revision = p.current
	}
	body := io.NopCloser(strings.NewReader(""))
	if open := p.listings[revision]; open != nil {
		body = open()
	}
	p.open++
	return &fakeBody{ReadCloser: body, p: p}, revision, nil
}

// unclosed is the number of bodies handed out and not closed.
func (p *fakePromob) unclosed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open
}

type fakeBody struct {
	io.ReadCloser
	p    *fakePromob
	once sync.Once
}

func (b *fakeBody) Close() error {
	b.once.Do(func() {
		b.p.mu.Lock()
		b.p.open--
		b.p.mu.Unlock()
	})
	return b.ReadCloser.Close()
}

// fakeQueue records notification messages.
type fakeQueue struct {
	mu   sync.Mutex
	sent []message.Notification
}

func (q *fakeQueue) Send(_ context.Context, msg any, _, _ string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sent = append(q.sent, msg.(message.Notification))
	return nil
}

const promobEnv = "133e1aba-0000-4000-8000-000000000001"

type fixture struct {
	t      testing.TB
	store  *dynamo.Store
	promob *fakePromob
	notes  *fakeQueue
	im     *importer.Importer
	env    domain.Environment
	seq    atomic.Int64
	// saver is the Promob user the deliveries name (data.userId).
	saver string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, dynamotest.Minidyn(t))
}

// newFixtureOn is newFixture over the given store.
func newFixtureOn(t testing.TB, store *dynamo.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN"}, PromobAPIToken: "pmi-token"}
	if _, _, err := store.SaveIntegration(ctx, in, "whsec_c2VjcmV0", now); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana Silva", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	project := domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa Silva", CreatedBy: "seller-1", CreatedAt: now}
	if err := store.CreateProject(ctx, project); err != nil {
		t.Fatal(err)
	}
	env := domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: "acc-1",
		PromobProjectID: "79a9ee88", PromobEnvironmentID: promobEnv, ImportStatus: domain.ImportPending, CreatedBy: "designer-1", CreatedAt: now, UpdatedAt: now}
	if err := store.CreateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	p := &fakePromob{listings: map[int]func() io.ReadCloser{}}
	q := &fakeQueue{}
	return &fixture{t: t, store: store, promob: p, notes: q, env: env, im: importer.New(store, p, nil, q, time.Now)}
}

func listingXML(parts int, seed int64) []byte {
	return listinggen.Bytes(listinggen.Spec{EnvironmentGUID: promobEnv, Parts: parts, Seed: seed})
}

// deliver stores a webhook delivery like the webhook function does and runs
// its import message through the importer; it returns the failed ids.
func (f *fixture) deliver(typ string, revision int, xml []byte, receiveCount int) []string {
	f.t.Helper()
	id := fmt.Sprintf("msg_%d", f.seq.Add(1))
	body, _ := json.Marshal(promobevent.Event{Type: typ, Data: promobevent.Data{ProjectID: "79a9ee88", EnvironmentID: promobEnv, Revision: revision, UserID: f.saver, Listing: string(xml)}})
	d := domain.Delivery{AccountID: "acc-1", WebhookID: id, StoreID: "s1", Type: typ, ProjectID: "79a9ee88", EnvironmentID: promobEnv, Revision: revision,
		PromobUser: f.saver, ReceivedAt: time.Now(), Status: 202, Body: []byte("{}")}
	if _, _, err := f.store.CreateDelivery(context.Background(), d, body); err != nil {
		f.t.Fatal(err)
	}
	return f.run(message.Import{Kind: message.KindWebhook, StoreID: "s1", AccountID: "acc-1", DeliveryID: id, Type: typ, ProjectID: "79a9ee88",
		EnvironmentID: promobEnv, Revision: revision, PromobUser: f.saver}, receiveCount)
}

func (f *fixture) update(receiveCount int) []string {
	return f.run(message.Import{Kind: message.KindUpdate, StoreID: "s1", AccountID: "acc-1", EnvironmentID: f.env.ID}, receiveCount)
}

func (f *fixture) run(msg message.Import, receiveCount int) []string {
	f.t.Helper()
	body, _ := json.Marshal(msg)
	resp, err := f.im.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{
		MessageId: fmt.Sprintf("m-%d", f.seq.Add(1)), Body: string(body),
		Attributes: map[string]string{"ApproximateReceiveCount": fmt.Sprint(receiveCount), "MessageGroupId": "acc-1:" + promobEnv},
	}}})
	if err != nil {
		f.t.Fatal(err)
	}
	var failed []string
	for _, it := range resp.BatchItemFailures {
		failed = append(failed, it.ItemIdentifier)
	}
	return failed
}

func (f *fixture) environment() domain.Environment {
	f.t.Helper()
	env, err := f.store.Environment(context.Background(), "s1", f.env.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return env
}

func (f *fixture) versions() []domain.Version {
	f.t.Helper()
	vs, err := f.store.Versions(context.Background(), f.environment())
	if err != nil {
		f.t.Fatal(err)
	}
	return vs
}

func numbers(vs []domain.Version) string {
	var b []string
	for _, v := range vs {
		b = append(b, fmt.Sprintf("%d(r%d,latest=%v)", v.Number, v.PromobRevision, v.Latest))
	}
	return strings.Join(b, " ")
}

func TestRevisionsBecomeVersions(t *testing.T) {
	f := newFixture(t)
	f.promob.put(1, listingXML(40, 1))
	if failed := f.update(1); failed != nil {
		t.Fatalf("legacy import failed: %v", failed)
	}
	if got := numbers(f.versions()); got != "1(r1,latest=true)" {
		t.Fatalf("versions = %s", got)
	}
	env := f.environment()
	if env.ImportStatus != domain.ImportImported || env.Outdated() || env.LatestVersion != 1 {
		t.Fatalf("after import: %+v", env)
	}

	// Promob user "designer@store" (linked to FoccoLojas user u-saver)
	// saves revision 2: outdated; the saver and the environment's creator
	// are notified, each with a once-only key.
	f.saver = "designer@store"
	if err := f.store.PutPromobLink(context.Background(), domain.PromobLink{StoreID: "s1", UserID: "u-saver", PromobUser: "Designer@Store",
		Status: domain.LinkLinked, SealedToken: "x", LinkedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if failed := f.deliver(domain.EventSaved, 2, nil, 1); failed != nil {
			t.Fatalf("saved failed: %v", failed)
		}
	}
	env = f.environment()
	if !env.Outdated() || env.PromobRevision != 2 || env.ImportedRevision != 1 {
		t.Fatalf("after saved: outdated=%v %+v", env.Outdated(), env)
	}
	users, keys := map[string]int{}, map[string]bool{}
	for _, m := range f.notes.sent {
		users[m.UserID]++
		keys[m.UserID+" "+m.DedupeKey] = true
		if m.Notification.Action == nil || m.Notification.Action.Type != "update_environment" || m.Notification.Action.EnvironmentID != "e1" {
			t.Fatalf("notification action = %+v", m.Notification.Action)
		}
	}
	if len(users) != 2 || users["designer-1"] != 2 || users["u-saver"] != 2 || len(keys) != 2 {
		t.Fatalf("notified users = %v with keys %v, want the creator and the saver, each with one key", users, keys)
	}
	// A notification sent twice is stored once (the notifier's dedupe key).
	for _, m := range f.notes.sent {
		n := m.Notification
		n.StoreID, n.UserID, n.DedupeKey = m.StoreID, m.UserID, m.DedupeKey
		if err := f.store.PutNotification(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	if list, _ := f.store.Notifications(context.Background(), "s1", "u-saver", true, 10); len(list) != 1 {
		t.Fatalf("the saver has %d notifications, want 1", len(list))
	}
	// An older or equal saved revision changes nothing.
	before := len(f.notes.sent)
	f.deliver(domain.EventSaved, 1, nil, 1)
	if env := f.environment(); env.PromobRevision != 2 || len(f.notes.sent) != before {
		t.Fatalf("older saved changed the environment or notified: %+v", env)
	}

	// Update imports the current revision.
	f.promob.put(2, listingXML(60, 2))
	if failed := f.update(1); failed != nil {
		t.Fatalf("update failed: %v", failed)
	}
	if got := numbers(f.versions()); got != "2(r2,latest=true) 1(r1,latest=false)" {
		t.Fatalf("versions = %s", got)
	}
	if env := f.environment(); env.Outdated() {
		t.Fatal("still outdated after the update")
	}

	// Prepared revision 3, delivered twice: one version 3.
	xml3 := listingXML(30, 3)
	f.deliver(domain.EventPrepared, 3, xml3, 1)
	f.deliver(domain.EventPrepared, 3, xml3, 1)
	if got := numbers(f.versions()); got != "3(r3,latest=true) 2(r2,latest=false) 1(r1,latest=false)" {
		t.Fatalf("versions = %s", got)
	}

	// Out of order: 5, then 4. Revision 4 never becomes a version.
	f.deliver(domain.EventNegotiated, 5, listingXML(20, 5), 1)
	f.deliver(domain.EventPrepared, 4, listingXML(20, 4), 1)
	if got := numbers(f.versions()); !strings.HasPrefix(got, "4(r5,latest=true) 3(r3") {
		t.Fatalf("versions = %s", got)
	}
}

func TestVersionItemsAndTotals(t *testing.T) {
	f := newFixture(t)
	xml := listingXML(2000, 7)
	f.promob.put(1, xml)
	if failed := f.update(1); failed != nil {
		t.Fatalf("import failed: %v", failed)
	}
	env := f.environment()
	v, err := f.store.Version(context.Background(), env, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, items, err := listing.ParseAll(strings.NewReader(string(xml)))
	if err != nil {
		t.Fatal(err)
	}
	if v.ItemCount != len(items) {
		t.Fatalf("item count = %d, want %d", v.ItemCount, len(items))
	}
	n := 0
	sum := decimal.Zero
	err = f.store.VersionItems(context.Background(), env, 1, func(dec *json.Decoder) error {
		var it domain.PromobItem
		if err := dec.Decode(&it); err != nil {
			return err
		}
		want := items[n]
		if it.ID != domain.PromobItemID(want.Index) || !it.RealQuantity.Equal(want.RealQuantity) || it.Reference != want.Reference {
			return fmt.Errorf("item %d = %+v, want %+v", n, it, want)
		}
		sum = sum.Add(it.PriceTotal)
		n++
		return nil
	})
	if err != nil || n != len(items) {
		t.Fatalf("read %d items, err %v", n, err)
	}
	if v.Total == "" || v.Total == "0.00" {
		t.Fatalf("total = %q", v.Total)
	}
	if sum.IsZero() {
		t.Fatal("stored items carry no prices")
	}
}

func TestRefusedListingFailsWithReasonAndNoVersion(t *testing.T) {
	big := listingXML(10_000, 1)
	tests := []struct {
		name, xml, reason string
	}{
		{"malformed XML", "<LISTING><AMBIENTS>", "revision 1"},
		{"two AMBIENTs", string(listinggen.Bytes(listinggen.Spec{Parts: 10, Ambients: 2, Seed: 1})), "2 environments"},
		{"not a listing", "<BUDGET/>", "revision 1"},
		{"cut short after thousands of parts", string(big[:len(big)*9/10]), "revision 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.promob.put(1, []byte(tt.xml))
			if failed := f.update(1); failed != nil {
				t.Fatalf("a refused listing is not retried, but the message failed: %v", failed)
			}
			env := f.environment()
			if env.ImportStatus != domain.ImportFailed || !strings.Contains(env.ImportError, tt.reason) {
				t.Fatalf("status %q, reason %q; want failed with %q", env.ImportStatus, env.ImportError, tt.reason)
			}
			if len(f.versions()) != 0 || env.LatestVersion != 0 {
				t.Fatal("a refused listing wrote a version")
			}
			if n, err := f.store.DeleteItems(context.Background(), "s1", "e1", 1); err != nil || n != 0 {
				t.Fatalf("%d item chunks of the refused revision remain (%v)", n, err)
			}
		})
	}
}

func TestTransientFailureIsRetriedThenRecorded(t *testing.T) {
	f := newFixture(t)
	f.promob.fail = errors.New("promob: 503 unavailable")
	if failed := f.update(1); len(failed) != 1 {
		t.Fatalf("first attempt: failed = %v, want the message retried", failed)
	}
	if env := f.environment(); env.ImportStatus == domain.ImportFailed {
		t.Fatal("failure recorded before the last attempt")
	}
	if failed := f.update(5); len(failed) != 1 {
		t.Fatalf("last attempt: failed = %v", failed)
	}
	if env := f.environment(); env.ImportStatus != domain.ImportFailed || !strings.Contains(env.ImportError, "503") {
		t.Fatalf("after the last attempt: %q %q", env.ImportStatus, env.ImportError)
	}
	f.promob.fail = nil
	f.promob.put(1, listingXML(10, 1))
	if failed := f.update(1); failed != nil {
		t.Fatalf("retry after recovery: %v", failed)
	}
	if env := f.environment(); env.ImportStatus != domain.ImportImported || env.ImportError != "" || env.LatestVersion != 1 {
		t.Fatalf("after recovery: %+v", env)
	}
}

func TestConcurrentImportsGiveContiguousVersions(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for rev := 1; rev <= 6; rev++ {
		xml := listingXML(20, int64(rev))
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.deliver(domain.EventPrepared, rev, xml, 1)
			}()
		}
	}
	wg.Wait()
	vs := f.versions()
	seen := map[int]bool{}
	for i, v := range vs {
		if v.Number != len(vs)-i {
			t.Fatalf("versions not contiguous: %s", numbers(vs))
		}
		if seen[v.PromobRevision] {
			t.Fatalf("revision %d imported twice: %s", v.PromobRevision, numbers(vs))
		}
		seen[v.PromobRevision] = true
	}
	if vs[0].PromobRevision != 6 {
		t.Fatalf("latest is revision %d, want 6: %s", vs[0].PromobRevision, numbers(vs))
	}
}

func TestPermanentPromobFailureIsRecordedAtOnce(t *testing.T) {
	f := newFixture(t)
	f.promob.fail = &promob.Error{Status: 401, Code: "unauthorized", Message: "token refused"}
	if failed := f.update(1); failed != nil {
		t.Fatalf("a refusal retrying cannot cure was retried: %v", failed)
	}
	env := f.environment()
	if env.ImportStatus != domain.ImportFailed || !strings.Contains(env.ImportError, "token refused") {
		t.Fatalf("after a 401: %q %q", env.ImportStatus, env.ImportError)
	}
	f.promob.fail = &promob.Error{Status: 503, Code: "unavailable", Message: "later"}
	if failed := f.update(1); len(failed) != 1 {
		t.Fatalf("a 503 must be retried: failed = %v", failed)
	}
}

// TestUpdateStreamsAndClosesTheListing runs updates whose listing body is
// read to the end, refused, failing midway or not needed, and checks the
// outcome and that every body the importer got was closed.
func TestUpdateStreamsAndClosesTheListing(t *testing.T) {
	cut := errors.New("connection reset by peer")
	tests := []struct {
		name       string
		before     []byte // a listing imported as revision 1 first; nil = none
		open       func() io.ReadCloser
		retried    bool // the message is reported failed for the queue to retry
		wantStatus string
		wantRev    int
	}{
		{"read to the end", nil, func() io.ReadCloser { return io.NopCloser(bytes.NewReader(listingXML(30, 2))) }, false, domain.ImportImported, 2},
		{"refused listing", nil, func() io.ReadCloser { return io.NopCloser(strings.NewReader("<LISTING>")) }, false, domain.ImportFailed, 0},
		{"body fails while read", nil, func() io.ReadCloser {
			xml := listingXML(30, 2)
			return io.NopCloser(io.MultiReader(bytes.NewReader(xml[:len(xml)/2]), iotest.ErrReader(cut)))
		}, true, domain.ImportPending, 0},
		{"no newer revision", listingXML(10, 1), nil, false, domain.ImportImported, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.before != nil {
				f.promob.put(1, tt.before)
				if failed := f.update(1); failed != nil {
					t.Fatalf("import of revision 1 failed: %v", failed)
				}
			}
			if tt.open != nil {
				f.promob.putStream(2, tt.open)
			}
			failed := f.update(1)
			if (len(failed) == 1) != tt.retried {
				t.Fatalf("failed = %v, want retried %v", failed, tt.retried)
			}
			env := f.environment()
			if env.ImportStatus != tt.wantStatus || env.ImportedRevision != tt.wantRev {
				t.Fatalf("status %q revision %d, want %q %d", env.ImportStatus, env.ImportedRevision, tt.wantStatus, tt.wantRev)
			}
			if n := f.promob.unclosed(); n != 0 {
				t.Fatalf("%d listing bodies not closed", n)
			}
		})
	}
}

// TestAccountLeftBehindIsNotUsed: the store moves from acc-1 to acc-2 and
// acc-1 passes to store s2. An update of the environment linked under
// acc-1 fails at once without asking Promob (with s2's token or any), and
// webhooks of acc-1 for that Promob environment no longer reach it.
func TestAccountLeftBehindIsNotUsed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.promob.put(1, listingXML(3, 1))
	if failed := f.deliver(domain.EventPrepared, 1, listingXML(3, 1), 1); failed != nil {
		t.Fatalf("first import: %v", failed)
	}
	moved := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-2", SerialNumbers: []string{"SN"}, PromobAPIToken: "pmi-2"}
	taken := domain.Integration{StoreID: "s2", CNPJ: "45723174000110", PromobAccountID: "acc-1", SerialNumbers: []string{"SN"}, PromobAPIToken: "pmi-token"}
	for _, in := range []domain.Integration{moved, taken} {
		if _, _, err := f.store.SaveIntegration(ctx, in, domain.NewWebhookSecret(), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f.promob.put(2, listingXML(5, 2))
	if failed := f.update(1); failed != nil {
		t.Fatalf("the update was retried: %v", failed)
	}
	env := f.environment()
	if env.ImportStatus != domain.ImportFailed || !strings.Contains(env.ImportError, "no longer the store's") || env.LatestVersion != 1 {
		t.Fatalf("after the update: %q %q, version %d", env.ImportStatus, env.ImportError, env.LatestVersion)
	}
	if failed := f.deliver(domain.EventPrepared, 2, listingXML(5, 2), 1); failed != nil {
		t.Fatalf("a webhook of acc-1: %v", failed)
	}
	if env := f.environment(); env.LatestVersion != 1 {
		t.Fatalf("a webhook of the account left behind made version %d", env.LatestVersion)
	}
}
