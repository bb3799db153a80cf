package importer_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// kinds returns the kinds of the project's history, oldest first.
func (f *fixture) kinds() []string {
	f.t.Helper()
	hist, err := f.store.History(context.Background(), "s1", "p1")
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range hist {
		out = append(out, e.Kind)
	}
	return out
}

// startReview converts the environment's version 1, releases its project
// and has reviewer rev-1 start the review.
func (f *fixture) startReview() {
	f.t.Helper()
	ctx, now := context.Background(), time.Now()
	env, err := f.store.Approve(ctx, f.environment(), domain.NewHistoryEntry(domain.HistoryApproved, "e1", 1, "seller-1", now, "approved"), now)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.ReleaseFinancially(ctx, "s1", "p1", domain.NewHistoryEntry(domain.HistoryFinancialRelease, "", 0, "fin-1", now, "released")); err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.StartReview(ctx, env, domain.NewHistoryEntry(domain.HistoryReviewStarted, "e1", 1, "rev-1", now, "started")); err != nil {
		f.t.Fatal(err)
	}
}

func TestSavesAfterConversionNotifyTheReviewerAndLockStopsImports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if failed := f.deliver(domain.EventPrepared, 1, listingXML(20, 1), 1); failed != nil {
		t.Fatalf("prepared failed: %v", failed)
	}
	f.startReview()

	// Promob saves revision 2, delivered twice: one outdated entry, and the
	// reviewer is notified with a once-only key.
	for range 2 {
		if failed := f.deliver(domain.EventSaved, 2, nil, 1); failed != nil {
			t.Fatalf("saved failed: %v", failed)
		}
	}
	keys := map[string]bool{}
	for _, m := range f.notes.sent {
		if m.UserID != "rev-1" {
			continue
		}
		if a := m.Notification.Action; a == nil || a.Type != "review_environment" || a.EnvironmentID != "e1" || a.ProjectID != "p1" {
			t.Fatalf("reviewer's notification action = %+v", a)
		}
		keys[m.DedupeKey] = true
	}
	if len(keys) != 1 || !keys["saved#e1#2"] {
		t.Fatalf("reviewer notifications' keys = %v", keys)
	}
	if want := []string{"imported", "approved", "financial_release", "review_started", "outdated"}; !slices.Equal(f.kinds(), want) {
		t.Fatalf("history = %v, want %v", f.kinds(), want)
	}

	if failed := f.deliver(domain.EventPrepared, 2, listingXML(20, 2), 1); failed != nil {
		t.Fatalf("prepared 2 failed: %v", failed)
	}
	env := f.environment()
	if err := f.store.CompleteReview(ctx, env, nil, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Events queued before the lock change nothing.
	f.promob.put(3, listingXML(20, 3))
	if failed := f.deliver(domain.EventPrepared, 3, listingXML(20, 3), 1); failed != nil {
		t.Fatalf("prepared 3 failed: %v", failed)
	}
	if failed := f.deliver(domain.EventSaved, 4, nil, 1); failed != nil {
		t.Fatalf("saved 4 failed: %v", failed)
	}
	if failed := f.update(1); failed != nil {
		t.Fatalf("update failed: %v", failed)
	}
	if got := f.environment(); got.LatestVersion != 2 || got.PromobRevision != 2 || !got.Locked {
		t.Fatalf("locked environment changed: %+v", got)
	}
}

// TestUpdateWithNothingNewerDoesTheReviewsUpdate: the review's mandatory
// update finds Promob still at the converted revision; the update is done
// all the same and the review completes. An update that asked Promob
// before the review started does not count.
func TestUpdateWithNothingNewerDoesTheReviewsUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.promob.put(1, listingXML(20, 1))
	if failed := f.update(1); failed != nil {
		t.Fatalf("import failed: %v", failed)
	}
	f.startReview()
	env := f.environment()
	if !env.UpdateRequired() || env.UpdateSatisfiesReview(env.ReviewStartedAt.Add(-time.Second)) {
		t.Fatalf("after the start: updateRequired %v", env.UpdateRequired())
	}
	if err := env.CanCompleteReview(); domain.ErrorCode(err) != domain.CodeUpdateRequired {
		t.Fatalf("complete before the update: %v, want update_required", err)
	}
	if err := f.store.CompleteReview(ctx, env, nil, nil, time.Now()); !errors.Is(err, domain.ErrChanged) {
		t.Fatalf("complete before the update written: %v, want a failed condition", err)
	}
	if failed := f.update(1); failed != nil {
		t.Fatalf("update failed: %v", failed)
	}
	env = f.environment()
	if env.UpdateRequired() || env.ReviewUpdatedAt == nil || env.LatestVersion != 1 || env.ImportStatus != domain.ImportImported {
		t.Fatalf("after an update with nothing newer: %+v", env)
	}
	if err := f.store.CompleteReview(ctx, env, nil, nil, time.Now()); err != nil {
		t.Fatalf("complete after the update: %v", err)
	}
}
