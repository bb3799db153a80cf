package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/shopspring/decimal"
)

// importWait bounds each wait for queued work (import, notification).
const importWait = 30 * time.Second

// envView is an environment as the API answers it.
type envView struct {
	ID                  string `json:"id"`
	ProjectID           string `json:"projectId"`
	PromobProjectID     string `json:"promobProjectId"`
	PromobEnvironmentID string `json:"promobEnvironmentId"`
	PromobRevision      int    `json:"promobRevision"`
	ImportedRevision    int    `json:"importedRevision"`
	LatestVersion       int    `json:"latestVersion"`
	ImportStatus        string `json:"importStatus"`
	ImportError         string `json:"importError"`
	Outdated            bool   `json:"outdated"`
}

// versionView is a version as the API answers it.
type versionView struct {
	Number           int    `json:"number"`
	OptionName       string `json:"optionName"`
	PromobIdentifier string `json:"promobIdentifier"`
	PromobRevision   int    `json:"promobRevision"`
	Latest           bool   `json:"latest"`
	Converted        bool   `json:"converted"`
	Total            string `json:"total"`
	ItemCount        int    `json:"itemCount"`
}

// budgetView is a budget as the API answers it.
type budgetView struct {
	Version int          `json:"version"`
	Lines   []budgetLine `json:"-"` // read from …/budget/lines

	Manual []struct {
		Description                string
		Quantity, UnitPrice, Price decimal.Decimal
	} `json:"manual"`
	PromobTotal, ManualTotal, Subtotal, Freight, Assembly, Total, CostTotal decimal.Decimal
}

// budgetLine is a priced Promob line of a budget.
type budgetLine struct {
	Ref                 string
	Cost, Markup, Price decimal.Decimal
}

