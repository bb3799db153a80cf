package httpapi_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// fakePromob accepts user "ana" with password "right-pass"; user "down"
// finds Promob unavailable. Its accounts are promobAccounts.
type fakePromob struct{ calls int }

// Projects lists one project of customer "Ana Silva" with one environment
// for the account's integration token and ana's token.
func (f *fakePromob) Projects(_ context.Context, account, token string) ([]promob.ConnectProject, error) {
	if account != "acc-s1" || (token != "pmi-s1" && token != "pmt_secret_token") {
		return nil, &promob.Error{Status: http.StatusUnauthorized}
	}
	return []promob.ConnectProject{
		{ProjectID: "pp-1", Name: "Casa Silva", CustomerName: "Ana Silva", Environments: []promob.ConnectEnvironment{{EnvironmentID: "pe-1", Name: "Cozinha", Revision: 3}}},
		{ProjectID: "pp-2", Name: "Loja Centro", CustomerName: "Bruno Costa", Environments: []promob.ConnectEnvironment{}},
	}, nil
}

// promobAccounts are the accounts the tests' Promob knows, each with its
// integration token: CNPJ 11.222.333/0001-81, serials SN-1 and SN-2
// (acc-2: CNPJ 45.723.174/0001-10, serial SN-9).
var promobAccounts = map[string]struct {
	token string
	acc   promob.Account
}{
	"acc-1":  {"pmi-1", promob.Account{AccountID: "acc-1", CNPJ: "11222333000181", SerialNumbers: []string{"SN-1", "SN-2"}}},
	"acc-s1": {"pmi-s1", promob.Account{AccountID: "acc-s1", CNPJ: "11222333000181", SerialNumbers: []string{"SN-1", "SN-2"}}},
	"acc-2":  {"pmi-2", promob.Account{AccountID: "acc-2", CNPJ: "45723174000110", SerialNumbers: []string{"SN-9"}}},
}

// Account answers as Promob does: 404 for an account it does not know,
// 401 for a token that is not the account's; account "down" is unavailable.
func (f *fakePromob) Account(_ context.Context, account, token string) (promob.Account, error) {
	a, ok := promobAccounts[account]
	switch {
	case account == "down":
		return promob.Account{}, &promob.Error{Status: http.StatusServiceUnavailable}
	case !ok:
		return promob.Account{}, &promob.Error{Status: http.StatusNotFound}
	case token != a.token:
		return promob.Account{}, &promob.Error{Status: http.StatusUnauthorized}
	}
	return a.acc, nil
}

func (f *fakePromob) VerifyUser(_ context.Context, account, token, user, password string) (promob.UserToken, error) {
	f.calls++
	switch {
	case user == "down":
		return promob.UserToken{}, &promob.Error{Status: http.StatusServiceUnavailable}
	case account != "acc-s1" || token != "pmi-s1":
		return promob.UserToken{}, &promob.Error{Status: http.StatusUnauthorized}
	case user == "ana" && password == "right-pass":
		return promob.UserToken{Token: "pmt_secret_token", ExpiresAt: time.Now().Add(time.Hour)}, nil
	}
	return promob.UserToken{}, &promob.Error{Status: http.StatusUnauthorized}
}

