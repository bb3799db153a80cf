// Package faults_test runs the local stack (DynamoDB Local and fauxqs with
// their data on disk, the template's table and queues, the gateway, the
// pollers, the Promob simulator and the real functions) and injects faults:
// repeated, reordered and concurrent deliveries, a database and a queue
// killed and started again, poison messages and a failing Promob. Each test
// checks that nothing is lost, duplicated or left half written.
package faults_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// local is the DynamoDB Local and fauxqs pair of the package, with its data
// in a temporary directory so that a killed child restarts with it.
var local *localenv.Env

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	local, err = localenv.Start(context.Background(), localenv.Options{DataDir: dir})
	if err != nil {
		fmt.Fprintf(os.Stderr, "local stack: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := local.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stop local stack: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// visibilityTimeout (seconds) replaces the queues' visibility timeouts, so
// that a failed message comes back within the tests' waits.
const visibilityTimeout = 2

// wait bounds each wait for queued work.
const wait = 60 * time.Second

// faultStack is one running local stack.
type faultStack struct {
	t  *testing.T
	st *localstack.Stack
}

// startFaultStack starts the stack of template.yaml under a stack name of
// its own with the real functions, except those handlers replace, and stops
// it when the test ends.
func startFaultStack(t *testing.T, handlers map[string]functions.Function) *faultStack {
	t.Helper()
	st := localstack.StartForTest(t, localstack.Config{
		StackName:                 localstack.UniqueName("faults"),
		DynamoEndpoint:            local.DynamoEndpoint,
		SQSEndpoint:               local.SQSEndpoint,
		AWS:                       local.AWSConfig(),
		Addr:                      "127.0.0.1:0",
		Handlers:                  handlers,
		VisibilityTimeoutOverride: visibilityTimeout,
		Log:                       t.Output(),
	})
	return &faultStack{t: t, st: st}
}

// token returns a gateway token of the user of the store with the roles.
func (s *faultStack) token(user, store string, roles ...string) string {
	s.t.Helper()
	tok, err := s.st.Token(map[string]any{"sub": user, "store_id": store, "roles": roles}, 30*time.Minute)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

// reply is an HTTP answer read in full.
type reply struct {
	status int
	body   []byte
}

// send makes an HTTP request; it fails the test only when no answer comes.
func send(t *testing.T, method, url string, body []byte, header map[string]string) reply {
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
	return reply{status: resp.StatusCode, body: b}
}

// api calls the gateway with a JSON body (none when in is nil), fails the
// test unless the answer has status want, and decodes it into out when out
// is not nil.
func (s *faultStack) api(method, path, token string, in any, want int, out any) reply {
	s.t.Helper()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			s.t.Fatal(err)
		}
	}
	r := send(s.t, method, s.st.URL()+path, body, map[string]string{"Authorization": "Bearer " + token})
	if r.status != want {
		s.t.Fatalf("%s %s: %d %s, want %d", method, path, r.status, r.body, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			s.t.Fatalf("%s %s: answer %s: %v", method, path, r.body, err)
		}
	}
	return r
}

// sim calls the simulator's control API with a JSON body (none when nil)
// and fails the test unless it answers want.
func (s *faultStack) sim(method, path string, in any, want int) reply {
	s.t.Helper()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			s.t.Fatal(err)
		}
	}
	r := send(s.t, method, s.st.SimURL()+path, body, nil)
	if r.status != want {
		s.t.Fatalf("simulator %s %s: %d %s, want %d", method, path, r.status, r.body, want)
	}
	return r
}

// queueURL returns the URL of the stack's queue.
func (s *faultStack) queueURL(logicalID string) string {
	s.t.Helper()
	q, ok := s.st.Resources().Queues[logicalID]
	if !ok {
		s.t.Fatalf("the stack has no queue %s", logicalID)
	}
	return q.URL
}

// queueCounts returns the queue's visible, in-flight and delayed message
// counts; ok is false when fauxqs does not answer.
func (s *faultStack) queueCounts(logicalID string) (visible, inFlight, delayed int, ok bool) {
	out, err := local.SQS().GetQueueAttributes(s.t.Context(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(s.queueURL(logicalID)),
		AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
		},
	})
	if err != nil {
		return 0, 0, 0, false
	}
	n := func(k sqstypes.QueueAttributeName) int {
		var v int
		fmt.Sscan(out.Attributes[string(k)], &v)
		return v
	}
	return n(sqstypes.QueueAttributeNameApproximateNumberOfMessages),
		n(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible),
		n(sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed), true
}

// idle reports whether the queue holds no message at all.
func (s *faultStack) idle(logicalID string) bool {
	v, f, d, ok := s.queueCounts(logicalID)
	return ok && v+f+d == 0
}

// waitFor fails the test unless cond holds within d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
