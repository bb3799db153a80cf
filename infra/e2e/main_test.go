// Package e2e_test runs the whole backend as `make run` does (DynamoDB Local,
// fauxqs, the template's table and queues, the HTTP API gateway, the queue
// pollers and the Promob simulator) and walks it over real HTTP: a store
// configures the integration, the simulator sends signed webhooks, and the
// tests check what is stored and queued. Every answer of our API is checked
// against the OpenAPI document.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/httpapi/apicheck"
)

// local is the DynamoDB Local and fauxqs pair every test of the package uses.
var local *localenv.Env

func TestMain(m *testing.M) {
	localenv.MainForTest(m, func(e *localenv.Env) { local = e })
}

// visibilityTimeout replaces the queues' visibility timeouts (seconds), so
// that a message a function failed would come back within the tests' waits.
const visibilityTimeout = 2

// stack is one running local stack with its observers.
type stack struct {
	t     testing.TB
	st    *localstack.Stack
	store *dynamo.Store
	check *apicheck.Checker
	// imports records the messages ImporterFunction receives.
	imports *recorder
	// sends counts the SendMessage calls the functions make.
	sends *sendCounter
}

// startStack starts the stack of template.yaml under a stack name of its own,
// with the simulator as the Promob API and a recording ImporterFunction, and
// stops it when the test ends.
func startStack(t testing.TB) *stack {
	t.Helper()
	s := newStack(t)
	s.start(map[string]functions.Function{"ImporterFunction": {SQS: s.imports.handle}})
	return s
}

// startRealStack is startStack with every function built by the registry,
// the importer and the notifier included, so that queued work is done.
func startRealStack(t testing.TB) *stack {
	t.Helper()
	s := newStack(t)
	s.start(nil)
	return s
}

func newStack(t testing.TB) *stack {
	t.Helper()
	check, err := apicheck.New()
	if err != nil {
		t.Fatal(err)
	}
	return &stack{t: t, check: check, imports: &recorder{}, sends: newSendCounter(t, local.SQSEndpoint)}
}

// start starts the stack with the handlers replacing the functions they
// name, and stops it when the test ends.
func (s *stack) start(handlers map[string]functions.Function) {
	t := s.t
	t.Helper()
	s.st = localstack.StartForTest(t, localstack.Config{
		StackName:      localstack.UniqueName("e2e"),
		DynamoEndpoint: local.DynamoEndpoint,
		SQSEndpoint:    local.SQSEndpoint,
		AWS:            local.AWSConfig(),
		Addr:           "127.0.0.1:0",
		// The functions reach SQS through the counter; the pollers do not.
		Env:                       map[string]string{"AWS_ENDPOINT_URL_SQS": s.sends.URL()},
		Handlers:                  handlers,
		VisibilityTimeoutOverride: visibilityTimeout,
		Log:                       t.Output(),
	})
	s.store = dynamo.New(local.DynamoDB(), s.st.Resources().TableName)
}

// token returns a gateway token of the user of the store with the roles.
func (s *stack) token(user, store string, roles ...string) string {
	s.t.Helper()
	tok, err := s.st.Token(map[string]any{"sub": user, "store_id": store, "roles": roles}, 10*time.Minute)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

// answer is an HTTP answer read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// object decodes the answer's body as a JSON object; it fails the test when
// the body is not one.
func (a answer) object(t testing.TB) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", a.status, err, a.body)
	}
	return out
}

// gateway sends a request to the gateway with the bearer token (none when
// "") and the headers, and checks the answer against the OpenAPI document.
func (s *stack) gateway(method, path, token string, body []byte, header map[string]string) answer {
	s.t.Helper()
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.st.URL()+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	a := do(s.t, req)
	if err := s.check.CheckResponse(method, path, a.status, a.header, a.body); err != nil {
		s.t.Error(err)
	}
	return a
}

// call sends a request with a JSON body (none when in is nil) through the
// gateway, fails the test unless the answer has status want, and decodes
// it into out when out is not nil.
func (s *stack) call(method, path, token string, in any, want int, out any) answer {
	s.t.Helper()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			s.t.Fatal(err)
		}
	}
	a := s.gateway(method, path, token, body, nil)
	if a.status != want {
		s.t.Fatalf("%s %s: %d %s, want %d", method, path, a.status, a.body, want)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			s.t.Fatalf("%s %s: answer %s: %v", method, path, a.body, err)
		}
	}
	return a
}

// control calls the simulator's control API with a JSON body (none when nil)
// and fails the test unless it answers the status.
func (s *stack) control(method, path string, body any, status int) answer {
	s.t.Helper()
	var r io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.st.SimURL()+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	a := do(s.t, req)
	if a.status != status {
		s.t.Fatalf("simulator %s %s: %d %s, want %d", method, path, a.status, a.body, status)
	}
	return a
}

func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", req.Method, req.URL, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body}
}

// deliveries returns the stored deliveries (META items) of the account, read
// with a consistent scan of the whole table.
func (s *stack) deliveries(account string) []map[string]types.AttributeValue {
	s.t.Helper()
	pages := dynamodb.NewScanPaginator(local.DynamoDB(), &dynamodb.ScanInput{
		TableName:        aws.String(s.st.Resources().TableName),
		FilterExpression: aws.String("SK = :meta AND accountId = :acc"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":meta": &types.AttributeValueMemberS{Value: "META"},
			":acc":  &types.AttributeValueMemberS{Value: account},
		},
		ConsistentRead: aws.Bool(true),
	})
	var items []map[string]types.AttributeValue
	for pages.HasMorePages() {
		page, err := pages.NextPage(s.t.Context())
		if err != nil {
			s.t.Fatalf("scan deliveries: %v", err)
		}
		items = append(items, page.Items...)
	}
	return items
}

// recorder is a stand-in SQS function that records the records it gets and
// reports none failed.
type recorder struct {
	mu      sync.Mutex
	records []events.SQSMessage
}

func (r *recorder) handle(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, ev.Records...)
	return events.SQSEventResponse{}, nil
}

func (r *recorder) all() []events.SQSMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.SQSMessage(nil), r.records...)
}

// sendCounter is a reverse proxy to fauxqs that counts SendMessage calls.
type sendCounter struct {
	srv   *httptest.Server
	count atomic.Int64
}

func newSendCounter(t testing.TB, sqsEndpoint string) *sendCounter {
	t.Helper()
	target, err := url.Parse(sqsEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	c := &sendCounter{}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) }}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "AmazonSQS.SendMessage" {
			c.count.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// URL returns the proxy's endpoint.
func (c *sendCounter) URL() string { return c.srv.URL }

// eventually fails the test unless cond holds within d.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
