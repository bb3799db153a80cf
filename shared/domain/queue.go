package domain

import "context"

// Queue carries messages to a worker function.
type Queue interface {
	// Send enqueues msg as JSON. On a FIFO queue, group orders the messages
	// of one group and dedupID drops a repeat sent within five minutes; both
	// are ignored by standard queues. It fails when the queue does not
	// accept the message.
	Send(ctx context.Context, msg any, group, dedupID string) error
}

// Message kinds on the imports queue.
const (
	KindWebhook = "webhook" // a stored Promob webhook delivery to process
	KindUpdate  = "update"  // import the environment's current Promob listing
)

// ImportMessage asks the importer to process a Promob event.
type ImportMessage struct {
	Kind          string `json:"kind"`
	StoreID       string `json:"storeId"`
	AccountID     string `json:"accountId"`
	DeliveryID    string `json:"deliveryId,omitempty"`
	Type          string `json:"type,omitempty"`
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	Revision      int    `json:"revision,omitempty"`
	// PromobUser is the Promob user whose action sent the webhook
	// (data.userId), told of what it changed.
	PromobUser string `json:"promobUser,omitempty"`
	// UserID is the user who asked for an update: the listing is fetched
	// with their linked Promob token when they have one.
	UserID string `json:"userId,omitempty"`
}

// ImportGroup is the FIFO message group of a Promob environment: its events
// are processed one at a time, in order.
func ImportGroup(accountID, promobEnvironmentID string) string {
	return accountID + ":" + promobEnvironmentID
}
