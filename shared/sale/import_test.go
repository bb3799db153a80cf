package sale_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
)

// prepared is an environment.prepared event of promobEnvID at the revision
// whose listing holds parts of the costs (see lineListing).
func prepared(revision int, costs ...string) sale.PromobEvent {
	return sale.PromobEvent{StoreID: "s1", AccountID: promobAccount, Type: domain.EventPrepared, EnvironmentID: promobEnvID, Revision: revision,
		Listing: func(context.Context) (io.Reader, error) { return lineListing(costs...), nil }}
}

// saved is an environment.saved event of promobEnvID at the revision.
func saved(revision int) sale.PromobEvent {
	return sale.PromobEvent{StoreID: "s1", AccountID: promobAccount, Type: domain.EventSaved, EnvironmentID: promobEnvID, Revision: revision}
}

func newImport(s sale.ImportStore, q message.Queue) sale.Import {
	return sale.Import{Store: s, Notifications: q, Parse: parseLines, Now: time.Now}
}

// raceStore runs before once, just before the first guarded write it
// names: the record changes between the use case's read and its write.
type raceStore struct {
	*dynamo.Store
	once   sync.Once
	before func()
}

func (s *raceStore) CommitVersion(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error {
	s.once.Do(s.before)
	return s.Store.CommitVersion(ctx, env, v, entry, now)
}

func (s *raceStore) RequestImport(ctx context.Context, env domain.Environment, now time.Time) error {
	s.once.Do(s.before)
	return s.Store.RequestImport(ctx, env, now)
}

func TestEventImportsANewerListingOnce(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	imp := newImport(s, &promobQueue{})
	v, err := imp.Event(ctx, prepared(2, "10.00", "5.50"))
	if err != nil || v.Number != 1 || v.ItemCount != 2 || v.PromobRevision != 2 || v.PromobIdentifier != "79a9ee88-guid/"+promobEnvID {
		t.Fatalf("import: %+v, %v", v, err)
	}
	env := readE1(t, s)
	if env.LatestVersion != 1 || env.ImportedRevision != 2 || env.ImportStatus != domain.ImportImported {
		t.Fatalf("after the import: %+v", env)
	}
	// A repeat, and an older revision delivered late, change nothing.
	for _, rev := range []int{2, 1} {
		if v, err := imp.Event(ctx, prepared(rev, "99.00")); err != nil || v.Number != 0 {
			t.Fatalf("revision %d again: %+v, %v", rev, v, err)
		}
	}
	if vs, err := s.Versions(ctx, env); err != nil || len(vs) != 1 || vs[0].Total != v.Total {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	if h := e1History(t, s); len(h) != 1 || h[0].Kind != domain.HistoryImported {
		t.Fatalf("history = %+v", h)
	}
}

func TestEventOfAnUnlinkedEnvironmentChangesNothing(t *testing.T) {
	s := promobStore(t)
	ev := prepared(1, "1.00")
	ev.StoreID = "s2" // another store's delivery naming this Promob environment
	if v, err := newImport(s, &promobQueue{}).Event(context.Background(), ev); err != nil || v.Number != 0 {
		t.Fatalf("got %+v, %v", v, err)
	}
	if env := readE1(t, s); env.LatestVersion != 0 {
		t.Fatalf("changed: %+v", env)
	}
}

func TestSaveMarksOutdatedAndNotifiesOncePerRevision(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	q := &promobQueue{}
	imp := newImport(s, q)
	if _, err := imp.Event(ctx, prepared(1, "10.00")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if v, err := imp.Event(ctx, saved(2)); err != nil || v.Number != 0 {
			t.Fatalf("save: %+v, %v", v, err)
		}
	}
	env := readE1(t, s)
	if !env.Outdated() || env.PromobRevision != 2 || env.LatestVersion != 1 {
		t.Fatalf("after the save: %+v", env)
	}
	if h := e1History(t, s); len(h) != 2 || h[1].Kind != domain.HistoryOutdated {
		t.Fatalf("history = %+v, want one outdated entry", h)
	}
	if len(q.sent) == 0 {
		t.Fatal("nobody was notified")
	}
	for _, m := range q.sent {
		n := m.(message.Notification)
		if n.UserID != "designer-1" || n.DedupeKey != "saved#e1#2" || n.Notification.Action.Type != "update_environment" {
			t.Fatalf("notification = %+v", n)
		}
	}
	// A save of a revision already imported tells nothing.
	sent := len(q.sent)
	if _, err := imp.Event(ctx, saved(1)); err != nil || len(q.sent) != sent {
		t.Fatalf("an old save: %v, sent %d", err, len(q.sent)-sent)
	}
}

func TestBadListingFailsTheImportForGood(t *testing.T) {
	s := promobStore(t)
	v, err := newImport(s, &promobQueue{}).Event(context.Background(), prepared(1, "10.00", "bad"))
	if err != nil || v.Number != 0 {
		t.Fatalf("got %+v, %v", v, err)
	}
	env := readE1(t, s)
	if env.ImportStatus != domain.ImportFailed || !strings.Contains(env.ImportError, "two AMBIENTs") || env.LatestVersion != 0 {
		t.Fatalf("after a bad listing: %+v", env)
	}
}

func TestImportFailureCarriesTheEnvironment(t *testing.T) {
	s := promobStore(t)
	ev := prepared(1)
	cut := errors.New("connection reset by peer")
	ev.Listing = func(context.Context) (io.Reader, error) {
		return io.MultiReader(lineListing("1.00"), &failingReader{cut}), nil
	}
	_, err := newImport(s, &promobQueue{}).Event(context.Background(), ev)
	var failure *sale.ImportFailed
	if !errors.As(err, &failure) || failure.Env.ID != "e1" || !errors.Is(err, cut) {
		t.Fatalf("got %v, want an ImportFailed of e1", err)
	}
	if env := readE1(t, s); env.LatestVersion != 0 {
		t.Fatalf("changed: %+v", env)
	}
}

type failingReader struct{ err error }

func (r *failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestLockedEnvironmentTakesNothingFromPromob(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	before := lockE1(t, s)
	q := &promobQueue{}
	imp := newImport(s, q)
	for _, ev := range []sale.PromobEvent{saved(5), prepared(5, "1.00")} {
		if _, err := imp.Event(ctx, ev); domain.ErrorCode(err) != domain.CodeLocked {
			t.Fatalf("%s: %v, want %s", ev.Type, err, domain.CodeLocked)
		}
	}
	fetched := false
	fetch := func(context.Context, domain.Account, domain.Environment) (int, io.ReadCloser, error) {
		fetched = true
		return 5, io.NopCloser(lineListing("1.00")), nil
	}
	if _, err := imp.Update(ctx, "s1", "e1", fetch); domain.ErrorCode(err) != domain.CodeLocked || fetched {
		t.Fatalf("update: %v (fetched %v), want %s", err, fetched, domain.CodeLocked)
	}
	if env := readE1(t, s); env.LatestVersion != before.LatestVersion || env.PromobRevision != before.PromobRevision || len(q.sent) != 0 {
		t.Fatalf("changed: %+v, notified %v", env, q.sent)
	}
}

func TestCommitRacedByTheLockAnswersTheLock(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	if _, err := newImport(s, &promobQueue{}).Event(ctx, prepared(1, "10.00")); err != nil {
		t.Fatal(err)
	}
	rs := &raceStore{Store: s, before: func() { lockE1(t, s) }}
	if _, err := newImport(rs, &promobQueue{}).Event(ctx, prepared(2, "20.00")); domain.ErrorCode(err) != domain.CodeLocked {
		t.Fatalf("got %v, want %s", err, domain.CodeLocked)
	}
	if env := readE1(t, s); env.LatestVersion != 1 || env.ImportedRevision != 1 {
		t.Fatalf("a locked environment took a version: %+v", env)
	}
}

func TestCommitRacedByASaveImportsOnTheNewState(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	rs := &raceStore{Store: s, before: func() {
		if _, err := s.RecordPromobRevision(ctx, "s1", "e1", 3, time.Now()); err != nil {
			t.Error(err)
		}
	}}
	v, err := newImport(rs, &promobQueue{}).Event(ctx, prepared(2, "20.00"))
	if err != nil || v.Number != 1 {
		t.Fatalf("got %+v, %v", v, err)
	}
	if env := readE1(t, s); env.LatestVersion != 1 || env.ImportedRevision != 2 || env.PromobRevision != 3 || !env.Outdated() {
		t.Fatalf("after the raced import: %+v", env)
	}
}

func TestUpdateWithNothingNewerIsTheReviewsUpdate(t *testing.T) {
	ctx := context.Background()
	s := promobStore(t)
	imp := newImport(s, &promobQueue{})
	fetch := func(rev int) sale.Fetch {
		return func(_ context.Context, acc domain.Account, env domain.Environment) (int, io.ReadCloser, error) {
			if acc.AccountID != promobAccount || env.ID != "e1" {
				t.Errorf("fetched %s of %s", env.ID, acc.AccountID)
			}
			return rev, io.NopCloser(lineListing("10.00")), nil
		}
	}
	if v, err := imp.Update(ctx, "s1", "e1", fetch(1)); err != nil || v.Number != 1 {
		t.Fatalf("first update: %+v, %v", v, err)
	}
	startReviewE1(t, s)
	if !readE1(t, s).UpdateRequired() {
		t.Fatal("the review does not wait for its update")
	}
	if v, err := imp.Update(ctx, "s1", "e1", fetch(1)); err != nil || v.Number != 0 {
		t.Fatalf("update with nothing newer: %+v, %v", v, err)
	}
	if env := readE1(t, s); env.UpdateRequired() || env.ReviewUpdatedAt == nil || env.ImportStatus != domain.ImportImported {
		t.Fatalf("after the review's update: %+v", env)
	}
	// A fetch that fails is an ImportFailed; an environment gone, nothing.
	cut := errors.New("promob: 503")
	failing := func(context.Context, domain.Account, domain.Environment) (int, io.ReadCloser, error) {
		return 0, nil, cut
	}
	var failure *sale.ImportFailed
	if _, err := imp.Update(ctx, "s1", "e1", failing); !errors.As(err, &failure) || !errors.Is(err, cut) {
		t.Fatalf("failed fetch: %v", err)
	}
	if _, err := imp.Update(ctx, "s1", "gone", failing); err != nil {
		t.Fatalf("an environment gone: %v", err)
	}
}

func TestRequestUpdate(t *testing.T) {
	ctx := context.Background()
	actor := domain.Identity{StoreID: "s1", UserID: "seller-1"}
	t.Run("allowed: pending and queued", func(t *testing.T) {
		s := promobStore(t)
		q := &promobQueue{}
		env := readE1(t, s)
		got, err := sale.Updates{Store: s, Imports: q, Now: time.Now}.Request(ctx, actor, env)
		if err != nil || got.ImportStatus != domain.ImportPending {
			t.Fatalf("got %+v, %v", got, err)
		}
		if stored := readE1(t, s); stored.ImportStatus != domain.ImportPending || stored.ImportError != "" {
			t.Fatalf("stored %+v", stored)
		}
		msg, ok := q.sent[0].(message.Import)
		if len(q.sent) != 1 || !ok || msg.Kind != message.KindUpdate || msg.EnvironmentID != "e1" || msg.UserID != "seller-1" ||
			q.dedups[0] != promobAccount+":"+promobEnvID+"|update:e1:"+strconv.FormatInt(env.UpdatedAt.UnixNano(), 10) {
			t.Fatalf("queued %+v %v", q.sent, q.dedups)
		}
	})
	t.Run("locked", func(t *testing.T) {
		s := promobStore(t)
		env := lockE1(t, s)
		q := &promobQueue{}
		if _, err := (sale.Updates{Store: s, Imports: q, Now: time.Now}).Request(ctx, actor, env); domain.ErrorCode(err) != domain.CodeLocked || len(q.sent) != 0 {
			t.Fatalf("got %v, queued %d", err, len(q.sent))
		}
		if got := readE1(t, s); got.ImportStatus != env.ImportStatus || !got.UpdatedAt.Equal(env.UpdatedAt) {
			t.Fatalf("changed: %+v", got)
		}
	})
	t.Run("not in Promob yet", func(t *testing.T) {
		s := promobStore(t)
		now := time.Now().UTC()
		env := domain.Environment{ID: "e2", StoreID: "s1", ProjectID: "p1", Name: "Sala", PromobAccountID: promobAccount, Status: domain.EnvCreating,
			ImportStatus: domain.ImportNone, CreatedBy: "seller-1", CreatedAt: now, UpdatedAt: now}
		if err := s.CreateEnvironment(ctx, env); err != nil {
			t.Fatal(err)
		}
		q := &promobQueue{}
		if _, err := (sale.Updates{Store: s, Imports: q, Now: time.Now}).Request(ctx, actor, env); domain.ErrorCode(err) != domain.CodeConflict || len(q.sent) != 0 {
			t.Fatalf("got %v, queued %d", err, len(q.sent))
		}
	})
	t.Run("raced by the lock", func(t *testing.T) {
		s := promobStore(t)
		if _, err := newImport(s, &promobQueue{}).Event(ctx, prepared(1, "1.00")); err != nil {
			t.Fatal(err)
		}
		env := readE1(t, s)
		rs := &raceStore{Store: s, before: func() { lockE1(t, s) }}
		q := &promobQueue{}
		if _, err := (sale.Updates{Store: rs, Imports: q, Now: time.Now}).Request(ctx, actor, env); domain.ErrorCode(err) != domain.CodeLocked || len(q.sent) != 0 {
			t.Fatalf("got %v, queued %d", err, len(q.sent))
		}
		if got := readE1(t, s); got.ImportStatus != domain.ImportImported {
			t.Fatalf("import status %q", got.ImportStatus)
		}
	})
	t.Run("not queued: the import fails with the reason", func(t *testing.T) {
		s := promobStore(t)
		q := &promobQueue{fail: true}
		if _, err := (sale.Updates{Store: s, Imports: q, Now: time.Now}).Request(ctx, actor, readE1(t, s)); err == nil {
			t.Fatal("an update not queued was accepted")
		}
		if got := readE1(t, s); got.ImportStatus != domain.ImportFailed || !strings.Contains(got.ImportError, "could not be queued") {
			t.Fatalf("after a failed send: %+v", got)
		}
	})
}
