package domain

import (
	"regexp"
	"sync"
	"testing"
)

func TestNewID(t *testing.T) {
	format := regexp.MustCompile(`^[0-9a-f]{32}$`)
	const perWorker, workers = 2000, 4
	var (
		mu  sync.Mutex
		all = map[string]bool{}
		wg  sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			prev := ""
			for range perWorker {
				id := NewID()
				if !format.MatchString(id) {
					t.Errorf("NewID() = %q, want 32 lowercase hex digits", id)
					return
				}
				// Ids one goroutine makes one after another sort in that order.
				if id <= prev {
					t.Errorf("NewID() = %q after %q: not increasing", id, prev)
					return
				}
				prev = id
				mu.Lock()
				all[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(all) != perWorker*workers {
		t.Fatalf("%d distinct ids of %d", len(all), perWorker*workers)
	}
}
