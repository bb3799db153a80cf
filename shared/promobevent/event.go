// Package promobevent is Promob's webhook event, in its JSON form: the
// webhook function validates it and stores it as the delivery's body, the
// importer reads the listing it carries from there.
package promobevent

import "github.com/foccolojas/promob-integration/shared/domain"

// carriesListing tells, per known event type, whether its data must carry the
// environment's listing.
var carriesListing = map[string]bool{
	domain.EventSaved:      false,
	domain.EventPrepared:   true,
	domain.EventNegotiated: true,
	domain.EventCreated:    false,
}

// Event is a Promob webhook's JSON body.
type Event struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      Data   `json:"data"`
}

// Data is the environment an event is about.
type Data struct {
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	Revision      int    `json:"revision"`
	UserID        string `json:"userId,omitempty"`
	Listing       string `json:"listing,omitempty"`
}

// Validate returns an invalid_request *Error when the event's type is unknown
// or a field its type needs is missing.
func (e Event) Validate() error {
	needsListing, known := carriesListing[e.Type]
	switch {
	case e.Type == "":
		return domain.Invalid("type is required.")
	case !known:
		return domain.UnknownEvent("Unknown event type %q.", e.Type)
	case !domain.ValidID(e.Data.ProjectID):
		return domain.RequireID("data.projectId", e.Data.ProjectID)
	case !domain.ValidID(e.Data.EnvironmentID):
		return domain.RequireID("data.environmentId", e.Data.EnvironmentID)
	case e.Data.Revision < 1:
		return domain.Invalid("data.revision must be a positive integer.")
	case len(e.Data.UserID) > 200:
		return domain.Invalid("data.userId is at most 200 bytes.")
	case needsListing && e.Data.Listing == "":
		return domain.Invalid("data.listing is required for %s.", e.Type)
	}
	return nil
}
