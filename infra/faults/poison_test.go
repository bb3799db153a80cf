package faults_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/poll"
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// batchLog records what a stand-in importer (queue.Batch over
// queue.Dispatch, as the importer runs) received and reported.
type batchLog struct {
	mu      sync.Mutex
	batches [][]string // message bodies' ids, per batch
	failed  map[string]int
	done    map[string]int
}

func (b *batchLog) handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	fn := queue.Dispatch(map[string]queue.KindFunc{"test": func(_ context.Context, body []byte) error { return nil }})
	ids := map[string]string{}
	var batch []string
	for _, r := range ev.Records {
		ids[r.MessageId] = r.Body
		batch = append(batch, r.Body)
	}
	resp := queue.Batch(ctx, ev, fn)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.batches = append(b.batches, batch)
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		b.failed[ids[f.ItemIdentifier]]++
		failed[ids[f.ItemIdentifier]] = true
	}
	for _, body := range batch {
		if !failed[body] {
			b.done[body]++
		}
	}
	return resp, nil
}

// TestPoisonMessageGoesToDLQ sends a message no function can process
// (an unknown kind) with good ones in other groups: the good ones are
// processed once each and never reported failed, the poison one is reported
// alone in its batches and moved to the DLQ after maxReceiveCount (5)
// receives.
func TestPoisonMessageGoesToDLQ(t *testing.T) {
	log := &batchLog{failed: map[string]int{}, done: map[string]int{}}
	s := startFaultStack(t, map[string]functions.Function{"ImporterFunction": {SQS: log.handle}})
	poison := `{"kind":"bogus"}`
	var good []string
	for i := range 5 {
		good = append(good, fmt.Sprintf(`{"kind":"test","n":%d}`, i))
	}
	url := s.QueueURL("ImportsQueue")
	var entries []string
	entries = append(entries, good[:2]...)
	entries = append(entries, poison)
	entries = append(entries, good[2:]...)
	var batch []sqstypes.SendMessageBatchRequestEntry
	for i, body := range entries {
		batch = append(batch, sqstypes.SendMessageBatchRequestEntry{
			Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(body),
			MessageGroupId: aws.String(fmt.Sprintf("g%d", i)), MessageDeduplicationId: aws.String(fmt.Sprintf("d%d", i)),
		})
	}
	// One call, so that the first receive takes them together.
	if out, err := local.SQS().SendMessageBatch(t.Context(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: batch}); err != nil || len(out.Failed) > 0 {
		t.Fatalf("send the batch: %v %+v", err, out)
	}
	poll.Until(t, 3*wait, "the poison message reaches the DLQ", func() bool {
		n, _, _, _ := s.QueueCounts("ImportsDLQ")
		return n == 1
	})
	poll.Until(t, wait, "the imports queue is idle", func() bool { return s.QueueIdle("ImportsQueue") })

	log.mu.Lock()
	defer log.mu.Unlock()
	if log.failed[poison] != 5 {
		t.Errorf("the poison message was reported failed %d times, want 5 (maxReceiveCount)", log.failed[poison])
	}
	for _, g := range good {
		if log.done[g] != 1 || log.failed[g] != 0 {
			t.Errorf("%s: processed %d times, reported failed %d times; want once and never", g, log.done[g], log.failed[g])
		}
	}
	shared := slices.ContainsFunc(log.batches, func(b []string) bool { return len(b) > 1 && slices.Contains(b, poison) })
	if !shared {
		t.Errorf("batches %v: the poison message never shared a batch", log.batches)
	}
	out, err := local.SQS().ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.QueueURL("ImportsDLQ")), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != poison {
		t.Errorf("the DLQ holds %+v, want the poison message", out.Messages)
	}
}
