package httpapi

import (
	"context"
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

func (s *Server) approve(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
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
		return 0, nil, err
	}
	now := s.now()
	entry := domain.NewHistoryEntry(domain.HistoryApproved, env.ID, env.LatestVersion, id.UserID, now,
		fmt.Sprintf("%s: version %d (Promob revision %d) approved and converted.", env.Name, env.LatestVersion, env.ImportedRevision))
	env, err = s.store.Approve(r.Context(), env, entry, now)
	if err != nil {
		return 0, nil, err
	}
	if err := s.sendConnectStatus(r, env); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, env, nil
}

// sendConnectStatus asks promobsync to show the converted environment's
// situation and stage (the store's settings, see
// domain.Integration.ConnectStatus) in Promob's Connect list, and records
// on the project that they are on their way.
func (s *Server) sendConnectStatus(r *http.Request, env domain.Environment) error {
	ctx := r.Context()
	integ, err := s.store.GetIntegration(ctx, env.StoreID)
	if err != nil && !domain.IsNotConfiguredErr(err) {
		return err
	}
	situation, stage := integ.ConnectStatus()
	d := domain.ConnectDelivery{Situation: situation, Stage: stage, EnvironmentID: env.ID, Version: env.ConvertedVersion,
		Status: domain.ConnectPending, At: s.now().UTC()}
	if err := s.store.SetConnectDelivery(ctx, env.StoreID, env.ProjectID, d); err != nil {
		return err
	}
	msg := domain.ConnectStatusMessage{
		Kind: domain.KindConnectStatus, StoreID: env.StoreID, AccountID: env.PromobAccountID, ProjectID: env.PromobProjectID,
		EnvironmentID: env.PromobEnvironmentID, Version: env.ConvertedVersion, Situation: situation, Stage: stage,
		ProjectRef: env.ProjectID, EnvironmentRef: env.ID,
	}
	err = s.outbox.Send(ctx, msg, env.PromobAccountID+":"+env.PromobProjectID, "status:"+env.ID+":"+strconv.Itoa(env.ConvertedVersion))
	if err != nil {
		s.failUnqueued(r, err, func(ctx context.Context) error {
			d.Status, d.Reason, d.At = domain.ConnectFailed, unqueued+"approve the environment again to send them.", s.now().UTC()
			return s.store.SetConnectDelivery(ctx, env.StoreID, env.ProjectID, d)
		})
	}
	return err
}

func (s *Server) releaseFinancially(r *http.Request, id domain.Identity) (int, any, error) {
	pid := r.PathValue("pid")
	entry := domain.NewHistoryEntry(domain.HistoryFinancialRelease, "", 0, id.UserID, s.now(), "The contract was financially released.")
	p, _, err := s.store.ReleaseFinancially(r.Context(), id.StoreID, pid, entry)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, Release{ProjectID: p.ID, FinanciallyReleasedAt: *p.FinanciallyReleasedAt, FinanciallyReleasedBy: p.FinanciallyReleasedBy}, nil
}

// startReview starts the converted environment's review once, then answers
// the review as getReview does.
func (s *Server) startReview(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	switch {
	case env.Locked:
		return 0, nil, domain.Locked(env.ID)
	case env.ConvertedVersion == 0:
		return 0, nil, domain.NotConverted(env.ID)
	}
	if env.ReviewStartedAt == nil {
		entry := domain.NewHistoryEntry(domain.HistoryReviewStarted, env.ID, env.LatestVersion, id.UserID, s.now(),
			fmt.Sprintf("%s: review started at version %d; an update from Promob is required.", env.Name, env.LatestVersion))
		if _, err := s.store.StartReview(r.Context(), env, entry); err != nil {
			return 0, nil, err
		}
	}
	return s.getReview(r, id)
}

// getReview answers the environment's review as stored now.
func (s *Server) getReview(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	rv := Review{
		EnvironmentID: env.ID, Status: env.ReviewStatus(), UpdateRequired: env.UpdateRequired(), ConvertedVersion: env.ConvertedVersion,
		LatestVersion: env.LatestVersion, StartedAt: env.ReviewStartedAt, StartedBy: env.ReviewStartedBy, StartVersion: env.ReviewStartVersion,
		StartRevision: env.ReviewStartRevision, CompletedAt: env.ReviewCompletedAt, Locked: env.Locked,
		Diff: domain.Diff{Added: []domain.PartChange{}, Removed: []domain.PartChange{}, Changed: []domain.PartChange{}, Manual: domain.CompareManual(nil, nil)},
	}
	if env.ConvertedVersion > 0 {
		diff, err := s.diff(r, env)
		if err != nil {
			return 0, nil, err
		}
		rv.Diff = diff
	}
	return http.StatusOK, rv, nil
}

