package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
)

// seedProject stores a client, a project and an environment waiting to be
// created in Promob, for store s1.
func seedProject(t *testing.T, store *dynamo.Store) (clientID, projectID, envID string) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clientID, projectID, envID = domain.NewID(), domain.NewID(), domain.NewID()
	mustOK(t, store.CreateClient(ctx, domain.Client{ID: clientID, StoreID: "s1", Name: "Maria", Document: "52998224725",
		DocumentType: "cpf", CreatedAt: now, PromobSync: domain.PromobSync{Status: domain.SyncPending}}))
	mustOK(t, store.CreateProject(ctx, domain.Project{ID: projectID, StoreID: "s1", ClientID: clientID, Name: "Casa", CreatedBy: "u1", CreatedAt: now}))
	mustOK(t, store.CreateEnvironment(ctx, domain.Environment{ID: envID, StoreID: "s1", ProjectID: projectID, Name: "Cozinha",
		Status: domain.EnvCreating, CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}))
	return clientID, projectID, envID
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestClientSync(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			store, ctx := open(t), context.Background()
			cid, _, _ := seedProject(t, store)
			steps := []struct {
				name     string
				clientID string
				set      domain.PromobSync
				code     string
				want     domain.PromobSync
			}{
				{"failed while pending", cid, domain.PromobSync{Status: domain.SyncFailed, Reason: "promob down"}, "", domain.PromobSync{Status: domain.SyncFailed, Reason: "promob down"}},
				{"queued again", cid, domain.PromobSync{Status: domain.SyncPending}, "", domain.PromobSync{Status: domain.SyncPending}},
				{"synced", cid, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}, "", domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}},
				{"the same customer again", cid, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}, "", domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}},
				{"another customer refused", cid, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-2"}, changed, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}},
				{"failed after synced refused", cid, domain.PromobSync{Status: domain.SyncFailed, Reason: "late"}, changed, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}},
				{"retry after synced refused", cid, domain.PromobSync{Status: domain.SyncPending}, changed, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}},
				{"unknown client", "nope", domain.PromobSync{Status: domain.SyncPending}, domain.CodeNotFound, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}},
			}
			for _, st := range steps {
				err := store.SetClientSync(ctx, "s1", st.clientID, st.set)
				if codeOf(err) != st.code {
					t.Fatalf("%s: err = %v, want code %q", st.name, err, st.code)
				}
				c, err := store.Client(ctx, "s1", cid)
				mustOK(t, err)
				if c.PromobSync != st.want {
					t.Fatalf("%s: sync = %+v, want %+v", st.name, c.PromobSync, st.want)
				}
			}
			if _, err := store.Client(ctx, "s2", cid); !domain.IsNotFound(err) {
				t.Fatalf("another store reads the client: %v", err)
			}
		})
	}
}

func TestProjectPromobIDUnderConcurrency(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			store, ctx := open(t), context.Background()
			_, pid, _ := seedProject(t, store)
			var wg sync.WaitGroup
			errs := make([]error, 10)
			for i := range errs {
				wg.Go(func() { errs[i] = store.SetProjectPromobID(ctx, "s1", pid, "pp-1") })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("writer %d: %v", i, err)
				}
			}
			if err := store.SetProjectPromobID(ctx, "s1", pid, "pp-2"); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("another Promob project: %v", err)
			}
			if err := store.SetProjectPromobID(ctx, "s2", pid, "pp-1"); !domain.IsNotFound(err) {
				t.Fatalf("another store's project: %v", err)
			}
			p, err := store.Project(ctx, "s1", pid)
			mustOK(t, err)
			if p.PromobProjectID != "pp-1" {
				t.Fatalf("promobProjectId = %q", p.PromobProjectID)
			}
		})
	}
}

