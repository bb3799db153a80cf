package e2e_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

// immutableVersion is a version with its stored budget as the API answers it.
type immutableVersion struct {
	versionView
	ManualChange *struct {
		By string `json:"by"`
	} `json:"manualChange"`
	Budget      json.RawMessage `json:"budget"`
	BudgetFixed bool            `json:"budgetFixed"`
}

// TestVersionsAreImmutable is issue 11's first point on the local stack:
// before the conversion a manual item shows in the latest version's budget;
// after it a manual change makes a new version of the same Promob revision
// and the converted version reads the same to the cent; a change of
// commercial rules reprices nothing until the store asks for the latest
// unconverted version (never the converted one); the review's diff shows
// the manual change; after the purchase orders manual changes are refused.
// It also reads a 1,200-part version page by page and gzip-encoded.
func TestVersionsAreImmutable(t *testing.T) {
	s := startRealStack(t)
	store, account, apiToken := s.linkedStore()
	admin := s.Token("admin-1", store, "admin")
	seller := s.Token("seller-1", store, "seller")
	finance := s.Token("finance-1", store, "finance")
	reviewer := s.Token("reviewer-1", store, "reviewer")
	s.Call(http.MethodPut, "/v1/integration/commercial-rules", admin, map[string]string{"defaultMarkup": "2", "freightPercent": "3"}, http.StatusOK, nil)
	pe := newPromobEnv(s, account, apiToken)
	pe.save(nil, 1200)
	_, projectID := s.Project(seller, "Ana Silva", "529.982.247-25", "Casa Silva")
	var env envView
	s.ImportEnvironment(admin, projectID, pe.project, pe.env, "Cozinha", &env)
	envPath := "/v1/environments/" + env.ID
	getEnv := func() envView {
		var e envView
		s.Call(http.MethodGet, envPath, seller, nil, http.StatusOK, &e)
		return e
	}
	waitImported := func(latest int) {
		t.Helper()
		poll.Until(t, importWait, fmt.Sprintf("version %d imported", latest), func() bool {
			e := getEnv()
			return e.LatestVersion == latest && e.ImportStatus == domain.ImportImported
		})
	}
	version := func(n int) immutableVersion {
		t.Helper()
		var v immutableVersion
		s.Call(http.MethodGet, fmt.Sprintf("%s/versions/%d", envPath, n), seller, nil, http.StatusOK, &v)
		return v
	}
	budget := func() budgetView { return budgetAt(s, envPath+"/budget", envPath+"/budget/lines", seller) }
	addManual := func(token, description, price string, status int) itemView {
		t.Helper()
		var it itemView
		a := s.Call(http.MethodPost, envPath+"/items", token, map[string]string{"description": description, "quantity": "1", "unitPrice": price}, status, &it)
		if status != http.StatusCreated {
			if code := errorCodeOf(a.Object(t)); code != domain.CodeLocked {
				t.Fatalf("refused manual item: code %q, want %s", code, domain.CodeLocked)
			}
		}
		return it
	}
	waitImported(1)

	t.Run("items and budget lines page in listing order; gzip on the wire", func(t *testing.T) {
		items := stacktest.Pages[itemView](s.Stack, envPath+"/items", seller)
		if len(items) != 1200 {
			t.Fatalf("the items tab pages %d items, want 1200", len(items))
		}
		for i, it := range items {
			if it.ID != domain.PromobItemID(i) {
				t.Fatalf("item %d is %s: not in listing order", i, it.ID)
			}
		}
		first := s.Gateway(http.MethodGet, envPath+"/items?limit=200", seller, nil, nil)
		// The bytes on the wire, as a browser asks for them (the OpenAPI
		// check reads plain JSON, so this request goes around it).
		packed := stacktest.Send(t, http.MethodGet, s.URL()+envPath+"/items?limit=200", nil,
			map[string]string{"Authorization": "Bearer " + seller, "Accept-Encoding": "gzip"})
		if packed.Status != http.StatusOK || packed.Header.Get("Content-Encoding") != "gzip" || first.Header.Get("Content-Encoding") != "" {
			t.Fatalf("Content-Encoding %q with Accept-Encoding gzip, %q without", packed.Header.Get("Content-Encoding"), first.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(packed.Body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(plain, first.Body) {
			t.Fatalf("the gzip body does not decode to the plain answer (%v)", err)
		}
		if len(packed.Body)*4 > len(first.Body) {
			t.Errorf("a page of 200 items is %d bytes gzip-encoded, %d plain: want at least 4× smaller", len(packed.Body), len(first.Body))
		}
		t.Logf("a page of 200 items: %d bytes plain, %d gzip-encoded on the wire", len(first.Body), len(packed.Body))
		wfRefused(s, http.MethodGet, envPath+"/items?cursor=bm90LWEtY3Vyc29y", seller, http.StatusBadRequest, domain.CodeInvalid)
		wfRefused(s, http.MethodGet, envPath+"/items?limit=201", seller, http.StatusBadRequest, domain.CodeInvalid)
	})

	frete := addManual(seller, "Frete especial", "100.00", http.StatusCreated)
	t.Run("before the conversion the latest version's budget follows the manual items", func(t *testing.T) {
		b := budget()
		if b.Version != 1 || len(b.Manual) != 1 || !b.ManualTotal.Equal(decimal.NewFromInt(100)) {
			t.Fatalf("budget = version %d, manual %+v (total %s)", b.Version, b.Manual, b.ManualTotal)
		}
		if v := version(1); v.Total != b.Total.StringFixed(2) || v.ManualChange != nil || v.BudgetFixed {
			t.Fatalf("version 1 total %s, its budget %s", v.Total, b.Total)
		}
	})

	t.Run("a change of rules reprices only when the store asks", func(t *testing.T) {
		before := version(1)
		s.Call(http.MethodPut, "/v1/integration/commercial-rules", admin, map[string]string{"defaultMarkup": "3", "freightPercent": "3"}, http.StatusOK, nil)
		if after := version(1); after.Total != before.Total || !bytes.Equal(after.Budget, before.Budget) {
			t.Fatalf("a change of rules repriced version 1: %s → %s", before.Total, after.Total)
		}
		var repriced immutableVersion
		s.Call(http.MethodPost, envPath+"/reprice", seller, nil, http.StatusOK, &repriced)
		b := budget()
		if repriced.Total == before.Total || b.Total.StringFixed(2) != repriced.Total || !b.Lines[0].Markup.Equal(decimal.NewFromInt(3)) || len(b.Manual) != 1 {
			t.Fatalf("reprice: total %s → %s, budget %s, markup %s", before.Total, repriced.Total, b.Total, b.Lines[0].Markup)
		}
	})

	var converted immutableVersion
	t.Run("after the conversion a manual change makes a new version; the converted one stays", func(t *testing.T) {
		s.Call(http.MethodPost, envPath+"/approve", seller, nil, http.StatusOK, nil)
		converted = version(1)
		convertedLines := stacktest.Pages[budgetLine](s.Stack, envPath+"/versions/1/budget/lines", seller)
		wfRefused(s, http.MethodPost, envPath+"/reprice", seller, http.StatusConflict, domain.CodeAlreadyConverted)
		var changed itemView
		s.Call(http.MethodPatch, envPath+"/items/"+frete.ID, seller, map[string]string{"unitPrice": "150.00"}, http.StatusOK, &changed)
		e := getEnv()
		v2 := version(2)
		if e.LatestVersion != 2 || e.ImportedRevision != 1 || v2.PromobRevision != 1 || v2.ManualChange == nil || v2.ManualChange.By != "seller-1" || v2.Converted || !v2.Latest {
			t.Fatalf("after a manual change: env %+v, version 2 %+v (manual change %+v)", e, v2, v2.ManualChange)
		}
		if d := decimal.RequireFromString(v2.Total).Sub(decimal.RequireFromString(converted.Total)); !d.Equal(decimal.RequireFromString("51.50")) {
			t.Errorf("version 2 total %s, converted %s: want 50.00 + 3%% freight more", v2.Total, converted.Total)
		}
		again := version(1)
		if again.Total != converted.Total || !bytes.Equal(again.Budget, converted.Budget) || !again.Converted || again.Latest || !again.BudgetFixed || v2.BudgetFixed {
			t.Fatalf("the converted version changed: %s → %s", converted.Total, again.Total)
		}
		if lines := stacktest.Pages[budgetLine](s.Stack, envPath+"/versions/1/budget/lines", seller); len(lines) != len(convertedLines) || !lines[0].Price.Equal(convertedLines[0].Price) {
			t.Fatal("the converted version's lines changed")
		}
	})

	t.Run("the review's diff shows the manual change beside Promob's", func(t *testing.T) {
		s.Call(http.MethodPost, "/v1/projects/"+projectID+"/financial-release", finance, nil, http.StatusOK, nil)
		s.Call(http.MethodPost, envPath+"/review/start", reviewer, nil, http.StatusOK, nil)
		pe.save(nil, 1210)
		s.Call(http.MethodPost, envPath+"/update", reviewer, nil, http.StatusAccepted, nil)
		waitImported(3)
		var rv struct {
			Diff struct {
				Added, Removed, Changed []any
				Manual                  struct {
					Changed []struct {
						Before, After struct{ ID, UnitPrice string }
					}
				}
				TotalDelta string
			}
		}
		s.Call(http.MethodGet, envPath+"/review", reviewer, nil, http.StatusOK, &rv)
		ch := rv.Diff.Manual.Changed
		if len(ch) != 1 || ch[0].Before.ID != frete.ID || ch[0].Before.UnitPrice != "100" || ch[0].After.UnitPrice != "150" || len(rv.Diff.Added)+len(rv.Diff.Removed)+len(rv.Diff.Changed) == 0 {
			t.Fatalf("review diff = %+v", rv.Diff)
		}
		s.Call(http.MethodPost, envPath+"/review/complete", reviewer, nil, http.StatusCreated, nil)
		var history struct{ History []domain.HistoryEntry }
		s.Call(http.MethodGet, "/v1/projects/"+projectID+"/history", seller, nil, http.StatusOK, &history)
		kinds := map[string]int{}
		for _, h := range history.History {
			kinds[h.Kind]++
		}
		if kinds[domain.HistoryManualChange] != 1 || kinds[domain.HistoryRepriced] != 1 {
			t.Errorf("history kinds %v: want one manual_change and one repriced", kinds)
		}
	})

	t.Run("after the purchase orders manual changes are refused", func(t *testing.T) {
		addManual(seller, "Tampo", "10.00", http.StatusConflict)
		a := s.Call(http.MethodPatch, envPath+"/items/"+frete.ID, seller, map[string]string{"unitPrice": "1.00"}, http.StatusConflict, nil)
		if code := errorCodeOf(a.Object(t)); code != domain.CodeLocked {
			t.Fatalf("PATCH after the purchase orders: code %q", code)
		}
		wfRefused(s, http.MethodDelete, envPath+"/items/"+frete.ID, seller, http.StatusConflict, domain.CodeLocked)
		wfRefused(s, http.MethodPost, envPath+"/reprice", seller, http.StatusConflict, domain.CodeLocked)
		if again := version(1); again.Total != converted.Total || !bytes.Equal(again.Budget, converted.Budget) {
			t.Fatal("the converted version changed")
		}
		if e := getEnv(); e.LatestVersion != 3 {
			t.Fatalf("refused changes made a version: latest %d", e.LatestVersion)
		}
	})
}
