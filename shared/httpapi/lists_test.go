package httpapi_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// TestNotificationsPageWithCursors walks the caller's notifications a page
// at a time through nextCursor; the last page has none.
func TestNotificationsPageWithCursors(t *testing.T) {
	a := newAPI(t)
	seedNotifications(t, a)
	var got []string
	path := "/v1/notifications?limit=2"
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("the pages never end")
		}
		status, body := a.do(admin, "GET", path, "", "")
		if status != 200 {
			t.Fatalf("%s: %d %v", path, status, body)
		}
		got = append(got, ids(t, body)...)
		next, ok := body["nextCursor"].(string)
		if !ok {
			break
		}
		path = "/v1/notifications?limit=2&cursor=" + url.QueryEscape(next)
	}
	if !slices.Equal(got, []string{"n3", "n2", "n1"}) {
		t.Fatalf("pages gave %v", got)
	}
	for name, path := range map[string]string{
		"a cursor that is not one":         "/v1/notifications?cursor=xyz",
		"another user's list's cursor":     "/v1/notifications?cursor=eyJQSyI6IlNUT1JFI3MxI1VTRVIjdTIiLCJTSyI6Ik5PVElGI245In0",
		"a limit out of range with paging": "/v1/notifications?limit=500",
	} {
		if status, body := a.do(admin, "GET", path, "", ""); status != 400 || errCode(body) != domain.CodeInvalid {
			t.Errorf("%s: %d %v, want 400 invalid_request", name, status, body)
		}
	}
}

// TestBrowse: the lists the front end starts its screens from.
func TestBrowse(t *testing.T) {
	c := newCatalog(t)
	list := func(who *caller, path, field string) []map[string]any {
		t.Helper()
		status, body := c.do(who, "GET", path, "", "")
		if status != 200 {
			t.Fatalf("%s: %d %v", path, status, body)
		}
		var out []map[string]any
		for _, v := range body[field].([]any) {
			out = append(out, v.(map[string]any))
		}
		return out
	}
	if got := list(admin, "/v1/clients?q=MARIA", "clients"); len(got) != 1 || got[0]["id"] != c.client {
		t.Errorf("clients named maria: %v", got)
	}
	if got := list(admin, "/v1/clients?q=529.982.247-25", "clients"); len(got) != 1 || got[0]["id"] != c.client {
		t.Errorf("clients by document: %v", got)
	}
	if got := list(admin, "/v1/clients?q=nobody", "clients"); len(got) != 0 {
		t.Errorf("clients named nobody: %v", got)
	}
	got := list(admin, "/v1/projects?clientId="+c.client, "projects")
	if len(got) != 1 || got[0]["id"] != c.project || got[0]["state"] != "open" || got[0]["environments"] != nil {
		t.Errorf("the client's projects: %v", got)
	}
	if got := list(admin, "/v1/projects?state=locked", "projects"); len(got) != 0 {
		t.Errorf("locked projects: %v", got)
	}
	if status, body := c.do(admin, "GET", "/v1/projects?state=closed", "", ""); status != 400 || errCode(body) != domain.CodeInvalid {
		t.Errorf("an unknown state: %d %v", status, body)
	}

	// Users are listed once a request of theirs succeeded.
	c.do(seller, "GET", "/v1/me", "", "")
	users := list(admin, "/v1/users", "users")
	var names []string
	for _, u := range users {
		names = append(names, u["id"].(string)+":"+u["promobLink"].(map[string]any)["status"].(string))
	}
	if !slices.Equal(names, []string{"u1:not_linked", "u2:not_linked"}) {
		t.Errorf("users %v", names)
	}
	list(seller2, "/v1/users", "users") // recorded after it succeeded
	if got := list(seller2, "/v1/users", "users"); len(got) != 1 || got[0]["id"] != seller2.sub {
		t.Errorf("s2's users: %v", got)
	}
}