// diff compares the converted version with the latest: the Promob parts,
// the manual items their budgets hold, and their totals.
func (s *Server) diff(r *http.Request, env domain.Environment) (domain.Diff, error) {
	ctx := r.Context()
	before, err := s.store.Version(ctx, env, env.ConvertedVersion)
	if err != nil {
		return domain.Diff{}, err
	}
	after := before
	if env.LatestVersion != env.ConvertedVersion {
		if after, err = s.store.Version(ctx, env, env.LatestVersion); err != nil {
			return domain.Diff{}, err
		}
	}
	itemsBefore, err := s.versionItems(r, env, before.Number)
	if err != nil {
		return domain.Diff{}, err
	}
	itemsAfter := itemsBefore
	if after.PromobRevision != before.PromobRevision {
		if itemsAfter, err = s.versionItems(r, env, after.Number); err != nil {
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
	d := domain.Compare(itemsBefore, itemsAfter, tb, ta)
	mb, err := manualOf(before)
	if err != nil {
		return domain.Diff{}, err
	}
	ma, err := manualOf(after)
	if err != nil {
		return domain.Diff{}, err
	}
	d.Manual = domain.CompareManual(mb, ma)
	return d, nil
}

// manualOf returns the manual items a version's budget holds.
func manualOf(v domain.Version) ([]domain.ManualLine, error) {
	sum, err := summaryOf(v)
	if err != nil {
		return nil, err
	}
	out := make([]domain.ManualLine, len(sum.Manual))
	for i, m := range sum.Manual {
		out[i] = domain.ManualLine{ID: m.ID, Description: m.Description, Reference: m.Reference, Quantity: m.Quantity, UnitPrice: m.UnitPrice}
	}
	return out, nil
}

// versionItems reads every Promob item of a version, for the work that
// needs them all at once (the review's diff, the purchase orders, a
// reprice); answers page them instead.
func (s *Server) versionItems(r *http.Request, env domain.Environment, n int) ([]domain.PromobItem, error) {
	var items []domain.PromobItem
	err := s.store.VersionItems(r.Context(), env, n, func(dec *json.Decoder) error {
		var it domain.PromobItem
		err := dec.Decode(&it)
		items = append(items, it)
		return err
	})
	return items, err
}

func (s *Server) completeReview(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	if err := env.CanCompleteReview(); err != nil {
		return 0, nil, err
	}
	v, err := s.store.Version(r.Context(), env, env.LatestVersion)
	if err != nil {
		return 0, nil, err
	}
	items, err := s.versionItems(r, env, v.Number)
	if err != nil {
		return 0, nil, err
	}
	var rules pricing.Rules
	if err := json.Unmarshal(v.Rules, &rules); err != nil {
		return 0, nil, err
	}
	now := s.now()
	orders := domain.PurchaseOrders(env.ID, env.LatestVersion, items, rules.Suppliers, id.UserID)
	entries := []domain.HistoryEntry{
		domain.NewHistoryEntry(domain.HistoryReviewCompleted, env.ID, env.LatestVersion, id.UserID, now,
			fmt.Sprintf("%s: review completed on version %d; the environment is locked.", env.Name, env.LatestVersion)),
		domain.NewHistoryEntry(domain.HistoryPurchaseOrders, env.ID, env.LatestVersion, id.UserID, now,
			fmt.Sprintf("%s: %d purchase order(s) written from version %d.", env.Name, len(orders), env.LatestVersion)),
	}
	if err := s.store.CompleteReview(r.Context(), env, orders, entries, now); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string][]domain.PurchaseOrder{"purchaseOrders": orders}, nil
}

func (s *Server) listPurchaseOrders(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	orders, err := s.store.PurchaseOrders(r.Context(), env)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string][]domain.PurchaseOrder{"purchaseOrders": orders}, nil
}

func (s *Server) listHistory(r *http.Request, id domain.Identity) (int, any, error) {
	ctx := r.Context()
	p, err := s.store.Project(ctx, id.StoreID, r.PathValue("pid"))
	if err != nil {
		return 0, nil, err
	}
	entries, err := s.store.History(ctx, id.StoreID, p.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string][]domain.HistoryEntry{"history": entries}, nil
}

func (s *Server) openVersion(r *http.Request, id domain.Identity) (int, any, error) {
	env, v, err := s.routedVersion(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]string{"url": env.OpenURL(v.PromobRevision)}, nil
}
