// Package events_test checks that the sample events are the payloads their
// functions receive: HTTP API (payload 2.0) requests for the HTTP functions and
// SQS events for the queue workers, with no field the Lambda event types lack.
package events_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// webhookSecret is the Promob signing secret the webhook sample is signed with.
const webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func decodeStrict(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func TestSamples(t *testing.T) {
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no sample events")
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			dir, _, _ := strings.Cut(file, "-")
			switch dir {
			case "api", "webhook":
				checkHTTP(t, file)
			case "importer", "promobsync", "notifier":
				checkSQS(t, file)
			default:
				t.Fatalf("%s does not start with a function directory (api, webhook, importer, promobsync, notifier)", file)
			}
		})
	}
}

func checkHTTP(t *testing.T, file string) {
	var req events.APIGatewayV2HTTPRequest
	decodeStrict(t, file, &req)
	rc := req.RequestContext
	if req.Version != "2.0" {
		t.Errorf("version = %q, want 2.0", req.Version)
	}
	if req.RouteKey != rc.RouteKey {
		t.Errorf("routeKey %q differs from requestContext.routeKey %q", req.RouteKey, rc.RouteKey)
	}
	if method, _, _ := strings.Cut(req.RouteKey, " "); method != rc.HTTP.Method && method != "ANY" {
		t.Errorf("route %q does not match method %s", req.RouteKey, rc.HTTP.Method)
	}
	if req.RawPath != rc.HTTP.Path {
		t.Errorf("rawPath %q differs from requestContext.http.path %q", req.RawPath, rc.HTTP.Path)
	}
	for name := range req.Headers {
		if name != strings.ToLower(name) {
			t.Errorf("header %q: HTTP APIs pass header names in lower case", name)
		}
	}
	if req.Body == "" {
		return
	}
	if !json.Valid([]byte(req.Body)) {
		t.Errorf("body is not JSON: %s", req.Body)
	}
	if req.Headers["webhook-signature"] != "" {
		wh, err := standardwebhooks.NewWebhook(webhookSecret)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		for k, v := range req.Headers {
			h.Set(k, v)
		}
		if err := wh.VerifyIgnoringTimestamp([]byte(req.Body), h); err != nil {
			t.Errorf("webhook signature does not verify with %s: %v", webhookSecret, err)
		}
	}
}

func checkSQS(t *testing.T, file string) {
	var ev events.SQSEvent
	decodeStrict(t, file, &ev)
	if len(ev.Records) == 0 {
		t.Fatal("no records")
	}
	for _, r := range ev.Records {
		if r.EventSource != "aws:sqs" || !strings.HasPrefix(r.EventSourceARN, "arn:aws:sqs:us-east-1:000000000000:promob-local-") {
			t.Errorf("record %s: source %s %s is not a local stack queue", r.MessageId, r.EventSource, r.EventSourceARN)
		}
		fifo := strings.HasSuffix(r.EventSourceARN, ".fifo")
		if _, ok := r.Attributes["MessageGroupId"]; ok != fifo {
			t.Errorf("record %s: MessageGroupId present = %v, want %v for %s", r.MessageId, ok, fifo, r.EventSourceARN)
		}
		var body struct {
			Kind    string `json:"kind"`
			StoreID string `json:"storeId"`
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Errorf("record %s: body is not JSON: %v", r.MessageId, err)
		}
		if body.Kind == "" || body.StoreID == "" {
			t.Errorf("record %s: body lacks kind or storeId: %s", r.MessageId, r.Body)
		}
	}
}
