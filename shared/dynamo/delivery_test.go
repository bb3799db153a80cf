package dynamo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestDeliveryCreateOnce(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	// A large body that compresses badly spans several chunks.
	noise := make([]byte, 900*1024)
	_, _ = rand.Read(noise)
	large := []byte(base64.StdEncoding.EncodeToString(noise))
	bodies := map[string][]byte{
		"small body": []byte(`{"type":"environment.saved"}`),
		"large body": large,
	}
	for name, open := range backends(t) {
		for bodyName, body := range bodies {
			t.Run(name+"/"+bodyName, func(t *testing.T) {
				s := open(t)
				d := domain.Delivery{AccountID: "acc", WebhookID: "msg_1", StoreID: "s1", Type: domain.EventSaved,
					ProjectID: "p", EnvironmentID: "e", Revision: 2, ReceivedAt: now, Status: 202, Body: []byte(`{"a":1}`)}
				first, created, err := s.CreateDelivery(ctx, d, body)
				if err != nil || !created || first.Queued {
					t.Fatalf("first create: %+v created=%v err=%v", first, created, err)
				}
				d.Status, d.Body = 500, []byte(`{"other":true}`)
				again, created, err := s.CreateDelivery(ctx, d, body)
				if err != nil || created {
					t.Fatalf("second create: created=%v err=%v", created, err)
				}
				if again.Status != 202 || string(again.Body) != `{"a":1}` {
					t.Fatalf("repeat answered %d %s, want the first answer", again.Status, again.Body)
				}
				got, err := s.DeliveryBody(ctx, "acc", "msg_1")
				if err != nil || !bytes.Equal(got, body) {
					t.Fatalf("DeliveryBody: %d bytes, err=%v; want %d bytes", len(got), err, len(body))
				}
				if err := s.MarkDeliveryQueued(ctx, "acc", "msg_1"); err != nil {
					t.Fatal(err)
				}
				if again, _, _ := s.CreateDelivery(ctx, d, body); !again.Queued {
					t.Fatal("delivery not marked queued")
				}
				if err := s.MarkDeliveryQueued(ctx, "acc", "missing"); !domain.IsNotFound(err) {
					t.Fatalf("marking a missing delivery: %v", err)
				}
				if _, err := s.DeliveryBody(ctx, "other-acc", "msg_1"); !domain.IsNotFound(err) {
					t.Fatalf("another account's delivery: %v", err)
				}
			})
		}
	}
}
