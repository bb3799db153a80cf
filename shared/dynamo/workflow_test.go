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

// TestWorkflowWritesAreGuarded: each write of the sale's workflow happens
// once, under its condition, whatever the concurrency; a write whose
// condition fails returns domain.ErrChanged and writes nothing (package
// sale answers the refusals).
func TestWorkflowWritesAreGuarded(t *testing.T) {
	for name, newStore := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			ctx := context.Background()
			env := imported(t, s)
			entry := func(kind string) domain.HistoryEntry {
				return domain.NewHistoryEntry(kind, env.ID, env.LatestVersion, "u1", time.Now(), kind)
			}
			changed := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, domain.ErrChanged) {
					t.Fatalf("%s: %v, want domain.ErrChanged", what, err)
				}
			}

			// Outdated: the approval's condition fails.
			if _, err := s.RecordPromobRevision(ctx, "s1", "e1", 2, time.Now()); err != nil {
				t.Fatal(err)
			}
			_, err := s.Approve(ctx, env, entry(domain.HistoryApproved), time.Now())
			changed("approve while outdated", err)
			env, _ = s.Environment(ctx, "s1", "e1")
			commit(t, s, env, 2)
			env, _ = s.Environment(ctx, "s1", "e1")

			ok, errs := concurrently(4, func() error { _, err := s.Approve(ctx, env, entry(domain.HistoryApproved), time.Now()); return err })
			if ok != 1 {
				t.Fatalf("%d approvals succeeded: %v", ok, errs)
			}
			for _, err := range errs {
				changed("a concurrent approval", err)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			if env.ConvertedVersion != 2 {
				t.Fatalf("convertedVersion = %d", env.ConvertedVersion)
			}

			changed("review before release", s.StartReview(ctx, env, entry(domain.HistoryReviewStarted)))
			if p, err := s.ProjectRecord(ctx, "s1", "p1"); err != nil || p.FinanciallyReleased() || p.ID != "p1" {
				t.Fatalf("project before the release: %+v %v", p, err)
			}
			p, err := s.ReleaseFinancially(ctx, "s1", "p1", entry(domain.HistoryFinancialRelease))
			if err != nil || p.FinanciallyReleasedAt == nil || p.FinanciallyReleasedBy != "u1" {
				t.Fatalf("release: %+v %v", p, err)
			}
			_, err = s.ReleaseFinancially(ctx, "s1", "p1", entry(domain.HistoryFinancialRelease))
			changed("release again", err)
			if again, err := s.ProjectRecord(ctx, "s1", "p1"); err != nil || !again.FinanciallyReleasedAt.Equal(*p.FinanciallyReleasedAt) {
				t.Fatalf("project after a second release: %+v %v", again, err)
			}
			_, err = s.ReleaseFinancially(ctx, "s1", "p9", entry(domain.HistoryFinancialRelease))
			changed("release of a project that does not exist", err)
			if _, err := s.ProjectRecord(ctx, "s1", "p9"); !domain.IsNotFound(err) {
				t.Fatalf("project that does not exist: %v", err)
			}

			if ok, errs := concurrently(3, func() error { return s.StartReview(ctx, env, entry(domain.HistoryReviewStarted)) }); ok != 1 {
				t.Fatalf("%d starts succeeded: %v", ok, errs)
			} else {
				for _, err := range errs {
					changed("a concurrent start", err)
				}
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			changed("complete before an update", s.CompleteReview(ctx, env, nil, nil, time.Now()))
			commit(t, s, env, 3)
			stale := env
			env, _ = s.Environment(ctx, "s1", "e1")
			changed("complete as of an older version", s.CompleteReview(ctx, stale, nil, nil, time.Now()))
			orders := []domain.PurchaseOrder{{ID: domain.NewID(), EnvironmentID: "e1", Version: 3, Supplier: "Hettich", Total: domain.Cents(decimal.RequireFromString("20")),
				Lines: []domain.PurchaseLine{{Reference: "C", Description: "Dobradiça", Quantity: decimal.NewFromInt(4), Unit: "UN", Cost: domain.Cents(decimal.RequireFromString("20"))}}}}
			ok, errs = concurrently(3, func() error {
				return s.CompleteReview(ctx, env, orders, []domain.HistoryEntry{entry(domain.HistoryReviewCompleted)}, time.Now())
			})
			if ok != 1 {
				t.Fatalf("%d completions succeeded: %v", ok, errs)
			}
			for _, err := range errs {
				changed("a concurrent completion", err)
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
