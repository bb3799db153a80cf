package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/webhook"
)

// fixedEnv is the store with the Promob environment of event() linked to
// env, in whatever state the test gives it.
type fixedEnv struct {
	*dynamo.Store
	env domain.Environment
}

func (s fixedEnv) EnvironmentByPromobID(context.Context, string, string) (domain.Environment, error) {
	return s.env, nil
}

func linked(converted int, locked bool) domain.Environment {
	return domain.Environment{ID: "e1", StoreID: "s1", ProjectID: "p1", Name: "Cozinha", PromobAccountID: "acc-1",
		PromobEnvironmentID: "133e1aba-0000-4000-8000-000000000001", LatestVersion: 3, ConvertedVersion: converted, Locked: locked}
}

func TestNegotiateRedirect(t *testing.T) {
	tests := []struct {
		name string
		env  domain.Environment
		want string
	}{
		{"not converted: the environment's screen", linked(0, false), "/projects/p1/environments/e1"},
		{"converted: the review screen", linked(2, false), "/environments/e1/review"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			h := webhook.New(fixedEnv{f.store, tt.env}, f.queue, time.Now)
			status, body := serve(h, signed(t, "acc-1", "msg_n", secret, time.Now(), event(domain.EventNegotiated, 4, "<LISTING/>")))
			if status != 202 || body["redirect"] != tt.want {
				t.Fatalf("got %d %v, want redirect %s", status, body, tt.want)
			}
		})
	}
}

func TestLockedEnvironmentRefusesPromobChanges(t *testing.T) {
	for _, typ := range []string{domain.EventSaved, domain.EventPrepared, domain.EventNegotiated} {
		t.Run(typ, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			h := webhook.New(fixedEnv{f.store, linked(2, true)}, f.queue, time.Now)
			for _, id := range []string{"msg_1", "msg_1", "msg_2"} {
				status, body := serve(h, signed(t, "acc-1", id, secret, time.Now(), event(typ, 5, "<LISTING/>")))
				if status != 409 || errorCode(body) != domain.CodeLocked {
					t.Fatalf("%s: got %d %v, want 409 %s", id, status, body, domain.CodeLocked)
				}
			}
			if len(f.queue.sent) != 0 {
				t.Fatalf("queued %v", f.queue.sent)
			}
			if _, err := f.store.DeliveryBody(ctx, "acc-1", "msg_1"); !domain.IsNotFound(err) {
				t.Fatalf("the refused delivery was stored: %v", err)
			}
			hist, err := f.store.History(ctx, "s1", "p1")
			if err != nil || len(hist) != 2 {
				t.Fatalf("history = %+v, %v; want one entry per webhook id", hist, err)
			}
			for _, e := range hist {
				if e.Kind != domain.HistoryRefusedChange || e.EnvironmentID != "e1" || e.Version != 3 || e.By != domain.ByPromob {
					t.Fatalf("entry = %+v", e)
				}
			}
		})
	}
}

func TestUnlockedConvertedEnvironmentAcceptsSaves(t *testing.T) {
	f := newFixture(t)
	h := webhook.New(fixedEnv{f.store, linked(2, false)}, f.queue, time.Now)
	if status, body := serve(h, signed(t, "acc-1", "msg_s", secret, time.Now(), event(domain.EventSaved, 5, ""))); status != 202 || len(f.queue.sent) != 1 {
		t.Fatalf("got %d %v, queued %d", status, body, len(f.queue.sent))
	}
}
