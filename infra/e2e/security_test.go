package e2e_test

// The security regression suite: each attack on the tenant boundaries, tried
// from outside on the whole stack, as an attacker would. SECURITY.md lists
// what each test proves.

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
)

// keysUnder returns the sorted keys (PK/SK) of every item whose PK starts
// with prefix, read with a consistent scan: what a refused request must
// leave as it was.
func (s *stack) keysUnder(prefix string) []string {
	s.T.Helper()
	pages := dynamodb.NewScanPaginator(local.DynamoDB(), &dynamodb.ScanInput{
		TableName:                 aws.String(s.Resources().TableName),
		FilterExpression:          aws.String("begins_with(PK, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: prefix}},
		ConsistentRead:            aws.Bool(true),
	})
	var keys []string
	for pages.HasMorePages() {
		page, err := pages.NextPage(s.T.Context())
		if err != nil {
			s.T.Fatalf("scan: %v", err)
		}
		for _, it := range page.Items {
			pk, _ := it["PK"].(*types.AttributeValueMemberS)
			sk, _ := it["SK"].(*types.AttributeValueMemberS)
			keys = append(keys, pk.Value+" / "+sk.Value)
		}
	}
	sort.Strings(keys)
	return keys
}

// rawToken returns a gateway token with exactly the claims (plus issuer,
// audience and times), whatever their types.
func (s *stack) rawToken(claims map[string]any) string {
	s.T.Helper()
	return s.TokenClaims(claims, 10*time.Minute)
}

// integrationBody is a PUT /v1/integration body.
func integrationBody(cnpj, account, token string, serials ...string) map[string]any {
	in := map[string]any{"cnpj": cnpj, "promobAccountId": account, "serialNumbers": serials}
	if token != "" {
		in["promobApiToken"] = token
	}
	return in
}

// TestAttackClaimingAnotherStoresAccount is attack 1: a store claims the
// Promob account of another (the victim's), without its integration token,
// with its own token, with the victim's CNPJ and serials but a guessed
// token. Each claim is refused with a clear 4xx and writes nothing; the
// victim then configures its account (no account_in_use lock-out).
func TestAttackClaimingAnotherStoresAccount(t *testing.T) {
	s := startStack(t)
	victim, attacker := localstack.UniqueName("victim"), localstack.UniqueName("attacker")
	accV, accA := localstack.UniqueName("accv"), localstack.UniqueName("acca")
	s.Control(http.MethodPut, "/_sim/accounts/"+accV, map[string]any{
		"integrationToken": "pmi-" + accV, "cnpj": "45723174000110", "serialNumbers": []string{"SN-V1", "SN-V2"},
	}, http.StatusCreated)
	s.Control(http.MethodPut, "/_sim/accounts/"+accA, promobIdentity("pmi-"+accA), http.StatusCreated)
	admin := s.Token("mallory", attacker, "admin")

	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"no integration token", integrationBody("45.723.174/0001-10", accV, "", "SN-V1"), 400, domain.CodeInvalid},
		{"the attacker's own token", integrationBody("11.222.333/0001-81", accV, "pmi-"+accA, "SN-1"), 422, domain.CodePromobAccountMismatch},
		{"the victim's CNPJ and serials, a guessed token", integrationBody("45.723.174/0001-10", accV, "pmi-guess", "SN-V1"), 422, domain.CodePromobAccountMismatch},
		{"the attacker's token, CNPJ and serials for the victim's account", integrationBody("11.222.333/0001-81", accV, "pmi-"+accA, "SN-1", "SN-2"), 422, domain.CodePromobAccountMismatch},
		{"an account Promob does not know", integrationBody("11.222.333/0001-81", localstack.UniqueName("nobody"), "pmi-"+accA, "SN-1"), 422, domain.CodePromobAccountMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(tt.body)
			a := s.Gateway(http.MethodPut, "/v1/integration", admin, body, nil)
			if a.Status != tt.status || errorCodeOf(a.Object(t)) != tt.code {
				t.Fatalf("%d %s, want %d %s", a.Status, a.Body, tt.status, tt.code)
			}
			if keys := append(s.keysUnder("STORE#"+attacker), s.keysUnder("ACCOUNT#"+accV)...); len(keys) != 0 {
				t.Fatalf("a refused claim wrote %v", keys)
			}
		})
	}
	// The store's own account, as Promob knows it, is accepted; with a
	// serial number Promob does not link to it, not.
	body, _ := json.Marshal(integrationBody("11.222.333/0001-81", accA, "pmi-"+accA, "SN-1", "SN-9"))
	if a := s.Gateway(http.MethodPut, "/v1/integration", admin, body, nil); a.Status != 422 || errorCodeOf(a.Object(t)) != domain.CodePromobAccountMismatch {
		t.Fatalf("a serial the account does not hold: %d %s", a.Status, a.Body)
	}
	s.Call(http.MethodPut, "/v1/integration", admin, integrationBody("11.222.333/0001-81", accA, "pmi-"+accA, "SN-1"), http.StatusCreated, nil)
	s.Call(http.MethodPut, "/v1/integration", s.Token("victor", victim, "admin"), integrationBody("45.723.174/0001-10", accV, "pmi-"+accV, "SN-V1", "SN-V2"), http.StatusCreated, nil)
}

