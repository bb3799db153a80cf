// Package stacktest is the harness of the tests that run the whole local
// stack (infra/e2e, infra/faults): it starts a stack for a test and gives one
// way to call the gateway, to drive the Promob simulator, to sign a delivery
// and to read queues (the wait itself is infra/poll).
package stacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/httpapi/apicheck"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// VisibilityTimeout (seconds) replaces the queues' visibility timeouts, so
// that a message a function failed comes back within the tests' waits.
const VisibilityTimeout = 2

// Options configures Start.
type Options struct {
	// Prefix starts the stack's name; a random suffix keeps it apart from
	// every other stack on the same DynamoDB Local and fauxqs.
	Prefix string
	// Handlers replace the functions they name.
	Handlers map[string]functions.Function
	// Env adds to or replaces the functions' environment.
	Env map[string]string
	// CheckAPI checks every answer of Gateway against the OpenAPI document.
	CheckAPI bool
	// TemplateVisibility keeps the template's visibility timeouts instead
	// of VisibilityTimeout.
	TemplateVisibility bool
	// Unthrottled lifts the gateway's throttling (see localstack.Config).
	Unthrottled bool
	// Log receives the stack's log lines besides the test's output.
	Log io.Writer
}

// Stack is one running local stack of a test.
type Stack struct {
	*localstack.Stack
	T     testing.TB
	Local *localenv.Env
	check *apicheck.Checker
}

// Start starts the stack of template.yaml on local's DynamoDB Local and
// fauxqs, with a Promob simulator of its own, and stops it when the test
// ends. It fails the test when the stack cannot start.
func Start(t testing.TB, local *localenv.Env, opts Options) *Stack {
	t.Helper()
	s := &Stack{T: t, Local: local}
	if opts.CheckAPI {
		check, err := apicheck.New()
		if err != nil {
			t.Fatal(err)
		}
		s.check = check
	}
	visibility, log := VisibilityTimeout, io.Writer(t.Output())
	if opts.TemplateVisibility {
		visibility = 0
	}
	if opts.Log != nil {
		log = io.MultiWriter(opts.Log, log)
	}
	s.Stack = localstack.StartForTest(t, localstack.Config{
		StackName:                 localstack.UniqueName(opts.Prefix),
		DynamoEndpoint:            local.DynamoEndpoint,
		SQSEndpoint:               local.SQSEndpoint,
		AWS:                       local.AWSConfig(),
		Addr:                      "127.0.0.1:0",
		Env:                       opts.Env,
		Handlers:                  opts.Handlers,
		Unthrottled:               opts.Unthrottled,
		VisibilityTimeoutOverride: visibility,
		Log:                       log,
	})
	return s
}

// Token returns a gateway token of the user of the store with the roles,
// valid for 30 minutes.
func (s *Stack) Token(user, store string, roles ...string) string {
	s.T.Helper()
	return s.TokenClaims(map[string]any{"sub": user, "store_id": store, "roles": roles}, 30*time.Minute)
}

// TokenClaims returns a gateway token with exactly the claims and an expiry
// ttl from now (negative: already expired).
func (s *Stack) TokenClaims(claims map[string]any, ttl time.Duration) string {
	s.T.Helper()
	tok, err := s.Stack.Token(claims, ttl)
	if err != nil {
		s.T.Fatal(err)
	}
	return tok
}

// Answer is an HTTP answer read in full.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Object decodes the answer's body as a JSON object; it fails the test when
// the body is not one.
func (a Answer) Object(t testing.TB) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(a.Body, &out); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", a.Status, err, a.Body)
	}
	return out
}

// Gateway sends a request to the gateway with the bearer token (none when
// "") and the headers, and checks the answer against the OpenAPI document
// when the stack was started with CheckAPI.
func (s *Stack) Gateway(method, path, token string, body []byte, header map[string]string) Answer {
	s.T.Helper()
	h := map[string]string{}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	for k, v := range header {
		h[k] = v
	}
	a := Send(s.T, method, s.URL()+path, body, h)
	s.Check(method, path, a)
	return a
}

// Check fails the test when the answer to method and path does not match
// the OpenAPI document; it checks nothing unless the stack was started with
// CheckAPI.
func (s *Stack) Check(method, path string, a Answer) {
	s.T.Helper()
	if s.check == nil {
		return
	}
	if err := s.check.CheckResponse(method, path, a.Status, a.Header, a.Body); err != nil {
		s.T.Error(err)
	}
}

