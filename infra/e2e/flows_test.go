package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// flWait bounds every wait of the flow tests.
const flWait = 30 * time.Second

// flows is a store configured on a running stack: its integration (the
// responsible user u-admin; Connect situation "Fechado", stage "Produção")
// and a Promob account in the simulator with user "designer" (password
// "s3cret"), whose webhooks reach the stack.
type flows struct {
	s                                  *stack
	store, account, simAccount         string
	admin, seller, reviewer, finance   string
	integrationToken, clientID, projID string
}

func newFlows(s *stack) *flows {
	s.T.Helper()
	f := &flows{s: s, store: localstack.UniqueName("store"), account: localstack.UniqueName("acc")}
	f.simAccount = "/_sim/accounts/" + f.account
	f.admin, f.seller = s.Token("u-admin", f.store, "admin"), s.Token("u-seller", f.store, "seller")
	f.reviewer, f.finance = s.Token("u-rev", f.store, "reviewer"), s.Token("u-fin", f.store, "finance")
	f.integrationToken = "pmi-" + f.account
	sim := promobIdentity(f.integrationToken)
	sim["users"] = []map[string]string{{"user": "designer", "password": "s3cret"}}
	body := integrationBody("11.222.333/0001-81", f.account, f.integrationToken, "SN-1")
	body["connectSituation"], body["connectStage"] = "Fechado", "Produção"
	s.PointWebhooks(s.Configure(f.admin, sim, body), nil)
	f.clientID, f.projID = s.Project(f.seller, "Maria Souza", "529.982.247-25", "Casa Souza")
	return f
}

// flEnvironment is an environment (or an assistance's design) as the API
// answers it, as far as the tests read it.
type flEnvironment struct {
	ID, PromobProjectID, PromobEnvironmentID, Status, ImportStatus string
	PromobRevision, CreatedRevision, LatestVersion                 int
	Outdated                                                       bool
}

// saveInPromob stores a new revision of a Promob environment in the
// simulator (a generated listing of parts parts) and returns its number.
func (f *flows) saveInPromob(promobProject, promobEnv, query string) int {
	f.s.T.Helper()
	var saved struct{ Revision int }
	a := f.s.Control(http.MethodPut, f.simAccount+"/projects/"+promobProject+"/environments/"+promobEnv+query, nil, http.StatusOK)
	if err := json.Unmarshal(a.Body, &saved); err != nil {
		f.s.T.Fatal(err)
	}
	return saved.Revision
}

// event has the simulator send a webhook of the type for the environment's
// current revision, acted by the Promob user (the simulator's first user
// when ""), and returns our answer.
func (f *flows) event(promobProject, promobEnv, typ, promobUser string) simDelivery {
	f.s.T.Helper()
	body := map[string]string{"type": typ}
	if promobUser != "" {
		body["userId"] = promobUser
	}
	d := f.s.sent(f.s.Control(http.MethodPost, f.simAccount+"/projects/"+promobProject+"/environments/"+promobEnv+"/events", body, http.StatusOK), f.account)
	if d.Status != http.StatusAccepted {
		f.s.T.Fatalf("%s answered %d %s, want 202", typ, d.Status, d.Body)
	}
	return d
}

// legacy links a Promob environment to a new environment of the project
// and waits until its current revision is version 1.
func (f *flows) legacy(promobProject, promobEnv, name string) flEnvironment {
	f.s.T.Helper()
	var env flEnvironment
	f.s.ImportEnvironment(f.seller, f.projID, promobProject, promobEnv, name, &env)
	poll.Until(f.s.T, flWait, name+" imported", func() bool {
		f.s.Call(http.MethodGet, "/v1/environments/"+env.ID, f.seller, nil, http.StatusOK, &env)
		return env.LatestVersion == 1 && env.ImportStatus == domain.ImportImported
	})
	return env
}

