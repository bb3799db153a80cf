package sale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// ImportStore is what importing Promob's revisions reads and writes (see
// the dynamo store's methods of the same names for their conditions).
type ImportStore interface {
	Account(ctx context.Context, accountID string) (domain.Account, error)
	EnvironmentByPromobID(ctx context.Context, accountID, promobEnvID string) (domain.Environment, error)
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	Project(ctx context.Context, storeID, id string) (domain.Project, error)
	CommercialRules(ctx context.Context, storeID string) (pricing.Rules, error)
	ManualItems(ctx context.Context, storeID, envID string) ([]domain.ManualItem, error)
	WriteItems(ctx context.Context, storeID, envID string, revision int, fn func(emit func(item any) error) error) ([]int, float64, error)
	DeleteItems(ctx context.Context, storeID, envID string, revision int) (int, error)
	// CommitVersion returns an error wrapping domain.ErrChanged when the
	// environment is no longer as read.
	CommitVersion(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error
	AddHistory(ctx context.Context, storeID, projectID string, e domain.HistoryEntry, onceKey string) error
	RecordPromobRevision(ctx context.Context, storeID, envID string, revision int, now time.Time) (bool, error)
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	MarkReviewUpdated(ctx context.Context, storeID, envID string, startedAt, at time.Time) (bool, error)
	PromobLinks(ctx context.Context, storeID string) ([]domain.PromobLink, error)
}

// Import turns Promob's revisions of environments (and of assistances'
// designs) into their versions: a save marks the environment outdated and
// tells its people, a listing newer than the latest version becomes the
// next version, priced by the store's commercial rules.
//
// Rules that make imports safe to repeat and to run concurrently:
//   - a revision becomes a version only if it is newer than the imported
//     one (domain.Environment.HasRevision), so duplicates and older
//     revisions delivered late change nothing;
//   - the version is committed in one transaction with the environment,
//     under the condition that the environment is as read; when it is not,
//     it is read again and the import is done on it, or refused;
//   - a locked environment takes nothing from Promob
//     (domain.Environment.CanChange);
//   - notifications and "outdated" history entries are once-only per
//     revision.
type Import struct {
	Store         ImportStore
	Notifications message.Queue
	// Parse reads a Promob listing as a stream: it calls emit for each item
	// in document order and returns the GUID of the Promob project the
	// listing names. A listing Promob itself got wrong fails with a
	// BadListing; emit's error is returned unchanged.
	Parse func(r io.Reader, emit func(domain.PromobItem) error) (projectGUID string, err error)
	Now   func() time.Time
}

// BadListing is what Parse returns for a listing Promob itself got wrong
// (malformed XML, two AMBIENTs…): retrying cannot cure it.
type BadListing struct{ Err error }

func (b BadListing) Error() string { return b.Err.Error() }
func (b BadListing) Unwrap() error { return b.Err }

// ImportFailed is the error of an import that could not finish for Err:
// Env's import state records it when no retry will follow (see the
// importer's retries).
type ImportFailed struct {
	Env domain.Environment
	Err error
}

func (f *ImportFailed) Error() string { return f.Err.Error() }
func (f *ImportFailed) Unwrap() error { return f.Err }

func failed(env domain.Environment, err error) error { return &ImportFailed{Env: env, Err: err} }

// PromobEvent is an event Promob sent about one of its environments, as
// the webhook stored it.
type PromobEvent struct {
	StoreID       string
	AccountID     string
	Type          string // domain.EventSaved, EventPrepared…
	EnvironmentID string // Promob's id of the environment
	Revision      int
	PromobUser    string // the Promob user who acted, told of what it changed
	// Listing opens the listing of a prepared or negotiated event; it is
	// called only when the listing is imported.
	Listing func(ctx context.Context) (io.Reader, error)
}

// Fetch asks Promob, for account acc, for env's current listing: it
// returns the revision and the listing, which the caller closes.
type Fetch func(ctx context.Context, acc domain.Account, env domain.Environment) (revision int, listing io.ReadCloser, err error)

// Event applies a Promob event to the environment it is about, and returns
// the version it imported (zero when none). An event of an environment not
// linked to the store changes nothing; a save records the revision, marks
// the environment outdated and tells its people (domain.SavedNotifications)
// once per revision; a prepared or negotiated listing is imported. It
// returns environment_locked for a locked environment, *ImportFailed when
// the import could not finish, and any other error when reading or
// notifying failed; after the version is committed, only a failure to
// notify is returned.
func (i Import) Event(ctx context.Context, ev PromobEvent) (domain.Version, error) {
	env, err := i.Store.EnvironmentByPromobID(ctx, ev.AccountID, ev.EnvironmentID)
	if domain.IsNotFound(err) || (err == nil && (env.StoreID != ev.StoreID || env.PromobAccountID != ev.AccountID)) {
		slog.InfoContext(ctx, "event for a Promob environment not linked to FoccoLojas; nothing to do", "type", ev.Type)
		return domain.Version{}, nil
	}
	if err != nil {
		return domain.Version{}, err
	}
	ctx = logging.With(ctx, "environment_id", env.ID)
	if err := env.CanChange(); err != nil {
		return domain.Version{}, err
	}
	switch ev.Type {
	case domain.EventSaved:
		return domain.Version{}, i.saved(ctx, env, ev.Revision, ev.PromobUser)
	case domain.EventPrepared, domain.EventNegotiated:
		if env.HasRevision(ev.Revision) {
			slog.InfoContext(ctx, "revision already imported", "imported_revision", env.ImportedRevision)
			return domain.Version{}, nil
		}
		xml, err := ev.Listing(ctx)
		if err != nil {
			return domain.Version{}, err
		}
		return i.revision(ctx, env, xml, ev.Revision)
	default:
		slog.InfoContext(ctx, "event type needs no import", "type", ev.Type)
		return domain.Version{}, nil
	}
}

// Update imports the environment's current listing, got from Promob with
// fetch, and returns the version it imported (zero when none). When
// Promob holds no revision newer than the latest version, the import is
// done all the same, and it is the review's mandatory update when the
// review waits for one (domain.Environment.UpdateSatisfiesReview). An
// environment whose Promob account is no longer the store's fails its
// import with the reason; an environment the store does not have, none.
// It returns environment_locked for a locked environment, and fails as
// Event does.
func (i Import) Update(ctx context.Context, storeID, envID string, fetch Fetch) (domain.Version, error) {
	env, err := i.Store.Environment(ctx, storeID, envID)
	if domain.IsNotFound(err) {
		slog.WarnContext(ctx, "update of an environment that does not exist; dropped")
		return domain.Version{}, nil
	}
	if err != nil {
		return domain.Version{}, err
	}
	if err := env.CanChange(); err != nil {
		return domain.Version{}, err
	}
	acc, err := i.Store.Account(ctx, env.PromobAccountID)
	if domain.IsNotFound(err) || (err == nil && acc.StoreID != env.StoreID) {
		// The store moved to another Promob account: the environment's
		// account, and its integration token, are not the store's any more.
		slog.WarnContext(ctx, "update of an environment whose Promob account is not the store's; refused", "account_id", env.PromobAccountID)
		return domain.Version{}, i.Store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed,
			"The import cannot be done: the environment's Promob account "+env.PromobAccountID+" is no longer the store's.", i.Now())
	}
	if err != nil {
		return domain.Version{}, failed(env, err)
	}
	checked := i.Now()
	rev, xml, err := fetch(ctx, acc, env)
	if xml != nil {
		defer xml.Close()
	}
	if err != nil {
		return domain.Version{}, failed(env, err)
	}
	if env.HasRevision(rev) {
		slog.InfoContext(ctx, "Promob has no newer revision", "revision", rev)
		if env.UpdateSatisfiesReview(checked) {
			done, err := i.Store.MarkReviewUpdated(ctx, env.StoreID, env.ID, *env.ReviewStartedAt, i.Now())
			if err != nil {
				return domain.Version{}, err
			}
			slog.InfoContext(ctx, "the review's mandatory update is done: Promob has nothing newer", "recorded", done)
		}
		return domain.Version{}, i.Store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportImported, "", i.Now())
	}
	return i.revision(logging.With(ctx, "revision", rev), env, xml, rev)
}

