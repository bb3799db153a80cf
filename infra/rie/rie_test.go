package rie

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/modroot"
)

// mustBinary returns aws-lambda-rie or fails: the emulator tests are part of
// `make test`, which installs it, so a missing emulator is an error.
func mustBinary(t testing.TB, root string) string {
	t.Helper()
	bin, err := Binary(root)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func mustRoot(t testing.TB) string {
	t.Helper()
	root, err := modroot.Dir()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// startFunction builds pkg and starts it under the emulator until the test ends.
func startFunction(t *testing.T, pkg string, env map[string]string) *Emulator {
	t.Helper()
	root := mustRoot(t)
	bin := mustBinary(t, root)
	bootstrap, err := Build(t.Context(), root, pkg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	em, err := Start(t.Context(), Options{RIE: bin, Bootstrap: bootstrap, Env: env, Log: t.Output()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := em.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
		assertNoProcessRuns(t, bootstrap)
	})
	return em
}

// assertNoProcessRuns fails when a live process still runs the executable.
func assertNoProcessRuns(t *testing.T, exe string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		pids := processesRunning(exe)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s still runs as %v after Stop", exe, pids)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func processesRunning(exe string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if target, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && target == exe {
			pids = append(pids, pid)
		}
	}
	return pids
}

func TestApiHealthUnderEmulator(t *testing.T) {
	root := mustRoot(t)
	pkg, err := FunctionPackage("ApiFunction")
	if err != nil {
		t.Fatal(err)
	}
	event, err := os.ReadFile(filepath.Join(root, "events", "api-health.json"))
	if err != nil {
		t.Fatal(err)
	}
	em := startFunction(t, pkg, map[string]string{"AWS_REGION": "us-east-1", "LOG_LEVEL": "DEBUG", "TABLE_NAME": "promob-local-Table", "IMPORTS_QUEUE_URL": "http://127.0.0.1:3011/000000000000/promob-local-imports.fifo", "PROMOB_OUTBOX_QUEUE_URL": "http://127.0.0.1:3011/000000000000/promob-local-promob-outbox",
		"PROMOB_API_URL": "http://127.0.0.1:3001", "PROMOB_TOKEN_KEY": localenv.PromobTokenKey})
	answer, err := em.Invoke(t.Context(), event)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(answer, &resp); err != nil {
		t.Fatalf("answer is not an HTTP API response: %v\n%s", err, answer)
	}
	if resp.StatusCode != 200 {
		t.Errorf("statusCode = %d, want 200", resp.StatusCode)
	}
	if got := strings.TrimSpace(resp.Body); got != `{"status":"ok"}` {
		t.Errorf("body = %s, want {\"status\":\"ok\"}", got)
	}
}

func TestInvokeEcho(t *testing.T) {
	em := startFunction(t, "./infra/rie/testdata/echo", map[string]string{"GREETING": "olá"})
	tests := []struct {
		name      string
		event     string
		want      string
		wantError string
	}{
		{"answer with the environment", `{"name":"loja"}`, `{"greeting":"olá","name":"loja"}`, ""},
		{"handler error", `{"fail":true}`, "", "asked to fail"},
		{"again after an error", `{"name":"de novo"}`, `{"greeting":"olá","name":"de novo"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer, err := em.Invoke(t.Context(), []byte(tt.event))
			if tt.wantError != "" {
				var fe *FunctionError
				if !errors.As(err, &fe) || fe.Message != tt.wantError {
					t.Fatalf("Invoke = %s, %v; want a FunctionError %q", answer, err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if string(answer) != tt.want {
				t.Errorf("answer = %s, want %s", answer, tt.want)
			}
		})
	}
}

func TestFunctionPackage(t *testing.T) {
	tests := []struct {
		id, want, wantErr string
	}{
		{"WebhookFunction", "./functions/webhook", ""},
		{"ApiFunction", "./functions/api", ""},
		{"ImporterFunction", "./functions/importer", ""},
		{"PromobSyncFunction", "./functions/promobsync", ""},
		{"NotifierFunction", "./functions/notifier", ""},
		{"Nope", "", `unknown function "Nope": want one of ApiFunction, ImporterFunction`},
	}
	root := mustRoot(t)
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := FunctionPackage(tt.id)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FunctionPackage(%q) = %q, %v; want error %q", tt.id, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("FunctionPackage(%q) = %q, %v; want %q", tt.id, got, err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(root, got, "main.go")); err != nil {
				t.Errorf("%s has no main.go: %v", got, err)
			}
		})
	}
}

func TestBinaryNamesTheFix(t *testing.T) {
	t.Setenv(EnvVar, "")
	t.Setenv("PATH", t.TempDir())
	_, err := Binary(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "run `make test`") {
		t.Fatalf("Binary = %v, want an error saying to run `make test`", err)
	}
}

func TestEmulatorLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"07 Dec 2026 03:24:11,663 [DEBUG] (rapid) Runtime API Server listening on 127.0.0.1:41329", true},
		{"07 Dec 2026 03:24:11,805 [WARNING] (rapid) Reset initiated: SandboxTerminated", true},
		{"START RequestId: 14108ad1-b76c-47bf-8c35-43bcb0a6a109 Version: $LATEST", true},
		{"END RequestId: 14108ad1-b76c-47bf-8c35-43bcb0a6a109", true},
		{"REPORT RequestId: 14108ad1\tInit Duration: 0.06 ms", true},
		{`{"time":"2026-12-07T03:28:07Z","level":"INFO","msg":"webhook accepted"}`, false},
		{"panic: something the function wrote", false},
	}
	for _, tt := range tests {
		if got := emulatorLine(tt.line); got != tt.want {
			t.Errorf("emulatorLine(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
