package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// Review is the answer of the review routes: the review's state and what
// changed from the converted version to the latest.
type Review struct {
	EnvironmentID    string      `json:"environmentId"`
	Status           string      `json:"status"`
	UpdateRequired   bool        `json:"updateRequired"`
	ConvertedVersion int         `json:"convertedVersion"`
	LatestVersion    int         `json:"latestVersion"`
	StartedAt        *time.Time  `json:"startedAt,omitempty"`
	StartedBy        string      `json:"startedBy,omitempty"`
	StartVersion     int         `json:"startVersion,omitempty"`
	StartRevision    int         `json:"startRevision,omitempty"`
	CompletedAt      *time.Time  `json:"completedAt,omitempty"`
	Locked           bool        `json:"locked"`
	Diff             domain.Diff `json:"diff"`
}

// Release is the answer of the financial release.
type Release struct {
	ProjectID             string    `json:"projectId"`
	FinanciallyReleasedAt time.Time `json:"financiallyReleasedAt"`
	FinanciallyReleasedBy string    `json:"financiallyReleasedBy"`
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleSeller, domain.RoleAdmin); err != nil {
		WriteError(w, r, err)
		return
	}
	env, ok := s.environment(w, r, id)
	if !ok {
		return
	}
	if err := env.CanApprove(); err != nil {
		// A repeated approval also repeats the Connect status message (an
		// idempotent PUT in Promob), so a status whose sending failed after
		// the approval was saved is not lost: the user's retry sends it.
		if domain.ErrorCode(err) == domain.CodeAlreadyConverted {
			if serr := s.sendConnectStatus(r, env); serr != nil {
				err = serr
			}
		}
		WriteError(w, r, err)
		return
	}
	now := s.now()
	entry := domain.NewHistoryEntry(domain.HistoryApproved, env.ID, env.LatestVersion, id.UserID, now,
		fmt.Sprintf("%s: version %d (Promob revision %d) approved and converted.", env.Name, env.LatestVersion, env.ImportedRevision))
	env, err := s.store.Approve(r.Context(), env, entry, now)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	if err := s.sendConnectStatus(r, env); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, env)
}

// sendConnectStatus asks promobsync to show the converted environment's
// situation and stage in Promob's Connect list.
func (s *Server) sendConnectStatus(r *http.Request, env domain.Environment) error {
	msg := domain.ConnectStatusMessage{
		Kind: domain.KindConnectStatus, StoreID: env.StoreID, AccountID: env.PromobAccountID, ProjectID: env.PromobProjectID,
		EnvironmentID: env.PromobEnvironmentID, Version: env.ConvertedVersion, Situation: domain.SituationApproved, Stage: domain.StageContract,
	}
	return s.outbox.Send(r.Context(), msg, env.PromobAccountID+":"+env.PromobProjectID, "status:"+env.ID+":"+strconv.Itoa(env.ConvertedVersion))
}

func (s *Server) releaseFinancially(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleFinance, domain.RoleAdmin); err != nil {
		WriteError(w, r, err)
		return
	}
	pid := r.PathValue("pid")
	entry := domain.NewHistoryEntry(domain.HistoryFinancialRelease, "", 0, id.UserID, s.now(), "The contract was financially released.")
	p, _, err := s.store.ReleaseFinancially(r.Context(), id.StoreID, pid, entry)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, Release{ProjectID: p.ID, FinanciallyReleasedAt: *p.FinanciallyReleasedAt, FinanciallyReleasedBy: p.FinanciallyReleasedBy})
}

func (s *Server) startReview(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleReviewer); err != nil {
		WriteError(w, r, err)
		return
	}
	env, ok := s.environment(w, r, id)
	if !ok {
		return
	}
	switch {
	case env.Locked:
		WriteError(w, r, domain.Errorf(domain.CodeLocked, "Environment %s is locked: its review is complete.", env.ID))
		return
	case env.ConvertedVersion == 0:
		WriteError(w, r, domain.Errorf(domain.CodeNotConverted, "Environment %s is not approved: the review starts after the approval.", env.ID))
		return
	}
	if env.ReviewStartedAt == nil {
		entry := domain.NewHistoryEntry(domain.HistoryReviewStarted, env.ID, env.LatestVersion, id.UserID, s.now(),
			fmt.Sprintf("%s: review started at version %d; an update from Promob is required.", env.Name, env.LatestVersion))
		if _, err := s.store.StartReview(r.Context(), env, entry); err != nil {
			WriteError(w, r, err)
			return
		}
	}
	s.writeReview(w, r, id)
}

