package promobsync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobsync"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// listingItems is what a listing lists, without the ids Promob gives each
// environment: reference, description, real quantity and total price of
// every item in order.
func listingItems(t *testing.T, xml io.ReadCloser) []string {
	t.Helper()
	defer xml.Close()
	_, items, err := listing.ParseAll(xml)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprintf("%s|%s|%s|%s", it.Reference, it.Description, it.RealQuantity, it.Price.Total)
	}
	return out
}

// copiesRevision1 reports whether the listing of the design's Promob
// environment lists what revision 1 of the source environment pe-1 lists.
func (h *harness) copiesRevision1(design string) bool {
	h.t.Helper()
	ctx := context.Background()
	copied, _, err := h.client.Listing(ctx, "acc-1", "pmi-store", "pp-1", design, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	src, _, err := h.client.Listing(ctx, "acc-1", "pmi-store", "pp-1", "pe-1", 1)
	if err != nil {
		h.t.Fatal(err)
	}
	return fmt.Sprint(listingItems(h.t, copied)) == fmt.Sprint(listingItems(h.t, src))
}

// saveGenerated saves a generated listing of parts parts as the next
// revision of a Promob environment.
func (h *harness) saveGenerated(promobProject, promobEnv string, parts, seed int) {
	h.t.Helper()
	req, err := http.NewRequest("PUT", fmt.Sprintf("%s/_sim/accounts/acc-1/projects/%s/environments/%s?parts=%d&seed=%d", h.url, promobProject, promobEnv, parts, seed), nil)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		h.t.Fatalf("save revision: %d", resp.StatusCode)
	}
}

func TestAssistanceDesign(t *testing.T) {
	tests := []struct {
		name       string
		source     string
		faults     int
		deliveries []int
		wantStatus string
	}{
		{"blank", domain.DesignBlank, 0, []int{1}, domain.EnvReady},
		{"a copy of revision 1, delivered twice", domain.DesignRevision, 0, []int{1, 2}, domain.EnvReady},
		{"an outage recorded on the last delivery", domain.DesignRevision, 100, []int{promobsync.MaxAttempts}, domain.EnvFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "pmi-store")
			ctx := context.Background()
			p := h.seedProject("pp-1")
			// The source environment in Promob: revision 1, then a newer revision 2.
			h.saveGenerated("pp-1", "pe-1", 12, 1)
			h.saveGenerated("pp-1", "pe-1", 20, 2)
			a := domain.Assistance{ID: domain.NewID(), StoreID: "s1", ProjectID: p.ID, EnvironmentID: "e1", Number: "42", Description: "Porta",
				CreatedBy: "u1", CreatedAt: time.Now(), Env: domain.Environment{Name: domain.DesignName("Cozinha", "42"), PromobAccountID: "acc-1"}}
			if err := h.store.CreateAssistance(ctx, a); err != nil {
				t.Fatal(err)
			}
			design := domain.AssistanceDesign{Source: tt.source, PromobProjectID: "pp-1"}
			if tt.source == domain.DesignRevision {
				design.SourceVersion, design.SourceRevision, design.SourcePromobEnvironmentID = 1, 1, "pe-1"
			}
			if err := h.store.RequestDesign(ctx, "s1", a.ID, design, time.Now()); err != nil {
				t.Fatal(err)
			}
			if tt.faults > 0 {
				h.call("POST", "/_sim/faults", "", map[string]any{"failNext": tt.faults, "status": 503})
			}
			for i, n := range tt.deliveries {
				if h.handle(message.AssistanceDesign{Kind: message.KindAssistanceDesign, StoreID: "s1", AssistanceID: a.ID, UserID: "u1"}, n) {
					t.Fatalf("delivery %d failed", i+1)
				}
			}
			h.call("DELETE", "/_sim/faults", "", nil)
			got, err := h.store.Assistance(ctx, "s1", a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Design.Status != tt.wantStatus || (tt.wantStatus == domain.EnvFailed) != (got.Design.StatusReason != "") {
				t.Fatalf("design = %+v, want %s", got.Design, tt.wantStatus)
			}
			_, _, names := h.account()
			if tt.wantStatus == domain.EnvFailed {
				if len(names) != 1 {
					t.Fatalf("Promob environments = %v, want only the source", names)
				}
				return
			}
			if len(names) != 2 || names[1] != "Cozinha ocorrência: 42" {
				t.Fatalf("Promob environments = %v, want the source and \"Cozinha ocorrência: 42\"", names)
			}
			if routed, err := h.store.EnvironmentByPromobID(ctx, "acc-1", got.Design.PromobEnvironmentID); err != nil || routed.ID != a.ID {
				t.Fatalf("routing = %+v %v, want the assistance", routed, err)
			}
			if same := h.copiesRevision1(got.Design.PromobEnvironmentID); same != (tt.source == domain.DesignRevision) {
				t.Fatalf("the design's listing equals revision 1's: %v, want %v", same, tt.source == domain.DesignRevision)
			}
		})
	}
}

