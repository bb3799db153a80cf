package dynamo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/page"
)

// all reads every page of a list of size pages, failing on a page over
// size or when a page comes back with a cursor forever.
func all[T any](t *testing.T, size int, list func(page.Request) (page.Page[T], error)) []T {
	t.Helper()
	var out []T
	req := page.Request{Limit: size}
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("the list never ends")
		}
		p, err := list(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > size {
			t.Fatalf("a page of %d entries for a limit of %d", len(p.Items), size)
		}
		out = append(out, p.Items...)
		if p.Next == nil {
			return out
		}
		// Callers pass the cursor back as text.
		if req.Cursor, err = page.Decode(p.NextCursor()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestClientsList(t *testing.T) {
	ctx := context.Background()
	names := []string{"Ana Silva", "José Silva", "Bruno Souza", "ANA PAULA", "Carla Dias", "João Sílvio", "Maria"}
	docs := []string{"52998224725", "11144477735", "11222333000181", "12345678909", "98765432100", "52998224700", "39053344705"}
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			var ids []string
			for i, n := range names {
				c := domain.Client{ID: domain.NewID(), StoreID: "s1", Name: n, Document: docs[i], DocumentType: "cpf", CreatedAt: t0}
				mustOK(t, s.CreateClient(ctx, c))
				ids = append(ids, c.ID)
			}
			mustOK(t, s.CreateClient(ctx, domain.Client{ID: domain.NewID(), StoreID: "s2", Name: "Ana Silva", Document: docs[0], DocumentType: "cpf", CreatedAt: t0}))

			got := all(t, 3, func(r page.Request) (page.Page[domain.Client], error) { return s.Clients(ctx, "s1", "", r) })
			var gotIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
			}
			slices.Reverse(ids)
			if !slices.Equal(gotIDs, ids) {
				t.Fatalf("clients %v, want the store's, newest first: %v", gotIDs, ids)
			}

			for _, tc := range []struct{ q, want string }{
				{"silva", "Ana Silva,José Silva"},
				{"  SÍLV ", "Ana Silva,José Silva,João Sílvio"},
				{"ana", "Ana Silva,ANA PAULA"},
				{"529.982.247", "Ana Silva,João Sílvio"},
				{"11222333000181", "Bruno Souza"},
				{"zzz", ""},
			} {
				found := all(t, 2, func(r page.Request) (page.Page[domain.Client], error) { return s.Clients(ctx, "s1", tc.q, r) })
				var gotNames []string
				for _, c := range found {
					gotNames = append(gotNames, c.Name)
				}
				slices.Sort(gotNames)
				want := []string{}
				if tc.want != "" {
					want = splitSorted(tc.want)
				}
				if fmt.Sprint(gotNames) != fmt.Sprint(want) {
					t.Errorf("q=%q: %v, want %v", tc.q, gotNames, want)
				}
			}

			first, err := s.Clients(ctx, "s1", "", page.Request{Limit: 2})
			if err != nil || first.Next == nil {
				t.Fatalf("first page: %v, next %v", err, first.Next)
			}
			if _, err := s.Clients(ctx, "s2", "", page.Request{Limit: 2, Cursor: first.Next}); domain.ErrorCode(err) != domain.CodeInvalid {
				t.Fatalf("another store's cursor: %v, want invalid_request", err)
			}
		})
	}
}

func splitSorted(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	slices.Sort(out)
	return out
}

