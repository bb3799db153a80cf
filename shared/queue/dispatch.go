package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
)

// KindFunc processes the JSON body of one message of its kind.
type KindFunc func(ctx context.Context, body []byte) error

// Dispatch returns a RecordFunc that routes each message by its "kind" field.
// A message that is not JSON or has an unknown kind fails (and so ends in the
// DLQ after the queue's maxReceiveCount).
func Dispatch(kinds map[string]KindFunc) RecordFunc {
	return func(ctx context.Context, msg events.SQSMessage) error {
		var head struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal([]byte(msg.Body), &head); err != nil {
			return fmt.Errorf("queue: message %s is not JSON: %w", msg.MessageId, err)
		}
		fn, ok := kinds[head.Kind]
		if !ok {
			return fmt.Errorf("queue: message %s has unknown kind %q", msg.MessageId, head.Kind)
		}
		n, _ := strconv.Atoi(msg.Attributes["ApproximateReceiveCount"])
		return fn(context.WithValue(ctx, receiveCountKey{}, n), []byte(msg.Body))
	}
}

// Decoded returns the KindFunc that decodes a message's JSON body into an
// M and hands it to fn. A body that does not decode into an M fails (and
// so ends in the DLQ).
func Decoded[M any](fn func(ctx context.Context, msg M) error) KindFunc {
	return func(ctx context.Context, body []byte) error {
		var msg M
		if err := json.Unmarshal(body, &msg); err != nil {
			return fmt.Errorf("queue: decode %T: %w", msg, err)
		}
		return fn(ctx, msg)
	}
}

type receiveCountKey struct{}

// ReceiveCount returns how many times the message being processed was
// received (1 on the first attempt), or 0 outside Dispatch.
func ReceiveCount(ctx context.Context) int {
	n, _ := ctx.Value(receiveCountKey{}).(int)
	return n
}
