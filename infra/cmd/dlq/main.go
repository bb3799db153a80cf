// Command dlq lists a dead-letter queue's messages and sends them back to
// their source queue:
//
//	go run ./infra/cmd/dlq -queue imports            # list (make dlq QUEUE=imports)
//	go run ./infra/cmd/dlq -queue imports -redrive   # send back (make redrive QUEUE=imports)
//
// -queue is the source queue's logical name (imports, promob-outbox,
// notifications; the DLQ is <stack>-<name>-dlq[.fifo]) or the DLQ's URL.
// By default it talks to the local stack's fauxqs (-endpoint, or
// $DLQ_ENDPOINT, default http://127.0.0.1:3011, with the local
// credentials); -endpoint aws uses AWS with the default credential chain
// and region. A redriven message keeps its body and FIFO group and is
// deleted from the DLQ only once it is sent.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func main() {
	queue := flag.String("queue", "", "source queue's logical name (imports, promob-outbox, notifications) or the DLQ's URL; required")
	stack := flag.String("stack", "promob-local", "stack name the queue names start with")
	endpoint := flag.String("endpoint", envOr("DLQ_ENDPOINT", "http://127.0.0.1:3011"), `SQS endpoint; "aws" for AWS with the default credential chain`)
	redrive := flag.Bool("redrive", false, "send the DLQ's messages back to the source queue")
	flag.Bool("list", true, "list the DLQ's messages (the default action)")
	flag.Parse()
	if *queue == "" {
		fmt.Fprintln(os.Stderr, "dlq: -queue is required")
		flag.Usage()
		os.Exit(2)
	}
	ctx := context.Background()
	client, err := newClient(ctx, *endpoint)
	if err == nil {
		err = run(ctx, client, *queue, *stack, *redrive, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dlq:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// newClient returns an SQS client for the endpoint: AWS's default
// configuration for "aws", else the local stack's.
func newClient(ctx context.Context, endpoint string) (*sqs.Client, error) {
	if endpoint == "aws" {
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("AWS configuration: %w", err)
		}
		return sqs.NewFromConfig(cfg), nil
	}
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")}
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(endpoint) }), nil
}

// run lists the DLQ, or redrives it, writing one line per message to out.
func run(ctx context.Context, client *sqs.Client, queue, stack string, redrive bool, out io.Writer) error {
	dlq, source, err := resolve(ctx, client, queue, stack)
	if err != nil {
		return err
	}
	msgs, err := drain(ctx, client, dlq)
	if err != nil {
		return err
	}
	if !redrive {
		fmt.Fprintf(out, "%s: %d message(s)\n", dlq, len(msgs))
		for _, m := range msgs {
			fmt.Fprintf(out, "%s group=%q receives=%s body=%s\n", aws.ToString(m.MessageId),
				m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)],
				m.Attributes[string(sqstypes.MessageSystemAttributeNameApproximateReceiveCount)], aws.ToString(m.Body))
		}
		return release(ctx, client, dlq, msgs)
	}
	fifo := strings.HasSuffix(source, ".fifo")
	sent := 0
	for i, m := range msgs {
		in := &sqs.SendMessageInput{QueueUrl: aws.String(source), MessageBody: m.Body}
		if fifo {
			in.MessageGroupId = aws.String(m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)])
			in.MessageDeduplicationId = aws.String("redrive-" + aws.ToString(m.MessageId))
		}
		if _, err := client.SendMessage(ctx, in); err != nil {
			return errors.Join(fmt.Errorf("send %s back: %w", aws.ToString(m.MessageId), err), release(ctx, client, dlq, msgs[i:]))
		}
		if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(dlq), ReceiptHandle: m.ReceiptHandle}); err != nil {
			return errors.Join(fmt.Errorf("delete %s from the DLQ (it was sent back): %w", aws.ToString(m.MessageId), err), release(ctx, client, dlq, msgs[i+1:]))
		}
		sent++
		fmt.Fprintf(out, "sent back %s\n", aws.ToString(m.MessageId))
	}
	fmt.Fprintf(out, "%d message(s) sent back to %s\n", sent, source)
	return nil
}

// resolve returns the DLQ's and the source queue's URLs.
func resolve(ctx context.Context, client *sqs.Client, queue, stack string) (dlq, source string, err error) {
	if strings.Contains(queue, "://") {
		dlq = queue
		source = strings.Replace(queue, "-dlq", "", 1)
		return dlq, source, nil
	}
	for _, suffix := range []string{".fifo", ""} {
		name := stack + "-" + queue
		d, derr := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name + "-dlq" + suffix)})
		if derr != nil {
			err = derr
			continue
		}
		s, serr := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name + suffix)})
		if serr != nil {
			return "", "", fmt.Errorf("source queue %s%s: %w", name, suffix, serr)
		}
		return aws.ToString(d.QueueUrl), aws.ToString(s.QueueUrl), nil
	}
	return "", "", fmt.Errorf("no DLQ %s-%s-dlq[.fifo]: %w", stack, queue, err)
}

// drain receives every message of the DLQ, keeping them invisible while
// the command runs.
func drain(ctx context.Context, client *sqs.Client, dlq string) ([]sqstypes.Message, error) {
	var all []sqstypes.Message
	for {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(dlq), MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			return nil, errors.Join(fmt.Errorf("receive from %s: %w", dlq, err), release(ctx, client, dlq, all))
		}
		if len(out.Messages) == 0 {
			return all, nil
		}
		all = append(all, out.Messages...)
	}
}

// release makes the messages visible again at once.
func release(ctx context.Context, client *sqs.Client, dlq string, msgs []sqstypes.Message) error {
	var errs []error
	for _, m := range msgs {
		if _, err := client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
			QueueUrl: aws.String(dlq), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
		}); err != nil {
			errs = append(errs, fmt.Errorf("release %s: %w", aws.ToString(m.MessageId), err))
		}
	}
	return errors.Join(errs...)
}
