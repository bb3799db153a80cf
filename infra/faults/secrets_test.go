package faults_test

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/proc"
	"github.com/foccolojas/promob-integration/infra/stacktest"
)

// captureStdout sends what the functions write to standard output (their
// JSON logs: they take os.Stdout when assembled) to w as well, until the
// test ends.
func captureStdout(t *testing.T, w io.Writer) {
	t.Helper()
	orig, origLog := os.Stdout, slog.Default()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout = pw
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(io.MultiWriter(w, orig), pr)
	}()
	t.Cleanup(func() {
		os.Stdout = orig
		slog.SetDefault(origLog)
		pw.Close()
		<-done
		pr.Close()
	})
}

// TestSecretsNeverLogged runs the flows that handle a store's secrets (the
// integration set up with its Promob token, a webhook secret rotated,
// webhooks signed with the old, the new and a wrong secret, Promob refusing
// the integration token) and checks that no log line of the stack and no
// answer but the one that hands a webhook secret out holds a secret or the
// token.
func TestSecretsNeverLogged(t *testing.T) {
	logs := &proc.Buffer{}
	captureStdout(t, logs)
	s := &faultStack{stacktest.Start(t, local, stacktest.Options{Prefix: "secrets", Log: logs})}
	st := s.Stack.Stack
	fs := newFaultStore(s)
	e := fs.newFaultEnv(5)
	var answers []string

	var rotated struct{ WebhookSecret string }
	s.Call(http.MethodPost, "/v1/integration/rotate-secret", fs.admin, nil, http.StatusOK, &rotated)
	if rotated.WebhookSecret == "" || rotated.WebhookSecret == fs.webhookSecret {
		t.Fatalf("rotate-secret answered %+v", rotated)
	}
	// Promob still signs with the old secret (valid for the grace period),
	// then with the new one; a forger signs with a secret of its own.
	e.event("environment.saved", e.save(6))
	s.Control(http.MethodPut, "/_sim/accounts/"+fs.account, map[string]string{"webhookSecret": rotated.WebhookSecret}, http.StatusOK)
	e.event("environment.saved", e.save(7))
	forged := stacktest.SignedDelivery(t, "whsec_Zm9yZ2VkLXNlY3JldC1mb3JnZWQtc2VjcmV0MTI=", "msg_forged", time.Now(), []byte(`{"type":"environment.saved","data":{}}`))
	r := stacktest.Send(t, http.MethodPost, st.URL()+fs.webhookPath, []byte(`{"type":"environment.saved","data":{}}`), forged)
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("forged delivery: %d %s", r.Status, r.Body)
	}
	answers = append(answers, string(r.Body))

	// Promob stops accepting the integration token: the next client's
	// creation is refused, logged and retried.
	s.Control(http.MethodPut, "/_sim/accounts/"+fs.account, map[string]string{"integrationToken": "pmi_other"}, http.StatusOK)
	var client struct{ ID string }
	answers = append(answers, string(s.Call(http.MethodPost, "/v1/clients", fs.admin, map[string]string{"name": "Bia Souza", "document": "529.982.247-25"}, http.StatusCreated, &client).Body))
	poll.Until(t, wait, "the refusal is retried", func() bool {
		var c struct{ Jobs []job }
		answers = append(answers, string(s.Call(http.MethodGet, "/v1/clients/"+client.ID, fs.admin, nil, http.StatusOK, &c).Body))
		return len(c.Jobs) == 1 && c.Jobs[0].State == "retrying"
	})
	answers = append(answers, string(s.Call(http.MethodGet, "/v1/integration", fs.admin, nil, http.StatusOK, nil).Body))

	for what, secret := range map[string]string{
		"the first webhook secret": fs.webhookSecret, "the rotated webhook secret": rotated.WebhookSecret,
		"the integration token": fs.apiKey, "the secret's key part": strings.TrimPrefix(rotated.WebhookSecret, "whsec_"),
	} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("%s appears in the logs", what)
		}
		for _, a := range answers {
			if strings.Contains(a, secret) {
				t.Errorf("%s appears in an answer: %s", what, a)
			}
		}
	}
	if !strings.Contains(logs.String(), "webhook refused") || !strings.Contains(logs.String(), "message failed") {
		t.Error("the logs lack the refusal or the failure: the test did not exercise them")
	}
}
