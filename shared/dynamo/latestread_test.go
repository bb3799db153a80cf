package dynamo_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// rawBackends returns the DynamoDB clients every store test runs on, each
// with a fresh table.
func rawBackends() map[string]func(t *testing.T) (dynamo.Client, string) {
	return map[string]func(t *testing.T) (dynamo.Client, string){
		"minidyn": func(t *testing.T) (dynamo.Client, string) {
			c := miniclient.NewClient()
			return c, dynamotest.CreateTable(t, c)
		},
		"dynamodb-local": func(t *testing.T) (dynamo.Client, string) {
			c := local.DynamoDB()
			return c, dynamotest.CreateTable(t, c)
		},
	}
}

// importer writes and commits versions of environments as the importer
// does: items "<revision>:<index>:<10 KB of hex>" (4 in the first chunk, 26
// in the others), a budget naming the revision.
type importer struct {
	t *testing.T
	s *dynamo.Store
}

// newImporter returns an importer into s, which it gives the client c1
// and its project p1.
func newImporter(t *testing.T, s *dynamo.Store) importer {
	t.Helper()
	ctx := context.Background()
	mustOK(t, s.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: t0}))
	mustOK(t, s.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa", CreatedAt: t0}))
	return importer{t, s}
}

func (im importer) environment(id string) {
	im.t.Helper()
	ctx := context.Background()
	mustOK(im.t, im.s.CreateEnvironment(ctx, domain.Environment{ID: id, StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: "acc",
		PromobProjectID: "pp", PromobEnvironmentID: "pe-" + id, ImportStatus: domain.ImportPending, CreatedAt: t0, UpdatedAt: t0}))
}

func (im importer) write(id string, revision, count int) []int {
	im.t.Helper()
	rnd := rand.New(rand.NewPCG(uint64(revision), 3))
	starts, _, err := im.s.WriteItems(context.Background(), "s1", id, revision, func(emit func(any) error) error {
		for i := range count {
			b := make([]byte, 5000)
			for j := range b {
				b[j] = byte(rnd.Uint32())
			}
			if err := emit(fmt.Sprintf("%d:%d:%s", revision, i, hex.EncodeToString(b))); err != nil {
				return err
			}
		}
		return nil
	})
	mustOK(im.t, err)
	return starts
}

func (im importer) commit(id string, revision, count int, starts []int) {
	im.t.Helper()
	ctx := context.Background()
	env, err := im.s.Environment(ctx, "s1", id)
	mustOK(im.t, err)
	v := domain.Version{Number: env.LatestVersion + 1, PromobRevision: revision, Total: "1.00", Rules: []byte(`{}`), ItemCount: count,
		ChunkStarts: starts, Budget: []byte(fmt.Sprintf(`{"revision":%d}`, revision))}
	entry := domain.NewHistoryEntry(domain.HistoryImported, id, v.Number, "importer", t0, "imported")
	mustOK(im.t, im.s.CommitVersion(ctx, env, v, entry, t0))
}

// readItems takes up to limit items with read and returns their
// "<revision>:<index>" prefixes, the position after them and "more".
func readItems(t *testing.T, limit int, read func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error)) string {
	t.Helper()
	var got []string
	pos, more, err := read(func(dec *json.Decoder) (bool, error) {
		var it string
		if err := dec.Decode(&it); err != nil {
			return false, err
		}
		parts := strings.SplitN(it, ":", 3)
		got = append(got, parts[0]+":"+parts[1])
		return len(got) < limit, nil
	})
	mustOK(t, err)
	return fmt.Sprintf("%v %+v %v", got, pos, more)
}

// counting is a DynamoDB client that counts the GetItem and Query calls it
// serves and runs after once the first Query is served (an import writing
// and committing just after a request read). With alone, the first Query
// answers its first item only: a query is not isolated from a transaction
// committing meanwhile, and may see one of its items (the environment) but
// not yet another (the new version).
type counting struct {
	dynamo.Client
	after   func()
	alone   bool
	queried atomic.Bool
	calls   atomic.Int32
}

func (c *counting) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.calls.Add(1)
	return c.Client.GetItem(ctx, in, opts...)
}

func (c *counting) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.calls.Add(1)
	out, err := c.Client.Query(ctx, in, opts...)
	if c.queried.CompareAndSwap(false, true) {
		if c.alone && err == nil && len(out.Items) > 1 {
			out.Items = out.Items[:1]
		}
		c.after()
	}
	return out, err
}

