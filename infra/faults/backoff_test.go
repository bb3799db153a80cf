package faults_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
)

// job is a record's job state as the API answers it.
type job struct {
	Kind, State, Reason string
	Attempt             int
	NextTryAt           *time.Time
}

// TestTwentyEnvironmentsThroughEightFailures creates twenty environments at
// once while Promob answers 503 to the next eight calls, on the template's
// own visibility timeouts (no override): a failed message comes back after
// its backoff (ChangeMessageVisibility), not after the queue's 180 s, so
// every environment is ready within the 60 s goal, and the failed attempts
// show on the records as retrying with the attempt and the next try.
func TestTwentyEnvironmentsThroughEightFailures(t *testing.T) {
	s := &faultStack{stacktest.Start(t, local, stacktest.Options{Prefix: "backoff", TemplateVisibility: true})}
	fs := newFaultStore(s)
	s.Control(http.MethodPost, "/_sim/faults", map[string]int{"failNext": 8, "status": http.StatusServiceUnavailable}, http.StatusOK)

	const n = 20
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var env struct{ ID string }
			s.Call(http.MethodPost, "/v1/projects/"+fs.projectID+"/environments", fs.admin,
				map[string]string{"name": fmt.Sprintf("Ambiente %d", i)}, http.StatusAccepted, &env)
			ids[i] = env.ID
		})
	}
	wg.Wait()
	start := time.Now()

	retried := map[string]job{}
	ready := map[string]bool{}
	poll.Until(t, 60*time.Second, "twenty environments ready, their jobs done", func() bool {
		for _, id := range ids {
			if ready[id] {
				continue
			}
			var env struct {
				Status string
				Jobs   []job
			}
			s.Call(http.MethodGet, "/v1/environments/"+id, fs.admin, nil, http.StatusOK, &env)
			for _, j := range env.Jobs {
				if j.Kind == "environment.create" && j.State == "retrying" {
					retried[id] = j
				}
			}
			// The job is recorded done just after the environment is.
			if env.Status == "ready" && len(env.Jobs) == 1 && env.Jobs[0].State == "done" {
				ready[id] = true
			}
		}
		return len(ready) == n
	})
	t.Logf("twenty environments ready %s after they were created", time.Since(start).Round(time.Second))
	// The Promob client retries a refused call twice within the message, so
	// which of the eight refusals reach the queue's backoff depends on how
	// the concurrent batches interleave; those seen retrying must say so
	// fully (TestJobLifecycle checks the states on their own).
	t.Logf("%d environments seen retrying", len(retried))
	for id, j := range retried {
		if j.Attempt < 1 || j.NextTryAt == nil || j.Reason == "" {
			t.Errorf("environment %s retrying without attempt, next try or reason: %+v", id, j)
		}
	}
}