// Call sends a request with a JSON body (none when in is nil) through the
// gateway, fails the test unless the answer has status want, and decodes
// it into out when out is not nil.
func (s *Stack) Call(method, path, token string, in any, want int, out any) Answer {
	s.T.Helper()
	a := s.Gateway(method, path, token, marshal(s.T, in), nil)
	if a.Status != want {
		s.T.Fatalf("%s %s: %d %s, want %d", method, path, a.Status, a.Body, want)
	}
	if out != nil {
		if err := json.Unmarshal(a.Body, out); err != nil {
			s.T.Fatalf("%s %s: answer %s: %v", method, path, a.Body, err)
		}
	}
	return a
}

// Control calls the simulator's control API with a JSON body (none when in
// is nil) and fails the test unless it answers want.
func (s *Stack) Control(method, path string, in any, want int) Answer {
	s.T.Helper()
	body := marshal(s.T, in)
	if body == nil {
		body = []byte{}
	}
	a := Send(s.T, method, s.SimURL()+path, body, nil)
	if a.Status != want {
		s.T.Fatalf("simulator %s %s: %d %s, want %d", method, path, a.Status, a.Body, want)
	}
	return a
}

// QueueURL returns the URL of the stack's queue; it fails the test when
// the stack has no such queue.
func (s *Stack) QueueURL(logicalID string) string {
	s.T.Helper()
	q, ok := s.Resources().Queues[logicalID]
	if !ok {
		s.T.Fatalf("the stack has no queue %s", logicalID)
	}
	return q.URL
}

// QueueCounts returns the queue's visible, in-flight and delayed message
// counts; ok is false when fauxqs does not answer.
func (s *Stack) QueueCounts(logicalID string) (visible, inFlight, delayed int, ok bool) {
	s.T.Helper()
	out, err := s.Local.SQS().GetQueueAttributes(s.T.Context(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(s.QueueURL(logicalID)),
		AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
		},
	})
	if err != nil {
		return 0, 0, 0, false
	}
	n := func(k sqstypes.QueueAttributeName) (int, bool) {
		v, err := strconv.Atoi(out.Attributes[string(k)])
		return v, err == nil
	}
	visible, okV := n(sqstypes.QueueAttributeNameApproximateNumberOfMessages)
	inFlight, okF := n(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
	delayed, okD := n(sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed)
	return visible, inFlight, delayed, okV && okF && okD
}

// QueueIdle reports whether the stack's queue holds no message, visible, in
// flight or delayed; it is false while fauxqs does not answer.
func (s *Stack) QueueIdle(logicalID string) bool {
	s.T.Helper()
	v, f, d, ok := s.QueueCounts(logicalID)
	return ok && v+f+d == 0
}

// Send makes an HTTP request with the body (a JSON content type when body is
// not nil, unless header names another) and the headers; it fails the test
// only when no answer comes.
func Send(t testing.TB, method, url string, body []byte, header map[string]string) Answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read the answer: %v", method, url, err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// SignedDelivery returns the Standard Webhooks headers of the body signed
// with the secret at the time, with its JSON content type.
func SignedDelivery(t testing.TB, secret, webhookID string, at time.Time, body []byte) map[string]string {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := wh.Sign(webhookID, at, body)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"Content-Type":                          "application/json",
		standardwebhooks.HeaderWebhookID:        webhookID,
		standardwebhooks.HeaderWebhookTimestamp: strconv.FormatInt(at.Unix(), 10),
		standardwebhooks.HeaderWebhookSignature: sig,
	}
}

func marshal(t testing.TB, in any) []byte {
	t.Helper()
	if in == nil {
		return nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(fmt.Errorf("encode the request: %w", err))
	}
	return b
}

// Pages reads every page of the paged list at path (200 entries a page) as
// token, following nextCursor until the last page, and returns the entries.
func Pages[T any](s *Stack, path, token string) []T {
	s.T.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var all []T
	cursor := ""
	for page := 0; ; page++ {
		var out struct {
			Items      []T    `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		p := path + sep + "limit=200"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		s.Call(http.MethodGet, p, token, nil, http.StatusOK, &out)
		all = append(all, out.Items...)
		if out.NextCursor == "" {
			return all
		}
		if page > 10_000 {
			s.T.Fatalf("%s: more than 10,000 pages", path)
		}
		cursor = out.NextCursor
	}
}
