package sale_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/sale"
	"github.com/shopspring/decimal"
)

var (
	manualSeller = domain.Identity{UserID: "u1", StoreID: "s1", Roles: []domain.Role{domain.RoleSeller}}
	mdec         = decimal.RequireFromString
)

// manualFixture is a store on DynamoDB Local holding, for store s1, a
// project with two environments: env has version 1, two Promob lines
// (costs 100.00 and 50.00) priced at markup 2, total 300.00, and no manual
// item; fresh has no version yet. The store's current rules are markup 3.
// Its use cases write through a manualRacer over the store.
type manualFixture struct {
	t      *testing.T
	db     *dynamodb.Client
	table  string
	store  *dynamo.Store
	racing *manualRacer
	manual sale.Manual
	env    domain.Environment
	fresh  domain.Environment
}

func newManualFixture(t *testing.T) *manualFixture {
	t.Helper()
	ctx := context.Background()
	db := local.DynamoDB()
	table := dynamotest.CreateTable(t, db)
	store := dynamo.New(db, table)
	now := time.Now().UTC()
	manualMust(t, store.CreateClient(ctx, domain.Client{ID: "c1", StoreID: "s1", Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}))
	manualMust(t, store.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: "c1", Name: "Casa", CreatedBy: "u1", CreatedAt: now}))
	for _, id := range []string{"e1", "e2"} {
		manualMust(t, store.CreateEnvironment(ctx, domain.Environment{ID: id, StoreID: "s1", ProjectID: "p1", Name: "Cozinha " + id,
			PromobAccountID: "acc-1", PromobProjectID: "pp", PromobEnvironmentID: "pe-" + id, ImportStatus: domain.ImportPending,
			CreatedBy: "u1", CreatedAt: now, UpdatedAt: now}))
	}
	items := []domain.PromobItem{
		{ID: domain.PromobItemID(0), Level: 1, HasChildren: true, Description: "Balcão", Family: "Cozinhas", Category: "Cozinhas", PriceTotal: mdec("150")},
		{ID: domain.PromobItemID(1), Parent: domain.PromobItemID(0), Level: 2, Description: "Porta", Family: "Portas", Category: "Cozinhas",
			RealQuantity: mdec("1"), PriceTotal: mdec("100")},
		{ID: domain.PromobItemID(2), Parent: domain.PromobItemID(0), Level: 2, Description: "Gaveta", Family: "Gavetas", Category: "Cozinhas",
			RealQuantity: mdec("1"), PriceTotal: mdec("50")},
	}
	starts, _, err := store.WriteItems(ctx, "s1", "e1", 1, func(emit func(any) error) error {
		for _, it := range items {
			if err := emit(it); err != nil {
				return err
			}
		}
		return nil
	})
	manualMust(t, err)
	imported := pricing.Rules{DefaultMarkup: mdec("2")}
	totals := pricing.NewTotals(imported)
	for _, it := range items[1:] {
		totals.Add(pricing.LineOf(it))
	}
	sum := totals.Summary(nil)
	budget, err := json.Marshal(sum)
	manualMust(t, err)
	rules, err := json.Marshal(imported)
	manualMust(t, err)
	env, err := store.Environment(ctx, "s1", "e1")
	manualMust(t, err)
	manualMust(t, store.CommitVersion(ctx, env, domain.Version{Number: 1, OptionName: "Casa / Cozinha", OptionDate: now, PromobRevision: 1,
		Total: sum.Total.String(), ItemCount: len(items), Rules: rules, ChunkStarts: starts, Budget: budget},
		domain.NewHistoryEntry(domain.HistoryImported, "e1", 1, domain.ByPromob, now, "imported"), now))
	manualMust(t, store.SaveCommercialRules(ctx, "s1", pricing.Rules{DefaultMarkup: mdec("3")}, now))
	racing := &manualRacer{Store: store}
	f := &manualFixture{t: t, db: db, table: table, store: store, racing: racing, manual: sale.Manual{Store: racing, Now: time.Now}}
	f.env, f.fresh = f.read("e1"), f.read("e2")
	if f.env.LatestVersion != 1 || f.version(1).Total != "300.00" {
		t.Fatalf("fixture: environment %+v, version 1 %+v", f.env, f.version(1))
	}
	return f
}

func manualMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// manualRacer is the store, with a change of the environment made just
// before each of the next races guarded writes (WriteManual and Reprice),
// as if another request wrote between the use case's reads and its write.
type manualRacer struct {
	*dynamo.Store
	races  int
	change func()
}

func (r *manualRacer) race() {
	if r.races > 0 {
		r.races--
		r.change()
	}
}

func (r *manualRacer) WriteManual(ctx context.Context, env domain.Environment, w domain.ManualWrite, now time.Time) error {
	r.race()
	return r.Store.WriteManual(ctx, env, w, now)
}

func (r *manualRacer) Reprice(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error {
	r.race()
	return r.Store.Reprice(ctx, env, v, entry, now)
}

// raceWith makes change just before each of the next n guarded writes.
func (f *manualFixture) raceWith(n int, change func()) {
	f.racing.races, f.racing.change = n, change
}

func (f *manualFixture) read(id string) domain.Environment {
	f.t.Helper()
	env, err := f.store.Environment(context.Background(), "s1", id)
	manualMust(f.t, err)
	return env
}

func (f *manualFixture) version(n int) domain.Version {
	f.t.Helper()
	v, err := f.store.Version(context.Background(), f.read("e1"), n)
	manualMust(f.t, err)
	return v
}

// budget returns version n's stored budget.
func (f *manualFixture) budget(n int) pricing.Summary {
	f.t.Helper()
	var sum pricing.Summary
	manualMust(f.t, json.Unmarshal(f.version(n).Budget, &sum))
	return sum
}

func (f *manualFixture) items(envID string) []domain.ManualItem {
	f.t.Helper()
	items, err := f.store.ManualItems(context.Background(), "s1", envID)
	manualMust(f.t, err)
	return items
}

// history returns the kinds of the project's history entries, in order.
func (f *manualFixture) history() []string {
	f.t.Helper()
	entries, err := f.store.History(context.Background(), "s1", "p1")
	manualMust(f.t, err)
	var kinds []string
	for _, e := range entries {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// dump reads the whole table, to show that a refused use case wrote nothing.
func (f *manualFixture) dump() string {
	f.t.Helper()
	out, err := f.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: &f.table})
	manualMust(f.t, err)
	var rows []string
	for _, item := range out.Items {
		b, err := json.Marshal(item)
		manualMust(f.t, err)
		rows = append(rows, string(b))
	}
	slices.Sort(rows)
	return strings.Join(rows, "\n")
}

// approve converts the environment's latest version, as the workflow does.
func (f *manualFixture) approve(id string) {
	f.t.Helper()
	env := f.read(id)
	_, err := f.store.Approve(context.Background(), env, domain.NewHistoryEntry(domain.HistoryApproved, id, env.LatestVersion, "u2", time.Now(), "approved"), time.Now())
	manualMust(f.t, err)
}

// lock sets the environment's lock (see setLocked).
func (f *manualFixture) lock(id string) {
	f.t.Helper()
	setLocked(f.t, f.db, f.table, id)
}

// fill gives the environment n manual items more, written as the store
// keeps them (quicker than n adds).
func (f *manualFixture) fill(id string, n int) {
	f.t.Helper()
	var batch []types.WriteRequest
	flush := func() {
		_, err := f.db.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{f.table: batch}})
		manualMust(f.t, err)
		batch = nil
	}
	for range n {
		itemID := domain.NewID()
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "STORE#s1#ENV#" + id}, "SK": &types.AttributeValueMemberS{Value: "MANUAL#" + itemID},
			"id": &types.AttributeValueMemberS{Value: itemID}, "description": &types.AttributeValueMemberS{Value: "Peça"},
			"reference": &types.AttributeValueMemberS{Value: ""}, "quantity": &types.AttributeValueMemberS{Value: "1"},
			"unitPrice": &types.AttributeValueMemberS{Value: "1"}, "createdBy": &types.AttributeValueMemberS{Value: "u1"},
			"createdAt": &types.AttributeValueMemberS{Value: time.Now().UTC().Format(time.RFC3339Nano)},
		}}})
		if len(batch) == 25 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	if got := len(f.items(id)); got < n {
		f.t.Fatalf("fill: %d items, want at least %d", got, n)
	}
}

