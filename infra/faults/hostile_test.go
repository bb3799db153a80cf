package faults_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
)

// hostile is one hostile request through the gateway and what it must get:
// a status, and the function's error code, or the gateway's own message
// when the gateway answers before any function runs.
type hostile struct {
	name    string
	method  string
	path    string
	header  map[string]string
	body    []byte
	status  int
	code    string // the function's {"error":{"code"}}
	gateway string // the gateway's {"message"}
}

// TestHostileRequestsWriteNothing sends hostile requests to the API and the
// webhook through the gateway of the local stack: each gets its status and
// error code, and afterwards the table is unchanged and nothing is queued.
// Another store's ids on every API route are TestAuthorizationMatrix's
// (shared/httpapi).
func TestHostileRequestsWriteNothing(t *testing.T) {
	s := startFaultStack(t, nil)
	fs := newFaultStore(s)
	e := fs.newFaultEnv(5)
	// Another account's webhook secret: the integration of a second store.
	otherAccount := localstack.UniqueName("acc")
	other := s.Configure(s.Token("admin-2", localstack.UniqueName("store"), "admin"), map[string]any{
		"integrationToken": "pmi-" + otherAccount, "cnpj": "45723174000110", "serialNumbers": []string{"SN-2"},
	}, map[string]any{
		"cnpj": "45.723.174/0001-10", "promobAccountId": otherAccount, "serialNumbers": []string{"SN-2"}, "promobApiToken": "pmi-" + otherAccount,
	})
	s.quiet()
	before := s.scan()

	items := e.envPath + "/items"
	admin := map[string]string{"Authorization": "Bearer " + fs.admin, "Content-Type": "application/json"}
	item := func(quantity, price string) []byte {
		return []byte(`{"description":"Puxador","quantity":` + quantity + `,"unitPrice":` + price + `}`)
	}
	event := []byte(`{"type":"environment.saved","timestamp":"2026-11-28T14:03:00Z","data":{"projectId":"` + e.promobProject +
		`","environmentId":"` + e.promob + `","revision":9,"userId":"u"}}`)
	signed := func(secret string, at time.Time, body []byte) map[string]string {
		return stacktest.SignedDelivery(t, secret, localstack.UniqueName("msg"), at, body)
	}
	now := time.Now()
	big := bytes.Repeat([]byte("a"), 50<<20)
	valid := fs.admin
	noStore := s.TokenClaims(map[string]any{"sub": "admin-1", "roles": []string{"admin"}}, 30*time.Minute)
	expired := s.TokenClaims(map[string]any{"sub": "admin-1", "store_id": fs.store, "roles": []string{"admin"}}, -time.Minute)
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

	tests := []hostile{
		// The API's request bodies.
		{name: "API: malformed JSON", method: "POST", path: items, header: admin, body: []byte(`{"description":"Puxador",`), status: 400, code: domain.CodeMalformedJSON},
		{name: "API: invalid UTF-8", method: "POST", path: items, header: admin, body: []byte("{\"description\":\"Pe\xe7a\",\"quantity\":1,\"unitPrice\":1}"), status: 400, code: domain.CodeMalformedJSON},
		{name: "API: wrong content type", method: "POST", path: items, header: map[string]string{"Authorization": "Bearer " + fs.admin, "Content-Type": "text/xml"}, body: item("1", "1"), status: 415, code: domain.CodeUnsupportedMedia},
		{name: "API: negative quantity", method: "POST", path: items, header: admin, body: item("-1", "1"), status: 400, code: domain.CodeInvalid},
		{name: "API: NaN quantity", method: "POST", path: items, header: admin, body: item(`"NaN"`, "1"), status: 400, code: domain.CodeInvalid},
		{name: "API: absurd quantity", method: "POST", path: items, header: admin, body: item("1e400", "1"), status: 400, code: domain.CodeInvalid},
		{name: "API: negative price", method: "POST", path: items, header: admin, body: item("1", `"-0.01"`), status: 400, code: domain.CodeInvalid},
		{name: "API: NaN price", method: "POST", path: items, header: admin, body: item("1", `"NaN"`), status: 400, code: domain.CodeInvalid},
		{name: "API: absurd price", method: "POST", path: items, header: admin, body: item("1", strings.Repeat("9", 100)), status: 400, code: domain.CodeInvalid},
		{name: "API: 50 MB body", method: "POST", path: items, header: admin, body: big, status: 413, gateway: "Request Entity Too Large"},

		// Webhook deliveries.
		{name: "webhook: malformed JSON", method: "POST", path: fs.webhookPath, header: signed(fs.webhookSecret, now, []byte(`{"type":`)), body: []byte(`{"type":`), status: 400, code: domain.CodeMalformedJSON},
		{name: "webhook: invalid UTF-8", method: "POST", path: fs.webhookPath, header: signed(fs.webhookSecret, now, []byte("{\"type\":\"\xff\"}")), body: []byte("{\"type\":\"\xff\"}"), status: 400, code: domain.CodeMalformedJSON},
		{name: "webhook: wrong content type", method: "POST", path: fs.webhookPath, header: withHeader(signed(fs.webhookSecret, now, event), "Content-Type", "text/plain"), body: event, status: 415, code: domain.CodeUnsupportedMedia},
		{name: "webhook: another account's secret", method: "POST", path: fs.webhookPath, header: signed(other.WebhookSecret, now, event), body: event, status: 401, code: domain.CodeBadSignature},
		{name: "webhook: replayed after the tolerance", method: "POST", path: fs.webhookPath, header: signed(fs.webhookSecret, now.Add(-6*time.Minute), event), body: event, status: 401, code: domain.CodeBadSignature},
		{name: "webhook: 50 MB body", method: "POST", path: fs.webhookPath, header: signed(fs.webhookSecret, now, big), body: big, status: 413, gateway: "Request Entity Too Large"},

		// Tokens: the gateway's authorizer refuses them before any function
		// runs; a verified token without store_id reaches the API, which
		// refuses it.
		{name: "JWT: bad signature", method: "GET", path: e.envPath, header: bearer(resign(valid, expired)), status: 401, gateway: "Unauthorized"},
		{name: "JWT: expired", method: "GET", path: e.envPath, header: bearer(expired), status: 401, gateway: "Unauthorized"},
		{name: "JWT: alg none", method: "GET", path: e.envPath, header: bearer(algNone(t, valid)), status: 401, gateway: "Unauthorized"},
		{name: "JWT: alg none on a write", method: "POST", path: items, header: withHeader(bearer(algNone(t, valid)), "Content-Type", "application/json"), body: item("1", "1"), status: 401, gateway: "Unauthorized"},
		{name: "JWT: without store_id", method: "POST", path: items, header: withHeader(bearer(noStore), "Content-Type", "application/json"), body: item("1", "1"), status: 401, code: domain.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := stacktest.Send(t, tt.method, s.URL()+tt.path, tt.body, tt.header)
			var out struct {
				Message string `json:"message"`
				Error   struct {
					Code string `json:"code"`
				} `json:"error"`
			}
			_ = json.Unmarshal(r.Body, &out)
			if r.Status != tt.status || out.Error.Code != tt.code || out.Message != tt.gateway {
				t.Errorf("answer %d %.300s, want %d code %q message %q", r.Status, r.Body, tt.status, tt.code, tt.gateway)
			}
			if !s.QueueIdle("ImportsQueue") || !s.QueueIdle("PromobOutboxQueue") {
				t.Errorf("a refused request queued a message")
			}
			if after := s.scan(); !slices.Equal(after, before) {
				t.Errorf("a refused request changed the table: %d rows before, %d after", len(before), len(after))
			}
		})
	}
}

