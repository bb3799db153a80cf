package samtemplate

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// projectTemplate is the repository's template.yaml.
var projectTemplate = filepath.Join("..", "..", "template.yaml")

func localContext() Context {
	return Context{
		StackName: "promob-local", Region: "us-east-1", AccountID: "000000000000",
		Parameters: map[string]string{"JwtIssuer": "foccolojas-local", "JwtAudience": "promob-integration", "AllowedOrigins": "http://127.0.0.1:3000, http://localhost:5173"},
		QueueURL:   func(n string) string { return "http://127.0.0.1:3011/000000000000/" + n },
	}
}

func mustLoadProject(tb testing.TB) *Resolver {
	tb.Helper()
	tpl, err := Load(projectTemplate)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return mustResolver(tb, tpl, localContext())
}

func TestProjectFunctions(t *testing.T) {
	fns, err := mustLoadProject(t).Functions()
	if err != nil {
		t.Fatalf("Functions: %v", err)
	}
	byID := map[string]Function{}
	var ids []string
	for _, f := range fns {
		byID[f.LogicalID] = f
		ids = append(ids, f.LogicalID)
	}
	if want := []string{"WebhookFunction", "ApiFunction", "ImporterFunction", "PromobSyncFunction", "NotifierFunction"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("functions = %v, want %v", ids, want)
	}
	queueURL := func(name string) string { return "http://127.0.0.1:3011/000000000000/promob-local-" + name }
	t.Run("ApiFunction environment", func(t *testing.T) {
		want := map[string]string{
			"TABLE_NAME":              "promob-local-Table",
			"LOG_LEVEL":               "INFO",
			"IMPORTS_QUEUE_URL":       queueURL("imports.fifo"),
			"PROMOB_OUTBOX_QUEUE_URL": queueURL("promob-outbox"),
			"PROMOB_API_URL":          "https://api.promob.com",
			"PROMOB_TOKEN_KEY_SECRET": "promob-integration/promob-token-key",
		}
		if got := byID["ApiFunction"].Env; !reflect.DeepEqual(got, want) {
			t.Errorf("Env = %v, want %v", got, want)
		}
	})
	t.Run("NotifierFunction environment is the globals", func(t *testing.T) {
		want := map[string]string{"TABLE_NAME": "promob-local-Table", "LOG_LEVEL": "INFO"}
		if got := byID["NotifierFunction"].Env; !reflect.DeepEqual(got, want) {
			t.Errorf("Env = %v, want %v", got, want)
		}
	})
	t.Run("ApiFunction routes", func(t *testing.T) {
		want := []Route{
			{Event: "Api", API: "HttpApi", Method: "ANY", Path: "/v1/{proxy+}", Authorizer: "FoccoJwt"},
			{Event: "Health", API: "HttpApi", Method: "GET", Path: "/health", NoAuth: true},
			{Event: "OpenAPI", API: "HttpApi", Method: "GET", Path: "/openapi.json", NoAuth: true},
		}
		if got := byID["ApiFunction"].HTTPRoutes; !reflect.DeepEqual(got, want) {
			t.Errorf("routes = %#v, want %#v", got, want)
		}
	})
	t.Run("WebhookFunction route", func(t *testing.T) {
		want := []Route{{Event: "PromobWebhook", API: "HttpApi", Method: "POST", Path: "/webhooks/promob/{accountId}", NoAuth: true}}
		if got := byID["WebhookFunction"].HTTPRoutes; !reflect.DeepEqual(got, want) {
			t.Errorf("routes = %#v, want %#v", got, want)
		}
	})
	t.Run("SQS event sources", func(t *testing.T) {
		cases := map[string]SQSSource{
			"ImporterFunction":   {Event: "Imports", QueueLogicalID: "ImportsQueue", BatchSize: 5, ReportBatchItemFailures: true},
			"PromobSyncFunction": {Event: "Outbox", QueueLogicalID: "PromobOutboxQueue", BatchSize: 5, MaximumBatchingWindowInSeconds: 1, ReportBatchItemFailures: true},
			"NotifierFunction":   {Event: "Notifications", QueueLogicalID: "NotificationsQueue", BatchSize: 10, MaximumBatchingWindowInSeconds: 1, ReportBatchItemFailures: true},
		}
		for id, want := range cases {
			if got := byID[id].SQSEvents; !reflect.DeepEqual(got, []SQSSource{want}) {
				t.Errorf("%s SQS events = %#v, want %#v", id, got, want)
			}
		}
	})
	t.Run("Importer sizes", func(t *testing.T) {
		if f := byID["ImporterFunction"]; f.MemorySize != 512 || f.Timeout != 120 {
			t.Errorf("ImporterFunction memory %d timeout %d, want 512 and 120", f.MemorySize, f.Timeout)
		}
		if f := byID["NotifierFunction"]; f.MemorySize != 256 || f.Timeout != 30 {
			t.Errorf("NotifierFunction memory %d timeout %d, want 256 and 30 from Globals", f.MemorySize, f.Timeout)
		}
	})
}

