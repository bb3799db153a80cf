package sale

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// CreationStore is what creating a sale's records in FoccoLojas and in
// Promob reads and writes (see the dynamo store's methods of the same
// names for their conditions).
type CreationStore interface {
	Project(ctx context.Context, storeID, id string) (domain.Project, error)
	GetIntegration(ctx context.Context, storeID string) (domain.Integration, error)
	CreateClient(ctx context.Context, c domain.Client) error
	Client(ctx context.Context, storeID, id string) (domain.Client, error)
	// SetClientSync fails with domain.ErrChanged once Promob holds the
	// client.
	SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error
	CreateEnvironment(ctx context.Context, e domain.Environment) error
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	// SetEnvironmentCreation fails with domain.ErrChanged once the
	// environment is ready.
	SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	domain.AssistanceStore
	Version(ctx context.Context, env domain.Environment, number int) (domain.Version, error)
}

// Creation creates what a sale needs, in FoccoLojas and, through the
// promobsync worker, in Promob: clients, environments (new, or linked to
// one Promob already holds) and assistances with their designs. Outbox is
// promobsync's queue, Imports the importer's.
type Creation struct {
	Store   CreationStore
	Outbox  message.Queue
	Imports message.Queue
	Now     func() time.Time
}

// Unqueued is the reason a record's work failed when its message could not
// be queued; ask says what to do, e.g. "retry the environment.".
func Unqueued(ask string) string { return "The request could not be queued: " + ask }

// SendOrFail sends msg on q. When q does not accept it, fail records the
// record's work as failed (for instance with Unqueued's reason), so that the
// record does not wait for work that will never be done and the user can
// ask again; fail runs even if ctx was cancelled, and a failure to record
// is logged. It returns the send's error.
func SendOrFail(ctx context.Context, q message.Queue, msg any, group, dedupID string, fail func(ctx context.Context) error) error {
	err := q.Send(ctx, msg, group, dedupID)
	if err != nil {
		slog.WarnContext(ctx, "request not queued", "err", err)
		if ferr := fail(context.WithoutCancel(ctx)); ferr != nil {
			slog.ErrorContext(ctx, "could not record a request that was not queued", "err", ferr)
		}
	}
	return err
}

// CreateClient stores the client (an id, the store, now; its creation in
// Promob pending) and queues its creation in Promob. When that cannot be
// queued, the client is returned as it now stands (its sync failed, saying
// to sync it again) with no error; only when that was not recorded either
// is the send's error returned.
func (c Creation) CreateClient(ctx context.Context, actor domain.Identity, cl domain.Client) (domain.Client, error) {
	cl.ID, cl.StoreID, cl.CreatedAt = domain.NewID(), actor.StoreID, c.Now().UTC()
	cl.PromobSync = domain.PromobSync{Status: domain.SyncPending}
	if err := c.Store.CreateClient(ctx, cl); err != nil {
		return domain.Client{}, err
	}
	if err := c.queueClient(ctx, actor, cl.ID); err != nil {
		stored, rerr := c.Store.Client(ctx, actor.StoreID, cl.ID)
		if rerr != nil || stored.PromobSync.Status != domain.SyncFailed {
			return domain.Client{}, err
		}
		cl = stored
	}
	return cl, nil
}

// SyncClient queues the client's creation in Promob again (its sync
// pending). It returns not_found for a client the store does not have and
// already_synced for one Promob holds; a send that fails leaves the sync
// failed and returns its error.
func (c Creation) SyncClient(ctx context.Context, actor domain.Identity, clientID string) (domain.Client, error) {
	cl, err := c.Store.Client(ctx, actor.StoreID, clientID)
	if err != nil {
		return domain.Client{}, err
	}
	if err := cl.CanSync(); err != nil {
		return domain.Client{}, err
	}
	if err := syncAgain(ctx, c.Store, actor.StoreID, cl.ID); err != nil {
		return domain.Client{}, err
	}
	cl.PromobSync = domain.PromobSync{Status: domain.SyncPending}
	if err := c.queueClient(ctx, actor, cl.ID); err != nil {
		return domain.Client{}, err
	}
	return cl, nil
}

// syncAgain puts the client's creation in Promob back to pending, or
// answers domain.Client.CanSync's refusal on the client as it is now.
func syncAgain(ctx context.Context, store clientSyncer, storeID, clientID string) error {
	err := store.SetClientSync(ctx, storeID, clientID, domain.PromobSync{Status: domain.SyncPending})
	return refusedNow(err, "Client", clientID, func() error {
		cur, err := store.Client(ctx, storeID, clientID)
		if err != nil {
			return err
		}
		return cur.CanSync()
	})
}

// clientSyncer keeps where clients' creations in Promob stand.
type clientSyncer interface {
	Client(ctx context.Context, storeID, id string) (domain.Client, error)
	SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error
}

// createAgain puts the creation in Promob of an environment (or an
// assistance's design) back to creating, or answers
// domain.Environment.CanRetryCreation's refusal on it as it is now.
func createAgain(ctx context.Context, store creationSetter, storeID, envID string, now time.Time) error {
	err := store.SetEnvironmentCreation(ctx, storeID, envID, domain.EnvCreating, "", now)
	return refusedNow(err, "Environment", envID, func() error {
		cur, err := store.Environment(ctx, storeID, envID)
		if err != nil {
			return err
		}
		return cur.CanRetryCreation()
	})
}

// creationSetter keeps where environments' creations in Promob stand.
type creationSetter interface {
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
}