// TestAttackReadingThroughAnAccountLeftBehind is the rest of attack 1: store
// A links a Promob environment of its account, then moves to another
// account, and the first account passes to store B (Promob now holds B's
// CNPJ for it). A's update of its environment must not read the listing
// with B's integration token; B's webhooks for that Promob environment
// reach B, not A; B links the environment although A's routing item was
// there.
func TestAttackReadingThroughAnAccountLeftBehind(t *testing.T) {
	s := startRealStack(t)
	storeA, storeB := localstack.UniqueName("storea"), localstack.UniqueName("storeb")
	accX, accY := localstack.UniqueName("accx"), localstack.UniqueName("accy")
	adminA, adminB := s.Token("ua", storeA, "admin"), s.Token("ub", storeB, "admin")

	// A holds accX and links its environment E.
	cfgA := s.configureWithToken(storeA, accX, "pmi-"+accX)
	s.PointWebhooks(cfgA, nil)
	pe := newPromobEnv(s, accX, "pmi-"+accX)
	pe.save(nil, 6)
	envA := legacyImport(s, adminA, pe)
	waitImport(s, adminA, envA, 1, domain.ImportImported)

	// A moves to accY; accX passes to B, with Promob's word for it.
	s.Control(http.MethodPut, "/_sim/accounts/"+accY, promobIdentity("pmi-"+accY), http.StatusCreated)
	s.Call(http.MethodPut, "/v1/integration", adminA, integrationBody("11.222.333/0001-81", accY, "pmi-"+accY, "SN-1"), http.StatusOK, nil)
	s.Control(http.MethodPut, "/_sim/accounts/"+accX, map[string]any{"cnpj": "45723174000110", "serialNumbers": []string{"SN-B"}, "integrationToken": "pmi-b-" + accX}, http.StatusOK)
	var cfgB integrationConfig
	s.Call(http.MethodPut, "/v1/integration", adminB, integrationBody("45.723.174/0001-10", accX, "pmi-b-"+accX, "SN-B"), http.StatusCreated, &cfgB)
	s.PointWebhooks(cfgB, nil)
	pe.integrationToken = "pmi-b-" + accX

	t.Run("A's update does not read through B's account", func(t *testing.T) {
		pe.save(nil, 9) // revision 2, B's now
		listingReads := simListingReads(s, accX)
		s.Call(http.MethodPost, "/v1/environments/"+envA+"/update", adminA, nil, http.StatusAccepted, nil)
		e := waitImport(s, adminA, envA, 1, domain.ImportFailed)
		if !strings.Contains(e.ImportError, "no longer the store's") {
			t.Errorf("import error = %q", e.ImportError)
		}
		if n := simListingReads(s, accX); n != listingReads {
			t.Errorf("Promob was asked for %d listings of B's account on A's behalf", n-listingReads)
		}
	})
	t.Run("B links the environment and gets its webhooks", func(t *testing.T) {
		envB := legacyImport(s, adminB, pe)
		waitImport(s, adminB, envB, 1, domain.ImportImported)
		rev := pe.save(nil, 11)
		pe.send(domain.EventSaved, rev)
		poll.Until(t, asWait, "B's environment learns of revision 3", func() bool {
			var e struct{ PromobRevision int }
			s.Call(http.MethodGet, "/v1/environments/"+envB, adminB, nil, http.StatusOK, &e)
			return e.PromobRevision == rev
		})
		var a struct{ PromobRevision, LatestVersion int }
		s.Call(http.MethodGet, "/v1/environments/"+envA, adminA, nil, http.StatusOK, &a)
		if a.PromobRevision >= rev || a.LatestVersion != 1 {
			t.Errorf("A's environment followed B's account: %+v", a)
		}
		s.Call(http.MethodGet, "/v1/environments/"+envB, adminA, nil, http.StatusNotFound, nil)
	})
}