// addTampo adds tampo to the environment through the use case.
func (f *manualFixture) addTampo(id string) domain.ManualItem {
	f.t.Helper()
	added, err := f.manual.Add(context.Background(), manualSeller, f.read(id), tampo())
	manualMust(f.t, err)
	return added
}

// tampo is a manual item of 2 × 10.50 = 21.00.
func tampo() domain.ManualItem {
	return domain.ManualItem{Description: "Tampo", Reference: "TP", Quantity: mdec("2"), UnitPrice: mdec("10.50")}
}

func patchPrice(price string) func() (domain.ManualItemPatch, error) {
	return func() (domain.ManualItemPatch, error) {
		p := mdec(price)
		return domain.ManualItemPatch{UnitPrice: &p}, nil
	}
}

func TestManualItemsBeforeTheFirstVersion(t *testing.T) {
	f := newManualFixture(t)
	ctx := context.Background()
	added, err := f.manual.Add(ctx, manualSeller, f.fresh, tampo())
	if err != nil || !domain.ValidID(added.ID) || added.CreatedBy != "u1" || added.CreatedAt.IsZero() || added.Description != "Tampo" {
		t.Fatalf("Add = %+v, %v", added, err)
	}
	changed, err := f.manual.Change(ctx, manualSeller, f.read("e2"), added.ID, patchPrice("12.00"))
	if err != nil || changed.ID != added.ID || !changed.UnitPrice.Equal(mdec("12")) || changed.Description != "Tampo" || !changed.CreatedAt.Equal(added.CreatedAt) {
		t.Fatalf("Change = %+v, %v", changed, err)
	}
	if got := f.items("e2"); len(got) != 1 || !got[0].UnitPrice.Equal(mdec("12")) {
		t.Fatalf("stored items = %+v", got)
	}
	if env := f.read("e2"); env.LatestVersion != 0 {
		t.Fatalf("a manual change made a version: %+v", env)
	}
	if err := f.manual.Remove(ctx, manualSeller, f.read("e2"), added.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.items("e2"); len(got) != 0 {
		t.Fatalf("items after Remove = %+v", got)
	}
	if got := f.items("e1"); len(got) != 0 {
		t.Fatalf("another environment got items: %+v", got)
	}
	if _, _, err := f.manual.Reprice(ctx, manualSeller, f.read("e2")); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("Reprice before the first version: %v, want not_found", err)
	}
}

func TestManualItemsFollowTheLatestVersion(t *testing.T) {
	f := newManualFixture(t)
	ctx := context.Background()
	added := f.addTampo("e1")
	if b := f.budget(1); b.Total.String() != "321.00" || len(b.Manual) != 1 || b.Manual[0].ID != added.ID || f.version(1).Total != "321.00" {
		t.Fatalf("version 1 after Add: total %s, budget %+v", f.version(1).Total, b)
	}
	if _, err := f.manual.Change(ctx, manualSeller, f.read("e1"), added.ID, patchPrice("20.00")); err != nil {
		t.Fatal(err)
	}
	if b := f.budget(1); b.Total.String() != "340.00" || b.Manual[0].Price.String() != "40.00" {
		t.Fatalf("version 1 after Change: %+v", b)
	}
	if err := f.manual.Remove(ctx, manualSeller, f.read("e1"), added.ID); err != nil {
		t.Fatal(err)
	}
	if b := f.budget(1); b.Total.String() != "300.00" || len(b.Manual) != 0 {
		t.Fatalf("version 1 after Remove: %+v", b)
	}
	if env := f.read("e1"); env.LatestVersion != 1 {
		t.Fatalf("a change before the conversion made a version: %+v", env)
	}
	if kinds := f.history(); slices.Contains(kinds, domain.HistoryManualChange) {
		t.Fatalf("history %v: a change before the conversion is not recorded", kinds)
	}
}

