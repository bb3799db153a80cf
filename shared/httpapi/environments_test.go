package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/shopspring/decimal"
)

// configure saves store s1's integration with Promob account acc-s1, the
// account of the fixture's environments.
func (c *catalog) configure() {
	c.t.Helper()
	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-s1", SerialNumbers: []string{"SN-1"}, PromobAPIToken: "pmi-1"}
	if _, _, err := c.store.SaveIntegration(context.Background(), in, "whsec_c2VjcmV0", time.Now()); err != nil {
		c.t.Fatal(err)
	}
}

const importBody = `{"promobProjectId":"pp-9","promobEnvironmentId":"pe-9","name":" Sala "}`

// TestLegacyImportRefusals checks each refusal of a legacy import: its
// status and code, and that nothing was written or enqueued.
func TestLegacyImportRefusals(t *testing.T) {
	const path = "/v1/projects/{project}/environments/import"
	tests := []struct {
		refusal
		configured bool // s1 has configured its integration
	}{
		{refusal{"malformed JSON", seller, "POST", path, "application/json", `{"promobProjectId":`, 400, domain.CodeMalformedJSON}, true},
		{refusal{"unknown field", seller, "POST", path, "application/json", `{"promobProjectId":"pp-9","promobEnvironmentId":"pe-9","name":"Sala","revision":1}`, 400, domain.CodeMalformedJSON}, true},
		{refusal{"wrong content type", seller, "POST", path, "text/plain", importBody, 415, domain.CodeUnsupportedMedia}, true},
		{refusal{"missing promobEnvironmentId", seller, "POST", path, "application/json", `{"promobProjectId":"pp-9","name":"Sala"}`, 400, domain.CodeInvalid}, true},
		{refusal{"promobEnvironmentId with a slash", seller, "POST", path, "application/json", `{"promobProjectId":"pp-9","promobEnvironmentId":"pe/9","name":"Sala"}`, 400, domain.CodeInvalid}, true},
		{refusal{"blank name", seller, "POST", path, "application/json", `{"promobProjectId":"pp-9","promobEnvironmentId":"pe-9","name":"  "}`, 400, domain.CodeInvalid}, true},
		{refusal{"unknown project", seller, "POST", "/v1/projects/nope/environments/import", "application/json", importBody, 404, domain.CodeNotFound}, true},
		{refusal{"another store's project", seller, "POST", "/v1/projects/{project2}/environments/import", "application/json", importBody, 404, domain.CodeNotFound}, true},
		{refusal{"reviewer", reviewer, "POST", path, "application/json", importBody, 403, domain.CodeForbidden}, true},
		{refusal{"finance", finance, "POST", path, "application/json", importBody, 403, domain.CodeForbidden}, true},
		{refusal{"no role", noRoles, "POST", path, "application/json", importBody, 403, domain.CodeForbidden}, true},
		{refusal{"integration not configured", seller, "POST", path, "application/json", importBody, 404, domain.CodeNotConfigured}, false},
		{refusal{"Promob environment already linked", seller, "POST", path, "application/json",
			`{"promobProjectId":"pp-9","promobEnvironmentId":"pe-{env}","name":"Sala"}`, 409, domain.CodeConflict}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCatalog(t)
			if tt.configured {
				c.configure()
			}
			c.refuse(t, tt.refusal)
			if sent := c.imports.messages(); len(sent) != 0 {
				t.Fatalf("a refused import enqueued %+v", sent)
			}
		})
	}
}

