package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/shopspring/decimal"
)

// part is a Promob part (an item without children) of a test version.
func part(i int, ref, family, qty, cost string) domain.PromobItem {
	return domain.PromobItem{ID: domain.PromobItemID(i), Level: 1, Reference: ref, Description: "Peça " + ref, Unit: "UN", Family: family,
		Quantity: decimal.RequireFromString(qty), RealQuantity: decimal.RequireFromString(qty), PriceTotal: decimal.RequireFromString(cost)}
}

// commit imports a version of revision rev with the items, the way the
// importer does, priced with rules.
func (c *catalog) commit(envID string, rev int, total string, rules pricing.Rules, items ...domain.PromobItem) {
	t := c.t
	t.Helper()
	ctx := context.Background()
	env, err := c.store.Environment(ctx, "s1", envID)
	must(t, err)
	starts, _, err := c.store.WriteItems(ctx, "s1", envID, rev, func(emit func(any) error) error {
		for _, it := range items {
			if err := emit(it); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	rj, err := json.Marshal(rules)
	must(t, err)
	v := domain.Version{Number: env.LatestVersion + 1, OptionName: "Casa / Cozinha", OptionDate: time.Now().UTC(), PromobIdentifier: "g/" + env.PromobEnvironmentID,
		PromobRevision: rev, Total: total, ItemCount: len(items), Rules: rj, ChunkStarts: starts, Budget: budgetOf(t, rules, items)}
	entry := domain.NewHistoryEntry(domain.HistoryImported, envID, v.Number, domain.ByPromob, time.Now(), fmt.Sprintf("imported version %d", v.Number))
	must(t, c.store.CommitVersion(ctx, env, v, entry, time.Now()))
}

// budgetOf is the stored budget summary of items priced by rules, with no
// manual item.
func budgetOf(t *testing.T, rules pricing.Rules, items []domain.PromobItem) json.RawMessage {
	t.Helper()
	totals := pricing.NewTotals(rules)
	for _, it := range items {
		if !it.HasChildren {
			totals.Add(pricing.Line{Ref: it.Reference, Description: it.Description, Family: it.Family, Category: it.Category,
				Quantity: it.RealQuantity, Cost: it.PriceTotal})
		}
	}
	b, err := json.Marshal(totals.Summary(nil))
	must(t, err)
	return b
}

// freshEnvironment adds an environment of s1's project with nothing imported.
func (c *catalog) freshEnvironment() string {
	c.t.Helper()
	id := domain.NewID()
	e := environment("s1", c.project, id, time.Now().UTC())
	e.PromobRevision, e.ImportedRevision, e.LatestVersion = 0, 0, 0
	must(c.t, c.store.CreateEnvironment(context.Background(), e))
	return id
}

func TestSaleWorkflow(t *testing.T) {
	c := newCatalog(t)
	ctx := context.Background()
	eid := c.freshEnvironment()
	env := "/v1/environments/" + eid
	rules := pricing.DefaultRules()
	rules.Suppliers = map[string]string{"Ferragens": "Hettich"}
	c.commit(eid, 1, "300.00", rules, part(0, "A", "Portas", "2", "100"), part(1, "B", "", "1", "50"))

	// Promob saved revision 2: approval is refused and writes nothing.
	_, err := c.store.RecordPromobRevision(ctx, "s1", eid, 2, time.Now())
	must(t, err)
	before := c.dump()
	status, body := c.do(seller, "POST", env+"/approve", "", "")
	if msg, _ := body["error"].(map[string]any)["message"].(string); status != 409 || errCode(body) != domain.CodeOutdated || !strings.Contains(msg, "revision 2") {
		t.Fatalf("approve outdated: %d %v", status, body)
	}
	if c.dump() != before || len(c.imports.outbox) != 0 {
		t.Fatal("a refused approval wrote or sent something")
	}

	c.commit(eid, 2, "300.00", rules, part(0, "A", "Portas", "2", "100"), part(1, "B", "", "1", "50"))
	if status, body := c.do(reviewer, "POST", env+"/approve", "", ""); status != 403 || errCode(body) != domain.CodeForbidden {
		t.Fatalf("reviewer approves: %d %v", status, body)
	}
	status, body = c.do(seller, "POST", env+"/approve", "", "")
	if status != 200 || body["convertedVersion"] != 2.0 {
		t.Fatalf("approve: %d %v", status, body)
	}
	if len(c.imports.outbox) != 1 || c.imports.outbox[0] != (message.ConnectStatus{Kind: "connect.status", StoreID: "s1", AccountID: "acc-s1",
		ProjectID: "pp-" + c.project, EnvironmentID: "pe-" + eid, Version: 2, Situation: "Aprovado", Stage: "Contrato",
		ProjectRef: c.project, EnvironmentRef: eid}) {
		t.Fatalf("outbox = %+v", c.imports.outbox)
	}
	_, body = c.do(seller, "GET", env+"/versions", "", "")
	vs := body["versions"].([]any)
	if vs[0].(map[string]any)["converted"] != true || vs[1].(map[string]any)["converted"] != false {
		t.Fatalf("versions after approval: %v", vs)
	}
	if status, body := c.do(admin, "POST", env+"/approve", "", ""); status != 409 || errCode(body) != domain.CodeAlreadyConverted {
		t.Fatalf("approve twice: %d %v", status, body)
	}
	// The repeat sends the Connect status again, so one lost after the
	// approval was saved reaches Promob on the user's retry.
	if len(c.imports.outbox) != 2 || c.imports.outbox[1] != c.imports.outbox[0] {
		t.Fatalf("outbox after a repeated approval = %+v", c.imports.outbox)
	}

	// Review needs the financial release.
	if status, body := c.do(reviewer, "POST", env+"/review/start", "", ""); status != 409 || errCode(body) != domain.CodeNotFinanciallyReleased {
		t.Fatalf("review before release: %d %v", status, body)
	}
	release := "/v1/projects/" + c.project + "/financial-release"
	if status, body := c.do(seller, "POST", release, "", ""); status != 403 || errCode(body) != domain.CodeForbidden {
		t.Fatalf("seller releases: %d %v", status, body)
	}
	status, first := c.do(finance, "POST", release, "", "")
	if status != 200 || first["financiallyReleasedBy"] != finance.sub {
		t.Fatalf("release: %d %v", status, first)
	}
	if status, again := c.do(admin, "POST", release, "", ""); status != 200 || again["financiallyReleasedAt"] != first["financiallyReleasedAt"] || again["financiallyReleasedBy"] != finance.sub {
		t.Fatalf("release again: %d %v", status, again)
	}

	status, body = c.do(reviewer, "POST", env+"/review/start", "", "")
	if status != 200 || body["updateRequired"] != true || body["status"] != "in_progress" || body["startVersion"] != 2.0 {
		t.Fatalf("review start: %d %v", status, body)
	}
	if status, body := c.do(reviewer, "POST", env+"/review/start", "", ""); status != 200 || body["startedAt"] == nil || body["updateRequired"] != true {
		t.Fatalf("review start again: %d %v", status, body)
	}
	if status, body := c.do(reviewer, "POST", env+"/review/complete", "", ""); status != 409 || errCode(body) != domain.CodeUpdateRequired {
		t.Fatalf("complete before the update: %d %v", status, body)
	}

	// The update: A 2 → 3, B removed, C added.
	c.commit(eid, 3, "412.50", rules, part(0, "A", "Portas", "3", "150"), part(1, "C", "Ferragens", "4", "20"), part(2, "D", "Portas", "1", "10"))
	status, body = c.do(reviewer, "GET", env+"/review", "", "")
	diff, _ := body["diff"].(map[string]any)
	if status != 200 || body["updateRequired"] != false || diff["totalDelta"] != "112.50" {
		t.Fatalf("review: %d %v", status, body)
	}
	refs := func(key string) (out []string) {
		for _, p := range diff[key].([]any) {
			p := p.(map[string]any)
			out = append(out, p["reference"].(string)+":"+p["before"].(string)+"→"+p["after"].(string))
		}
		return out
	}
	if a, r, ch := refs("added"), refs("removed"), refs("changed"); !slices.Equal(a, []string{"C:0→4", "D:0→1"}) || !slices.Equal(r, []string{"B:1→0"}) || !slices.Equal(ch, []string{"A:2→3"}) {
		t.Fatalf("diff added %v removed %v changed %v", a, r, ch)
	}

	status, body = c.do(reviewer, "POST", env+"/review/complete", "", "")
	if status != 201 {
		t.Fatalf("complete: %d %v", status, body)
	}
	_, body = c.do(seller, "GET", env+"/purchase-orders", "", "")
	var got []string
	for _, o := range body["purchaseOrders"].([]any) {
		o := o.(map[string]any)
		var lines []string
		for _, l := range o["lines"].([]any) {
			l := l.(map[string]any)
			lines = append(lines, l["reference"].(string)+"×"+l["quantity"].(string)+"="+l["cost"].(string))
		}
		got = append(got, o["supplier"].(string)+"["+strings.Join(lines, ",")+"]="+o["total"].(string))
	}
	if want := []string{"Hettich[C×4=20.00]=20.00", "Portas[A×3=150.00,D×1=10.00]=160.00"}; !slices.Equal(got, want) {
		t.Fatalf("purchase orders = %v, want %v", got, want)
	}
	if _, body := c.do(seller, "GET", env, "", ""); body["locked"] != true {
		t.Fatalf("environment after completion: %v", body)
	}
	before = c.dump()
	for _, path := range []string{env + "/update", env + "/review/complete"} {
		who := seller
		if strings.HasSuffix(path, "complete") {
			who = reviewer
		}
		if status, body := c.do(who, "POST", path, "", ""); status != 409 || errCode(body) != domain.CodeLocked {
			t.Fatalf("POST %s when locked: %d %v", path, status, body)
		}
	}
	if c.dump() != before {
		t.Fatal("a refused request on a locked environment changed the table")
	}

	_, body = c.do(seller, "GET", "/v1/projects/"+c.project+"/history", "", "")
	var kinds []string
	for _, e := range body["history"].([]any) {
		kinds = append(kinds, e.(map[string]any)["kind"].(string))
	}
	want := []string{"imported", "imported", "approved", "financial_release", "review_started", "imported", "review_completed", "purchase_orders"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("history kinds = %v, want %v", kinds, want)
	}

	status, body = c.do(reviewer, "GET", env+"/versions/2/open", "", "")
	if wantURL := "promob://open?account=acc-s1&project=pp-" + c.project + "&environment=pe-" + eid + "&revision=2"; status != 200 || body["url"] != wantURL {
		t.Fatalf("open: %d %v, want %s", status, body, wantURL)
	}
}

func TestWorkflowRefusals(t *testing.T) {
	runRefusals(t, []refusal{
		{"approve: outdated", seller, "POST", "/v1/environments/{env}/approve", "", "", 409, domain.CodeOutdated},
		{"approve: reviewer", reviewer, "POST", "/v1/environments/{env}/approve", "", "", 403, domain.CodeForbidden},
		{"approve: finance", finance, "POST", "/v1/environments/{env}/approve", "", "", 403, domain.CodeForbidden},
		{"approve: another store's environment", seller, "POST", "/v1/environments/{env9}/approve", "", "", 404, domain.CodeNotFound},
		{"release: seller", seller, "POST", "/v1/projects/{project}/financial-release", "", "", 403, domain.CodeForbidden},
		{"release: reviewer", reviewer, "POST", "/v1/projects/{project}/financial-release", "", "", 403, domain.CodeForbidden},
		{"release: another store's project", admin2, "POST", "/v1/projects/{project}/financial-release", "", "", 404, domain.CodeNotFound},
		{"release: unknown project", finance, "POST", "/v1/projects/nothing/financial-release", "", "", 404, domain.CodeNotFound},
		{"review start: seller", seller, "POST", "/v1/environments/{env}/review/start", "", "", 403, domain.CodeForbidden},
		{"review start: admin", admin, "POST", "/v1/environments/{env}/review/start", "", "", 403, domain.CodeForbidden},
		{"review start: not converted", reviewer, "POST", "/v1/environments/{env}/review/start", "", "", 409, domain.CodeNotConverted},
		{"review start: another store's environment", reviewer, "POST", "/v1/environments/{env9}/review/start", "", "", 404, domain.CodeNotFound},
		{"review complete: not started", reviewer, "POST", "/v1/environments/{env}/review/complete", "", "", 409, domain.CodeReviewNotStarted},
		{"review complete: seller", seller, "POST", "/v1/environments/{env}/review/complete", "", "", 403, domain.CodeForbidden},
		{"review: another store's environment", seller, "GET", "/v1/environments/{env9}/review", "", "", 404, domain.CodeNotFound},
		{"purchase orders: another store's environment", seller, "GET", "/v1/environments/{env9}/purchase-orders", "", "", 404, domain.CodeNotFound},
		{"history: another store's project", seller2, "GET", "/v1/projects/{project}/history", "", "", 404, domain.CodeNotFound},
		{"open: version that does not exist", seller, "GET", "/v1/environments/{env}/versions/7/open", "", "", 404, domain.CodeNotFound},
		{"open: not a version number", seller, "GET", "/v1/environments/{env}/versions/x/open", "", "", 404, domain.CodeNotFound},
		{"open: another store's environment", seller, "GET", "/v1/environments/{env9}/versions/1/open", "", "", 404, domain.CodeNotFound},
	})
}

// TestConnectStatusOnTheProject: an approval records on the project the
// Connect situation and stage it sends (the store's settings); when the
// queue refuses the message, the delivery is failed, saying to approve
// again, and approving again sends it.
func TestConnectStatusOnTheProject(t *testing.T) {
	c := newCatalog(t)
	c.configure()
	ctx := context.Background()
	status, _ := c.do(admin, "PUT", "/v1/integration", "application/json",
		`{"cnpj":"11.222.333/0001-81","promobAccountId":"acc-s1","serialNumbers":["SN-1"],"promobApiToken":"pmi-s1","connectSituation":"Fechado","connectStage":"Produção"}`)
	if status != 200 {
		t.Fatalf("PUT integration: %d", status)
	}
	eid := c.freshEnvironment()
	c.commit(eid, 1, "100.00", pricing.DefaultRules(), part(0, "A", "Portas", "1", "50"))
	connect := func() domain.ConnectDelivery {
		t.Helper()
		p, err := c.store.Project(ctx, "s1", c.project)
		must(t, err)
		if p.Connect == nil {
			t.Fatal("the project has no Connect status")
		}
		return *p.Connect
	}

	c.imports.fail = errors.New("sqs: connection refused")
	if status, body := c.do(seller, "POST", "/v1/environments/"+eid+"/approve", "", ""); status != 500 {
		t.Fatalf("approve with the queue down: %d %v", status, body)
	}
	if d := connect(); d.Status != domain.ConnectFailed || !strings.Contains(d.Reason, "approve the environment again") || d.Situation != "Fechado" || d.Stage != "Produção" {
		t.Fatalf("after the queue refused: %+v", d)
	}
	c.imports.fail = nil
	if status, body := c.do(seller, "POST", "/v1/environments/"+eid+"/approve", "", ""); status != 409 || errCode(body) != domain.CodeAlreadyConverted {
		t.Fatalf("approve again: %d %v", status, body)
	}
	if d := connect(); d.Status != domain.ConnectPending || d.EnvironmentID != eid || d.Version != 1 || d.Reason != "" {
		t.Fatalf("after approving again: %+v", d)
	}
	if len(c.imports.outbox) != 1 || c.imports.outbox[0].Situation != "Fechado" || c.imports.outbox[0].ProjectRef != c.project {
		t.Fatalf("outbox = %+v", c.imports.outbox)
	}
}
