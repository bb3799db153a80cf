package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestIntegrationLifecycle(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			if _, err := s.GetIntegration(ctx, "s1"); domain.ErrorCode(err) != domain.CodeNotConfigured {
				t.Fatalf("GetIntegration before save: err = %v, want integration_missing", err)
			}
			in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN1"}, ResponsibleUserID: "u1"}
			saved, created, err := s.SaveIntegration(ctx, in, "whsec_Zmlyc3Q=", now)
			if err != nil || !created {
				t.Fatalf("first save: created=%v err=%v", created, err)
			}
			if !saved.CreatedAt.Equal(now) {
				t.Fatalf("CreatedAt = %v", saved.CreatedAt)
			}
			acc, err := s.Account(ctx, "acc-1")
			if err != nil || acc.StoreID != "s1" || acc.Secret != "whsec_Zmlyc3Q=" {
				t.Fatalf("Account = %+v, %v", acc, err)
			}

			// Saving again keeps the secret and CreatedAt.
			in.SerialNumbers = []string{"SN1", "SN2"}
			later := now.Add(time.Hour)
			saved, created, err = s.SaveIntegration(ctx, in, "whsec_c2Vjb25k", later)
			if err != nil || created {
				t.Fatalf("second save: created=%v err=%v", created, err)
			}
			if !saved.CreatedAt.Equal(now) || !saved.UpdatedAt.Equal(later) || len(saved.SerialNumbers) != 2 {
				t.Fatalf("second save = %+v", saved)
			}
			if acc, _ := s.Account(ctx, "acc-1"); acc.Secret != "whsec_Zmlyc3Q=" {
				t.Fatalf("secret changed on update: %q", acc.Secret)
			}

			// Another store cannot take the account.
			other := domain.Integration{StoreID: "s2", CNPJ: "45723174000110", PromobAccountID: "acc-1", SerialNumbers: []string{"X"}}
			if _, _, err := s.SaveIntegration(ctx, other, "whsec_b3RoZXI=", now); domain.ErrorCode(err) != domain.CodeAccountInUse {
				t.Fatalf("other store taking acc-1: err = %v, want account_in_use", err)
			}
			if _, err := s.GetIntegration(ctx, "s2"); domain.ErrorCode(err) != domain.CodeNotConfigured {
				t.Fatalf("refused save wrote s2's integration: %v", err)
			}

			// Moving to another account carries the secret and frees the old one.
			in.PromobAccountID = "acc-2"
			if _, _, err := s.SaveIntegration(ctx, in, "whsec_dW51c2Vk", later); err != nil {
				t.Fatalf("move account: %v", err)
			}
			if _, err := s.Account(ctx, "acc-1"); !domain.IsNotFound(err) {
				t.Fatalf("old account still routes: %v", err)
			}
			if acc, err := s.Account(ctx, "acc-2"); err != nil || acc.Secret != "whsec_Zmlyc3Q=" || acc.StoreID != "s1" {
				t.Fatalf("new account = %+v, %v", acc, err)
			}
			if _, _, err := s.SaveIntegration(ctx, other, "whsec_b3RoZXI=", now); err != nil {
				t.Fatalf("s2 taking the freed acc-1: %v", err)
			}

			// Rotation keeps the previous secret for the grace period.
			if _, err := s.RotateSecret(ctx, "s1", "whsec_bmV3", later); err != nil {
				t.Fatalf("rotate: %v", err)
			}
			acc, _ = s.Account(ctx, "acc-2")
			if got := acc.Secrets(later.Add(time.Hour)); len(got) != 2 || got[0] != "whsec_bmV3" || got[1] != "whsec_Zmlyc3Q=" {
				t.Fatalf("secrets within grace = %v", got)
			}
			if got := acc.Secrets(later.Add(domain.SecretGrace + time.Second)); len(got) != 1 {
				t.Fatalf("secrets after grace = %v", got)
			}
			if _, err := s.RotateSecret(ctx, "nobody", "whsec_eA==", later); domain.ErrorCode(err) != domain.CodeNotConfigured {
				t.Fatalf("rotate without integration: %v", err)
			}
		})
	}
}

// TestRoutesRetireWithTheAccount: store s1 links Promob environment pe-1 of
// acc-1, then moves to acc-2. Its routing item of acc-1 is retired at once
// (webhooks for pe-1 find nothing); s2, which now holds acc-1, links pe-1
// to its own environment, replacing the retired item; s1 cannot take it
// back while s2 holds the account.
func TestRoutesRetireWithTheAccount(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	env := func(storeID, id, account string) domain.Environment {
		return domain.Environment{ID: id, StoreID: storeID, ProjectID: "p-" + storeID, Name: "Cozinha", PromobAccountID: account,
			PromobProjectID: "pp-1", PromobEnvironmentID: "pe-1", Status: domain.EnvReady, ImportStatus: domain.ImportImported, CreatedAt: now, UpdatedAt: now}
	}
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			for _, store := range []string{"s1", "s2"} {
				mustOK(t, s.CreateClient(ctx, domain.Client{ID: "c1", StoreID: store, Name: "Ana", Document: "52998224725", DocumentType: "cpf", CreatedAt: now}))
				mustOK(t, s.CreateProject(ctx, domain.Project{ID: "p-" + store, StoreID: store, ClientID: "c1", Name: "Casa", CreatedAt: now}))
			}
			holdAccount(t, s, "s1", "acc-1")
			mustOK(t, s.CreateEnvironment(ctx, env("s1", "e1", "acc-1")))
			if got, err := s.EnvironmentByPromobID(ctx, "acc-1", "pe-1"); err != nil || got.ID != "e1" {
				t.Fatalf("live route: %+v %v", got, err)
			}
			if err := s.CreateEnvironment(ctx, env("s1", "e1bis", "acc-1")); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("linking pe-1 twice: %v, want conflict", err)
			}

			holdAccount(t, s, "s1", "acc-2") // s1 moves to acc-2
			if _, err := s.EnvironmentByPromobID(ctx, "acc-1", "pe-1"); !domain.IsNotFound(err) {
				t.Fatalf("retired route still routes: %v", err)
			}
			if err := s.CreateEnvironment(ctx, env("s2", "e2", "acc-1")); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("a store without the account replaced the route: %v", err)
			}
			holdAccount(t, s, "s2", "acc-1")
			mustOK(t, s.CreateEnvironment(ctx, env("s2", "e2", "acc-1")))
			if got, err := s.EnvironmentByPromobID(ctx, "acc-1", "pe-1"); err != nil || got.ID != "e2" || got.StoreID != "s2" {
				t.Fatalf("route after s2 linked pe-1: %+v %v", got, err)
			}
			if err := s.CreateEnvironment(ctx, env("s1", "e1ter", "acc-1")); domain.ErrorCode(err) != domain.CodeConflict {
				t.Fatalf("s1 took the route back: %v, want conflict", err)
			}
			if _, err := s.Environment(ctx, "s1", "e1ter"); !domain.IsNotFound(err) {
				t.Fatalf("a refused link wrote the environment: %v", err)
			}
		})
	}
}
