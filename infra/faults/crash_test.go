package faults_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
)

// TestDynamoKilledDuringImport kills DynamoDB Local in the middle of an
// update's import (while the importer waits for the listing, which the
// simulator delays) and starts it again with its data on disk: the
// importer's writes fail, the queue retries the import, which completes
// once with every item, and no version is ever visible without all its
// items.
func TestDynamoKilledDuringImport(t *testing.T) {
	const parts = 3000
	s := startFaultStack(t, nil)
	e := newFaultStore(s).newFaultEnv(10)
	rev := e.save(parts)
	s.Control(http.MethodPost, "/_sim/faults", map[string]int{"failNext": 1, "delayMs": 1500}, http.StatusOK)
	s.Call(http.MethodPost, e.envPath+"/update", e.fs.admin, nil, http.StatusAccepted, nil)
	poll.Until(t, wait, "the importer asks Promob for the listing", func() bool {
		_, inFlight, _, _ := s.QueueCounts("ImportsQueue")
		return inFlight > 0
	})
	time.Sleep(200 * time.Millisecond) // the listing call is delayed 1.5 s
	outage(t, "DynamoDB Local", 2*time.Second, local.KillDynamo, local.StartDynamo)

	var vs []version
	poll.Until(t, wait, "version 2 with all its items", func() bool {
		vs = e.versions()
		for _, v := range vs {
			items := stacktest.Pages[any](s.Stack, fmt.Sprintf("%s/versions/%d/items", e.envPath, v.Number), e.fs.admin)
			if len(items) != v.ItemCount {
				t.Fatalf("version %d is visible with %d of its %d items", v.Number, len(items), v.ItemCount)
			}
		}
		nums, _ := numbers(vs)
		return slices.Equal(nums, []int{2, 1})
	})
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
	vs = e.versions()
	if nums, revs := numbers(vs); !slices.Equal(nums, []int{2, 1}) || !slices.Equal(revs, []int{rev, 1}) || vs[0].ItemCount != parts {
		t.Fatalf("versions %+v, want 2 (revision %d, %d items) and 1", vs, rev, parts)
	}
	e.checkVersions(vs)
	if n := e.listingCalls(); n < 2 {
		t.Errorf("Promob's listing was fetched %d times, want a first attempt and a retry", n)
	}
	if dlq, _, _, _ := s.QueueCounts("ImportsDLQ"); dlq != 0 {
		t.Errorf("%d messages in the imports DLQ", dlq)
	}
}

// listingCalls counts the Promob API calls for the environment's listing
// that the simulator recorded.
func (e *faultEnv) listingCalls() int {
	r := e.fs.s.Control(http.MethodGet, "/_sim/accounts/"+e.fs.account, nil, http.StatusOK)
	var acc struct {
		Calls []struct{ Method, Path string }
	}
	if err := json.Unmarshal(r.Body, &acc); err != nil {
		e.fs.s.T.Fatal(err)
	}
	n := 0
	for _, c := range acc.Calls {
		if c.Method == http.MethodGet && strings.HasSuffix(c.Path, "/environments/"+e.promob+"/listing") {
			n++
		}
	}
	return n
}

// TestSQSRestartedWithMessagesInFlight kills fauxqs while five update
// imports are in flight (their listing calls delayed by the simulator) and
// starts it again with its data on disk: every import completes, nothing
// is left in the queue, nothing goes to the DLQ.
func TestSQSRestartedWithMessagesInFlight(t *testing.T) {
	const envs = 5
	s := startFaultStack(t, nil)
	fs := newFaultStore(s)
	all := make([]*faultEnv, envs)
	for i := range all {
		all[i] = fs.newFaultEnv(10)
		all[i].save(20)
	}
	s.Control(http.MethodPost, "/_sim/faults", map[string]int{"failNext": envs, "delayMs": 1500}, http.StatusOK)
	for _, e := range all {
		s.Call(http.MethodPost, e.envPath+"/update", fs.admin, nil, http.StatusAccepted, nil)
	}
	poll.Until(t, wait, "the updates are in flight", func() bool {
		_, inFlight, _, _ := s.QueueCounts("ImportsQueue")
		return inFlight > 0
	})
	outage(t, "fauxqs", time.Second, local.KillSQS, local.StartSQS)

	for i, e := range all {
		vs := e.waitVersions(2, 1)
		if _, revs := numbers(vs); !slices.Equal(revs, []int{2, 1}) {
			t.Errorf("environment %d: revisions %v", i, revs)
		}
	}
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
	if dlq, _, _, _ := s.QueueCounts("ImportsDLQ"); dlq != 0 {
		t.Errorf("%d messages in the imports DLQ", dlq)
	}
}

// TestPromobUnavailableForAWhile has Promob answer 503 to the next five
// calls: the client retries with backoff (three attempts), the queue
// retries the import, and the update completes with one version; the
// importer only reads from Promob, so nothing is created there: the one
// write is the client's creation, done before the faults.
func TestPromobUnavailableForAWhile(t *testing.T) {
	s := startFaultStack(t, nil)
	e := newFaultStore(s).newFaultEnv(10)
	rev := e.save(15)
	before := e.listingCalls()
	s.Control(http.MethodPost, "/_sim/faults", map[string]int{"failNext": 5, "status": http.StatusServiceUnavailable}, http.StatusOK)
	s.Call(http.MethodPost, e.envPath+"/update", e.fs.admin, nil, http.StatusAccepted, nil)
	vs := e.waitVersions(2, 1)
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
	if _, revs := numbers(vs); !slices.Equal(revs, []int{rev, 1}) {
		t.Errorf("revisions %v, want [%d 1]", revs, rev)
	}
	e.checkVersions(e.versions())
	if n := e.listingCalls() - before; n != 6 {
		t.Errorf("the listing was fetched %d times, want 6 (5 refused, then served)", n)
	}
	r := s.Control(http.MethodGet, "/_sim/accounts/"+e.fs.account, nil, http.StatusOK)
	var acc struct {
		Calls []struct{ Method, Path string }
	}
	if err := json.Unmarshal(r.Body, &acc); err != nil {
		t.Fatal(err)
	}
	writes := 0
	for _, c := range acc.Calls {
		if c.Method != http.MethodGet {
			writes++
			if writes > 1 || !strings.HasSuffix(c.Path, "/customers") {
				t.Errorf("a %s %s call to Promob besides the client's creation", c.Method, c.Path)
			}
		}
	}
}

// outage kills a part of the local environment (what) with kill, as a
// crash would, and starts it again with start after d; when the test ends
// before, the part is started again for the tests that follow.
func outage(t *testing.T, what string, d time.Duration, kill func() error, start func(context.Context) error) {
	t.Helper()
	if err := kill(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = start(context.Background())
		}
	})
	time.Sleep(d)
	if err := start(t.Context()); err != nil {
		t.Fatalf("start %s again: %v", what, err)
	}
	restarted = true
}
