package faults_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// faultStore is a store configured for the simulator's Promob account, with
// its admin's token.
type faultStore struct {
	s                          *faultStack
	store, account, apiKey     string
	admin                      string
	clientID, projectID        string
	webhookPath, webhookSecret string // the integration's, as first configured
}

// newFaultStore configures the integration of a new store for a new Promob
// account of the simulator, with a markup of 2, and creates a client and a
// project.
func newFaultStore(s *faultStack) *faultStore {
	s.T.Helper()
	fs := &faultStore{s: s, store: localstack.UniqueName("store"), account: localstack.UniqueName("acc"), apiKey: "pmi_" + localstack.UniqueName("k")}
	fs.admin = s.Token("admin-1", fs.store, "admin")
	cfg := s.Configure(fs.admin, map[string]any{
		"integrationToken": fs.apiKey, "cnpj": "11222333000181", "serialNumbers": []string{"SN-1"},
	}, map[string]any{
		"cnpj": "11.222.333/0001-81", "promobAccountId": fs.account, "serialNumbers": []string{"SN-1"},
		"responsibleUserId": "admin-1", "promobApiToken": fs.apiKey,
	})
	fs.webhookPath, fs.webhookSecret = cfg.WebhookPath, cfg.WebhookSecret
	s.Call(http.MethodPut, "/v1/integration/commercial-rules", fs.admin,
		map[string]string{"defaultMarkup": "2", "freightPercent": "3", "assemblyPercent": "5"}, http.StatusOK, nil)
	s.PointWebhooks(cfg, nil)
	fs.clientID, fs.projectID = s.Project(fs.admin, "Ana Silva", "529.982.247-25", "Casa Silva")
	// The client is created in Promob in the background: let that finish so
	// that the faults a test injects hit only the calls it is about.
	poll.Until(s.T, wait, "the client is synced to Promob", func() bool {
		var c struct {
			PromobSync struct{ Status string } `json:"promobSync"`
		}
		s.Call(http.MethodGet, "/v1/clients/"+fs.clientID, fs.admin, nil, http.StatusOK, &c)
		return c.PromobSync.Status == "synced"
	})
	return fs
}

// faultEnv is an environment both in the simulator and in FoccoLojas.
type faultEnv struct {
	fs                    *faultStore
	promobProject, promob string
	id                    string
	controlPath, envPath  string
}

// newFaultEnv saves revision 1 of a new Promob environment with parts
// items, legacy-imports it, and waits for version 1.
func (fs *faultStore) newFaultEnv(parts int) *faultEnv {
	s := fs.s
	s.T.Helper()
	e := &faultEnv{fs: fs, promobProject: domain.NewID(), promob: domain.NewID()}
	e.controlPath = "/_sim/accounts/" + fs.account + "/projects/" + e.promobProject + "/environments/" + e.promob
	if rev := e.save(parts); rev != 1 {
		s.T.Fatalf("first revision is %d", rev)
	}
	var env struct{ ID string }
	s.ImportEnvironment(fs.admin, fs.projectID, e.promobProject, e.promob, "Cozinha", &env)
	e.id, e.envPath = env.ID, "/v1/environments/"+env.ID
	e.waitVersions(1)
	return e
}

// save stores the environment's next revision in the simulator, a
// generated listing of parts items, and returns its number.
func (e *faultEnv) save(parts int) int {
	s := e.fs.s
	s.T.Helper()
	r := s.Control(http.MethodPut, fmt.Sprintf("%s?parts=%d", e.controlPath, parts), nil, http.StatusOK)
	var out struct{ Revision int }
	if err := json.Unmarshal(r.Body, &out); err != nil {
		s.T.Fatal(err)
	}
	return out.Revision
}

// event has the simulator send a webhook of the type for the revision and
// returns its webhook id; it fails the test unless our webhook answers 202.
func (e *faultEnv) event(typ string, revision int) string {
	s := e.fs.s
	s.T.Helper()
	r := s.Control(http.MethodPost, e.controlPath+"/events", map[string]any{"type": typ, "revision": revision}, http.StatusOK)
	var d struct {
		Status    int
		WebhookID string
	}
	if err := json.Unmarshal(r.Body, &d); err != nil || d.Status != http.StatusAccepted {
		s.T.Fatalf("%s of revision %d: %s", typ, revision, r.Body)
	}
	return d.WebhookID
}

// replay has the simulator send a recorded delivery again, byte for byte,
// and returns our webhook's status.
func (e *faultEnv) replay(webhookID string) int {
	s := e.fs.s
	r := stacktest.Send(s.T, http.MethodPost, s.SimURL()+"/_sim/accounts/"+e.fs.account+"/deliveries/"+webhookID+"/replay", []byte("{}"), nil)
	var d struct{ Status int }
	_ = json.Unmarshal(r.Body, &d)
	return d.Status
}

// version is a version as the API lists it.
type version struct {
	Number         int  `json:"number"`
	PromobRevision int  `json:"promobRevision"`
	Latest         bool `json:"latest"`
	ItemCount      int  `json:"itemCount"`
}

// versions lists the environment's versions, newest first.
func (e *faultEnv) versions() []version {
	var out struct{ Versions []version }
	e.fs.s.Call(http.MethodGet, e.envPath+"/versions", e.fs.admin, nil, http.StatusOK, &out)
	return out.Versions
}

// numbers returns the versions' numbers and revisions as listed.
func numbers(vs []version) (nums, revs []int) {
	for _, v := range vs {
		nums = append(nums, v.Number)
		revs = append(revs, v.PromobRevision)
	}
	return nums, revs
}

// waitVersions waits until the environment's version numbers are want.
func (e *faultEnv) waitVersions(want ...int) []version {
	e.fs.s.T.Helper()
	var vs []version
	poll.Until(e.fs.s.T, wait, fmt.Sprintf("versions %v", want), func() bool {
		vs = e.versions()
		got, _ := numbers(vs)
		return slices.Equal(got, want)
	})
	return vs
}

// checkVersions fails the test unless the versions are numbered n..1
// without gaps, only the first is latest, revisions grow with the
// numbers, and each has itemCount items.
func (e *faultEnv) checkVersions(vs []version) {
	t := e.fs.s.T
	t.Helper()
	for i, v := range vs {
		if v.Number != len(vs)-i || v.Latest != (i == 0) {
			t.Errorf("versions %+v: not numbered %d..1 with the first latest", vs, len(vs))
			return
		}
		if i > 0 && v.PromobRevision >= vs[i-1].PromobRevision {
			t.Errorf("versions %+v: version %d has revision %d, not older than version %d's", vs, v.Number, v.PromobRevision, vs[i-1].Number)
		}
		items := stacktest.Pages[json.RawMessage](e.fs.s.Stack, fmt.Sprintf("%s/versions/%d/items", e.envPath, v.Number), e.fs.admin)
		if len(items) != v.ItemCount {
			t.Errorf("version %d lists %d items, itemCount %d", v.Number, len(items), v.ItemCount)
		}
	}
}
