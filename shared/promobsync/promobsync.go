// Package promobsync is the promobsync function: it makes the calls to
// Promob that FoccoLojas asks for through the promob-outbox queue, with the
// store's integration token, so that a Promob outage delays them (the queue
// retries, then keeps them in its DLQ) and never fails a user's request.
//
// Message kinds:
//   - "connect.status" (domain.ConnectStatusMessage): PUT …/status sets the
//     Promob project's situation and stage in Connect. Setting the same
//     status twice is harmless, so a repeated message is too.
package promobsync

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// Store is what promobsync reads: the account's integration token.
type Store interface {
	Account(ctx context.Context, accountID string) (domain.Account, error)
}

// Promob is the part of the Promob API promobsync calls.
type Promob interface {
	SetStatus(ctx context.Context, account, token, projectID string, st promob.Status) error
}

// Syncer processes the promob-outbox queue.
type Syncer struct {
	store    Store
	promob   Promob
	dispatch queue.RecordFunc
}

// New returns the syncer.
func New(store Store, p Promob) *Syncer {
	s := &Syncer{store: store, promob: p}
	s.dispatch = queue.Dispatch(map[string]queue.KindFunc{
		domain.KindConnectStatus: s.connectStatus,
	})
	return s
}

// Handle processes a batch, reporting the messages that failed.
func (s *Syncer) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return queue.Batch(ctx, ev, s.dispatch), nil
}

// connectStatus sets a Promob project's situation and stage; a failure is
// returned so that the queue retries the message.
func (s *Syncer) connectStatus(ctx context.Context, body []byte) error {
	var msg domain.ConnectStatusMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return fmt.Errorf("promobsync: decode: %w", err)
	}
	ctx = logging.With(ctx, "store_id", msg.StoreID, "account_id", msg.AccountID, "promob_project", msg.ProjectID, "version", msg.Version)
	acc, err := s.store.Account(ctx, msg.AccountID)
	if err != nil {
		return err
	}
	if acc.StoreID != msg.StoreID {
		slog.WarnContext(ctx, "status for an account of another store; dropped")
		return nil
	}
	err = s.promob.SetStatus(ctx, acc.AccountID, acc.APIToken, msg.ProjectID, promob.Status{
		Situation: msg.Situation, Stage: msg.Stage, EnvironmentID: msg.EnvironmentID, Version: msg.Version,
	})
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "Connect status set", "situation", msg.Situation, "stage", msg.Stage)
	return nil
}
