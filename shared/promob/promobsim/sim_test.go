package promobsim

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAccountSetup(t *testing.T) {
	h := newHarness(t, "")
	first := h.do("PUT", "/_sim/accounts/acc1", map[string]any{
		"webhookUrl": "http://127.0.0.1:9/webhooks/promob/acc1",
		"users":      []map[string]string{{"user": "designer@store", "password": "s3cret"}},
	}).want(t, http.StatusCreated).json(t)
	token, secret := first["integrationToken"].(string), first["webhookSecret"].(string)
	if !strings.HasPrefix(token, "pmi_") || !strings.HasPrefix(secret, "whsec_") || first["accountId"] != "acc1" {
		t.Fatalf("created account answer = %v", first)
	}

	again := h.do("PUT", "/_sim/accounts/acc1", map[string]any{"webhookUrl": "http://127.0.0.1:9/other"}).want(t, http.StatusOK).json(t)
	if again["integrationToken"] != token || again["webhookSecret"] != secret {
		t.Errorf("update changed the token or secret: %v", again)
	}
	fixed := h.do("PUT", "/_sim/accounts/acc1", map[string]any{"integrationToken": "local-integration-token", "webhookSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}).want(t, http.StatusOK).json(t)
	if fixed["integrationToken"] != "local-integration-token" || fixed["webhookSecret"] != "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" {
		t.Errorf("fixed token and secret not taken: %v", fixed)
	}
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(token)...).want(t, http.StatusUnauthorized)
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer("local-integration-token")...).want(t, http.StatusOK)

	view := h.do("GET", "/_sim/accounts/acc1", nil).want(t, http.StatusOK).json(t)
	users := view["users"].([]any)
	if view["webhookUrl"] != "http://127.0.0.1:9/other" || len(users) != 1 || users[0].(map[string]any)["user"] != "designer@store" {
		t.Errorf("account view = %v", view)
	}

	for name, body := range map[string]any{
		"bad secret":     map[string]any{"webhookSecret": "not-a-secret"},
		"relative url":   map[string]any{"webhookUrl": "/webhooks"},
		"empty token":    map[string]any{"integrationToken": ""},
		"user, no pass":  map[string]any{"users": []map[string]string{{"user": "x"}}},
		"unknown field":  map[string]any{"webhookURL2": "x"},
		"not json":       "{",
		"duplicate user": map[string]any{"users": []map[string]string{{"user": "x", "password": "1"}, {"user": "x", "password": "2"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if code := h.do("PUT", "/_sim/accounts/acc1", body).want(t, http.StatusBadRequest).errorCode(t); code != codeInvalid {
				t.Errorf("code %q", code)
			}
		})
	}
	h.do("GET", "/_sim/accounts/nobody", nil).want(t, http.StatusNotFound)
	h.do("DELETE", "/_sim/accounts/acc1", nil).want(t, http.StatusNoContent)
	h.do("GET", "/_sim/accounts/acc1", nil).want(t, http.StatusNotFound)
}

func TestVerifyUser(t *testing.T) {
	h := newHarness(t, "")
	token := h.account("acc1", map[string]any{"users": []map[string]string{{"user": "designer@store", "password": "s3cret"}}})
	other := h.account("acc2", nil)
	tests := []struct {
		name   string
		bearer string
		body   any
		status int
	}{
		{"right password", token, map[string]string{"user": "designer@store", "password": "s3cret"}, http.StatusOK},
		{"wrong password", token, map[string]string{"user": "designer@store", "password": "nope"}, http.StatusUnauthorized},
		{"unknown user", token, map[string]string{"user": "ghost", "password": "s3cret"}, http.StatusUnauthorized},
		{"no password", token, map[string]string{"user": "designer@store"}, http.StatusBadRequest},
		{"no bearer", "", map[string]string{"user": "designer@store", "password": "s3cret"}, http.StatusUnauthorized},
		{"other account's token", other, map[string]string{"user": "designer@store", "password": "s3cret"}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.bearer != "" {
				hdr = bearer(tt.bearer)
			}
			a := h.do("POST", "/v1/accounts/acc1/users/verify", tt.body, hdr...).want(t, tt.status)
			if tt.status != http.StatusOK {
				a.errorCode(t)
				return
			}
			m := a.json(t)
			exp, err := time.Parse(time.RFC3339, m["expiresAt"].(string))
			if !strings.HasPrefix(m["token"].(string), "pmt_") || err != nil || exp.Before(h.clock.Now().Add(TokenTTL-time.Minute)) {
				t.Errorf("verify answer = %v", m)
			}
		})
	}

	t.Run("user token works until it expires", func(t *testing.T) {
		user := h.do("POST", "/v1/accounts/acc1/users/verify", map[string]string{"user": "designer@store", "password": "s3cret"}, bearer(token)...).want(t, http.StatusOK).json(t)["token"].(string)
		h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(user)...).want(t, http.StatusOK)
		h.do("GET", "/v1/accounts/acc2/projects", nil, bearer(user)...).want(t, http.StatusUnauthorized)
		h.clock.Advance(TokenTTL + time.Second)
		a := h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(user)...).want(t, http.StatusUnauthorized)
		if a.errorCode(t) != codeUnauthorized || a.header.Get("WWW-Authenticate") == "" {
			t.Errorf("expired token answer: %v %s", a.header, a.body)
		}
		h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(token)...).want(t, http.StatusOK)
	})
}