// TestDesignAttemptKeys re-requests a design whose first request Promob
// carried out but whose answer was lost (so the design failed): the new
// request, from another source, carries a new Idempotency-Key and is
// created, while every delivery of one request carries the same key and
// creates one environment.
func TestDesignAttemptKeys(t *testing.T) {
	h := newHarness(t, "pmi-store")
	ctx := context.Background()
	p := h.seedProject("pp-1")
	h.saveGenerated("pp-1", "pe-1", 12, 1)
	a := domain.Assistance{ID: domain.NewID(), StoreID: "s1", ProjectID: p.ID, EnvironmentID: "e1", Number: "42", Description: "Porta",
		CreatedBy: "u1", CreatedAt: time.Now(), Env: domain.Environment{Name: domain.DesignName("Cozinha", "42"), PromobAccountID: "acc-1"}}
	if err := h.store.CreateAssistance(ctx, a); err != nil {
		t.Fatal(err)
	}
	msg := message.AssistanceDesign{Kind: message.KindAssistanceDesign, StoreID: "s1", AssistanceID: a.ID, UserID: "u1"}

	// Request 1, blank: Promob creates it, the answer is lost, and the
	// last delivery finds Promob down.
	if err := h.store.RequestDesign(ctx, "s1", a.ID, domain.AssistanceDesign{Source: domain.DesignBlank, PromobProjectID: "pp-1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	lost, _, err := h.client.CreateEnvironment(ctx, "acc-1", "pmi-store", domain.DesignKey(a.ID, 1), "pp-1",
		promob.NewEnvironment{ExternalID: a.ID, Name: a.Env.Name, Source: promob.Source{Kind: "blank"}})
	if err != nil {
		t.Fatal(err)
	}
	h.call("POST", "/_sim/faults", "", map[string]any{"failNext": 100, "status": 503})
	if h.handle(msg, promobsync.MaxAttempts) {
		t.Fatal("the last delivery failed instead of recording the failure")
	}
	h.call("DELETE", "/_sim/faults", "", nil)
	if got, err := h.store.Assistance(ctx, "s1", a.ID); err != nil || got.Design.Status != domain.EnvFailed {
		t.Fatalf("after request 1: %+v %v, want failed", got.Design, err)
	}

	// Request 2, a copy of revision 1, delivered twice.
	design := domain.AssistanceDesign{Source: domain.DesignRevision, PromobProjectID: "pp-1", SourceVersion: 1, SourceRevision: 1, SourcePromobEnvironmentID: "pe-1"}
	if err := h.store.RequestDesign(ctx, "s1", a.ID, design, time.Now()); err != nil {
		t.Fatal(err)
	}
	h.call("POST", "/_sim/faults", "", map[string]any{"failNext": 1, "status": 503})
	for i := 1; i <= 2; i++ {
		if h.handle(msg, i) {
			t.Fatalf("delivery %d of request 2 failed", i)
		}
	}
	got, err := h.store.Assistance(ctx, "s1", a.ID)
	if err != nil || got.Design.Status != domain.EnvReady || got.Design.PromobEnvironmentID == lost {
		t.Fatalf("after request 2: %+v %v, want ready with a new Promob environment (not %s)", got.Design, err, lost)
	}
	if !h.copiesRevision1(got.Design.PromobEnvironmentID) {
		t.Fatal("the design is not a copy of revision 1")
	}

	var acc struct {
		Calls []struct {
			Path, IdempotencyKey string
			Status               int
			Replayed             bool
		}
	}
	if err := json.NewDecoder(h.call("GET", "/_sim/accounts/acc-1", "", nil).Body).Decode(&acc); err != nil {
		t.Fatal(err)
	}
	created := map[string]int{}
	for _, c := range acc.Calls {
		if strings.HasSuffix(c.Path, "/environments") && c.Status == http.StatusCreated && !c.Replayed {
			created[c.IdempotencyKey]++
		}
		if c.Status == http.StatusConflict {
			t.Errorf("Promob answered 409 to %s (key %s)", c.Path, c.IdempotencyKey)
		}
	}
	want := map[string]int{domain.DesignKey(a.ID, 1): 1, domain.DesignKey(a.ID, 2): 1}
	if fmt.Sprint(created) != fmt.Sprint(want) {
		t.Fatalf("environments created by key = %v, want %v", created, want)
	}
	if _, _, names := h.account(); len(names) != 3 {
		t.Fatalf("Promob environments = %v, want the source, the lost design and the copy", names)
	}
}