// TestLegacyImport links a Promob environment: 202 with the pending
// environment, one update message in the environment's FIFO group, and
// nothing to read yet but the environment itself.
func TestLegacyImport(t *testing.T) {
	c := newCatalog(t)
	c.configure()
	status, body := c.do(seller, "POST", "/v1/projects/"+c.project+"/environments/import", "application/json", importBody)
	id, _ := body["id"].(string)
	if status != 202 || id == "" || body["name"] != "Sala" || body["projectId"] != c.project || body["importStatus"] != domain.ImportPending ||
		body["promobProjectId"] != "pp-9" || body["promobEnvironmentId"] != "pe-9" || body["latestVersion"] != 0.0 ||
		body["outdated"] != false || body["createdBy"] != seller.sub {
		t.Fatalf("import: %d %v", status, body)
	}

	sent := c.imports.messages()
	want := message.Import{Kind: message.KindUpdate, StoreID: "s1", AccountID: "acc-s1", ProjectID: "pp-9", EnvironmentID: id, UserID: seller.sub}
	if len(sent) != 1 || sent[0].msg != want || sent[0].group != message.ImportGroup("acc-s1", "pe-9") || sent[0].dedup == "" {
		t.Fatalf("enqueued %+v, want one %+v in group %s", sent, want, message.ImportGroup("acc-s1", "pe-9"))
	}
	ctx := context.Background()
	if env, err := c.store.EnvironmentByPromobID(ctx, "acc-s1", "pe-9"); err != nil || env.ID != id || env.StoreID != "s1" || env.ImportStatus != domain.ImportPending {
		t.Fatalf("stored environment = %+v, %v", env, err)
	}

	env := "/v1/environments/" + id
	if status, body := c.do(reviewer, "GET", env, "", ""); status != 200 || body["id"] != id || body["importStatus"] != domain.ImportPending {
		t.Errorf("GET environment: %d %v", status, body)
	}
	if status, body := c.do(seller, "GET", env+"/versions", "", ""); status != 200 || len(body["versions"].([]any)) != 0 {
		t.Errorf("GET versions: %d %v", status, body)
	}
	if status, body := c.do(seller, "GET", env+"/items", "", ""); status != 200 || len(body["items"].([]any)) != 0 {
		t.Errorf("GET items: %d %v", status, body)
	}
	for _, path := range []string{env + "/budget", env + "/versions/1"} {
		if status, body := c.do(seller, "GET", path, "", ""); status != 404 || errCode(body) != domain.CodeNotFound {
			t.Errorf("GET %s before any version: %d %v, want 404", path, status, body)
		}
	}

	// The same Promob environment again, by another user: refused.
	if status, body := c.do(admin, "POST", "/v1/projects/"+c.project+"/environments/import", "application/json", importBody); status != 409 || errCode(body) != domain.CodeConflict {
		t.Fatalf("second import: %d %v", status, body)
	}
	if sent := c.imports.messages(); len(sent) != 1 {
		t.Fatalf("%d messages after the refused second import, want 1", len(sent))
	}
}

