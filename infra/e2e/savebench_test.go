package e2e_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// BenchmarkSaveToNotification: Promob saves 1,000-part listings of 10
// environments, 10 saves a second for a minute, on the real local stack;
// for each save it measures the time from the signed environment.saved
// webhook leaving Promob (the simulator) to the notification being in the
// environment creator's unread list (GET /v1/notifications?unread=true,
// polled every 50 ms: the figures are up to 50 ms late), and reports p50
// and p99, and the SQS messages sent per save.
func BenchmarkSaveToNotification(b *testing.B) {
	const envs, perSecond, seconds, parts = 10, 10, 60, 1000
	s := startRealStack(b)
	store, account, apiToken := s.linkedStore()
	admin := s.Token("admin-1", store, "admin")
	_, projectID := s.Project(admin, "Ana Silva", "529.982.247-25", "Casa")
	type target struct {
		pe    *promobEnv
		token string
		mu    sync.Mutex
	}
	targets := make([]*target, envs)
	for k := range targets {
		user := fmt.Sprintf("seller-%d", k)
		tg := &target{pe: newPromobEnv(s, account, apiToken), token: s.Token(user, store, "seller")}
		tg.pe.save(nil, parts)
		var env envView
		s.ImportEnvironment(tg.token, projectID, tg.pe.project, tg.pe.env, fmt.Sprintf("Ambiente %d", k), &env)
		poll.Until(b, 2*time.Minute, "version 1 imported", func() bool {
			var e envView
			s.Call(http.MethodGet, "/v1/environments/"+env.ID, admin, nil, http.StatusOK, &e)
			return e.LatestVersion == 1
		})
		targets[k] = tg
	}
	// Each environment's creator's unread list is polled every 50 ms while
	// a save of it waits for its notification; a save is notified when its
	// revision's notification first appears.
	revisionOf := func(n domain.Notification) (int, bool) {
		var rev int
		_, err := fmt.Sscanf(n.Message, "Revision %d is waiting", &rev)
		return rev, err == nil
	}
	var (
		lat    []time.Duration
		mu     sync.Mutex
		failed atomic.Int64
	)
	type pending struct {
		start time.Time
		rev   int
	}
	sendsBefore := s.sends.count.Load()
	for b.Loop() {
		queues := make([]chan pending, envs)
		var pollers sync.WaitGroup
		for k, tg := range targets {
			queues[k] = make(chan pending, perSecond*seconds)
			pollers.Go(func() {
				waiting := map[int]time.Time{}
				open := true
				for open || len(waiting) > 0 {
					for drained := false; !drained; {
						select {
						case p, ok := <-queues[k]:
							if !ok {
								open, drained = false, true
								break
							}
							waiting[p.rev] = p.start
						default:
							drained = true
						}
					}
					if len(waiting) > 0 {
						var out struct{ Notifications []domain.Notification }
						s.Call(http.MethodGet, "/v1/notifications?unread=true", tg.token, nil, http.StatusOK, &out)
						now := time.Now()
						for _, n := range out.Notifications {
							if rev, ok := revisionOf(n); ok {
								if start, ok := waiting[rev]; ok {
									mu.Lock()
									lat = append(lat, now.Sub(start))
									mu.Unlock()
									delete(waiting, rev)
								}
							}
						}
						for rev, start := range waiting {
							if now.Sub(start) > 2*time.Minute {
								failed.Add(1)
								delete(waiting, rev)
							}
						}
					}
					time.Sleep(50 * time.Millisecond)
				}
			})
		}
		var senders sync.WaitGroup
		tick := time.NewTicker(time.Second / perSecond)
		for i := range perSecond * seconds {
			<-tick.C
			k := i % envs
			tg := targets[k]
			senders.Go(func() {
				// One environment's saves are one after the other, as a
				// designer's are.
				tg.mu.Lock()
				defer tg.mu.Unlock()
				rev := tg.pe.save(nil, parts)
				start := time.Now()
				tg.pe.send(domain.EventSaved, rev)
				queues[k] <- pending{start: start, rev: rev}
			})
		}
		tick.Stop()
		senders.Wait()
		for _, q := range queues {
			close(q)
		}
		pollers.Wait()
	}
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d saves were not notified within 2 minutes", n)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(float64(len(lat)), "saves")
	b.ReportMetric(float64(s.sends.count.Load()-sendsBefore)/float64(len(lat)), "sqs-sends/save")
}