// legacyImport links the Promob environment to a new project of the
// caller's store and returns the environment's id.
func legacyImport(s *stack, token string, pe *promobEnv) string {
	s.T.Helper()
	_, projectID := s.Project(token, "Ana", "529.982.247-25", "Casa")
	var env struct{ ID string }
	s.ImportEnvironment(token, projectID, pe.project, pe.env, "Cozinha", &env)
	return env.ID
}

// importState is what waitImport reads of an environment.
type importState struct {
	LatestVersion int
	ImportStatus  string
	ImportError   string
}

// waitImport waits until the environment's import has the status with that
// latest version, and returns its state.
func waitImport(s *stack, token, envID string, version int, status string) importState {
	s.T.Helper()
	var e importState
	poll.Until(s.T, asWait, "environment "+envID+" "+status+" at version "+strconv.Itoa(version), func() bool {
		s.Call(http.MethodGet, "/v1/environments/"+envID, token, nil, http.StatusOK, &e)
		return e.LatestVersion == version && e.ImportStatus == status
	})
	return e
}

// simListingReads counts the listing reads the simulator answered for the
// account.
func simListingReads(s *stack, account string) int {
	s.T.Helper()
	var view struct {
		Calls []struct {
			Method, Path string
			Status       int
		}
	}
	if err := json.Unmarshal(s.Control(http.MethodGet, "/_sim/accounts/"+account, nil, http.StatusOK).Body, &view); err != nil {
		s.T.Fatal(err)
	}
	n := 0
	for _, c := range view.Calls {
		if c.Method == http.MethodGet && strings.HasSuffix(c.Path, "/listing") && c.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// TestAttackLooseClaims is attack 2: tokens the authorizer accepts whose
// claims are not what the API reads as an identity. Roles that only
// resemble admin grant nothing (403); a store_id or sub that is not a
// JSON string of the id form is refused (401); a store_id that would reach
// into another key's partition writes nothing.
func TestAttackLooseClaims(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	s.configure(store, account)
	var env struct{ ID string }
	// An environment of the store, whose partition the attack aims at.
	pe := newPromobEnv(s, account, "pmi-"+account)
	pe.save(nil, 3)
	env.ID = legacyImport(s, s.Token("u1", store, "admin"), pe)
	before := s.keysUnder("STORE#" + store)
	rules := []byte(`{"defaultMarkup":"9"}`)

	tests := []struct {
		name   string
		claims map[string]any
		status int
	}{
		{"role with a space", map[string]any{"sub": "u1", "store_id": store, "roles": []string{"seller admin"}}, 403},
		{"role with a comma", map[string]any{"sub": "u1", "store_id": store, "roles": []string{"x,admin"}}, 403},
		{"role in a nested array", map[string]any{"sub": "u1", "store_id": store, "roles": []any{[]string{"admin"}}}, 403},
		{"roles as a string", map[string]any{"sub": "u1", "store_id": store, "roles": "admin"}, 403},
		{"role in another case", map[string]any{"sub": "u1", "store_id": store, "roles": []string{"Admin"}}, 403},
		{"store_id as an array", map[string]any{"sub": "u1", "store_id": []string{store}, "roles": []string{"admin"}}, 401},
		{"store_id as a number", map[string]any{"sub": "u1", "store_id": 12345, "roles": []string{"admin"}}, 401},
		{"store_id as an object", map[string]any{"sub": "u1", "store_id": map[string]string{"id": store}, "roles": []string{"admin"}}, 401},
		{"store_id reaching into an environment's partition", map[string]any{"sub": "u1", "store_id": store + "#ENV#" + env.ID, "roles": []string{"admin"}}, 401},
		{"store_id with NUL", map[string]any{"sub": "u1", "store_id": store + "\x00", "roles": []string{"admin"}}, 401},
		{"store_id too long", map[string]any{"sub": "u1", "store_id": strings.Repeat("s", 200), "roles": []string{"admin"}}, 401},
		{"sub with a key separator", map[string]any{"sub": "u1#x", "store_id": store, "roles": []string{"admin"}}, 401},
		{"sub as a number", map[string]any{"sub": 7, "store_id": store, "roles": []string{"admin"}}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.Gateway(http.MethodPut, "/v1/integration/commercial-rules", s.rawToken(tt.claims), rules, nil)
			if a.Status != tt.status {
				t.Fatalf("%d %s, want %d", a.Status, a.Body, tt.status)
			}
			if after := s.keysUnder("STORE#" + store); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Fatalf("a refused request wrote under the store:\nbefore %v\nafter %v", before, after)
			}
		})
	}
	// The same request with exact claims goes through.
	s.Call(http.MethodPut, "/v1/integration/commercial-rules", s.Token("u1", store, "admin"), map[string]string{"defaultMarkup": "9"}, http.StatusOK, nil)
}

