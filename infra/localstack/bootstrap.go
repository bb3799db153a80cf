package localstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
)

// DynamoAPI is the part of the DynamoDB client Bootstrap uses.
type DynamoAPI interface {
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	DescribeTimeToLive(context.Context, *dynamodb.DescribeTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error)
	UpdateTimeToLive(context.Context, *dynamodb.UpdateTimeToLiveInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// QueueAdminAPI is the part of the SQS client Bootstrap uses.
type QueueAdminAPI interface {
	CreateQueue(context.Context, *sqs.CreateQueueInput, ...func(*sqs.Options)) (*sqs.CreateQueueOutput, error)
	GetQueueUrl(context.Context, *sqs.GetQueueUrlInput, ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
	GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	SetQueueAttributes(context.Context, *sqs.SetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.SetQueueAttributesOutput, error)
}

var (
	_ DynamoAPI     = (*dynamodb.Client)(nil)
	_ QueueAdminAPI = (*sqs.Client)(nil)
)

// BootstrapOptions says which stack to create.
type BootstrapOptions struct {
	// Context names the stack, region and account and gives parameter
	// values; its QueueURL is replaced by the URLs of the created queues.
	Context samtemplate.Context
	// VisibilityTimeoutOverride, when positive, replaces every queue's
	// VisibilityTimeout (seconds), so that tests see retries quickly.
	VisibilityTimeoutOverride int
}

// Queue is a created queue.
type Queue struct {
	samtemplate.Queue
	URL string
	ARN string
}

// Resources are the physical resources of a bootstrapped stack.
type Resources struct {
	// Context resolves the template against these resources (queue URLs
	// included).
	Context   samtemplate.Context
	TableName string
	// Queues are the created queues by logical id.
	Queues map[string]Queue
}

// Bootstrap creates the template's table (waiting until it is ACTIVE, with
// TTL enabled) and its queues (dead-letter queues first), leaving in place
// whatever already exists, and returns their names, URLs and ARNs. It returns
// an error when the template cannot be resolved, when a call fails, when an
// existing table lacks a key or index of the template, or when a queue's ARN
// is not the one the template's redrive policies expect.
func Bootstrap(ctx context.Context, tpl *samtemplate.Template, ddb DynamoAPI, sq QueueAdminAPI, opts BootstrapOptions) (*Resources, error) {
	res := &Resources{Context: opts.Context, Queues: map[string]Queue{}}
	urls := map[string]string{}
	res.Context.QueueURL = func(name string) string { return urls[name] }
	r, err := tpl.Resolver(res.Context)
	if err != nil {
		return nil, err
	}
	table, err := r.Table()
	if err != nil {
		return nil, err
	}
	if err := createTable(ctx, ddb, table); err != nil {
		return nil, err
	}
	res.TableName = table.Name
	queues, err := r.Queues()
	if err != nil {
		return nil, err
	}
	for _, q := range queues {
		if opts.VisibilityTimeoutOverride > 0 {
			q.Attributes["VisibilityTimeout"] = strconv.Itoa(opts.VisibilityTimeoutOverride)
		}
		created, err := createQueue(ctx, sq, q)
		if err != nil {
			return nil, err
		}
		want, err := r.GetAtt(q.LogicalID, "Arn")
		if err != nil {
			return nil, err
		}
		if created.ARN != want {
			return nil, fmt.Errorf("queue %s has ARN %s but the template expects %s: the region or account id does not match the SQS endpoint's", q.Name, created.ARN, want)
		}
		urls[q.Name] = created.URL
		res.Queues[q.LogicalID] = created
	}
	return res, nil
}

// createTable creates the table unless it exists, waits until it is ACTIVE
// and enables its TTL.
func createTable(ctx context.Context, ddb DynamoAPI, t samtemplate.Table) error {
	_, err := ddb.CreateTable(ctx, t.Input)
	var inUse *ddbtypes.ResourceInUseException
	switch {
	case errors.As(err, &inUse):
		if err := checkTable(ctx, ddb, t); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("create table %s: %w", t.Name, err)
	}
	waiter := dynamodb.NewTableExistsWaiter(ddb, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.Name)}, 2*time.Minute); err != nil {
		return fmt.Errorf("wait for table %s: %w", t.Name, err)
	}
	if t.TTLAttribute == "" {
		return nil
	}
	ttl, err := ddb.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(t.Name)})
	if err != nil {
		return fmt.Errorf("describe TTL of %s: %w", t.Name, err)
	}
	if d := ttl.TimeToLiveDescription; d != nil && aws.ToString(d.AttributeName) == t.TTLAttribute &&
		(d.TimeToLiveStatus == ddbtypes.TimeToLiveStatusEnabled || d.TimeToLiveStatus == ddbtypes.TimeToLiveStatusEnabling) {
		return nil
	}
	_, err = ddb.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(t.Name),
		TimeToLiveSpecification: &ddbtypes.TimeToLiveSpecification{AttributeName: aws.String(t.TTLAttribute), Enabled: aws.Bool(true)},
	})
	if err != nil && !strings.Contains(err.Error(), "already enabled") {
		return fmt.Errorf("enable TTL on %s: %w", t.Name, err)
	}
	return nil
}

