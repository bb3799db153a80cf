// Package notify is the notifier function: it stores the notifications that
// other functions put on the notifications queue.
package notify

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/queue"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// Notifier stores notifications.
type Notifier struct {
	store    domain.NotificationStore
	dispatch queue.RecordFunc
	// Runner runs the batches: backoff and deadlines.
	Runner queue.Runner
}

// New returns the notifier over the store.
func New(store domain.NotificationStore) *Notifier {
	n := &Notifier{store: store}
	n.dispatch = queue.Dispatch(map[string]queue.KindFunc{message.KindNotification: queue.Decoded(n.notification)})
	return n
}

// Handle processes a batch, reporting the messages that failed.
func (n *Notifier) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	return n.Runner.Batch(ctx, ev, n.dispatch), nil
}

func (n *Notifier) notification(ctx context.Context, msg message.Notification) error {
	no := msg.Notification
	no.StoreID, no.UserID, no.DedupeKey = msg.StoreID, msg.UserID, msg.DedupeKey
	ctx = logging.With(ctx, "store_id", no.StoreID, "user_id", no.UserID)
	if err := n.store.PutNotification(ctx, no); err != nil {
		return err
	}
	slog.InfoContext(ctx, "notification stored", "notification_id", no.ID, "kind", no.Kind)
	return nil
}