func (s *Server) getReview(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	s.writeReview(w, r, id)
}

// writeReview answers the environment's review as stored now.
func (s *Server) writeReview(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	env, ok := s.environment(w, r, id)
	if !ok {
		return
	}
	rv := Review{
		EnvironmentID: env.ID, Status: env.ReviewStatus(), UpdateRequired: env.UpdateRequired(), ConvertedVersion: env.ConvertedVersion,
		LatestVersion: env.LatestVersion, StartedAt: env.ReviewStartedAt, StartedBy: env.ReviewStartedBy, StartVersion: env.ReviewStartVersion,
		StartRevision: env.ReviewStartRevision, CompletedAt: env.ReviewCompletedAt, Locked: env.Locked,
		Diff: domain.Diff{Added: []domain.PartChange{}, Removed: []domain.PartChange{}, Changed: []domain.PartChange{}},
	}
	if env.ConvertedVersion > 0 {
		diff, err := s.diff(r, env)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		rv.Diff = diff
	}
	WriteJSON(w, http.StatusOK, rv)
}

// diff compares the converted version with the latest.
func (s *Server) diff(r *http.Request, env domain.Environment) (domain.Diff, error) {
	before, err := s.versionDetail(r, env, env.ConvertedVersion)
	if err != nil {
		return domain.Diff{}, err
	}
	after := before
	if env.LatestVersion != env.ConvertedVersion {
		if after, err = s.versionDetail(r, env, env.LatestVersion); err != nil {
			return domain.Diff{}, err
		}
	}
	tb, err := decimal.NewFromString(before.Total)
	if err != nil {
		return domain.Diff{}, err
	}
	ta, err := decimal.NewFromString(after.Total)
	if err != nil {
		return domain.Diff{}, err
	}
	return domain.Compare(before.Items, after.Items, tb, ta), nil
}

func (s *Server) completeReview(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(domain.RoleReviewer); err != nil {
		WriteError(w, r, err)
		return
	}
	env, ok := s.environment(w, r, id)
	if !ok {
		return
	}
	if err := env.CanCompleteReview(); err != nil {
		WriteError(w, r, err)
		return
	}
	detail, err := s.versionDetail(r, env, env.LatestVersion)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	var rules pricing.Rules
	if err := json.Unmarshal(detail.Rules, &rules); err != nil {
		WriteError(w, r, err)
		return
	}
	now := s.now()
	orders := domain.PurchaseOrders(env.ID, env.LatestVersion, detail.Items, rules.Suppliers, id.UserID)
	entries := []domain.HistoryEntry{
		domain.NewHistoryEntry(domain.HistoryReviewCompleted, env.ID, env.LatestVersion, id.UserID, now,
			fmt.Sprintf("%s: review completed on version %d; the environment is locked.", env.Name, env.LatestVersion)),
		domain.NewHistoryEntry(domain.HistoryPurchaseOrders, env.ID, env.LatestVersion, id.UserID, now,
			fmt.Sprintf("%s: %d purchase order(s) written from version %d.", env.Name, len(orders), env.LatestVersion)),
	}
	if err := s.store.CompleteReview(r.Context(), env, orders, entries, now); err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, map[string][]domain.PurchaseOrder{"purchaseOrders": orders})
}

func (s *Server) listPurchaseOrders(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	env, ok := s.environment(w, r, id)
	if !ok {
		return
	}
	orders, err := s.store.PurchaseOrders(r.Context(), env)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string][]domain.PurchaseOrder{"purchaseOrders": orders})
}

func (s *Server) listHistory(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	if err := id.Require(anyRole...); err != nil {
		WriteError(w, r, err)
		return
	}
	ctx := r.Context()
	p, err := s.store.Project(ctx, id.StoreID, r.PathValue("pid"))
	if err != nil {
		WriteError(w, r, err)
		return
	}
	entries, err := s.store.History(ctx, id.StoreID, p.ID)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string][]domain.HistoryEntry{"history": entries})
}

func (s *Server) openVersion(w http.ResponseWriter, r *http.Request, id domain.Identity) {
	env, ok := s.environment(w, r, id)
	if !ok {
		return
	}
	n, err := versionNumber(r)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	v, err := s.store.Version(r.Context(), env, n)
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"url": env.OpenURL(v.PromobRevision)})
}
