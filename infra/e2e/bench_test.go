package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promobevent"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// BenchmarkWebhookAck sends 2,000 signed Promob deliveries, 16 at a time,
// to the webhook of the local stack on 127.0.0.1 (DynamoDB Local and fauxqs
// behind it: each delivery is stored and queued before it is acknowledged)
// and reports the acknowledgements per second and the p50 and p99 latency
// of one acknowledgement.
func BenchmarkWebhookAck(b *testing.B) {
	const deliveries, concurrency = 2_000, 16
	s := startStack(b)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	cfg := s.configure(store, account)
	wh, err := standardwebhooks.NewWebhook(cfg.WebhookSecret)
	if err != nil {
		b.Fatal(err)
	}
	target := s.URL() + cfg.WebhookPath
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}, Timeout: 30 * time.Second}
	var lat []time.Duration
	var elapsed time.Duration
	rev := 0
	for b.Loop() {
		lat = make([]time.Duration, deliveries)
		jobs := make(chan int)
		var wg sync.WaitGroup
		var failed atomic.Int64
		var firstErr atomic.Value
		start := time.Now()
		for range concurrency {
			wg.Go(func() {
				for i := range jobs {
					d, err := deliver(client, wh, target, rev*deliveries+i+1)
					lat[i] = d
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
				}
			})
		}
		for i := range deliveries {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		elapsed += time.Since(start)
		rev++
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d deliveries were not acknowledged; first: %v", n, deliveries, firstErr.Load())
		}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(rev*deliveries)/elapsed.Seconds(), "acks/s")
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
}

// deliver posts one signed environment.saved delivery of the revision and
// returns how long the acknowledgement took; it fails unless the webhook
// answers 202.
func deliver(client *http.Client, wh *standardwebhooks.Webhook, target string, revision int) (time.Duration, error) {
	now := time.Now()
	id := localstack.UniqueName("msg")
	body, err := json.Marshal(promobevent.Event{Type: domain.EventSaved, Timestamp: now.UTC().Format(time.RFC3339),
		Data: promobevent.Data{ProjectID: "p1", EnvironmentID: "e1", Revision: revision, UserID: "designer-1"}})
	if err != nil {
		return 0, err
	}
	sig, err := wh.Sign(id, now, body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(standardwebhooks.HeaderWebhookID, id)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(now.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return time.Since(start), err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return took, err
	}
	if resp.StatusCode != http.StatusAccepted {
		return took, fmt.Errorf("%d %s", resp.StatusCode, answer)
	}
	return took, nil
}
