package samtemplate

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Queue is an AWS::SQS::Queue with the attributes to create it with.
type Queue struct {
	LogicalID string
	Name      string
	FIFO      bool
	// Attributes are the SQS queue attributes of its properties
	// (VisibilityTimeout, MessageRetentionPeriod, FifoQueue,
	// ContentBasedDeduplication, DeduplicationScope, FifoThroughputLimit,
	// RedrivePolicy as JSON, …) as text.
	Attributes map[string]string
	// DeadLetterQueue is the logical id of the queue its RedrivePolicy sends
	// messages to, "" when it has no RedrivePolicy.
	DeadLetterQueue string
	MaxReceiveCount int
}

// Queues returns the template's queues, each dead-letter queue before the
// queues that send to it, otherwise in document order. It returns an error
// when a queue cannot be resolved, when a RedrivePolicy names no queue of the
// template, or when redrive policies form a cycle.
func (r *Resolver) Queues() ([]Queue, error) {
	var queues []Queue
	byARN := map[string]string{}
	for _, res := range r.tpl.ResourcesOfType("AWS::SQS::Queue") {
		q, err := r.queue(res)
		if err != nil {
			return nil, fmt.Errorf("queue %s: %w", res.LogicalID, err)
		}
		arn, err := r.GetAtt(res.LogicalID, "Arn")
		if err != nil {
			return nil, err
		}
		byARN[arn] = res.LogicalID
		queues = append(queues, q)
	}
	for i := range queues {
		policy, ok := queues[i].Attributes["RedrivePolicy"]
		if !ok {
			continue
		}
		var p struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
			MaxReceiveCount     number `json:"maxReceiveCount"`
		}
		if err := json.Unmarshal([]byte(policy), &p); err != nil {
			return nil, fmt.Errorf("queue %s RedrivePolicy: %w", queues[i].LogicalID, err)
		}
		dlq, ok := byARN[p.DeadLetterTargetArn]
		if !ok {
			return nil, fmt.Errorf("queue %s RedrivePolicy: %s is not a queue of the template", queues[i].LogicalID, p.DeadLetterTargetArn)
		}
		queues[i].DeadLetterQueue, queues[i].MaxReceiveCount = dlq, int(p.MaxReceiveCount)
	}
	return dependencyOrder(queues)
}

func (r *Resolver) queue(res Resource) (Queue, error) {
	name, err := r.PhysicalName(res.LogicalID)
	if err != nil {
		return Queue{}, err
	}
	q := Queue{LogicalID: res.LogicalID, Name: name, Attributes: map[string]string{}}
	for _, kv := range pairs(res.Properties) {
		if kv.key == "QueueName" || kv.key == "Tags" {
			continue
		}
		v, err := r.Value(kv.value)
		if err != nil {
			return Queue{}, fmt.Errorf("%s: %w", kv.key, err)
		}
		var text string
		switch v.(type) {
		case map[string]any, []any:
			b, err := json.Marshal(v)
			if err != nil {
				return Queue{}, fmt.Errorf("%s: %w", kv.key, err)
			}
			text = string(b)
		default:
			if text, err = stringOf(v); err != nil {
				return Queue{}, fmt.Errorf("%s: %w", kv.key, err)
			}
		}
		q.Attributes[kv.key] = text
	}
	q.FIFO = q.Attributes["FifoQueue"] == "true"
	return q, nil
}

// dependencyOrder puts every queue after its dead-letter queue, keeping the
// given order otherwise.
func dependencyOrder(queues []Queue) ([]Queue, error) {
	out := make([]Queue, 0, len(queues))
	placed := map[string]bool{}
	for len(out) < len(queues) {
		progress := false
		for _, q := range queues {
			if placed[q.LogicalID] || (q.DeadLetterQueue != "" && !placed[q.DeadLetterQueue]) {
				continue
			}
			out = append(out, q)
			placed[q.LogicalID] = true
			progress = true
		}
		if !progress {
			var stuck []string
			for _, q := range queues {
				if !placed[q.LogicalID] {
					stuck = append(stuck, q.LogicalID)
				}
			}
			slices.Sort(stuck)
			return nil, fmt.Errorf("redrive policies form a cycle among %v", stuck)
		}
	}
	return out, nil
}
