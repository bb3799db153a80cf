package promobsim

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// faults are the failures queued for the next Promob API calls by
// POST /_sim/faults.
type faults struct {
	left   int
	status int
	delay  time.Duration
	// rate, once the queued faults are used, is the probability that a
	// call fails with status (until the faults are cleared).
	rate float64
}

// fault is what one call gets: a delay, then a failure when status != 0.
type fault struct {
	status int
	delay  time.Duration
	left   int // faults still queued after this one
}

// takeFault consumes one queued fault, if any.
func (s *Sim) takeFault() (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.left == 0 {
		if s.faults.rate > 0 && rand.Float64() < s.faults.rate {
			return fault{status: s.faults.status}, true
		}
		return fault{}, false
	}
	s.faults.left--
	return fault{status: s.faults.status, delay: s.faults.delay, left: s.faults.left}, true
}

func faultReply(f fault) reply {
	rp := errorReply(f.status, codeFault, "Simulated failure (%d more queued).", f.left)
	if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
		rp.header = http.Header{"Retry-After": {"1"}}
	}
	return rp
}

type faultsJSON struct {
	FailNext int     `json:"failNext"`
	Status   int     `json:"status"`
	DelayMs  int     `json:"delayMs"`
	FailRate float64 `json:"failRate"`
}

func (s *Sim) faultsView() faultsJSON {
	return faultsJSON{FailNext: s.faults.left, Status: s.faults.status, DelayMs: int(s.faults.delay / time.Millisecond), FailRate: s.faults.rate}
}

// setFaults queues failures: {"failNext": N, "status": 503, "delayMs": 0,
// "failRate": 0}. With failRate (0 to 1), after the N queued faults every
// call fails with status at that probability, until the faults are cleared.
// Each of the next N Promob API calls waits delayMs, then fails with status
// (or is served when status is absent and delayMs is not). Without delayMs
// the status defaults to 503.
func (s *Sim) setFaults(w http.ResponseWriter, r *http.Request) reply {
	body, rp := readBody(w, r, maxJSONBody)
	if rp != nil {
		return *rp
	}
	var in faultsJSON
	if rp := decode(body, &in); rp != nil {
		return *rp
	}
	if in.FailNext < 0 || in.DelayMs < 0 || in.FailRate < 0 || in.FailRate > 1 || (in.Status != 0 && (in.Status < 400 || in.Status > 599)) {
		return invalid("failNext and delayMs must not be negative, failRate must be 0 to 1 and status must be 400-599, got %s.", strconv.Quote(string(body)))
	}
	if in.Status == 0 && in.DelayMs == 0 {
		in.Status = http.StatusServiceUnavailable
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{left: in.FailNext, status: in.Status, delay: time.Duration(in.DelayMs) * time.Millisecond, rate: in.FailRate}
	return jsonReply(http.StatusOK, s.faultsView())
}

func (s *Sim) getFaults(http.ResponseWriter, *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return jsonReply(http.StatusOK, s.faultsView())
}

func (s *Sim) clearFaults(http.ResponseWriter, *http.Request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = faults{}
	return noContent()
}
