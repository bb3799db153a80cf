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
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	miniclient "github.com/truora/minidyn/aws-v2/client"
)

// racing is a DynamoDB client on which the store's first GetItem and first
// Query are served one after the other, in a chosen order, with between run
// between them (an import writing and committing while a request reads).
// The two must be in flight at once: the one served second waits for the
// other, and the test fails when it never comes. Later calls pass through.
type racing struct {
	dynamo.Client
	t       *testing.T
	first   string // "GetItem" or "Query": the read served first
	between func()
	get     atomic.Bool
	query   atomic.Bool
	done    chan struct{}
	// calls counts the GetItem and Query calls served.
	calls atomic.Int32
}

func newRacing(t *testing.T, c dynamo.Client, first string, between func()) *racing {
	return &racing{Client: c, t: t, first: first, between: between, done: make(chan struct{})}
}

// turn serves the call op with serve, in its turn.
func (c *racing) turn(op string, seen *atomic.Bool, serve func()) {
	c.calls.Add(1)
	if !seen.CompareAndSwap(false, true) {
		serve()
		return
	}
	if op == c.first {
		serve()
		c.between()
		close(c.done)
		return
	}
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.t.Errorf("the %s waited for the %s in vain: the two reads are not made at once", op, c.first)
	}
	serve()
}

func (c *racing) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (out *dynamodb.GetItemOutput, err error) {
	c.turn("GetItem", &c.get, func() { out, err = c.Client.GetItem(ctx, in, opts...) })
	return out, err
}

func (c *racing) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (out *dynamodb.QueryOutput, err error) {
	c.turn("Query", &c.query, func() { out, err = c.Client.Query(ctx, in, opts...) })
	return out, err
}

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
// does: items "<revision>:<index>:<10 KB of hex>" (7 in the first chunk, 26
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

// TestEnvironmentItemsIsTheLatestVersions reads an environment with the
// first page of its latest version's items while an import of revision 2
// writes its chunks and commits version 2, in every order against the
// two reads made at once (the environment and the newest first chunk):
// the items are always those of the version the environment read names as
// its latest, never those of another revision. Without a race it reads
// what VersionItemsFrom reads, wherever the page ends.
func TestEnvironmentItemsIsTheLatestVersions(t *testing.T) {
	ctx := context.Background()
	for name, open := range rawBackends() {
		t.Run(name, func(t *testing.T) {
			db, table := open(t)
			im := newImporter(t, dynamo.New(db, table))
			tests := []struct {
				name string
				// written before the reads: revision 2's chunks; committed:
				// version 2.
				written, committed bool
				// first is the read served first; the rest of the import
				// runs before the other.
				first       string
				wantVersion int
				// wantCalls is 2 when the first page is read with the
				// environment, 3 when its chunk is read again.
				wantCalls int32
			}{
				{name: "import in progress", written: true, first: "GetItem", wantVersion: 1, wantCalls: 3},
				{name: "commit after the environment's read", written: true, first: "GetItem", wantVersion: 1, wantCalls: 3},
				{name: "commit after the chunk's read", written: true, first: "Query", wantVersion: 2, wantCalls: 2},
				{name: "whole import after the environment's read", first: "GetItem", wantVersion: 1, wantCalls: 3},
				{name: "whole import after the chunk's read", first: "Query", wantVersion: 2, wantCalls: 3},
				{name: "no import meanwhile", written: true, committed: true, first: "GetItem", wantVersion: 2, wantCalls: 2},
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
				between := func() {
					switch {
					case tt.name == "import in progress" || tt.committed:
					case tt.written:
						im.commit(id, 2, 40, starts)
					default:
						im.commit(id, 2, 40, im.write(id, 2, 40))
					}
				}
				rc := newRacing(t, db, tt.first, between)
				env, read, err := dynamo.New(rc, table).EnvironmentItems(ctx, "s1", id)
				mustOK(t, err)
				if env.LatestVersion != tt.wantVersion || env.ImportedRevision != tt.wantVersion {
					t.Fatalf("%s: environment at version %d, revision %d; want %d", tt.name, env.LatestVersion, env.ImportedRevision, tt.wantVersion)
				}
				got := readItems(t, 2, read)
				want := fmt.Sprintf("[%[1]d:0 %[1]d:1] {Chunk:0 Index:2} true", tt.wantVersion)
				if got != want {
					t.Errorf("%s: first page %s, want %s", tt.name, got, want)
				}
				if n := rc.calls.Load(); n != tt.wantCalls {
					t.Errorf("%s: %d reads, want %d", tt.name, n, tt.wantCalls)
				}
			}

			// Pages ending inside the first chunk, at its end, in the next
			// one and past the last item read what VersionItemsFrom reads.
			env, err := im.s.Environment(ctx, "s1", "e5")
			mustOK(t, err)
			v, err := im.s.Version(ctx, env, 2)
			mustOK(t, err)
			first := v.ChunkStarts[1]
			for _, limit := range []int{1, first - 1, first, first + 1, 40, 41} {
				_, read, err := im.s.EnvironmentItems(ctx, "s1", "e5")
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
// latest version while an import commits version 2, before or after each
// of the two reads made at once: the version answered is always the one
// the environment read names as its latest, with its own budget.
func TestEnvironmentLatestIsTheLatestVersion(t *testing.T) {
	ctx := context.Background()
	for name, open := range rawBackends() {
		t.Run(name, func(t *testing.T) {
			db, table := open(t)
			im := newImporter(t, dynamo.New(db, table))
			tests := []struct {
				name        string
				first       string
				wantVersion int
				wantCalls   int32 // 2: read at once; 3: the version read again
			}{
				{"commit after the environment's read", "GetItem", 1, 3},
				{"commit after the version's read", "Query", 2, 3},
				{"no import meanwhile", "GetItem", 1, 2},
			}
			for i, tt := range tests {
				id := fmt.Sprintf("e%d", i)
				im.environment(id)
				im.commit(id, 1, 3, im.write(id, 1, 3))
				between := func() { im.commit(id, 2, 3, im.write(id, 2, 3)) }
				if tt.wantCalls == 2 {
					between = func() {}
				}
				rc := newRacing(t, db, tt.first, between)
				env, v, err := dynamo.New(rc, table).EnvironmentLatest(ctx, "s1", id)
				mustOK(t, err)
				got := fmt.Sprintf("environment at %d, version %d (revision %d) with budget %s", env.LatestVersion, v.Number, v.PromobRevision, v.Budget)
				want := fmt.Sprintf(`environment at %[1]d, version %[1]d (revision %[1]d) with budget {"revision":%[1]d}`, tt.wantVersion)
				if got != want {
					t.Errorf("%s: %s, want %s", tt.name, got, want)
				}
				if n := rc.calls.Load(); n != tt.wantCalls {
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
