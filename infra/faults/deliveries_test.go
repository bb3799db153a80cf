package faults_test

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// TestSameDeliveryTenTimesAtOnce sends one prepared delivery, then replays
// it ten times concurrently, byte for byte: exactly one version is added.
func TestSameDeliveryTenTimesAtOnce(t *testing.T) {
	s := startFaultStack(t, nil)
	e := newFaultStore(s).newFaultEnv(20)
	rev := e.save(30)
	id := e.event(domain.EventPrepared, rev)
	statuses := make([]int, 10)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() { statuses[i] = e.replay(id) })
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusAccepted {
			t.Errorf("replay %d answered %d, want 202 (the first answer again)", i, st)
		}
	}
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
	vs := e.waitVersions(2, 1)
	if _, revs := numbers(vs); !slices.Equal(revs, []int{rev, 1}) {
		t.Errorf("revisions %v, want [%d 1]", revs, rev)
	}
	e.checkVersions(vs)
}

// TestOlderRevisionNeverLatest delivers prepared revisions 5, then 3, then
// 4: only 5 becomes a version and stays the latest (the importer's rule: a
// revision becomes a version only when newer than the imported one).
func TestOlderRevisionNeverLatest(t *testing.T) {
	s := startFaultStack(t, nil)
	e := newFaultStore(s).newFaultEnv(20)
	for range 4 {
		e.save(25)
	}
	e.event(domain.EventPrepared, 5)
	e.waitVersions(2, 1)
	e.event(domain.EventPrepared, 3)
	e.event(domain.EventPrepared, 4)
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
	vs := e.versions()
	if nums, revs := numbers(vs); !slices.Equal(nums, []int{2, 1}) || !slices.Equal(revs, []int{5, 1}) || !vs[0].Latest {
		t.Fatalf("versions %+v, want 2 (revision 5, latest) and 1 (revision 1)", vs)
	}
	e.checkVersions(vs)
}