func TestEnvironmentCreated(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			store, ctx := open(t), context.Background()
			now := time.Date(2026, 11, 28, 13, 0, 0, 0, time.UTC)
			_, _, eid := seedProject(t, store)
			env, err := store.Environment(ctx, "s1", eid)
			mustOK(t, err)
			if env.Status != domain.EnvCreating {
				t.Fatalf("status = %q", env.Status)
			}
			mustOK(t, store.SetEnvironmentCreation(ctx, "s1", eid, domain.EnvFailed, "promob down", now))
			if env, _ = store.Environment(ctx, "s1", eid); env.Status != domain.EnvFailed || env.StatusReason != "promob down" {
				t.Fatalf("after failure: %+v", env)
			}
			holdAccount(t, store, "s1", "acc-1")
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Go(func() { errs[i] = store.EnvironmentCreated(ctx, env, "acc-1", "pp-1", "pe-1", 1, now) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("writer %d: %v", i, err)
				}
			}
			got, err := store.EnvironmentByPromobID(ctx, "acc-1", "pe-1")
			mustOK(t, err)
			if got.ID != eid || got.Status != domain.EnvReady || got.StatusReason != "" || got.PromobProjectID != "pp-1" || got.PromobRevision != 1 {
				t.Fatalf("routed environment = %+v", got)
			}
			if err := store.EnvironmentCreated(ctx, env, "acc-1", "pp-1", "pe-2", 1, now); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("another Promob environment: %v", err)
			}
			if err := store.SetEnvironmentCreation(ctx, "s1", eid, domain.EnvFailed, "late", now); !errors.Is(err, domain.ErrChanged) {
				t.Fatalf("failure after ready: %v", err)
			}
			if err := store.SetEnvironmentCreation(ctx, "s2", eid, domain.EnvCreating, "", now); !domain.IsNotFound(err) {
				t.Fatalf("another store's environment: %v", err)
			}
		})
	}
}

func TestPromobLink(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			store, ctx := open(t), context.Background()
			first := time.Date(2026, 11, 28, 12, 0, 0, 123, time.UTC)
			second := first.Add(time.Hour)
			if _, err := store.PromobLink(ctx, "s1", "u1"); !domain.IsNotFound(err) {
				t.Fatalf("no link yet: %v", err)
			}
			mustOK(t, store.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u1", PromobUser: "ana", Status: domain.LinkLinked, SealedToken: "v1:x", LinkedAt: first}))
			mustOK(t, store.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u2", PromobUser: "bia", Status: domain.LinkLinked, SealedToken: "v1:y", LinkedAt: first}))
			mustOK(t, store.SeeUser(ctx, "s1", "u3", nil, first))
			mustOK(t, store.SeeUser(ctx, "s1", "u1", []domain.Role{domain.RoleSeller}, first))
			mustOK(t, store.SeeUser(ctx, "s1", "u1", []domain.Role{domain.RoleSeller}, second))
			if users, err := store.UserIDs(ctx, "s1"); err != nil || fmt.Sprint(users) != "[u1 u3]" {
				t.Fatalf("users = %v, %v (the links are not users)", users, err)
			}
			if links, err := store.PromobLinks(ctx, "s1"); err != nil || len(links) != 2 || links[0].PromobUser != "ana" || links[1].UserID != "u2" {
				t.Fatalf("links = %+v, %v", links, err)
			}
			steps := []struct {
				name     string
				linkedAt time.Time
				want     bool
			}{
				{"a link made at another time stays", second, false},
				{"the link expires", first, true},
				{"only once", first, false},
			}
			for _, st := range steps {
				changed, err := store.ExpirePromobLink(ctx, "s1", "u1", st.linkedAt, second)
				if err != nil || changed != st.want {
					t.Fatalf("%s: changed %v, %v", st.name, changed, err)
				}
			}
			l, err := store.PromobLink(ctx, "s1", "u1")
			mustOK(t, err)
			if l.Status != domain.LinkExpired || l.ExpiredAt == nil || !l.LinkedAt.Equal(first) || l.SealedToken != "v1:x" {
				t.Fatalf("link = %+v", l)
			}
			if links, _ := store.PromobLinks(ctx, "s1"); len(links) != 2 || links[0].Status != domain.LinkExpired || links[1].Status != domain.LinkLinked {
				t.Fatalf("links after expiry = %+v", links)
			}
			mustOK(t, store.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u1", PromobUser: "ana", Status: domain.LinkLinked, SealedToken: "v1:z", LinkedAt: second}))
			if changed, _ := store.ExpirePromobLink(ctx, "s1", "u1", first, second); changed {
				t.Fatal("the old link's refusal expired the new link")
			}
			if _, err := store.PromobLink(ctx, "s2", "u1"); !domain.IsNotFound(err) {
				t.Fatalf("another store reads the link: %v", err)
			}
			if links, err := store.PromobLinks(ctx, "s2"); err != nil || len(links) != 0 {
				t.Fatalf("another store lists links %+v, %v", links, err)
			}
		})
	}
}

// changed stands for domain.ErrChanged among error codes: a guarded write
// whose condition failed.
const changed = "changed"

// codeOf is err's code, or changed for domain.ErrChanged.
func codeOf(err error) string {
	if errors.Is(err, domain.ErrChanged) {
		return changed
	}
	return domain.ErrorCode(err)
}
