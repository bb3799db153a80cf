package localstack

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
)

// fakeQueue answers receives with its responses in turn, then with none,
// and records deletions.
type fakeQueue struct {
	mu        sync.Mutex
	responses [][]sqstypes.Message
	deleted   []string
	requests  []*sqs.ReceiveMessageInput
}

func (q *fakeQueue) ReceiveMessage(_ context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.requests = append(q.requests, in)
	if len(q.responses) == 0 {
		return &sqs.ReceiveMessageOutput{}, nil
	}
	out := q.responses[0]
	q.responses = q.responses[1:]
	return &sqs.ReceiveMessageOutput{Messages: out}, nil
}

func (q *fakeQueue) DeleteMessageBatch(_ context.Context, in *sqs.DeleteMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, e := range in.Entries {
		q.deleted = append(q.deleted, aws.ToString(e.ReceiptHandle))
	}
	return &sqs.DeleteMessageBatchOutput{}, nil
}

func fakeMessages(ids ...string) []sqstypes.Message {
	var out []sqstypes.Message
	for _, id := range ids {
		out = append(out, sqstypes.Message{
			MessageId: aws.String(id), ReceiptHandle: aws.String("rh-" + id), Body: aws.String("body-" + id),
			MD5OfBody: aws.String("md5-" + id), Attributes: map[string]string{"ApproximateReceiveCount": "1"},
			MessageAttributes: map[string]sqstypes.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("k-" + id)}},
		})
	}
	return out
}

// runOnce polls one batch with handler and returns the receipt handles
// deleted.
func runOnce(t *testing.T, q *fakeQueue, window int, handler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) []string {
	t.Helper()
	p := &Poller{
		Client: q, Function: "Fn", Region: "us-east-1", Handler: handler,
		Source: samtemplate.SQSSource{BatchSize: 10, MaximumBatchingWindowInSeconds: window, ReportBatchItemFailures: true},
		Queue: Queue{
			Queue: samtemplate.Queue{Name: "q", Attributes: map[string]string{"VisibilityTimeout": "30"}},
			URL:   "http://sqs/q", ARN: "arn:aws:sqs:us-east-1:000000000000:q",
		},
	}
	msgs, err := p.receive(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.handle(context.Background(), msgs)
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.deleted
}

func TestPollerDeletesWhatSucceeded(t *testing.T) {
	fail := func(ids ...string) events.SQSEventResponse {
		var r events.SQSEventResponse
		for _, id := range ids {
			r.BatchItemFailures = append(r.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
		}
		return r
	}
	cases := []struct {
		name        string
		resp        events.SQSEventResponse
		err         error
		panics      bool
		wantDeleted []string
	}{
		{name: "all succeed", wantDeleted: []string{"rh-a", "rh-b", "rh-c"}},
		{name: "partial failure", resp: fail("b"), wantDeleted: []string{"rh-a", "rh-c"}},
		{name: "all fail", resp: fail("a", "b", "c")},
		{name: "function error", err: errors.New("boom")},
		{name: "function panic", panics: true},
		{name: "unknown item identifier fails the batch", resp: fail("b", "zzz")},
		{name: "empty item identifier fails the batch", resp: fail("")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := &fakeQueue{responses: [][]sqstypes.Message{fakeMessages("a", "b", "c")}}
			deleted := runOnce(t, q, 0, func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
				if tc.panics {
					panic("boom")
				}
				return tc.resp, tc.err
			})
			slices.Sort(deleted)
			if !slices.Equal(deleted, tc.wantDeleted) {
				t.Errorf("deleted %v, want %v", deleted, tc.wantDeleted)
			}
		})
	}
}

func TestPollerEvent(t *testing.T) {
	q := &fakeQueue{responses: [][]sqstypes.Message{fakeMessages("a", "b")}}
	var got events.SQSEvent
	runOnce(t, q, 0, func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		got = ev
		return events.SQSEventResponse{}, nil
	})
	want := events.SQSMessage{
		MessageId: "a", ReceiptHandle: "rh-a", Body: "body-a", Md5OfBody: "md5-a",
		Attributes: map[string]string{"ApproximateReceiveCount": "1"},
		MessageAttributes: map[string]events.SQSMessageAttribute{"kind": {
			DataType: "String", StringValue: aws.String("k-a"), StringListValues: []string{}, BinaryListValues: [][]byte{},
		}},
		EventSourceARN: "arn:aws:sqs:us-east-1:000000000000:q", EventSource: "aws:sqs", AWSRegion: "us-east-1",
	}
	if len(got.Records) != 2 || !reflect.DeepEqual(got.Records[0], want) || got.Records[1].MessageId != "b" {
		t.Errorf("event %#v\nwant first record %#v", got, want)
	}
	in := q.requests[0]
	if in.MaxNumberOfMessages != 10 || in.WaitTimeSeconds != 1 || !slices.Equal(in.MessageAttributeNames, []string{"All"}) ||
		!slices.Equal(in.MessageSystemAttributeNames, []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}) {
		t.Errorf("receive request %+v", in)
	}
}

func TestPollerGathersWithinTheBatchingWindow(t *testing.T) {
	again := fakeMessages("a")[0]
	again.ReceiptHandle = aws.String("rh-a-again")
	q := &fakeQueue{responses: [][]sqstypes.Message{fakeMessages("a"), {again}, nil, fakeMessages("b")}}
	var got []string
	deleted := runOnce(t, q, 1, func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		for _, r := range ev.Records {
			got = append(got, r.MessageId+"/"+r.ReceiptHandle)
		}
		return events.SQSEventResponse{}, nil
	})
	if want := []string{"a/rh-a-again", "b/rh-b"}; !slices.Equal(got, want) {
		t.Errorf("batch %v, want %v (one record per message, newest receipt handle)", got, want)
	}
	if want := []string{"rh-a-again", "rh-b"}; !slices.Equal(deleted, want) {
		t.Errorf("deleted %v, want %v", deleted, want)
	}
	if n := len(q.requests); n < 4 || q.requests[1].WaitTimeSeconds != 0 {
		t.Errorf("%d receives, gathering with wait %d s; want short polls after the first", n, q.requests[1].WaitTimeSeconds)
	}
}

func TestBatchingWindowStaysUnderTheVisibilityTimeout(t *testing.T) {
	cases := []struct {
		window     int
		visibility string
		want       time.Duration
	}{
		{0, "30", 0},
		{1, "30", time.Second},
		{5, "4", 2 * time.Second},
		{1, "1", 500 * time.Millisecond},
		{2, "", 2 * time.Second},
	}
	for _, tc := range cases {
		p := &Poller{Source: samtemplate.SQSSource{MaximumBatchingWindowInSeconds: tc.window}, Queue: Queue{Queue: samtemplate.Queue{Attributes: map[string]string{"VisibilityTimeout": tc.visibility}}}}
		if got := p.batchingWindow(); got != tc.want {
			t.Errorf("window %d s, visibility %q: %v, want %v", tc.window, tc.visibility, got, tc.want)
		}
	}
}