// TestAttackOversizedAndMalformedIds is attack 3: ids over any bound or
// holding key separators, in paths (404) and bodies (400), with and without
// a token; never a 500.
func TestAttackOversizedAndMalformedIds(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	s.configure(store, account)
	admin := s.Token("u1", store, "admin")
	event := []byte(`{"type":"environment.saved","timestamp":"2026-11-28T14:03:00Z","data":{"projectId":"p1","environmentId":"e1","revision":1,"userId":"u"}}`)
	long := strings.Repeat("a", 2100)

	tests := []struct {
		name, method, path, token string
		body                      []byte
		status                    int
	}{
		{"webhook for a 2,100-character account", http.MethodPost, "/webhooks/promob/" + long, "", event, 404},
		{"webhook for an account with a key separator", http.MethodPost, "/webhooks/promob/" + account + "%23ENV", "", event, 404},
		{"an environment id of 3,000 characters", http.MethodGet, "/v1/environments/" + strings.Repeat("e", 3000), admin, nil, 404},
		{"a client id with a key separator", http.MethodGet, "/v1/clients/x%23PROJECT%23y", admin, nil, 404},
		{"a version number of 2,100 digits", http.MethodGet, "/v1/environments/e1/versions/" + strings.Repeat("9", 2100), admin, nil, 404},
		{"a notification id with a control character", http.MethodPost, "/v1/notifications/n%01/read", admin, nil, 404},
		{"a Promob environment id of 2,100 characters in a body", http.MethodPost, "/v1/projects/p1/environments/import", admin,
			[]byte(`{"promobProjectId":"pp","promobEnvironmentId":"` + long + `","name":"Cozinha"}`), 400},
		{"a client id with a key separator in a body", http.MethodPost, "/v1/projects", admin, []byte(`{"clientId":"c#1","name":"Casa"}`), 400},
	}
	before := s.keysUnder("STORE#" + store)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.Gateway(tt.method, tt.path, tt.token, tt.body, nil)
			if a.Status != tt.status {
				t.Fatalf("%d %s, want %d", a.Status, a.Body, tt.status)
			}
			if len(s.deliveries(account)) != 0 || strings.Join(s.keysUnder("STORE#"+store), "\n") != strings.Join(before, "\n") {
				t.Fatal("a refused request wrote something")
			}
		})
	}
}

