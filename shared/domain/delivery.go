package domain

import (
	"context"
	"time"
)

// Promob webhook event types.
const (
	EventSaved      = "environment.saved"
	EventPrepared   = "environment.prepared"
	EventNegotiated = "environment.negotiated"
	EventCreated    = "environment.created"
)

// Delivery is one stored webhook delivery, keyed by its webhook-id.
type Delivery struct {
	AccountID     string
	WebhookID     string
	StoreID       string
	Type          string
	ProjectID     string
	EnvironmentID string
	Revision      int
	PromobUser    string // the Promob user who saved (data.userId)
	ReceivedAt    time.Time
	// Queued is true once the delivery is on the imports queue.
	Queued bool
	// Status and Body are the answer given to the first delivery; a repeat is
	// answered the same.
	Status int
	Body   []byte
}

// DeliveryStore keeps webhook deliveries for de-duplication and for the
// importer, which reads their bodies.
type DeliveryStore interface {
	// CreateDelivery stores d and its body unless a delivery with the same
	// account and webhook-id exists: then it returns that one and created false.
	CreateDelivery(ctx context.Context, d Delivery, body []byte) (stored Delivery, created bool, err error)
	// MarkDeliveryQueued records that the delivery is on the imports queue.
	MarkDeliveryQueued(ctx context.Context, accountID, webhookID string) error
	// DeliveryBody returns the body of a stored delivery, or a not_found *Error.
	DeliveryBody(ctx context.Context, accountID, webhookID string) ([]byte, error)
}

// DeliveryTTL is how long deliveries are kept for de-duplication.
const DeliveryTTL = 30 * 24 * time.Hour
