package dynamo_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/shopspring/decimal"
)

// addManual adds a manual item to an environment that has no version yet.
func addManual(t *testing.T, s *dynamo.Store, storeID, envID string, it domain.ManualItem) error {
	t.Helper()
	env, err := s.Environment(context.Background(), storeID, envID)
	if err != nil {
		return err
	}
	return s.WriteManual(context.Background(), env, domain.ManualWrite{Put: &it, Create: true}, time.Now())
}

func TestManualItems(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			for _, store := range []string{"s1", "s2"} {
				mustOK(t, s.CreateClient(ctx, domain.Client{ID: "c1", StoreID: store, Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: t0}))
				mustOK(t, s.CreateProject(ctx, domain.Project{ID: "p1", StoreID: store, ClientID: "c1", Name: "Casa", CreatedAt: t0}))
			}
			for _, e := range []struct{ store, env string }{{"s1", "e1"}, {"s1", "e2"}, {"s2", "e1"}} {
				if err := s.CreateEnvironment(ctx, testEnvironment(e.store, "p1", e.env, t0)); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := s.ManualItems(ctx, "s1", "e1"); err != nil || got == nil || len(got) != 0 {
				t.Fatalf("ManualItems of an empty environment = %#v, %v", got, err)
			}
			var ids []string
			for i, d := range []string{"Puxador", "Tampo", "Frete especial"} {
				it := domain.ManualItem{
					ID: domain.NewID(), Description: d, Reference: "R" + d[:1], Quantity: decimal.RequireFromString("2.5"),
					UnitPrice: decimal.RequireFromString("1234567890.99"), CreatedBy: "u1", CreatedAt: t0.Add(time.Duration(i) * time.Second),
				}
				if err := addManual(t, s, "s1", "e1", it); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, it.ID)
			}
			other := domain.ManualItem{ID: domain.NewID(), Description: "Outro", Quantity: decimal.NewFromInt(1), UnitPrice: decimal.Zero, CreatedAt: t0}
			if err := addManual(t, s, "s1", "e2", other); err != nil {
				t.Fatal(err)
			}
			if err := addManual(t, s, "s2", "e1", other); err != nil {
				t.Fatal(err)
			}
			if err := addManual(t, s, "s1", "e2", other); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("adding an id twice: %v", err)
			}
			items, err := s.ManualItems(ctx, "s1", "e1")
			if err != nil || len(items) != 3 {
				t.Fatalf("ManualItems = %+v, %v", items, err)
			}
			for i, it := range items {
				if it.ID != ids[i] || it.Quantity.String() != "2.5" || it.UnitPrice.String() != "1234567890.99" || it.CreatedBy != "u1" ||
					!it.CreatedAt.Equal(t0.Add(time.Duration(i)*time.Second)) {
					t.Fatalf("item %d = %+v, want id %s in creation order", i, it, ids[i])
				}
			}

			env, _ := s.Environment(ctx, "s1", "e1")
			stale := env
			changed := items[0]
			changed.Description = "Puxador cromado"
			if err := s.WriteManual(ctx, env, domain.ManualWrite{Put: &changed}, t0); err != nil {
				t.Fatal(err)
			}
			// A write decided on the environment as it was before races.
			if err := s.WriteManual(ctx, stale, domain.ManualWrite{Delete: ids[1]}, t0); !errors.Is(err, domain.ErrChanged) {
				t.Fatalf("write on a stale read: %v, want ErrChanged", err)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			missing := domain.ManualItem{ID: other.ID, Description: "x"}
			refusals := []domain.ManualWrite{{Put: &missing}, {Delete: other.ID}, {Delete: "nothing"}}
			for _, w := range refusals {
				if err := s.WriteManual(ctx, env, w, t0); !domain.IsNotFound(err) {
					t.Errorf("write %+v of an item the environment lacks: %v", w, err)
				}
			}
			if err := s.WriteManual(ctx, env, domain.ManualWrite{Delete: ids[1]}, t0); err != nil {
				t.Fatal(err)
			}
			items, _ = s.ManualItems(ctx, "s1", "e1")
			var left []string
			for _, it := range items {
				left = append(left, it.ID)
			}
			if strings.Join(left, ",") != ids[0]+","+ids[2] || items[0].Description != "Puxador cromado" {
				t.Fatalf("after update and delete: %+v", items)
			}
			if items, _ := s.ManualItems(ctx, "s2", "e1"); len(items) != 1 || items[0].ID != other.ID {
				t.Fatalf("another store's environment: %+v", items)
			}
		})
	}
}

// TestManualVersions: a change before the conversion rewrites the latest
// version's budget; after it, a new version of the same revision; a
// converted version never changes; a locked environment takes nothing.
func TestManualVersions(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			env := imported(t, s)
			item := domain.ManualItem{ID: domain.NewID(), Description: "Frete", Quantity: decimal.NewFromInt(1), UnitPrice: decimal.NewFromInt(5), CreatedAt: t0}
			v1, err := s.Version(ctx, env, 1)
			if err != nil {
				t.Fatal(err)
			}
			v1.Budget, v1.Total = json.RawMessage(`{"total":"15.00"}`), "15.00"
			if err := s.WriteManual(ctx, env, domain.ManualWrite{Put: &item, Create: true, Latest: &v1}, t0); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Version(ctx, env, 1); got.Total != "15.00" || string(got.Budget) != `{"total":"15.00"}` {
				t.Fatalf("latest unconverted version after a manual change = %+v, budget %s", got, got.Budget)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			if _, err := s.Approve(ctx, env, domain.NewHistoryEntry(domain.HistoryApproved, env.ID, 1, "u1", t0, "ok"), t0); err != nil {
				t.Fatal(err)
			}
			// Decided before the approval: refused, so the converted
			// version keeps its budget.
			if err := s.WriteManual(ctx, env, domain.ManualWrite{Delete: item.ID, Latest: &v1}, t0); !errors.Is(err, domain.ErrChanged) {
				t.Fatalf("reprice decided before the approval: %v", err)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			v2 := v1
			v2.Number, v2.Total, v2.Budget = 2, "10.00", json.RawMessage(`{"total":"10.00"}`)
			v2.ManualChange = &domain.ManualChange{By: "u2", At: t0}
			entry := domain.NewHistoryEntry(domain.HistoryManualChange, env.ID, 2, "u2", t0, "manual")
			if err := s.WriteManual(ctx, env, domain.ManualWrite{Delete: item.ID, New: &v2, Entry: &entry}, t0); err != nil {
				t.Fatal(err)
			}
			env, _ = s.Environment(ctx, "s1", "e1")
			vs, err := s.Versions(ctx, env)
			if err != nil || len(vs) != 2 || env.LatestVersion != 2 || env.ImportedRevision != 1 {
				t.Fatalf("versions = %+v, env %+v, %v", vs, env, err)
			}
			if vs[0].ManualChange == nil || vs[0].ManualChange.By != "u2" || vs[0].PromobRevision != 1 || !vs[0].Latest || vs[0].Converted {
				t.Fatalf("manual version = %+v", vs[0])
			}
			if vs[1].Total != "15.00" || !vs[1].Converted || string(vs[1].Budget) != `{"total":"15.00"}` {
				t.Fatalf("converted version changed: %+v", vs[1])
			}
		})
	}
}