// TestUnqueuedRequestsFail makes the queues refuse messages. A request
// that creates a record and queues work for it (a legacy import, a client
// or an environment to create in Promob) answers the record, failed with a
// reason that says to ask again; one that only queues work (an update, an
// assistance's design) answers 500 and leaves its record failed the same
// way. No record waits for work that will never be done, and asked again
// once the queue works, the work is queued.
func TestUnqueuedRequestsFail(t *testing.T) {
	c := newCatalog(t)
	c.configure()
	q := c.imports
	down := errors.New("sqs: connection refused")
	ctx := context.Background()
	var aid string
	envState := func(id string) (string, string, string) {
		env, err := c.store.Environment(ctx, "s1", id)
		must(t, err)
		return env.ImportStatus, env.ImportError, env.Status + ":" + env.StatusReason
	}
	tests := []struct {
		name       string
		request    func() (int, map[string]any)
		wantStatus int
		// state reads the record's status and reason, given the first answer.
		state        func(answer map[string]any) (status, reason string)
		again        func(answer map[string]any) (int, map[string]any)
		failed, hint string
	}{
		{
			name: "legacy import",
			request: func() (int, map[string]any) {
				return c.do(seller, "POST", "/v1/projects/"+c.project+"/environments/import", "application/json", importBody)
			},
			wantStatus: 202,
			state: func(a map[string]any) (string, string) {
				st, reason, _ := envState(a["id"].(string))
				return st, reason
			},
			again: func(a map[string]any) (int, map[string]any) {
				return c.do(seller, "POST", "/v1/environments/"+a["id"].(string)+"/update", "", "")
			},
			failed: domain.ImportFailed, hint: "update the environment again",
		},
		{
			name:       "update",
			request:    func() (int, map[string]any) { return c.do(seller, "POST", "/v1/environments/"+c.env+"/update", "", "") },
			wantStatus: 500,
			state: func(map[string]any) (string, string) {
				st, reason, _ := envState(c.env)
				return st, reason
			},
			again: func(map[string]any) (int, map[string]any) {
				return c.do(seller, "POST", "/v1/environments/"+c.env+"/update", "", "")
			},
			failed: domain.ImportFailed, hint: "update the environment again",
		},
		{
			name: "client created in Promob",
			request: func() (int, map[string]any) {
				return c.do(seller, "POST", "/v1/clients", "application/json", `{"name":"João","document":"529.982.247-25"}`)
			},
			wantStatus: 201,
			state: func(a map[string]any) (string, string) {
				cl, err := c.store.Client(ctx, "s1", a["id"].(string))
				must(t, err)
				return cl.PromobSync.Status, cl.PromobSync.Reason
			},
			again: func(a map[string]any) (int, map[string]any) {
				return c.do(seller, "POST", "/v1/clients/"+a["id"].(string)+"/sync", "", "")
			},
			failed: domain.SyncFailed, hint: "sync the client again",
		},
		{
			name: "environment created in Promob",
			request: func() (int, map[string]any) {
				return c.do(seller, "POST", "/v1/projects/"+c.project+"/environments", "application/json", `{"name":"Quarto"}`)
			},
			wantStatus: 202,
			state: func(a map[string]any) (string, string) {
				_, _, creation := envState(a["id"].(string))
				status, reason, _ := strings.Cut(creation, ":")
				return status, reason
			},
			again: func(a map[string]any) (int, map[string]any) {
				return c.do(seller, "POST", "/v1/environments/"+a["id"].(string)+"/retry", "", "")
			},
			failed: domain.EnvFailed, hint: "retry the environment",
		},
		{
			name: "assistance design",
			request: func() (int, map[string]any) {
				q.fail = nil
				_, a := c.do(seller, "POST", "/v1/assistances", "application/json",
					`{"projectId":"`+c.project+`","environmentId":"`+c.env+`","number":"7","description":"Porta"}`)
				aid, _ = a["id"].(string)
				q.fail = down
				return c.do(seller, "POST", "/v1/assistances/"+aid+"/design", "application/json", `{"source":"blank"}`)
			},
			wantStatus: 500,
			state: func(map[string]any) (string, string) {
				a, err := c.store.Assistance(ctx, "s1", aid)
				must(t, err)
				return a.Design.Status, a.Design.StatusReason
			},
			again: func(map[string]any) (int, map[string]any) {
				return c.do(seller, "POST", "/v1/assistances/"+aid+"/design", "application/json", `{"source":"blank"}`)
			},
			failed: domain.EnvFailed, hint: "request the design again",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q.fail = down
			status, answer := tt.request()
			if status != tt.wantStatus || (status == 500) != (errCode(answer) == domain.CodeInternal) {
				t.Fatalf("with the queue down: %d %v, want %d", status, answer, tt.wantStatus)
			}
			if st, reason := tt.state(answer); st != tt.failed || !strings.Contains(reason, tt.hint) {
				t.Fatalf("after the queue refused: %s %q, want %s saying to %s", st, reason, tt.failed, tt.hint)
			}
			q.fail = nil
			if status, body := tt.again(answer); status/100 != 2 {
				t.Fatalf("asked again once the queue works: %d %v", status, body)
			}
			if st, _ := tt.state(answer); st == tt.failed {
				t.Fatalf("still %s after it was asked again", st)
			}
		})
	}
}