// checkTable returns an error when an existing table's key schema or global
// secondary indexes differ from the template's.
func checkTable(ctx context.Context, ddb DynamoAPI, t samtemplate.Table) error {
	out, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.Name)})
	if err != nil {
		return fmt.Errorf("describe table %s: %w", t.Name, err)
	}
	keys := func(ks []ddbtypes.KeySchemaElement) string {
		var parts []string
		for _, k := range ks {
			parts = append(parts, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
		}
		return strings.Join(parts, ", ")
	}
	indexes := map[string]string{}
	for _, ix := range out.Table.GlobalSecondaryIndexes {
		indexes[aws.ToString(ix.IndexName)] = keys(ix.KeySchema)
	}
	wantIndexes := map[string]string{}
	for _, ix := range t.Input.GlobalSecondaryIndexes {
		wantIndexes[aws.ToString(ix.IndexName)] = keys(ix.KeySchema)
	}
	if got, want := keys(out.Table.KeySchema), keys(t.Input.KeySchema); got != want || !maps.Equal(indexes, wantIndexes) {
		return fmt.Errorf("table %s exists with key schema [%s] and indexes %v, but the template wants [%s] and %v: delete the local data to recreate it",
			t.Name, got, indexes, want, wantIndexes)
	}
	return nil
}

// createQueue creates the queue, or brings an existing queue's mutable
// attributes in line with the template, and returns its URL and ARN.
func createQueue(ctx context.Context, sq QueueAdminAPI, q samtemplate.Queue) (Queue, error) {
	out := Queue{Queue: q}
	created, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(q.Name), Attributes: q.Attributes})
	var exists *sqstypes.QueueNameExists
	switch {
	case err == nil:
		out.URL = aws.ToString(created.QueueUrl)
	case errors.As(err, &exists):
		got, err := sq.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(q.Name)})
		if err != nil {
			return Queue{}, fmt.Errorf("get URL of queue %s: %w", q.Name, err)
		}
		out.URL = aws.ToString(got.QueueUrl)
		if err := updateQueue(ctx, sq, out.URL, q); err != nil {
			return Queue{}, err
		}
	default:
		return Queue{}, fmt.Errorf("create queue %s: %w", q.Name, err)
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(out.URL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return Queue{}, fmt.Errorf("get ARN of queue %s: %w", q.Name, err)
	}
	out.ARN = attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	return out, nil
}

// updateQueue sets the attributes of an existing queue that differ from the
// template's (FifoQueue cannot change).
func updateQueue(ctx context.Context, sq QueueAdminAPI, url string, q samtemplate.Queue) error {
	current, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
	})
	if err != nil {
		return fmt.Errorf("get attributes of queue %s: %w", q.Name, err)
	}
	changed := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(q.Attributes)) {
		if name != "FifoQueue" && !sameAttribute(current.Attributes[name], q.Attributes[name]) {
			changed[name] = q.Attributes[name]
		}
	}
	if len(changed) == 0 {
		return nil
	}
	if _, err := sq.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: changed}); err != nil {
		return fmt.Errorf("update attributes %v of queue %s: %w", slices.Sorted(maps.Keys(changed)), q.Name, err)
	}
	return nil
}

// sameAttribute compares attribute values, JSON policies by content (SQS
// may write maxReceiveCount as a number or a string).
func sameAttribute(a, b string) bool {
	if a == b {
		return true
	}
	var x, y map[string]any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil || len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if fmt.Sprint(v) != fmt.Sprint(y[k]) {
			return false
		}
	}
	return true
}
