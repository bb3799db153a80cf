package promobsync_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promob/promobsim"
	"github.com/foccolojas/promob-integration/shared/promobsync"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// harness is promobsync over a minidyn store and the simulator: store s1
// holds Promob account acc-1 (integration token pmi-store), whose user
// "ana" has password "first".
type harness struct {
	t      *testing.T
	url    string
	store  *dynamo.Store
	box    *tokenbox.Box
	client *promob.Client
	sync   *promobsync.Syncer
}

func newHarness(t *testing.T, integrationToken string) *harness {
	t.Helper()
	sim, err := promobsim.New(promobsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	h := &harness{t: t, url: srv.URL, store: dynamotest.Minidyn(t)}
	h.call("PUT", "/_sim/accounts/acc-1", "", map[string]any{"integrationToken": "pmi-store", "users": []map[string]string{{"user": "ana", "password": "first"}}})
	if h.box, err = tokenbox.New(base64.StdEncoding.EncodeToString(make([]byte, 32))); err != nil {
		t.Fatal(err)
	}
	if h.client, err = promob.New(srv.URL, nil); err != nil {
		t.Fatal(err)
	}
	h.client.Backoff = time.Millisecond
	_, _, err = h.store.SaveIntegration(context.Background(), domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1",
		SerialNumbers: []string{"SN"}, PromobAPIToken: integrationToken}, domain.NewWebhookSecret(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.sync = promobsync.New(h.store, h.client, h.box, time.Now)
	return h
}

func (h *harness) call(method, path, token string, body any) *http.Response {
	h.t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, h.url+path, bytes.NewReader(b))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode >= 300 {
		h.t.Fatalf("%s %s: %d", method, path, resp.StatusCode)
	}
	return resp
}

// handle delivers msg as the receiveCount-th delivery and reports whether
// it failed.
func (h *harness) handle(msg any, receiveCount int) bool {
	h.t.Helper()
	b, _ := json.Marshal(msg)
	resp, err := h.sync.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: string(b),
		Attributes: map[string]string{"ApproximateReceiveCount": fmt.Sprint(receiveCount)}}}})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(resp.BatchItemFailures) == 1
}

// account is what the simulator holds for acc-1.
func (h *harness) account() (customers, projects int, envs []string) {
	h.t.Helper()
	var acc struct {
		Customers []json.RawMessage
		Projects  []struct {
			Environments []struct{ Name string }
		}
	}
	if err := json.NewDecoder(h.call("GET", "/_sim/accounts/acc-1", "", nil).Body).Decode(&acc); err != nil {
		h.t.Fatal(err)
	}
	for _, p := range acc.Projects {
		for _, e := range p.Environments {
			envs = append(envs, e.Name)
		}
	}
	return len(acc.Customers), len(acc.Projects), envs
}

