package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing"
)

// asWait bounds every wait of the assistance test.
const asWait = 30 * time.Second

// asListing is what a Promob environment lists at a revision (0: the
// current one), without the ids Promob gives each environment: reference,
// description, real quantity and total price of every item in order.
func asListing(s *stack, account, token, promobProject, promobEnv string, revision int) []string {
	s.T.Helper()
	path := fmt.Sprintf("%s/v1/accounts/%s/projects/%s/environments/%s/listing", s.SimURL(), account, promobProject, promobEnv)
	if revision > 0 {
		path += fmt.Sprintf("?revision=%d", revision)
	}
	a := stacktest.Send(s.T, http.MethodGet, path, nil, map[string]string{"Authorization": "Bearer " + token})
	if a.Status != http.StatusOK {
		s.T.Fatalf("listing of %s: %d %s", promobEnv, a.Status, a.Body)
	}
	_, items, err := listing.ParseAll(bytes.NewReader(a.Body))
	if err != nil {
		s.T.Fatal(err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprintf("%s|%s|%s|%s", it.Reference, it.Description, it.RealQuantity, it.Price.Total)
	}
	return out
}

// asAssistance is an assistance as GET /v1/assistances/{aid} answers it.
type asAssistance struct {
	ID     string
	Name   string
	Design struct {
		Status, Source, PromobProjectID, PromobEnvironmentID string
		SourceVersion, SourceRevision                        int
	}
	Versions []struct{ Number, PromobRevision, ItemCount int }
}

// TestAssistance walks issue 5's "Done when" for technical assistance: an
// assistance of the environment "Cozinha" designed from the revision
// becomes a Promob environment named "Cozinha ocorrência: 42" whose listing
// is the converted revision's (not the newer one saved since); a prepared
// webhook for it becomes a version of the assistance and notifies its
// creator.
func TestAssistance(t *testing.T) {
	s := startRealStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	promobProject, promobEnv := localstack.UniqueName("pp"), localstack.UniqueName("pe")
	simAccount := "/_sim/accounts/" + account
	simEnv := simAccount + "/projects/" + promobProject + "/environments/" + promobEnv
	admin := s.Token("u-admin", store, "admin")
	seller := s.Token("u-seller", store, "seller")

	integrationToken := "pmi-" + account
	s.PointWebhooks(s.configureBy(admin, "u-admin", account, integrationToken), nil)
	_, projectID := s.Project(seller, "Maria Souza", "529.982.247-25", "Casa")
	var env struct{ ID string }

	// "Cozinha" at revision 1, imported and converted; then Promob saves a
	// revision 2 nobody imports.
	s.Control(http.MethodPut, simEnv+"?parts=12&seed=1", nil, http.StatusOK)
	s.ImportEnvironment(seller, projectID, promobProject, promobEnv, "Cozinha", &env)
	poll.Until(t, asWait, "version 1 imported", func() bool {
		var e struct {
			LatestVersion int
			ImportStatus  string
		}
		s.Call(http.MethodGet, "/v1/environments/"+env.ID, seller, nil, http.StatusOK, &e)
		return e.LatestVersion == 1 && e.ImportStatus == domain.ImportImported
	})
	s.Call(http.MethodPost, "/v1/environments/"+env.ID+"/approve", seller, nil, http.StatusOK, nil)
	s.Control(http.MethodPut, simEnv+"?parts=20&seed=2", nil, http.StatusOK)

	var a asAssistance
	s.Call(http.MethodPost, "/v1/assistances", seller, map[string]string{
		"projectId": projectID, "environmentId": env.ID, "number": "42", "description": "Porta empenada",
	}, http.StatusCreated, &a)
	s.Call(http.MethodPost, "/v1/assistances/"+a.ID+"/design", seller, map[string]string{"source": "revision"}, http.StatusAccepted, nil)
	poll.Until(t, asWait, "the assistance designed in Promob", func() bool {
		s.Call(http.MethodGet, "/v1/assistances/"+a.ID, seller, nil, http.StatusOK, &a)
		if a.Design.Status == domain.EnvFailed {
			t.Fatalf("design failed: %+v", a)
		}
		return a.Design.Status == domain.EnvReady
	})
	if a.Name != "Cozinha ocorrência: 42" || a.Design.PromobProjectID != promobProject || a.Design.SourceVersion != 1 || a.Design.SourceRevision != 1 {
		t.Fatalf("assistance = %+v", a)
	}
	var sim struct {
		Projects []struct {
			ProjectID    string
			Environments []struct{ EnvironmentID, Name string }
		}
	}
	if err := json.Unmarshal(s.Control(http.MethodGet, simAccount, nil, http.StatusOK).Body, &sim); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range sim.Projects {
		for _, e := range p.Environments {
			if e.EnvironmentID == a.Design.PromobEnvironmentID && p.ProjectID == promobProject {
				names = append(names, e.Name)
			}
		}
	}
	if len(names) != 1 || names[0] != "Cozinha ocorrência: 42" {
		t.Fatalf("the simulator holds %+v, want the design named \"Cozinha ocorrência: 42\" in project %s", sim.Projects, promobProject)
	}
	copied := asListing(s, account, integrationToken, promobProject, a.Design.PromobEnvironmentID, 0)
	if want := asListing(s, account, integrationToken, promobProject, promobEnv, 1); fmt.Sprint(copied) != fmt.Sprint(want) {
		t.Fatalf("the design lists %d items, not revision 1's %d", len(copied), len(want))
	}
	if newer := asListing(s, account, integrationToken, promobProject, promobEnv, 2); fmt.Sprint(copied) == fmt.Sprint(newer) {
		t.Fatal("the design copies revision 2, not the converted revision 1")
	}

	d := s.sent(s.Control(http.MethodPost, simAccount+"/projects/"+promobProject+"/environments/"+a.Design.PromobEnvironmentID+"/events",
		map[string]string{"type": domain.EventPrepared}, http.StatusOK), account)
	if d.Status != http.StatusAccepted {
		t.Fatalf("environment.prepared of the design answered %d %s, want 202", d.Status, d.Body)
	}
	poll.Until(t, asWait, "the assistance's version 1 and its notification", func() bool {
		s.Call(http.MethodGet, "/v1/assistances/"+a.ID, seller, nil, http.StatusOK, &a)
		var notes struct{ Notifications []struct{ Kind string } }
		s.Call(http.MethodGet, "/v1/notifications", seller, nil, http.StatusOK, &notes)
		n := 0
		for _, x := range notes.Notifications {
			if x.Kind == "assistance.imported" {
				n++
			}
		}
		return len(a.Versions) == 1 && n == 1
	})
	if v := a.Versions[0]; v.Number != 1 || v.PromobRevision != 1 || v.ItemCount != len(copied) {
		t.Fatalf("assistance version = %+v, want version 1 of revision 1 with %d items", v, len(copied))
	}
	var envVersions struct{ Versions []any }
	s.Call(http.MethodGet, "/v1/environments/"+env.ID+"/versions", seller, nil, http.StatusOK, &envVersions)
	if len(envVersions.Versions) != 1 {
		t.Fatalf("the environment has %d versions, want only its own", len(envVersions.Versions))
	}
}