// TestHostileListingsFailWithoutVersion has Promob prepare hostile
// listings: each import fails with its reason and adds no version. The
// listing comes inline in the environment.prepared webhook, except the one
// with invalid UTF-8: JSON carries only UTF-8 (the simulator's encoder
// writes U+FFFD, and the webhook refuses invalid UTF-8), so that one is
// read from Promob by an update.
func TestHostileListingsFailWithoutVersion(t *testing.T) {
	s := startFaultStack(t, nil)
	e := newFaultStore(s).newFaultEnv(5)
	base := string(listinggen.Bytes(listinggen.Spec{ProjectGUID: e.promobProject, EnvironmentGUID: e.promob, Parts: 6, Seed: 7}))
	const decl = "<?xml version='1.0' encoding='utf-8'?>\n"
	body := strings.TrimPrefix(base, decl)
	deep := strings.Replace(base, "<ITEMS>", "<ITEMS>"+strings.Repeat(`<ITEM QUANTITY="1"><ITEMS>`, 10_000)+strings.Repeat("</ITEMS></ITEM>", 10_000), 1)
	tests := []struct {
		name, listing, reason string
		update                bool // imported by POST …/update, not by a prepared webhook
	}{
		{"malformed XML", base[:len(base)/2], "malformed XML", false},
		{"DOCTYPE", decl + "<!DOCTYPE LISTING>\n" + body, "DOCTYPE", false},
		{"ENTITY definitions", decl + `<!DOCTYPE LISTING [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` + "\n" +
			strings.Replace(body, `DESCRIPTION="Cozinha"`, `DESCRIPTION="&b;"`, 1), "DOCTYPE and ENTITY declarations are refused", false},
		{"10,000 levels of nested ITEMs", deep, "deeper than 64 levels", false},
		{"two AMBIENTs", string(listinggen.Bytes(listinggen.Spec{ProjectGUID: e.promobProject, EnvironmentGUID: e.promob, Parts: 6, Ambients: 2, Seed: 7})), "2 environments", false},
		{"invalid UTF-8", strings.Replace(base, "Cozinha", "Cozinh\xe1", 1), "invalid UTF-8", true},
		{"negative quantity", strings.Replace(base, ` QUANTITY="1"`, ` QUANTITY="-1"`, 1), "is negative", false},
		{"NaN quantity", strings.Replace(base, ` QUANTITY="1"`, ` QUANTITY="NaN"`, 1), "is not a number", false},
		{"absurd quantity", strings.Replace(base, ` QUANTITY="1"`, ` QUANTITY="1000000000000"`, 1), "above the limit", false},
		{"negative price", strings.Replace(base, `<PRICE TABLE="0" UNIT="0"`, `<PRICE TABLE="0" UNIT="-5"`, 1), "is negative", false},
		{"NaN price", strings.Replace(base, `<PRICE TABLE="0" UNIT="0"`, `<PRICE TABLE="0" UNIT="NaN"`, 1), "is not a number", false},
		{"absurd price", strings.Replace(base, `<PRICE TABLE="0" UNIT="0"`, `<PRICE TABLE="0" UNIT="99999999999999"`, 1), "above the limit", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.listing == base {
				t.Fatal("the case does not change the listing")
			}
			rev := e.saveListing(tt.listing)
			if tt.update {
				s.Call(http.MethodPost, e.envPath+"/update", e.fs.admin, nil, http.StatusAccepted, nil)
			} else {
				e.event(domain.EventPrepared, rev)
			}
			var env struct {
				ImportStatus  string `json:"importStatus"`
				ImportError   string `json:"importError"`
				LatestVersion int    `json:"latestVersion"`
			}
			poll.Until(t, wait, "the import of revision "+strconv.Itoa(rev)+" fails", func() bool {
				s.Call(http.MethodGet, e.envPath, e.fs.admin, nil, http.StatusOK, &env)
				return env.ImportStatus == domain.ImportFailed && strings.Contains(env.ImportError, "revision "+strconv.Itoa(rev))
			})
			if !strings.Contains(env.ImportError, tt.reason) || env.LatestVersion != 1 {
				t.Errorf("import error %q, latest version %d; want a reason with %q and version 1", env.ImportError, env.LatestVersion, tt.reason)
			}
			poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
			if nums, _ := numbers(e.versions()); !slices.Equal(nums, []int{1}) {
				t.Errorf("versions %v after a refused listing, want [1]", nums)
			}
		})
	}
}

