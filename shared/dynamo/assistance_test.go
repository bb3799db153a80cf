package dynamo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestAssistances(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			store, ctx := open(t), context.Background()
			_, pid, eid := seedProject(t, store)
			now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
			newAssistance := func(number string) domain.Assistance {
				return domain.Assistance{ID: domain.NewID(), StoreID: "s1", ProjectID: pid, EnvironmentID: eid, Number: number,
					Description: "Porta empenada", CreatedBy: "u2", CreatedAt: now,
					Env: domain.Environment{Name: domain.DesignName("Cozinha", number), PromobAccountID: "acc-1"}}
			}
			a := newAssistance("42")
			mustOK(t, store.CreateAssistance(ctx, a))
			if err := store.CreateAssistance(ctx, newAssistance("42")); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("same number again: err = %v, want conflict", err)
			}
			mustOK(t, store.CreateAssistance(ctx, newAssistance("43")))

			got, err := store.Assistance(ctx, "s1", a.ID)
			mustOK(t, err)
			if got.Number != "42" || got.EnvironmentID != eid || got.Design.Status != domain.DesignNone || got.Env.Kind != domain.EnvKindAssistance ||
				got.Env.Name != "Cozinha ocorrência: 42" {
				t.Fatalf("assistance = %+v", got)
			}
			for _, tc := range []struct{ name, store, id string }{{"another store", "s2", a.ID}, {"an environment", "s1", eid}, {"unknown", "s1", "nope"}} {
				t.Run(tc.name, func(t *testing.T) {
					if _, err := store.Assistance(ctx, tc.store, tc.id); !domain.IsNotFound(err) {
						t.Fatalf("err = %v, want not_found", err)
					}
				})
			}
			list, err := store.Assistances(ctx, "s1", pid)
			mustOK(t, err)
			if len(list) != 2 || list[0].ID != a.ID || list[1].Number != "43" {
				t.Fatalf("assistances = %+v", list)
			}
			p, err := store.Project(ctx, "s1", pid)
			mustOK(t, err)
			if len(p.Environments) != 1 || p.Environments[0].ID != eid {
				t.Fatalf("project environments = %+v, want only the environment", p.Environments)
			}

			design := domain.AssistanceDesign{Source: domain.DesignRevision, SourceVersion: 2, SourceRevision: 3, PromobProjectID: "pp-1", SourcePromobEnvironmentID: "pe-1"}
			mustOK(t, store.RequestDesign(ctx, "s1", a.ID, design, now))
			if err := store.RequestDesign(ctx, "s1", a.ID, design, now); !errors.Is(err, domain.ErrChanged) {
				t.Fatalf("design requested twice: err = %v, want domain.ErrChanged", err)
			}
			if got, err := store.Assistance(ctx, "s1", a.ID); err != nil || got.Design.Attempt != 1 {
				t.Fatalf("first request: attempt %d (%v), want 1", got.Design.Attempt, err)
			}
			if err := store.RequestDesign(ctx, "s1", eid, design, now); !domain.IsNotFound(err) {
				t.Fatalf("design of an environment: err = %v, want not_found", err)
			}
			mustOK(t, store.SetEnvironmentCreation(ctx, "s1", a.ID, domain.EnvFailed, "promob down", now))
			mustOK(t, store.RequestDesign(ctx, "s1", a.ID, design, now))
			got, err = store.Assistance(ctx, "s1", a.ID)
			mustOK(t, err)
			if got.Design.Status != domain.EnvCreating || got.Design.SourceRevision != 3 || got.Design.SourcePromobEnvironmentID != "pe-1" || got.Design.PromobProjectID != "pp-1" ||
				got.Design.Attempt != 2 {
				t.Fatalf("design = %+v", got.Design)
			}
			holdAccount(t, store, "s1", "acc-1")
			mustOK(t, store.EnvironmentCreated(ctx, got.Env, "acc-1", "pp-1", "pe-assist", 1, now))
			routed, err := store.EnvironmentByPromobID(ctx, "acc-1", "pe-assist")
			mustOK(t, err)
			if routed.ID != a.ID || routed.Kind != domain.EnvKindAssistance || routed.Status != domain.EnvReady {
				t.Fatalf("routed = %+v, want the assistance, ready", routed)
			}
		})
	}
}
