// Package importer is the importer function: it turns Promob events into
// environment state. A saved environment marks it outdated and notifies its
// users; a prepared or negotiated listing, or an update request, becomes the
// environment's next version, priced by the store's commercial rules. An
// update requested by a user fetches the listing with that user's linked
// Promob token when they have one (a refused token expires the link and
// notifies the user), else with the store's integration token.
//
// Rules that make imports safe to repeat and to run concurrently:
//   - a Promob revision becomes a version only if it is newer than the
//     imported one, so duplicates and older revisions delivered late change
//     nothing (an older revision never becomes the latest);
//   - a version's items are written first, keyed by revision, and become
//     visible only with the version, committed in one transaction with the
//     environment under a condition on its latest version number, so numbers
//     are contiguous and no partial version is ever seen;
//   - a locked environment (its review is complete and purchase orders
//     exist) is never changed: its events are dropped (the webhook function
//     refuses them before they are queued; this covers those queued before
//     the lock);
//   - history entries of imports are written in the version's transaction;
//     "outdated" entries carry a once-only key per revision;
//   - a save that leaves the environment outdated notifies the users linked
//     to the Promob user who saved, the environment's creator and, after
//     conversion, the reviewer who started the review: each once per
//     revision (domain.SavedNotifications);
//   - an update that finds no revision newer than the latest version does
//     the review's mandatory update when the review waited for one
//     (domain.Environment.UpdateSatisfiesReview);
//   - an assistance (an environment of kind "assistance", see
//     domain.EnvKindAssistance) imports like an environment: a save marks
//     it outdated and notifies with an action that updates the assistance,
//     and each of its versions notifies its creator (once per revision);
//   - a listing Promob itself got wrong (malformed XML, two AMBIENTs…) fails
//     the import at once with a stored reason, and the item chunks written
//     before the parser refused it are removed; other failures are retried
//     by the queue (a retry of a revision writes over its chunks), and the
//     reason is stored when the last attempt fails.
package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/metrics"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/promobtoken"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/strictjson"
)

// Store is what the importer reads and writes.
type Store interface {
	Account(ctx context.Context, accountID string) (domain.Account, error)
	DeliveryBody(ctx context.Context, accountID, webhookID string) ([]byte, error)
	EnvironmentByPromobID(ctx context.Context, accountID, promobEnvID string) (domain.Environment, error)
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	Project(ctx context.Context, storeID, id string) (domain.Project, error)
	CommercialRules(ctx context.Context, storeID string) (pricing.Rules, error)
	ManualItems(ctx context.Context, storeID, envID string) ([]domain.ManualItem, error)
	WriteItems(ctx context.Context, storeID, envID string, revision int, fn func(emit func(item any) error) error) ([]int, float64, error)
	DeleteItems(ctx context.Context, storeID, envID string, revision int) (int, error)
	CommitVersion(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error
	AddHistory(ctx context.Context, storeID, projectID string, e domain.HistoryEntry, onceKey string) error
	RecordPromobRevision(ctx context.Context, storeID, envID string, revision int, now time.Time) (bool, error)
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	MarkReviewUpdated(ctx context.Context, storeID, envID string, startedAt, at time.Time) (bool, error)
	PromobLinks(ctx context.Context, storeID string) ([]domain.PromobLink, error)
	promobtoken.Store
}

// Listings fetches listings from Promob: Listing returns the listing as a
// stream the caller closes, and the revision it is.
type Listings interface {
	Listing(ctx context.Context, account, token, projectID, environmentID string, revision int) (io.ReadCloser, int, error)
}

// Importer processes the imports queue.
type Importer struct {
	store         Store
	listings      Listings
	tokens        *promobtoken.Chooser
	notifications domain.Queue
	isRace        func(error) bool
	now           func() time.Time
	dispatch      queue.RecordFunc
	// MaxAttempts is the queue's maxReceiveCount: the attempt that stores
	// the failure reason.
	MaxAttempts int
	// Runner runs the batches: backoff, deadlines, job states.
	Runner queue.Runner
	// Metrics receives each import's duration and parts (nil: none).
	Metrics *metrics.Emitter
}

// New returns the importer. box opens users' sealed Promob tokens (nil:
// listings are always fetched with the store's integration token); isRace
// tells the store's "environment changed, retry" error apart from others.
func New(store Store, listings Listings, box domain.TokenBox, notifications domain.Queue, isRace func(error) bool, now func() time.Time) *Importer {
	im := &Importer{store: store, listings: listings, tokens: promobtoken.New(store, box, now), notifications: notifications,
		isRace: isRace, now: now, MaxAttempts: 5}
	im.dispatch = queue.Dispatch(map[string]queue.KindFunc{
		domain.KindWebhook: im.webhook,
		domain.KindUpdate:  im.update,
	})
	return im
}

// Handle processes a batch, reporting the messages that failed.
func (im *Importer) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return im.Runner.Batch(ctx, ev, im.dispatch), nil
}