func TestPasswordChangeRevokesTokens(t *testing.T) {
	h := newHarness(t, "")
	token := h.account("acc1", map[string]any{"users": []map[string]string{{"user": "ana", "password": "old"}, {"user": "bia", "password": "pw"}}})
	verify := func(user, pass string) answer {
		return h.do("POST", "/v1/accounts/acc1/users/verify", map[string]string{"user": user, "password": pass}, bearer(token)...)
	}
	ana := verify("ana", "old").want(t, http.StatusOK).json(t)["token"].(string)
	bia := verify("bia", "pw").want(t, http.StatusOK).json(t)["token"].(string)

	h.do("POST", "/_sim/accounts/acc1/users/ana/password", map[string]string{"password": "new"}).want(t, http.StatusNoContent)
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(ana)...).want(t, http.StatusUnauthorized)
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(bia)...).want(t, http.StatusOK)
	verify("ana", "old").want(t, http.StatusUnauthorized)
	fresh := verify("ana", "new").want(t, http.StatusOK).json(t)["token"].(string)
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(fresh)...).want(t, http.StatusOK)

	// Replacing the user list through PUT: an unchanged user keeps its
	// tokens, a removed one loses them.
	h.do("PUT", "/_sim/accounts/acc1", map[string]any{"users": []map[string]string{{"user": "ana", "password": "new"}}}).want(t, http.StatusOK)
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(fresh)...).want(t, http.StatusOK)
	h.do("GET", "/v1/accounts/acc1/projects", nil, bearer(bia)...).want(t, http.StatusUnauthorized)

	h.do("POST", "/_sim/accounts/acc1/users/ghost/password", map[string]string{"password": "x"}).want(t, http.StatusNotFound)
	h.do("POST", "/_sim/accounts/acc1/users/ana/password", map[string]string{"password": ""}).want(t, http.StatusBadRequest)
}

