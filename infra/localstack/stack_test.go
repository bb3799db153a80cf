package localstack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/infra/proc"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// fakeNotifier replaces NotifierFunction's constructor for the test: it
// records the environment it was built with and the records it handles.
type fakeNotifier struct {
	mu      sync.Mutex
	env     map[string]string
	records []events.SQSMessage
}

func (f *fakeNotifier) install(t *testing.T) {
	orig := Registry["NotifierFunction"]
	t.Cleanup(func() { Registry["NotifierFunction"] = orig })
	Registry["NotifierFunction"] = func(_ context.Context, env functions.Env, _ aws.Config) (functions.Function, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.env = map[string]string{}
		for _, k := range []string{"TABLE_NAME", "LOG_LEVEL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS", "AWS_REGION", "EXTRA", "PROMOB_API_URL"} {
			f.env[k] = env(k)
		}
		return functions.Function{SQS: func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.records = append(f.records, ev.Records...)
			return events.SQSEventResponse{}, nil
		}}, nil
	}
}

func TestStack(t *testing.T) {
	ddbURL, sqsURL := testEndpoints(t)
	notifier := &fakeNotifier{}
	notifier.install(t)
	sim := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "sim "+r.URL.Path) })
	logs := &proc.Buffer{}
	st, err := Start(context.Background(), Config{
		TemplatePath:   "../../template.yaml",
		StackName:      UniqueName("stack"),
		DynamoEndpoint: ddbURL, SQSEndpoint: sqsURL, AWS: testAWS(),
		Parameters: map[string]string{"LogLevel": "DEBUG"},
		Env:        map[string]string{"EXTRA": "yes"},
		Simulator:  sim,
		JWTSecret:  "stack-secret",
		Log:        logs,
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = st.Stop()
		}
	})

	t.Run("simulator", func(t *testing.T) {
		resp, err := http.Get(st.SimURL() + "/v1/ping")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "sim /v1/ping" {
			t.Errorf("simulator answered %q", body)
		}
	})

	t.Run("health through the api function", func(t *testing.T) {
		resp, err := http.Get(st.URL() + "/health")
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || body["status"] != "ok" {
			t.Errorf("GET /health: %d %v %v", resp.StatusCode, body, err)
		}
	})

	t.Run("authorized route", func(t *testing.T) {
		resp, err := http.Get(st.URL() + "/v1/nothing")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("without token: %d, want 401", resp.StatusCode)
		}
		tok, err := st.Token(map[string]any{"sub": "u1", "store_id": "s1", "roles": []string{"admin"}}, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, st.URL()+"/v1/nothing", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"not_found"`) {
			t.Errorf("with token: %d %s, want the API's own 404", resp.StatusCode, body)
		}
	})

	t.Run("function environment", func(t *testing.T) {
		notifier.mu.Lock()
		defer notifier.mu.Unlock()
		want := map[string]string{
			"TABLE_NAME": st.Resources().TableName, "LOG_LEVEL": "DEBUG",
			"AWS_ENDPOINT_URL_DYNAMODB": ddbURL, "AWS_ENDPOINT_URL_SQS": sqsURL, "AWS_REGION": "us-east-1",
			"EXTRA": "yes", "PROMOB_API_URL": "",
		}
		for k, v := range want {
			if notifier.env[k] != v {
				t.Errorf("%s = %q, want %q", k, notifier.env[k], v)
			}
		}
	})

	t.Run("simulator is the Promob API", func(t *testing.T) {
		tpl := loadProjectTemplate(t)
		r, err := tpl.Resolver(st.Resources().Context)
		if err != nil {
			t.Fatal(err)
		}
		fn, err := r.Function("ApiFunction")
		if err != nil {
			t.Fatal(err)
		}
		if fn.Env["PROMOB_API_URL"] != st.SimURL() {
			t.Errorf("PROMOB_API_URL = %q, want %q", fn.Env["PROMOB_API_URL"], st.SimURL())
		}
	})

	t.Run("queue messages reach the function", func(t *testing.T) {
		_, sq := testClients(t)
		send(t, sq, st.Resources().Queues["NotificationsQueue"], `{"hello":1}`, "")
		poll.Until(t, 10*time.Second, "the notification", func() bool {
			notifier.mu.Lock()
			defer notifier.mu.Unlock()
			return len(notifier.records) == 1
		})
	})

	t.Run("skipped functions are logged with their error", func(t *testing.T) {
		for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
			var entry map[string]any
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatalf("log line %q is not JSON: %v", line, err)
			}
			if entry["msg"] == "function skipped" && (entry["function"] == nil || entry["err"] == nil || entry["level"] != "WARN") {
				t.Errorf("skip log %v lacks the function or the error", entry)
			}
		}
	})

	if err := st.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	stopped = true
	if _, err := http.Get(st.URL() + "/health"); err == nil {
		t.Error("the gateway still answers after Stop")
	}
	if err := st.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no endpoints", Config{TemplatePath: "../../template.yaml"}, "DynamoEndpoint and SQSEndpoint are required"},
		{"missing template", Config{TemplatePath: "nope.yaml", DynamoEndpoint: "http://127.0.0.1:1", SQSEndpoint: "http://127.0.0.1:1"}, "read template"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Start(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestHandlersReplaceFunctions(t *testing.T) {
	sqsHandler := func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
		return events.SQSEventResponse{}, nil
	}
	httpHandler := func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{}, nil
	}
	// Built through the Registry, NotifierFunction fails here: its
	// environment has no TABLE_NAME.
	notifier := samtemplate.Function{LogicalID: "NotifierFunction", SQSEvents: []samtemplate.SQSSource{{QueueLogicalID: "NotificationsQueue"}}}
	tests := []struct {
		name     string
		handlers map[string]functions.Function
		wantErr  string
	}{
		{"replaced by an SQS handler", map[string]functions.Function{"NotifierFunction": {SQS: sqsHandler}}, ""},
		{"replacement without the SQS handler", map[string]functions.Function{"NotifierFunction": {HTTP: httpHandler}}, "no SQS handler"},
		{"another function replaced", map[string]functions.Function{"ApiFunction": {HTTP: httpHandler}}, "TABLE_NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Stack{}
			f, err := s.assemble(context.Background(), Config{Handlers: tt.handlers}, notifier)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("assemble = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || f.SQS == nil {
				t.Fatalf("assemble = %+v, %v; want the replacement", f, err)
			}
		})
	}
}
