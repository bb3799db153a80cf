package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/infra/localenv"
)

// TestListAndRedrive puts three messages in a FIFO DLQ of fauxqs, lists
// them (twice: listing leaves them there), and sends them back to the
// source queue with their groups.
func TestListAndRedrive(t *testing.T) {
	env := localenv.ForTest(t)
	client, err := newClient(t.Context(), env.SQSEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	const stack = "dlqtest"
	urls := map[string]string{}
	for _, name := range []string{stack + "-imports.fifo", stack + "-imports-dlq.fifo"} {
		out, err := client.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"FifoQueue": "true"}})
		if err != nil {
			t.Fatal(err)
		}
		urls[name] = aws.ToString(out.QueueUrl)
	}
	for i := range 3 {
		if _, err := client.SendMessage(t.Context(), &sqs.SendMessageInput{
			QueueUrl: aws.String(urls[stack+"-imports-dlq.fifo"]), MessageBody: aws.String(fmt.Sprintf(`{"n":%d}`, i)),
			MessageGroupId: aws.String(fmt.Sprintf("g%d", i)), MessageDeduplicationId: aws.String(fmt.Sprint(i)),
		}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		var out bytes.Buffer
		if err := run(t.Context(), client, "imports", stack, false, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), ": 3 message(s)") || !strings.Contains(out.String(), `body={"n":2}`) || !strings.Contains(out.String(), `group="g1"`) {
			t.Fatalf("list printed:\n%s", out.String())
		}
	}
	var out bytes.Buffer
	if err := run(t.Context(), client, "imports", stack, true, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3 message(s) sent back") {
		t.Fatalf("redrive printed:\n%s", out.String())
	}
	got, err := client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(urls[stack+"-imports.fifo"]), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 3 {
		t.Fatalf("the source queue holds %d messages, want 3", len(got.Messages))
	}
	out.Reset()
	if err := run(t.Context(), client, "imports", stack, false, &out); err != nil || !strings.Contains(out.String(), ": 0 message(s)") {
		t.Fatalf("after the redrive the DLQ lists (%v):\n%s", err, out.String())
	}
	if err := run(t.Context(), client, "nope", stack, false, &out); err == nil {
		t.Error("an unknown queue did not fail")
	}
}
