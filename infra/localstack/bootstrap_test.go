package localstack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
)

func loadProjectTemplate(tb testing.TB) *samtemplate.Template {
	tb.Helper()
	tpl, err := samtemplate.Load("../../template.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return tpl
}

func bootstrapOptions(stack string, visibility int) BootstrapOptions {
	return BootstrapOptions{
		Context:                   samtemplate.Context{StackName: stack, Region: DefaultRegion, AccountID: DefaultAccountID},
		VisibilityTimeoutOverride: visibility,
	}
}

func queueAttributes(t *testing.T, sq *sqs.Client, url string) map[string]string {
	t.Helper()
	out, err := sq.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes
}

func TestBootstrapCreatesTheStack(t *testing.T) {
	ddb, sq := testClients(t)
	ctx := context.Background()
	tpl := loadProjectTemplate(t)
	stack := UniqueName("boot")
	res, err := Bootstrap(ctx, tpl, ddb, sq, bootstrapOptions(stack, 0))
	if err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}

	t.Run("table", func(t *testing.T) {
		if res.TableName != stack+"-Table" {
			t.Errorf("table name %q", res.TableName)
		}
		out, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(res.TableName)})
		if err != nil {
			t.Fatal(err)
		}
		tbl := out.Table
		if tbl.TableStatus != ddbtypes.TableStatusActive {
			t.Errorf("status %s", tbl.TableStatus)
		}
		if got := keyString(tbl.KeySchema); got != "PK HASH, SK RANGE" {
			t.Errorf("key schema %s", got)
		}
		if tbl.BillingModeSummary == nil || tbl.BillingModeSummary.BillingMode != ddbtypes.BillingModePayPerRequest {
			t.Errorf("billing mode %+v", tbl.BillingModeSummary)
		}
		wantGSI := map[string]string{"GSI1": "GSI1PK HASH, GSI1SK RANGE", "GSI2": "GSI2PK HASH, GSI2SK RANGE", "GSI3": "GSI3PK HASH, GSI2SK RANGE"}
		if len(tbl.GlobalSecondaryIndexes) != len(wantGSI) {
			t.Fatalf("indexes %+v", tbl.GlobalSecondaryIndexes)
		}
		for _, gsi := range tbl.GlobalSecondaryIndexes {
			if keyString(gsi.KeySchema) != wantGSI[aws.ToString(gsi.IndexName)] || gsi.Projection.ProjectionType != ddbtypes.ProjectionTypeAll {
				t.Errorf("GSI %s keys %s projection %s", aws.ToString(gsi.IndexName), keyString(gsi.KeySchema), gsi.Projection.ProjectionType)
			}
		}
		ttl, err := ddb.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(res.TableName)})
		if err != nil {
			t.Fatal(err)
		}
		if d := ttl.TimeToLiveDescription; d.TimeToLiveStatus != ddbtypes.TimeToLiveStatusEnabled || aws.ToString(d.AttributeName) != "expiresAt" {
			t.Errorf("TTL %s on %q", d.TimeToLiveStatus, aws.ToString(d.AttributeName))
		}
	})

	t.Run("queues", func(t *testing.T) {
		if len(res.Queues) != 6 {
			t.Fatalf("%d queues", len(res.Queues))
		}
		imports, dlq := res.Queues["ImportsQueue"], res.Queues["ImportsDLQ"]
		attrs := queueAttributes(t, sq, imports.URL)
		var redrive struct {
			DeadLetterTargetArn string
			MaxReceiveCount     json.Number
		}
		if err := json.Unmarshal([]byte(attrs["RedrivePolicy"]), &redrive); err != nil {
			t.Fatalf("RedrivePolicy %q: %v", attrs["RedrivePolicy"], err)
		}
		if redrive.DeadLetterTargetArn != dlq.ARN || redrive.MaxReceiveCount.String() != "5" {
			t.Errorf("RedrivePolicy %s, want %s after 5", attrs["RedrivePolicy"], dlq.ARN)
		}
		for k, want := range map[string]string{
			"FifoQueue": "true", "ContentBasedDeduplication": "false", "VisibilityTimeout": "720",
			"MessageRetentionPeriod": "1209600", "QueueArn": imports.ARN,
		} {
			if attrs[k] != want {
				t.Errorf("ImportsQueue %s = %q, want %q", k, attrs[k], want)
			}
		}
		if imports.Name != stack+"-imports.fifo" || imports.ARN != "arn:aws:sqs:us-east-1:000000000000:"+stack+"-imports.fifo" {
			t.Errorf("imports queue %+v", imports)
		}
		if attrs := queueAttributes(t, sq, res.Queues["PromobOutboxQueue"].URL); attrs["FifoQueue"] == "true" || attrs["VisibilityTimeout"] != "720" {
			t.Errorf("PromobOutboxQueue attributes %v", attrs)
		}
	})

	t.Run("functions resolve to the created resources", func(t *testing.T) {
		r, err := tpl.Resolver(res.Context)
		if err != nil {
			t.Fatal(err)
		}
		fn, err := r.Function("ApiFunction")
		if err != nil {
			t.Fatal(err)
		}
		if fn.Env["IMPORTS_QUEUE_URL"] != res.Queues["ImportsQueue"].URL || fn.Env["TABLE_NAME"] != res.TableName {
			t.Errorf("env %v", fn.Env)
		}
	})

	t.Run("running again is harmless and applies changes", func(t *testing.T) {
		again, err := Bootstrap(ctx, tpl, ddb, sq, bootstrapOptions(stack, 7))
		if err != nil {
			t.Fatalf("second Bootstrap: %v", err)
		}
		for id, q := range res.Queues {
			if again.Queues[id].URL != q.URL || again.Queues[id].ARN != q.ARN {
				t.Errorf("%s moved from %s to %s", id, q.URL, again.Queues[id].URL)
			}
		}
		if got := queueAttributes(t, sq, res.Queues["NotificationsQueue"].URL)["VisibilityTimeout"]; got != "7" {
			t.Errorf("VisibilityTimeout %s after the override, want 7", got)
		}
		if _, err := Bootstrap(ctx, tpl, ddb, sq, bootstrapOptions(stack, 7)); err != nil {
			t.Fatalf("third Bootstrap: %v", err)
		}
	})

	t.Run("wrong account id", func(t *testing.T) {
		opts := bootstrapOptions(stack, 0)
		opts.Context.AccountID = "123456789012"
		if _, err := Bootstrap(ctx, tpl, ddb, sq, opts); err == nil || !strings.Contains(err.Error(), "does not match") {
			t.Errorf("error = %v, want an ARN mismatch", err)
		}
	})
}

func TestBootstrapRefusesAnIncompatibleTable(t *testing.T) {
	ddb, sq := testClients(t)
	ctx := context.Background()
	stack := UniqueName("clash")
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(stack + "-Table"),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Bootstrap(ctx, loadProjectTemplate(t), ddb, sq, bootstrapOptions(stack, 0))
	if err == nil || !strings.Contains(err.Error(), "delete the local data") {
		t.Errorf("error = %v, want one about the key schema", err)
	}
}

func keyString(ks []ddbtypes.KeySchemaElement) string {
	var parts []string
	for _, k := range ks {
		parts = append(parts, aws.ToString(k.AttributeName)+" "+string(k.KeyType))
	}
	return strings.Join(parts, ", ")
}
