package notify_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/notify"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

var created = time.Date(2026, 11, 28, 14, 3, 1, 0, time.UTC)

// notificationBody returns the body of a notification message for user u1 of store s1.
func notificationBody(t *testing.T, id, title string) string {
	t.Helper()
	b, err := json.Marshal(message.Notify(domain.Notice{
		StoreID: "s1", UserID: "u1",
		Notification: domain.Notification{ID: id, Kind: "environment.updated", Title: title, Message: "Nova versão 2.", CreatedAt: created},
	}))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func batch(bodies ...string) events.SQSEvent {
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: string(rune('a' + i)), Body: b})
	}
	return ev
}

func failedIDs(resp events.SQSEventResponse) []string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func TestHandleReportsOnlyTheBadMessages(t *testing.T) {
	tests := []struct {
		name   string
		bodies func(t *testing.T) []string
		failed []string
		stored []string
	}{
		{
			name: "valid, malformed and unknown kind",
			bodies: func(t *testing.T) []string {
				return []string{notificationBody(t, "n1", "Ambiente atualizado"), `{"kind":"notification","notification":`, `{"kind":"email","storeId":"s1"}`}
			},
			failed: []string{"b", "c"},
			stored: []string{"n1"},
		},
		{
			name: "a notification without a title",
			bodies: func(t *testing.T) []string {
				return []string{notificationBody(t, "n1", ""), notificationBody(t, "n2", "Ambiente atualizado")}
			},
			failed: []string{"a"},
			stored: []string{"n2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := dynamotest.Minidyn(t)
			resp, err := notify.New(store).Handle(context.Background(), batch(tt.bodies(t)...))
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if got := failedIDs(resp); !slices.Equal(got, tt.failed) {
				t.Errorf("BatchItemFailures = %v, want %v", got, tt.failed)
			}
			list, err := store.Notifications(context.Background(), "s1", "u1", false, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, n := range list {
				ids = append(ids, n.ID)
			}
			if !slices.Equal(ids, tt.stored) {
				t.Errorf("stored %v, want %v", ids, tt.stored)
			}
		})
	}
}

func TestRepeatedNotificationIsStoredOnce(t *testing.T) {
	ctx := context.Background()
	store := dynamotest.Minidyn(t)
	n := notify.New(store)
	body := notificationBody(t, "n1", "Ambiente atualizado")
	if resp, err := n.Handle(ctx, batch(body)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("first: %v %v", resp, err)
	}
	if _, err := store.MarkNotificationRead(ctx, "s1", "u1", "n1"); err != nil {
		t.Fatal(err)
	}
	if resp, err := n.Handle(ctx, batch(body)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("repeat: %v %v", resp, err)
	}
	list, err := store.Notifications(ctx, "s1", "u1", false, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !list[0].Read {
		t.Fatalf("after the repeat: %+v, want n1 once, still read", list)
	}
}

func TestSampleEventIsStored(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "notifier-notification.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	store := dynamotest.Minidyn(t)
	resp, err := notify.New(store).Handle(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("Handle = %v, %v; want no failures", resp, err)
	}
	var msg message.Notification
	if err := json.Unmarshal([]byte(ev.Records[0].Body), &msg); err != nil {
		t.Fatal(err)
	}
	list, err := store.Notifications(context.Background(), msg.StoreID, msg.UserID, true, 10)
	if err != nil || len(list) != 1 || list[0].ID != msg.Notification.ID {
		t.Fatalf("stored %+v (err=%v), want %s", list, err, msg.Notification.ID)
	}
}