// newPromobCatalog is the catalog fixture with store s1's integration
// configured (account acc-s1, integration token pmi-s1) and Promob linking
// on; s2 has no integration.
func newPromobCatalog(t *testing.T) (*catalog, *recordingQueue) {
	t.Helper()
	c := newCatalog(t)
	box, err := tokenbox.New(base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.store.SaveIntegration(context.Background(), domain.Integration{StoreID: "s1", CNPJ: "11222333000181",
		PromobAccountID: "acc-s1", SerialNumbers: []string{"SN-1"}, PromobAPIToken: "pmi-s1"}, domain.NewWebhookSecret(), time.Now())
	must(t, err)
	q := &recordingQueue{}
	c.imports = q
	c.proxy = httpadapter.NewV2(httpapi.NewServer(c.store, q, q, time.Now, httpapi.WithPromobLink(&fakePromob{}, box),
		httpapi.WithPromobProjects(&fakePromob{}), httpapi.WithPromobAccounts(&fakePromob{})))
	return c, q
}

// TestPromobProjects lists the store's Promob projects filtered by the
// project's or the customer's name, as a legacy link picks them.
func TestPromobProjects(t *testing.T) {
	c, _ := newPromobCatalog(t)
	tests := []struct{ query, want string }{
		{"", "[pp-1 pp-2]"},
		{"?q=silva", "[pp-1]"},       // the project's name
		{"?q=BRUNO", "[pp-2]"},       // the customer's name, ignoring case
		{"?q=%20costa%20", "[pp-2]"}, // blanks around
		{"?q=nobody", "[]"},
	}
	for _, tt := range tests {
		status, body := c.do(seller, "GET", "/v1/promob/projects"+tt.query, "", "")
		var ids []string
		for _, p := range body["projects"].([]any) {
			ids = append(ids, p.(map[string]any)["projectId"].(string))
		}
		if status != 200 || fmt.Sprint(ids) != tt.want {
			t.Errorf("%q: %d %v, want %s", tt.query, status, ids, tt.want)
		}
	}
	if status, body := c.do(seller, "GET", "/v1/promob/projects?q=silva", "", ""); fmt.Sprint(body["projects"]) !=
		"[map[customerName:Ana Silva environments:[map[environmentId:pe-1 name:Cozinha revision:3]] name:Casa Silva projectId:pp-1]]" {
		t.Errorf("project: %d %v", status, body)
	}
	if status, body := c.do(otherStore, "GET", "/v1/promob/projects", "", ""); status != 404 || errCode(body) != domain.CodeNotConfigured {
		t.Errorf("a store without integration: %d %v", status, body)
	}
}

func TestPromobLink(t *testing.T) {
	c, _ := newPromobCatalog(t)
	status, body := c.do(seller, "GET", "/v1/me", "", "")
	if status != 200 || body["promobLink"].(map[string]any)["status"] != domain.LinkNotLinked || body["userId"] != "u2" || body["storeId"] != "s1" {
		t.Fatalf("before linking: %d %v", status, body)
	}
	status, body = c.do(seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana","promobPassword":"right-pass"}`)
	if status != 200 || body["status"] != domain.LinkLinked {
		t.Fatalf("link: %d %v", status, body)
	}
	if status, body = c.do(seller, "GET", "/v1/me", "", ""); body["promobLink"].(map[string]any)["status"] != domain.LinkLinked {
		t.Fatalf("after linking: %d %v", status, body)
	}
	if status, body = c.do(admin, "GET", "/v1/me", "", ""); body["promobLink"].(map[string]any)["status"] != domain.LinkNotLinked {
		t.Fatalf("another user: %d %v", status, body)
	}
	table := c.dump()
	if strings.Contains(table, "right-pass") || strings.Contains(table, "pmt_secret_token") {
		t.Fatalf("the password or the token is stored in clear:\n%s", table)
	}
	if !strings.Contains(table, `"sealedToken"`) {
		t.Fatalf("no sealed token stored:\n%s", table)
	}
	status, body = c.do(admin, "GET", "/v1/integration", "", "")
	if pre := body["prerequisites"].(map[string]any); pre["linkedUsers"] != float64(1) || fmt.Sprint(pre["unlinkedUsers"]) != "[map[status:not_linked userId:u1]]" {
		t.Fatalf("prerequisites (u1 is not the responsible user): %d %v", status, body)
	}
}

func TestPromobActionRefusals(t *testing.T) {
	tests := []refusal{
		{"wrong password", seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana","promobPassword":"wrong"}`, 422, domain.CodePromobCredentialsInvalid},
		{"unknown user", seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"zeca","promobPassword":"right-pass"}`, 422, domain.CodePromobCredentialsInvalid},
		{"Promob unavailable", seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"down","promobPassword":"x"}`, 502, domain.CodePromobUnavailable},
		{"no password", seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana"}`, 400, domain.CodeInvalid},
		{"blank user", seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"  ","promobPassword":"x"}`, 400, domain.CodeInvalid},
		{"unknown field", seller, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana","promobPassword":"right-pass","x":1}`, 400, domain.CodeMalformedJSON},
		{"link not JSON", seller, "POST", "/v1/me/promob-link", "text/plain", `promobUser=ana`, 415, domain.CodeUnsupportedMedia},
		{"link without roles", noRoles, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana","promobPassword":"right-pass"}`, 403, domain.CodeForbidden},
		{"link without integration", seller2, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana","promobPassword":"right-pass"}`, 404, domain.CodeNotConfigured},

		{"environment without name", seller, "POST", "/v1/projects/{project}/environments", "application/json", `{"name":" "}`, 400, domain.CodeInvalid},
		{"environment bad JSON", seller, "POST", "/v1/projects/{project}/environments", "application/json", `{"name":`, 400, domain.CodeMalformedJSON},
		{"environment not JSON", seller, "POST", "/v1/projects/{project}/environments", "text/plain", `name`, 415, domain.CodeUnsupportedMedia},
		{"environment by a reviewer", reviewer, "POST", "/v1/projects/{project}/environments", "application/json", `{"name":"Sala"}`, 403, domain.CodeForbidden},
		{"environment of an unknown project", seller, "POST", "/v1/projects/nope/environments", "application/json", `{"name":"Sala"}`, 404, domain.CodeNotFound},
		{"environment of another store's project", seller2, "POST", "/v1/projects/{project}/environments", "application/json", `{"name":"Sala"}`, 404, domain.CodeNotFound},

		{"retry of a ready environment", seller, "POST", "/v1/environments/{env}/retry", "", "", 409, domain.CodeAlreadySynced},
		{"retry of another store's environment", seller2, "POST", "/v1/environments/{env}/retry", "", "", 404, domain.CodeNotFound},
		{"retry by a finance user", finance, "POST", "/v1/environments/{env}/retry", "", "", 403, domain.CodeForbidden},

		{"sync of another store's client", seller2, "POST", "/v1/clients/{client}/sync", "", "", 404, domain.CodeNotFound},
		{"sync without roles", noRoles, "POST", "/v1/clients/{client}/sync", "", "", 403, domain.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, q := newPromobCatalog(t)
			before := c.dump()
			status, body := c.do(tt.who, tt.method, c.expand(tt.path), tt.contentType, c.expand(tt.body))
			if status != tt.status || errCode(body) != tt.code {
				t.Fatalf("got %d %v, want %d %s", status, body, tt.status, tt.code)
			}
			// A wrong password is counted: the throttle's record is the one
			// write such a refusal makes (TestPromobLinkThrottled).
			if after := withoutThrottle(c.dump()); after != before {
				t.Fatalf("a refused request changed the table:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if len(q.customers)+len(q.environments) != 0 {
				t.Fatalf("a refused request enqueued %v %v", q.customers, q.environments)
			}
		})
	}
}

func TestClientsAndEnvironmentsGoToPromob(t *testing.T) {
	c, q := newPromobCatalog(t)
	status, body := c.do(seller, "POST", "/v1/clients", "application/json", `{"name":"João","document":"529.982.247-25"}`)
	if status != 201 || body["promobSync"].(map[string]any)["status"] != domain.SyncPending {
		t.Fatalf("create client: %d %v", status, body)
	}
	cid := body["id"].(string)
	if len(q.customers) != 1 || q.customers[0] != (message.CustomerCreate{Kind: message.KindCustomerCreate, StoreID: "s1", ClientID: cid, UserID: "u2"}) {
		t.Fatalf("customers queued: %+v", q.customers)
	}
	if status, body = c.do(seller, "POST", "/v1/clients/"+cid+"/sync", "", ""); status != 202 || len(q.customers) != 2 {
		t.Fatalf("sync again: %d %v, queued %d", status, body, len(q.customers))
	}
	must(t, c.store.SetClientSync(context.Background(), "s1", cid, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}))
	if status, body = c.do(seller, "POST", "/v1/clients/"+cid+"/sync", "", ""); status != 409 || errCode(body) != domain.CodeAlreadySynced || len(q.customers) != 2 {
		t.Fatalf("sync of a synced client: %d %v", status, body)
	}

	status, body = c.do(seller, "POST", "/v1/projects/"+c.project+"/environments", "application/json", `{"name":"Sala"}`)
	if status != 202 || body["status"] != domain.EnvCreating {
		t.Fatalf("create environment: %d %v", status, body)
	}
	eid := body["id"].(string)
	if len(q.environments) != 1 || q.environments[0] != (message.EnvironmentCreate{Kind: message.KindEnvironmentCreate, StoreID: "s1", ProjectID: c.project, EnvironmentID: eid, UserID: "u2"}) {
		t.Fatalf("environments queued: %+v", q.environments)
	}
	if status, body = c.do(seller, "GET", "/v1/environments/"+eid, "", ""); status != 200 || body["status"] != domain.EnvCreating || body["promobEnvironmentId"] != "" {
		t.Fatalf("environment while creating: %d %v", status, body)
	}
	must(t, c.store.SetEnvironmentCreation(context.Background(), "s1", eid, domain.EnvFailed, "Promob refused", time.Now()))
	if status, body = c.do(seller, "GET", "/v1/environments/"+eid, "", ""); body["status"] != domain.EnvFailed || body["statusReason"] != "Promob refused" {
		t.Fatalf("failed environment: %d %v", status, body)
	}
	if status, body = c.do(admin, "POST", "/v1/environments/"+eid+"/retry", "", ""); status != 202 || body["status"] != domain.EnvCreating || len(q.environments) != 2 {
		t.Fatalf("retry: %d %v", status, body)
	}
	if status, body = c.do(seller, "GET", "/v1/environments/"+eid, "", ""); body["status"] != domain.EnvCreating || body["statusReason"] != nil {
		t.Fatalf("retried environment: %d %v", status, body)
	}
}

// withoutThrottle drops the credential throttle's rows from a table dump.
func withoutThrottle(dump string) string {
	var rows []string
	for _, row := range strings.Split(dump, "\n") {
		if !strings.Contains(row, `"PK":{"Value":"THROTTLE#`) {
			rows = append(rows, row)
		}
	}
	return strings.Join(rows, "\n")
}

// TestPromobLinkThrottled guesses Promob passwords: after
// domain.UserThrottle.Limit wrong ones the right one is refused with 429
// and Retry-After without asking Promob, also by another instance of the
// API over the same table; another user of the store still links; a
// success forgets the user's failures; many users guessing for one
// account meet the account's throttle.
func TestPromobLinkThrottled(t *testing.T) {
	c, _ := newPromobCatalog(t)
	fake := &fakePromob{}
	box, err := tokenbox.New(base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	if err != nil {
		t.Fatal(err)
	}
	q := &recordingQueue{}
	c.proxy = httpadapter.NewV2(httpapi.NewServer(c.store, q, q, time.Now, httpapi.WithPromobLink(fake, box), httpapi.WithPromobAccounts(fake)))
	other := *c.api // a second instance: its own server, the same table
	other.proxy = httpadapter.NewV2(httpapi.NewServer(c.store, q, q, time.Now, httpapi.WithPromobLink(&fakePromob{}, box), httpapi.WithPromobAccounts(fake)))
	link := func(a *api, who *caller, password string) (int, string) {
		t.Helper()
		status, body := a.do(who, "POST", "/v1/me/promob-link", "application/json", `{"promobUser":"ana","promobPassword":"`+password+`"}`)
		return status, errCode(body)
	}

	// Four wrong, then the right one: linked, and the count starts again.
	for range domain.UserThrottle.Limit - 1 {
		if status, code := link(c.api, seller, "guess"); status != 422 || code != domain.CodePromobCredentialsInvalid {
			t.Fatalf("wrong password: %d %s", status, code)
		}
	}
	if status, _ := link(c.api, seller, "right-pass"); status != 200 {
		t.Fatalf("right password after %d wrong: %d", domain.UserThrottle.Limit-1, status)
	}
	for range domain.UserThrottle.Limit {
		if status, code := link(c.api, seller, "guess"); status != 422 {
			t.Fatalf("wrong password after a success: %d %s", status, code)
		}
	}
	calls := fake.calls
	status, code := link(c.api, seller, "right-pass")
	if status != 429 || code != domain.CodeTooManyAttempts {
		t.Fatalf("right password after %d wrong: %d %s, want 429", domain.UserThrottle.Limit, status, code)
	}
	if wait, err := strconv.Atoi(c.header.Get("Retry-After")); err != nil || wait < 1 || wait > int(domain.UserThrottle.Window.Seconds()) {
		t.Errorf("Retry-After = %q", c.header.Get("Retry-After"))
	}
	if fake.calls != calls {
		t.Errorf("Promob was asked while the user is throttled")
	}
	if status, code := link(&other, seller, "right-pass"); status != 429 || code != domain.CodeTooManyAttempts {
		t.Errorf("another instance: %d %s, want 429", status, code)
	}
	if status, _ := link(c.api, admin, "right-pass"); status != 200 {
		t.Errorf("another user of the store: %d, want 200", status)
	}

	// Users each under their own limit, together over the account's.
	for i := 0; ; i++ {
		who := &caller{"guesser-" + strconv.Itoa(i), "s1", "[seller]"}
		status, code := link(c.api, who, "guess")
		if status == 429 {
			if code != domain.CodeTooManyAttempts || i*domain.UserThrottle.Limit < domain.AccountThrottle.Limit-domain.UserThrottle.Limit {
				t.Fatalf("account throttle after %d users: %d %s", i, status, code)
			}
			break
		}
		for range domain.UserThrottle.Limit - 1 {
			link(c.api, who, "guess")
		}
		if i > domain.AccountThrottle.Limit {
			t.Fatal("the account's throttle never refused")
		}
	}
}