func TestProjectTable(t *testing.T) {
	tbl, err := mustLoadProject(t).Table()
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	key := func(name string, typ types.KeyType) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(name), KeyType: typ}
	}
	attr := func(name string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
	}
	want := &dynamodb.CreateTableInput{
		TableName:            aws.String("promob-local-Table"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{attr("PK"), attr("SK"), attr("GSI1PK"), attr("GSI1SK"), attr("GSI2PK"), attr("GSI2SK"), attr("GSI3PK")},
		KeySchema:            []types.KeySchemaElement{key("PK", types.KeyTypeHash), key("SK", types.KeyTypeRange)},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("GSI1"),
			KeySchema:  []types.KeySchemaElement{key("GSI1PK", types.KeyTypeHash), key("GSI1SK", types.KeyTypeRange)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}, {
			IndexName:  aws.String("GSI2"),
			KeySchema:  []types.KeySchemaElement{key("GSI2PK", types.KeyTypeHash), key("GSI2SK", types.KeyTypeRange)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}, {
			IndexName:  aws.String("GSI3"),
			KeySchema:  []types.KeySchemaElement{key("GSI3PK", types.KeyTypeHash), key("GSI2SK", types.KeyTypeRange)},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
		SSESpecification: &types.SSESpecification{Enabled: aws.Bool(true)},
	}
	if !reflect.DeepEqual(tbl.Input, want) {
		got, _ := json.MarshalIndent(tbl.Input, "", " ")
		exp, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("CreateTableInput:\n got %s\nwant %s", got, exp)
	}
	if tbl.LogicalID != "Table" || tbl.Name != "promob-local-Table" || tbl.TTLAttribute != "expiresAt" || !tbl.PointInTimeRecovery {
		t.Errorf("table = %+v, want Table promob-local-Table with TTL expiresAt and PITR", tbl)
	}
}

func TestProjectQueues(t *testing.T) {
	queues, err := mustLoadProject(t).Queues()
	if err != nil {
		t.Fatalf("Queues: %v", err)
	}
	pos := map[string]int{}
	byID := map[string]Queue{}
	for i, q := range queues {
		pos[q.LogicalID], byID[q.LogicalID] = i, q
	}
	if len(queues) != 6 {
		t.Fatalf("got %d queues, want 6", len(queues))
	}
	for _, q := range queues {
		if q.DeadLetterQueue != "" && pos[q.DeadLetterQueue] > pos[q.LogicalID] {
			t.Errorf("%s comes before its dead-letter queue %s", q.LogicalID, q.DeadLetterQueue)
		}
	}
	cases := []struct {
		id   string
		want Queue
	}{
		{id: "ImportsQueue", want: Queue{
			LogicalID: "ImportsQueue", Name: "promob-local-imports.fifo", FIFO: true, DeadLetterQueue: "ImportsDLQ", MaxReceiveCount: 5,
			Attributes: map[string]string{
				"FifoQueue": "true", "ContentBasedDeduplication": "false", "DeduplicationScope": "messageGroup",
				"FifoThroughputLimit": "perMessageGroupId", "VisibilityTimeout": "720", "MessageRetentionPeriod": "1209600",
				"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:promob-local-imports-dlq.fifo","maxReceiveCount":5}`,
			},
		}},
		{id: "ImportsDLQ", want: Queue{
			LogicalID: "ImportsDLQ", Name: "promob-local-imports-dlq.fifo", FIFO: true,
			Attributes: map[string]string{"FifoQueue": "true", "MessageRetentionPeriod": "1209600"},
		}},
		{id: "PromobOutboxQueue", want: Queue{
			LogicalID: "PromobOutboxQueue", Name: "promob-local-promob-outbox", DeadLetterQueue: "PromobOutboxDLQ", MaxReceiveCount: 5,
			Attributes: map[string]string{
				"VisibilityTimeout": "720", "MessageRetentionPeriod": "1209600",
				"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:promob-local-promob-outbox-dlq","maxReceiveCount":5}`,
			},
		}},
		{id: "NotificationsDLQ", want: Queue{
			LogicalID: "NotificationsDLQ", Name: "promob-local-notifications-dlq",
			Attributes: map[string]string{"MessageRetentionPeriod": "1209600"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			if got := byID[tc.id]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("queue:\n got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestQueuesRedriveErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{name: "cycle", src: `
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !GetAtt B.Arn, maxReceiveCount: 1}
  B:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !GetAtt A.Arn, maxReceiveCount: 1}
`, want: "cycle among [A B]"},
		{name: "foreign DLQ", src: `
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: arn:aws:sqs:us-east-1:000000000000:other
        maxReceiveCount: 1
`, want: "is not a queue of the template"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mustResolver(t, mustParse(t, tc.src), Context{}).Queues()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestProjectHTTPAPI(t *testing.T) {
	r := mustLoadProject(t)
	api, err := r.HTTPAPI("HttpApi")
	if err != nil {
		t.Fatalf("HTTPAPI: %v", err)
	}
	jwt, ok := api.Authorizers[api.DefaultAuthorizer]
	if api.DefaultAuthorizer != "FoccoJwt" || !ok {
		t.Fatalf("default authorizer %q, authorizers %v", api.DefaultAuthorizer, api.Authorizers)
	}
	if jwt.Issuer != "foccolojas-local" || !reflect.DeepEqual(jwt.Audience, []string{"promob-integration"}) || jwt.IdentitySource != "$request.header.Authorization" {
		t.Errorf("authorizer = %+v", jwt)
	}
	want := &Cors{
		AllowOrigins:  []string{"http://127.0.0.1:3000", "http://localhost:5173"},
		AllowMethods:  []string{"GET", "POST", "PUT", "PATCH", "DELETE"},
		AllowHeaders:  []string{"Authorization", "Content-Type", "Idempotency-Key"},
		ExposeHeaders: []string{"Apigw-Requestid", "Retry-After"},
		MaxAge:        600,
	}
	if !reflect.DeepEqual(api.Cors, want) {
		t.Errorf("Cors = %+v, want %+v", api.Cors, want)
	}
	noParams := localContext()
	noParams.Parameters = nil
	tpl, err := Load(projectTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mustResolver(t, tpl, noParams).HTTPAPI("HttpApi"); err == nil || !strings.Contains(err.Error(), "JwtIssuer") {
		t.Errorf("HTTPAPI without JwtIssuer: error = %v", err)
	}
}

func TestProjectOutputs(t *testing.T) {
	r := mustLoadProject(t)
	outs, err := r.Outputs()
	if err != nil {
		t.Fatalf("Outputs: %v", err)
	}
	api, err := r.Ref("HttpApi")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ApiUrl":             "https://" + api + ".execute-api.us-east-1.amazonaws.com",
		"WebhookUrlTemplate": "https://" + api + ".execute-api.us-east-1.amazonaws.com/webhooks/promob/{accountId}",
		"TableName":          "promob-local-Table",
	}
	for name, v := range want {
		if outs[name] != v {
			t.Errorf("output %s = %q, want %q", name, outs[name], v)
		}
	}
}
