package domain

import (
	"context"
	"time"
)

// History entry kinds.
const (
	HistoryImported         = "imported"              // a Promob revision became version n
	HistoryOutdated         = "outdated"              // Promob saved a revision not imported yet
	HistoryApproved         = "approved"              // version n was converted
	HistoryFinancialRelease = "financial_release"     // the contract was released
	HistoryReviewStarted    = "review_started"        // a reviewer started the review
	HistoryReviewCompleted  = "review_completed"      // the review was completed; the environment is locked
	HistoryPurchaseOrders   = "purchase_orders"       // purchase orders were written
	HistoryRefusedChange    = "promob_change_refused" // Promob changed a locked environment; refused
	HistoryManualChange     = "manual_change"         // manual items changed after the conversion: version n
	HistoryRepriced         = "repriced"              // version n was priced again with the current commercial rules
)

// HistoryEntry is one event of a project's life, shown in time order.
type HistoryEntry struct {
	ID            string    `json:"id"`
	Kind          string    `json:"kind"`
	EnvironmentID string    `json:"environmentId,omitempty"`
	Version       int       `json:"version,omitempty"`
	By            string    `json:"by"` // a user id, or "promob" for what Promob did
	At            time.Time `json:"at"`
	Message       string    `json:"message"`
}

// ByPromob is the author of history entries that record what Promob did.
const ByPromob = "promob"

// NewHistoryEntry returns an entry with a new time-ordered id.
func NewHistoryEntry(kind, envID string, version int, by string, at time.Time, message string) HistoryEntry {
	return HistoryEntry{ID: NewID(), Kind: kind, EnvironmentID: envID, Version: version, By: by, At: at.UTC(), Message: message}
}

// HistoryStore keeps projects' history.
type HistoryStore interface {
	// AddHistory stores an entry of a project. With a onceKey, a second
	// entry with the same key for the project changes nothing.
	AddHistory(ctx context.Context, storeID, projectID string, e HistoryEntry, onceKey string) error
	// History returns the project's entries, oldest first.
	History(ctx context.Context, storeID, projectID string) ([]HistoryEntry, error)
}