// TestProjectsList: the store's projects newest activity first, a client's,
// and by state as the workflow moves them.
func TestProjectsList(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			env := imported(t, s) // client c1, project p1 (created now), environment e1 with version 1
			mustOK(t, s.CreateClient(ctx, domain.Client{ID: "c2", StoreID: "s1", Name: "Bia", Document: "11144477735", DocumentType: "cpf", CreatedAt: t0}))
			for i := range 5 {
				mustOK(t, s.CreateProject(ctx, domain.Project{ID: fmt.Sprintf("q%d", i), StoreID: "s1", ClientID: "c2", Name: "Sala",
					CreatedBy: "u1", CreatedAt: t0.Add(time.Duration(i) * time.Minute)}))
			}
			mustOK(t, s.CreateClient(ctx, domain.Client{ID: "c2", StoreID: "s2", Name: "Bia", Document: "11144477735", DocumentType: "cpf", CreatedAt: t0}))
			mustOK(t, s.CreateProject(ctx, domain.Project{ID: "other", StoreID: "s2", ClientID: "c2", Name: "x", CreatedAt: t0.Add(time.Hour)}))
			ids := func(f domain.ProjectFilter) []string {
				var out []string
				for _, p := range all(t, 2, func(r page.Request) (page.Page[domain.Project], error) { return s.Projects(ctx, "s1", f, r) }) {
					if p.Environments != nil {
						t.Errorf("project %s listed with its environments", p.ID)
					}
					out = append(out, p.ID+":"+p.State)
				}
				return out
			}
			want := []string{"p1:open", "q4:open", "q3:open", "q2:open", "q1:open", "q0:open"}
			if got := ids(domain.ProjectFilter{}); !slices.Equal(got, want) {
				t.Fatalf("projects %v, want %v", got, want)
			}
			if got := ids(domain.ProjectFilter{ClientID: "c1"}); !slices.Equal(got, []string{"p1:open"}) {
				t.Fatalf("c1's projects %v", got)
			}

			// q0 is released, then p1 approved: each moves to the front.
			entry := domain.NewHistoryEntry(domain.HistoryFinancialRelease, "", 0, "f1", time.Now().Add(time.Second), "released")
			if _, err := s.ReleaseFinancially(ctx, "s1", "q0", entry); err != nil {
				t.Fatal(err)
			}
			approval := domain.NewHistoryEntry(domain.HistoryApproved, env.ID, 1, "u1", time.Now().Add(2*time.Second), "approved")
			if _, err := s.Approve(ctx, env, approval, time.Now().Add(2*time.Second)); err != nil {
				t.Fatal(err)
			}
			want = []string{"p1:converted", "q0:open", "q4:open", "q3:open", "q2:open", "q1:open"}
			if got := ids(domain.ProjectFilter{}); !slices.Equal(got, want) {
				t.Fatalf("after the release and the approval: %v, want %v", got, want)
			}
			if got := ids(domain.ProjectFilter{State: domain.ProjectConverted}); !slices.Equal(got, []string{"p1:converted"}) {
				t.Fatalf("converted projects %v", got)
			}
			if got := ids(domain.ProjectFilter{ClientID: "c2", State: domain.ProjectOpen}); len(got) != 5 {
				t.Fatalf("c2's open projects %v", got)
			}
			if got := ids(domain.ProjectFilter{State: domain.ProjectLocked}); len(got) != 0 {
				t.Fatalf("locked projects %v", got)
			}
			if _, err := s.Projects(ctx, "s1", domain.ProjectFilter{State: "closed"}, page.First); domain.ErrorCode(err) != domain.CodeInvalid {
				t.Fatalf("unknown state: %v", err)
			}
			first, err := s.Projects(ctx, "s1", domain.ProjectFilter{}, page.Request{Limit: 1})
			if err != nil || first.Next == nil {
				t.Fatal(err)
			}
			if _, err := s.Projects(ctx, "s1", domain.ProjectFilter{ClientID: "c2"}, page.Request{Limit: 1, Cursor: first.Next}); domain.ErrorCode(err) != domain.CodeInvalid {
				t.Fatalf("the store list's cursor on a client's list: %v", err)
			}
		})
	}
}

func TestUsersList(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			for _, u := range []string{"u3", "u1", "u2"} {
				mustOK(t, s.SeeUser(ctx, "s1", u, []domain.Role{domain.RoleSeller}, t0))
			}
			mustOK(t, s.SeeUser(ctx, "s1", "u1", []domain.Role{domain.RoleAdmin}, t0.Add(time.Hour)))
			mustOK(t, s.SeeUser(ctx, "s2", "x", nil, t0))
			mustOK(t, s.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u2", PromobUser: "designer", Status: domain.LinkLinked, SealedToken: "t", LinkedAt: t0}))
			got := all(t, 2, func(r page.Request) (page.Page[domain.User], error) { return s.Users(ctx, "s1", r) })
			var summary []string
			for _, u := range got {
				summary = append(summary, fmt.Sprintf("%s:%v:%s", u.ID, u.Roles, u.PromobLink.Status))
			}
			want := []string{"u1:[admin]:not_linked", "u2:[seller]:linked", "u3:[seller]:not_linked"}
			if !slices.Equal(summary, want) {
				t.Fatalf("users %v, want %v", summary, want)
			}
			if !got[0].LastSeenAt.Equal(t0.Add(time.Hour)) {
				t.Errorf("u1 last seen %v", got[0].LastSeenAt)
			}
		})
	}
}
