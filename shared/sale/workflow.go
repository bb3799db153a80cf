package sale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// WorkflowStore is what the sale's workflow reads and writes. Its guarded
// writes (Approve, ReleaseFinancially, StartReview, CompleteReview) return
// an error wrapping domain.ErrChanged when the record is no longer as read.
type WorkflowStore interface {
	ItemReader
	// Environment returns one of the store's environments, or a not_found
	// *domain.Error.
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	// ProjectRecord returns one of the store's projects without its
	// environments, or a not_found *domain.Error.
	ProjectRecord(ctx context.Context, storeID, id string) (domain.Project, error)
	// GetIntegration returns the store's integration, or an
	// integration_missing *domain.Error.
	GetIntegration(ctx context.Context, storeID string) (domain.Integration, error)
	Version(ctx context.Context, env domain.Environment, number int) (domain.Version, error)
	Approve(ctx context.Context, env domain.Environment, entry domain.HistoryEntry, now time.Time) (domain.Environment, error)
	ReleaseFinancially(ctx context.Context, storeID, projectID string, entry domain.HistoryEntry) (domain.Project, error)
	StartReview(ctx context.Context, env domain.Environment, entry domain.HistoryEntry) error
	CompleteReview(ctx context.Context, env domain.Environment, orders []domain.PurchaseOrder, entries []domain.HistoryEntry, now time.Time) error
	SetConnectDelivery(ctx context.Context, storeID, projectID string, d domain.ConnectDelivery) error
}

// ItemReader reads the Promob items of an environment's version.
type ItemReader interface {
	VersionItems(ctx context.Context, env domain.Environment, number int, fn func(dec *json.Decoder) error) error
}

// Workflow approves environments, releases contracts financially and runs
// reviews.
type Workflow struct {
	Store  WorkflowStore
	Outbox message.Queue // promobsync's queue: the calls to Promob
	Now    func() time.Time
}

// Approve converts the environment's latest version (env as read by the
// caller) on behalf of actor and asks Promob's Connect to show the
// contract's situation and stage; it returns the environment approved.
// It fails with the refusal of domain.Environment.CanApprove, then, when
// the environment changed meanwhile, with the refusal its state gives now
// or a conflict. A repeated approval (already_converted) sends the Connect
// status again, so that one whose sending failed after the approval was
// saved is not lost: the user's retry sends it. When the status cannot be
// queued, its delivery is recorded failed and the queue's error returned.
func (w Workflow) Approve(ctx context.Context, actor domain.Identity, env domain.Environment) (domain.Environment, error) {
	if err := env.CanApprove(); err != nil {
		if domain.ErrorCode(err) == domain.CodeAlreadyConverted {
			if serr := w.sendConnectStatus(ctx, env); serr != nil {
				err = serr
			}
		}
		return domain.Environment{}, err
	}
	now := w.Now()
	entry := domain.NewHistoryEntry(domain.HistoryApproved, env.ID, env.LatestVersion, actor.UserID, now,
		fmt.Sprintf("%s: version %d (Promob revision %d) approved and converted.", env.Name, env.LatestVersion, env.ImportedRevision))
	approved, err := w.Store.Approve(ctx, env, entry, now)
	if err != nil {
		return domain.Environment{}, w.refusedNow(ctx, err, env, domain.Environment.CanApprove)
	}
	if err := w.sendConnectStatus(ctx, approved); err != nil {
		return domain.Environment{}, err
	}
	return approved, nil
}

// sendConnectStatus asks promobsync to show the converted environment's
// situation and stage (the store's settings, see
// domain.Integration.ConnectStatus) in Promob's Connect list, and records
// on the project that they are on their way; when the message cannot be
// queued, that their delivery failed (see SendOrFail).
func (w Workflow) sendConnectStatus(ctx context.Context, env domain.Environment) error {
	integ, err := w.Store.GetIntegration(ctx, env.StoreID)
	if err != nil && !domain.IsNotConfiguredErr(err) {
		return err
	}
	situation, stage := integ.ConnectStatus()
	d := domain.ConnectDelivery{Situation: situation, Stage: stage, EnvironmentID: env.ID, Version: env.ConvertedVersion,
		Status: domain.ConnectPending, At: w.Now().UTC()}
	if err := w.Store.SetConnectDelivery(ctx, env.StoreID, env.ProjectID, d); err != nil {
		return err
	}
	msg := message.ConnectStatus{
		Kind: message.KindConnectStatus, StoreID: env.StoreID, AccountID: env.PromobAccountID, ProjectID: env.PromobProjectID,
		EnvironmentID: env.PromobEnvironmentID, Version: env.ConvertedVersion, Situation: situation, Stage: stage,
		ProjectRef: env.ProjectID, EnvironmentRef: env.ID,
	}
	return SendOrFail(ctx, w.Outbox, msg, env.PromobAccountID+":"+env.PromobProjectID, "status:"+env.ID+":"+strconv.Itoa(env.ConvertedVersion),
		func(ctx context.Context) error {
			d.Status, d.Reason, d.At = domain.ConnectFailed, Unqueued("approve the environment again to send them."), w.Now().UTC()
			return w.Store.SetConnectDelivery(ctx, env.StoreID, env.ProjectID, d)
		})
}