func TestCustomerIdempotency(t *testing.T) {
	h := newHarness(t, "")
	token := h.account("acc1", nil)
	path := "/v1/accounts/acc1/customers"
	body := map[string]string{"externalId": "cli-9", "name": "João", "document": "123", "email": "j@x", "phone": "1"}

	first := h.do("POST", path, body, append(bearer(token), "Idempotency-Key", "k1")...).want(t, http.StatusCreated)
	second := h.do("POST", path, body, append(bearer(token), "Idempotency-Key", "k1")...).want(t, http.StatusCreated)
	if string(first.body) != string(second.body) {
		t.Fatalf("repeat answered %s, first %s", second.body, first.body)
	}
	h.do("POST", path, map[string]string{"name": "Outro"}, append(bearer(token), "Idempotency-Key", "k1")...).want(t, http.StatusConflict)
	h.do("POST", path, body, bearer(token)...).want(t, http.StatusBadRequest)
	h.do("POST", path, map[string]string{"name": ""}, append(bearer(token), "Idempotency-Key", "k2")...).want(t, http.StatusBadRequest)
	third := h.do("POST", path, body, append(bearer(token), "Idempotency-Key", "k3")...).want(t, http.StatusCreated)
	if string(third.body) == string(first.body) {
		t.Error("a new key returned the first customer")
	}

	view := h.do("GET", "/_sim/accounts/acc1", nil).want(t, http.StatusOK).json(t)
	if n := len(view["customers"].([]any)); n != 2 {
		t.Errorf("%d customers, want 2 (k1 once, k3 once)", n)
	}
	var k1, replayed int
	for _, c := range view["calls"].([]any) {
		c := c.(map[string]any)
		if c["idempotencyKey"] == "k1" {
			k1++
			if c["replayed"] == true {
				replayed++
			}
		}
	}
	if k1 != 3 || replayed != 1 {
		t.Errorf("calls with k1: %d (replayed %d), want 3 (1)", k1, replayed)
	}
}

