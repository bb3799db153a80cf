package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

func TestManualItems(t *testing.T) {
	ctx := context.Background()
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			if got, err := s.ManualItems(ctx, "s1", "e1"); err != nil || got == nil || len(got) != 0 {
				t.Fatalf("ManualItems of an empty environment = %#v, %v", got, err)
			}
			var ids []string
			for i, d := range []string{"Puxador", "Tampo", "Frete especial"} {
				it := domain.ManualItem{
					ID: domain.NewID(), Description: d, Reference: "R" + d[:1], Quantity: decimal.RequireFromString("2.5"),
					UnitPrice: decimal.RequireFromString("1234567890.99"), CreatedBy: "u1", CreatedAt: t0.Add(time.Duration(i) * time.Second),
				}
				if err := s.AddManualItem(ctx, "s1", "e1", it); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, it.ID)
			}
			// Another environment, and the same environment id in another store.
			other := domain.ManualItem{ID: domain.NewID(), Description: "Outro", Quantity: decimal.NewFromInt(1), UnitPrice: decimal.Zero, CreatedAt: t0}
			if err := s.AddManualItem(ctx, "s1", "e2", other); err != nil {
				t.Fatal(err)
			}
			if err := s.AddManualItem(ctx, "s2", "e1", other); err != nil {
				t.Fatal(err)
			}
			dup := other
			if err := s.AddManualItem(ctx, "s1", "e2", dup); domain.ErrorCode(err) != domain.CodeConflict {
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

			// A partial update changes only what it sets.
			q := decimal.RequireFromString("3.0001")
			desc := "Puxador cromado"
			got, err := s.UpdateManualItem(ctx, "s1", "e1", ids[0], domain.ManualItemPatch{Description: &desc, Quantity: &q})
			if err != nil || got.Description != desc || got.Quantity.String() != "3.0001" || got.Reference != "RP" ||
				got.UnitPrice.String() != "1234567890.99" || got.ID != ids[0] || !got.CreatedAt.Equal(t0) {
				t.Fatalf("UpdateManualItem = %+v, %v", got, err)
			}
			if items, _ := s.ManualItems(ctx, "s1", "e1"); items[0].Description != desc || items[1].Description != "Tampo" {
				t.Fatalf("after update: %+v", items)
			}

			refusals := []struct{ name, store, env, id string }{
				{"unknown id", "s1", "e1", "nothing"},
				{"item of another environment", "s1", "e1", other.ID},
				{"item of another store", "s2", "e1", ids[1]},
			}
			for _, tt := range refusals {
				if _, err := s.UpdateManualItem(ctx, tt.store, tt.env, tt.id, domain.ManualItemPatch{Description: &desc}); !domain.IsNotFound(err) {
					t.Errorf("update, %s: %v", tt.name, err)
				}
				if err := s.DeleteManualItem(ctx, tt.store, tt.env, tt.id); !domain.IsNotFound(err) {
					t.Errorf("delete, %s: %v", tt.name, err)
				}
			}
			if _, err := s.UpdateManualItem(ctx, "s1", "e1", ids[0], domain.ManualItemPatch{}); domain.ErrorCode(err) != domain.CodeInvalid {
				t.Errorf("empty patch: %v", err)
			}
			// A refused update creates nothing.
			if items, _ := s.ManualItems(ctx, "s1", "e1"); len(items) != 3 {
				t.Fatalf("refusals wrote items: %+v", items)
			}

			if err := s.DeleteManualItem(ctx, "s1", "e1", ids[1]); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteManualItem(ctx, "s1", "e1", ids[1]); !domain.IsNotFound(err) {
				t.Fatalf("deleting twice: %v", err)
			}
			items, _ = s.ManualItems(ctx, "s1", "e1")
			var left []string
			for _, it := range items {
				left = append(left, it.ID)
			}
			if strings.Join(left, ",") != ids[0]+","+ids[2] {
				t.Fatalf("after delete: %v", left)
			}
			if items, _ := s.ManualItems(ctx, "s2", "e1"); len(items) != 1 || items[0].ID != other.ID {
				t.Fatalf("another store's environment: %+v", items)
			}
		})
	}
}