// queueClient asks promobsync to create the client in Promob; when the
// message cannot be sent, the client's sync is failed.
func (c Creation) queueClient(ctx context.Context, actor domain.Identity, clientID string) error {
	msg := message.CustomerCreate{Kind: message.KindCustomerCreate, StoreID: actor.StoreID, ClientID: clientID, UserID: actor.UserID}
	return SendOrFail(ctx, c.Outbox, msg, "", "", func(ctx context.Context) error {
		return c.Store.SetClientSync(ctx, actor.StoreID, clientID, domain.PromobSync{Status: domain.SyncFailed, Reason: Unqueued("sync the client again.")})
	})
}

// CreateEnvironment stores a new environment of the project, named name,
// being created in Promob, and queues its creation by promobsync. It
// returns not_found for a project not in the actor's store and
// integration_missing before the store configured the integration. When
// the creation cannot be queued, the environment is returned as it now
// stands (failed, saying to retry) with no error; only when that was not
// recorded either is the send's error returned.
func (c Creation) CreateEnvironment(ctx context.Context, actor domain.Identity, projectID, name string) (domain.Environment, error) {
	env, err := c.newEnvironment(ctx, actor, projectID, name)
	if err != nil {
		return domain.Environment{}, err
	}
	env.Status, env.ImportStatus = domain.EnvCreating, domain.ImportNone
	if err := c.Store.CreateEnvironment(ctx, env); err != nil {
		return domain.Environment{}, err
	}
	if err := c.queueEnvironment(ctx, actor, env); err != nil {
		stored, rerr := c.Store.Environment(ctx, actor.StoreID, env.ID)
		if rerr != nil || stored.Status != domain.EnvFailed {
			return domain.Environment{}, err
		}
		env = stored
	}
	return env, nil
}

// RetryEnvironment queues the environment's creation in Promob again (it
// is creating once more). It returns not_found for an environment the store
// does not have (an assistance is not one) and already_synced for one that
// is ready; a send that fails leaves its creation failed and returns its
// error.
func (c Creation) RetryEnvironment(ctx context.Context, actor domain.Identity, envID string) (domain.Environment, error) {
	env, err := c.environment(ctx, actor.StoreID, envID)
	if err != nil {
		return domain.Environment{}, err
	}
	if err := env.CanRetryCreation(); err != nil {
		return domain.Environment{}, err
	}
	if err := createAgain(ctx, c.Store, actor.StoreID, env.ID, c.Now().UTC()); err != nil {
		return domain.Environment{}, err
	}
	env.Status, env.StatusReason = domain.EnvCreating, ""
	if err := c.queueEnvironment(ctx, actor, env); err != nil {
		return domain.Environment{}, err
	}
	return env, nil
}

// queueEnvironment asks promobsync to create the environment in Promob;
// when the message cannot be sent, its creation is failed.
func (c Creation) queueEnvironment(ctx context.Context, actor domain.Identity, env domain.Environment) error {
	msg := message.EnvironmentCreate{Kind: message.KindEnvironmentCreate, StoreID: actor.StoreID, ProjectID: env.ProjectID, EnvironmentID: env.ID, UserID: actor.UserID}
	return SendOrFail(ctx, c.Outbox, msg, "", "", func(ctx context.Context) error {
		return c.Store.SetEnvironmentCreation(ctx, actor.StoreID, env.ID, domain.EnvFailed, Unqueued("retry the environment."), c.Now().UTC())
	})
}

// LinkEnvironment stores a new environment of the project for the Promob
// environment link names (domain.LegacyLink: one Promob already holds, the
// legacy import), ready, and queues the import of its current Promob
// listing. It returns not_found for a project not in the actor's store,
// integration_missing before the store configured the integration, and
// conflict when the Promob environment is linked to another environment.
// When the import cannot be queued, the environment is returned as it now
// stands (its import failed, saying to update it) with no error; only when
// that was not recorded either is the send's error returned.
func (c Creation) LinkEnvironment(ctx context.Context, actor domain.Identity, projectID string, link domain.Environment) (domain.Environment, error) {
	env, err := c.newEnvironment(ctx, actor, projectID, link.Name)
	if err != nil {
		return domain.Environment{}, err
	}
	env.PromobProjectID, env.PromobEnvironmentID = link.PromobProjectID, link.PromobEnvironmentID
	env.Status, env.ImportStatus = domain.EnvReady, domain.ImportPending
	if err := c.Store.CreateEnvironment(ctx, env); err != nil {
		return domain.Environment{}, err
	}
	if err := queueUpdate(ctx, c.Imports, c.Store, c.Now, env, actor.UserID); err != nil {
		stored, rerr := c.Store.Environment(ctx, actor.StoreID, env.ID)
		if rerr != nil || stored.ImportStatus != domain.ImportFailed {
			return domain.Environment{}, err
		}
		env = stored
	}
	return env, nil
}

// newEnvironment returns a new environment of the project, under the
// store's Promob account, created now by the actor. It fails with
// not_found for a project not in the actor's store and integration_missing
// before the store configured the integration.
func (c Creation) newEnvironment(ctx context.Context, actor domain.Identity, projectID, name string) (domain.Environment, error) {
	project, err := c.Store.Project(ctx, actor.StoreID, projectID)
	if err != nil {
		return domain.Environment{}, err
	}
	integ, err := c.Store.GetIntegration(ctx, actor.StoreID)
	if err != nil {
		return domain.Environment{}, err
	}
	now := c.Now().UTC()
	return domain.Environment{
		ID: domain.NewID(), StoreID: actor.StoreID, ProjectID: project.ID, Name: strings.TrimSpace(name),
		PromobAccountID: integ.PromobAccountID, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// environment returns the store's environment of that id, or not_found
// when it has none, or has an assistance of that id.
func (c Creation) environment(ctx context.Context, storeID, id string) (domain.Environment, error) {
	env, err := c.Store.Environment(ctx, storeID, id)
	if err == nil && env.Kind != "" {
		err = domain.NotFound("No environment %q.", id)
	}
	return env, err
}
