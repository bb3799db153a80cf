package httpapi

import (
	"net/http"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/sale"
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
	if env, err = s.workflow.Approve(r.Context(), id, env); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, env, nil
}

func (s *Server) releaseFinancially(r *http.Request, id domain.Identity) (int, any, error) {
	p, err := s.workflow.ReleaseFinancially(r.Context(), id, r.PathValue("pid"))
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
	if err := s.workflow.StartReview(r.Context(), id, env); err != nil {
		return 0, nil, err
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

// versionItems reads every Promob item of a version (see
// sale.VersionItems); answers page them instead.
func (s *Server) versionItems(r *http.Request, env domain.Environment, n int) ([]domain.PromobItem, error) {
	return sale.VersionItems(r.Context(), s.store, env, n)
}

func (s *Server) completeReview(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	orders, err := s.workflow.CompleteReview(r.Context(), id, env)
	if err != nil {
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
