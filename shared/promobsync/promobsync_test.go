package promobsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/infra/promobsim"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobsync"
)

type accounts map[string]domain.Account

func (a accounts) Account(_ context.Context, id string) (domain.Account, error) {
	acc, ok := a[id]
	if !ok {
		return domain.Account{}, domain.Errorf(domain.CodeNotFound, "No account %q.", id)
	}
	return acc, nil
}

func call(t *testing.T, method, url, token string, body any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d", method, url, resp.StatusCode)
	}
	return resp
}

func TestConnectStatusReachesPromob(t *testing.T) {
	tests := []struct {
		name       string
		token      string
		faults     int
		wantFailed bool
	}{
		{"set with the integration token", "pmi-store", 0, false},
		{"retried after a 503", "pmi-store", 1, false},
		{"a refused token fails the message", "pmi-wrong", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, err := promobsim.New(promobsim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			call(t, "PUT", srv.URL+"/_sim/accounts/acc-1", "", map[string]any{"integrationToken": "pmi-store"})
			call(t, "PUT", srv.URL+"/_sim/accounts/acc-1/projects/pp-1/environments/pe-1", "", nil)
			if tt.faults > 0 {
				call(t, "POST", srv.URL+"/_sim/faults", "", map[string]any{"failNext": tt.faults, "status": 503})
			}
			client, err := promob.New(srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			client.Backoff = time.Millisecond
			sync := promobsync.New(accounts{"acc-1": {AccountID: "acc-1", StoreID: "s1", APIToken: tt.token}}, client)
			msg, _ := json.Marshal(domain.ConnectStatusMessage{Kind: domain.KindConnectStatus, StoreID: "s1", AccountID: "acc-1",
				ProjectID: "pp-1", EnvironmentID: "pe-1", Version: 2, Situation: domain.SituationApproved, Stage: domain.StageContract})
			resp, err := sync.Handle(context.Background(), events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m1", Body: string(msg)}}})
			if err != nil {
				t.Fatal(err)
			}
			if failed := len(resp.BatchItemFailures) == 1; failed != tt.wantFailed {
				t.Fatalf("failures = %+v, want failed %v", resp.BatchItemFailures, tt.wantFailed)
			}
			var list struct {
				Projects []struct{ ProjectID, Situation, Stage string }
			}
			if err := json.NewDecoder(call(t, "GET", srv.URL+"/v1/accounts/acc-1/projects", "pmi-store", nil).Body).Decode(&list); err != nil {
				t.Fatal(err)
			}
			want := "Aprovado/Contrato"
			if tt.wantFailed {
				want = "/"
			}
			if len(list.Projects) != 1 || list.Projects[0].Situation+"/"+list.Projects[0].Stage != want {
				t.Fatalf("projects = %+v, want %s", list.Projects, want)
			}
		})
	}
}
