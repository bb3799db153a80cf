package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestCanApprove(t *testing.T) {
	ready := domain.Environment{ID: "e1", LatestVersion: 2, PromobRevision: 3, ImportedRevision: 3, ImportStatus: domain.ImportImported}
	with := func(change func(e *domain.Environment)) domain.Environment {
		e := ready
		change(&e)
		return e
	}
	tests := []struct {
		name     string
		env      domain.Environment
		code     string
		contains string // in the message
	}{
		{"up to date", ready, "", ""},
		{"approved already", with(func(e *domain.Environment) { e.ConvertedVersion = 2 }), domain.CodeAlreadyConverted, "Version 2"},
		{"approved, and saved in Promob since", with(func(e *domain.Environment) { e.ConvertedVersion, e.PromobRevision = 2, 4 }), domain.CodeAlreadyConverted, ""},
		{"a revision waits", with(func(e *domain.Environment) { e.PromobRevision = 4 }), domain.CodeOutdated, "revision 4"},
		{"an import is pending", with(func(e *domain.Environment) { e.ImportStatus = domain.ImportPending }), domain.CodeOutdated, "pending"},
		{"the import failed", with(func(e *domain.Environment) { e.ImportStatus, e.ImportError = domain.ImportFailed, "bad XML" }), domain.CodeOutdated, "bad XML"},
		{"nothing imported", domain.Environment{ID: "e1", ImportStatus: domain.ImportImported}, domain.CodeOutdated, "no imported version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.env.CanApprove()
			if domain.ErrorCode(err) != tt.code || !strings.Contains(domain.ErrorMessage(err), tt.contains) {
				t.Fatalf("CanApprove() = %v, want %q containing %q", err, tt.code, tt.contains)
			}
		})
	}
}

func TestFinanciallyReleased(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if (domain.Project{ID: "p1"}).FinanciallyReleased() {
		t.Error("a project with no release is released")
	}
	if !(domain.Project{ID: "p1", FinanciallyReleasedAt: &at, FinanciallyReleasedBy: "fin"}).FinanciallyReleased() {
		t.Error("a released project is not released")
	}
}

func TestCanStartReview(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	released := domain.Project{ID: "p1", FinanciallyReleasedAt: &at}
	converted := domain.Environment{ID: "e1", ProjectID: "p1", ConvertedVersion: 1, LatestVersion: 1}
	started := converted
	started.ReviewStartedAt = &at
	completed := started
	completed.ReviewCompletedAt, completed.Locked = &at, true
	tests := []struct {
		name    string
		env     domain.Environment
		project domain.Project
		code    string
	}{
		{"converted and released", converted, released, ""},
		{"started already", started, released, ""},
		{"not converted", domain.Environment{ID: "e1", LatestVersion: 1}, released, domain.CodeNotConverted},
		{"not released", converted, domain.Project{ID: "p1"}, domain.CodeNotFinanciallyReleased},
		{"not converted nor released", domain.Environment{ID: "e1", LatestVersion: 1}, domain.Project{ID: "p1"}, domain.CodeNotConverted},
		{"completed", completed, released, domain.CodeLocked},
		{"locked, not released", domain.Environment{ID: "e1", ConvertedVersion: 1, Locked: true}, domain.Project{ID: "p1"}, domain.CodeLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.env.CanStartReview(tt.project); domain.ErrorCode(err) != tt.code {
				t.Fatalf("CanStartReview() = %v, want %q", err, tt.code)
			}
		})
	}
}

func TestCanCompleteReview(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	started := domain.Environment{ID: "e1", ConvertedVersion: 1, LatestVersion: 1, ReviewStartedAt: &at, ReviewStartVersion: 1}
	updated := started
	updated.LatestVersion = 2
	noNewer := started
	noNewer.ReviewUpdatedAt = &at
	completed := updated
	completed.ReviewCompletedAt = &at
	locked := updated
	locked.Locked = true
	tests := []struct {
		name string
		env  domain.Environment
		code string
	}{
		{"a version imported since the start", updated, ""},
		{"an update found nothing newer", noNewer, ""},
		{"not started", domain.Environment{ID: "e1", ConvertedVersion: 1, LatestVersion: 1}, domain.CodeReviewNotStarted},
		{"no update since the start", started, domain.CodeUpdateRequired},
		{"completed", completed, domain.CodeLocked},
		{"locked", locked, domain.CodeLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.env.CanCompleteReview(); domain.ErrorCode(err) != tt.code {
				t.Fatalf("CanCompleteReview() = %v, want %q", err, tt.code)
			}
		})
	}
}