// TestAttackPasswordGuessing is attack 4: wrong Promob passwords in a row.
// After the user's limit even the right one is refused with 429 and
// Retry-After, without asking Promob; another user of the store still
// links.
func TestAttackPasswordGuessing(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	s.paConfigure(store, account)
	mallory, alice := s.Token("mallory", store, "seller"), s.Token("alice", store, "seller")
	link := func(token, password string) stacktest.Answer {
		body, _ := json.Marshal(map[string]string{"promobUser": "ana", "promobPassword": password})
		return s.Gateway(http.MethodPost, "/v1/me/promob-link", token, body, nil)
	}
	for i := range domain.UserThrottle.Limit {
		if a := link(mallory, "guess-"+strconv.Itoa(i)); a.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password %d: %d %s", i+1, a.Status, a.Body)
		}
	}
	calls := len(s.paSimAccount(account).Calls)
	a := link(mallory, "first")
	if a.Status != http.StatusTooManyRequests || errorCodeOf(a.Object(t)) != domain.CodeTooManyAttempts {
		t.Fatalf("the right password after %d wrong: %d %s, want 429", domain.UserThrottle.Limit, a.Status, a.Body)
	}
	if wait, err := strconv.Atoi(a.Header.Get("Retry-After")); err != nil || wait < 1 {
		t.Errorf("Retry-After = %q", a.Header.Get("Retry-After"))
	}
	if n := len(s.paSimAccount(account).Calls); n != calls {
		t.Errorf("Promob was asked %d times while the user is throttled", n-calls)
	}
	if a := link(alice, "first"); a.Status != http.StatusOK {
		t.Errorf("another user: %d %s", a.Status, a.Body)
	}
}

// TestAttackLaxWebhookJSON is attack 5: signed deliveries whose JSON two
// readers could read differently. Each is refused with 400 and nothing is
// stored or queued.
func TestAttackLaxWebhookJSON(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	cfg := s.configure(store, account)
	data := `"data":{"projectId":"p1","environmentId":"e1","revision":1,"userId":"u","listing":"<LISTING/>"}`
	for i, body := range []string{
		`{"type":"environment.saved","Type":"environment.negotiated",` + data + `}`,
		`{"type":"environment.saved","type":"environment.negotiated",` + data + `}`,
		`{"TYPE":"environment.negotiated",` + data + `}`,
		`{"type":"environment.saved","data":{"projectId":"p1","environmentId":"e1","environmentID":"e2","revision":1}}`,
	} {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			header := stacktest.SignedDelivery(t, cfg.WebhookSecret, "msg_lax"+strconv.Itoa(i), time.Now(), []byte(body))
			a := s.Gateway(http.MethodPost, cfg.WebhookPath, "", []byte(body), header)
			if a.Status != http.StatusBadRequest {
				t.Fatalf("%d %s, want 400", a.Status, a.Body)
			}
		})
	}
	if n := len(s.deliveries(account)); n != 0 || len(s.imports.all()) != 0 {
		t.Fatalf("refused deliveries stored %d, queued %d", n, len(s.imports.all()))
	}
}

// TestSecurityHeaders is attack 6's part on the wire: every answer of the
// functions, success or error, carries nosniff and no-store.
func TestSecurityHeaders(t *testing.T) {
	s := startStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	cfg := s.configure(store, account)
	admin := s.Token("u1", store, "admin")
	for _, tt := range []struct{ name, method, path, token string }{
		{"health", http.MethodGet, "/health", ""},
		{"a read", http.MethodGet, "/v1/integration", admin},
		{"a 404", http.MethodGet, "/v1/environments/nope", admin},
		{"a 401 of the API", http.MethodGet, "/v1/integration", s.rawToken(map[string]any{"sub": "u1", "store_id": 1})},
		{"a webhook 401", http.MethodPost, cfg.WebhookPath, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.method == http.MethodPost {
				body = []byte(`{}`)
			}
			a := s.Gateway(tt.method, tt.path, tt.token, body, nil)
			if a.Header.Get("X-Content-Type-Options") != "nosniff" || a.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%d with headers %v", a.Status, a.Header)
			}
		})
	}
}