func TestProjectsAndEnvironments(t *testing.T) {
	h := newHarness(t, "")
	f := h.fixture("acc1", nil)
	base := "/v1/accounts/acc1"

	blank := h.do("GET", "/v1"+f.envPath()+"/listing", nil, bearer(f.token)...).want(t, http.StatusOK)
	facts := parseListing(t, blank.body)
	if facts.Project.GUID != f.project || facts.Ambient.GUID != f.env || facts.Ambient.Description != "Cozinha" || facts.Items != NewEnvironmentParts {
		t.Errorf("blank listing facts = %+v", facts)
	}
	if !strings.Contains(string(blank.body), `VALUE="Maria Souza"`) {
		t.Error("blank listing does not carry the customer's name")
	}

	custom := `<?xml version='1.0' encoding='utf-8'?><LISTING ID="BUDGET_STRUCTURED_W_OP"><PROJECTGUID GUID="` + f.project +
		`" /><AMBIENTS><AMBIENT GUID="` + f.env + `" DESCRIPTION="Cozinha" UNIQUEID="3\0"></AMBIENT></AMBIENTS></LISTING>`
	rev := h.do("PUT", "/_sim"+f.envPath(), custom).want(t, http.StatusOK).json(t)
	if rev["revision"] != 2.0 {
		t.Fatalf("control save answered %v, want revision 2", rev)
	}

	envs := base + "/projects/" + f.project + "/environments"
	tests := []struct {
		name     string
		source   map[string]any
		wantItem int
	}{
		{"copy of revision 1", map[string]any{"kind": "copy", "environmentId": f.env, "revision": 1}, NewEnvironmentParts},
		{"copy of the current revision", map[string]any{"kind": "copy", "environmentId": f.env}, 0},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := h.create(f.token, envs, fmt.Sprintf("copy-%d", i), "environmentId", map[string]any{"externalId": "amb-c", "name": "Cozinha (cópia)", "source": tt.source})
			listing := h.do("GET", envs+"/"+id+"/listing", nil, bearer(f.token)...).want(t, http.StatusOK)
			got := parseListing(t, listing.body)
			if got.Ambient.GUID != id || got.Ambient.Description != "Cozinha (cópia)" || got.Project.GUID != f.project || got.Items != tt.wantItem {
				t.Errorf("copy facts = %+v", got)
			}
			if listing.header.Get("Promob-Revision") != "1" {
				t.Errorf("copy's Promob-Revision %q, want 1", listing.header.Get("Promob-Revision"))
			}
		})
	}

	for name, c := range map[string]struct {
		path   string
		body   any
		status int
	}{
		"project of unknown customer":    {base + "/projects", map[string]string{"customerId": "nope", "name": "P"}, http.StatusNotFound},
		"environment of unknown project": {base + "/projects/nope/environments", map[string]any{"name": "E"}, http.StatusNotFound},
		"copy of unknown environment":    {envs, map[string]any{"name": "E", "source": map[string]any{"kind": "copy", "environmentId": "nope"}}, http.StatusNotFound},
		"copy of unknown revision":       {envs, map[string]any{"name": "E", "source": map[string]any{"kind": "copy", "environmentId": f.env, "revision": 9}}, http.StatusNotFound},
		"unknown source kind":            {envs, map[string]any{"name": "E", "source": map[string]any{"kind": "template"}}, http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			h.do("POST", c.path, c.body, append(bearer(f.token), "Idempotency-Key", "neg-"+name)...).want(t, c.status).errorCode(t)
		})
	}

	status := base + "/projects/" + f.project + "/status"
	h.do("PUT", status, map[string]any{"situation": "Em negociação", "stage": "Orçamento", "environmentId": f.env, "version": 3}, bearer(f.token)...).want(t, http.StatusNoContent)
	h.do("PUT", status, map[string]any{"situation": "X", "environmentId": "nope"}, bearer(f.token)...).want(t, http.StatusNotFound)
	h.do("PUT", status, map[string]any{}, bearer(f.token)...).want(t, http.StatusBadRequest)
	h.do("PUT", base+"/projects/nope/status", map[string]any{"stage": "X"}, bearer(f.token)...).want(t, http.StatusNotFound)

	list := h.do("GET", base+"/projects", nil, bearer(f.token)...).want(t, http.StatusOK).json(t)
	projects := list["projects"].([]any)
	if len(projects) != 1 {
		t.Fatalf("Connect list = %v", list)
	}
	p := projects[0].(map[string]any)
	envList := p["environments"].([]any)
	if p["situation"] != "Em negociação" || p["stage"] != "Orçamento" || p["customerId"] != f.customer || len(envList) != 3 {
		t.Errorf("Connect project = %v", p)
	}
	if e := envList[0].(map[string]any); e["environmentId"] != f.env || e["revision"] != 2.0 || e["name"] != "Cozinha" {
		t.Errorf("first environment = %v", e)
	}
}

func TestListingByRevision(t *testing.T) {
	h := newHarness(t, "")
	f := h.fixture("acc1", nil)
	h.do("PUT", "/_sim"+f.envPath()+"?parts=12&seed=5", nil, "Promob-Name", "Cozinha%20Nova").want(t, http.StatusOK)
	path := "/v1" + f.envPath() + "/listing"
	tests := []struct {
		query  string
		status int
		rev    string
		items  int
	}{
		{"", http.StatusOK, "2", 12},
		{"?revision=2", http.StatusOK, "2", 12},
		{"?revision=1", http.StatusOK, "1", NewEnvironmentParts},
		{"?revision=3", http.StatusNotFound, "", 0},
		{"?revision=0", http.StatusBadRequest, "", 0},
		{"?revision=abc", http.StatusBadRequest, "", 0},
	}
	for _, tt := range tests {
		t.Run("query "+tt.query, func(t *testing.T) {
			a := h.do("GET", path+tt.query, nil, bearer(f.token)...).want(t, tt.status)
			if tt.status != http.StatusOK {
				a.errorCode(t)
				return
			}
			if a.header.Get("Promob-Revision") != tt.rev || !strings.HasPrefix(a.header.Get("Content-Type"), "application/xml") {
				t.Errorf("headers %v", a.header)
			}
			if got := parseListing(t, a.body); got.Items != tt.items {
				t.Errorf("%d items, want %d", got.Items, tt.items)
			}
		})
	}
	if got := parseListing(t, h.do("GET", path, nil, bearer(f.token)...).body); got.Ambient.Description != "Cozinha Nova" {
		t.Errorf("Promob-Name not applied: %q", got.Ambient.Description)
	}
	h.do("GET", "/v1/accounts/acc1/projects/"+f.project+"/environments/nope/listing", nil, bearer(f.token)...).want(t, http.StatusNotFound)
	h.do("GET", "/v1/accounts/acc1/projects/nope/environments/"+f.env+"/listing", nil, bearer(f.token)...).want(t, http.StatusNotFound)

	// A control save into an unknown project creates both.
	h.do("PUT", "/_sim/accounts/acc1/projects/p-new/environments/e-new", "<LISTING/>").want(t, http.StatusOK)
	got := h.do("GET", "/v1/accounts/acc1/projects/p-new/environments/e-new/listing", nil, bearer(f.token)...).want(t, http.StatusOK)
	if string(got.body) != "<LISTING/>" {
		t.Errorf("stored listing %q", got.body)
	}
	h.do("PUT", "/_sim/accounts/acc1/projects/"+f.project+"/environments/e-new", "<LISTING/>").want(t, http.StatusConflict)
}

