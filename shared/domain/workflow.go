package domain

import (
	"fmt"
	"net/url"
	"time"
)

// Review states of an environment.
const (
	ReviewStateNotStarted = "not_started"
	ReviewStateInProgress = "in_progress"
	ReviewStateCompleted  = "completed"
)

// Connect situation and stage set in Promob when an environment is
// approved (the budget became a contract), unless the store's integration
// names others.
const (
	SituationApproved = "Aprovado"
	StageContract     = "Contrato"
)

// CanChange returns nil while the environment (or an assistance's design)
// may still change, by Promob or in FoccoLojas, else environment_locked:
// its review is complete and its purchase orders exist. Every rule that
// changes an environment asks it first; the store's guarded writes hold
// the same condition.
func (e Environment) CanChange() error {
	if e.Locked || e.ReviewCompletedAt != nil {
		return Locked(e.ID)
	}
	return nil
}

// CanApprove returns nil when the environment's latest version can be
// converted, else environment_outdated (naming the Promob revision waiting,
// or the import state) or already_converted.
func (e Environment) CanApprove() error {
	switch {
	case e.ConvertedVersion > 0:
		return AlreadyConverted(e.ID, e.ConvertedVersion)
	case e.Outdated():
		return Outdated(e.ID, fmt.Sprintf("Promob revision %d is waiting to be imported (version %d has revision %d); update it first", e.PromobRevision, e.LatestVersion, e.ImportedRevision))
	case e.ImportStatus == ImportPending:
		return Outdated(e.ID, "an import is pending; wait for it")
	case e.ImportStatus == ImportFailed:
		return Outdated(e.ID, "its last import failed ("+e.ImportError+"); update it first")
	case e.LatestVersion == 0:
		return Outdated(e.ID, "it has no imported version")
	}
	return nil
}

// FinanciallyReleased reports whether finance released the project's
// contract. It is released once: a repeat changes nothing.
func (p Project) FinanciallyReleased() bool { return p.FinanciallyReleasedAt != nil }

// CanStartReview returns nil when the review of the environment of project
// p can start (or is started: a repeat changes nothing), else
// environment_locked once its review is complete, not_converted before its
// approval, or not_financially_released before finance released p's
// contract.
func (e Environment) CanStartReview(p Project) error {
	switch {
	case e.CanChange() != nil:
		return e.CanChange()
	case e.ConvertedVersion == 0:
		return NotConverted(e.ID)
	case !p.FinanciallyReleased():
		return NotFinanciallyReleased(p.ID)
	}
	return nil
}

// CanUpdate returns nil when the environment (or an assistance's design)
// can import Promob's current listing, else environment_locked once its
// review is complete, or conflict while it is not in Promob yet.
func (e Environment) CanUpdate() error {
	if err := e.CanChange(); err != nil {
		return err
	}
	if e.Status != EnvReady || e.PromobEnvironmentID == "" {
		return Conflict("%s is not in Promob yet: nothing to update from.", e.Name)
	}
	return nil
}

// ReviewStatus is the state of the environment's review.
func (e Environment) ReviewStatus() string {
	switch {
	case e.ReviewCompletedAt != nil:
		return ReviewStateCompleted
	case e.ReviewStartedAt != nil:
		return ReviewStateInProgress
	}
	return ReviewStateNotStarted
}

// UpdateRequired reports whether the review waits for its mandatory update:
// it was started, no version was imported since, and no update asked of
// Promob since found that there was nothing newer to import.
func (e Environment) UpdateRequired() bool {
	return e.ReviewStartedAt != nil && e.ReviewCompletedAt == nil && e.LatestVersion <= e.ReviewStartVersion && e.ReviewUpdatedAt == nil
}

// UpdateSatisfiesReview reports whether an update that asked Promob for the
// current revision at checkedAt, and found none newer than the latest
// version, is the review's mandatory update: the review waits for one and
// had started when Promob was asked.
func (e Environment) UpdateSatisfiesReview(checkedAt time.Time) bool {
	return e.UpdateRequired() && !checkedAt.Before(*e.ReviewStartedAt)
}

// CanCompleteReview returns nil when the review can be completed, else
// review_not_started, update_required or environment_locked.
func (e Environment) CanCompleteReview() error {
	switch {
	case e.CanChange() != nil:
		return e.CanChange()
	case e.ReviewStartedAt == nil:
		return ReviewNotStarted(e.ID)
	case e.UpdateRequired():
		return UpdateRequired(e.ID, e.ReviewStartVersion)
	}
	return nil
}

// OpenURL is the link that opens the environment in Promob at a revision.
func (e Environment) OpenURL(revision int) string {
	return fmt.Sprintf("promob://open?account=%s&project=%s&environment=%s&revision=%d",
		url.QueryEscape(e.PromobAccountID), url.QueryEscape(e.PromobProjectID), url.QueryEscape(e.PromobEnvironmentID), revision)
}
