package localstack

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// recorder is an SQS function that records every record it receives and
// fails the records whose body is in failBodies.
type recorder struct {
	mu         sync.Mutex
	batches    [][]events.SQSMessage
	failBodies map[string]bool
}

func (r *recorder) handle(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, ev.Records)
	var resp events.SQSEventResponse
	for _, m := range ev.Records {
		if r.failBodies[m.Body] {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp, nil
}

// receives returns how many times each body was delivered.
func (r *recorder) receives() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, b := range r.batches {
		for _, m := range b {
			out[m.Body]++
		}
	}
	return out
}

func (r *recorder) records() []events.SQSMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.SQSMessage
	for _, b := range r.batches {
		out = append(out, b...)
	}
	return out
}

// startPoller bootstraps a fresh stack (visibility timeout 1 s) and polls the
// queue of the function's event source with handler until the test ends.
func startPoller(t *testing.T, functionID string, handler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) (*sqs.Client, *Resources) {
	t.Helper()
	return startPollerWithVisibility(t, functionID, 1, handler)
}

// startPollerWithVisibility is startPoller with the queues' visibility
// timeout overridden to vt seconds (0: the template's).
func startPollerWithVisibility(t *testing.T, functionID string, vt int, handler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) (*sqs.Client, *Resources) {
	t.Helper()
	ddb, sq := testClients(t)
	tpl := loadProjectTemplate(t)
	res, err := Bootstrap(context.Background(), tpl, ddb, sq, bootstrapOptions(UniqueName("poll"), vt))
	if err != nil {
		t.Fatal(err)
	}
	r, err := tpl.Resolver(res.Context)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := r.Function(functionID)
	if err != nil {
		t.Fatal(err)
	}
	src := fn.SQSEvents[0]
	p := &Poller{Client: sq, Function: functionID, Source: src, Queue: res.Queues[src.QueueLogicalID], Region: DefaultRegion, Handler: handler}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		p.Run(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the poller did not stop")
		}
	})
	return sq, res
}