// TestUpdateEnvironment asks for an update: 202, importStatus pending,
// one update message; refusals write and enqueue nothing.
func TestUpdateEnvironment(t *testing.T) {
	t.Run("accepted", func(t *testing.T) {
		c := newCatalog(t)
		status, body := c.do(reviewer, "POST", "/v1/environments/"+c.env+"/update", "", "")
		if status != 202 || body["id"] != c.env || body["importStatus"] != domain.ImportPending || body["outdated"] != true {
			t.Fatalf("update: %d %v", status, body)
		}
		env, err := c.store.Environment(context.Background(), "s1", c.env)
		if err != nil || env.ImportStatus != domain.ImportPending || env.PromobRevision != 2 {
			t.Fatalf("stored environment = %+v, %v", env, err)
		}
		sent := c.imports.messages()
		want := message.Import{Kind: message.KindUpdate, StoreID: "s1", AccountID: "acc-s1", ProjectID: "pp-" + c.project, EnvironmentID: c.env, UserID: reviewer.sub}
		if len(sent) != 1 || sent[0].msg != want || sent[0].group != message.ImportGroup("acc-s1", "pe-"+c.env) {
			t.Fatalf("enqueued %+v, want one %+v", sent, want)
		}
	})

	tests := []refusal{
		{"finance", finance, "POST", "/v1/environments/{env}/update", "", "", 403, domain.CodeForbidden},
		{"no role", noRoles, "POST", "/v1/environments/{env}/update", "", "", 403, domain.CodeForbidden},
		{"another store's environment", seller, "POST", "/v1/environments/{env9}/update", "", "", 404, domain.CodeNotFound},
		{"unknown environment", seller, "POST", "/v1/environments/nope/update", "", "", 404, domain.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCatalog(t)
			c.refuse(t, tt)
			if sent := c.imports.messages(); len(sent) != 0 {
				t.Fatalf("a refused update enqueued %+v", sent)
			}
		})
	}
}

// TestUpdateAfterAnImportIsNotARepeat asks for updates after the importer
// handled the previous request: each is a new message to the FIFO queue,
// which drops a message whose de-duplication id it saw in the last five
// minutes (the environment would stay pending with no import coming).
func TestUpdateAfterAnImportIsNotARepeat(t *testing.T) {
	c := newCatalog(t)
	c.configure()
	ctx := context.Background()
	status, body := c.do(seller, "POST", "/v1/projects/"+c.project+"/environments/import", "application/json", importBody)
	if status != 202 {
		t.Fatalf("import: %d %v", status, body)
	}
	id := body["id"].(string)
	// What the importer leaves: a refused listing, then no newer revision.
	for i, handled := range []struct{ status, reason string }{
		{domain.ImportFailed, "Promob revision 1 could not be imported: the listing has 2 environments (AMBIENT)"},
		{domain.ImportImported, ""},
	} {
		must(t, c.store.SetImportStatus(ctx, "s1", id, handled.status, handled.reason, time.Now()))
		status, body := c.do(seller, "POST", "/v1/environments/"+id+"/update", "", "")
		if status != 202 || body["importStatus"] != domain.ImportPending || body["importError"] != nil {
			t.Fatalf("update %d: %d %v", i+1, status, body)
		}
	}
	sent := c.imports.messages()
	seen := map[string]bool{}
	for _, m := range sent {
		if seen[m.dedup] {
			t.Errorf("de-duplication id %q sent twice: the queue drops the update", m.dedup)
		}
		seen[m.dedup] = true
	}
	if len(sent) != 3 {
		t.Errorf("%d messages, want 3", len(sent))
	}
}

// TestEnvironmentReadsStayInTheStore reads another store's environment
// through every read route: 404, as if it did not exist.
func TestEnvironmentReadsStayInTheStore(t *testing.T) {
	var tests []refusal
	for _, p := range []string{"", "/versions", "/versions/1", "/items", "/budget"} {
		tests = append(tests,
			refusal{"another store's environment" + p, seller, "GET", "/v1/environments/{env9}" + p, "", "", 404, domain.CodeNotFound},
			refusal{"no role" + p, noRoles, "GET", "/v1/environments/{env}" + p, "", "", 403, domain.CodeForbidden})
	}
	runRefusals(t, tests)
}