// webhook processes a stored Promob delivery.
func (im *Importer) webhook(ctx context.Context, body []byte) error {
	var msg domain.ImportMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return fmt.Errorf("importer: decode: %w", err)
	}
	ctx = logging.With(ctx, "store_id", msg.StoreID, "delivery_id", msg.DeliveryID, "promob_environment", msg.EnvironmentID, "revision", msg.Revision)
	env, err := im.store.EnvironmentByPromobID(ctx, msg.AccountID, msg.EnvironmentID)
	if domain.IsNotFound(err) || (err == nil && (env.StoreID != msg.StoreID || env.PromobAccountID != msg.AccountID)) {
		slog.InfoContext(ctx, "event for a Promob environment not linked to FoccoLojas; nothing to do", "type", msg.Type)
		return nil
	}
	if err != nil {
		return err
	}
	ctx = logging.With(ctx, "environment_id", env.ID)
	if env.Locked {
		slog.InfoContext(ctx, "event for a locked environment; nothing changes", "type", msg.Type)
		return nil
	}
	switch msg.Type {
	case domain.EventSaved:
		return im.saved(ctx, env, msg.Revision, msg.PromobUser)
	case domain.EventPrepared, domain.EventNegotiated:
		raw, err := im.store.DeliveryBody(ctx, msg.AccountID, msg.DeliveryID)
		if err != nil {
			return err
		}
		// Read as the webhook read it when it accepted the delivery.
		var ev domain.WebhookEvent
		if err := strictjson.Decode(raw, &ev, false); err != nil {
			return fmt.Errorf("importer: stored delivery is not an event: %w", err)
		}
		return im.importListing(ctx, env, strings.NewReader(ev.Data.Listing), msg.Revision)
	default:
		slog.InfoContext(ctx, "event type needs no import", "type", msg.Type)
		return nil
	}
}

// update imports the environment's current listing from Promob, fetched
// with the requesting user's linked token when they have one (see package
// promobtoken), else with the store's integration token.
func (im *Importer) update(ctx context.Context, body []byte) error {
	var msg domain.ImportMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return fmt.Errorf("importer: decode: %w", err)
	}
	ctx = logging.With(ctx, "store_id", msg.StoreID, "environment_id", msg.EnvironmentID, "user_id", msg.UserID)
	env, err := im.store.Environment(ctx, msg.StoreID, msg.EnvironmentID)
	if domain.IsNotFound(err) {
		slog.WarnContext(ctx, "update of an environment that does not exist; dropped")
		return nil
	}
	if err != nil {
		return err
	}
	if env.Locked {
		slog.InfoContext(ctx, "update of a locked environment; nothing changes")
		return nil
	}
	acc, err := im.store.Account(ctx, env.PromobAccountID)
	if domain.IsNotFound(err) || (err == nil && acc.StoreID != env.StoreID) {
		// The store moved to another Promob account: the environment's
		// account, and its integration token, are not the store's any more.
		slog.WarnContext(ctx, "update of an environment whose Promob account is not the store's; refused", "account_id", env.PromobAccountID)
		return im.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed,
			"The import cannot be done: the environment's Promob account "+env.PromobAccountID+" is no longer the store's.", im.now())
	}
	if err != nil {
		return im.fail(ctx, env, err)
	}
	var (
		xml     io.ReadCloser
		rev     int
		checked = im.now()
	)
	err = im.tokens.Call(ctx, acc, msg.UserID, func(token string) error {
		body, r, err := im.listings.Listing(ctx, acc.AccountID, token, env.PromobProjectID, env.PromobEnvironmentID, 0)
		if err == nil {
			xml, rev = body, r
		}
		return err
	})
	if xml != nil {
		defer xml.Close()
	}
	if err != nil {
		return im.fail(ctx, env, err)
	}
	if rev <= env.ImportedRevision {
		slog.InfoContext(ctx, "Promob has no newer revision", "revision", rev)
		if env.UpdateSatisfiesReview(checked) {
			done, err := im.store.MarkReviewUpdated(ctx, env.StoreID, env.ID, *env.ReviewStartedAt, im.now())
			if err != nil {
				return err
			}
			slog.InfoContext(ctx, "the review's mandatory update is done: Promob has nothing newer", "recorded", done)
		}
		return im.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportImported, "", im.now())
	}
	return im.importListing(logging.With(ctx, "revision", rev), env, xml, rev)
}