func send(t *testing.T, sq *sqs.Client, q Queue, body string, group string) {
	t.Helper()
	in := &sqs.SendMessageInput{
		QueueUrl: aws.String(q.URL), MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("test")}},
	}
	if q.FIFO {
		in.MessageGroupId, in.MessageDeduplicationId = aws.String(group), aws.String(body)
	}
	if _, err := sq.SendMessage(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func queueDepth(t *testing.T, sq *sqs.Client, url string) int {
	t.Helper()
	attrs := queueAttributes(t, sq, url)
	visible, _ := strconv.Atoi(attrs["ApproximateNumberOfMessages"])
	inFlight, _ := strconv.Atoi(attrs["ApproximateNumberOfMessagesNotVisible"])
	return visible + inFlight
}

func TestPollerDeliversStandardQueueEvents(t *testing.T) {
	rec := &recorder{}
	sq, res := startPoller(t, "NotifierFunction", rec.handle)
	q := res.Queues["NotificationsQueue"]
	for i := range 3 {
		send(t, sq, q, fmt.Sprintf(`{"n":%d}`, i), "")
	}
	poll.Until(t, 10*time.Second, "3 records", func() bool { return len(rec.records()) >= 3 })
	for _, m := range rec.records() {
		sum := md5.Sum([]byte(m.Body))
		checks := []struct {
			name      string
			got, want any
		}{
			{"eventSource", m.EventSource, "aws:sqs"},
			{"eventSourceARN", m.EventSourceARN, q.ARN},
			{"awsRegion", m.AWSRegion, "us-east-1"},
			{"md5OfBody", m.Md5OfBody, hex.EncodeToString(sum[:])},
			{"ApproximateReceiveCount", m.Attributes["ApproximateReceiveCount"], "1"},
			{"message attribute", aws.ToString(m.MessageAttributes["kind"].StringValue), "test"},
			{"message attribute type", m.MessageAttributes["kind"].DataType, "String"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s = %v, want %v", m.Body, c.name, c.got, c.want)
			}
		}
		for _, a := range []string{"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} {
			if m.Attributes[a] == "" {
				t.Errorf("%s: no attribute %s", m.Body, a)
			}
		}
		if m.MessageId == "" || m.ReceiptHandle == "" || m.Md5OfMessageAttributes == "" {
			t.Errorf("record %+v lacks ids", m)
		}
	}
	poll.Until(t, 5*time.Second, "the queue to empty", func() bool { return queueDepth(t, sq, q.URL) == 0 })
	time.Sleep(1500 * time.Millisecond) // past the visibility timeout: nothing comes back
	if got := rec.receives(); len(got) != 3 || got[`{"n":0}`] != 1 || got[`{"n":1}`] != 1 || got[`{"n":2}`] != 1 {
		t.Errorf("deliveries %v, want each message once", got)
	}
}

func TestPollerKeepsFIFOOrder(t *testing.T) {
	rec := &recorder{}
	sq, res := startPoller(t, "ImporterFunction", rec.handle)
	q := res.Queues["ImportsQueue"]
	var want []string
	for i := range 5 {
		body := fmt.Sprintf("env-1 rev %d", i)
		want = append(want, body)
		send(t, sq, q, body, "env-1")
	}
	poll.Until(t, 10*time.Second, "5 records", func() bool { return len(rec.records()) >= 5 })
	recs := rec.records()
	for i, m := range recs {
		if m.Body != want[i] {
			t.Errorf("record %d is %q, want %q", i, m.Body, want[i])
		}
		if m.Attributes["MessageGroupId"] != "env-1" || m.Attributes["MessageDeduplicationId"] != want[i] || m.Attributes["SequenceNumber"] == "" {
			t.Errorf("record %d FIFO attributes %v", i, m.Attributes)
		}
		if m.EventSourceARN != q.ARN {
			t.Errorf("eventSourceARN %s", m.EventSourceARN)
		}
	}
}

func TestPollerPartialFailureAndDeadLetterQueue(t *testing.T) {
	rec := &recorder{failBodies: map[string]bool{"poison": true}}
	sq, res := startPoller(t, "PromobSyncFunction", rec.handle)
	q, dlq := res.Queues["PromobOutboxQueue"], res.Queues["PromobOutboxDLQ"]
	for _, body := range []string{"ok-1", "poison", "ok-2"} {
		send(t, sq, q, body, "")
	}
	var moved []sqstypes.Message
	poll.Until(t, 30*time.Second, "the poison message in the dead-letter queue", func() bool {
		out, err := sq.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(dlq.URL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		moved = append(moved, out.Messages...)
		return len(moved) > 0
	})
	if len(moved) != 1 || aws.ToString(moved[0].Body) != "poison" {
		t.Errorf("dead-letter queue holds %v", moved)
	}
	got := rec.receives()
	if got["ok-1"] != 1 || got["ok-2"] != 1 {
		t.Errorf("the successful messages were delivered %d and %d times, want once", got["ok-1"], got["ok-2"])
	}
	if got["poison"] != 5 {
		t.Errorf("the poison message was delivered %d times, want maxReceiveCount 5", got["poison"])
	}
	if d := queueDepth(t, sq, q.URL); d != 0 {
		t.Errorf("%d messages left in the queue", d)
	}
}

func TestPollerRetriesAFailedBatch(t *testing.T) {
	var mu sync.Mutex
	var counts []string
	fail := true
	handler := func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range ev.Records {
			counts = append(counts, m.Attributes["ApproximateReceiveCount"])
		}
		if fail {
			fail = false
			return events.SQSEventResponse{}, fmt.Errorf("transient")
		}
		return events.SQSEventResponse{}, nil
	}
	sq, res := startPoller(t, "NotifierFunction", handler)
	q := res.Queues["NotificationsQueue"]
	send(t, sq, q, "once", "")
	poll.Until(t, 10*time.Second, "the retry", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(counts) >= 2
	})
	poll.Until(t, 5*time.Second, "the queue to empty", func() bool { return queueDepth(t, sq, q.URL) == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(counts) != 2 || counts[0] != "1" || counts[1] != "2" {
		t.Errorf("receive counts %v, want [1 2]", counts)
	}
}

// TestPollerHonoursChangeMessageVisibility: on the template's visibility
// timeout (180 s for notifications), a message the function fails and
// makes visible again after 1 s with ChangeMessageVisibility (the backoff of
// shared/queue's Runner, on the queue named by the record's ARN) is
// received again long before the timeout, as on SQS and Lambda; a message
// given back with visibility 0 comes back at once.
func TestPollerHonoursChangeMessageVisibility(t *testing.T) {
	var (
		mu     sync.Mutex
		counts = map[string][]string{}
		client lateClient
	)
	runner := &queue.Runner{Visibility: &client, Backoff: queue.Backoff{Base: time.Second, Max: time.Second, Factor: 1, Rand: func() float64 { return 0 }}}
	handler := func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		return runner.Batch(ctx, ev, func(_ context.Context, m events.SQSMessage) error {
			mu.Lock()
			defer mu.Unlock()
			counts[m.Body] = append(counts[m.Body], m.Attributes["ApproximateReceiveCount"])
			if len(counts[m.Body]) == 1 {
				return fmt.Errorf("first attempt of %s fails", m.Body)
			}
			return nil
		}), nil
	}
	sq, res := startPollerWithVisibility(t, "NotifierFunction", 0, handler)
	client.Store(sq)
	q := res.Queues["NotificationsQueue"]
	if vt := queueAttributes(t, sq, q.URL)["VisibilityTimeout"]; vt != "180" {
		t.Fatalf("visibility timeout %s, want the template's 180", vt)
	}
	send(t, sq, q, "backoff", "")
	poll.Until(t, 30*time.Second, "the second attempt", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(counts["backoff"]) == 2
	})
	poll.Until(t, 10*time.Second, "the queue to empty", func() bool { return queueDepth(t, sq, q.URL) == 0 })
	mu.Lock()
	defer mu.Unlock()
	if got := counts["backoff"]; got[0] != "1" || got[1] != "2" {
		t.Errorf("receive counts %v, want [1 2]", got)
	}
}

// lateClient is an SQS client set once the stack has started.
type lateClient struct{ atomic.Pointer[sqs.Client] }

func (c *lateClient) ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	return c.Load().ChangeMessageVisibility(ctx, in, opts...)
}