func TestManualChangeAfterTheConversion(t *testing.T) {
	f := newManualFixture(t)
	ctx := context.Background()
	added := f.addTampo("e1")
	f.approve("e1")
	converted := f.version(1)
	if _, err := f.manual.Change(ctx, manualSeller, f.read("e1"), added.ID, patchPrice("20.00")); err != nil {
		t.Fatal(err)
	}
	env := f.read("e1")
	v2 := f.version(2)
	if env.LatestVersion != 2 || env.ConvertedVersion != 1 || v2.PromobRevision != 1 || v2.Converted || v2.ManualChange == nil ||
		v2.ManualChange.By != "u1" || v2.Total != "340.00" {
		t.Fatalf("after a change: environment %+v, version 2 %+v", env, v2)
	}
	if again := f.version(1); again.Total != converted.Total || string(again.Budget) != string(converted.Budget) || !again.Converted {
		t.Fatalf("the converted version changed: %+v", again)
	}
	if kinds := f.history(); !slices.Contains(kinds, domain.HistoryManualChange) {
		t.Fatalf("history %v: want a manual_change entry", kinds)
	}
	// Version 2 is not converted: the next change follows it.
	if err := f.manual.Remove(ctx, manualSeller, f.read("e1"), added.ID); err != nil {
		t.Fatal(err)
	}
	if env := f.read("e1"); env.LatestVersion != 2 || f.version(2).Total != "300.00" {
		t.Fatalf("after a second change: %+v, version 2 total %s", env, f.version(2).Total)
	}
}

func TestReprice(t *testing.T) {
	f := newManualFixture(t)
	ctx := context.Background()
	f.addTampo("e1")
	v, sum, err := f.manual.Reprice(ctx, manualSeller, f.read("e1"))
	// (100 + 50) × 3 + 21.00.
	if err != nil || v.Number != 1 || v.Total != "471.00" || sum.Total.String() != "471.00" || len(sum.Manual) != 1 || !sum.Rules.DefaultMarkup.Equal(mdec("3")) {
		t.Fatalf("Reprice = %+v, %+v, %v", v, sum, err)
	}
	stored := f.version(1)
	var rules pricing.Rules
	manualMust(t, json.Unmarshal(stored.Rules, &rules))
	if stored.Total != "471.00" || f.budget(1).Total.String() != "471.00" || !rules.DefaultMarkup.Equal(mdec("3")) {
		t.Fatalf("stored version 1: total %s, rules %s", stored.Total, stored.Rules)
	}
	if kinds := f.history(); !slices.Contains(kinds, domain.HistoryRepriced) {
		t.Fatalf("history %v: want a repriced entry", kinds)
	}
}

