// Package tracing sends each outgoing HTTP call of a function (the AWS SDK's
// and Promob's) to AWS X-Ray as a subsegment of the Lambda invocation's
// trace. Lambda's active tracing records the invocation's segment and runs
// the X-Ray daemon at AWS_XRAY_DAEMON_ADDRESS; a call outside a sampled
// invocation, or with no daemon address, is made without being traced.
//
// It speaks the daemon's UDP protocol directly (a header line and one
// subsegment document per datagram) rather than linking the X-Ray SDK,
// whose package brings gRPC, fasthttp and the AWS SDK v1 into every binary.
package tracing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Emitter sends subsegment documents to the X-Ray daemon. A nil *Emitter
// sends nothing.
type Emitter struct {
	mu   sync.Mutex
	conn net.Conn
}

// FromEnv returns an emitter to the daemon of AWS_XRAY_DAEMON_ADDRESS
// ("host:port", or "tcp:… udp:…" pairs as Lambda sets it), or nil when the
// variable is unset or the address does not resolve.
func FromEnv() *Emitter {
	addr := os.Getenv("AWS_XRAY_DAEMON_ADDRESS")
	for _, part := range strings.Fields(addr) {
		if udp, ok := strings.CutPrefix(part, "udp:"); ok {
			addr = udp
		}
	}
	if addr == "" {
		return nil
	}
	conn, err := net.Dial("udp", addr)
	if err != nil {
		return nil
	}
	return &Emitter{conn: conn}
}

// header is the first line of every datagram the daemon accepts.
const header = `{"format":"json","version":1}` + "\n"

// Subsegment is the X-Ray document of one outgoing call.
type Subsegment struct {
	Type      string         `json:"type"` // always "subsegment": sent on its own
	ID        string         `json:"id"`
	TraceID   string         `json:"trace_id"`
	ParentID  string         `json:"parent_id"`
	Name      string         `json:"name"`
	Namespace string         `json:"namespace"` // "aws" or "remote"
	StartTime float64        `json:"start_time"`
	EndTime   float64        `json:"end_time"`
	Fault     bool           `json:"fault,omitempty"`    // 5xx or no answer
	Error     bool           `json:"error,omitempty"`    // 4xx
	Throttle  bool           `json:"throttle,omitempty"` // 429
	HTTP      map[string]any `json:"http,omitempty"`
	AWS       map[string]any `json:"aws,omitempty"`
}

func (e *Emitter) send(s Subsegment) {
	if e == nil {
		return
	}
	b, err := json.Marshal(s)
	if err != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.conn.Write(append([]byte(header), b...)) // tracing never fails a call
}

// Trace is the X-Ray trace header of an invocation.
type Trace struct {
	Root, Parent string
	Sampled      bool
}

// FromContext returns the invocation's trace header: the Lambda runtime
// puts it in the context ("x-amzn-trace-id") and in _X_AMZN_TRACE_ID.
func FromContext(ctx context.Context) (Trace, bool) {
	h, _ := ctx.Value("x-amzn-trace-id").(string)
	if h == "" {
		h = os.Getenv("_X_AMZN_TRACE_ID")
	}
	var t Trace
	for _, part := range strings.Split(h, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Root":
			t.Root = v
		case "Parent":
			t.Parent = v
		case "Sampled":
			t.Sampled = v == "1"
		}
	}
	return t, t.Root != "" && t.Parent != ""
}

// Doer is what both http.Client and the AWS SDK's HTTP client implement.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client wraps base so that each call is a subsegment named name ("" names
// it after the AWS service of the host, e.g. "DynamoDB") of the context's
// trace.
type Client struct {
	base Doer
	name string
	e    *Emitter
}

// Wrap returns base traced to e; with a nil e it returns base itself.
func Wrap(base Doer, name string, e *Emitter) Doer {
	if e == nil {
		return base
	}
	return &Client{base: base, name: name, e: e}
}

// Transport is Wrap for an http.RoundTripper (an http.Client's transport).
func Transport(base http.RoundTripper, name string, e *Emitter) http.RoundTripper {
	if e == nil {
		return base
	}
	return roundTripper{Client{base: &http.Client{Transport: base}, name: name, e: e}}
}

type roundTripper struct{ c Client }

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return rt.c.Do(req) }

// Do makes the call and sends its subsegment when the trace is sampled.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	tr, ok := FromContext(req.Context())
	if !ok || !tr.Sampled {
		return c.base.Do(req)
	}
	start := time.Now()
	resp, err := c.base.Do(req)
	s := Subsegment{
		Type: "subsegment", ID: newID(), TraceID: tr.Root, ParentID: tr.Parent, Name: c.name, Namespace: "remote",
		StartTime: seconds(start), EndTime: seconds(time.Now()),
		HTTP: map[string]any{"request": map[string]any{"method": req.Method, "url": req.URL.Scheme + "://" + req.URL.Host + req.URL.Path}},
	}
	if service, op, isAWS := awsOperation(req); isAWS {
		s.Namespace, s.AWS = "aws", map[string]any{"operation": op}
		if s.Name == "" {
			s.Name = service
		}
	}
	if s.Name == "" {
		s.Name = req.URL.Host
	}
	switch {
	case err != nil:
		s.Fault = true
	default:
		s.HTTP["response"] = map[string]any{"status": resp.StatusCode}
		s.Fault, s.Error, s.Throttle = resp.StatusCode >= 500, resp.StatusCode >= 400 && resp.StatusCode < 500, resp.StatusCode == http.StatusTooManyRequests
	}
	c.e.send(s)
	return resp, err
}

// awsOperation names the AWS service and operation of a call in the JSON
// protocols the project's services speak (X-Amz-Target: "DynamoDB_20120810.GetItem",
// "AmazonSQS.SendMessage", "secretsmanager.GetSecretValue").
func awsOperation(req *http.Request) (service, op string, ok bool) {
	target := req.Header.Get("X-Amz-Target")
	prefix, op, found := strings.Cut(target, ".")
	if !found {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(prefix, "DynamoDB"):
		service = "DynamoDB"
	case prefix == "AmazonSQS":
		service = "SQS"
	case prefix == "secretsmanager":
		service = "SecretsManager"
	default:
		service = prefix
	}
	return service, op, true
}

func seconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// newID returns a subsegment id: 16 hex digits.
func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
