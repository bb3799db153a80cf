package sale

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// ManualStore is what the manual items and the repricing read and write.
type ManualStore interface {
	// Environment returns one of the store's environments (an assistance
	// is one too), or a not_found *domain.Error.
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	ManualItems(ctx context.Context, storeID, envID string) ([]domain.ManualItem, error)
	Version(ctx context.Context, env domain.Environment, number int) (domain.Version, error)
	VersionItems(ctx context.Context, env domain.Environment, number int, fn func(dec *json.Decoder) error) error
	CommercialRules(ctx context.Context, storeID string) (pricing.Rules, error)
	// WriteManual and Reprice write under the condition that the
	// environment is as env says, else they return an error wrapping
	// domain.ErrChanged.
	WriteManual(ctx context.Context, env domain.Environment, w domain.ManualWrite, now time.Time) error
	Reprice(ctx context.Context, env domain.Environment, v domain.Version, entry domain.HistoryEntry, now time.Time) error
}

// Manual adds, changes and removes the items a user types by hand in an
// environment or an assistance, and prices its latest version again with
// the store's current commercial rules. What a change does to the versions
// is domain's rule (domain.Environment.ManualChangeEffect): before the
// conversion the latest version's budget follows the manual items; after
// it, the change makes a new version of the same Promob revision, marked
// with who and when; after the purchase orders it is refused.
//
// Each method takes the record as the caller read it (env, its route
// checked) and writes with a guarded write. When the write finds the
// record changed, the method reads it again and decides again on what it
// finds, so that the answer is the refusal the rule gives now; after
// maxManualAttempts races it answers domain.Changed.
type Manual struct {
	Store ManualStore
	Now   func() time.Time
}

// maxManualAttempts bounds the attempts of a change that raced with other
// changes of the environment.
const maxManualAttempts = 5

// Add adds item, typed by actor, to env's manual items and returns it with
// its id, author and time. It fails with environment_locked after the
// purchase orders, invalid_request when env holds domain.MaxManualItems
// already, and domain.Changed when env kept changing.
func (m Manual) Add(ctx context.Context, actor domain.Identity, env domain.Environment, item domain.ManualItem) (domain.ManualItem, error) {
	item.ID, item.CreatedBy, item.CreatedAt = domain.NewID(), actor.UserID, m.Now().UTC()
	err := m.change(ctx, actor, env, func(manual []domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error) {
		if err := domain.CheckManualCount(len(manual)); err != nil {
			return domain.ManualWrite{}, nil, err
		}
		return domain.ManualWrite{Put: &item, Create: true}, append(manual, item), nil
	})
	if err != nil {
		return domain.ManualItem{}, err
	}
	return item, nil
}

// Change applies a change to env's manual item itemID and returns the item
// as changed. The change is read by read, and only once itemID is known to
// name no Promob item: an item that comes from Promob is refused with
// promob_item_readonly whatever the change. It fails with read's error,
// environment_locked after the purchase orders, not_found when env has no
// such item, and domain.Changed when env kept changing.
func (m Manual) Change(ctx context.Context, actor domain.Identity, env domain.Environment, itemID string, read func() (domain.ManualItemPatch, error)) (domain.ManualItem, error) {
	if err := domain.CanChangeItem(itemID); err != nil {
		return domain.ManualItem{}, err
	}
	patch, err := read()
	if err != nil {
		return domain.ManualItem{}, err
	}
	var changed domain.ManualItem
	err = m.change(ctx, actor, env, func(manual []domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error) {
		i, err := findManual(manual, itemID)
		if err != nil {
			return domain.ManualWrite{}, nil, err
		}
		after := slices.Clone(manual)
		after[i] = manual[i].Apply(patch)
		changed = after[i]
		return domain.ManualWrite{Put: &changed}, after, nil
	})
	if err != nil {
		return domain.ManualItem{}, err
	}
	return changed, nil
}

// Remove removes env's manual item itemID. It fails with
// promob_item_readonly for an item that comes from Promob,
// environment_locked after the purchase orders, not_found when env has no
// such item, and domain.Changed when env kept changing.
func (m Manual) Remove(ctx context.Context, actor domain.Identity, env domain.Environment, itemID string) error {
	if err := domain.CanChangeItem(itemID); err != nil {
		return err
	}
	return m.change(ctx, actor, env, func(manual []domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error) {
		i, err := findManual(manual, itemID)
		if err != nil {
			return domain.ManualWrite{}, nil, err
		}
		return domain.ManualWrite{Delete: itemID}, slices.Delete(slices.Clone(manual), i, i+1), nil
	})
}

func findManual(manual []domain.ManualItem, id string) (int, error) {
	i := slices.IndexFunc(manual, func(m domain.ManualItem) bool { return m.ID == id })
	if i < 0 {
		return 0, domain.NotFound("The environment has no item %q.", id)
	}
	return i, nil
}