func TestFaults(t *testing.T) {
	h := newHarness(t, "")
	token := h.account("acc1", nil)
	path := "/v1/accounts/acc1/projects"

	h.do("POST", "/_sim/faults", map[string]int{"failNext": 2, "status": 503}).want(t, http.StatusOK)
	for i := range 2 {
		a := h.do("GET", path, nil, bearer(token)...).want(t, http.StatusServiceUnavailable)
		if a.errorCode(t) != codeFault || a.header.Get("Retry-After") == "" {
			t.Errorf("fault %d: %v %s", i, a.header, a.body)
		}
	}
	h.do("GET", path, nil, bearer(token)...).want(t, http.StatusOK)

	// A faulted create creates nothing; its retry with the same key does.
	h.do("POST", "/_sim/faults", map[string]int{"failNext": 1, "status": 500}).want(t, http.StatusOK)
	h.do("POST", "/v1/accounts/acc1/customers", map[string]string{"name": "A"}, append(bearer(token), "Idempotency-Key", "f1")...).want(t, http.StatusInternalServerError)
	h.do("POST", "/v1/accounts/acc1/customers", map[string]string{"name": "A"}, append(bearer(token), "Idempotency-Key", "f1")...).want(t, http.StatusCreated)

	h.do("POST", "/_sim/faults", map[string]int{"failNext": 1, "delayMs": 150}).want(t, http.StatusOK)
	start := time.Now()
	h.do("GET", path, nil, bearer(token)...).want(t, http.StatusOK)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("delayed call took %v", d)
	}

	h.do("POST", "/_sim/faults", map[string]int{"failNext": 5, "status": 429}).want(t, http.StatusOK)
	if f := h.do("GET", "/_sim/faults", nil).want(t, http.StatusOK).json(t); f["failNext"] != 5.0 || f["status"] != 429.0 {
		t.Errorf("faults = %v", f)
	}
	h.do("GET", "/_sim/accounts/acc1", nil).want(t, http.StatusOK) // the control API is not faulted
	h.do("DELETE", "/_sim/faults", nil).want(t, http.StatusNoContent)
	h.do("GET", path, nil, bearer(token)...).want(t, http.StatusOK)
	h.do("POST", "/_sim/faults", map[string]int{"failNext": 1, "status": 200}).want(t, http.StatusBadRequest)
	h.do("POST", "/_sim/faults", map[string]float64{"failRate": 1.5}).want(t, http.StatusBadRequest)

	view := h.do("GET", "/_sim/accounts/acc1", nil).json(t)
	faulted := 0
	for _, c := range view["calls"].([]any) {
		if c.(map[string]any)["fault"] == true {
			faulted++
		}
	}
	if faulted != 3 || len(view["customers"].([]any)) != 1 {
		t.Errorf("%d faulted calls (want 3), customers %v", faulted, view["customers"])
	}
	// A fail rate fails about that share of the calls, until cleared.
	h.do("POST", "/_sim/faults", map[string]float64{"failRate": 0.3}).want(t, http.StatusOK)
	failed := 0
	for range 400 {
		if a := h.do("GET", path, nil, bearer(token)...); a.status == http.StatusServiceUnavailable {
			failed++
		}
	}
	if failed < 70 || failed > 170 {
		t.Errorf("failRate 0.3 failed %d of 400 calls", failed)
	}
	h.do("DELETE", "/_sim/faults", nil).want(t, http.StatusNoContent)
	h.do("GET", path, nil, bearer(token)...).want(t, http.StatusOK)
}

