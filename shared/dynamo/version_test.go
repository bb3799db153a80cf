package dynamo_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
)

// seedImportable stores client c1, project p1 and environment e1 of store
// s1, linked to a Promob environment and waiting for its first import, and
// returns the environment.
func seedImportable(t *testing.T, s *dynamo.Store) domain.Environment {
	t.Helper()
	ctx := context.Background()
	mustOK(t, s.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: t0}))
	mustOK(t, s.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa", CreatedAt: t0}))
	env := domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: "acc",
		PromobProjectID: "pp", PromobEnvironmentID: "pe", ImportStatus: domain.ImportPending, CreatedAt: t0, UpdatedAt: t0}
	mustOK(t, s.CreateEnvironment(ctx, env))
	return env
}

// TestVersionsLatestIsTheNewest lists versions with an environment read
// before the newest version was committed, as a request does when an import
// commits between its two reads: the newest version, listed or read alone,
// is the latest.
func TestVersionsLatestIsTheNewest(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			env := seedImportable(t, s)
			list := func(read domain.Environment) string {
				t.Helper()
				vs, err := s.Versions(ctx, read)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, v := range vs {
					out = append(out, fmt.Sprintf("%d:%v", v.Number, v.Latest))
				}
				return strings.Join(out, " ")
			}
			stale := env
			for n := 1; n <= 2; n++ {
				current, err := s.Environment(ctx, "s1", "e1")
				if err != nil {
					t.Fatal(err)
				}
				v := domain.Version{Number: n, PromobRevision: n, Total: "1.00", Rules: []byte(`{}`)}
				entry := domain.NewHistoryEntry(domain.HistoryImported, current.ID, n, "importer", t0, "imported")
				if err := s.CommitVersion(ctx, current, v, entry, t0); err != nil {
					t.Fatal(err)
				}
				stale = current
			}
			tests := []struct {
				name string
				env  domain.Environment
				want string
			}{
				{"environment read before the newest version", stale, "2:true 1:false"},
				{"environment read before any version", env, "2:true 1:false"},
			}
			for _, tt := range tests {
				if got := list(tt.env); got != tt.want {
					t.Errorf("%s: versions %s, want %s", tt.name, got, tt.want)
				}
				var one []string
				for n := 1; n <= 2; n++ {
					v, err := s.Version(ctx, tt.env, n)
					if err != nil {
						t.Fatal(err)
					}
					one = append(one, fmt.Sprintf("%d:%v", v.Number, v.Latest))
				}
				if got := strings.Join(one, " "); got != "1:false 2:true" {
					t.Errorf("%s: one by one %s, want 1:false 2:true", tt.name, got)
				}
			}
			if _, err := s.Version(ctx, stale, 3); !domain.IsNotFound(err) {
				t.Errorf("version 3: %v, want not found", err)
			}
			fresh, err := s.Environment(ctx, "s1", "e1")
			if err != nil {
				t.Fatal(err)
			}
			if got := list(fresh); got != "2:true 1:false" || fresh.LatestVersion != 2 {
				t.Errorf("versions %s with latestVersion %d", got, fresh.LatestVersion)
			}
		})
	}
}

// TestDeleteItems writes the chunks of two revisions and deletes those of
// one: all of its chunks go, the other revision's stay.
func TestDeleteItems(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			write := func(revision int) int {
				t.Helper()
				rnd := rand.New(rand.NewPCG(uint64(revision), 1))
				starts, _, err := s.WriteItems(ctx, "s1", "e1", revision, func(emit func(any) error) error {
					for range 100 { // ~1 MB of hex, about two 300 KB chunks once compressed
						b := make([]byte, 5000)
						for i := range b {
							b[i] = byte(rnd.Uint32())
						}
						if err := emit(hex.EncodeToString(b)); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return len(starts)
			}
			one, two := write(1), write(2)
			if one < 2 {
				t.Fatalf("revision 1 wrote %d chunks, want several", one)
			}
			for _, step := range []struct {
				revision, want int
			}{{1, one}, {1, 0}, {2, two}} {
				if n, err := s.DeleteItems(ctx, "s1", "e1", step.revision); err != nil || n != step.want {
					t.Fatalf("DeleteItems(revision %d) = %d, %v; want %d", step.revision, n, err, step.want)
				}
			}
		})
	}
}

// TestLatestItemsReadsAsVersionItemsFrom reads the first items of the
// latest version with LatestItems (no version read first) and with
// VersionItemsFrom, for pages that end inside the first chunk, at its last
// item, in the next chunk and past the last item, and for a version
// without items: both give the same items, position and "more".
func TestLatestItemsReadsAsVersionItemsFrom(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			seedImportable(t, s)
			commit := func(revision, count int) (domain.Environment, domain.Version) {
				t.Helper()
				rnd := rand.New(rand.NewPCG(uint64(revision), 2))
				starts, _, err := s.WriteItems(ctx, "s1", "e1", revision, func(emit func(any) error) error {
					for i := range count { // 10 KB of hex each: 7 items in the first chunk, 26 in the others
						b := make([]byte, 5000)
						for j := range b {
							b[j] = byte(rnd.Uint32())
						}
						if err := emit(fmt.Sprintf("%d:%s", i, hex.EncodeToString(b))); err != nil {
							return err
						}
					}
					return nil
				})
				mustOK(t, err)
				current, err := s.Environment(ctx, "s1", "e1")
				mustOK(t, err)
				v := domain.Version{Number: current.LatestVersion + 1, PromobRevision: revision, Total: "1.00", Rules: []byte(`{}`), ItemCount: count, ChunkStarts: starts}
				entry := domain.NewHistoryEntry(domain.HistoryImported, current.ID, v.Number, "importer", t0, "imported")
				mustOK(t, s.CommitVersion(ctx, current, v, entry, t0))
				current, err = s.Environment(ctx, "s1", "e1")
				mustOK(t, err)
				v, err = s.Version(ctx, current, v.Number)
				mustOK(t, err)
				return current, v
			}
			read := func(limit int, from func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error)) string {
				t.Helper()
				var got []string
				pos, more, err := from(func(dec *json.Decoder) (bool, error) {
					var it string
					if err := dec.Decode(&it); err != nil {
						return false, err
					}
					got = append(got, it[:strings.IndexByte(it, ':')])
					return len(got) < limit, nil
				})
				mustOK(t, err)
				return fmt.Sprintf("%v %+v %v", got, pos, more)
			}
			compare := func(env domain.Environment, v domain.Version, limits []int) {
				t.Helper()
				for _, limit := range limits {
					latest := read(limit, func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
						return s.LatestItems(ctx, env, fn)
					})
					want := read(limit, func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
						return s.VersionItemsFrom(ctx, env, v, domain.ItemPos{}, fn)
					})
					if latest != want {
						t.Errorf("version %d, limit %d: LatestItems %s, VersionItemsFrom %s", v.Number, limit, latest, want)
					}
				}
			}
			env1, v1 := commit(1, 60)
			if len(v1.ChunkStarts) < 2 {
				t.Fatalf("version 1 has %d chunks, want several", len(v1.ChunkStarts))
			}
			first := v1.ChunkStarts[1]
			compare(env1, v1, []int{1, first - 1, first, first + 1, 60, 61})
			env2, v2 := commit(2, 3)
			if len(v2.ChunkStarts) != 1 {
				t.Fatalf("version 2 has %d chunks, want one", len(v2.ChunkStarts))
			}
			compare(env2, v2, []int{1, 2, 3, 4})
			env3, v3 := commit(3, 0)
			compare(env3, v3, []int{1})
		})
	}
}
