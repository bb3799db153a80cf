package sale_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
	"github.com/shopspring/decimal"
)

// promobQueue records what is sent; fail makes Send fail.
type promobQueue struct {
	sent   []any
	dedups []string
	fail   bool
}

func (q *promobQueue) Send(_ context.Context, msg any, group, dedupID string) error {
	if q.fail {
		return errors.New("queue unavailable")
	}
	q.sent = append(q.sent, msg)
	q.dedups = append(q.dedups, group+"|"+dedupID)
	return nil
}

const (
	promobAccount = "acc-1"
	promobEnvID   = "133e1aba-0000-4000-8000-000000000001"
)

// promobStore is a table on DynamoDB Local holding store s1 (Promob
// account acc-1), its project p1 and its environment e1, linked to the
// Promob environment promobEnvID, nothing imported yet.
func promobStore(t *testing.T) *dynamo.Store {
	t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	c := local.DynamoDB()
	s := dynamo.New(c, dynamotest.CreateTable(t, c))
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: promobAccount, SerialNumbers: []string{"SN"}, PromobAPIToken: "pmi-token"}
	if _, _, err := s.SaveIntegration(ctx, in, domain.NewWebhookSecret(), now); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana Silva", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa Silva", CreatedBy: "seller-1", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	env := domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: promobAccount,
		PromobProjectID: "79a9ee88", PromobEnvironmentID: promobEnvID, ImportStatus: domain.ImportPending, CreatedBy: "designer-1", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	return s
}

// lineListing is the tests' listing format: one item a line, its cost;
// a line "bad" is a listing Promob got wrong.
func lineListing(costs ...string) io.Reader { return strings.NewReader(strings.Join(costs, "\n")) }

// parseLines reads a lineListing as sale.Import.Parse does a Promob one.
func parseLines(r io.Reader, emit func(domain.PromobItem) error) (string, error) {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		if sc.Text() == "bad" {
			return "", sale.BadListing{Err: errors.New("the listing has two AMBIENTs")}
		}
		cost, err := decimal.NewFromString(sc.Text())
		if err != nil {
			return "", err
		}
		one := decimal.NewFromInt(1)
		if err := emit(domain.PromobItem{ID: domain.PromobItemID(n), Description: "part", Reference: "R", Family: "MDF",
			Quantity: one, RealQuantity: one, PriceTotal: cost}); err != nil {
			return "", err
		}
	}
	return "79a9ee88-guid", sc.Err()
}

// promobDelivery is a webhook delivery of acc-1 about promobEnvID.
func promobDelivery(id, typ string, revision int) domain.Delivery {
	return domain.Delivery{AccountID: promobAccount, WebhookID: id, StoreID: "s1", Type: typ, ProjectID: "79a9ee88",
		EnvironmentID: promobEnvID, Revision: revision, Status: 202, Body: []byte(`{"status":"accepted"}`)}
}

func TestRecordStoresAndQueuesEachDeliveryOnce(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	q := &promobQueue{}
	p := sale.Promob{Store: s, Imports: q, Now: time.Now}
	for i, want := range []bool{true, false} {
		d, created, err := p.Record(ctx, promobDelivery("msg_1", domain.EventSaved, 2), []byte(`{"type":"environment.saved"}`))
		if err != nil || created != want || !d.Queued {
			t.Fatalf("delivery %d: %+v created %v, %v", i, d, created, err)
		}
	}
	if len(q.sent) != 1 || q.dedups[0] != promobAccount+":"+promobEnvID+"|"+promobAccount+":msg_1" {
		t.Fatalf("queued %v %v, want the delivery once", q.sent, q.dedups)
	}
	msg := q.sent[0].(message.Import)
	if msg.Kind != message.KindWebhook || msg.DeliveryID != "msg_1" || msg.Revision != 2 || msg.StoreID != "s1" {
		t.Fatalf("message = %+v", msg)
	}
	if body, err := s.DeliveryBody(ctx, promobAccount, "msg_1"); err != nil || string(body) != `{"type":"environment.saved"}` {
		t.Fatalf("stored body %q, %v", body, err)
	}
	// An event of a Promob environment FoccoLojas does not know is kept too
	// (the importer finds nothing to do).
	d := promobDelivery("msg_2", domain.EventSaved, 1)
	d.EnvironmentID = "not-linked"
	if _, created, err := p.Record(ctx, d, []byte(`{}`)); err != nil || !created || len(q.sent) != 2 {
		t.Fatalf("unlinked: created %v, %v, queued %d", created, err, len(q.sent))
	}
}

