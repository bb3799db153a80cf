package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/shopspring/decimal"
)

// wfWait bounds each wait for the queues' work: an import, a status set in
// Promob, a notification.
const wfWait = 20 * time.Second

// wfSuppliers maps two FAMILY values of the generated listings to suppliers;
// the other families are their own supplier.
var wfSuppliers = map[string]string{"Ferragens": "Hettich", "COM": "Duratex"}

// wfStep runs one step of the walk as a subtest, with the stack's helpers
// reporting to it, and stops the walk when the step fails.
func wfStep(t *testing.T, s *stack, name string, fn func(t *testing.T, s *stack)) {
	t.Helper()
	ok := t.Run(name, func(t *testing.T) {
		inner := *s.Stack
		inner.T = t
		sub := *s
		sub.Stack = &inner
		fn(t, &sub)
	})
	if !ok {
		t.FailNow()
	}
}

// wfRefused sends a request the API must refuse with the status and error
// code, and returns the error's message.
func wfRefused(s *stack, method, path, token string, status int, code string) string {
	s.T.Helper()
	a := s.Gateway(method, path, token, nil, nil)
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(a.Body, &e); err != nil || a.Status != status || e.Error.Code != code {
		s.T.Fatalf("%s %s: %d %s, want %d %s", method, path, a.Status, a.Body, status, code)
	}
	return e.Error.Message
}

// wfEnvironment is an environment as the API answers it.
type wfEnvironment struct {
	ID                 string `json:"id"`
	PromobRevision     int    `json:"promobRevision"`
	ImportedRevision   int    `json:"importedRevision"`
	LatestVersion      int    `json:"latestVersion"`
	ConvertedVersion   int    `json:"convertedVersion"`
	ImportStatus       string `json:"importStatus"`
	Outdated           bool   `json:"outdated"`
	Locked             bool   `json:"locked"`
	ReviewStartVersion int    `json:"reviewStartVersion"`
}

// wfVersion is a row of the versions list.
type wfVersion struct {
	Number         int    `json:"number"`
	PromobRevision int    `json:"promobRevision"`
	Latest         bool   `json:"latest"`
	Converted      bool   `json:"converted"`
	Total          string `json:"total"`
}

// wfItem is a Promob item of a version.
type wfItem struct {
	Reference    string          `json:"reference"`
	Description  string          `json:"description"`
	HasChildren  bool            `json:"hasChildren"`
	Family       string          `json:"family"`
	RealQuantity decimal.Decimal `json:"realQuantity"`
	PriceTotal   decimal.Decimal `json:"priceTotal"`
}

// wfPartChange is a part of the review's difference.
type wfPartChange struct {
	Reference   string          `json:"reference"`
	Description string          `json:"description"`
	Before      decimal.Decimal `json:"before"`
	After       decimal.Decimal `json:"after"`
}

// wfReview is the review as the API answers it.
type wfReview struct {
	Status           string `json:"status"`
	UpdateRequired   bool   `json:"updateRequired"`
	ConvertedVersion int    `json:"convertedVersion"`
	LatestVersion    int    `json:"latestVersion"`
	StartVersion     int    `json:"startVersion"`
	Locked           bool   `json:"locked"`
	Diff             struct {
		Added, Removed, Changed []wfPartChange
		TotalDelta              decimal.Decimal `json:"totalDelta"`
	} `json:"diff"`
}

// wfOrders is the answer of the purchase-order routes.
type wfOrders struct {
	PurchaseOrders []struct {
		ID       string          `json:"id"`
		Version  int             `json:"version"`
		Supplier string          `json:"supplier"`
		Total    decimal.Decimal `json:"total"`
		Lines    []struct {
			Reference string          `json:"reference"`
			Cost      decimal.Decimal `json:"cost"`
		} `json:"lines"`
	} `json:"purchaseOrders"`
}

// wfHistoryEntry is one entry of a project's history.
type wfHistoryEntry struct {
	Kind          string `json:"kind"`
	EnvironmentID string `json:"environmentId"`
	Version       int    `json:"version"`
	By            string `json:"by"`
	Message       string `json:"message"`
}

// wfSimAccount is the part of the simulator's account view the walk reads.
type wfSimAccount struct {
	Projects []struct {
		ProjectID     string `json:"projectId"`
		Situation     string `json:"situation"`
		Stage         string `json:"stage"`
		StatusUpdates []struct {
			Situation     string `json:"situation"`
			Stage         string `json:"stage"`
			EnvironmentID string `json:"environmentId"`
			Version       int    `json:"version"`
		} `json:"statusUpdates"`
	} `json:"projects"`
}

