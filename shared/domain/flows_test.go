package domain_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestOutdated(t *testing.T) {
	tests := []struct {
		name                      string
		promob, imported, created int
		want                      bool
	}{
		{"linked, nothing imported yet", 3, 0, 0, true},
		{"imported", 3, 3, 0, false},
		{"saved after the import", 4, 3, 0, true},
		{"created by FoccoLojas, never saved", 1, 0, 1, false},
		{"created by FoccoLojas, saved once", 2, 0, 1, true},
	}
	for _, tt := range tests {
		e := domain.Environment{PromobRevision: tt.promob, ImportedRevision: tt.imported, CreatedRevision: tt.created}
		if got := e.Outdated(); got != tt.want {
			t.Errorf("%s: outdated %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestReviewUpdate(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	started := domain.Environment{ConvertedVersion: 1, LatestVersion: 1, ReviewStartedAt: &start, ReviewStartVersion: 1}
	updated := started
	updated.ReviewUpdatedAt = &start
	imported := started
	imported.LatestVersion = 2
	tests := []struct {
		name      string
		env       domain.Environment
		checkedAt time.Time
		required  bool
		satisfies bool
	}{
		{"not started", domain.Environment{ConvertedVersion: 1, LatestVersion: 1}, start, false, false},
		{"started, Promob asked after the start", started, start.Add(time.Second), true, true},
		{"started, Promob asked before the start", started, start.Add(-time.Second), true, false},
		{"an update found nothing newer", updated, start.Add(time.Second), false, false},
		{"a version imported since the start", imported, start.Add(time.Second), false, false},
	}
	for _, tt := range tests {
		if got := tt.env.UpdateRequired(); got != tt.required {
			t.Errorf("%s: update required %v, want %v", tt.name, got, tt.required)
		}
		if got := tt.env.UpdateSatisfiesReview(tt.checkedAt); got != tt.satisfies {
			t.Errorf("%s: satisfies %v, want %v", tt.name, got, tt.satisfies)
		}
		if err := tt.env.CanCompleteReview(); tt.env.ReviewStartedAt != nil && (domain.ErrorCode(err) == domain.CodeUpdateRequired) != tt.required {
			t.Errorf("%s: complete %v", tt.name, err)
		}
	}
}

func TestSavedNotifications(t *testing.T) {
	env := domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobRevision: 3, CreatedBy: "seller"}
	converted := env
	converted.ConvertedVersion, converted.ReviewStartedBy = 2, "reviewer"
	assistance := env
	assistance.Kind = domain.EnvKindAssistance
	tests := []struct {
		name   string
		env    domain.Environment
		savers []string
		want   string // user:action, in order
	}{
		{"the creator", env, nil, "[seller:update_environment]"},
		{"the saver and the creator", env, []string{"designer"}, "[designer:update_environment seller:update_environment]"},
		{"no one twice", env, []string{"seller", "seller"}, "[seller:update_environment]"},
		{"the reviewer after conversion", converted, []string{"designer"}, "[designer:update_environment seller:update_environment reviewer:review_environment]"},
		{"the reviewer who saved is told as the reviewer", converted, []string{"reviewer"}, "[reviewer:review_environment seller:update_environment]"},
		{"an assistance updates the assistance", assistance, nil, "[seller:update_assistance]"},
	}
	for _, tt := range tests {
		var got []string
		keys := map[string]bool{}
		for _, m := range domain.SavedNotifications(tt.env, tt.savers, time.Now()) {
			got = append(got, m.UserID+":"+m.Notification.Action.Type)
			keys[m.UserID+m.DedupeKey] = true
			if m.DedupeKey != "saved#e1#3" || m.StoreID != "s1" {
				t.Errorf("%s: key %q store %q", tt.name, m.DedupeKey, m.StoreID)
			}
			if a := m.Notification.Action; tt.env.Kind == domain.EnvKindAssistance && (a.AssistanceID != "e1" || a.EnvironmentID != "") {
				t.Errorf("%s: action %+v", tt.name, a)
			}
		}
		if fmt.Sprint(got) != tt.want || len(keys) != len(got) {
			t.Errorf("%s: %v, want %s", tt.name, got, tt.want)
		}
	}
}

func TestLinkedUsers(t *testing.T) {
	links := []domain.PromobLink{
		{UserID: "u1", PromobUser: "ana@store", Status: domain.LinkLinked},
		{UserID: "u2", PromobUser: "bia", Status: domain.LinkLinked},
		{UserID: "u3", PromobUser: "ANA@store", Status: domain.LinkExpired},
	}
	for q, want := range map[string]string{"ana@store": "[u1 u3]", " bia ": "[u2]", "carla": "[]", "": "[]"} {
		if got := fmt.Sprint(domain.LinkedUsers(links, q)); got != want {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
}

func TestPrerequisites(t *testing.T) {
	in := domain.Integration{PromobAccountID: "acc", SerialNumbers: []string{"SN"}, ResponsibleUserID: "boss"}
	links := []domain.PromobLink{{UserID: "u1", Status: domain.LinkLinked}, {UserID: "u2", Status: domain.LinkExpired}}
	tests := []struct {
		name  string
		users []string
		want  string
		ready bool
	}{
		{"only the responsible user", []string{"boss"}, "[]", true},
		{"everyone linked", []string{"boss", "u1"}, "[]", true},
		{"one never linked, one expired", []string{"boss", "u1", "u2", "u3"}, "[{u2 expired} {u3 not_linked}]", false},
	}
	for _, tt := range tests {
		p := domain.NewPrerequisites(in, tt.users, links)
		if fmt.Sprint(p.UnlinkedUsers) != tt.want || p.Ready != tt.ready || p.LinkedUsers != 1 {
			t.Errorf("%s: %+v", tt.name, p)
		}
	}
	if p := domain.NewPrerequisites(domain.Integration{PromobAccountID: "acc"}, nil, nil); p.Ready {
		t.Errorf("no serial numbers: ready")
	}
}

func TestIntegrationCompleted(t *testing.T) {
	prev := &domain.Integration{ResponsibleUserID: "boss", ConnectSituation: "Fechado", ConnectStage: "Produção"}
	tests := []struct {
		name string
		in   domain.Integration
		prev *domain.Integration
		want string
	}{
		{"first configuration", domain.Integration{}, nil, "admin2/Aprovado/Contrato"},
		{"another admin edits without naming them", domain.Integration{}, prev, "boss/Fechado/Produção"},
		{"named", domain.Integration{ResponsibleUserID: "u9", ConnectSituation: "Vendido", ConnectStage: "Entrega"}, prev, "u9/Vendido/Entrega"},
	}
	for _, tt := range tests {
		got := tt.in.Completed(tt.prev, "admin2")
		if s := got.ResponsibleUserID + "/" + got.ConnectSituation + "/" + got.ConnectStage; s != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, s, tt.want)
		}
	}
	if s, st := (domain.Integration{}).ConnectStatus(); s != domain.SituationApproved || st != domain.StageContract {
		t.Errorf("default Connect status %s/%s", s, st)
	}
}

func TestDesignVersion(t *testing.T) {
	converted := domain.Environment{ID: "e1", LatestVersion: 3, ConvertedVersion: 2}
	tests := []struct {
		name      string
		env       domain.Environment
		requested int
		want      int
		code      string
	}{
		{"the converted version by default", converted, 0, 2, ""},
		{"the version the user chose", converted, 3, 3, ""},
		{"an older one", converted, 1, 1, ""},
		{"a version it does not have", converted, 4, 0, domain.CodeNotFound},
		{"not converted, none chosen", domain.Environment{LatestVersion: 2}, 0, 0, domain.CodeConflict},
		{"not converted, one chosen", domain.Environment{LatestVersion: 2}, 2, 2, ""},
	}
	for _, tt := range tests {
		got, err := domain.DesignVersion(tt.env, tt.requested)
		if got != tt.want || (tt.code == "") != (err == nil) || (err != nil && domain.ErrorCode(err) != tt.code) {
			t.Errorf("%s: %d, %v", tt.name, got, err)
		}
	}
	for _, in := range []struct {
		source  string
		version int
	}{{"blank", 2}, {"revision", -1}} {
		if err := domain.RequireDesignSource(in.source, in.version); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("%+v: %v", in, err)
		}
	}
}

func TestFilterPromobProjects(t *testing.T) {
	ps := []domain.PromobProject{{ProjectID: "1", Name: "Casa Silva", CustomerName: "Ana"}, {ProjectID: "2", Name: "Loja", CustomerName: "Bruno Silva"}}
	for q, want := range map[string]int{"": 2, "silva": 2, "CASA": 1, "bruno": 1, "zz": 0} {
		if got := domain.FilterPromobProjects(ps, q); len(got) != want {
			t.Errorf("%q: %d projects, want %d", q, len(got), want)
		}
	}
}