// saved records a newer Promob revision and tells the environment's people
// that it is outdated (see domain.SavedNotifications): promobUser is the
// Promob user who saved. The notifications are once-only per revision, so
// a retry after a failure to notify sends them, and a repeat does not.
func (i Import) saved(ctx context.Context, env domain.Environment, revision int, promobUser string) error {
	if env.KnowsSave(revision) {
		return nil
	}
	if _, err := i.Store.RecordPromobRevision(ctx, env.StoreID, env.ID, revision, i.Now()); err != nil {
		return err
	}
	env, err := i.Store.Environment(ctx, env.StoreID, env.ID)
	if err != nil {
		return err
	}
	if !env.WaitsFor(revision) {
		return nil // a newer revision is known or already imported
	}
	entry := domain.NewHistoryEntry(domain.HistoryOutdated, env.ID, env.LatestVersion, domain.ByPromob, i.Now(),
		fmt.Sprintf("%s: Promob saved revision %d; version %d has revision %d.", env.Name, revision, env.LatestVersion, env.ImportedRevision))
	if err := i.Store.AddHistory(ctx, env.StoreID, env.ProjectID, entry, fmt.Sprintf("outdated#%s#%d", env.ID, revision)); err != nil {
		return err
	}
	var savers []string
	if promobUser != "" {
		links, err := i.Store.PromobLinks(ctx, env.StoreID)
		if err != nil {
			return err
		}
		savers = domain.LinkedUsers(links, promobUser)
	}
	for _, msg := range domain.SavedNotifications(env, savers, i.Now()) {
		if err := i.Notifications.Send(ctx, message.Notify(msg), "", ""); err != nil {
			return err
		}
	}
	slog.InfoContext(ctx, "environment outdated", "promob_revision", env.PromobRevision, "imported_revision", env.ImportedRevision, "promob_user", promobUser)
	return nil
}