func TestPersistence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state", "promobsim.json")
	h1 := newHarness(t, file)
	f := h1.fixture("acc1", map[string]any{"users": []map[string]string{{"user": "ana", "password": "pw"}}})
	user := h1.do("POST", "/v1/accounts/acc1/users/verify", map[string]string{"user": "ana", "password": "pw"}, bearer(f.token)...).want(t, http.StatusOK).json(t)["token"].(string)
	h1.do("PUT", "/_sim"+f.envPath()+"?parts=9", nil).want(t, http.StatusOK)
	listing := h1.do("GET", "/v1"+f.envPath()+"/listing?revision=2", nil, bearer(user)...).want(t, http.StatusOK).body
	before := h1.do("GET", "/_sim/accounts/acc1", nil).json(t)

	h2 := newHarness(t, file)
	after := h2.do("GET", "/_sim/accounts/acc1", nil).want(t, http.StatusOK).json(t)
	for _, k := range []string{"integrationToken", "webhookSecret"} {
		if before[k] != after[k] {
			t.Errorf("%s changed across restart", k)
		}
	}
	if len(after["customers"].([]any)) != 1 || len(after["projects"].([]any)) != 1 {
		t.Errorf("reloaded state = %v", after)
	}
	if got := h2.do("GET", "/v1"+f.envPath()+"/listing?revision=2", nil, bearer(user)...).want(t, http.StatusOK).body; string(got) != string(listing) {
		t.Error("listing revision 2 differs after reload")
	}
	// The idempotency record survives too.
	again := h2.create(f.token, "/v1/accounts/acc1/customers", "c-1", "customerId", map[string]string{"externalId": "cli-1", "name": "Maria Souza"})
	if again != f.customer {
		t.Errorf("repeat after reload created %s, want %s", again, f.customer)
	}

	if _, err := New(Options{DataFile: filepath.Join(t.TempDir(), "missing.json")}); err != nil {
		t.Errorf("missing state file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{DataFile: bad}); err == nil {
		t.Error("New accepted a corrupt state file")
	}
}

func TestControlLoopbackOnly(t *testing.T) {
	sim, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		remote, path string
		status       int
	}{
		{"192.0.2.10:4000", "/_sim/health", http.StatusForbidden},
		{"[2001:db8::1]:4000", "/_sim/accounts/a", http.StatusForbidden},
		{"127.0.0.1:4000", "/_sim/health", http.StatusOK},
		{"[::1]:4000", "/_sim/health", http.StatusOK},
		{"192.0.2.10:4000", "/v1/accounts/a/projects", http.StatusNotFound}, // the Promob API is not loopback-only
		{"127.0.0.1:4000", "/nowhere", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.remote+tt.path, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.path, nil)
			r.RemoteAddr = tt.remote
			w := httptest.NewRecorder()
			sim.ServeHTTP(w, r)
			a := answer{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
			a.want(t, tt.status)
			if tt.status != http.StatusOK {
				a.errorCode(t)
			}
		})
	}
}

