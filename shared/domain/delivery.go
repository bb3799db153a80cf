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

// carriesListing tells, per known event type, whether its data must carry the
// environment's listing.
var carriesListing = map[string]bool{
	EventSaved:      false,
	EventPrepared:   true,
	EventNegotiated: true,
	EventCreated:    false,
}

// WebhookEvent is a Promob webhook's JSON body.
type WebhookEvent struct {
	Type      string           `json:"type"`
	Timestamp string           `json:"timestamp"`
	Data      WebhookEventData `json:"data"`
}

// WebhookEventData is the environment an event is about.
type WebhookEventData struct {
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	Revision      int    `json:"revision"`
	UserID        string `json:"userId,omitempty"`
	Listing       string `json:"listing,omitempty"`
}

// Validate returns an invalid_request *Error when the event's type is unknown
// or a field its type needs is missing.
func (e WebhookEvent) Validate() error {
	needsListing, known := carriesListing[e.Type]
	switch {
	case e.Type == "":
		return Invalid("type is required.")
	case !known:
		return UnknownEvent("Unknown event type %q.", e.Type)
	case !ValidID(e.Data.ProjectID):
		return RequireID("data.projectId", e.Data.ProjectID)
	case !ValidID(e.Data.EnvironmentID):
		return RequireID("data.environmentId", e.Data.EnvironmentID)
	case e.Data.Revision < 1:
		return Invalid("data.revision must be a positive integer.")
	case len(e.Data.UserID) > 200:
		return Invalid("data.userId is at most 200 bytes.")
	case needsListing && e.Data.Listing == "":
		return Invalid("data.listing is required for %s.", e.Type)
	}
	return nil
}

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
