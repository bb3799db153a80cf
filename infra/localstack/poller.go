package localstack

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// QueueConsumerAPI is the part of the SQS client a Poller uses.
type QueueConsumerAPI interface {
	ReceiveMessage(context.Context, *sqs.ReceiveMessageInput, ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(context.Context, *sqs.DeleteMessageBatchInput, ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

var _ QueueConsumerAPI = (*sqs.Client)(nil)

// LambdaInitialPollers is how many batches of one queue Lambda's SQS event
// source mapping handles at once when it starts (it scales up from there
// with the backlog); the local stack handles that many.
const LambdaInitialPollers = 5

// pollWait is the longest a receive waits for the first message; it bounds
// how long Run takes to return once its context is done.
const pollWait = time.Second

// retryDelay is the pause after a failed receive.
const retryDelay = time.Second

// Poller plays Lambda's SQS event source mapping for one function: it
// receives batches from the queue, hands them to the function as the event
// Lambda sends, and deletes the messages the function did not report as
// failed. Failed messages reappear after the queue's visibility timeout and
// move to its dead-letter queue after maxReceiveCount receives.
type Poller struct {
	Client   QueueConsumerAPI
	Function string // logical id, for logs
	Source   samtemplate.SQSSource
	Queue    Queue
	Region   string
	Timeout  time.Duration // the function's timeout; 30 s when zero
	Handler  functions.SQSHandler
	Log      *slog.Logger // nil discards
	// Concurrency is how many batches are handled at once (one when zero).
	Concurrency int
}

// Run polls until ctx is done, then returns once the batches in flight (if
// any) have been handled and deleted. Receive errors are logged and
// retried. It runs Concurrency receivers at once (one when zero), each
// handing its batches to the function in turn, as Lambda's event source
// mapping handles several batches of a queue at once; a FIFO queue still
// hands out a message group's messages one batch at a time.
func (p *Poller) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range max(p.Concurrency, 1) {
		wg.Go(func() { p.poll(ctx) })
	}
	wg.Wait()
}

// poll is one receiver of Run.
func (p *Poller) poll(ctx context.Context) {
	log := p.logger()
	for ctx.Err() == nil {
		msgs, err := p.receive(ctx)
		if err != nil {
			log.Warn("receive failed", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(retryDelay):
			}
		}
		if len(msgs) > 0 {
			p.handle(ctx, msgs)
		}
	}
}

// logger returns the poller's logger with the function and queue attached.
func (p *Poller) logger() *slog.Logger {
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return log.With("function", p.Function, "queue", p.Queue.Name)
}

// receive gathers one batch: it waits up to pollWait for a first message,
// then, with a batching window, keeps receiving until the batch is full or
// the window has passed. A receive in progress is not cut short by ctx, so
// that no message is received and then dropped.
func (p *Poller) receive(ctx context.Context) ([]sqstypes.Message, error) {
	size := max(p.Source.BatchSize, 1)
	batch, err := p.receiveOnce(ctx, min(size, 10), pollWait)
	if err != nil || len(batch) == 0 {
		return batch, err
	}
	at := map[string]int{}
	for i, m := range batch {
		at[aws.ToString(m.MessageId)] = i
	}
	deadline := time.Now().Add(p.batchingWindow())
	for len(batch) < size && time.Now().Before(deadline) && ctx.Err() == nil {
		out, err := p.receiveOnce(ctx, min(size-len(batch), 10), 0)
		if err != nil {
			return batch, err
		}
		for _, m := range out {
			if i, seen := at[aws.ToString(m.MessageId)]; seen {
				batch[i] = m // received again: only the newest receipt handle deletes it
				continue
			}
			at[aws.ToString(m.MessageId)] = len(batch)
			batch = append(batch, m)
		}
		if len(out) == 0 {
			time.Sleep(min(gatherPause, time.Until(deadline)))
		}
	}
	return batch, nil
}

// gatherPause is the pause between receives that found nothing while a
// batch is being gathered.
const gatherPause = 100 * time.Millisecond

// batchingWindow returns how long to gather a batch after its first message:
// MaximumBatchingWindowInSeconds, but at most half the queue's visibility
// timeout so that the first messages do not become visible again meanwhile.
func (p *Poller) batchingWindow() time.Duration {
	window := time.Duration(p.Source.MaximumBatchingWindowInSeconds) * time.Second
	if vt, err := strconv.Atoi(p.Queue.Attributes["VisibilityTimeout"]); err == nil && vt > 0 {
		window = min(window, time.Duration(vt)*time.Second/2)
	}
	return window
}

func (p *Poller) receiveOnce(ctx context.Context, n int, wait time.Duration) ([]sqstypes.Message, error) {
	seconds := int32(min(math.Ceil(wait.Seconds()), 20))
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(seconds)*time.Second+10*time.Second)
	defer cancel()
	out, err := p.Client.ReceiveMessage(rctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(p.Queue.URL),
		MaxNumberOfMessages:         int32(n),
		WaitTimeSeconds:             seconds,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return nil, err
	}
	return out.Messages, nil
}

// handle invokes the function with the batch and deletes what succeeded.
// Like Lambda, a function error, or a failure report naming a message not in
// the batch, fails the whole batch.
func (p *Poller) handle(ctx context.Context, msgs []sqstypes.Message) {
	log := p.logger()
	start := time.Now()
	ev := p.event(msgs)
	ictx, cancel := invocation(ctx, p.Timeout)
	defer cancel()
	resp, err := safeCall(func() (events.SQSEventResponse, error) { return p.Handler(ictx, ev) })
	if err != nil {
		log.Error("batch failed", "messages", len(msgs), "err", err, "duration_ms", time.Since(start).Milliseconds())
		return
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	var done []sqstypes.Message
	for _, m := range msgs {
		if !failed[aws.ToString(m.MessageId)] {
			done = append(done, m)
		}
		delete(failed, aws.ToString(m.MessageId))
	}
	if len(failed) > 0 {
		log.Error("batch failed: the response names messages not in the batch", "messages", len(msgs), "unknown_ids", len(failed))
		return
	}
	p.delete(ctx, log, done)
	log.Info("batch handled", "messages", len(msgs), "failed", len(msgs)-len(done), "duration_ms", time.Since(start).Milliseconds())
}

// delete removes handled messages, ten per call.
func (p *Poller) delete(ctx context.Context, log *slog.Logger, msgs []sqstypes.Message) {
	dctx := context.WithoutCancel(ctx)
	for start := 0; start < len(msgs); start += 10 {
		chunk := msgs[start:min(start+10, len(msgs))]
		entries := make([]sqstypes.DeleteMessageBatchRequestEntry, len(chunk))
		for i, m := range chunk {
			entries[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
		}
		out, err := p.Client.DeleteMessageBatch(dctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(p.Queue.URL), Entries: entries})
		if err != nil {
			log.Error("delete failed", "messages", len(chunk), "err", err)
			continue
		}
		for _, f := range out.Failed {
			log.Error("delete failed", "entry", aws.ToString(f.Id), "code", aws.ToString(f.Code), "message", aws.ToString(f.Message))
		}
	}
}

// event builds the SQS event Lambda sends for the messages, in the order
// received (the order of a FIFO message group).
func (p *Poller) event(msgs []sqstypes.Message) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, 0, len(msgs))}
	for _, m := range msgs {
		rec := events.SQSMessage{
			MessageId:              aws.ToString(m.MessageId),
			ReceiptHandle:          aws.ToString(m.ReceiptHandle),
			Body:                   aws.ToString(m.Body),
			Md5OfBody:              aws.ToString(m.MD5OfBody),
			Md5OfMessageAttributes: aws.ToString(m.MD5OfMessageAttributes),
			Attributes:             map[string]string{},
			MessageAttributes:      map[string]events.SQSMessageAttribute{},
			EventSourceARN:         p.Queue.ARN,
			EventSource:            "aws:sqs",
			AWSRegion:              p.Region,
		}
		for k, v := range m.Attributes {
			rec.Attributes[k] = v
		}
		for k, v := range m.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{
				DataType:         aws.ToString(v.DataType),
				StringValue:      v.StringValue,
				BinaryValue:      v.BinaryValue,
				StringListValues: append([]string{}, v.StringListValues...),
				BinaryListValues: append([][]byte{}, v.BinaryListValues...),
			}
		}
		ev.Records = append(ev.Records, rec)
	}
	return ev
}