// TestEnvironmentItemsIsTheLatestVersions reads an environment with the
// first page of its latest version's items, in one request, while an
// import of revision 2 writes its chunks and commits version 2, before or
// after that request: the items are always those of the version the
// environment read names as its latest, never those of another revision.
// Without a race it reads what VersionItemsFrom reads, wherever the page
// ends.
func TestEnvironmentItemsIsTheLatestVersions(t *testing.T) {
	ctx := context.Background()
	for name, open := range rawBackends() {
		t.Run(name, func(t *testing.T) {
			db, table := open(t)
			im := newImporter(t, dynamo.New(db, table))
			tests := []struct {
				name string
				// written before the read: revision 2's chunks; committed:
				// version 2. The rest of the import runs after the read.
				// alone: the read sees the environment only.
				written, committed, alone bool
				wantVersion               int
				// wantCalls is 1 when the first page is read with the
				// environment, 2 when its chunk is read again.
				wantCalls int32
			}{
				{name: "import in progress", written: true, wantVersion: 1, wantCalls: 2},
				{name: "commit after the read", written: true, wantVersion: 1, wantCalls: 2},
				{name: "whole import after the read", wantVersion: 1, wantCalls: 1},
				{name: "no import meanwhile", written: true, committed: true, wantVersion: 2, wantCalls: 1},
				{name: "chunk not seen", written: true, committed: true, alone: true, wantVersion: 2, wantCalls: 2},
			}
			for i, tt := range tests {
				id := fmt.Sprintf("e%d", i)
				im.environment(id)
				im.commit(id, 1, 3, im.write(id, 1, 3))
				var starts []int
				if tt.written {
					starts = im.write(id, 2, 40)
				}
				if tt.committed {
					im.commit(id, 2, 40, starts)
				}
				after := func() {
					switch {
					case tt.name == "import in progress" || tt.committed:
					case tt.written:
						im.commit(id, 2, 40, starts)
					default:
						im.commit(id, 2, 40, im.write(id, 2, 40))
					}
				}
				cc := &counting{Client: db, after: after, alone: tt.alone}
				env, read, err := dynamo.New(cc, table).EnvironmentItems(ctx, "s1", id)
				mustOK(t, err)
				if env.LatestVersion != tt.wantVersion || env.ImportedRevision != tt.wantVersion {
					t.Fatalf("%s: environment at version %d, revision %d; want %d", tt.name, env.LatestVersion, env.ImportedRevision, tt.wantVersion)
				}
				got := readItems(t, 2, read)
				want := fmt.Sprintf("[%[1]d:0 %[1]d:1] {Chunk:0 Index:2} true", tt.wantVersion)
				if got != want {
					t.Errorf("%s: first page %s, want %s", tt.name, got, want)
				}
				if n := cc.calls.Load(); n != tt.wantCalls {
					t.Errorf("%s: %d reads, want %d", tt.name, n, tt.wantCalls)
				}
			}

			// Pages ending inside the first chunk, at its end, in the next
			// one and past the last item read what VersionItemsFrom reads.
			env, err := im.s.Environment(ctx, "s1", "e3")
			mustOK(t, err)
			v, err := im.s.Version(ctx, env, 2)
			mustOK(t, err)
			first := v.ChunkStarts[1]
			for _, limit := range []int{1, first - 1, first, first + 1, 40, 41} {
				_, read, err := im.s.EnvironmentItems(ctx, "s1", "e3")
				mustOK(t, err)
				got := readItems(t, limit, read)
				want := readItems(t, limit, func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error) {
					return im.s.VersionItemsFrom(ctx, env, v, domain.ItemPos{}, fn)
				})
				if got != want {
					t.Errorf("limit %d: EnvironmentItems %s, VersionItemsFrom %s", limit, got, want)
				}
			}
			if _, _, err := im.s.EnvironmentItems(ctx, "s1", "nope"); !domain.IsNotFound(err) {
				t.Errorf("no such environment: %v, want not found", err)
			}
		})
	}
}

// TestEnvironmentLatestIsTheLatestVersion reads an environment with its
// latest version, in one request, while an import commits version 2 before
// or after it, or during it so that the request sees the environment of
// the commit but not its version: the version answered is always the one
// the environment read names as its latest, with its own budget.
func TestEnvironmentLatestIsTheLatestVersion(t *testing.T) {
	ctx := context.Background()
	for name, open := range rawBackends() {
		t.Run(name, func(t *testing.T) {
			db, table := open(t)
			im := newImporter(t, dynamo.New(db, table))
			tests := []struct {
				name string
				// committed: version 2 before the read; alone: the read
				// sees the environment only.
				committed, alone bool
				wantVersion      int
				wantCalls        int32 // 1: read at once; 2: the version read again
			}{
				{name: "commit after the read", wantVersion: 1, wantCalls: 1},
				{name: "commit before the read", committed: true, wantVersion: 2, wantCalls: 1},
				{name: "commit seen in part", committed: true, alone: true, wantVersion: 2, wantCalls: 2},
			}
			for i, tt := range tests {
				id := fmt.Sprintf("e%d", i)
				im.environment(id)
				im.commit(id, 1, 3, im.write(id, 1, 3))
				commit := func() { im.commit(id, 2, 3, im.write(id, 2, 3)) }
				after := commit
				if tt.committed {
					commit()
					after = func() {}
				}
				cc := &counting{Client: db, after: after, alone: tt.alone}
				env, v, err := dynamo.New(cc, table).EnvironmentLatest(ctx, "s1", id)
				mustOK(t, err)
				got := fmt.Sprintf("environment at %d, version %d (revision %d) with budget %s", env.LatestVersion, v.Number, v.PromobRevision, v.Budget)
				want := fmt.Sprintf(`environment at %[1]d, version %[1]d (revision %[1]d) with budget {"revision":%[1]d}`, tt.wantVersion)
				if got != want {
					t.Errorf("%s: %s, want %s", tt.name, got, want)
				}
				if n := cc.calls.Load(); n != tt.wantCalls {
					t.Errorf("%s: %d reads, want %d", tt.name, n, tt.wantCalls)
				}
			}
			env, v, err := im.s.EnvironmentLatest(ctx, "s1", "e0")
			if mustOK(t, err); env.LatestVersion != 2 || v.Number != 2 || !v.Latest || v.Converted {
				t.Errorf("without a race: environment at %d, version %d latest %v converted %v; want 2, 2, latest", env.LatestVersion, v.Number, v.Latest, v.Converted)
			}
			im.environment("empty")
			if env, v, err := im.s.EnvironmentLatest(ctx, "s1", "empty"); err != nil || env.ID != "empty" || v.Number != 0 {
				t.Errorf("environment without a version: %s, version %d, %v; want it with no version", env.ID, v.Number, err)
			}
			if _, _, err := im.s.EnvironmentLatest(ctx, "s1", "nope"); !domain.IsNotFound(err) {
				t.Errorf("no such environment: %v, want not found", err)
			}
		})
	}
}