// revision makes the listing of a revision newer than env's imported one
// the environment's next version. A listing Promob got wrong fails the
// import at once with a stored reason, and the item chunks written before
// the parser refused it are removed.
func (i Import) revision(ctx context.Context, env domain.Environment, xml io.Reader, revision int) (domain.Version, error) {
	rules, err := i.Store.CommercialRules(ctx, env.StoreID)
	if err != nil {
		return domain.Version{}, failed(env, err)
	}
	var (
		totals  = pricing.NewTotals(rules)
		count   int
		project string
	)
	starts, _, err := i.Store.WriteItems(ctx, env.StoreID, env.ID, revision, func(emit func(any) error) error {
		var perr error
		project, perr = i.Parse(xml, func(p domain.PromobItem) error {
			count++
			totals.AddPart(p)
			return emit(p)
		})
		return perr
	})
	var bad BadListing
	if errors.As(err, &bad) {
		reason := fmt.Sprintf("Promob revision %d could not be imported: %s", revision, bad.Error())
		slog.WarnContext(ctx, "listing refused", "reason", reason)
		// The chunks written before the refusal belong to no version; a
		// failure to remove them leaves them invisible, so it is only logged.
		if n, derr := i.Store.DeleteItems(ctx, env.StoreID, env.ID, revision); derr != nil {
			slog.WarnContext(ctx, "could not remove the refused revision's item chunks", "err", derr, "removed", n)
		}
		return domain.Version{}, i.Store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, reason, i.Now())
	}
	if err != nil {
		return domain.Version{}, failed(env, err)
	}
	rulesJSON, err := json.Marshal(rules)
	if err != nil {
		return domain.Version{}, err
	}
	optionName := env.Name
	if p, err := i.Store.Project(ctx, env.StoreID, env.ProjectID); err == nil {
		optionName = p.Name + " / " + env.Name
	}
	for attempt := 0; ; attempt++ {
		// The version's budget holds the manual items as they are when it
		// is committed: the commit is conditioned on them being unchanged
		// since env was read, so they are read after env, on every attempt.
		manual, err := i.Store.ManualItems(ctx, env.StoreID, env.ID)
		if err != nil {
			return domain.Version{}, failed(env, err)
		}
		summary := totals.Summary(pricing.ManualLines(manual))
		budget, err := json.Marshal(summary)
		if err != nil {
			return domain.Version{}, err
		}
		v := domain.Version{
			Number: env.LatestVersion + 1, OptionName: optionName, OptionDate: i.Now().UTC(),
			PromobIdentifier: project + "/" + env.PromobEnvironmentID, PromobRevision: revision,
			Total: summary.Total.String(), ItemCount: count, Rules: rulesJSON, Budget: budget, ChunkStarts: starts,
		}
		entry := domain.NewHistoryEntry(domain.HistoryImported, env.ID, v.Number, domain.ByPromob, i.Now(),
			fmt.Sprintf("%s: imported Promob revision %d as version %d.", env.Name, revision, v.Number))
		err = i.Store.CommitVersion(ctx, env, v, entry, i.Now())
		if err == nil {
			slog.InfoContext(ctx, "version imported", "version", v.Number, "items", count, "chunks", len(starts), "total", v.Total)
			return v, i.notifyAssistance(ctx, env, v)
		}
		if !errors.Is(err, domain.ErrChanged) {
			return domain.Version{}, failed(env, err)
		}
		if attempt == 10 {
			return domain.Version{}, failed(env, domain.Changed("Environment", env.ID))
		}
		if env, err = i.Store.Environment(ctx, env.StoreID, env.ID); err != nil {
			return domain.Version{}, err
		}
		if env.HasRevision(revision) {
			return domain.Version{}, nil // imported meanwhile
		}
		if err := env.CanChange(); err != nil {
			return domain.Version{}, err
		}
	}
}

