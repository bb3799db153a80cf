package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// FuzzReceive sends arbitrary bodies, correctly signed, and arbitrary
// signature headers to the webhook handler: it must never panic, always
// answer the JSON error shape or 202, and store a delivery only when it
// accepts it.
func FuzzReceive(f *testing.F) {
	f.Add(event(domain.EventSaved, 2, ""), "", false)
	f.Add(event(domain.EventPrepared, 3, "<LISTING/>"), "", false)
	f.Add([]byte(`{"type":"environment.saved","data":{"projectId":"p","environmentId":"e","revision":1}}`), "v1,AAAA", true)
	f.Add([]byte(`{"type":`), "", false)
	f.Add([]byte("\xff\xfe"), "v2,x v1,", true)
	f.Add([]byte(`[]`), "", false)
	f.Add([]byte(`{"type":"environment.negotiated","data":{"projectId":"p","environmentId":"e","revision":1e30,"listing":"x"}}`), "", false)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, body []byte, signature string, replaceSignature bool) {
		r := signed(t, "acc-1", "msg_fuzz", secret, time.Now(), body)
		if replaceSignature {
			r.Header.Set("webhook-signature", signature)
		}
		before := len(fx.queue.sent)
		status, answer := serve(fx.h, r)
		switch status {
		case http.StatusAccepted:
			if _, err := fx.store.DeliveryBody(context.Background(), "acc-1", "msg_fuzz"); err != nil {
				t.Fatalf("accepted but not stored: %v", err)
			}
		case http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			if code := errorCode(answer); code == "" {
				b, _ := json.Marshal(answer)
				t.Fatalf("%d without an error code: %s", status, b)
			}
			if len(fx.queue.sent) != before {
				t.Fatal("a refused delivery was queued")
			}
		default:
			t.Fatalf("unexpected status %d: %v", status, answer)
		}
	})
}