func (h *harness) seedClient() domain.Client {
	h.t.Helper()
	c := domain.Client{ID: domain.NewID(), StoreID: "s1", Name: "Maria", Document: "52998224725", DocumentType: "cpf",
		CreatedAt: time.Now(), PromobSync: domain.PromobSync{Status: domain.SyncPending}}
	if err := h.store.CreateClient(context.Background(), c); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// seedProject stores a project "Casa" of a new client of store s1, in the
// Promob project promobProject ("" for none yet).
func (h *harness) seedProject(promobProject string) domain.Project {
	h.t.Helper()
	c := h.seedClient()
	p := domain.Project{ID: domain.NewID(), StoreID: "s1", ClientID: c.ID, Name: "Casa", CreatedBy: "u1", CreatedAt: time.Now(), PromobProjectID: promobProject}
	if err := h.store.CreateProject(context.Background(), p); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// TestConnectStatusReachesPromob sets a project's Connect status and
// records on the project whether Connect received it; a status Promob
// refuses for good, or that still fails on the last delivery, is recorded
// failed and the store's responsible user is told.
func TestConnectStatusReachesPromob(t *testing.T) {
	tests := []struct {
		name         string
		token        string
		faults       int
		receiveCount int
		wantFailed   bool   // the message is left for the queue
		wantStatus   string // the project's connect status
		wantNotices  int    // notices to the responsible user
	}{
		{"set with the integration token", "pmi-store", 0, 1, false, domain.ConnectDelivered, 0},
		{"retried after a 503", "pmi-store", 1, 1, false, domain.ConnectDelivered, 0},
		{"an outage leaves it for the queue", "pmi-store", 100, 1, true, domain.ConnectPending, 0},
		{"an outage on the last delivery fails it", "pmi-store", 100, promobsync.MaxAttempts, false, domain.ConnectFailed, 1},
		{"a refused integration token fails it at once", "pmi-wrong", 0, 1, false, domain.ConnectFailed, 2}, // and tells the token was refused
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.token)
			ctx := context.Background()
			integ, err := h.store.GetIntegration(ctx, "s1")
			if err != nil {
				t.Fatal(err)
			}
			integ.ResponsibleUserID = "u-admin"
			if _, _, err := h.store.SaveIntegration(ctx, integ, "", time.Now()); err != nil {
				t.Fatal(err)
			}
			c := h.seedClient()
			if err := h.store.CreateProject(ctx, domain.Project{ID: "p1", StoreID: "s1", ClientID: c.ID, Name: "Casa", CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			pending := domain.ConnectDelivery{Situation: "Fechado", Stage: "Produção", EnvironmentID: "e1", Version: 2, Status: domain.ConnectPending, At: time.Now()}
			if err := h.store.SetConnectDelivery(ctx, "s1", "p1", pending); err != nil {
				t.Fatal(err)
			}
			h.call("PUT", "/_sim/accounts/acc-1/projects/pp-1/environments/pe-1", "", nil)
			if tt.faults > 0 {
				h.call("POST", "/_sim/faults", "", map[string]any{"failNext": tt.faults, "status": 503})
			}
			failed := h.handle(message.ConnectStatus{Kind: message.KindConnectStatus, StoreID: "s1", AccountID: "acc-1",
				ProjectID: "pp-1", EnvironmentID: "pe-1", Version: 2, Situation: "Fechado", Stage: "Produção",
				ProjectRef: "p1", EnvironmentRef: "e1"}, tt.receiveCount)
			if failed != tt.wantFailed {
				t.Fatalf("failed = %v, want %v", failed, tt.wantFailed)
			}
			h.call("POST", "/_sim/faults", "", map[string]any{"failNext": 0})
			var list struct {
				Projects []struct{ ProjectID, Situation, Stage string }
			}
			if err := json.NewDecoder(h.call("GET", "/v1/accounts/acc-1/projects", "pmi-store", nil).Body).Decode(&list); err != nil {
				t.Fatal(err)
			}
			want := "Fechado/Produção"
			if tt.wantStatus != domain.ConnectDelivered {
				want = "/"
			}
			if len(list.Projects) != 1 || list.Projects[0].Situation+"/"+list.Projects[0].Stage != want {
				t.Fatalf("projects = %+v, want %s", list.Projects, want)
			}
			p, err := h.store.Project(ctx, "s1", "p1")
			if err != nil {
				t.Fatal(err)
			}
			if p.Connect == nil || p.Connect.Status != tt.wantStatus || p.Connect.Situation != "Fechado" || p.Connect.Version != 2 ||
				(tt.wantStatus == domain.ConnectFailed) != (p.Connect.Reason != "") {
				t.Fatalf("project's connect = %+v, want %s", p.Connect, tt.wantStatus)
			}
			notes, err := h.store.Notifications(ctx, "s1", "u-admin", false, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) != tt.wantNotices {
				t.Fatalf("the responsible user has %d notices, want %d: %+v", len(notes), tt.wantNotices, notes)
			}
		})
	}
}

func TestCustomerCreate(t *testing.T) {
	tests := []struct {
		name         string
		faults       int // failures queued before the deliveries
		deliveries   []int
		wantFailed   []bool
		wantSync     string
		wantCustomer int
	}{
		{"created once, delivered twice", 0, []int{1, 2}, []bool{false, false}, domain.SyncSynced, 1},
		{"a 503 is retried by the client", 2, []int{1}, []bool{false}, domain.SyncSynced, 1},
		{"an outage leaves it for the queue", 100, []int{1}, []bool{true}, domain.SyncPending, 0},
		{"recorded failed on the last delivery", 100, []int{promobsync.MaxAttempts}, []bool{false}, domain.SyncFailed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "pmi-store")
			c := h.seedClient()
			if tt.faults > 0 {
				h.call("POST", "/_sim/faults", "", map[string]any{"failNext": tt.faults, "status": 503})
			}
			for i, n := range tt.deliveries {
				if failed := h.handle(message.CustomerCreate{Kind: message.KindCustomerCreate, StoreID: "s1", ClientID: c.ID}, n); failed != tt.wantFailed[i] {
					t.Fatalf("delivery %d failed = %v", i+1, failed)
				}
			}
			got, err := h.store.Client(context.Background(), "s1", c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.PromobSync.Status != tt.wantSync || (tt.wantSync == domain.SyncSynced) != (got.PromobSync.PromobCustomerID != "") ||
				(tt.wantSync == domain.SyncFailed) != (got.PromobSync.Reason != "") {
				t.Fatalf("sync = %+v, want %s", got.PromobSync, tt.wantSync)
			}
			h.call("DELETE", "/_sim/faults", "", nil)
			if customers, _, _ := h.account(); customers != tt.wantCustomer {
				t.Fatalf("customers in Promob = %d, want %d", customers, tt.wantCustomer)
			}
		})
	}
}

