package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/promobevent"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/webhook"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// fakeQueue records what is sent; fail makes Send fail.
type fakeQueue struct {
	sent []message.Import
	keys []string
	fail bool
}

func (q *fakeQueue) Send(_ context.Context, msg any, group, dedupID string) error {
	if q.fail {
		return errors.New("queue unavailable")
	}
	q.sent = append(q.sent, msg.(message.Import))
	q.keys = append(q.keys, group+"|"+dedupID)
	return nil
}

const (
	secret      = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	otherSecret = "whsec_c2VjcmV0LW9mLWFub3RoZXItYWNjb3VudA=="
)

type fixture struct {
	store *dynamo.Store
	queue *fakeQueue
	h     http.Handler
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	store := dynamotest.Minidyn(t)
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1", SerialNumbers: []string{"SN"}}
	if _, _, err := store.SaveIntegration(context.Background(), in, secret, time.Now()); err != nil {
		t.Fatal(err)
	}
	q := &fakeQueue{}
	return &fixture{store: store, queue: q, h: webhook.New(store, q, time.Now)}
}

func event(typ string, revision int, listing string) []byte {
	b, _ := json.Marshal(promobevent.Event{Type: typ, Timestamp: "2026-11-28T14:03:00Z", Data: promobevent.Data{
		ProjectID: "79a9ee88-ce1c-4528-8992-bc5d3ef387b0", EnvironmentID: "133e1aba-0000-4000-8000-000000000001", Revision: revision, Listing: listing,
	}})
	return b
}

// signed returns a delivery request signed with the secret at time ts.
func signed(t *testing.T, account, id, sec string, ts time.Time, body []byte) *http.Request {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(sec)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(id, ts, body)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/webhooks/promob/"+account, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("webhook-id", id)
	r.Header.Set("webhook-timestamp", fmt.Sprint(ts.Unix()))
	r.Header.Set("webhook-signature", sig)
	return r
}

func serve(h http.Handler, r *http.Request) (int, map[string]any) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	return w.Code, body
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestSignatureSchemeMatchesPublishedExample(t *testing.T) {
	// The example of the Standard Webhooks specification.
	wh, err := standardwebhooks.NewWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; sig != want {
		t.Fatalf("signature = %s, want %s", sig, want)
	}
}