// saved records a newer Promob revision and tells the environment's people
// that it is outdated (see domain.SavedNotifications): promobUser is the
// Promob user who saved. The notifications are once-only per revision, so
// a retry after a failure to notify sends them, and a repeat does not.
func (im *Importer) saved(ctx context.Context, env domain.Environment, revision int, promobUser string) error {
	if revision <= env.PromobRevision && revision <= env.ImportedRevision {
		return nil
	}
	if _, err := im.store.RecordPromobRevision(ctx, env.StoreID, env.ID, revision, im.now()); err != nil {
		return err
	}
	env, err := im.store.Environment(ctx, env.StoreID, env.ID)
	if err != nil {
		return err
	}
	if env.PromobRevision != revision || !env.Outdated() {
		return nil // a newer revision is known or already imported
	}
	entry := domain.NewHistoryEntry(domain.HistoryOutdated, env.ID, env.LatestVersion, domain.ByPromob, im.now(),
		fmt.Sprintf("%s: Promob saved revision %d; version %d has revision %d.", env.Name, revision, env.LatestVersion, env.ImportedRevision))
	if err := im.store.AddHistory(ctx, env.StoreID, env.ProjectID, entry, fmt.Sprintf("outdated#%s#%d", env.ID, revision)); err != nil {
		return err
	}
	var savers []string
	if promobUser != "" {
		links, err := im.store.PromobLinks(ctx, env.StoreID)
		if err != nil {
			return err
		}
		savers = domain.LinkedUsers(links, promobUser)
	}
	for _, msg := range domain.SavedNotifications(env, savers, im.now()) {
		if err := im.notifications.Send(ctx, msg, "", ""); err != nil {
			return err
		}
	}
	slog.InfoContext(ctx, "environment outdated", "promob_revision", env.PromobRevision, "imported_revision", env.ImportedRevision, "promob_user", promobUser)
	return nil
}

