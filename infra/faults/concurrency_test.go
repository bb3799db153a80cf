package faults_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// TestConcurrentImportsAndManualItems runs 50 imports (update requests and
// prepared deliveries) over 10 environments at once, with manual items
// added at the same time: each environment's versions are numbered without
// gaps, the newest revision is the latest version, every manual item is
// kept, and the budget is the latest version's items priced, never a mix.
func TestConcurrentImportsAndManualItems(t *testing.T) {
	const envs, manualPerEnv = 10, 2
	s := startFaultStack(t, nil)
	fs := newFaultStore(s)
	all := make([]*faultEnv, envs)
	for i := range all {
		all[i] = fs.newFaultEnv(15)
		for range 3 {
			all[i].save(10 + i) // revisions 2, 3 and 4
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, envs*(5+manualPerEnv))
	for _, e := range all {
		ops := []func() error{
			func() error { return e.tryUpdate() },
			func() error { return e.tryEvent(domain.EventPrepared, 3) },
			func() error { return e.tryUpdate() },
			func() error { return e.tryEvent(domain.EventPrepared, 2) },
			func() error { return e.tryEvent(domain.EventPrepared, 4) },
		}
		for m := range manualPerEnv {
			ops = append(ops, func() error { return e.tryManual(fmt.Sprintf("Tampo %d", m)) })
		}
		for _, op := range ops {
			wg.Go(func() {
				if err := op(); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })

	for i, e := range all {
		t.Run(fmt.Sprintf("environment %d", i), func(t *testing.T) {
			vs := e.versions()
			if len(vs) < 2 || vs[0].PromobRevision != 4 {
				t.Fatalf("versions %+v: want revision 4 as the latest", vs)
			}
			e.checkVersions(vs)
			e.checkBudget(vs[0].Number, manualPerEnv)
		})
	}
}

// tryUpdate asks for an update; unlike api it reports a bad answer.
func (e *faultEnv) tryUpdate() error {
	r := stacktest.Send(e.fs.s.T, http.MethodPost, e.fs.s.URL()+e.envPath+"/update", nil, map[string]string{"Authorization": "Bearer " + e.fs.admin})
	if r.Status != http.StatusAccepted {
		return fmt.Errorf("update of %s: %d %s", e.id, r.Status, r.Body)
	}
	return nil
}

// tryEvent has the simulator send an event; it reports a refusal.
func (e *faultEnv) tryEvent(typ string, revision int) error {
	s := e.fs.s
	r := stacktest.Send(s.T, http.MethodPost, s.SimURL()+e.controlPath+"/events", []byte(fmt.Sprintf(`{"type":%q,"revision":%d}`, typ, revision)), nil)
	if r.Status != http.StatusOK {
		return fmt.Errorf("%s of revision %d: %d %s", typ, revision, r.Status, r.Body)
	}
	return nil
}

// tryManual adds a manual item; it reports a refusal.
func (e *faultEnv) tryManual(description string) error {
	r := stacktest.Send(e.fs.s.T, http.MethodPost, e.fs.s.URL()+e.envPath+"/items",
		[]byte(fmt.Sprintf(`{"description":%q,"quantity":"2","unitPrice":"10.50"}`, description)),
		map[string]string{"Authorization": "Bearer " + e.fs.admin})
	if r.Status != http.StatusCreated {
		return fmt.Errorf("manual item of %s: %d %s", e.id, r.Status, r.Body)
	}
	return nil
}

// checkBudget checks that the budget is of the latest version, prices
// exactly that version's leaf items, and holds the manual items.
func (e *faultEnv) checkBudget(latest, manual int) {
	t := e.fs.s.T
	t.Helper()
	var b struct {
		Version int
		pricing.Summary
		Lines []pricing.PricedLine `json:"-"`
	}
	e.fs.s.Call(http.MethodGet, e.envPath+"/budget", e.fs.admin, nil, http.StatusOK, &b)
	b.Lines = stacktest.Pages[pricing.PricedLine](e.fs.s.Stack, e.envPath+"/budget/lines", e.fs.admin)
	var v struct {
		Items []domain.PromobItem
	}
	v.Items = stacktest.Pages[domain.PromobItem](e.fs.s.Stack, fmt.Sprintf("%s/versions/%d/items", e.envPath, latest), e.fs.admin)
	if b.Version != latest {
		t.Fatalf("budget of version %d, latest is %d", b.Version, latest)
	}
	var leaves []domain.PromobItem
	cost := decimal.Zero
	for _, it := range v.Items {
		if !it.HasChildren {
			leaves = append(leaves, it)
			cost = cost.Add(it.PriceTotal)
		}
	}
	if len(b.Lines) != len(leaves) {
		t.Fatalf("budget has %d lines, version %d has %d leaf items", len(b.Lines), latest, len(leaves))
	}
	for i, l := range b.Lines {
		if l.Ref != leaves[i].Reference || !l.Cost.Equal(leaves[i].PriceTotal) {
			t.Errorf("budget line %d is %s at %s, version %d's item is %s at %s", i, l.Ref, l.Cost, latest, leaves[i].Reference, leaves[i].PriceTotal)
		}
	}
	if !b.CostTotal.Equal(cost.Round(2)) {
		t.Errorf("budget cost total %s, version %d's items cost %s", b.CostTotal, latest, cost)
	}
	if len(b.Manual) != manual {
		t.Errorf("budget has %d manual items, want %d", len(b.Manual), manual)
	}
	for _, m := range b.Manual {
		if !m.Price.Equal(decimal.RequireFromString("21")) {
			t.Errorf("manual %s priced %s, want 21.00", m.Description, m.Price)
		}
	}
}