func TestRefusedDeliveriesWriteNothing(t *testing.T) {
	now := time.Now()
	valid := event(domain.EventSaved, 2, "")
	tests := []struct {
		name   string
		req    func(t *testing.T) *http.Request
		status int
		code   string
	}{
		{"unknown account", func(t *testing.T) *http.Request { return signed(t, "acc-404", "msg_a", secret, now, valid) }, 404, domain.CodeNotFound},
		{"signed with another account's secret", func(t *testing.T) *http.Request { return signed(t, "acc-1", "msg_a", otherSecret, now, valid) }, 401, domain.CodeBadSignature},
		{"missing signature", func(t *testing.T) *http.Request {
			r := signed(t, "acc-1", "msg_a", secret, now, valid)
			r.Header.Del("webhook-signature")
			return r
		}, 401, domain.CodeBadSignature},
		{"replayed after the tolerance", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now.Add(-6*time.Minute), valid)
		}, 401, domain.CodeBadSignature},
		{"timestamp in the future", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now.Add(6*time.Minute), valid)
		}, 401, domain.CodeBadSignature},
		{"body changed after signing", func(t *testing.T) *http.Request {
			r := signed(t, "acc-1", "msg_a", secret, now, valid)
			r.Body = httptestBody(event(domain.EventSaved, 3, ""))
			return r
		}, 401, domain.CodeBadSignature},
		{"published example, stale", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_p5jXN8AQM9LWM0D4loKWxJek", secret, time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
		}, 401, domain.CodeBadSignature},
		{"body over 6 MB", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"type":"environment.saved","pad":"`+strings.Repeat("x", webhook.MaxBody)+`"}`))
		}, 413, domain.CodeTooLarge},
		{"wrong content type", func(t *testing.T) *http.Request {
			r := signed(t, "acc-1", "msg_a", secret, now, valid)
			r.Header.Set("Content-Type", "text/xml")
			return r
		}, 415, domain.CodeUnsupportedMedia},
		{"malformed JSON", func(t *testing.T) *http.Request { return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"type":`)) }, 400, domain.CodeMalformedJSON},
		{"two JSON values", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, append(valid, valid...))
		}, 400, domain.CodeMalformedJSON},
		{"invalid UTF-8", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte("{\"type\":\"environment.saved\",\"x\":\"\xff\"}"))
		}, 400, domain.CodeMalformedJSON},
		{"a key given twice in another case", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"type":"environment.saved","Type":"environment.negotiated","data":{"projectId":"p","environmentId":"e","revision":2}}`))
		}, 400, domain.CodeMalformedJSON},
		{"a key given twice", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"type":"environment.saved","data":{"projectId":"p","environmentId":"e","environmentId":"f","revision":2}}`))
		}, 400, domain.CodeMalformedJSON},
		{"a key in another case only", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"TYPE":"environment.saved","data":{"projectId":"p","environmentId":"e","revision":2}}`))
		}, 400, domain.CodeInvalid},
		{"account id over the bound", func(t *testing.T) *http.Request {
			return signed(t, strings.Repeat("a", 2100), "msg_a", secret, now, valid)
		}, 404, domain.CodeNotFound},
		{"account id with a key separator", func(t *testing.T) *http.Request {
			return signed(t, "acc-1%23ENV", "msg_a", secret, now, valid)
		}, 404, domain.CodeNotFound},
		{"environment id over the bound", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"type":"environment.saved","data":{"projectId":"p","environmentId":"`+strings.Repeat("e", 2100)+`","revision":2}}`))
		}, 400, domain.CodeInvalid},
		{"unknown type", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, event("environment.deleted", 2, ""))
		}, 400, domain.CodeUnknownEvent},
		{"missing environment id", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, []byte(`{"type":"environment.saved","data":{"projectId":"p","revision":2}}`))
		}, 400, domain.CodeInvalid},
		{"revision zero", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, event(domain.EventSaved, 0, ""))
		}, 400, domain.CodeInvalid},
		{"prepared without listing", func(t *testing.T) *http.Request {
			return signed(t, "acc-1", "msg_a", secret, now, event(domain.EventPrepared, 2, ""))
		}, 400, domain.CodeInvalid},
		{"webhook id with a key separator", func(t *testing.T) *http.Request { return signed(t, "acc-1", "msg#a", secret, now, valid) }, 400, domain.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			status, body := serve(f.h, tt.req(t))
			if status != tt.status || errorCode(body) != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			if msg, _ := body["error"].(map[string]any)["message"].(string); msg == "" {
				t.Fatal("error without a message")
			}
			if len(f.queue.sent) != 0 {
				t.Fatalf("refused delivery queued %d messages", len(f.queue.sent))
			}
			for _, id := range []string{"msg_a", "msg_p5jXN8AQM9LWM0D4loKWxJek"} {
				if _, err := f.store.DeliveryBody(context.Background(), "acc-1", id); !domain.IsNotFound(err) {
					t.Fatalf("refused delivery %s was stored (err=%v)", id, err)
				}
			}
		})
	}
}

func httptestBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func TestDeliveryStoredAndQueuedOnce(t *testing.T) {
	f := newFixture(t)
	body := event(domain.EventPrepared, 3, "<LISTING/>")
	status, answer := serve(f.h, signed(t, "acc-1", "msg_1", secret, time.Now(), body))
	if status != http.StatusAccepted || answer["deliveryId"] != "msg_1" || answer["status"] != "accepted" {
		t.Fatalf("first delivery: %d %v", status, answer)
	}
	stored, err := f.store.DeliveryBody(context.Background(), "acc-1", "msg_1")
	if err != nil || !bytes.Equal(stored, body) {
		t.Fatalf("stored body differs (err=%v)", err)
	}
	if len(f.queue.sent) != 1 {
		t.Fatalf("queued %d messages, want 1", len(f.queue.sent))
	}
	m := f.queue.sent[0]
	if m.Kind != message.KindWebhook || m.StoreID != "s1" || m.DeliveryID != "msg_1" || m.Revision != 3 || m.Type != domain.EventPrepared {
		t.Fatalf("message = %+v", m)
	}
	if want := "acc-1:133e1aba-0000-4000-8000-000000000001|acc-1:msg_1"; f.queue.keys[0] != want {
		t.Fatalf("group|dedup = %s, want %s", f.queue.keys[0], want)
	}

	// A repeat, even re-signed later, is answered the same and queues nothing.
	status2, answer2 := serve(f.h, signed(t, "acc-1", "msg_1", secret, time.Now(), body))
	if status2 != status || fmt.Sprint(answer2) != fmt.Sprint(answer) {
		t.Fatalf("repeat answered %d %v", status2, answer2)
	}
	if len(f.queue.sent) != 1 {
		t.Fatalf("repeat queued again: %d messages", len(f.queue.sent))
	}
}

