package tracing_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/tracing"
)

// daemon is a UDP listener standing for the X-Ray daemon.
func daemon(t *testing.T) *net.UDPConn {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "tcp:127.0.0.1:2000 udp:"+conn.LocalAddr().String())
	return conn
}

// next reads one datagram and returns its subsegment, checking the
// daemon's header line.
func next(t *testing.T, conn *net.UDPConn) tracing.Subsegment {
	t.Helper()
	buf := make([]byte, 64<<10)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	head, doc, ok := strings.Cut(string(buf[:n]), "\n")
	if !ok || head != `{"format":"json","version":1}` {
		t.Fatalf("datagram %q lacks the daemon's header", buf[:n])
	}
	var s tracing.Subsegment
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSubsegments: within a sampled invocation each call is sent to the
// daemon as a subsegment of the invocation's segment, an AWS call named
// after its service and operation, a Promob call with its status; an
// unsampled invocation sends nothing.
func TestSubsegments(t *testing.T) {
	conn := daemon(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	e := tracing.FromEnv()
	if e == nil {
		t.Fatal("no emitter though AWS_XRAY_DAEMON_ADDRESS is set")
	}
	promob := &http.Client{Transport: tracing.Transport(http.DefaultTransport, "Promob", e)}
	aws := tracing.Wrap(http.DefaultClient, "", e)
	const root, parent = "1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8"
	sampled := context.WithValue(context.Background(), "x-amzn-trace-id", "Root="+root+";Parent="+parent+";Sampled=1")
	unsampled := context.WithValue(context.Background(), "x-amzn-trace-id", "Root="+root+";Parent="+parent+";Sampled=0")
	call := func(ctx context.Context, c tracing.Doer, path, target string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+path+"?token=never-traced", nil)
		if err != nil {
			t.Fatal(err)
		}
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	call(unsampled, promob, "/v1/accounts/acc-1/customers", "")
	call(sampled, promob, "/busy", "")
	s := next(t, conn)
	if s.Type != "subsegment" || s.TraceID != root || s.ParentID != parent || s.Name != "Promob" || s.Namespace != "remote" || len(s.ID) != 16 {
		t.Errorf("Promob subsegment %+v", s)
	}
	if !s.Fault || s.EndTime < s.StartTime || s.HTTP["response"].(map[string]any)["status"] != 503.0 {
		t.Errorf("Promob 503: fault %v, times %v–%v, http %v", s.Fault, s.StartTime, s.EndTime, s.HTTP)
	}
	if url := s.HTTP["request"].(map[string]any)["url"].(string); strings.Contains(url, "token") {
		t.Errorf("the query string was traced: %s", url)
	}

	call(sampled, aws, "/", "DynamoDB_20120810.TransactWriteItems")
	if s := next(t, conn); s.Name != "DynamoDB" || s.Namespace != "aws" || s.AWS["operation"] != "TransactWriteItems" || s.Fault {
		t.Errorf("DynamoDB subsegment %+v", s)
	}
	call(sampled, aws, "/", "AmazonSQS.ChangeMessageVisibility")
	if s := next(t, conn); s.Name != "SQS" || s.AWS["operation"] != "ChangeMessageVisibility" {
		t.Errorf("SQS subsegment %+v", s)
	}
}

// TestNoDaemonNoTracing: without AWS_XRAY_DAEMON_ADDRESS (outside Lambda's
// active tracing, the local stack, the tests) calls go out as they are.
func TestNoDaemonNoTracing(t *testing.T) {
	t.Setenv("AWS_XRAY_DAEMON_ADDRESS", "")
	if e := tracing.FromEnv(); e != nil {
		t.Fatal("an emitter without a daemon address")
	}
	if c := tracing.Wrap(http.DefaultClient, "x", nil); c != http.DefaultClient {
		t.Error("Wrap with no emitter changed the client")
	}
}
