package queue_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// fakeSQS captures the inputs of SendMessage; err makes it fail.
type fakeSQS struct {
	sent []*sqs.SendMessageInput
	err  error
}

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.sent = append(f.sent, in)
	if f.err != nil {
		return nil, f.err
	}
	return &sqs.SendMessageOutput{MessageId: aws.String("m1")}, nil
}

func TestSend(t *testing.T) {
	const (
		standardURL = "http://sqs.us-east-1.127.0.0.1:3011/000000000000/promob-local-notifications"
		fifoURL     = "http://sqs.us-east-1.127.0.0.1:3011/000000000000/promob-local-imports.fifo"
	)
	msg := map[string]any{"kind": "webhook", "revision": 2}
	tests := []struct {
		name, url        string
		msg              any
		clientErr        error
		group, dedup     *string
		wantSent         bool
		wantErr, wantURL string
	}{
		{name: "standard queue", url: standardURL, msg: msg, wantSent: true},
		{name: "FIFO queue", url: fifoURL, msg: msg, group: aws.String("acc-1:env-1"), dedup: aws.String("acc-1:msg_1"), wantSent: true},
		{name: "queue refuses", url: fifoURL, msg: msg, clientErr: errors.New("throttled"), group: aws.String("acc-1:env-1"), dedup: aws.String("acc-1:msg_1"), wantSent: true, wantErr: "throttled"},
		{name: "message not encodable", url: standardURL, msg: map[string]any{"c": make(chan int)}, wantErr: "encode message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := &fakeSQS{err: tt.clientErr}
			err := queue.New(client, tt.url).Send(context.Background(), tt.msg, "acc-1:env-1", "acc-1:msg_1")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Send = %v, want an error containing %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if !tt.wantSent {
				if len(client.sent) != 0 {
					t.Fatalf("%d messages sent, want none", len(client.sent))
				}
				return
			}
			if len(client.sent) != 1 {
				t.Fatalf("%d messages sent, want 1", len(client.sent))
			}
			in := client.sent[0]
			if aws.ToString(in.QueueUrl) != tt.url {
				t.Errorf("QueueUrl = %q, want %q", aws.ToString(in.QueueUrl), tt.url)
			}
			if body := aws.ToString(in.MessageBody); body != `{"kind":"webhook","revision":2}` {
				t.Errorf("MessageBody = %s", body)
			}
			if aws.ToString(in.MessageGroupId) != aws.ToString(tt.group) || (in.MessageGroupId == nil) != (tt.group == nil) {
				t.Errorf("MessageGroupId = %v, want %v", in.MessageGroupId, tt.group)
			}
			if aws.ToString(in.MessageDeduplicationId) != aws.ToString(tt.dedup) || (in.MessageDeduplicationId == nil) != (tt.dedup == nil) {
				t.Errorf("MessageDeduplicationId = %v, want %v", in.MessageDeduplicationId, tt.dedup)
			}
		})
	}
}
