package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
)

// paConfigure sets up the Promob account in the simulator (integration
// token, user "ana" with password "first") and the store's integration
// with that token.
func (s *stack) paConfigure(store, account string) {
	s.T.Helper()
	sim := promobIdentity("pmi-" + account)
	sim["users"] = []map[string]string{{"user": "ana", "password": "first"}}
	s.Configure(s.Token("u1", store, "admin"), sim, integrationBody("11.222.333/0001-81", account, "pmi-"+account, "SN-1"))
}

// paSim is what the simulator holds for the account.
type paSim struct {
	Calls     []struct{ Fault bool }
	Customers []struct{ ExternalID string }
	Projects  []struct {
		ExternalID   string
		Environments []struct{ ExternalID, Name string }
	}
}

func (s *stack) paSimAccount(account string) paSim {
	s.T.Helper()
	var out paSim
	if err := json.Unmarshal(s.Control(http.MethodGet, "/_sim/accounts/"+account, nil, http.StatusOK).Body, &out); err != nil {
		s.T.Fatal(err)
	}
	return out
}

// paPost sends a JSON body and returns the status and decoded object.
func (s *stack) paPost(path, token, body string) (int, map[string]any) {
	s.T.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	a := s.Gateway(http.MethodPost, path, token, b, nil)
	return a.Status, a.Object(s.T)
}

func (s *stack) paGet(path, token string) map[string]any {
	s.T.Helper()
	a := s.Gateway(http.MethodGet, path, token, nil, nil)
	if a.Status != http.StatusOK {
		s.T.Fatalf("GET %s: %d %s", path, a.Status, a.Body)
	}
	return a.Object(s.T)
}

// TestPromobActions walks issue 5's "Done when": linking (wrong and right
// password), a changed Promob password expiring the link at the next call
// that uses the token, a client created once in Promob, and twenty
// environments requested at once while Promob fails 30% of the calls.
func TestPromobActions(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	s.paConfigure(store, account)
	seller := s.Token("u2", store, "seller")

	if status, body := s.paPost("/v1/me/promob-link", seller, `{"promobUser":"ana","promobPassword":"wrong"}`); status != 422 || body["error"].(map[string]any)["code"] != "promob_credentials_invalid" {
		t.Fatalf("wrong password: %d %v", status, body)
	}
	if me := s.paGet("/v1/me", seller); me["promobLink"].(map[string]any)["status"] != "not_linked" {
		t.Fatalf("after a wrong password: %v", me)
	}
	if status, body := s.paPost("/v1/me/promob-link", seller, `{"promobUser":"ana","promobPassword":"first"}`); status != 200 || body["status"] != "linked" {
		t.Fatalf("right password: %d %v", status, body)
	}
	if me := s.paGet("/v1/me", seller); me["promobLink"].(map[string]any)["status"] != "linked" {
		t.Fatalf("after linking: %v", me)
	}

	// Promob's password changes: the next call made with the token (the
	// client's creation) expires the link and notifies the user once; the
	// client is still created, with the store's integration token.
	s.Control(http.MethodPost, "/_sim/accounts/"+account+"/users/ana/password", map[string]string{"password": "second"}, http.StatusNoContent)
	status, client := s.paPost("/v1/clients", seller, `{"name":"Maria","document":"529.982.247-25"}`)
	if status != 201 || client["promobSync"].(map[string]any)["status"] != "pending" {
		t.Fatalf("create client: %d %v", status, client)
	}
	cid := client["id"].(string)
	poll.Until(t, 30*time.Second, "client synced", func() bool {
		return s.paGet("/v1/clients/"+cid, seller)["promobSync"].(map[string]any)["status"] == "synced"
	})
	if sim := s.paSimAccount(account); len(sim.Customers) != 1 || sim.Customers[0].ExternalID != cid {
		t.Fatalf("customers in the simulator: %+v", sim.Customers)
	}
	if me := s.paGet("/v1/me", seller); me["promobLink"].(map[string]any)["status"] != "expired" {
		t.Fatalf("after the password change: %v", me)
	}
	notes := s.paGet("/v1/notifications?unread=true", seller)
	items, _ := notes["notifications"].([]any)
	linkNotes := 0
	for _, n := range items {
		if a, _ := n.(map[string]any)["action"].(map[string]any); a["type"] == "link_promob" {
			linkNotes++
		}
	}
	if linkNotes != 1 {
		t.Fatalf("link_promob notifications: %d in %v", linkNotes, notes)
	}
	if status, body := s.paPost("/v1/clients/"+cid+"/sync", seller, ""); status != 409 || body["error"].(map[string]any)["code"] != "already_synced" {
		t.Fatalf("sync of a synced client: %d %v", status, body)
	}

	// Twenty environments at once while Promob fails 30% of the calls.
	status, project := s.paPost("/v1/projects", seller, `{"clientId":"`+cid+`","name":"Casa"}`)
	if status != 201 {
		t.Fatalf("create project: %d %v", status, project)
	}
	pid := project["id"].(string)
	s.Control(http.MethodPost, "/_sim/faults", map[string]any{"failRate": 0.3, "status": 503}, http.StatusOK)
	ids := make([]string, 20)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			a := s.Gateway(http.MethodPost, "/v1/projects/"+pid+"/environments", seller, fmt.Appendf(nil, `{"name":"Ambiente %02d"}`, i), nil)
			if a.Status != http.StatusAccepted {
				t.Errorf("environment %d: %d %s", i, a.Status, a.Body)
				return
			}
			var out struct{ ID, Status string }
			if err := json.Unmarshal(a.Body, &out); err != nil || out.Status != "creating" {
				t.Errorf("environment %d: %s", i, a.Body)
			}
			ids[i] = out.ID
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	poll.Until(t, 90*time.Second, "twenty environments ready", func() bool {
		for _, id := range ids {
			env := s.paGet("/v1/environments/"+id, seller)
			if env["status"] == "failed" {
				t.Fatalf("environment failed: %v", env)
			}
			if env["status"] != "ready" {
				return false
			}
		}
		return true
	})
	s.Control(http.MethodDelete, "/_sim/faults", nil, http.StatusNoContent)
	sim := s.paSimAccount(account)
	if len(sim.Projects) != 1 || sim.Projects[0].ExternalID != pid || len(sim.Projects[0].Environments) != 20 {
		t.Fatalf("the simulator holds %d projects: %+v", len(sim.Projects), sim.Projects)
	}
	if len(sim.Customers) != 1 {
		t.Fatalf("customers in the simulator: %d", len(sim.Customers))
	}
	faults := 0
	for _, c := range sim.Calls {
		if c.Fault {
			faults++
		}
	}
	if faults == 0 {
		t.Fatal("the simulator failed no call: the retries were not exercised")
	}
	t.Logf("%d of %d Promob calls failed", faults, len(sim.Calls))
	for _, id := range ids {
		env := s.paGet("/v1/environments/"+id, seller)
		if env["promobProjectId"] == "" || env["promobEnvironmentId"] == "" {
			t.Fatalf("ready environment without Promob ids: %v", env)
		}
	}
}
