// Package promobsync is the promobsync function: it makes the calls to
// Promob that FoccoLojas asks for through the promob-outbox queue, with the
// store's integration token, so that a Promob outage delays them (the queue
// retries, then keeps them in its DLQ) and never fails a user's request.
//
// Message kinds:
//   - "connect.status" (message.ConnectStatus): PUT …/status sets the
//     Promob project's situation and stage in Connect, and the project
//     records whether Connect received them. Setting the same status twice
//     is harmless, so a repeated message is too. A status Promob refuses
//     for good, or that fails on the last delivery, is recorded failed and
//     the store's responsible user is told.
//   - "customer.create" (message.CustomerCreate): creates a client in
//     Promob (Idempotency-Key = the client's id) and records it synced.
//   - "environment.create" (message.EnvironmentCreate): creates the
//     project's Promob project when it has none (Idempotency-Key = the
//     project's id, so concurrent environments of one project create it
//     once), then the environment, blank (Idempotency-Key = the
//     environment's id), and makes it ready with its routing.
//   - "assistance.design" (message.AssistanceDesign): creates an
//     assistance's Promob environment in its environment's Promob project,
//     blank or a copy of the source revision (Idempotency-Key =
//     domain.DesignKey of the design's attempt: the same for every delivery
//     of one request, new when the design is requested again after a
//     failure), and makes the design ready with its routing, so that
//     webhooks of that Promob environment import into the assistance.
//
// Creations are retried by the Promob client (short backoff) and by the
// queue's redelivery; on the last delivery (see MaxAttempts) a failure is
// recorded with its reason instead. Calls are made with the acting user's
// linked token when they have one (see package promobtoken): when Promob
// refuses it, the link becomes expired, the user is notified once, and the
// call is made with the store's integration token.
package promobsync

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobtoken"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// Store is what promobsync reads and records (see the dynamo store's
// methods of the same names).
type Store interface {
	Account(ctx context.Context, accountID string) (domain.Account, error)
	GetIntegration(ctx context.Context, storeID string) (domain.Integration, error)
	Client(ctx context.Context, storeID, id string) (domain.Client, error)
	SetClientSync(ctx context.Context, storeID, clientID string, st domain.PromobSync) error
	Project(ctx context.Context, storeID, id string) (domain.Project, error)
	SetProjectPromobID(ctx context.Context, storeID, projectID, promobProjectID string) error
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	EnvironmentCreated(ctx context.Context, env domain.Environment, accountID, promobProjectID, promobEnvID string, revision int, now time.Time) error
	SetEnvironmentCreation(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	SetConnectDelivery(ctx context.Context, storeID, projectID string, d domain.ConnectDelivery) error
	Assistance(ctx context.Context, storeID, id string) (domain.Assistance, error)
	promobtoken.Store
}

// Promob is the part of the Promob API promobsync calls.
type Promob interface {
	SetStatus(ctx context.Context, account, token, projectID string, st promob.Status) error
	CreateCustomer(ctx context.Context, account, token, key string, c promob.Customer) (string, error)
	CreateProject(ctx context.Context, account, token, key string, p promob.Project) (string, error)
	CreateEnvironment(ctx context.Context, account, token, key, projectID string, e promob.NewEnvironment) (string, int, error)
}

// MaxAttempts is the promob-outbox queue's maxReceiveCount (template.yaml):
// on that delivery a creation that fails is recorded failed.
const MaxAttempts = 5

// Syncer processes the promob-outbox queue.
type Syncer struct {
	store    Store
	promob   Promob
	tokens   *promobtoken.Chooser
	now      func() time.Time
	dispatch queue.RecordFunc
	// Runner runs the batches: backoff, deadlines, job states.
	Runner queue.Runner
}

// New returns the syncer; box opens users' sealed Promob tokens, now is the
// clock.
func New(store Store, p Promob, box domain.TokenBox, now func() time.Time) *Syncer {
	s := &Syncer{store: store, promob: p, tokens: promobtoken.New(store, box, now), now: now}
	s.dispatch = queue.Dispatch(map[string]queue.KindFunc{
		message.KindConnectStatus:     queue.Decoded(s.connectStatus),
		message.KindCustomerCreate:    queue.Decoded(s.createCustomer),
		message.KindEnvironmentCreate: queue.Decoded(s.createEnvironment),
		message.KindAssistanceDesign:  queue.Decoded(s.designAssistance),
	})
	return s
}

// Handle processes a batch, reporting the messages that failed.
func (s *Syncer) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return s.Runner.Batch(ctx, ev, s.dispatch), nil
}

// connectStatus sets a Promob project's situation and stage and records
// the delivery on the project; a retryable failure is returned so that the
// queue retries the message, until the last delivery (see MaxAttempts).
func (s *Syncer) connectStatus(ctx context.Context, msg message.ConnectStatus) error {
	ctx = logging.With(ctx, "store_id", msg.StoreID, "account_id", msg.AccountID, "promob_project", msg.ProjectID, "version", msg.Version)
	acc, err := s.store.Account(ctx, msg.AccountID)
	if err != nil {
		return err
	}
	if acc.StoreID != msg.StoreID {
		slog.WarnContext(ctx, "status for an account of another store; dropped")
		return nil
	}
	err = s.tokens.Integration(ctx, acc, func(token string) error {
		return s.promob.SetStatus(ctx, acc.AccountID, token, msg.ProjectID, promob.Status{
			Situation: msg.Situation, Stage: msg.Stage, EnvironmentID: msg.EnvironmentID, Version: msg.Version,
		})
	})
	d := domain.ConnectDelivery{Situation: msg.Situation, Stage: msg.Stage, EnvironmentID: msg.EnvironmentRef, Version: msg.Version,
		Status: domain.ConnectDelivered, At: s.now().UTC()}
	var permanent interface{ Retryable() bool }
	switch {
	case err == nil:
		slog.InfoContext(ctx, "Connect status set", "situation", msg.Situation, "stage", msg.Stage)
	case (errors.As(err, &permanent) && !permanent.Retryable()) || lastAttempt(ctx):
		slog.WarnContext(ctx, "Connect status not delivered", "err", err)
		d.Status, d.Reason = domain.ConnectFailed, promob.Reason(err)
	default:
		return err
	}
	if msg.ProjectRef == "" {
		return nil // sent before projects recorded their Connect status
	}
	if err := s.store.SetConnectDelivery(ctx, msg.StoreID, msg.ProjectRef, d); err != nil {
		return err
	}
	if d.Status != domain.ConnectFailed {
		return nil
	}
	integ, err := s.store.GetIntegration(ctx, msg.StoreID)
	if err != nil || integ.ResponsibleUserID == "" {
		return err
	}
	return s.store.PutNotification(ctx, domain.ConnectNotDeliveredNotification(integ, msg.ProjectRef, d, s.now()))
}
