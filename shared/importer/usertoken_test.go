package importer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/importer"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promob/promobsim"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// simCall sends a control call to the Promob simulator and fails the test
// unless it succeeds.
func simCall(t *testing.T, method, url string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d", method, url, resp.StatusCode)
	}
	return resp
}

// TestUpdateWithTheUsersToken runs update requests through the importer
// against the Promob simulator: one asked for by a linked user fetches the
// listing with that user's token; once Promob refuses it (the password
// changed), the link expires, the user is notified once, and the listing is
// fetched with the store's integration token; a request without a user, or
// by a user never linked, uses the integration token.
func TestUpdateWithTheUsersToken(t *testing.T) {
	sim, err := promobsim.New(promobsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	account, _ := json.Marshal(map[string]any{"integrationToken": "pmi-token", "users": []map[string]string{{"user": "ana", "password": "first"}}})
	simCall(t, "PUT", srv.URL+"/_sim/accounts/acc-1", account)
	envURL := srv.URL + "/_sim/accounts/acc-1/projects/79a9ee88/environments/" + promobEnv

	f := newFixture(t)
	ctx := context.Background()
	client, err := promob.New(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	client.Backoff = time.Millisecond
	box, err := tokenbox.New(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	f.im = importer.New(f.store, client, box, f.notes, time.Now)

	tok, err := client.VerifyUser(ctx, "acc-1", "pmi-token", "ana", "first")
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal(tok.Token, domain.LinkContext("s1", "u1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u1", PromobUser: "ana", Status: domain.LinkLinked, SealedToken: sealed, LinkedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}

	seen := 0 // listing calls of earlier steps
	steps := []struct {
		name        string
		user        string
		password    string   // set in Promob before the step; "" keeps it
		wantCallers []string // who fetched the listing ("" = refused)
		wantLink    string
		wantNotes   int
	}{
		{"a linked user's request", "u1", "", []string{"user:ana"}, domain.LinkLinked, 0},
		{"the password changed", "u1", "second", []string{"", "integration"}, domain.LinkExpired, 1},
		{"the link is expired", "u1", "", []string{"integration"}, domain.LinkExpired, 1},
		{"no user", "", "", []string{"integration"}, domain.LinkExpired, 1},
		{"a user never linked", "u2", "", []string{"integration"}, domain.LinkExpired, 1},
	}
	for i, st := range steps {
		if st.password != "" {
			body, _ := json.Marshal(map[string]string{"password": st.password})
			simCall(t, "POST", srv.URL+"/_sim/accounts/acc-1/users/ana/password", body)
		}
		simCall(t, "PUT", envURL, listingXML(5+i, int64(i+1)))
		msg := message.Import{Kind: message.KindUpdate, StoreID: "s1", AccountID: "acc-1", ProjectID: "79a9ee88", EnvironmentID: f.env.ID, UserID: st.user}
		if failed := f.run(msg, 1); len(failed) != 0 {
			t.Fatalf("%s: the update failed", st.name)
		}
		env, err := f.store.Environment(ctx, "s1", f.env.ID)
		if err != nil || env.LatestVersion != i+1 || env.ImportStatus != domain.ImportImported {
			t.Fatalf("%s: environment %+v %v, want version %d imported", st.name, env, err, i+1)
		}
		var acc struct {
			Calls []struct{ Path, Caller string }
		}
		if err := json.NewDecoder(simCall(t, "GET", srv.URL+"/_sim/accounts/acc-1", nil).Body).Decode(&acc); err != nil {
			t.Fatal(err)
		}
		var callers []string
		for _, c := range acc.Calls {
			if strings.HasSuffix(c.Path, "/listing") {
				callers = append(callers, c.Caller)
			}
		}
		if got := callers[seen:]; strings.Join(got, ",") != strings.Join(st.wantCallers, ",") {
			t.Fatalf("%s: listing fetched by %q, want %q", st.name, got, st.wantCallers)
		}
		seen = len(callers)
		l, err := f.store.PromobLink(ctx, "s1", "u1")
		if err != nil || l.Status != st.wantLink {
			t.Fatalf("%s: link %+v %v, want %s", st.name, l, err, st.wantLink)
		}
		notes, err := f.store.Notifications(ctx, "s1", "u1", true, 10)
		if err != nil || len(notes) != st.wantNotes {
			t.Fatalf("%s: notifications %+v %v, want %d", st.name, notes, err, st.wantNotes)
		}
		if len(notes) == 1 && (notes[0].Action == nil || notes[0].Action.Type != "link_promob") {
			t.Fatalf("%s: notification %+v, want one asking to link Promob", st.name, notes[0])
		}
	}
}