func TestRecordQueuesAStoredDeliveryNotQueuedBefore(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	q := &promobQueue{fail: true}
	p := sale.Promob{Store: s, Imports: q, Now: time.Now}
	if _, _, err := p.Record(ctx, promobDelivery("msg_1", domain.EventSaved, 2), []byte(`{}`)); err == nil {
		t.Fatal("a delivery not queued was answered as accepted")
	}
	q.fail = false
	d, created, err := p.Record(ctx, promobDelivery("msg_1", domain.EventSaved, 2), []byte(`{}`))
	if err != nil || created || len(q.sent) != 1 {
		t.Fatalf("repeat: %+v created %v, %v, queued %d", d, created, err, len(q.sent))
	}
	if _, created, _ := p.Record(ctx, promobDelivery("msg_1", domain.EventSaved, 2), []byte(`{}`)); created || len(q.sent) != 1 {
		t.Fatalf("a queued delivery was queued again: %d", len(q.sent))
	}
}

func TestRecordRefusesChangesOfALockedEnvironment(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	lockE1(t, s)
	for _, typ := range []string{domain.EventSaved, domain.EventPrepared, domain.EventNegotiated} {
		t.Run(typ, func(t *testing.T) {
			q := &promobQueue{}
			p := sale.Promob{Store: s, Imports: q, Now: time.Now}
			before := e1History(t, s)
			for _, id := range []string{typ + "_1", typ + "_1", typ + "_2"} {
				if _, _, err := p.Record(ctx, promobDelivery(id, typ, 5), []byte(`{}`)); domain.ErrorCode(err) != domain.CodeLocked {
					t.Fatalf("%s: %v, want %s", id, err, domain.CodeLocked)
				}
			}
			if len(q.sent) != 0 {
				t.Fatalf("queued %v", q.sent)
			}
			if _, err := s.DeliveryBody(ctx, promobAccount, typ+"_1"); !domain.IsNotFound(err) {
				t.Fatalf("the refused delivery was stored: %v", err)
			}
			added := e1History(t, s)[len(before):]
			if len(added) != 2 {
				t.Fatalf("history added %+v; want one entry per webhook id", added)
			}
			for _, e := range added {
				if e.Kind != domain.HistoryRefusedChange || e.EnvironmentID != "e1" || e.By != domain.ByPromob {
					t.Fatalf("entry = %+v", e)
				}
			}
		})
	}
	// An event that changes no environment is not refused.
	p := sale.Promob{Store: s, Imports: &promobQueue{}, Now: time.Now}
	if _, created, err := p.Record(ctx, promobDelivery("created_1", domain.EventCreated, 5), []byte(`{}`)); err != nil || !created {
		t.Fatalf("environment.created: created %v, %v", created, err)
	}
}

// e1History returns the project p1's entries.
func e1History(t *testing.T, s *dynamo.Store) []domain.HistoryEntry {
	t.Helper()
	h, err := s.History(context.Background(), "s1", "p1")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// lockE1 imports version 1 of e1 when it has none, converts it, releases the
// project, and starts and completes the review: e1 is locked.
func lockE1(t *testing.T, s *dynamo.Store) domain.Environment {
	t.Helper()
	ctx := context.Background()
	env := readE1(t, s)
	if env.LatestVersion == 0 {
		imp := sale.Import{Store: s, Notifications: &promobQueue{}, Parse: parseLines, Now: time.Now}
		if _, err := imp.Event(ctx, prepared(1, "10.00")); err != nil {
			t.Fatal(err)
		}
	}
	startReviewE1(t, s)
	env = readE1(t, s)
	if _, err := s.MarkReviewUpdated(ctx, "s1", "e1", *env.ReviewStartedAt, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteReview(ctx, readE1(t, s), nil, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if env = readE1(t, s); !env.Locked {
		t.Fatalf("not locked: %+v", env)
	}
	return env
}

// startReviewE1 converts e1's version 1, releases the project and has
// reviewer rev-1 start the review.
func startReviewE1(t *testing.T, s *dynamo.Store) {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	env, err := s.Approve(ctx, readE1(t, s), domain.NewHistoryEntry(domain.HistoryApproved, "e1", 1, "seller-1", now, "approved"), now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReleaseFinancially(ctx, "s1", "p1", domain.NewHistoryEntry(domain.HistoryFinancialRelease, "", 0, "fin-1", now, "released")); err != nil {
		t.Fatal(err)
	}
	if err := s.StartReview(ctx, env, domain.NewHistoryEntry(domain.HistoryReviewStarted, "e1", 1, "rev-1", now, "started")); err != nil {
		t.Fatal(err)
	}
}

// readE1 reads e1.
func readE1(t *testing.T, s *dynamo.Store) domain.Environment {
	t.Helper()
	env, err := s.Environment(context.Background(), "s1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	return env
}
