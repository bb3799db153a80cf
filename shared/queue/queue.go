// Package queue sends messages to SQS queues and runs SQS batches with
// partial batch failure reporting.
package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// Client is the part of the SQS API the sender uses.
type Client interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// SQS sends JSON messages to one queue.
type SQS struct {
	client Client
	url    string
	fifo   bool
}

var _ message.Queue = (*SQS)(nil)

// New returns a sender to the queue at url; a URL ending in ".fifo" is a FIFO queue.
func New(client Client, url string) *SQS {
	return &SQS{client: client, url: url, fifo: strings.HasSuffix(url, ".fifo")}
}

// Send enqueues msg as JSON; group and dedupID apply to FIFO queues only.
func (q *SQS) Send(ctx context.Context, msg any, group, dedupID string) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("queue: encode message: %w", err)
	}
	in := &sqs.SendMessageInput{QueueUrl: &q.url, MessageBody: new(string(body))}
	if q.fifo {
		in.MessageGroupId = &group
		in.MessageDeduplicationId = &dedupID
	}
	if _, err := q.client.SendMessage(ctx, in); err != nil {
		return fmt.Errorf("queue: send to %s: %w", q.url, err)
	}
	return nil
}