// notifications returns the user's notifications as "kind action assistanceId".
func (f *flows) notifications(token string) []string {
	f.s.T.Helper()
	var out struct {
		Notifications []struct {
			Kind   string
			Action *struct{ Type, AssistanceID, EnvironmentID string }
		}
	}
	f.s.Call(http.MethodGet, "/v1/notifications", token, nil, http.StatusOK, &out)
	var got []string
	for _, n := range out.Notifications {
		s := n.Kind
		if n.Action != nil {
			s += " " + n.Action.Type + " " + n.Action.AssistanceID + n.Action.EnvironmentID
		}
		got = append(got, s)
	}
	return got
}

// TestAssistanceFromOccurrenceToItsVersion walks issue 11's points 3 and 5
// on the stack: a legacy environment picked from Promob's project list
// (the project takes its Promob project, where a new environment then
// goes, not outdated before a save); the approval's Connect situation and
// stage from the store's settings, received by Connect; an assistance
// designed from a chosen version, saved in Promob by a linked designer
// (outdated, notified with an action that updates it), updated into its
// own version (option name, date, Promob identifier), opened in Promob at
// it, and negotiated back to its own screen.
func TestAssistanceFromOccurrenceToItsVersion(t *testing.T) {
	s := startRealStack(t)
	f := newFlows(s)
	promobProject, promobEnv := localstack.UniqueName("pp"), localstack.UniqueName("pe")

	// The legacy environment is picked from Promob's list, filtered by name.
	f.saveInPromob(promobProject, promobEnv, "?parts=12&seed=1")
	f.saveInPromob(promobProject, promobEnv, "?parts=14&seed=2")
	var list struct {
		Projects []struct {
			ProjectID    string
			Environments []struct {
				EnvironmentID string
				Revision      int
			}
		}
	}
	s.Call(http.MethodGet, "/v1/promob/projects?q="+strings.ToUpper(promobProject), f.seller, nil, http.StatusOK, &list)
	if len(list.Projects) != 1 || list.Projects[0].ProjectID != promobProject || len(list.Projects[0].Environments) != 1 ||
		list.Projects[0].Environments[0].EnvironmentID != promobEnv || list.Projects[0].Environments[0].Revision != 2 {
		t.Fatalf("Promob projects named %s: %+v", promobProject, list)
	}
	picked := list.Projects[0]
	kitchen := f.legacy(picked.ProjectID, picked.Environments[0].EnvironmentID, "Cozinha")
	var project struct {
		PromobProjectID string
		Connect         *struct {
			Situation, Stage, Status, EnvironmentID string
			Version                                 int
		}
	}
	s.Call(http.MethodGet, "/v1/projects/"+f.projID, f.seller, nil, http.StatusOK, &project)
	if project.PromobProjectID != promobProject {
		t.Fatalf("the project's Promob project is %q, want the legacy one %q", project.PromobProjectID, promobProject)
	}

	// A new environment goes into the same Promob project and is not
	// outdated before its first save.
	var room flEnvironment
	s.Call(http.MethodPost, "/v1/projects/"+f.projID+"/environments", f.seller, map[string]string{"name": "Sala"}, http.StatusAccepted, &room)
	poll.Until(t, flWait, "Sala created in Promob", func() bool {
		s.Call(http.MethodGet, "/v1/environments/"+room.ID, f.seller, nil, http.StatusOK, &room)
		return room.Status == domain.EnvReady
	})
	if room.PromobProjectID != promobProject || room.PromobRevision != 1 || room.CreatedRevision != 1 || room.Outdated {
		t.Fatalf("new environment %+v, want it in Promob project %s at its created revision, not outdated", room, promobProject)
	}

	// Approval: Connect receives the store's situation and stage.
	s.Call(http.MethodPost, "/v1/environments/"+kitchen.ID+"/approve", f.seller, nil, http.StatusOK, nil)
	poll.Until(t, flWait, "Connect received the status", func() bool {
		s.Call(http.MethodGet, "/v1/projects/"+f.projID, f.seller, nil, http.StatusOK, &project)
		return project.Connect != nil && project.Connect.Status == domain.ConnectDelivered
	})
	if c := project.Connect; c.Situation != "Fechado" || c.Stage != "Produção" || c.EnvironmentID != kitchen.ID || c.Version != 1 {
		t.Fatalf("project's connect = %+v", c)
	}
	var sim struct {
		Projects []struct{ ProjectID, Situation, Stage string }
	}
	if err := json.Unmarshal(s.Control(http.MethodGet, f.simAccount, nil, http.StatusOK).Body, &sim); err != nil {
		t.Fatal(err)
	}
	for _, p := range sim.Projects {
		if p.ProjectID == promobProject && p.Situation+"/"+p.Stage != "Fechado/Produção" {
			t.Fatalf("Connect shows %s/%s", p.Situation, p.Stage)
		}
	}

	// An assistance of the kitchen, designed from version 1 (the user's
	// choice; the default would be the converted one, also 1 here).
	var a struct {
		ID     string
		Design struct {
			Status, PromobEnvironmentID string
			SourceVersion               int
		}
		Outdated                      bool
		PromobRevision, LatestVersion int
		ImportStatus                  string
		Versions                      []struct {
			Number, PromobRevision       int
			OptionName, PromobIdentifier string
			OptionDate                   time.Time
			Converted, Latest            bool
		}
	}
	s.Call(http.MethodPost, "/v1/assistances", f.seller, map[string]string{
		"projectId": f.projID, "environmentId": kitchen.ID, "number": "7", "description": "Porta empenada",
	}, http.StatusCreated, &a)
	s.Call(http.MethodPost, "/v1/assistances/"+a.ID+"/update", f.seller, nil, http.StatusConflict, nil) // not in Promob yet
	s.Call(http.MethodPost, "/v1/assistances/"+a.ID+"/design", f.seller, map[string]any{"source": "revision", "version": 2}, http.StatusNotFound, nil)
	s.Call(http.MethodPost, "/v1/assistances/"+a.ID+"/design", f.seller, map[string]any{"source": "revision", "version": 1}, http.StatusAccepted, nil)
	poll.Until(t, flWait, "the assistance designed in Promob", func() bool {
		s.Call(http.MethodGet, "/v1/assistances/"+a.ID, f.seller, nil, http.StatusOK, &a)
		return a.Design.Status == domain.EnvReady
	})
	if a.Design.SourceVersion != 1 || a.Outdated || a.ImportStatus != domain.ImportNone {
		t.Fatalf("designed assistance = %+v, want a copy of version 1, not outdated, nothing imported", a)
	}

	// The seller links Promob user "designer", who saves the design in
	// Promob: the assistance is outdated and the seller (its creator and
	// the saver) is told once, with an action that updates the assistance.
	s.Call(http.MethodPost, "/v1/me/promob-link", f.seller, map[string]string{"promobUser": "designer", "promobPassword": "s3cret"}, http.StatusOK, nil)
	design := a.Design.PromobEnvironmentID
	if rev := f.saveInPromob(promobProject, design, "?parts=9&seed=7"); rev != 2 {
		t.Fatalf("the design's save is revision %d, want 2", rev)
	}
	f.event(promobProject, design, domain.EventSaved, "designer")
	poll.Until(t, flWait, "the assistance outdated and its users told", func() bool {
		s.Call(http.MethodGet, "/v1/assistances/"+a.ID, f.seller, nil, http.StatusOK, &a)
		return a.Outdated && a.PromobRevision == 2 && len(f.notifications(f.seller)) > 0
	})
	if got := f.notifications(f.seller); len(got) != 1 || got[0] != "assistance.outdated update_assistance "+a.ID {
		t.Fatalf("the seller's notifications = %v", got)
	}

	// The update makes Promob's revision the assistance's own version 1.
	s.Call(http.MethodPost, "/v1/assistances/"+a.ID+"/update", f.seller, nil, http.StatusAccepted, nil)
	poll.Until(t, flWait, "the assistance's version 1", func() bool {
		s.Call(http.MethodGet, "/v1/assistances/"+a.ID, f.seller, nil, http.StatusOK, &a)
		return a.LatestVersion == 1 && a.ImportStatus == domain.ImportImported
	})
	if v := a.Versions; a.Outdated || len(v) != 1 || v[0].PromobRevision != 2 || !v[0].Latest || v[0].Converted ||
		v[0].OptionName != "Casa Souza / Cozinha ocorrência: 7" || !strings.HasSuffix(v[0].PromobIdentifier, "/"+design) || v[0].OptionDate.IsZero() {
		t.Fatalf("assistance after the update = %+v", a)
	}
	var open struct{ URL string }
	s.Call(http.MethodGet, "/v1/assistances/"+a.ID+"/versions/1/open", f.seller, nil, http.StatusOK, &open)
	if !strings.Contains(open.URL, "environment="+design) || !strings.HasSuffix(open.URL, "&revision=2") {
		t.Fatalf("open in Promob: %s", open.URL)
	}
	var kitchenVersions struct{ Versions []any }
	s.Call(http.MethodGet, "/v1/environments/"+kitchen.ID+"/versions", f.seller, nil, http.StatusOK, &kitchenVersions)
	if len(kitchenVersions.Versions) != 1 {
		t.Fatalf("the kitchen has %d versions, want only its own", len(kitchenVersions.Versions))
	}

	// Negotiating the design in Promob opens the assistance's screen.
	d := f.event(promobProject, design, domain.EventNegotiated, "designer")
	var ans struct{ Redirect string }
	if err := json.Unmarshal(d.Body, &ans); err != nil || ans.Redirect != "/assistances/"+a.ID {
		t.Fatalf("negotiated answered %s, want the redirect /assistances/%s", d.Body, a.ID)
	}
}