// TestManualRefusals: each refusal comes with its code and writes nothing.
func TestManualRefusals(t *testing.T) {
	ctx := context.Background()
	unread := func() (domain.ManualItemPatch, error) {
		return domain.ManualItemPatch{}, errors.New("the change of a Promob item was read")
	}
	tests := []struct {
		name  string
		setup func(f *manualFixture) // before the table is read
		do    func(f *manualFixture) error
		code  string
	}{
		{name: "change a Promob item", code: domain.CodePromobItemReadonly, do: func(f *manualFixture) error {
			_, err := f.manual.Change(ctx, manualSeller, f.env, "p-00001", unread)
			return err
		}},
		{name: "remove a Promob item", code: domain.CodePromobItemReadonly, do: func(f *manualFixture) error {
			return f.manual.Remove(ctx, manualSeller, f.env, "p-00001")
		}},
		{name: "change an unknown item", code: domain.CodeNotFound, do: func(f *manualFixture) error {
			_, err := f.manual.Change(ctx, manualSeller, f.env, "nothing", patchPrice("1"))
			return err
		}},
		{name: "remove another environment's item", code: domain.CodeNotFound,
			setup: func(f *manualFixture) { f.addTampo("e2") },
			do: func(f *manualFixture) error {
				return f.manual.Remove(ctx, manualSeller, f.env, f.items("e2")[0].ID)
			}},
		{name: "a change that does not read", code: domain.CodeInvalid, do: func(f *manualFixture) error {
			_, err := f.manual.Change(ctx, manualSeller, f.env, "nothing", func() (domain.ManualItemPatch, error) {
				return domain.ManualItemPatch{}, domain.Invalid("Send at least one field.")
			})
			return err
		}},
		{name: "add to a locked environment", code: domain.CodeLocked, setup: func(f *manualFixture) { f.lock("e1") }, do: func(f *manualFixture) error {
			_, err := f.manual.Add(ctx, manualSeller, f.read("e1"), tampo())
			return err
		}},
		{name: "change in a locked environment", code: domain.CodeLocked,
			setup: func(f *manualFixture) {
				f.addTampo("e1")
				f.lock("e1")
			},
			do: func(f *manualFixture) error {
				_, err := f.manual.Change(ctx, manualSeller, f.read("e1"), f.items("e1")[0].ID, patchPrice("1"))
				return err
			}},
		{name: "remove from a locked environment", code: domain.CodeLocked,
			setup: func(f *manualFixture) {
				f.addTampo("e1")
				f.lock("e1")
			},
			do: func(f *manualFixture) error {
				return f.manual.Remove(ctx, manualSeller, f.read("e1"), f.items("e1")[0].ID)
			}},
		{name: "reprice a locked environment", code: domain.CodeLocked, setup: func(f *manualFixture) { f.lock("e1") }, do: func(f *manualFixture) error {
			_, _, err := f.manual.Reprice(ctx, manualSeller, f.read("e1"))
			return err
		}},
		{name: "reprice the converted version", code: domain.CodeAlreadyConverted, setup: func(f *manualFixture) { f.approve("e1") }, do: func(f *manualFixture) error {
			_, _, err := f.manual.Reprice(ctx, manualSeller, f.read("e1"))
			return err
		}},
		{name: "reprice before the first version", code: domain.CodeNotFound, do: func(f *manualFixture) error {
			_, _, err := f.manual.Reprice(ctx, manualSeller, f.fresh)
			return err
		}},
		{name: "add one item too many", code: domain.CodeInvalid,
			setup: func(f *manualFixture) { f.fill("e2", domain.MaxManualItems) },
			do: func(f *manualFixture) error {
				_, err := f.manual.Add(ctx, manualSeller, f.read("e2"), tampo())
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newManualFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			before := f.dump()
			if err := tt.do(f); domain.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if f.dump() != before {
				t.Fatal("a refused use case changed the table")
			}
		})
	}
}