// notifyAssistance tells the creator of an assistance that a revision of
// its design became its version; the dedupe key makes it once per
// revision. Versions of environments notify nobody.
func (i Import) notifyAssistance(ctx context.Context, env domain.Environment, v domain.Version) error {
	if env.Kind != domain.EnvKindAssistance || env.CreatedBy == "" {
		return nil
	}
	return i.Notifications.Send(ctx, message.Notify(domain.AssistanceImportedNotification(env, env.CreatedBy, v.Number, v.PromobRevision, i.Now())), "", "")
}

// UpdateStore is what requesting an update reads and writes.
type UpdateStore interface {
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	// RequestImport marks the environment's import pending, under the
	// condition that it is still as CanUpdate saw it, else it returns an
	// error wrapping domain.ErrChanged.
	RequestImport(ctx context.Context, env domain.Environment, now time.Time) error
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
}

// Updates asks the importer for Promob's current listing of an
// environment or an assistance's design.
type Updates struct {
	Store   UpdateStore
	Imports message.Queue // the importer's
	Now     func() time.Time
}

// Request asks, for the user who acts, for the update of env (as read):
// its import becomes pending and the request goes on the imports queue
// (see queueUpdate). It returns env as it now stands, or environment_locked or
// conflict (domain.Environment.CanUpdate), also when env changed before
// the request was recorded, conflict when it changed otherwise, and the
// queue's error when the request could not be queued (the import is then
// failed).
func (u Updates) Request(ctx context.Context, actor domain.Identity, env domain.Environment) (domain.Environment, error) {
	if err := requestImport(ctx, u.Store, env, u.Now()); err != nil {
		return domain.Environment{}, err
	}
	if err := queueUpdate(ctx, u.Imports, u.Store, u.Now, env, actor.UserID); err != nil {
		return domain.Environment{}, err
	}
	env.ImportStatus, env.ImportError = domain.ImportPending, ""
	return env, nil
}

// requestImport marks env's import pending, if domain.Environment.CanUpdate
// allows it, on env as read and, when the guarded write finds it changed,
// as it is now.
func requestImport(ctx context.Context, store importRequester, env domain.Environment, now time.Time) error {
	if err := env.CanUpdate(); err != nil {
		return err
	}
	return refusedNow(store.RequestImport(ctx, env, now), "Environment", env.ID, func() error {
		cur, err := store.Environment(ctx, env.StoreID, env.ID)
		if err != nil {
			return err
		}
		return cur.CanUpdate()
	})
}

// importRequester marks imports pending.
type importRequester interface {
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	RequestImport(ctx context.Context, env domain.Environment, now time.Time) error
}

// importFailer records that an environment's import failed.
type importFailer interface {
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
}

// queueUpdate puts on imports the request to import env's current
// Promob listing, fetched with the token of userID's Promob link when they
// have one (else the store's integration token). The FIFO de-duplication
// id names the environment's state as read (its updatedAt), so requests
// made on one state collapse into one message, while a request made after
// the importer handled an earlier one (which always changes the
// environment: imported, failed, or no newer revision) is never dropped as
// its repeat. The importer ignores revisions it has.
//
// The environment's import is pending when this is called; when the
// message cannot be sent, the import is failed with the reason, and the
// queue's error is returned.
func queueUpdate(ctx context.Context, imports message.Queue, store importFailer, now func() time.Time, env domain.Environment, userID string) error {
	msg := message.Import{Kind: message.KindUpdate, StoreID: env.StoreID, AccountID: env.PromobAccountID,
		ProjectID: env.PromobProjectID, EnvironmentID: env.ID, UserID: userID}
	dedup := "update:" + env.ID + ":" + strconv.FormatInt(env.UpdatedAt.UnixNano(), 10)
	return SendOrFail(ctx, imports, msg, message.ImportGroup(env.PromobAccountID, env.PromobEnvironmentID), dedup, func(ctx context.Context) error {
		return store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, Unqueued("update the environment again."), now())
	})
}