// wfPartKey identifies a part across versions, as the review does.
type wfPartKey struct{ reference, description string }

// wfParts sums the real quantities of the parts (items without children)
// by reference and description.
func wfParts(items []wfItem) map[wfPartKey]decimal.Decimal {
	out := map[wfPartKey]decimal.Decimal{}
	for _, it := range items {
		if !it.HasChildren {
			k := wfPartKey{strings.TrimSpace(it.Reference), strings.TrimSpace(it.Description)}
			out[k] = out[k].Add(it.RealQuantity)
		}
	}
	return out
}

// wfChanges indexes the parts of a difference by key; it fails the test
// when a part is listed twice.
func wfChanges(t *testing.T, what string, l []wfPartChange) map[wfPartKey][2]decimal.Decimal {
	t.Helper()
	out := map[wfPartKey][2]decimal.Decimal{}
	for _, c := range l {
		k := wfPartKey{c.Reference, c.Description}
		if _, dup := out[k]; dup {
			t.Errorf("%s lists %v twice", what, k)
		}
		out[k] = [2]decimal.Decimal{c.Before, c.After}
	}
	return out
}

// wfSameChanges fails the test unless got holds exactly the parts of want
// with the same quantities before and after.
func wfSameChanges(t *testing.T, what string, got, want map[wfPartKey][2]decimal.Decimal) {
	t.Helper()
	if len(want) == 0 {
		t.Errorf("the fixture has no %s parts: the walk would not test them", what)
	}
	if len(got) != len(want) {
		t.Errorf("%d %s parts, want %d", len(got), what, len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok || !g[0].Equal(w[0]) || !g[1].Equal(w[1]) {
			t.Errorf("%s part %v: %v (listed %v), want %v", what, k, g, ok, w)
		}
	}
}

// TestSaleWorkflow walks issue 4 end to end on the whole stack with the
// real functions: a budget is imported from Promob, approved once up to
// date (the simulator shows Connect's status), financially released,
// reviewed with the mandatory update, ordered from its suppliers, and then
// locked against Promob.
func TestSaleWorkflow(t *testing.T) {
	s := startRealStack(t)
	store, account := localstack.UniqueName("store"), localstack.UniqueName("acc")
	promobProject, promobEnv := localstack.UniqueName("pp"), localstack.UniqueName("pe")
	simAccount := "/_sim/accounts/" + account
	simEnv := simAccount + "/projects/" + promobProject + "/environments/" + promobEnv
	admin := s.Token("u-admin", store, "admin")
	seller := s.Token("u-seller", store, "seller")
	finance := s.Token("u-finance", store, "finance")
	reviewer := s.Token("u-reviewer", store, "reviewer")

	var envID, projectID, envPath string
	var env wfEnvironment
	getEnv := func(s *stack) wfEnvironment {
		s.T.Helper()
		var e wfEnvironment
		s.Call(http.MethodGet, envPath, seller, nil, http.StatusOK, &e)
		return e
	}
	versions := func(s *stack) []wfVersion {
		s.T.Helper()
		var out struct{ Versions []wfVersion }
		s.Call(http.MethodGet, envPath+"/versions", seller, nil, http.StatusOK, &out)
		return out.Versions
	}
	items := func(s *stack, n int) []wfItem {
		s.T.Helper()
		return stacktest.Pages[wfItem](s.Stack, fmt.Sprintf("%s/versions/%d/items", envPath, n), seller)
	}
	// imported waits until version n is the latest and the import is done.
	imported := func(s *stack, n, revision int) {
		s.T.Helper()
		poll.Until(s.T, wfWait, fmt.Sprintf("version %d imported", n), func() bool {
			env = getEnv(s)
			return env.LatestVersion == n && env.ImportStatus == domain.ImportImported
		})
		if env.ImportedRevision != revision || env.Outdated {
			s.T.Fatalf("after version %d: %+v, want Promob revision %d imported and up to date", n, env, revision)
		}
	}
	// savedInPromob stores the next revision in the simulator (generated
	// when listing is nil) and sends environment.saved for it.
	savedInPromob := func(s *stack, revision int, query string, listing []byte) simDelivery {
		s.T.Helper()
		a := stacktest.Send(s.T, http.MethodPut, s.SimURL()+simEnv+query, listing, nil)
		var saved struct{ Revision int }
		if err := json.Unmarshal(a.Body, &saved); err != nil || a.Status != http.StatusOK || saved.Revision != revision {
			s.T.Fatalf("simulator save: %d %s, want revision %d", a.Status, a.Body, revision)
		}
		return s.sent(s.Control(http.MethodPost, simEnv+"/events", map[string]string{"type": domain.EventSaved}, http.StatusOK), account)
	}

	wfStep(t, s, "configure the store, the simulator, a client and a project", func(t *testing.T, s *stack) {
		s.PointWebhooks(s.configureBy(admin, "u-admin", account, "pmi-"+account), map[string]any{
			"users": []map[string]string{{"user": "designer@store", "password": "secret"}},
		})
		s.Call(http.MethodPut, "/v1/integration/commercial-rules", admin, map[string]any{
			"defaultMarkup": "2", "freightPercent": "5", "suppliers": wfSuppliers,
		}, http.StatusOK, nil)

		_, projectID = s.Project(seller, "Maria Souza", "529.982.247-25", "Casa")
	})

	wfStep(t, s, "revision 1 linked and prepared becomes version 1", func(t *testing.T, s *stack) {
		s.Control(http.MethodPut, simEnv+"?parts=40&seed=1", nil, http.StatusOK)
		var linked wfEnvironment
		s.ImportEnvironment(seller, projectID, promobProject, promobEnv, "Cozinha", &linked)
		envID, envPath = linked.ID, "/v1/environments/"+linked.ID
		imported(s, 1, 1)
		prepared := s.sent(s.Control(http.MethodPost, simEnv+"/events", map[string]string{"type": domain.EventPrepared}, http.StatusOK), account)
		if prepared.Status != http.StatusAccepted {
			t.Fatalf("environment.prepared answered %d %s, want 202", prepared.Status, prepared.Body)
		}
	})

	wfStep(t, s, "a save of revision 2 makes it outdated and approval is refused", func(t *testing.T, s *stack) {
		if d := savedInPromob(s, 2, "?parts=40&seed=2", nil); d.Status != http.StatusAccepted {
			t.Fatalf("environment.saved answered %d %s, want 202", d.Status, d.Body)
		}
		// The saved event is in the prepared one's FIFO group: once it is
		// seen, the prepared revision 1 was handled and made no version.
		poll.Until(t, wfWait, "the environment outdated by revision 2", func() bool {
			env = getEnv(s)
			return env.Outdated
		})
		if env.PromobRevision != 2 || env.LatestVersion != 1 || env.ImportedRevision != 1 {
			t.Fatalf("outdated environment %+v, want revision 2 waiting over version 1 (revision 1)", env)
		}
		if vs := versions(s); len(vs) != 1 || vs[0].PromobRevision != 1 {
			t.Fatalf("versions %+v, want one of revision 1", vs)
		}
		msg := wfRefused(s, http.MethodPost, envPath+"/approve", seller, http.StatusConflict, domain.CodeOutdated)
		if !strings.Contains(msg, "revision 2") {
			t.Errorf("refusal %q does not name revision 2", msg)
		}
		if e := getEnv(s); e.ConvertedVersion != 0 {
			t.Errorf("a refused approval converted version %d", e.ConvertedVersion)
		}
	})

	wfStep(t, s, "update, then approve", func(t *testing.T, s *stack) {
		s.Call(http.MethodPost, envPath+"/update", seller, nil, http.StatusAccepted, nil)
		imported(s, 2, 2)
		wfRefused(s, http.MethodPost, envPath+"/approve", reviewer, http.StatusForbidden, domain.CodeForbidden)
		var approved wfEnvironment
		s.Call(http.MethodPost, envPath+"/approve", seller, nil, http.StatusOK, &approved)
		if approved.ConvertedVersion != 2 {
			t.Fatalf("approved environment %+v, want version 2 converted", approved)
		}
		vs := versions(s)
		if len(vs) != 2 || vs[0].Number != 2 || !vs[0].Converted || vs[1].Converted {
			t.Fatalf("versions %+v, want version 2 (of 2) converted", vs)
		}
		wfRefused(s, http.MethodPost, envPath+"/approve", admin, http.StatusConflict, domain.CodeAlreadyConverted)
	})

	wfStep(t, s, "the simulator shows the situation and stage", func(t *testing.T, s *stack) {
		poll.Until(t, wfWait, "Connect status set in Promob", func() bool {
			var acc wfSimAccount
			if err := json.Unmarshal(s.Control(http.MethodGet, simAccount, nil, http.StatusOK).Body, &acc); err != nil {
				t.Fatal(err)
			}
			for _, p := range acc.Projects {
				if p.ProjectID != promobProject || p.Situation != domain.SituationApproved || p.Stage != domain.StageContract {
					continue
				}
				last := p.StatusUpdates[len(p.StatusUpdates)-1]
				if last.EnvironmentID != promobEnv || last.Version != 2 {
					t.Fatalf("status update %+v, want environment %s version 2", last, promobEnv)
				}
				return true
			}
			return false
		})
	})

	wfStep(t, s, "negotiating the converted environment opens its review", func(t *testing.T, s *stack) {
		d := s.sent(s.Control(http.MethodPost, simEnv+"/events", map[string]string{"type": domain.EventNegotiated}, http.StatusOK), account)
		var ans struct{ Redirect string }
		if err := json.Unmarshal(d.Body, &ans); err != nil || d.Status != http.StatusAccepted || ans.Redirect != "/environments/"+envID+"/review" {
			t.Fatalf("environment.negotiated answered %d %s, want 202 redirecting to the review of %s", d.Status, d.Body, envID)
		}
	})

	wfStep(t, s, "review needs the financial release, then an update", func(t *testing.T, s *stack) {
		wfRefused(s, http.MethodPost, envPath+"/review/start", reviewer, http.StatusConflict, domain.CodeNotFinanciallyReleased)
		release := "/v1/projects/" + projectID + "/financial-release"
		wfRefused(s, http.MethodPost, release, seller, http.StatusForbidden, domain.CodeForbidden)
		var rel struct{ FinanciallyReleasedBy string }
		s.Call(http.MethodPost, release, finance, nil, http.StatusOK, &rel)
		if rel.FinanciallyReleasedBy != "u-finance" {
			t.Errorf("released by %q, want u-finance", rel.FinanciallyReleasedBy)
		}
		var rv wfReview
		s.Call(http.MethodPost, envPath+"/review/start", reviewer, nil, http.StatusOK, &rv)
		if !rv.UpdateRequired || rv.Status != domain.ReviewStateInProgress || rv.StartVersion != 2 || rv.ConvertedVersion != 2 {
			t.Fatalf("review start %+v, want in progress from version 2 with updateRequired", rv)
		}
		wfRefused(s, http.MethodPost, envPath+"/review/complete", reviewer, http.StatusConflict, domain.CodeUpdateRequired)
	})

	rev3 := listinggen.Bytes(listinggen.Spec{ProjectGUID: promobProject, EnvironmentGUID: promobEnv, EnvironmentName: "Cozinha", Parts: 60, Seed: 3})
	wfStep(t, s, "a save in Promob notifies the reviewer", func(t *testing.T, s *stack) {
		if d := savedInPromob(s, 3, "", rev3); d.Status != http.StatusAccepted {
			t.Fatalf("environment.saved answered %d %s, want 202", d.Status, d.Body)
		}
		poll.Until(t, wfWait, "the reviewer's notification to review", func() bool {
			var out struct {
				Notifications []struct {
					Read   bool
					Action *struct{ Type, ProjectID, EnvironmentID string }
				}
			}
			s.Call(http.MethodGet, "/v1/notifications?unread=true", reviewer, nil, http.StatusOK, &out)
			for _, n := range out.Notifications {
				if !n.Read && n.Action != nil && n.Action.Type == "review_environment" && n.Action.EnvironmentID == envID && n.Action.ProjectID == projectID {
					return true
				}
			}
			return false
		})
	})

	wfStep(t, s, "the reviewer updates and the review shows the difference", func(t *testing.T, s *stack) {
		s.Call(http.MethodPost, envPath+"/update", reviewer, nil, http.StatusAccepted, nil)
		imported(s, 3, 3)
		var rv wfReview
		s.Call(http.MethodGet, envPath+"/review", reviewer, nil, http.StatusOK, &rv)
		if rv.UpdateRequired || rv.ConvertedVersion != 2 || rv.LatestVersion != 3 {
			t.Fatalf("review %+v, want converted 2, latest 3, no update required", rv)
		}
		before, after := wfParts(items(s, 2)), wfParts(items(s, 3))
		added, removed, changed := map[wfPartKey][2]decimal.Decimal{}, map[wfPartKey][2]decimal.Decimal{}, map[wfPartKey][2]decimal.Decimal{}
		for k, a := range after {
			b, ok := before[k]
			switch {
			case !ok:
				added[k] = [2]decimal.Decimal{decimal.Zero, a}
			case !b.Equal(a):
				changed[k] = [2]decimal.Decimal{b, a}
			}
		}
		for k, b := range before {
			if _, ok := after[k]; !ok {
				removed[k] = [2]decimal.Decimal{b, decimal.Zero}
			}
		}
		wfSameChanges(t, "added", wfChanges(t, "added", rv.Diff.Added), added)
		wfSameChanges(t, "removed", wfChanges(t, "removed", rv.Diff.Removed), removed)
		wfSameChanges(t, "changed", wfChanges(t, "changed", rv.Diff.Changed), changed)

		totals := map[int]decimal.Decimal{}
		for _, v := range versions(s) {
			totals[v.Number] = decimal.RequireFromString(v.Total)
		}
		if want := totals[3].Sub(totals[2]); !rv.Diff.TotalDelta.Equal(want) || want.IsZero() {
			t.Errorf("totalDelta %s, want %s (version 3's total minus version 2's)", rv.Diff.TotalDelta, want)
		}
	})

	wfStep(t, s, "complete: one purchase order per supplier", func(t *testing.T, s *stack) {
		var done, listed wfOrders
		s.Call(http.MethodPost, envPath+"/review/complete", reviewer, nil, http.StatusCreated, &done)
		s.Call(http.MethodGet, envPath+"/purchase-orders", seller, nil, http.StatusOK, &listed)
		summary := func(o wfOrders) (out []string) {
			for _, po := range o.PurchaseOrders {
				out = append(out, fmt.Sprintf("%s %s v%d %d lines %s", po.ID, po.Supplier, po.Version, len(po.Lines), po.Total))
			}
			return out
		}
		if w, l := summary(done), summary(listed); !slices.Equal(w, l) {
			t.Errorf("the orders listed %v differ from those written %v", l, w)
		}

		want := map[string]bool{}
		var cost decimal.Decimal
		for _, it := range items(s, 3) {
			if it.HasChildren {
				continue
			}
			cost = cost.Add(it.PriceTotal)
			family := strings.TrimSpace(it.Family)
			switch {
			case wfSuppliers[family] != "":
				want[wfSuppliers[family]] = true
			case family != "":
				want[family] = true
			default:
				want[domain.NoSupplier] = true
			}
		}
		got := map[string]bool{}
		var total decimal.Decimal
		for _, o := range listed.PurchaseOrders {
			if got[o.Supplier] {
				t.Errorf("two orders for %s", o.Supplier)
			}
			got[o.Supplier] = true
			total = total.Add(o.Total)
			if o.Version != 3 || len(o.Lines) == 0 {
				t.Errorf("order for %s: version %d, %d lines, want version 3 with lines", o.Supplier, o.Version, len(o.Lines))
			}
		}
		if len(listed.PurchaseOrders) != len(want) || !maps.Equal(got, want) {
			t.Errorf("orders for %v, want one per supplier of %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
		}
		for family, supplier := range wfSuppliers {
			if !got[supplier] || got[family] {
				t.Errorf("family %s is not ordered from %s: orders for %v", family, supplier, slices.Sorted(maps.Keys(got)))
			}
		}
		if !total.Equal(cost) {
			t.Errorf("orders total %s, want the parts' cost %s", total, cost)
		}
		if env = getEnv(s); !env.Locked {
			t.Fatalf("environment %+v not locked after the review", env)
		}
	})

	wfStep(t, s, "a later Promob save is refused and recorded", func(t *testing.T, s *stack) {
		envBefore := s.Call(http.MethodGet, envPath, seller, nil, http.StatusOK, nil).Body
		versionsBefore := s.Call(http.MethodGet, envPath+"/versions", seller, nil, http.StatusOK, nil).Body

		d := savedInPromob(s, 4, "?parts=20&seed=4", nil)
		var refusal struct{ Error struct{ Code string } }
		if err := json.Unmarshal(d.Body, &refusal); err != nil || d.Status != http.StatusConflict || refusal.Error.Code != domain.CodeLocked {
			t.Fatalf("environment.saved of a locked environment answered %d %s, want 409 %s", d.Status, d.Body, domain.CodeLocked)
		}
		wfRefused(s, http.MethodPost, envPath+"/update", seller, http.StatusConflict, domain.CodeLocked)
		if after := s.Call(http.MethodGet, envPath, seller, nil, http.StatusOK, nil).Body; !bytes.Equal(after, envBefore) {
			t.Errorf("the environment changed:\n%s\n%s", envBefore, after)
		}
		if after := s.Call(http.MethodGet, envPath+"/versions", seller, nil, http.StatusOK, nil).Body; !bytes.Equal(after, versionsBefore) {
			t.Errorf("the versions changed:\n%s\n%s", versionsBefore, after)
		}
		vs := versions(s)
		if len(vs) != 3 || vs[0].Number != 3 || !vs[0].Latest || vs[0].Converted || !vs[1].Converted || vs[2].Converted {
			t.Errorf("versions %+v, want 3 (latest), 2 (converted), 1", vs)
		}
		if _, err := s.store.DeliveryBody(t.Context(), account, d.WebhookID); !domain.IsNotFound(err) {
			t.Errorf("the refused delivery was stored (err=%v)", err)
		}
		// Promob retries the refused delivery: refused again, recorded once.
		again := s.sent(s.Control(http.MethodPost, simAccount+"/deliveries/"+d.WebhookID+"/replay", map[string]bool{"resign": true}, http.StatusOK), account)
		if again.Status != http.StatusConflict {
			t.Errorf("the retry answered %d %s, want 409", again.Status, again.Body)
		}

		var h struct{ History []wfHistoryEntry }
		s.Call(http.MethodGet, "/v1/projects/"+projectID+"/history", seller, nil, http.StatusOK, &h)
		var kinds []string
		approvedAt, refusedAt := -1, -1
		for i, e := range h.History {
			kinds = append(kinds, e.Kind)
			switch e.Kind {
			case domain.HistoryApproved:
				approvedAt = i
				if e.EnvironmentID != envID || e.Version != 2 || !strings.Contains(e.Message, "version 2") {
					t.Errorf("approval entry %+v, want version 2 of %s", e, envID)
				}
			case domain.HistoryRefusedChange:
				refusedAt = i
				if e.EnvironmentID != envID || e.By != domain.ByPromob || !strings.Contains(e.Message, "revision 4") || !strings.Contains(e.Message, "converted version 2") {
					t.Errorf("refusal entry %+v, want Promob's revision 4 refused, naming converted version 2", e)
				}
			}
		}
		want := []string{
			domain.HistoryImported, domain.HistoryOutdated, domain.HistoryImported, domain.HistoryApproved,
			domain.HistoryFinancialRelease, domain.HistoryReviewStarted, domain.HistoryOutdated, domain.HistoryImported,
			domain.HistoryReviewCompleted, domain.HistoryPurchaseOrders, domain.HistoryRefusedChange,
		}
		if !slices.Equal(kinds, want) || approvedAt < 0 || refusedAt < approvedAt {
			t.Errorf("history %v, want %v", kinds, want)
		}
	})

	wfStep(t, s, "open Promob at a version", func(t *testing.T, s *stack) {
		for n, rev := range map[int]int{1: 1, 3: 3} {
			var out struct{ URL string }
			s.Call(http.MethodGet, fmt.Sprintf("%s/versions/%d/open", envPath, n), reviewer, nil, http.StatusOK, &out)
			want := fmt.Sprintf("promob://open?account=%s&project=%s&environment=%s&revision=%d", account, promobProject, promobEnv, rev)
			if out.URL != want {
				t.Errorf("version %d opens %q, want %q", n, out.URL, want)
			}
		}
		wfRefused(s, http.MethodGet, envPath+"/versions/4/open", reviewer, http.StatusNotFound, domain.CodeNotFound)
		wfRefused(s, http.MethodGet, envPath+"/versions/1/open", s.Token("u-other", localstack.UniqueName("store"), "admin"), http.StatusNotFound, domain.CodeNotFound)
		wfRefused(s, http.MethodGet, envPath+"/review", s.Token("u-other", localstack.UniqueName("store"), "reviewer"), http.StatusNotFound, domain.CodeNotFound)
	})
}