// TestConcurrentCreates sends the same and distinct keys from many
// goroutines: each key creates exactly one customer.
func TestConcurrentCreates(t *testing.T) {
	h := newHarness(t, filepath.Join(t.TempDir(), "s.json"))
	token := h.account("acc1", nil)
	var wg sync.WaitGroup
	ids := make([]string, 40)
	for i := range ids {
		wg.Go(func() {
			key := fmt.Sprintf("k%d", i%10)
			ids[i] = h.create(token, "/v1/accounts/acc1/customers", key, "customerId", map[string]string{"name": key})
		})
	}
	wg.Wait()
	for i := range ids {
		if ids[i] != ids[i%10] {
			t.Errorf("key k%d answered %s and %s", i%10, ids[i], ids[i%10])
		}
	}
	if n := len(h.do("GET", "/_sim/accounts/acc1", nil).json(t)["customers"].([]any)); n != 10 {
		t.Errorf("%d customers, want 10", n)
	}
}

func TestRetarget(t *testing.T) {
	in := `<LISTING><PROJECTGUID GUID="p-old" /><AMBIENTS><AMBIENT GUID="e-old" DESCRIPTION="Old" UNIQUEID="3\0"><X GUID="keep"/></AMBIENT></AMBIENTS></LISTING>`
	got := string(retarget([]byte(in), "p-new", "e-new", `Nova & "boa"`))
	want := `<LISTING><PROJECTGUID GUID="p-new" /><AMBIENTS><AMBIENT GUID="e-new" DESCRIPTION="Nova &amp; &#34;boa&#34;" UNIQUEID="3\0"><X GUID="keep"/></AMBIENT></AMBIENTS></LISTING>`
	if got != want {
		t.Errorf("retarget =\n%s\nwant\n%s", got, want)
	}
	if got := string(retarget([]byte("<LISTING/>"), "p", "e", "n")); got != "<LISTING/>" {
		t.Errorf("retarget without targets = %s", got)
	}
}

func TestAccountInfo(t *testing.T) {
	h := newHarness(t, "")
	h.do("PUT", "/_sim/accounts/acc1", map[string]any{
		"integrationToken": "pmi-1", "cnpj": "11222333000181", "serialNumbers": []string{"SN-1", "SN-2"},
		"users": []map[string]string{{"user": "designer", "password": "s3cret"}},
	}).want(t, http.StatusCreated)
	h.do("PUT", "/_sim/accounts/acc2", map[string]any{"integrationToken": "pmi-2"}).want(t, http.StatusCreated)

	got := h.do("GET", "/v1/accounts/acc1", nil, bearer("pmi-1")...).want(t, http.StatusOK).json(t)
	if got["accountId"] != "acc1" || got["cnpj"] != "11222333000181" || fmt.Sprint(got["serialNumbers"]) != "[SN-1 SN-2]" {
		t.Errorf("account = %v", got)
	}
	user := h.do("POST", "/v1/accounts/acc1/users/verify", map[string]string{"user": "designer", "password": "s3cret"}, bearer("pmi-1")...).want(t, http.StatusOK).json(t)
	for name, tok := range map[string]string{"another account's token": "pmi-2", "a user's token": user["token"].(string), "no token": ""} {
		t.Run(name, func(t *testing.T) {
			h.do("GET", "/v1/accounts/acc1", nil, bearer(tok)...).want(t, http.StatusUnauthorized)
		})
	}
	h.do("GET", "/v1/accounts/nobody", nil, bearer("pmi-1")...).want(t, http.StatusNotFound)
	if got := h.do("GET", "/v1/accounts/acc2", nil, bearer("pmi-2")...).want(t, http.StatusOK).json(t); fmt.Sprint(got["serialNumbers"]) != "[]" {
		t.Errorf("account without serials = %v", got)
	}
}