// TestManualRaces: a guarded write that finds the environment changed
// since the use case read it is decided again on a fresh read: it
// succeeds when the rule still allows it, answers the rule's refusal when
// it no longer does, and a conflict when the environment keeps changing.
func TestManualRaces(t *testing.T) {
	ctx := context.Background()
	other := func(f *manualFixture, envID string) func() {
		return func() {
			// Another user's item, added through the store so as not to
			// race with itself.
			it := tampo()
			it.ID, it.Description, it.CreatedAt = domain.NewID(), "Outro", time.Now()
			env := f.read(envID)
			w := domain.ManualWrite{Put: &it, Create: true}
			if env.LatestVersion > 0 {
				v := f.version(env.LatestVersion)
				var sum pricing.Summary
				manualMust(f.t, json.Unmarshal(v.Budget, &sum))
				sum = sum.WithManual(pricing.ManualLines(append(f.items(envID), it)))
				b, err := json.Marshal(sum)
				manualMust(f.t, err)
				v.Budget, v.Total = b, sum.Total.String()
				w.Latest = &v
			}
			manualMust(f.t, f.store.WriteManual(ctx, env, w, time.Now()))
		}
	}

	t.Run("an add raced by another add is made on a fresh read", func(t *testing.T) {
		f := newManualFixture(t)
		f.raceWith(1, other(f, "e1"))
		added, err := f.manual.Add(ctx, manualSeller, f.env, tampo())
		if err != nil {
			t.Fatal(err)
		}
		got := f.items("e1")
		if len(got) != 2 || !slices.ContainsFunc(got, func(m domain.ManualItem) bool { return m.ID == added.ID }) {
			t.Fatalf("items = %+v, want the other item and %s", got, added.ID)
		}
		if b := f.budget(1); b.Total.String() != "342.00" || len(b.Manual) != 2 {
			t.Fatalf("version 1's budget holds %d manual items, total %s; want both, 342.00", len(b.Manual), b.Total)
		}
	})

	t.Run("a change decided before the approval makes a new version", func(t *testing.T) {
		f := newManualFixture(t)
		added := f.addTampo("e1")
		env := f.read("e1") // read before the approval: the change would reprice version 1
		f.raceWith(1, func() { f.approve("e1") })
		converted := f.version(1)
		if _, err := f.manual.Change(ctx, manualSeller, env, added.ID, patchPrice("20.00")); err != nil {
			t.Fatal(err)
		}
		if again := f.version(1); again.Total != converted.Total || string(again.Budget) != string(converted.Budget) {
			t.Fatalf("the converted version changed: %s → %s", converted.Total, again.Total)
		}
		if e := f.read("e1"); e.LatestVersion != 2 || f.version(2).Total != "340.00" || f.version(2).ManualChange == nil {
			t.Fatalf("after the raced change: %+v, version 2 %+v", e, f.version(2))
		}
	})

	refused := []struct {
		name   string
		change func(f *manualFixture) func()
		do     func(f *manualFixture, env domain.Environment) error
		code   string
	}{
		{name: "an add raced by the lock", code: domain.CodeLocked,
			change: func(f *manualFixture) func() { return func() { f.lock("e1") } },
			do: func(f *manualFixture, env domain.Environment) error {
				_, err := f.manual.Add(ctx, manualSeller, env, tampo())
				return err
			}},
		{name: "a removal raced by the lock", code: domain.CodeLocked,
			change: func(f *manualFixture) func() { return func() { f.lock("e1") } },
			do: func(f *manualFixture, env domain.Environment) error {
				return f.manual.Remove(ctx, manualSeller, env, f.items("e1")[0].ID)
			}},
		{name: "a reprice raced by the approval", code: domain.CodeAlreadyConverted,
			change: func(f *manualFixture) func() { return func() { f.approve("e1") } },
			do: func(f *manualFixture, env domain.Environment) error {
				_, _, err := f.manual.Reprice(ctx, manualSeller, env)
				return err
			}},
		{name: "a reprice raced by the lock", code: domain.CodeLocked,
			change: func(f *manualFixture) func() { return func() { f.lock("e1") } },
			do: func(f *manualFixture, env domain.Environment) error {
				_, _, err := f.manual.Reprice(ctx, manualSeller, env)
				return err
			}},
	}
	for _, tt := range refused {
		t.Run(tt.name+" is refused by the rule", func(t *testing.T) {
			f := newManualFixture(t)
			f.addTampo("e1")
			env := f.read("e1")
			change := tt.change(f)
			var before string
			f.raceWith(1, func() {
				change()
				before = f.dump()
			})
			if err := tt.do(f, env); domain.ErrorCode(err) != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if f.dump() != before {
				t.Fatal("the refused use case changed the table")
			}
		})
	}

	t.Run("a change raced every time is a conflict", func(t *testing.T) {
		f := newManualFixture(t)
		f.raceWith(100, other(f, "e1"))
		_, err := f.manual.Add(ctx, manualSeller, f.env, tampo())
		var appErr *domain.Error
		if !errors.As(err, &appErr) || appErr.Code != domain.CodeConflict || errors.Is(err, domain.ErrChanged) {
			t.Fatalf("got %v, want a conflict", err)
		}
		raced := 100 - f.racing.races
		if got := f.items("e1"); len(got) != raced || slices.ContainsFunc(got, func(m domain.ManualItem) bool { return m.Description == "Tampo" }) {
			t.Fatalf("after %d races: items %+v, want only the others'", raced, got)
		}
		if raced < 2 {
			t.Fatalf("the use case gave up after %d attempts", raced)
		}
	})
}