func TestDeliveryStoredButNotQueuedIsQueuedByTheRetry(t *testing.T) {
	f := newFixture(t)
	body := event(domain.EventSaved, 2, "")
	f.queue.fail = true
	if status, answer := serve(f.h, signed(t, "acc-1", "msg_2", secret, time.Now(), body)); status != 500 || errorCode(answer) != domain.CodeInternal {
		t.Fatalf("with the queue down: %d %v", status, answer)
	}
	f.queue.fail = false
	if status, _ := serve(f.h, signed(t, "acc-1", "msg_2", secret, time.Now(), body)); status != 202 {
		t.Fatalf("retry: %d", status)
	}
	if status, _ := serve(f.h, signed(t, "acc-1", "msg_2", secret, time.Now(), body)); status != 202 {
		t.Fatalf("second retry: %d", status)
	}
	if len(f.queue.sent) != 1 {
		t.Fatalf("queued %d messages, want exactly 1", len(f.queue.sent))
	}
}

func TestRotatedSecretStillVerifiesDuringGrace(t *testing.T) {
	f := newFixture(t)
	if _, err := f.store.RotateSecret(context.Background(), "s1", otherSecret, time.Now()); err != nil {
		t.Fatal(err)
	}
	for i, sec := range []string{otherSecret, secret} {
		r := signed(t, "acc-1", fmt.Sprintf("msg_r%d", i), sec, time.Now(), event(domain.EventSaved, 2+i, ""))
		if status, body := serve(f.h, r); status != 202 {
			t.Fatalf("secret %d: %d %v", i, status, body)
		}
	}
}

// TestSignedDeliveryThroughTheLambdaAdapter sends deliveries the way Lambda
// hands them to the function: an HTTP API v2 event, whose headers the proxy
// adapter splits at commas.
func TestSignedDeliveryThroughTheLambdaAdapter(t *testing.T) {
	body := event(domain.EventSaved, 2, "")
	now := time.Now()
	sign := func(id, sec string) string {
		wh, err := standardwebhooks.NewWebhook(sec)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := wh.Sign(id, now, body)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	tests := []struct {
		name, id, signature string
		status              int
	}{
		{"one signature", "msg_one", sign("msg_one", secret), http.StatusAccepted},
		{"the valid one of two signatures", "msg_two", sign("msg_two", otherSecret) + " " + sign("msg_two", secret), http.StatusAccepted},
		{"only a wrong signature", "msg_bad", sign("msg_bad", otherSecret), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			path := "/webhooks/promob/acc-1"
			ev := events.APIGatewayV2HTTPRequest{
				Version: "2.0", RouteKey: "POST /webhooks/promob/{accountId}", RawPath: path, Body: string(body),
				Headers: map[string]string{
					"content-type": "application/json", "webhook-id": tt.id,
					"webhook-timestamp": fmt.Sprint(now.Unix()), "webhook-signature": tt.signature,
				},
				PathParameters: map[string]string{"accountId": "acc-1"},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					RequestID: "req-1", Stage: "$default",
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodPost, Path: path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
				},
			}
			resp, err := httpadapter.NewV2(f.h).ProxyWithContext(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("answer %d %s, want %d", resp.StatusCode, resp.Body, tt.status)
			}
			if queued := len(f.queue.sent); (tt.status == http.StatusAccepted) != (queued == 1) {
				t.Fatalf("queued %d messages for a %d answer", queued, resp.StatusCode)
			}
		})
	}
}