// ReleaseFinancially records that actor (finance) released the contract of
// the actor's store's project, once, and returns the project; a project
// released before is returned as it is. It fails with not_found for a
// project not in the actor's store.
func (w Workflow) ReleaseFinancially(ctx context.Context, actor domain.Identity, projectID string) (domain.Project, error) {
	p, err := w.Store.ProjectRecord(ctx, actor.StoreID, projectID)
	if err != nil || p.FinanciallyReleased() {
		return p, err
	}
	entry := domain.NewHistoryEntry(domain.HistoryFinancialRelease, "", 0, actor.UserID, w.Now(), "The contract was financially released.")
	released, err := w.Store.ReleaseFinancially(ctx, actor.StoreID, projectID, entry)
	if !errors.Is(err, domain.ErrChanged) {
		return released, err
	}
	// Released meanwhile by another call: that release is the answer.
	if p, err = w.Store.ProjectRecord(ctx, actor.StoreID, projectID); err != nil || p.FinanciallyReleased() {
		return p, err
	}
	return domain.Project{}, domain.Changed("Project", projectID)
}

// StartReview starts, on behalf of actor (a reviewer), the review of env
// (as read by the caller) at its latest version, once: a review started
// before is left as it is. It fails with the refusal of
// domain.Environment.CanStartReview, then, when the environment changed
// meanwhile, with the refusal its state gives now or a conflict.
func (w Workflow) StartReview(ctx context.Context, actor domain.Identity, env domain.Environment) error {
	if started, err := w.reviewStarted(ctx, env); started || err != nil {
		return err
	}
	entry := domain.NewHistoryEntry(domain.HistoryReviewStarted, env.ID, env.LatestVersion, actor.UserID, w.Now(),
		fmt.Sprintf("%s: review started at version %d; an update from Promob is required.", env.Name, env.LatestVersion))
	err := w.Store.StartReview(ctx, env, entry)
	if !errors.Is(err, domain.ErrChanged) {
		return err
	}
	cur, err := w.Store.Environment(ctx, env.StoreID, env.ID)
	if err != nil {
		return err
	}
	if started, err := w.reviewStarted(ctx, cur); started || err != nil {
		return err
	}
	return domain.Changed("Environment", env.ID)
}

// reviewStarted returns the refusal of domain.Environment.CanStartReview
// for env and its project, else whether env's review is started already.
func (w Workflow) reviewStarted(ctx context.Context, env domain.Environment) (bool, error) {
	p, err := w.Store.ProjectRecord(ctx, env.StoreID, env.ProjectID)
	if err != nil {
		return false, err
	}
	if err := env.CanStartReview(p); err != nil {
		return false, err
	}
	return env.ReviewStartedAt != nil, nil
}

// CompleteReview completes, on behalf of actor (a reviewer), the review of
// env (as read by the caller): it writes the purchase orders of the
// reviewed (latest) version, one per supplier (the version's commercial
// rules name them), and locks the environment. It returns the orders, or
// the refusal of domain.Environment.CanCompleteReview, then, when the
// environment changed meanwhile, the refusal its state gives now or a
// conflict.
func (w Workflow) CompleteReview(ctx context.Context, actor domain.Identity, env domain.Environment) ([]domain.PurchaseOrder, error) {
	if err := env.CanCompleteReview(); err != nil {
		return nil, err
	}
	v, err := w.Store.Version(ctx, env, env.LatestVersion)
	if err != nil {
		return nil, err
	}
	items, err := VersionItems(ctx, w.Store, env, v.Number)
	if err != nil {
		return nil, err
	}
	var rules pricing.Rules
	if err := json.Unmarshal(v.Rules, &rules); err != nil {
		return nil, fmt.Errorf("rules of version %d of environment %s: %w", v.Number, env.ID, err)
	}
	now := w.Now()
	orders := domain.PurchaseOrders(env.ID, env.LatestVersion, items, rules.Suppliers, actor.UserID)
	entries := []domain.HistoryEntry{
		domain.NewHistoryEntry(domain.HistoryReviewCompleted, env.ID, env.LatestVersion, actor.UserID, now,
			fmt.Sprintf("%s: review completed on version %d; the environment is locked.", env.Name, env.LatestVersion)),
		domain.NewHistoryEntry(domain.HistoryPurchaseOrders, env.ID, env.LatestVersion, actor.UserID, now,
			fmt.Sprintf("%s: %d purchase order(s) written from version %d.", env.Name, len(orders), env.LatestVersion)),
	}
	if err := w.Store.CompleteReview(ctx, env, orders, entries, now); err != nil {
		return nil, w.refusedNow(ctx, err, env, domain.Environment.CanCompleteReview)
	}
	return orders, nil
}

// refusedNow is refusedNow for a guarded write of env whose rule is a
// predicate of the environment.
func (w Workflow) refusedNow(ctx context.Context, err error, env domain.Environment, rule func(domain.Environment) error) error {
	return refusedNow(err, "Environment", env.ID, func() error {
		cur, err := w.Store.Environment(ctx, env.StoreID, env.ID)
		if err != nil {
			return err
		}
		return rule(cur)
	})
}

// VersionItems returns every Promob item of the environment's version n,
// for the work that needs them all at once (the purchase orders, the
// review's diff, a reprice), or the store's error.
func VersionItems(ctx context.Context, r ItemReader, env domain.Environment, n int) ([]domain.PromobItem, error) {
	var items []domain.PromobItem
	err := r.VersionItems(ctx, env, n, func(dec *json.Decoder) error {
		var it domain.PromobItem
		if err := dec.Decode(&it); err != nil {
			return err
		}
		items = append(items, it)
		return nil
	})
	return items, err
}