// importListing makes the listing of a revision the environment's next
// version, unless that revision (or a newer one) is already imported.
func (im *Importer) importListing(ctx context.Context, env domain.Environment, xml io.Reader, revision int) error {
	if revision <= env.ImportedRevision {
		slog.InfoContext(ctx, "revision already imported", "imported_revision", env.ImportedRevision)
		return nil
	}
	start := time.Now()
	rules, err := im.store.CommercialRules(ctx, env.StoreID)
	if err != nil {
		return im.fail(ctx, env, err)
	}
	var (
		totals = pricing.NewTotals(rules)
		count  int
		header listing.Header
	)
	starts, _, err := im.store.WriteItems(ctx, env.StoreID, env.ID, revision, func(emit func(any) error) error {
		var perr error
		header, perr = listing.Parse(xml, func(it listing.Item) error {
			count++
			p := it.PromobItem()
			if !p.HasChildren {
				totals.Add(pricing.LineOf(p))
			}
			return emit(p)
		})
		return perr
	})
	var lerr *listing.Error
	if errors.As(err, &lerr) {
		reason := fmt.Sprintf("Promob revision %d could not be imported: %s", revision, lerr.Error())
		slog.WarnContext(ctx, "listing refused", "reason", reason)
		// The chunks written before the refusal belong to no version; a
		// failure to remove them leaves them invisible, so it is only logged.
		if n, derr := im.store.DeleteItems(ctx, env.StoreID, env.ID, revision); derr != nil {
			slog.WarnContext(ctx, "could not remove the refused revision's item chunks", "err", derr, "removed", n)
		}
		return im.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, reason, im.now())
	}
	if err != nil {
		return im.fail(ctx, env, err)
	}
	rulesJSON, err := json.Marshal(rules)
	if err != nil {
		return err
	}
	optionName := env.Name
	if p, err := im.store.Project(ctx, env.StoreID, env.ProjectID); err == nil {
		optionName = p.Name + " / " + env.Name
	}
	for attempt := 0; ; attempt++ {
		// The version's budget holds the manual items as they are when it
		// is committed: the commit is conditioned on them being unchanged
		// since env was read, so they are read after env, on every attempt.
		manual, err := im.store.ManualItems(ctx, env.StoreID, env.ID)
		if err != nil {
			return im.fail(ctx, env, err)
		}
		summary := totals.Summary(pricing.ManualLines(manual))
		budget, err := json.Marshal(summary)
		if err != nil {
			return err
		}
		v := domain.Version{
			Number: env.LatestVersion + 1, OptionName: optionName, OptionDate: im.now().UTC(),
			PromobIdentifier: header.ProjectGUID + "/" + env.PromobEnvironmentID, PromobRevision: revision,
			Total: summary.Total.String(), ItemCount: count, Rules: rulesJSON, Budget: budget, ChunkStarts: starts,
		}
		entry := domain.NewHistoryEntry(domain.HistoryImported, env.ID, v.Number, domain.ByPromob, im.now(),
			fmt.Sprintf("%s: imported Promob revision %d as version %d.", env.Name, revision, v.Number))
		err = im.store.CommitVersion(ctx, env, v, entry, im.now())
		if err == nil {
			slog.InfoContext(ctx, "version imported", "version", v.Number, "items", count, "chunks", len(starts), "total", v.Total)
			im.Metrics.Duration(ctx, "ImportDuration", time.Since(start))
			im.Metrics.Count(ctx, "ImportParts", count)
			return im.notifyAssistance(ctx, env, v)
		}
		if !im.isRace(err) || attempt == 10 {
			return im.fail(ctx, env, err)
		}
		if env, err = im.store.Environment(ctx, env.StoreID, env.ID); err != nil {
			return err
		}
		if revision <= env.ImportedRevision || env.Locked {
			return nil // imported meanwhile, or locked
		}
	}
}

// notifyAssistance tells the creator of an assistance that a revision of
// its design became its version; the dedupe key makes it once per
// revision. Versions of environments notify nobody.
func (im *Importer) notifyAssistance(ctx context.Context, env domain.Environment, v domain.Version) error {
	if env.Kind != domain.EnvKindAssistance || env.CreatedBy == "" {
		return nil
	}
	return im.notifications.Send(ctx, domain.AssistanceImportedNotification(env, env.CreatedBy, v.Number, v.PromobRevision, im.now()), "", "")
}

// fail handles an import that could not finish. A failure that retrying
// cannot cure (Promob refusing the token or not knowing the environment)
// is stored at once and the message is done; any other is returned so that
// the queue retries it, and its reason is stored on the last attempt (after
// which the message goes to the DLQ).
func (im *Importer) fail(ctx context.Context, env domain.Environment, err error) error {
	var permanent interface{ Retryable() bool }
	switch {
	case errors.As(err, &permanent) && !permanent.Retryable():
		reason := fmt.Sprintf("The import cannot be done: %s", err)
		slog.WarnContext(ctx, "import failed for good", "err", err)
		if serr := im.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, reason, im.now()); serr != nil {
			return serr
		}
		return queue.Final(err)
	case queue.ReceiveCount(ctx) >= im.MaxAttempts:
		reason := fmt.Sprintf("The import failed after %d attempts: %s", im.MaxAttempts, err)
		if serr := im.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, reason, im.now()); serr != nil {
			slog.ErrorContext(ctx, "could not store the import failure", "err", serr)
		}
	}
	return err
}