// TestReviewAndIntegrationNotices walks issue 11's points 2 and 4 on the
// stack: the review's mandatory update when Promob holds nothing newer
// (the review then completes); saves told to the linked saver, the
// environment's creator and the reviewer, once each; the responsible user
// kept when another admin edits the integration; the prerequisites listing
// who has not linked Promob; and the responsible user told when Promob
// refuses the integration token.
func TestReviewAndIntegrationNotices(t *testing.T) {
	s := startRealStack(t)
	f := newFlows(s)
	promobProject, promobEnv := localstack.UniqueName("pp"), localstack.UniqueName("pe")
	f.saveInPromob(promobProject, promobEnv, "?parts=10&seed=3")
	kitchen := f.legacy(promobProject, promobEnv, "Cozinha")
	envPath := "/v1/environments/" + kitchen.ID

	s.Call(http.MethodPost, envPath+"/approve", f.seller, nil, http.StatusOK, nil)
	s.Call(http.MethodPost, "/v1/projects/"+f.projID+"/financial-release", f.finance, nil, http.StatusOK, nil)
	var review struct {
		UpdateRequired bool
		Status         string
	}
	s.Call(http.MethodPost, envPath+"/review/start", f.reviewer, nil, http.StatusOK, &review)
	if !review.UpdateRequired {
		t.Fatal("the first review access does not require the update")
	}
	if code := errorCodeOf(s.Call(http.MethodPost, envPath+"/review/complete", f.reviewer, nil, http.StatusConflict, nil).Object(t)); code != domain.CodeUpdateRequired {
		t.Fatalf("complete before the update: %s", code)
	}
	// Promob holds nothing newer than version 1: the update is done all the same.
	s.Call(http.MethodPost, envPath+"/update", f.reviewer, nil, http.StatusAccepted, nil)
	poll.Until(t, flWait, "the review's update done", func() bool {
		s.Call(http.MethodGet, envPath+"/review", f.reviewer, nil, http.StatusOK, &review)
		return !review.UpdateRequired
	})
	s.Call(http.MethodPost, envPath+"/review/complete", f.reviewer, nil, http.StatusCreated, nil)

	// Saves of a converted environment under review tell the saver, the
	// creator and the reviewer, once each.
	other, otherEnv := localstack.UniqueName("pp"), localstack.UniqueName("pe")
	f.saveInPromob(other, otherEnv, "?parts=10&seed=4")
	room := f.legacy(other, otherEnv, "Sala")
	s.Call(http.MethodPost, "/v1/environments/"+room.ID+"/approve", f.seller, nil, http.StatusOK, nil)
	s.Call(http.MethodPost, "/v1/environments/"+room.ID+"/review/start", f.reviewer, nil, http.StatusOK, nil)
	s.Call(http.MethodPost, "/v1/me/promob-link", f.admin, map[string]string{"promobUser": "designer", "promobPassword": "s3cret"}, http.StatusOK, nil)
	f.saveInPromob(other, otherEnv, "?parts=11&seed=5")
	f.event(other, otherEnv, domain.EventSaved, "designer")
	want := map[string]string{
		f.admin:    "environment.outdated update_environment " + room.ID, // the saver
		f.seller:   "environment.outdated update_environment " + room.ID, // the creator
		f.reviewer: "environment.review_changed review_environment " + room.ID,
	}
	poll.Until(t, flWait, "the saver, the creator and the reviewer told", func() bool {
		for tok := range want {
			if len(f.notifications(tok)) == 0 {
				return false
			}
		}
		return true
	})
	for tok, w := range want {
		if got := f.notifications(tok); len(got) != 1 || got[0] != w {
			t.Errorf("notifications %v, want [%s]", got, w)
		}
	}

	// Another admin edits the integration without naming the responsible
	// user: u-admin stays responsible, the Connect settings stay.
	var cfg struct{ ResponsibleUserID, ConnectSituation, ConnectStage string }
	s.Call(http.MethodPut, "/v1/integration", s.Token("u-admin2", f.store, "admin"), map[string]any{
		"cnpj": "11.222.333/0001-81", "promobAccountId": f.account, "serialNumbers": []string{"SN-1", "SN-2"},
	}, http.StatusOK, &cfg)
	if cfg.ResponsibleUserID != "u-admin" || cfg.ConnectSituation != "Fechado" || cfg.ConnectStage != "Produção" {
		t.Fatalf("after another admin's edit: %+v", cfg)
	}

	// Prerequisites: every user but the responsible one links Promob; the
	// users are those the API has answered (here u-admin2 and u-fin too).
	for _, tok := range []string{f.admin, f.seller, f.reviewer} {
		s.Call(http.MethodGet, "/v1/me", tok, nil, http.StatusOK, nil)
	}
	var integ struct {
		Prerequisites struct {
			Ready         bool
			UnlinkedUsers []struct{ UserID, Status string }
		}
	}
	s.Call(http.MethodGet, "/v1/integration", f.seller, nil, http.StatusOK, &integ)
	if p := integ.Prerequisites; p.Ready || fmt.Sprint(p.UnlinkedUsers) != "[{u-admin2 not_linked} {u-fin not_linked} {u-rev not_linked} {u-seller not_linked}]" {
		t.Fatalf("prerequisites = %+v, want every user but u-admin (the responsible one) unlinked", p)
	}

	// Promob stops accepting the integration token: the responsible user
	// is told when a call needs it.
	s.Control(http.MethodPut, f.simAccount, map[string]any{"integrationToken": "pmi-rotated"}, http.StatusOK)
	s.Call(http.MethodGet, "/v1/promob/projects", f.reviewer, nil, http.StatusForbidden, nil)
	s.Call(http.MethodGet, "/v1/promob/projects", s.Token("u-seller2", f.store, "seller"), nil, http.StatusBadGateway, nil)
	var got []string
	for _, n := range f.notifications(f.admin) {
		if strings.HasPrefix(n, "integration.token_refused") {
			got = append(got, n)
		}
	}
	if len(got) != 1 {
		t.Fatalf("the responsible user's notices = %v, want one integration.token_refused", f.notifications(f.admin))
	}
}
