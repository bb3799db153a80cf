package dynamo_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/shopspring/decimal"
)

// imported returns an environment of project p1 with version 1 (revision 1)
// imported.
func imported(t *testing.T, s *dynamo.Store) domain.Environment {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	if err := s.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa", CreatedBy: "u1", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	env := domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: "acc-1", PromobProjectID: "pp",
		PromobEnvironmentID: "pe", ImportStatus: domain.ImportPending, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	commit(t, s, env, 1)
	env, err := s.Environment(ctx, "s1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func commit(t *testing.T, s *dynamo.Store, env domain.Environment, rev int) {
	t.Helper()
	v := domain.Version{Number: env.LatestVersion + 1, PromobRevision: rev, Total: "10.00", Rules: json.RawMessage(`{}`)}
	entry := domain.NewHistoryEntry(domain.HistoryImported, env.ID, v.Number, domain.ByPromob, time.Now(), "imported")
	if err := s.CommitVersion(context.Background(), env, v, entry, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// concurrently runs fn n times at once and returns how many succeeded and
// the errors of the others.
func concurrently(n int, fn func() error) (ok int, errs []error) {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	for range n {
		wg.Go(func() {
			err := fn()
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
			} else {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return ok, errs
}

func TestWorkflowIsSafeUnderConcurrency(t *testing.T) {
	for name, newStore := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			ctx := context.Background()
			env := imported(t, s)
			entry := func(kind string) domain.HistoryEntry {
				return domain.NewHistoryEntry(kind, env.ID, env.LatestVersion, "u1", time.Now(), kind)
			}

			// Outdated: the approval is refused with the revision waiting.
			if _, err := s.RecordPromobRevision(ctx, "s1", "e1", 2, time.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Approve(ctx, env, entry(domain.HistoryApproved), time.Now()); domain.ErrorCode(err) != domain.CodeOutdated {
				t.Fatalf("approve while outdated: %v", err)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			commit(t, s, env, 2)
			env, _ = s.Environment(ctx, "s1", "e1")

			ok, errs := concurrently(4, func() error { _, err := s.Approve(ctx, env, entry(domain.HistoryApproved), time.Now()); return err })
			if ok != 1 {
				t.Fatalf("%d approvals succeeded: %v", ok, errs)
			}
			for _, err := range errs {
				if domain.ErrorCode(err) != domain.CodeAlreadyConverted {
					t.Fatalf("a concurrent approval failed with %v", err)
				}
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			if env.ConvertedVersion != 2 {
				t.Fatalf("convertedVersion = %d", env.ConvertedVersion)
			}

			if _, err := s.StartReview(ctx, env, entry(domain.HistoryReviewStarted)); domain.ErrorCode(err) != domain.CodeNotFinanciallyReleased {
				t.Fatalf("review before release: %v", err)
			}
			released := 0
			for range 2 {
				p, first, err := s.ReleaseFinancially(ctx, "s1", "p1", entry(domain.HistoryFinancialRelease))
				if err != nil || p.FinanciallyReleasedAt == nil {
					t.Fatalf("release: %+v %v", p, err)
				}
				if first {
					released++
				}
			}
			if _, _, err := s.ReleaseFinancially(ctx, "s1", "p9", entry(domain.HistoryFinancialRelease)); !domain.IsNotFound(err) {
				t.Fatalf("release of a project that does not exist: %v", err)
			}

			var startedMu sync.Mutex
			started := 0
			if ok, errs := concurrently(3, func() error {
				first, err := s.StartReview(ctx, env, entry(domain.HistoryReviewStarted))
				if first {
					startedMu.Lock()
					started++
					startedMu.Unlock()
				}
				return err
			}); ok != 3 || started != 1 || released != 1 {
				t.Fatalf("starts: %d ok, %d first, %v; releases first %d", ok, started, errs, released)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			if err := s.CompleteReview(ctx, env, nil, nil, time.Now()); domain.ErrorCode(err) != domain.CodeUpdateRequired {
				t.Fatalf("complete before an update: %v", err)
			}
			commit(t, s, env, 3)
			env, _ = s.Environment(ctx, "s1", "e1")
			orders := []domain.PurchaseOrder{{ID: domain.NewID(), EnvironmentID: "e1", Version: 3, Supplier: "Hettich", Total: domain.Cents(decimal.RequireFromString("20")),
				Lines: []domain.PurchaseLine{{Reference: "C", Description: "Dobradiça", Quantity: decimal.NewFromInt(4), Unit: "UN", Cost: domain.Cents(decimal.RequireFromString("20"))}}}}
			ok, errs = concurrently(3, func() error {
				return s.CompleteReview(ctx, env, orders, []domain.HistoryEntry{entry(domain.HistoryReviewCompleted)}, time.Now())
			})
			if ok != 1 {
				t.Fatalf("%d completions succeeded: %v", ok, errs)
			}
			for _, err := range errs {
				if domain.ErrorCode(err) != domain.CodeLocked {
					t.Fatalf("a concurrent completion failed with %v", err)
				}
			}
			got, err := s.PurchaseOrders(ctx, env)
			if err != nil || len(got) != 1 || got[0].Supplier != "Hettich" || len(got[0].Lines) != 1 || !got[0].Lines[0].Quantity.Equal(decimal.NewFromInt(4)) ||
				got[0].Total.String() != "20.00" || got[0].Lines[0].Cost.String() != "20.00" {
				t.Fatalf("purchase orders = %+v, %v", got, err)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			if !env.Locked || env.ReviewCompletedAt == nil {
				t.Fatalf("after completion: %+v", env)
			}
			// A locked environment takes no version.
			if err := s.CommitVersion(ctx, env, domain.Version{Number: 4, PromobRevision: 4, Total: "1.00", Rules: json.RawMessage(`{}`)},
				entry(domain.HistoryImported), time.Now()); !errors.Is(err, domain.ErrChanged) {
				t.Fatalf("commit on a locked environment: %v", err)
			}

			// Once-only entries.
			for range 2 {
				if err := s.AddHistory(ctx, "s1", "p1", entry(domain.HistoryOutdated), "outdated#e1#9"); err != nil {
					t.Fatal(err)
				}
			}
			hist, err := s.History(ctx, "s1", "p1")
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for i, e := range hist {
				count[e.Kind]++
				if i > 0 && e.ID <= hist[i-1].ID {
					t.Fatalf("history not in time order: %+v", hist)
				}
			}
			want := map[string]int{"imported": 3, "approved": 1, "financial_release": 1, "review_started": 1, "review_completed": 1, "outdated": 1}
			for k, n := range want {
				if count[k] != n {
					t.Fatalf("history kinds = %v, want %v", count, want)
				}
			}
		})
	}
}
