// Package e2e_test runs the whole backend as `make run` does (DynamoDB Local,
// fauxqs, the template's table and queues, the HTTP API gateway, the queue
// pollers and the Promob simulator) and walks it over real HTTP: a store
// configures the integration, the simulator sends signed webhooks, and the
// tests check what is stored and queued. Every answer of our API is checked
// against the OpenAPI document.
package e2e_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/stacktest"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// local is the DynamoDB Local and fauxqs pair every test of the package uses.
var local *localenv.Env

func TestMain(m *testing.M) {
	localenv.MainForTest(m, func(e *localenv.Env) { local = e })
}

// stack is one running local stack with its observers.
type stack struct {
	*stacktest.Stack
	store *dynamo.Store
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
	imports := &recorder{}
	return start(t, imports, map[string]functions.Function{"ImporterFunction": {SQS: imports.handle}})
}

// startRealStack is startStack with every function built by the registry,
// the importer and the notifier included, so that queued work is done.
func startRealStack(t testing.TB) *stack {
	t.Helper()
	return start(t, &recorder{}, nil)
}

// start starts the stack with the handlers replacing the functions they
// name, every answer of the gateway checked against the OpenAPI document,
// and stops it when the test ends. A benchmark's gateway does not throttle:
// benchmarks drive the functions above the template's rate limits, which
// localstack's TestGatewayThrottles covers.
func start(t testing.TB, imports *recorder, handlers map[string]functions.Function) *stack {
	t.Helper()
	_, bench := t.(*testing.B)
	sends := newSendCounter(t, local.SQSEndpoint)
	st := stacktest.Start(t, local, stacktest.Options{
		Prefix: "e2e",
		// The functions reach SQS through the counter; the pollers do not.
		Env:         map[string]string{"AWS_ENDPOINT_URL_SQS": sends.URL()},
		Handlers:    handlers,
		CheckAPI:    true,
		Unthrottled: bench,
	})
	return &stack{Stack: st, store: dynamo.New(local.DynamoDB(), st.Resources().TableName), imports: imports, sends: sends}
}

// deliveries returns the stored deliveries (META items) of the account, read
// with a consistent scan of the whole table.
func (s *stack) deliveries(account string) []map[string]types.AttributeValue {
	s.T.Helper()
	pages := dynamodb.NewScanPaginator(local.DynamoDB(), &dynamodb.ScanInput{
		TableName:        aws.String(s.Resources().TableName),
		FilterExpression: aws.String("SK = :meta AND accountId = :acc"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":meta": &types.AttributeValueMemberS{Value: "META"},
			":acc":  &types.AttributeValueMemberS{Value: account},
		},
		ConsistentRead: aws.Bool(true),
	})
	var items []map[string]types.AttributeValue
	for pages.HasMorePages() {
		page, err := pages.NextPage(s.T.Context())
		if err != nil {
			s.T.Fatalf("scan deliveries: %v", err)
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
