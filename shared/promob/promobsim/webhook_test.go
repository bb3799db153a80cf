package promobsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// received is one webhook request as the receiver saw it.
type received struct {
	id, timestamp, signature string
	body                     []byte
	verifyErr                error
}

// receiver is the project's side: it verifies each webhook with the
// account's secret and answers like the webhook function would.
type receiver struct {
	mu     sync.Mutex
	got    []received
	secret string
	srv    *httptest.Server
}

func newReceiver(t *testing.T, secret string) *receiver {
	t.Helper()
	rc := &receiver{secret: secret}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got := received{id: r.Header.Get("webhook-id"), timestamp: r.Header.Get("webhook-timestamp"),
			signature: r.Header.Get("webhook-signature"), body: body, verifyErr: wh.Verify(body, r.Header)}
		rc.mu.Lock()
		rc.got = append(rc.got, got)
		rc.mu.Unlock()
		if got.verifyErr != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"error":{"code":"unauthorized","message":"bad signature"}}`))
			return
		}
		var ev eventBody
		_ = json.Unmarshal(body, &ev)
		switch ev.Type {
		case "environment.negotiated":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"redirect":"/ambientes/` + ev.Data.EnvironmentID + `"}`))
		default:
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte("queued"))
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) last(t *testing.T) received {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) == 0 {
		t.Fatal("no webhook received")
	}
	return rc.got[len(rc.got)-1]
}

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestWebhookDelivery(t *testing.T) {
	h := newHarness(t, "")
	rc := newReceiver(t, testSecret)
	f := h.fixture("acc1", map[string]any{"webhookUrl": rc.srv.URL + "/webhooks/promob/acc1", "webhookSecret": testSecret,
		"users": []map[string]string{{"user": "designer@store", "password": "pw"}}})
	h.do("PUT", "/_sim"+f.envPath()+"?parts=15", nil).want(t, http.StatusOK) // revision 2
	events := "/_sim" + f.envPath() + "/events"

	tests := []struct {
		name        string
		body        map[string]any
		rev         int
		withListing bool
		status      float64
		answer      any
	}{
		{"saved", map[string]any{"type": "environment.saved"}, 2, false, 202, "queued"},
		{"prepared", map[string]any{"type": "environment.prepared"}, 2, true, 202, "queued"},
		{"negotiated", map[string]any{"type": "environment.negotiated"}, 2, true, 200, map[string]any{"redirect": "/ambientes/" + f.env}},
		{"older revision", map[string]any{"type": "environment.prepared", "revision": 1}, 1, true, 202, "queued"},
		{"created", map[string]any{"type": "environment.created", "userId": "someone"}, 2, false, 202, "queued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := h.do("POST", events, tt.body).want(t, http.StatusOK).json(t)
			got := rc.last(t)
			if got.verifyErr != nil {
				t.Fatalf("receiver could not verify: %v", got.verifyErr)
			}
			if out["webhookId"] != got.id || !strings.HasPrefix(got.id, "msg_") || out["status"] != tt.status {
				t.Errorf("answer %v, received id %q", out, got.id)
			}
			if a, _ := json.Marshal(out["body"]); string(a) != mustJSON(t, tt.answer) {
				t.Errorf("answer body %s, want %s", a, mustJSON(t, tt.answer))
			}
			var ev eventBody
			if err := json.Unmarshal(got.body, &ev); err != nil {
				t.Fatal(err)
			}
			if _, err := time.Parse(time.RFC3339, ev.Timestamp); err != nil || ev.Type != tt.body["type"] {
				t.Errorf("event = %+v", ev)
			}
			wantUser := "designer@store"
			if u, ok := tt.body["userId"].(string); ok {
				wantUser = u
			}
			d := ev.Data
			if d.ProjectID != f.project || d.EnvironmentID != f.env || d.Revision != tt.rev || d.UserID != wantUser {
				t.Errorf("event data = %+v", d)
			}
			if tt.withListing != (d.Listing != "") {
				t.Fatalf("listing present = %v, want %v", d.Listing != "", tt.withListing)
			}
			if tt.withListing {
				want := h.do("GET", "/v1"+f.envPath()+"/listing?revision="+strconv.Itoa(tt.rev), nil, bearer(f.token)...).body
				if d.Listing != string(want) {
					t.Error("embedded listing differs from the listing of that revision")
				}
			}
		})
	}

	t.Run("errors", func(t *testing.T) {
		h.do("POST", events, map[string]any{"type": "environment.deleted"}).want(t, http.StatusBadRequest)
		h.do("POST", events, map[string]any{"type": "environment.saved", "revision": 7}).want(t, http.StatusNotFound)
		h.do("POST", "/_sim/accounts/acc1/projects/"+f.project+"/environments/nope/events", map[string]any{"type": "environment.saved"}).want(t, http.StatusNotFound)
		h.do("POST", "/_sim/accounts/acc1/deliveries/msg_nope/replay", nil).want(t, http.StatusNotFound)
	})

	t.Run("wrong secret is rejected by the receiver", func(t *testing.T) {
		h.do("PUT", "/_sim/accounts/acc1", map[string]any{"webhookSecret": "whsec_" + "c2VjcmV0LW90aGVyLXRoYW4tdGhlLXJlY2VpdmVycw=="}).want(t, http.StatusOK)
		out := h.do("POST", events, map[string]any{"type": "environment.saved"}).want(t, http.StatusOK).json(t)
		if out["status"] != 401.0 || rc.last(t).verifyErr == nil {
			t.Errorf("answer %v", out)
		}
		h.do("PUT", "/_sim/accounts/acc1", map[string]any{"webhookSecret": testSecret}).want(t, http.StatusOK)
	})

	t.Run("unreachable webhook", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close()
		h.do("PUT", "/_sim/accounts/acc1", map[string]any{"webhookUrl": dead.URL}).want(t, http.StatusOK)
		a := h.do("POST", events, map[string]any{"type": "environment.saved"}).want(t, http.StatusBadGateway)
		if a.errorCode(t) != codeDeliveryFailed || !strings.HasPrefix(a.json(t)["webhookId"].(string), "msg_") {
			t.Errorf("answer %s", a.body)
		}
		h.do("PUT", "/_sim/accounts/acc1", map[string]any{"webhookUrl": ""}).want(t, http.StatusOK)
		h.do("POST", events, map[string]any{"type": "environment.saved"}).want(t, http.StatusConflict)
	})
}