// itemView is a row of the items tab.
type itemView struct {
	Source      string          `json:"source"`
	ID          string          `json:"id"`
	Description string          `json:"description"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
}

// promobEnv is an environment of the simulator's account.
type promobEnv struct {
	s                       *stack
	account, project, env   string
	integrationToken        string
	controlPath, promobPath string
}

func newPromobEnv(s *stack, account, integrationToken string) *promobEnv {
	p := &promobEnv{s: s, account: account, project: domain.NewID(), env: domain.NewID(), integrationToken: integrationToken}
	p.controlPath = "/_sim/accounts/" + account + "/projects/" + p.project + "/environments/" + p.env
	p.promobPath = "/v1/accounts/" + account + "/projects/" + p.project + "/environments/" + p.env
	return p
}

// save stores the next revision in the simulator: the listing, or a
// generated one of that many parts when listing is nil. It returns the
// revision number.
func (p *promobEnv) save(listingXML []byte, parts int) int {
	t := p.s.T
	t.Helper()
	path := p.controlPath
	if listingXML == nil {
		path += fmt.Sprintf("?parts=%d", parts)
	}
	a := stacktest.Send(t, http.MethodPut, p.s.SimURL()+path, listingXML, map[string]string{"Promob-Name": "Cozinha"})
	var out struct{ Revision int }
	if a.Status != http.StatusOK || json.Unmarshal(a.Body, &out) != nil || out.Revision < 1 {
		t.Fatalf("simulator PUT %s: %d %s", path, a.Status, a.Body)
	}
	return out.Revision
}

// send has the simulator send the webhook of that type for the revision
// and returns its report, our answer checked against the OpenAPI document.
func (p *promobEnv) send(typ string, revision int) simDelivery {
	p.s.T.Helper()
	a := p.s.Control(http.MethodPost, p.controlPath+"/events", map[string]any{"type": typ, "revision": revision}, http.StatusOK)
	d := p.s.sent(a, p.account)
	if d.Status != http.StatusAccepted {
		p.s.T.Fatalf("%s of revision %d answered %d %s, want 202", typ, revision, d.Status, d.Body)
	}
	return d
}

// replay has the simulator send a recorded delivery again, byte for byte.
func (p *promobEnv) replay(webhookID string) simDelivery {
	p.s.T.Helper()
	a := p.s.Control(http.MethodPost, "/_sim/accounts/"+p.account+"/deliveries/"+webhookID+"/replay", map[string]any{}, http.StatusOK)
	return p.s.sent(a, p.account)
}

// listing reads a revision's listing through the simulator's Promob API,
// as the importer does.
func (p *promobEnv) listing(revision int) []byte {
	t := p.s.T
	t.Helper()
	a := stacktest.Send(t, http.MethodGet, fmt.Sprintf("%s%s/listing?revision=%d", p.s.SimURL(), p.promobPath, revision), nil,
		map[string]string{"Authorization": "Bearer " + p.integrationToken})
	if a.Status != http.StatusOK {
		t.Fatalf("listing of revision %d: %d %s", revision, a.Status, a.Body)
	}
	return a.Body
}

// versionNumbers returns the environment's version numbers as listed, and
// whether the latest flag is on the first one only.
func versionNumbers(vs []versionView) ([]int, bool) {
	var out []int
	latest := true
	for i, v := range vs {
		out = append(out, v.Number)
		latest = latest && v.Latest == (i == 0)
	}
	return out, latest
}

// expectedBudget prices a listing and the manual lines with the rules,
// reading the listing with shared/listing: what the budget of a version of
// that listing must be. It also returns the number of items.
func expectedBudget(t *testing.T, xml []byte, manual []pricing.ManualLine, rules pricing.Rules) (pricing.Result, int) {
	t.Helper()
	var lines []pricing.Line
	n := 0
	if _, err := listing.Parse(bytes.NewReader(xml), func(it listing.Item) error {
		n++
		if !it.HasChildren {
			lines = append(lines, pricing.LineOf(it.PromobItem()))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return pricing.Budget(lines, manual, rules), n
}

// checkBudget checks the budget's sums, the rules on each line and on the
// manual items, and that it equals want.
func checkBudget(t *testing.T, b budgetView, want pricing.Result, markup decimal.Decimal) {
	t.Helper()
	if !b.Total.Equal(b.Subtotal.Add(b.Freight).Add(b.Assembly)) || !b.Subtotal.Equal(b.PromobTotal.Add(b.ManualTotal)) {
		t.Errorf("budget does not add up: subtotal %s + freight %s + assembly %s = total %s (promob %s, manual %s)",
			b.Subtotal, b.Freight, b.Assembly, b.Total, b.PromobTotal, b.ManualTotal)
	}
	if len(b.Lines) == 0 {
		t.Fatal("the budget has no Promob lines")
	}
	for _, l := range b.Lines {
		if !l.Markup.Equal(markup) || !l.Price.Equal(l.Cost.Mul(markup).Round(2)) {
			t.Fatalf("line %s: cost %s × markup %s priced %s, want cents(cost × %s)", l.Ref, l.Cost, l.Markup, l.Price, markup)
		}
	}
	manual := decimal.Zero
	for _, m := range b.Manual {
		if !m.Price.Equal(m.Quantity.Mul(m.UnitPrice).Round(2)) {
			t.Errorf("manual %s: %s × %s priced %s", m.Description, m.Quantity, m.UnitPrice, m.Price)
		}
		manual = manual.Add(m.Price)
	}
	if !b.ManualTotal.Equal(manual) {
		t.Errorf("manual total %s, manual prices sum to %s", b.ManualTotal, manual)
	}
	if len(b.Lines) != len(want.Lines) || len(b.Manual) != len(want.Manual) ||
		!b.Total.Equal(want.Total.Decimal) || !b.PromobTotal.Equal(want.PromobTotal.Decimal) ||
		!b.Freight.Equal(want.Freight.Decimal) || !b.Assembly.Equal(want.Assembly.Decimal) || !b.CostTotal.Equal(want.CostTotal.Decimal) {
		t.Errorf("budget: %d lines, %d manual, promob %s, freight %s, assembly %s, total %s, cost %s;\n"+
			"the listing priced independently: %d lines, %d manual, promob %s, freight %s, assembly %s, total %s, cost %s",
			len(b.Lines), len(b.Manual), b.PromobTotal, b.Freight, b.Assembly, b.Total, b.CostTotal,
			len(want.Lines), len(want.Manual), want.PromobTotal, want.Freight, want.Assembly, want.Total, want.CostTotal)
	}
}

// TestPromobRevisionsBecomeVersions is issue 3's "Done when" on the local
// stack, with the real functions: configure → legacy import → [1] → a manual
// item → Promob saves revision 2 → outdated and notified → update → [2,1],
// the manual item kept, the budget recomputed → a prepared revision 3
// delivered twice (a replay and a second event) → exactly one version 3.
func TestPromobRevisionsBecomeVersions(t *testing.T) {
	s := startRealStack(t)
	store, account, apiToken := s.linkedStore()
	admin := s.Token("admin-1", store, "admin")
	seller := s.Token("seller-1", store, "seller")

	rules := pricing.Rules{DefaultMarkup: decimal.NewFromInt(2), FreightPercent: decimal.NewFromInt(3), AssemblyPercent: decimal.NewFromInt(5)}
	s.Call(http.MethodPut, "/v1/integration/commercial-rules", admin,
		map[string]string{"defaultMarkup": "2", "freightPercent": "3", "assemblyPercent": "5"}, http.StatusOK, nil)
	pe := newPromobEnv(s, account, apiToken)
	if rev := pe.save(nil, 60); rev != 1 {
		t.Fatalf("first revision is %d", rev)
	}

	var client, project struct{ ID, CreatedBy string }
	s.Call(http.MethodPost, "/v1/clients", seller, map[string]string{
		"name": "Ana Silva", "document": "529.982.247-25", "email": "ana@example.com", "phone": "+55 47 99999-0000",
	}, http.StatusCreated, &client)
	s.Call(http.MethodPost, "/v1/projects", seller, map[string]string{"clientId": client.ID, "name": "Casa Silva"}, http.StatusCreated, &project)

	var env envView
	s.ImportEnvironment(admin, project.ID, pe.project, pe.env, "Cozinha", &env)
	if env.ImportStatus != domain.ImportPending || env.LatestVersion != 0 || env.ProjectID != project.ID || env.PromobEnvironmentID != pe.env {
		t.Fatalf("legacy import answered %+v", env)
	}
	envPath := "/v1/environments/" + env.ID

	versions := func() []versionView {
		t.Helper()
		var out struct{ Versions []versionView }
		s.Call(http.MethodGet, envPath+"/versions", seller, nil, http.StatusOK, &out)
		return out.Versions
	}
	waitVersions := func(want ...int) []versionView {
		t.Helper()
		var vs []versionView
		poll.Until(t, importWait, fmt.Sprintf("versions %v", want), func() bool {
			vs = versions()
			got, _ := versionNumbers(vs)
			return slices.Equal(got, want)
		})
		if _, latest := versionNumbers(vs); !latest {
			t.Errorf("versions %+v: latest is not the newest only", vs)
		}
		return vs
	}
	getEnv := func() envView {
		t.Helper()
		var e envView
		s.Call(http.MethodGet, envPath, seller, nil, http.StatusOK, &e)
		return e
	}
	budget := func() budgetView {
		t.Helper()
		return budgetAt(s, envPath+"/budget", envPath+"/budget/lines", seller)
	}

	vs := waitVersions(1)
	if v := vs[0]; v.PromobRevision != 1 || v.OptionName != "Casa Silva / Cozinha" || v.PromobIdentifier != pe.project+"/"+pe.env ||
		v.ItemCount != 60 || v.Converted {
		t.Errorf("version 1 = %+v", v)
	}
	if e := getEnv(); e.ImportStatus != domain.ImportImported || e.Outdated || e.ImportedRevision != 1 || e.LatestVersion != 1 {
		t.Errorf("after the legacy import: %+v", e)
	}

	var manual itemView
	s.Call(http.MethodPost, envPath+"/items", seller, map[string]string{
		"description": "Tampo de granito", "reference": "GR-1", "quantity": "2", "unitPrice": "350.25",
	}, http.StatusCreated, &manual)
	manualLines := []pricing.ManualLine{{Description: "Tampo de granito", Reference: "GR-1", Quantity: decimal.NewFromInt(2), UnitPrice: decimal.RequireFromString("350.25")}}
	if b := budget(); b.Version != 1 {
		t.Errorf("budget before the update is of version %d, want 1", b.Version)
	} else {
		want, _ := expectedBudget(t, pe.listing(1), manualLines, rules)
		checkBudget(t, b, want, rules.DefaultMarkup)
	}

	t.Run("Promob saves revision 2: outdated and notified", func(t *testing.T) {
		if rev := pe.save(nil, 80); rev != 2 {
			t.Fatalf("second revision is %d", rev)
		}
		pe.send(domain.EventSaved, 2)
		var e envView
		poll.Until(t, importWait, "the environment is outdated", func() bool {
			e = getEnv()
			return e.Outdated
		})
		if e.PromobRevision != 2 || e.ImportedRevision != 1 || e.LatestVersion != 1 {
			t.Errorf("outdated environment = %+v", e)
		}
		var list struct{ Notifications []domain.Notification }
		poll.Until(t, importWait, "the environment's creator (who linked it) is notified", func() bool {
			s.Call(http.MethodGet, "/v1/notifications?unread=true", admin, nil, http.StatusOK, &list)
			return len(list.Notifications) > 0
		})
		if len(list.Notifications) != 1 {
			t.Fatalf("the environment's creator (who linked it) has %d unread notifications, want 1", len(list.Notifications))
		}
		n := list.Notifications[0]
		if n.Read || n.Action == nil || n.Action.Type != "update_environment" || n.Action.EnvironmentID != env.ID || n.Action.ProjectID != project.ID {
			t.Fatalf("notification = %+v (action %+v)", n, n.Action)
		}
		var read domain.Notification
		s.Call(http.MethodPost, "/v1/notifications/"+n.ID+"/read", admin, nil, http.StatusOK, &read)
		s.Call(http.MethodGet, "/v1/notifications?unread=true", admin, nil, http.StatusOK, &list)
		if !read.Read || len(list.Notifications) != 0 {
			t.Errorf("after reading: %+v, %d unread", read, len(list.Notifications))
		}
	})

	t.Run("update: version 2 is latest, the manual item kept, the budget recomputed", func(t *testing.T) {
		var e envView
		s.Call(http.MethodPost, envPath+"/update", seller, nil, http.StatusAccepted, &e)
		if e.ImportStatus != domain.ImportPending {
			t.Errorf("update answered importStatus %q", e.ImportStatus)
		}
		vs := waitVersions(2, 1)
		if vs[0].PromobRevision != 2 || vs[1].PromobRevision != 1 || vs[0].ItemCount != 80 {
			t.Errorf("versions = %+v", vs)
		}
		if e := getEnv(); e.Outdated || e.ImportStatus != domain.ImportImported || e.ImportedRevision != 2 || e.PromobRevision != 2 || e.LatestVersion != 2 {
			t.Errorf("after the update: %+v", e)
		}

		var items struct{ Items []itemView }
		items.Items = stacktest.Pages[itemView](s.Stack, envPath+"/items", seller)
		sources := map[string]int{}
		var kept *itemView
		for i, it := range items.Items {
			sources[it.Source]++
			if it.ID == manual.ID {
				kept = &items.Items[i]
			}
		}
		if sources["promob"] != 80 || sources["manual"] != 1 || len(items.Items) != 81 {
			t.Errorf("items tab sources = %v", sources)
		}
		if kept == nil || kept.Source != "manual" || kept.Description != "Tampo de granito" ||
			!kept.Quantity.Equal(decimal.NewFromInt(2)) || !kept.UnitPrice.Equal(decimal.RequireFromString("350.25")) {
			t.Errorf("the manual item after the update: %+v", kept)
		}

		b := budget()
		if b.Version != 2 {
			t.Fatalf("budget of version %d, want 2", b.Version)
		}
		want, _ := expectedBudget(t, pe.listing(2), manualLines, rules)
		checkBudget(t, b, want, rules.DefaultMarkup)
		if len(b.Manual) != 1 || !b.Manual[0].Price.Equal(decimal.RequireFromString("700.50")) {
			t.Errorf("manual lines = %+v, want one of 700.50", b.Manual)
		}
		if vs[0].Total != want.Total.String() {
			t.Errorf("version 2's total %s, its budget %s", vs[0].Total, want.Total)
		}
	})

	t.Run("prepared revision 3 delivered twice: one version 3", func(t *testing.T) {
		if rev := pe.save(nil, 45); rev != 3 {
			t.Fatalf("third revision is %d", rev)
		}
		first := pe.send(domain.EventPrepared, 3)
		if again := pe.replay(first.WebhookID); again.Status != first.Status || !bytes.Equal(again.Body, first.Body) {
			t.Errorf("replay answered %d %s, want %d %s", again.Status, again.Body, first.Status, first.Body)
		}
		if second := pe.send(domain.EventPrepared, 3); second.WebhookID == first.WebhookID {
			t.Fatal("the second prepared event reused the webhook id")
		}
		waitVersions(3, 2, 1)

		negotiated := pe.send(domain.EventNegotiated, 3)
		var ans struct{ Redirect string }
		if err := json.Unmarshal(negotiated.Body, &ans); err != nil || ans.Redirect != "/projects/"+project.ID+"/environments/"+env.ID {
			t.Errorf("negotiated answered %s, want the redirect /projects/%s/environments/%s", negotiated.Body, project.ID, env.ID)
		}

		poll.Until(t, importWait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
		vs := versions()
		if got, latest := versionNumbers(vs); !slices.Equal(got, []int{3, 2, 1}) || !latest {
			t.Fatalf("versions %+v after every delivery was handled, want [3 2 1] with 3 latest", vs)
		}
		if vs[0].PromobRevision != 3 || vs[0].ItemCount != 45 {
			t.Errorf("version 3 = %+v", vs[0])
		}
		if e := getEnv(); e.Outdated || e.ImportedRevision != 3 || e.LatestVersion != 3 {
			t.Errorf("after revision 3: %+v", e)
		}
	})

	t.Run("each version with its items and budget", func(t *testing.T) {
		for _, tt := range []struct{ number, revision, parts int }{{1, 1, 60}, {2, 2, 80}, {3, 3, 45}} {
			var v struct {
				versionView
				Items  []domain.PromobItem
				Budget budgetView
			}
			vpath := fmt.Sprintf("%s/versions/%d", envPath, tt.number)
			s.Call(http.MethodGet, vpath, seller, nil, http.StatusOK, &v)
			v.Items = stacktest.Pages[domain.PromobItem](s.Stack, vpath+"/items", seller)
			v.Budget.Lines = stacktest.Pages[budgetLine](s.Stack, vpath+"/budget/lines", seller)
			if v.Number != tt.number || v.PromobRevision != tt.revision || v.Latest != (tt.number == 3) || len(v.Items) != tt.parts || v.ItemCount != tt.parts {
				t.Errorf("version %d: number %d, revision %d, latest %v, %d items (itemCount %d)", tt.number, v.Number, v.PromobRevision, v.Latest, len(v.Items), v.ItemCount)
			}
			for i, it := range v.Items {
				if it.ID != domain.PromobItemID(i) {
					t.Fatalf("version %d: item %d has id %s", tt.number, i, it.ID)
				}
			}
			want, n := expectedBudget(t, pe.listing(tt.revision), manualLines, rules)
			if n != tt.parts {
				t.Fatalf("revision %d has %d items", tt.revision, n)
			}
			checkBudget(t, v.Budget, want, rules.DefaultMarkup)
		}
		for _, n := range []string{"4", "0", "x"} {
			a := s.Call(http.MethodGet, envPath+"/versions/"+n, seller, nil, http.StatusNotFound, nil)
			if code := errorCodeOf(a.Object(t)); code != domain.CodeNotFound {
				t.Errorf("version %s: code %q", n, code)
			}
		}
	})
}

// TestRefusedListingOnTheStack legacy-imports an environment whose listing
// has two AMBIENTs: the import fails with a stored reason naming the count,
// and no version is written.
func TestRefusedListingOnTheStack(t *testing.T) {
	s := startRealStack(t)
	store, account, apiToken := s.linkedStore()
	admin := s.Token("admin-1", store, "admin")
	pe := newPromobEnv(s, account, apiToken)
	pe.save(listinggen.Bytes(listinggen.Spec{ProjectGUID: pe.project, EnvironmentGUID: pe.env, Parts: 30, Ambients: 2, Seed: 3}), 0)

	_, projectID := s.Project(admin, "Bruno Lima", "11.222.333/0001-81", "Loja")
	var env envView
	s.ImportEnvironment(admin, projectID, pe.project, pe.env, "Cozinha", &env)

	envPath := "/v1/environments/" + env.ID
	poll.Until(t, importWait, "the import fails", func() bool {
		env = envView{}
		s.Call(http.MethodGet, envPath, admin, nil, http.StatusOK, &env)
		return env.ImportStatus != domain.ImportPending
	})
	if env.ImportStatus != domain.ImportFailed || !strings.Contains(env.ImportError, "2 environments") || env.LatestVersion != 0 {
		t.Fatalf("after the import: status %q, error %q, latest version %d; want failed naming 2 environments", env.ImportStatus, env.ImportError, env.LatestVersion)
	}
	poll.Until(t, importWait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })
	var list struct{ Versions []versionView }
	s.Call(http.MethodGet, envPath+"/versions", admin, nil, http.StatusOK, &list)
	if len(list.Versions) != 0 {
		t.Errorf("a refused listing wrote versions %+v", list.Versions)
	}
	s.Call(http.MethodGet, envPath+"/budget", admin, nil, http.StatusNotFound, nil)
	s.Call(http.MethodGet, envPath+"/versions/1", admin, nil, http.StatusNotFound, nil)

	t.Run("the designer fixes the listing and the user updates", func(t *testing.T) {
		if rev := pe.save(nil, 25); rev != 2 {
			t.Fatalf("the fixed listing is revision %d", rev)
		}
		var pending envView
		s.Call(http.MethodPost, envPath+"/update", admin, nil, http.StatusAccepted, &pending)
		if pending.ImportStatus != domain.ImportPending || pending.ImportError != "" {
			t.Errorf("update answered %+v", pending)
		}
		poll.Until(t, importWait, "the update is imported", func() bool {
			env = envView{}
			s.Call(http.MethodGet, envPath, admin, nil, http.StatusOK, &env)
			return env.ImportStatus != domain.ImportPending
		})
		if env.ImportStatus != domain.ImportImported || env.ImportError != "" || env.LatestVersion != 1 || env.ImportedRevision != 2 {
			t.Fatalf("after the update: %+v", env)
		}
	})
}
