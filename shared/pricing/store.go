package pricing

import (
	"context"
	"time"
)

// RulesStore keeps each store's commercial rules.
type RulesStore interface {
	// CommercialRules returns the store's rules, DefaultRules when it has
	// not set its own, or an error when they cannot be read.
	CommercialRules(ctx context.Context, storeID string) (Rules, error)
	// SaveCommercialRules replaces the store's rules; it fails only when the
	// store cannot write them.
	SaveCommercialRules(ctx context.Context, storeID string, r Rules, now time.Time) error
}