func TestReplay(t *testing.T) {
	h := newHarness(t, "")
	rc := newReceiver(t, testSecret)
	f := h.fixture("acc1", map[string]any{"webhookUrl": rc.srv.URL, "webhookSecret": testSecret})
	out := h.do("POST", "/_sim"+f.envPath()+"/events", map[string]any{"type": "environment.prepared"}).want(t, http.StatusOK).json(t)
	first := rc.last(t)
	replay := "/_sim/accounts/acc1/deliveries/" + out["webhookId"].(string) + "/replay"

	h.clock.Advance(30 * time.Second)
	h.do("POST", replay, nil).want(t, http.StatusOK)
	verbatim := rc.last(t)
	if verbatim.id != first.id || verbatim.timestamp != first.timestamp || verbatim.signature != first.signature || string(verbatim.body) != string(first.body) {
		t.Errorf("verbatim replay differs:\nfirst  %+v\nreplay %+v", first, verbatim)
	}

	h.do("POST", replay, map[string]bool{"resign": true}).want(t, http.StatusOK)
	resigned := rc.last(t)
	if resigned.id != first.id || string(resigned.body) != string(first.body) || resigned.timestamp == first.timestamp ||
		resigned.signature == first.signature || resigned.verifyErr != nil {
		t.Errorf("resigned replay: %+v (verify %v)", resigned, resigned.verifyErr)
	}

	view := h.do("GET", "/_sim/accounts/acc1", nil).json(t)
	deliveries := view["deliveries"].([]any)
	if len(deliveries) != 1 || len(deliveries[0].(map[string]any)["attempts"].([]any)) != 3 {
		t.Errorf("deliveries = %v", deliveries)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
