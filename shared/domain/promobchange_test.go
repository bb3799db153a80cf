package domain_test

import (
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestChangesEnvironment(t *testing.T) {
	for typ, want := range map[string]bool{
		domain.EventSaved: true, domain.EventPrepared: true, domain.EventNegotiated: true,
		domain.EventCreated: false, "": false, "environment.deleted": false,
	} {
		if got := domain.ChangesEnvironment(typ); got != want {
			t.Errorf("ChangesEnvironment(%q) = %v, want %v", typ, got, want)
		}
	}
}

func TestCanChange(t *testing.T) {
	tests := []struct {
		name string
		env  domain.Environment
		want string
	}{
		{"new", domain.Environment{ID: "e1"}, ""},
		{"converted, review in progress", domain.Environment{ID: "e1", ConvertedVersion: 2, LatestVersion: 3}, ""},
		{"locked", domain.Environment{ID: "e1", ConvertedVersion: 2, Locked: true}, domain.CodeLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := domain.ErrorCode(tt.env.CanChange()); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRevisionRules(t *testing.T) {
	// Promob saved revision 4; version 2 has revision 3.
	env := domain.Environment{PromobRevision: 4, ImportedRevision: 3, LatestVersion: 2}
	tests := []struct {
		revision                     int
		hasRevision, knowsSave, wait bool
	}{
		{2, true, true, false},
		{3, true, true, false},
		{4, false, false, true},
		{5, false, false, false},
	}
	for _, tt := range tests {
		if got := env.HasRevision(tt.revision); got != tt.hasRevision {
			t.Errorf("HasRevision(%d) = %v", tt.revision, got)
		}
		if got := env.KnowsSave(tt.revision); got != tt.knowsSave {
			t.Errorf("KnowsSave(%d) = %v", tt.revision, got)
		}
		if got := env.WaitsFor(tt.revision); got != tt.wait {
			t.Errorf("WaitsFor(%d) = %v", tt.revision, got)
		}
	}
	// Up to date: nothing waits.
	if (domain.Environment{PromobRevision: 3, ImportedRevision: 3}).WaitsFor(3) {
		t.Error("an environment up to date waits for its revision")
	}
}
