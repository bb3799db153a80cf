package httpapi_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// seedNotifications stores, for admin (u1 of s1), n1 to n3 created a minute
// apart with n2 already read, and n9 for seller (u2 of s1).
func seedNotifications(t *testing.T, a *api) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)
	put := func(id, user string, minutes int) {
		n := domain.Notification{ID: id, StoreID: "s1", UserID: user, Kind: "environment.outdated", Title: "Ambiente " + id,
			Message: "Nova versão.", CreatedAt: at.Add(time.Duration(minutes) * time.Minute),
			Action: &domain.Action{Type: "update_environment", ProjectID: "p1", EnvironmentID: "e1"}}
		if err := a.store.PutNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	put("n1", "u1", 0)
	put("n2", "u1", 1)
	put("n3", "u1", 2)
	put("n9", "u2", 3)
	if _, err := a.store.MarkNotificationRead(ctx, "s1", "u1", "n2"); err != nil {
		t.Fatal(err)
	}
}

// ids returns the ids of a GET /v1/notifications answer.
func ids(t *testing.T, body map[string]any) []string {
	t.Helper()
	list, ok := body["notifications"].([]any)
	if !ok {
		t.Fatalf("no notifications array in %v", body)
	}
	out := []string{}
	for _, n := range list {
		out = append(out, n.(map[string]any)["id"].(string))
	}
	return out
}

func TestListNotifications(t *testing.T) {
	tests := []struct {
		name, path string
		who        *caller
		want       []string
	}{
		{"all, newest first", "/v1/notifications", admin, []string{"n3", "n2", "n1"}},
		{"unread only", "/v1/notifications?unread=true", admin, []string{"n3", "n1"}},
		{"unread=false is all", "/v1/notifications?unread=false", admin, []string{"n3", "n2", "n1"}},
		{"limit", "/v1/notifications?limit=2", admin, []string{"n3", "n2"}},
		{"unread with limit", "/v1/notifications?unread=true&limit=1", admin, []string{"n3"}},
		{"only the caller's", "/v1/notifications", seller, []string{"n9"}},
		{"another store sees none", "/v1/notifications", &caller{"u1", "s2", "[admin]"}, []string{}},
	}
	a := newAPI(t)
	seedNotifications(t, a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := a.do(tt.who, "GET", tt.path, "", "")
			if status != 200 {
				t.Fatalf("%d %v", status, body)
			}
			if got := ids(t, body); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListNotificationsRefusals(t *testing.T) {
	tests := []struct {
		name, path string
		who        *caller
		status     int
		code       string
	}{
		{"limit zero", "/v1/notifications?limit=0", admin, 400, domain.CodeInvalid},
		{"limit over 200", "/v1/notifications?limit=201", admin, 400, domain.CodeInvalid},
		{"limit not a number", "/v1/notifications?limit=ten", admin, 400, domain.CodeInvalid},
		{"unread not a boolean", "/v1/notifications?unread=maybe", admin, 400, domain.CodeInvalid},
		{"no identity", "/v1/notifications", nil, 401, domain.CodeUnauthorized},
	}
	a := newAPI(t)
	seedNotifications(t, a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := a.do(tt.who, "GET", tt.path, "", "")
			if status != tt.status || errCode(body) != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
		})
	}
}

func TestReadNotification(t *testing.T) {
	a := newAPI(t)
	seedNotifications(t, a)
	status, body := a.do(admin, "POST", "/v1/notifications/n1/read", "", "")
	if status != 200 || body["id"] != "n1" || body["read"] != true || body["title"] != "Ambiente n1" {
		t.Fatalf("read n1: %d %v", status, body)
	}
	if _, body := a.do(admin, "GET", "/v1/notifications?unread=true", "", ""); !slices.Equal(ids(t, body), []string{"n3"}) {
		t.Fatalf("unread after reading n1: %v", ids(t, body))
	}
	if status, body := a.do(admin, "POST", "/v1/notifications/n1/read", "", ""); status != 200 || body["read"] != true {
		t.Fatalf("reading n1 again: %d %v", status, body)
	}

	refusals := []struct {
		name, id string
		who      *caller
	}{
		{"another user's notification", "n9", admin},
		{"the same user id in another store", "n1", &caller{"u1", "s2", "[admin]"}},
		{"unknown id", "n404", admin},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, body := a.do(tt.who, "POST", "/v1/notifications/"+tt.id+"/read", "", "")
			if status != 404 || errCode(body) != domain.CodeNotFound {
				t.Fatalf("got %d %v, want 404 %s", status, body, domain.CodeNotFound)
			}
		})
	}
	list, err := a.store.Notifications(context.Background(), "s1", "u2", true, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("seller's unread after the refusals: %v (err=%v), want n9 unread", list, err)
	}
}