// change makes a change of env's manual items and what it does to the
// versions: edit returns the write and the manual items as it leaves them,
// from the items as they are.
func (m Manual) change(ctx context.Context, actor domain.Identity, env domain.Environment, edit func([]domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error)) error {
	return m.settle(ctx, env, func(env domain.Environment) error {
		effect, err := env.ManualChangeEffect()
		if err != nil {
			return err
		}
		manual, err := m.Store.ManualItems(ctx, env.StoreID, env.ID)
		if err != nil {
			return err
		}
		w, after, err := edit(manual)
		if err != nil {
			return err
		}
		now := m.Now().UTC()
		if effect != domain.ManualNoVersion {
			v, err := m.Store.Version(ctx, env, env.LatestVersion)
			if err != nil {
				return err
			}
			if err := budgetWithManual(&v, after); err != nil {
				return err
			}
			if effect == domain.ManualRepriceLatest {
				w.Latest = &v
			} else {
				v.Number, v.OptionDate, v.Converted = env.LatestVersion+1, now, false
				v.ManualChange = &domain.ManualChange{By: actor.UserID, At: now}
				entry := domain.NewHistoryEntry(domain.HistoryManualChange, env.ID, v.Number, actor.UserID, now,
					fmt.Sprintf("%s: manual items changed after the conversion of version %d; version %d (Promob revision %d) holds the change.",
						env.Name, env.ConvertedVersion, v.Number, v.PromobRevision))
				w.New, w.Entry = &v, &entry
			}
		}
		return m.Store.WriteManual(ctx, env, w, now)
	})
}

// budgetWithManual sets v's budget and total to its Promob lines, as
// priced, with the manual items instead of those it held.
func budgetWithManual(v *domain.Version, manual []domain.ManualItem) error {
	var sum pricing.Summary
	if err := json.Unmarshal(v.Budget, &sum); err != nil {
		return fmt.Errorf("sale: version %d budget: %w", v.Number, err)
	}
	sum = sum.WithManual(pricing.ManualLines(manual))
	budget, err := json.Marshal(sum)
	if err != nil {
		return err
	}
	v.Budget, v.Total = budget, sum.Total.String()
	return nil
}

// Reprice prices env's latest version again with the store's current
// commercial rules, for actor, and returns it with its new budget. A
// change of rules never reprices a version by itself: it applies from the
// next version, and to the latest one when the store asks for it here. It
// fails with the refusal of domain.Environment.CanReprice (not_found
// before the first version, environment_locked, already_converted) and
// domain.Changed when env kept changing.
func (m Manual) Reprice(ctx context.Context, actor domain.Identity, env domain.Environment) (domain.Version, pricing.Summary, error) {
	var (
		v   domain.Version
		sum pricing.Summary
	)
	err := m.settle(ctx, env, func(env domain.Environment) error {
		if err := env.CanReprice(); err != nil {
			return err
		}
		rules, err := m.Store.CommercialRules(ctx, env.StoreID)
		if err != nil {
			return err
		}
		if v, err = m.Store.Version(ctx, env, env.LatestVersion); err != nil {
			return err
		}
		manual, err := m.Store.ManualItems(ctx, env.StoreID, env.ID)
		if err != nil {
			return err
		}
		totals := pricing.NewTotals(rules)
		err = m.Store.VersionItems(ctx, env, v.Number, func(dec *json.Decoder) error {
			var it domain.PromobItem
			if err := dec.Decode(&it); err != nil {
				return err
			}
			totals.AddPart(it)
			return nil
		})
		if err != nil {
			return err
		}
		sum = totals.Summary(pricing.ManualLines(manual))
		if v.Budget, err = json.Marshal(sum); err != nil {
			return err
		}
		if v.Rules, err = json.Marshal(rules); err != nil {
			return err
		}
		v.Total = sum.Total.String()
		now := m.Now().UTC()
		entry := domain.NewHistoryEntry(domain.HistoryRepriced, env.ID, v.Number, actor.UserID, now,
			fmt.Sprintf("%s: version %d priced again with the current commercial rules; total %s.", env.Name, v.Number, v.Total))
		return m.Store.Reprice(ctx, env, v, entry, now)
	})
	if err != nil {
		return domain.Version{}, pricing.Summary{}, err
	}
	return v, sum, nil
}

// settle runs try on env, and again on env read afresh each time try's
// guarded write finds it changed (domain.ErrChanged), up to
// maxManualAttempts times; try asks its rule first, so a refusal that
// applies after the race is the rule's. It answers domain.Changed when env
// kept changing.
func (m Manual) settle(ctx context.Context, env domain.Environment, try func(domain.Environment) error) error {
	for attempt := 1; ; attempt++ {
		err := try(env)
		switch {
		case !errors.Is(err, domain.ErrChanged):
			return err
		case attempt == maxManualAttempts:
			return domain.Changed("Environment", env.ID)
		}
		if env, err = m.Store.Environment(ctx, env.StoreID, env.ID); err != nil {
			return err
		}
	}
}