// seedVersion stores version 1 of the record env (an environment or an
// assistance's), three Promob items priced by rules that differ from the
// store's current ones, then a manual item through the API at itemsPath; it
// returns the manual item as the API answered it.
func (c *catalog) seedVersion(t *testing.T, env domain.Environment, itemsPath string) map[string]any {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	dec := decimal.RequireFromString
	items := []domain.PromobItem{
		{ID: domain.PromobItemID(0), Level: 1, HasChildren: true, Reference: "MOD", Description: "Balcão", Family: "Cozinhas", Category: "Cozinhas",
			Quantity: dec("1"), RealQuantity: dec("1"), PriceTotalComponents: dec("110.01")},
		{ID: domain.PromobItemID(1), Parent: domain.PromobItemID(0), Level: 2, Reference: "DOBTA", Description: "Dobradiça", Family: "Ferragens",
			Category: "Cozinhas", Quantity: dec("2"), RealQuantity: dec("2"), PriceTable: dec("14"), PriceUnit: dec("28"), PriceTotal: dec("28")},
		{ID: domain.PromobItemID(2), Parent: domain.PromobItemID(0), Level: 2, Reference: "CHAPA", Description: "Chapa", Family: "COM",
			Category: "Cozinhas", Quantity: dec("1.4915"), RealQuantity: dec("1.4915"), PriceTable: dec("55"), PriceUnit: dec("82.01"), PriceTotal: dec("82.01")},
	}
	starts, _, err := c.store.WriteItems(ctx, env.StoreID, env.ID, 1, func(emit func(any) error) error {
		for _, it := range items {
			if err := emit(it); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	imported := pricing.Rules{DefaultMarkup: dec("2"), FamilyMarkup: map[string]decimal.Decimal{"Ferragens": dec("1.5")}, FreightPercent: dec("3"), AssemblyPercent: dec("5")}
	rules, err := json.Marshal(imported)
	must(t, err)
	must(t, c.store.CommitVersion(ctx, env, domain.Version{Number: 1, OptionName: "Casa / " + env.Name, OptionDate: now, PromobIdentifier: "pp/pe",
		PromobRevision: 1, Total: "0.00", ItemCount: len(items), Rules: rules, ChunkStarts: starts, Budget: budgetOf(t, imported, items)},
		domain.NewHistoryEntry(domain.HistoryImported, env.ID, 1, "importer", now, env.Name+": version 1 imported."), now))
	// Rules changed after the import do not reprice the version.
	if status, body := c.do(admin, "PUT", "/v1/integration/commercial-rules", "application/json", `{"defaultMarkup":"3"}`); status != 200 {
		t.Fatalf("PUT rules: %d %v", status, body)
	}
	status, manual := c.do(seller, "POST", itemsPath, "application/json", `{"description":"Tampo","quantity":"2","unitPrice":"350.25"}`)
	if status != 201 {
		t.Fatalf("POST item: %d %v", status, manual)
	}
	return manual
}

// checkSeededBudget checks the budget of the version seedVersion stores:
// 28 × 1.5 = 42.00; 82.01 × 2 = 164.02; manual 700.50; subtotal 906.52;
// freight 3% = 27.1956 → 27.20; assembly 5% = 45.326 → 45.33.
func checkSeededBudget(t *testing.T, b map[string]any) {
	t.Helper()
	cats, _ := b["categories"].([]any)
	if len(cats) != 1 || cats[0].(map[string]any)["price"] != "206.02" || cats[0].(map[string]any)["lines"] != 2.0 {
		t.Errorf("categories = %v", cats)
	}
	sups, _ := b["suppliers"].([]any)
	if len(sups) != 2 || sups[0].(map[string]any)["name"] != "COM" || sups[1].(map[string]any)["price"] != "42.00" {
		t.Errorf("suppliers = %v", sups)
	}
	if manual, _ := b["manual"].([]any); len(manual) != 1 || manual[0].(map[string]any)["price"] != "700.50" {
		t.Errorf("manual = %v", manual)
	}
	want := map[string]string{"promobTotal": "206.02", "manualTotal": "700.50", "subtotal": "906.52", "freight": "27.20",
		"assembly": "45.33", "total": "979.05", "costTotal": "110.01"}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("budget %s = %v, want %s", k, b[k], v)
		}
	}
}

// checkVersionRoutes reads the version seedVersion stored through the
// record's routes under path: its budget, its detail, the items tab, and
// 404 for versions it does not have.
func (c *catalog) checkVersionRoutes(t *testing.T, path string, manual map[string]any) {
	t.Run("budget", func(t *testing.T) {
		status, body := c.do(finance, "GET", path+"/budget", "", "")
		if status != 200 || body["version"] != 1.0 {
			t.Fatalf("GET budget: %d %v", status, body)
		}
		checkSeededBudget(t, body)
		// The lines (the parts, not the module) priced by the version's
		// rules, a page at a time.
		status, body = c.do(finance, "GET", path+"/budget/lines?limit=1", "", "")
		lines, _ := body["items"].([]any)
		if status != 200 || len(lines) != 1 || lines[0].(map[string]any)["price"] != "42.00" || lines[0].(map[string]any)["itemId"] != "p-00001" || body["nextCursor"] == nil {
			t.Fatalf("GET budget lines: %d %v", status, body)
		}
		status, body = c.do(finance, "GET", path+"/budget/lines?limit=1&cursor="+body["nextCursor"].(string), "", "")
		lines, _ = body["items"].([]any)
		if status != 200 || len(lines) != 1 || lines[0].(map[string]any)["price"] != "164.02" || body["nextCursor"] != nil {
			t.Fatalf("GET budget lines, page 2: %d %v", status, body)
		}
	})
	t.Run("version", func(t *testing.T) {
		status, body := c.do(seller, "GET", path+"/versions/1", "", "")
		if status != 200 || body["number"] != 1.0 || body["latest"] != true || body["items"] != nil {
			t.Fatalf("GET version: %d %v", status, body)
		}
		checkSeededBudget(t, body["budget"].(map[string]any))
		status, body = c.do(seller, "GET", path+"/versions/1/items", "", "")
		got, _ := body["items"].([]any)
		if status != 200 || len(got) != 3 || got[1].(map[string]any)["realQuantity"] != "2" || body["nextCursor"] != nil {
			t.Fatalf("GET version items: %d %v", status, body)
		}
	})
	t.Run("items tab", func(t *testing.T) {
		var got []any
		cursor := ""
		for page := 0; page == 0 || cursor != ""; page++ {
			status, body := c.do(reviewer, "GET", path+"/items?limit=3&cursor="+cursor, "", "")
			items, _ := body["items"].([]any)
			if status != 200 || page > 1 || len(items) == 0 {
				t.Fatalf("GET items page %d: %d %v", page, status, body)
			}
			got = append(got, items...)
			cursor, _ = body["nextCursor"].(string)
		}
		if len(got) != 4 {
			t.Fatalf("GET items: %v", got)
		}
		for i, want := range []string{"promob", "promob", "promob", "manual"} {
			if it := got[i].(map[string]any); it["source"] != want {
				t.Errorf("item %d = %v, want source %s", i, it, want)
			}
		}
		if got[3].(map[string]any)["id"] != manual["id"] {
			t.Errorf("the manual item is %v, want %v", got[3], manual["id"])
		}
	})
	for _, n := range []string{"2", "0", "-1", "x"} {
		t.Run("no version "+n, func(t *testing.T) {
			if status, body := c.do(seller, "GET", path+"/versions/"+n, "", ""); status != 404 || errCode(body) != domain.CodeNotFound {
				t.Errorf("GET version %s: %d %v", n, status, body)
			}
		})
	}
}

// TestVersionRoutes reads a stored version: its items, the items tab with
// the manual items, and its budget priced with the rules the version was
// imported with, not the store's current ones.
func TestVersionRoutes(t *testing.T) {
	c := newCatalog(t)
	env := environment("s1", c.project, domain.NewID(), time.Now().UTC())
	env.PromobRevision, env.ImportedRevision, env.LatestVersion, env.ImportStatus = 0, 0, 0, domain.ImportPending
	must(t, c.store.CreateEnvironment(context.Background(), env))
	path := "/v1/environments/" + env.ID
	c.checkVersionRoutes(t, path, c.seedVersion(t, env, path+"/items"))
}
