// Package importer is the importer function: it hands each message of the
// imports queue to the sale's Import use case (sale.Import), which turns
// Promob events into environment state. A saved environment marks it
// outdated and notifies its users; a prepared or negotiated listing, or an
// update request, becomes the environment's next version, priced by the
// store's commercial rules. The importer keeps what is transport: reading
// the stored delivery's listing, fetching the current listing from Promob
// (with the requesting user's linked Promob token when they have one: a
// refused token expires the link and notifies the user; else with the
// store's integration token), parsing it as a stream (package listing), and
// the queue's retries.
//
// Rules that make imports safe to repeat and to run concurrently (see
// sale.Import for the sale's):
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
	"github.com/foccolojas/promob-integration/shared/promobevent"
	"github.com/foccolojas/promob-integration/shared/promobtoken"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
	"github.com/foccolojas/promob-integration/shared/strictjson"
)

// Store is what the importer reads and writes: what the sale's imports
// keep (sale.ImportStore), the stored deliveries' bodies, and the tokens
// listings are fetched with.
type Store interface {
	sale.ImportStore
	DeliveryBody(ctx context.Context, accountID, webhookID string) ([]byte, error)
	promobtoken.Store
}

// Listings fetches listings from Promob: Listing returns the listing as a
// stream the caller closes, and the revision it is.
type Listings interface {
	Listing(ctx context.Context, account, token, projectID, environmentID string, revision int) (io.ReadCloser, int, error)
}

// Importer processes the imports queue.
type Importer struct {
	store    Store
	imports  sale.Import
	listings Listings
	tokens   *promobtoken.Chooser
	now      func() time.Time
	dispatch queue.RecordFunc
	// MaxAttempts is the queue's maxReceiveCount: the attempt that stores
	// the failure reason.
	MaxAttempts int
	// Runner runs the batches: backoff, deadlines, job states.
	Runner queue.Runner
	// Metrics receives each import's duration and parts (nil: none).
	Metrics *metrics.Emitter
}

// New returns the importer. box opens users' sealed Promob tokens (nil:
// listings are always fetched with the store's integration token);
// notifications is the notifier's queue.
func New(store Store, listings Listings, box domain.TokenBox, notifications message.Queue, now func() time.Time) *Importer {
	im := &Importer{store: store, listings: listings, tokens: promobtoken.New(store, box, now), now: now, MaxAttempts: 5,
		imports: sale.Import{Store: store, Notifications: notifications, Parse: parse, Now: now}}
	im.dispatch = queue.Dispatch(map[string]queue.KindFunc{
		message.KindWebhook: queue.Decoded(im.webhook),
		message.KindUpdate:  queue.Decoded(im.update),
	})
	return im
}

// Handle processes a batch, reporting the messages that failed.
func (im *Importer) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return im.Runner.Batch(ctx, ev, im.dispatch), nil
}

// webhook processes a stored Promob delivery.
func (im *Importer) webhook(ctx context.Context, msg message.Import) error {
	ctx = logging.With(ctx, "store_id", msg.StoreID, "delivery_id", msg.DeliveryID, "promob_environment", msg.EnvironmentID, "revision", msg.Revision)
	var start time.Time // when the listing is opened: the import's duration
	v, err := im.imports.Event(ctx, sale.PromobEvent{
		StoreID: msg.StoreID, AccountID: msg.AccountID, Type: msg.Type, EnvironmentID: msg.EnvironmentID,
		Revision: msg.Revision, PromobUser: msg.PromobUser,
		Listing: func(ctx context.Context) (io.Reader, error) {
			start = time.Now()
			return im.deliveredListing(ctx, msg)
		},
	})
	return im.done(ctx, start, v, err)
}

// deliveredListing reads the listing a stored delivery carries, as the
// webhook read it when it accepted the delivery.
func (im *Importer) deliveredListing(ctx context.Context, msg message.Import) (io.Reader, error) {
	raw, err := im.store.DeliveryBody(ctx, msg.AccountID, msg.DeliveryID)
	if err != nil {
		return nil, err
	}
	var ev promobevent.Event
	if err := strictjson.Decode(raw, &ev, false); err != nil {
		return nil, fmt.Errorf("importer: stored delivery is not an event: %w", err)
	}
	return strings.NewReader(ev.Data.Listing), nil
}

// update imports the environment's current listing from Promob, fetched
// with the requesting user's linked token when they have one (see package
// promobtoken), else with the store's integration token.
func (im *Importer) update(ctx context.Context, msg message.Import) error {
	ctx = logging.With(ctx, "store_id", msg.StoreID, "environment_id", msg.EnvironmentID, "user_id", msg.UserID)
	var start time.Time // when Promob answered: the import's duration
	v, err := im.imports.Update(ctx, msg.StoreID, msg.EnvironmentID, func(ctx context.Context, acc domain.Account, env domain.Environment) (int, io.ReadCloser, error) {
		var (
			xml io.ReadCloser
			rev int
		)
		err := im.tokens.Call(ctx, acc, msg.UserID, func(token string) error {
			body, r, err := im.listings.Listing(ctx, acc.AccountID, token, env.PromobProjectID, env.PromobEnvironmentID, 0)
			if err == nil {
				xml, rev = body, r
			}
			return err
		})
		start = time.Now()
		return rev, xml, err
	})
	return im.done(ctx, start, v, err)
}

// parse reads a Promob listing as a stream (see sale.Import.Parse).
func parse(r io.Reader, emit func(domain.PromobItem) error) (string, error) {
	header, err := listing.Parse(r, func(it listing.Item) error { return emit(it.PromobItem()) })
	var lerr *listing.Error
	if errors.As(err, &lerr) {
		return "", sale.BadListing{Err: lerr}
	}
	return header.ProjectGUID, err
}

// done is what a message's import, whose listing was opened at start,
// comes to: a version imported is measured; the lock's refusal changes
// nothing and the message is done; a failed import goes to fail; any other
// error is retried.
func (im *Importer) done(ctx context.Context, start time.Time, v domain.Version, err error) error {
	if v.Number > 0 {
		im.Metrics.Duration(ctx, "ImportDuration", time.Since(start))
		im.Metrics.Count(ctx, "ImportParts", v.ItemCount)
	}
	var failure *sale.ImportFailed
	switch {
	case err == nil:
		return nil
	case errors.As(err, &failure):
		return im.fail(ctx, failure.Env, failure.Err)
	case domain.ErrorCode(err) == domain.CodeLocked:
		slog.InfoContext(ctx, "event for a locked environment; nothing changes", "err", err)
		return nil
	}
	return err
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
