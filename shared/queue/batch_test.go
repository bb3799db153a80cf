package queue_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/queue"
)

// rec is a record of a batch: its id, FIFO group ("" on a standard queue)
// and whether processing it fails.
type rec struct {
	id, group string
	fail      bool
}

func TestBatch(t *testing.T) {
	tests := []struct {
		name    string
		records []rec
		// ran are the ids processed, in order; failed the ids reported.
		ran, failed []string
	}{
		{
			name:    "all succeed",
			records: []rec{{id: "a"}, {id: "b"}},
			ran:     []string{"a", "b"},
		},
		{
			name:    "standard queue failures are independent",
			records: []rec{{id: "a", fail: true}, {id: "b"}, {id: "c", fail: true}},
			ran:     []string{"a", "b", "c"},
			failed:  []string{"a", "c"},
		},
		{
			name:    "a FIFO group stops at its first failure",
			records: []rec{{id: "a", group: "g1"}, {id: "b", group: "g1", fail: true}, {id: "c", group: "g1"}, {id: "d", group: "g1"}},
			ran:     []string{"a", "b"},
			failed:  []string{"b", "c", "d"},
		},
		{
			name: "other groups continue",
			records: []rec{
				{id: "a", group: "g1", fail: true}, {id: "b", group: "g2"}, {id: "c", group: "g1"},
				{id: "d", group: "g2", fail: true}, {id: "e", group: "g3"}, {id: "f", group: "g2"},
			},
			ran:    []string{"a", "b", "d", "e"},
			failed: []string{"a", "c", "d", "f"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev events.SQSEvent
			fails := map[string]bool{}
			for _, r := range tt.records {
				m := events.SQSMessage{MessageId: r.id, Body: "{}", Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
				if r.group != "" {
					m.Attributes["MessageGroupId"] = r.group
				}
				ev.Records = append(ev.Records, m)
				fails[r.id] = r.fail
			}
			var ran []string
			resp := queue.Batch(context.Background(), ev, func(_ context.Context, m events.SQSMessage) error {
				ran = append(ran, m.MessageId)
				if fails[m.MessageId] {
					return errors.New("boom")
				}
				return nil
			})
			var failed []string
			for _, f := range resp.BatchItemFailures {
				failed = append(failed, f.ItemIdentifier)
			}
			if !slices.Equal(ran, tt.ran) {
				t.Errorf("ran %v, want %v", ran, tt.ran)
			}
			if !slices.Equal(failed, tt.failed) {
				t.Errorf("reported failed %v, want %v", failed, tt.failed)
			}
		})
	}
}