func TestEnvironmentsOfOneProjectAtOnce(t *testing.T) {
	h := newHarness(t, "pmi-store")
	ctx := context.Background()
	p := h.seedProject("")
	envs := make([]domain.Environment, 6)
	for i := range envs {
		envs[i] = domain.Environment{ID: domain.NewID(), StoreID: "s1", ProjectID: p.ID, Name: fmt.Sprintf("Ambiente %d", i), PromobAccountID: "acc-1",
			Status: domain.EnvCreating, ImportStatus: domain.ImportNone, CreatedBy: "u1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := h.store.CreateEnvironment(ctx, envs[i]); err != nil {
			t.Fatal(err)
		}
	}
	// Every message is delivered until it succeeds, at most MaxAttempts times.
	var wg sync.WaitGroup
	for _, e := range envs {
		wg.Go(func() {
			for n := 1; n <= promobsync.MaxAttempts; n++ {
				if !h.handle(message.EnvironmentCreate{Kind: message.KindEnvironmentCreate, StoreID: "s1", ProjectID: p.ID, EnvironmentID: e.ID}, n) {
					return
				}
			}
		})
	}
	wg.Wait()
	customers, projects, names := h.account()
	if customers != 1 || projects != 1 || len(names) != len(envs) {
		t.Fatalf("Promob holds %d customers, %d projects, environments %v", customers, projects, names)
	}
	got, err := h.store.Project(ctx, "s1", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range envs {
		env, err := h.store.Environment(ctx, "s1", e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if env.Status != domain.EnvReady || env.PromobProjectID != got.PromobProjectID || env.PromobEnvironmentID == "" {
			t.Fatalf("environment %+v, project's Promob id %q", env, got.PromobProjectID)
		}
		// Promob's first revision of a new environment is no one's save.
		if env.PromobRevision != 1 || env.CreatedRevision != 1 || env.Outdated() {
			t.Fatalf("a new environment: promobRevision %d, createdRevision %d, outdated %v", env.PromobRevision, env.CreatedRevision, env.Outdated())
		}
		if routed, err := h.store.EnvironmentByPromobID(ctx, "acc-1", env.PromobEnvironmentID); err != nil || routed.ID != e.ID {
			t.Fatalf("routing: %+v %v", routed, err)
		}
	}
	// A repeated message changes nothing.
	if h.handle(message.EnvironmentCreate{Kind: message.KindEnvironmentCreate, StoreID: "s1", ProjectID: p.ID, EnvironmentID: envs[0].ID}, 1) {
		t.Fatal("a repeat failed")
	}
	if _, _, names := h.account(); len(names) != len(envs) {
		t.Fatalf("a repeat created an environment: %v", names)
	}
}

func TestRefusedUserTokenExpiresTheLink(t *testing.T) {
	h := newHarness(t, "pmi-store")
	ctx := context.Background()
	tok, err := h.client.VerifyUser(ctx, "acc-1", "pmi-store", "ana", "first")
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := h.box.Seal(tok.Token, domain.LinkContext("s1", "u1"))
	if err != nil {
		t.Fatal(err)
	}
	linkedAt := time.Now().UTC()
	if err := h.store.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u1", PromobUser: "ana", Status: domain.LinkLinked, SealedToken: sealed, LinkedAt: linkedAt}); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name        string
		password    string // set in Promob before the step; "" keeps it
		wantLink    string
		wantNotices int
	}{
		{"the user's token is used", "", domain.LinkLinked, 0},
		{"a changed password expires the link", "second", domain.LinkExpired, 1},
		{"only one notification", "", domain.LinkExpired, 1},
	}
	for i, st := range steps {
		if st.password != "" {
			h.call("POST", "/_sim/accounts/acc-1/users/ana/password", "", map[string]string{"password": st.password})
		}
		c := h.seedClient()
		if h.handle(message.CustomerCreate{Kind: message.KindCustomerCreate, StoreID: "s1", ClientID: c.ID, UserID: "u1"}, 1) {
			t.Fatalf("%s: the message failed", st.name)
		}
		if got, _ := h.store.Client(ctx, "s1", c.ID); got.PromobSync.Status != domain.SyncSynced {
			t.Fatalf("%s: client %+v", st.name, got.PromobSync)
		}
		l, err := h.store.PromobLink(ctx, "s1", "u1")
		if err != nil || l.Status != st.wantLink {
			t.Fatalf("%s: link %+v %v", st.name, l, err)
		}
		notes, err := h.store.Notifications(ctx, "s1", "u1", true, 10)
		if err != nil || len(notes) != st.wantNotices {
			t.Fatalf("%s: notifications %+v %v", st.name, notes, err)
		}
		if len(notes) == 1 && (notes[0].Action == nil || notes[0].Action.Type != "link_promob") {
			t.Fatalf("%s: notification %+v", st.name, notes[0])
		}
		if customers, _, _ := h.account(); customers != i+1 {
			t.Fatalf("%s: customers = %d", st.name, customers)
		}
	}
	var acc struct {
		Calls []struct{ Path, Caller string }
	}
	if err := json.NewDecoder(h.call("GET", "/_sim/accounts/acc-1", "", nil).Body).Decode(&acc); err != nil {
		t.Fatal(err)
	}
	byUser := 0
	for _, c := range acc.Calls {
		if c.Caller == "user:ana" && c.Path == "/v1/accounts/acc-1/customers" {
			byUser++
		}
	}
	if byUser != 1 {
		t.Fatalf("customers created with ana's token: %d, want 1 (before the password changed)", byUser)
	}
}
