package localstack

import (
	"sync"
	"time"

	"github.com/foccolojas/promob-integration/infra/samtemplate"
)

// bucket is API Gateway's throttling of one route: a token bucket holding
// at most burst requests, refilled at rate per second. A nil bucket lets
// every request through.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// newBucket returns the bucket of th, full; nil when th does not throttle.
func newBucket(th samtemplate.Throttle, now time.Time) *bucket {
	if th.BurstLimit <= 0 && th.RateLimit <= 0 {
		return nil
	}
	return &bucket{rate: th.RateLimit, burst: float64(th.BurstLimit), tokens: float64(th.BurstLimit), last: now}
}

// take reports whether a request may pass at now, taking its token.
func (b *bucket) take(now time.Time) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