// saveListing stores the listing as the environment's next revision in the
// simulator and returns its number.
func (e *faultEnv) saveListing(listing string) int {
	s := e.fs.s
	s.T.Helper()
	r := stacktest.Send(s.T, http.MethodPut, s.SimURL()+e.controlPath, []byte(listing), map[string]string{"Content-Type": "application/xml"})
	var out struct{ Revision int }
	if err := json.Unmarshal(r.Body, &out); err != nil || r.Status != http.StatusOK {
		s.T.Fatalf("save a listing: %d %s", r.Status, r.Body)
	}
	return out.Revision
}

// quiet waits until the stack's queues hold no message, so that a table
// scan is not changed by work in flight.
func (s *faultStack) quiet() {
	s.T.Helper()
	for _, q := range []string{"ImportsQueue", "PromobOutboxQueue", "NotificationsQueue"} {
		poll.Until(s.T, wait, q+" is idle", func() bool { return s.QueueIdle(q) })
	}
}

// scan returns every row of the stack's table as JSON, sorted.
func (s *faultStack) scan() []string {
	s.T.Helper()
	var rows []string
	p := dynamodb.NewScanPaginator(local.DynamoDB(), &dynamodb.ScanInput{TableName: aws.String(s.Resources().TableName), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			s.T.Fatal(err)
		}
		for _, item := range page.Items {
			b, err := json.Marshal(item)
			if err != nil {
				s.T.Fatal(err)
			}
			rows = append(rows, string(b))
		}
	}
	slices.Sort(rows)
	return rows
}

func withHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		if hk != k {
			out[hk] = hv
		}
	}
	return out
}

// resign returns token with the signature of another token: a bad
// signature over valid claims.
func resign(token, other string) string {
	return token[:strings.LastIndex(token, ".")] + other[strings.LastIndex(other, "."):]
}

// algNone returns token's claims under an unsigned header {"alg":"none"}.
func algNone(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWS", token)
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return header + "." + parts[1] + "."
}
