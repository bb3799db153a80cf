package sale

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// PromobStore is what recording Promob's events reads and writes.
type PromobStore interface {
	EnvironmentByPromobID(ctx context.Context, accountID, promobEnvID string) (domain.Environment, error)
	AddHistory(ctx context.Context, storeID, projectID string, e domain.HistoryEntry, onceKey string) error
	CreateDelivery(ctx context.Context, d domain.Delivery, body []byte) (domain.Delivery, bool, error)
	MarkDeliveryQueued(ctx context.Context, accountID, webhookID string) error
}

// Promob records what Promob does to the store's environments: the
// events its webhooks deliver (a save, a prepared or negotiated listing),
// kept once each and handed to the importer (see Import.Event).
type Promob struct {
	Store   PromobStore
	Imports message.Queue // the importer's
	Now     func() time.Time
}

// Record records the delivery d of a Promob event (body is the event as
// delivered; d.Status and d.Body the answer every repeat of it gets) and
// puts it on the imports queue. It returns the delivery as stored and
// whether this call stored it: a repeat of a stored delivery changes
// nothing, and is queued only if the first was not. An event that would
// change a locked environment (domain.Environment.CanChange) is
// neither stored nor queued: the refusal is recorded in the project's
// history, once per webhook id, and returned (environment_locked).
func (p Promob) Record(ctx context.Context, d domain.Delivery, body []byte) (domain.Delivery, bool, error) {
	if err := p.refuseLocked(ctx, d); err != nil {
		return domain.Delivery{}, false, err
	}
	d.ReceivedAt = p.Now().UTC()
	stored, created, err := p.Store.CreateDelivery(ctx, d, body)
	if err != nil {
		return domain.Delivery{}, false, err
	}
	if !stored.Queued {
		if err := p.enqueue(ctx, stored); err != nil {
			return domain.Delivery{}, false, err
		}
		stored.Queued = true
	}
	return stored, created, nil
}

// refuseLocked returns the lock's refusal, after recording it in the
// project's history, when the event would change a locked environment of
// the store; nil otherwise.
func (p Promob) refuseLocked(ctx context.Context, d domain.Delivery) error {
	if !domain.ChangesEnvironment(d.Type) {
		return nil
	}
	env, err := p.Store.EnvironmentByPromobID(ctx, d.AccountID, d.EnvironmentID)
	if domain.IsNotFound(err) || (err == nil && env.StoreID != d.StoreID) {
		return nil
	}
	if err != nil {
		return err
	}
	refusal := env.CanChange()
	if refusal == nil {
		return nil
	}
	entry := domain.NewHistoryEntry(domain.HistoryRefusedChange, env.ID, env.LatestVersion, domain.ByPromob, p.Now(),
		fmt.Sprintf("%s: Promob %s revision %d refused: the environment is locked at version %d (converted version %d).",
			env.Name, d.Type, d.Revision, env.LatestVersion, env.ConvertedVersion))
	if err := p.Store.AddHistory(ctx, env.StoreID, env.ProjectID, entry, "refused#"+d.AccountID+"#"+d.WebhookID); err != nil {
		return err
	}
	slog.WarnContext(ctx, "Promob change of a locked environment refused", "type", d.Type, "revision", d.Revision, "environment_id", env.ID)
	return refusal
}

// enqueue puts a stored delivery on the imports queue and records it. A
// delivery stored but not yet queued (a crash in between) is queued by the
// next repeat of the webhook; the FIFO de-duplication id is the webhook id, so
// a delivery queued twice within five minutes is received once.
func (p Promob) enqueue(ctx context.Context, d domain.Delivery) error {
	msg := message.Import{
		Kind: message.KindWebhook, StoreID: d.StoreID, AccountID: d.AccountID, DeliveryID: d.WebhookID,
		Type: d.Type, ProjectID: d.ProjectID, EnvironmentID: d.EnvironmentID, Revision: d.Revision, PromobUser: d.PromobUser,
	}
	if err := p.Imports.Send(ctx, msg, message.ImportGroup(d.AccountID, d.EnvironmentID), d.AccountID+":"+d.WebhookID); err != nil {
		return err
	}
	return p.Store.MarkDeliveryQueued(ctx, d.AccountID, d.WebhookID)
}
