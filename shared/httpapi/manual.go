package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// manualItemWriters may add, change and remove manual items.
var manualItemWriters = []domain.Role{domain.RoleAdmin, domain.RoleSeller}

// maxManualAttempts bounds the retries of a manual item change that raced
// with another change of the environment.
const maxManualAttempts = 5

func (s *Server) addManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	if _, err := s.manualItemTarget(r, id.StoreID, ""); err != nil {
		return 0, nil, err
	}
	var body domain.ManualItemInput
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	item, err := body.Item()
	if err != nil {
		return 0, nil, err
	}
	item.ID, item.CreatedBy, item.CreatedAt = domain.NewID(), id.UserID, s.now().UTC()
	err = s.changeManual(r, id, func(manual []domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error) {
		if err := domain.CheckManualCount(len(manual)); err != nil {
			return domain.ManualWrite{}, nil, err
		}
		return domain.ManualWrite{Put: &item, Create: true}, append(manual, item), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, item, nil
}

func (s *Server) updateManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	itemID := r.PathValue("itemId")
	if _, err := s.manualItemTarget(r, id.StoreID, itemID); err != nil {
		return 0, nil, err
	}
	var body domain.ManualItemInput
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	patch, err := body.Patch()
	if err != nil {
		return 0, nil, err
	}
	var changed domain.ManualItem
	err = s.changeManual(r, id, func(manual []domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error) {
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
		return 0, nil, err
	}
	return http.StatusOK, changed, nil
}

func (s *Server) deleteManualItem(r *http.Request, id domain.Identity) (int, any, error) {
	itemID := r.PathValue("itemId")
	if _, err := s.manualItemTarget(r, id.StoreID, itemID); err != nil {
		return 0, nil, err
	}
	err := s.changeManual(r, id, func(manual []domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error) {
		i, err := findManual(manual, itemID)
		if err != nil {
			return domain.ManualWrite{}, nil, err
		}
		return domain.ManualWrite{Delete: itemID}, slices.Delete(slices.Clone(manual), i, i+1), nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func findManual(manual []domain.ManualItem, id string) (int, error) {
	i := slices.IndexFunc(manual, func(m domain.ManualItem) bool { return m.ID == id })
	if i < 0 {
		return 0, domain.NotFound("The environment has no item %q.", id)
	}
	return i, nil
}

// changeManual makes a change of the routed record's manual items and what
// it does to its versions (domain.Environment.ManualChangeEffect): change
// returns the write and the manual items as it leaves them, from the items
// as they are. Before the conversion the latest version's budget follows;
// after it, the change makes a new version of the same Promob revision,
// marked with who and when; after the purchase orders it is refused with
// environment_locked. A race with another change is decided again on fresh
// reads, a few times, then answered as a conflict.
func (s *Server) changeManual(r *http.Request, id domain.Identity, change func([]domain.ManualItem) (domain.ManualWrite, []domain.ManualItem, error)) error {
	ctx := r.Context()
	for range maxManualAttempts {
		env, err := s.routedRecord(r, id.StoreID)
		if err != nil {
			return err
		}
		effect, err := env.ManualChangeEffect()
		if err != nil {
			return err
		}
		manual, err := s.store.ManualItems(ctx, env.StoreID, env.ID)
		if err != nil {
			return err
		}
		w, after, err := change(manual)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if effect != domain.ManualNoVersion {
			v, err := s.store.Version(ctx, env, env.LatestVersion)
			if err != nil {
				return err
			}
			sum, err := summaryOf(v)
			if err != nil {
				return err
			}
			sum = sum.WithManual(pricing.ManualLines(after))
			if v.Budget, err = json.Marshal(sum); err != nil {
				return err
			}
			v.Total = sum.Total.String()
			if effect == domain.ManualRepriceLatest {
				w.Latest = &v
			} else {
				v.Number, v.OptionDate, v.Converted = env.LatestVersion+1, now, false
				v.ManualChange = &domain.ManualChange{By: id.UserID, At: now}
				entry := domain.NewHistoryEntry(domain.HistoryManualChange, env.ID, v.Number, id.UserID, now,
					fmt.Sprintf("%s: manual items changed after the conversion of version %d; version %d (Promob revision %d) holds the change.",
						env.Name, env.ConvertedVersion, v.Number, v.PromobRevision))
				w.New, w.Entry = &v, &entry
			}
		}
		err = s.store.WriteManual(ctx, env, w, now)
		if !errors.Is(err, domain.ErrManualRace) {
			return err
		}
	}
	return domain.ErrManualRace
}

// manualItemTarget checks, after the route's role check, what every manual
// item write needs, in this order: the environment (path value eid) or the
// assistance (aid) in the store (404), and an item id that is not a Promob
// item's (409). It returns the environment id (an assistance's is its own).
func (s *Server) manualItemTarget(r *http.Request, storeID, itemID string) (string, error) {
	env, err := s.routedRecord(r, storeID)
	if err != nil {
		return "", err
	}
	if domain.IsPromobItemID(itemID) {
		return "", domain.PromobItemReadonly(itemID)
	}
	return env.ID, nil
}
