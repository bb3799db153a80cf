package samtemplate

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file checks that template.yaml, the Makefile, functions/ and events/
// agree with each other and with the project's deployment rules.

var repoRoot = filepath.Join("..", "..")

// functionDir returns the directory under functions/ (and the events/ file
// prefix) of a function: its logical id without "Function", lower-cased.
func functionDir(logicalID string) string {
	return strings.ToLower(strings.TrimSuffix(logicalID, "Function"))
}

func TestFunctionDirs(t *testing.T) {
	want := map[string]string{
		"WebhookFunction": "webhook", "ApiFunction": "api", "ImporterFunction": "importer",
		"PromobSyncFunction": "promobsync", "NotifierFunction": "notifier",
	}
	for id, dir := range want {
		if got := functionDir(id); got != dir {
			t.Errorf("functionDir(%s) = %q, want %q", id, got, dir)
		}
	}
}

func TestProjectFunctionsBuildAndRun(t *testing.T) {
	r := mustLoadProject(t)
	fns, err := r.Functions()
	if err != nil {
		t.Fatalf("Functions: %v", err)
	}
	makefile, makeErr := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	for _, fn := range fns {
		dir := functionDir(fn.LogicalID)
		t.Run(fn.LogicalID, func(t *testing.T) {
			if !strings.HasSuffix(fn.LogicalID, "Function") {
				t.Errorf("logical id %s does not end in Function", fn.LogicalID)
			}
			if fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" || !slices.Equal(fn.Architectures, []string{"arm64"}) {
				t.Errorf("runtime %q handler %q architectures %v, want provided.al2023, bootstrap, [arm64]", fn.Runtime, fn.Handler, fn.Architectures)
			}
			if fn.BuildMethod != "makefile" {
				t.Errorf("Metadata.BuildMethod = %q, want makefile", fn.BuildMethod)
			}
			if _, err := os.Stat(filepath.Join(repoRoot, "functions", dir, "main.go")); err != nil {
				t.Errorf("functions/%s/main.go: %v", dir, err)
			}
			t.Run("Makefile target", func(t *testing.T) {
				if makeErr != nil {
					t.Fatalf("SAM builds %s with `make build-%s` but the Makefile cannot be read: %v", fn.LogicalID, fn.LogicalID, makeErr)
				}
				checkBuildTarget(t, makefile, fn.LogicalID, dir)
			})
			t.Run("sample events", func(t *testing.T) {
				checkSampleEvents(t, fn, dir)
			})
			t.Run("SQS events report batch item failures", func(t *testing.T) {
				for _, src := range fn.SQSEvents {
					if !src.ReportBatchItemFailures {
						t.Errorf("event %s lacks FunctionResponseTypes: [ReportBatchItemFailures]", src.Event)
					}
				}
			})
		})
	}
}

// checkBuildTarget asserts that `make build-<id>` exists and builds
// ./functions/<dir> for Lambda on arm64 into $(ARTIFACTS_DIR)/bootstrap.
func checkBuildTarget(t *testing.T, makefile []byte, logicalID, dir string) {
	t.Helper()
	target := "build-" + logicalID
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `\s*:`).Match(makefile) {
		t.Fatalf("the Makefile has no %s: target (SAM runs it for BuildMethod: makefile)", target)
	}
	artifacts := t.TempDir()
	cmd := exec.Command("make", "--dry-run", "--no-print-directory", "-C", repoRoot, target, "ARTIFACTS_DIR="+artifacts)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make --dry-run %s: %v\n%s", target, err, out)
	}
	recipe := string(out)
	checks := []struct{ what, pattern string }{
		{"GOOS=linux", `GOOS=linux\b`},
		{"GOARCH=arm64", `GOARCH=arm64\b`},
		{"CGO_ENABLED=0", `CGO_ENABLED=0\b`},
		{"-tags lambda.norpc", `-tags[= ]['"]?([\w.]+,)*lambda\.norpc\b`},
		{"a go build of ./functions/" + dir, `go build\b.*\s(\./)?functions/` + regexp.QuoteMeta(dir) + `/?(\s|$)`},
		{"$(ARTIFACTS_DIR)/bootstrap", regexp.QuoteMeta(artifacts) + `/bootstrap\b`},
	}
	for _, c := range checks {
		if !regexp.MustCompile(`(?m)` + c.pattern).MatchString(recipe) {
			t.Errorf("the recipe of %s lacks %s; it runs:\n%s", target, c.what, recipe)
		}
	}
}

// checkSampleEvents asserts that events/<dir>-*.json exist and hold the
// payload the function's trigger sends.
func checkSampleEvents(t *testing.T, fn Function, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "events", dir+"-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no events/%s-*.json sample event", dir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		switch {
		case len(fn.HTTPRoutes) > 0:
			var ev events.APIGatewayV2HTTPRequest
			if err := decodeStrict(data, &ev); err != nil {
				t.Errorf("%s is not an API Gateway HTTP API (v2) request: %v", name, err)
			} else if ev.Version != "2.0" || ev.RouteKey == "" || ev.RawPath == "" {
				t.Errorf("%s: version %q routeKey %q rawPath %q, want version 2.0 and a route", name, ev.Version, ev.RouteKey, ev.RawPath)
			} else if !routeKeyOf(fn, ev.RouteKey) {
				t.Errorf("%s: routeKey %q is none of the function's routes", name, ev.RouteKey)
			}
		case len(fn.SQSEvents) > 0:
			var ev events.SQSEvent
			if err := decodeStrict(data, &ev); err != nil {
				t.Errorf("%s is not an SQS event: %v", name, err)
				continue
			}
			if len(ev.Records) == 0 {
				t.Errorf("%s has no Records", name)
			}
			for i, rec := range ev.Records {
				if rec.EventSource != "aws:sqs" || rec.MessageId == "" {
					t.Errorf("%s record %d: eventSource %q messageId %q, want aws:sqs and an id", name, i, rec.EventSource, rec.MessageId)
				}
			}
		default:
			t.Errorf("%s: the function has neither HTTP nor SQS events", name)
		}
	}
}

func routeKeyOf(fn Function, key string) bool {
	for _, r := range fn.HTTPRoutes {
		if r.Key() == key {
			return true
		}
	}
	return false
}

// decodeStrict decodes one JSON value, refusing fields the type lacks.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// statement is one IAM statement of a function's inline policy.
type statement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource []string
}

// UnmarshalJSON accepts Action and Resource as a string or a list.
func (s *statement) UnmarshalJSON(b []byte) error {
	var raw struct {
		Sid, Effect      string
		Action, Resource json.RawMessage
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	s.Sid, s.Effect = raw.Sid, raw.Effect
	for _, f := range []struct {
		raw json.RawMessage
		out *[]string
	}{{raw.Action, &s.Action}, {raw.Resource, &s.Resource}} {
		var one string
		if json.Unmarshal(f.raw, &one) == nil {
			*f.out = []string{one}
		} else if err := json.Unmarshal(f.raw, f.out); err != nil {
			return err
		}
	}
	return nil
}

// statements returns a function's IAM statements; it fails the test on a
// policy that is not an inline statement list (SAM's broad policy templates
// are refused).
func statements(t *testing.T, fn Function) []statement {
	t.Helper()
	var out []statement
	for _, p := range fn.Policies {
		m, ok := p.(map[string]any)
		if !ok || len(m) != 1 || m["Statement"] == nil {
			t.Errorf("policy %v is not an inline Statement list", p)
			continue
		}
		var sts []statement
		if err := decodeInto(m["Statement"], &sts); err != nil {
			t.Fatalf("statements: %v", err)
		}
		out = append(out, sts...)
	}
	return out
}

// TestProjectPolicies checks each function's explicit IAM statements: only
// Allow, no wildcard action, SendMessage on exactly the queues of its
// *_QUEUE_URL variables, ChangeMessageVisibility on exactly the queues that
// feed it (its backoff), the Promob token key's secret exactly when
// PROMOB_TOKEN_KEY_SECRET names it, and DynamoDB actions on the table and
// its indexes only. Which DynamoDB actions each one needs is derived from
// the code by TestPoliciesMatchTheCode.
func TestProjectPolicies(t *testing.T) {
	r := mustLoadProject(t)
	fns, err := r.Functions()
	if err != nil {
		t.Fatal(err)
	}
	tableArn, err := r.GetAtt("Table", "Arn")
	if err != nil {
		t.Fatal(err)
	}
	queues, err := r.Queues()
	if err != nil {
		t.Fatal(err)
	}
	arnOfURL := map[string]string{}
	for _, q := range queues {
		u, err := r.Ref(q.LogicalID)
		if err != nil {
			t.Fatal(err)
		}
		if arnOfURL[u], err = r.GetAtt(q.LogicalID, "Arn"); err != nil {
			t.Fatal(err)
		}
	}
	for _, fn := range fns {
		t.Run(fn.LogicalID, func(t *testing.T) {
			var wantSend, wantVisibility []string
			for k, v := range fn.Env {
				if strings.HasSuffix(k, "_QUEUE_URL") {
					arn, ok := arnOfURL[v]
					if !ok {
						t.Errorf("%s = %q is not the URL of a queue of the template", k, v)
					}
					wantSend = append(wantSend, arn)
				}
			}
			for _, src := range fn.SQSEvents {
				arn, err := r.GetAtt(src.QueueLogicalID, "Arn")
				if err != nil {
					t.Fatal(err)
				}
				wantVisibility = append(wantVisibility, arn)
			}
			var gotSend, gotVisibility []string
			secretAccess, tableAccess := false, false
			for _, st := range statements(t, fn) {
				if st.Effect != "Allow" {
					t.Errorf("statement %s: effect %q, want Allow", st.Sid, st.Effect)
				}
				for _, a := range st.Action {
					if strings.Contains(a, "*") {
						t.Errorf("statement %s grants the wildcard %s", st.Sid, a)
					}
					switch {
					case a == "sqs:SendMessage":
						gotSend = append(gotSend, st.Resource...)
					case a == "sqs:ChangeMessageVisibility":
						gotVisibility = append(gotVisibility, st.Resource...)
					case a == "secretsmanager:GetSecretValue":
						secret := fn.Env["PROMOB_TOKEN_KEY_SECRET"]
						if secret == "" || len(st.Resource) != 1 || !strings.HasSuffix(st.Resource[0], ":secret:"+secret+"-??????") {
							t.Errorf("%s on %v, want only the secret of PROMOB_TOKEN_KEY_SECRET (%q)", a, st.Resource, secret)
						}
						secretAccess = true
					case strings.HasPrefix(a, "dynamodb:"):
						for _, res := range st.Resource {
							if res != tableArn && res != tableArn+"/index/*" {
								t.Errorf("%s on %s, want the table %s and its indexes", a, res, tableArn)
							}
						}
						tableAccess = true
					default:
						t.Errorf("statement %s grants %s, which no code of the function calls", st.Sid, a)
					}
				}
			}
			if secretAccess != (fn.Env["PROMOB_TOKEN_KEY_SECRET"] != "") {
				t.Errorf("secret access %v, though PROMOB_TOKEN_KEY_SECRET is %q", secretAccess, fn.Env["PROMOB_TOKEN_KEY_SECRET"])
			}
			if !tableAccess {
				t.Errorf("no DynamoDB statement on the table, though TABLE_NAME is %q", fn.Env["TABLE_NAME"])
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"sqs:SendMessage", gotSend, wantSend}, {"sqs:ChangeMessageVisibility", gotVisibility, wantVisibility}} {
				slices.Sort(c.got)
				slices.Sort(c.want)
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s on %v, want exactly %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestProjectQueuesHaveDeadLetterQueues(t *testing.T) {
	queues, err := mustLoadProject(t).Queues()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Queue{}
	dlqs := map[string]bool{}
	for _, q := range queues {
		byID[q.LogicalID] = q
		if q.DeadLetterQueue != "" {
			dlqs[q.DeadLetterQueue] = true
		}
	}
	for _, q := range queues {
		t.Run(q.LogicalID, func(t *testing.T) {
			if dlqs[q.LogicalID] {
				if q.DeadLetterQueue != "" {
					t.Errorf("dead-letter queue %s has a RedrivePolicy itself", q.LogicalID)
				}
				return
			}
			if q.DeadLetterQueue == "" || q.MaxReceiveCount != 5 {
				t.Fatalf("RedrivePolicy to %q with maxReceiveCount %d, want a dead-letter queue and 5", q.DeadLetterQueue, q.MaxReceiveCount)
			}
			if dlq := byID[q.DeadLetterQueue]; dlq.FIFO != q.FIFO {
				t.Errorf("FIFO %v but its dead-letter queue %s has FIFO %v", q.FIFO, dlq.LogicalID, dlq.FIFO)
			}
		})
	}
}

func TestProjectTableSettings(t *testing.T) {
	tbl, err := mustLoadProject(t).Table()
	if err != nil {
		t.Fatal(err)
	}
	if !tbl.PointInTimeRecovery {
		t.Error("point-in-time recovery is off")
	}
	if tbl.Input.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("billing mode %s, want PAY_PER_REQUEST", tbl.Input.BillingMode)
	}
	if tbl.TTLAttribute == "" {
		t.Error("TTL is not enabled")
	}
}

func TestProjectOutputsNameEveryEndpoint(t *testing.T) {
	r := mustLoadProject(t)
	outs, err := r.Outputs()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	for _, v := range outs {
		values[v] = true
	}
	api, err := r.Ref("HttpApi")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://" + api + ".execute-api.us-east-1.amazonaws.com"}
	tbl, err := r.Table()
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, tbl.Name)
	queues, err := r.Queues()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queues {
		u, err := r.Ref(q.LogicalID)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, u)
	}
	for _, v := range want {
		if !values[v] {
			t.Errorf("no output has the value %s", v)
		}
	}
}

// TestProjectOperations checks what keeps the stack operable: every
// function logs to a group of its own whose logs expire, and every
// dead-letter queue has an alarm that tells the alerts topic as soon as one
// message is in it.
func TestProjectOperations(t *testing.T) {
	r := mustLoadProject(t)
	tpl := r.tpl
	props := func(t *testing.T, res Resource) map[string]any {
		t.Helper()
		v, err := r.Value(res.Properties)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := v.(map[string]any)
		return m
	}
	groups := map[string]bool{}
	for _, fn := range tpl.ResourcesOfType("AWS::Serverless::Function") {
		t.Run(fn.LogicalID+" logs", func(t *testing.T) {
			name, arg, ok := intrinsic(child(child(fn.Properties, "LoggingConfig"), "LogGroup"))
			if !ok || name != "Ref" {
				t.Fatalf("LoggingConfig.LogGroup is not a !Ref of a log group")
			}
			res, ok := tpl.Resources[arg.Value]
			if !ok || res.Type != "AWS::Logs::LogGroup" {
				t.Fatalf("LoggingConfig.LogGroup refers to %s, not a log group of the template", arg.Value)
			}
			if groups[arg.Value] {
				t.Errorf("log group %s is shared", arg.Value)
			}
			groups[arg.Value] = true
			if days, ok := props(t, res)["RetentionInDays"]; !ok || days == "" {
				t.Errorf("log group %s keeps its logs forever", arg.Value)
			}
		})
	}
	queues, err := r.Queues()
	if err != nil {
		t.Fatal(err)
	}
	topic, err := r.Ref("AlertsTopic")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queues {
		if q.DeadLetterQueue == "" {
			continue
		}
		dlq := q.DeadLetterQueue
		t.Run(dlq+" alarm", func(t *testing.T) {
			var dlqName string
			for _, d := range queues {
				if d.LogicalID == dlq {
					dlqName = d.Name
				}
			}
			found := 0
			for _, a := range tpl.ResourcesOfType("AWS::CloudWatch::Alarm") {
				p := props(t, a)
				dims, _ := p["Dimensions"].([]any)
				watches := false
				for _, d := range dims {
					if m, _ := d.(map[string]any); m["Name"] == "QueueName" && m["Value"] == dlqName {
						watches = true
					}
				}
				if !watches {
					continue
				}
				found++
				actions, _ := p["AlarmActions"].([]any)
				if p["Namespace"] != "AWS/SQS" || p["MetricName"] != "ApproximateNumberOfMessagesVisible" ||
					p["Threshold"] != 1 || p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" ||
					!slices.Contains(actions, any(topic)) {
					t.Errorf("alarm %s: %v; want visible messages ≥ 1 telling %s", a.LogicalID, p, topic)
				}
			}
			if found != 1 {
				t.Errorf("%d alarms watch %s (%s), want 1", found, dlq, dlqName)
			}
		})
	}
}

// TestProjectCorsOfTheDeployedConfiguration: the deploy configuration
// (samconfig.toml) names the front end's exact origins, never a wildcard,
// and the template allows every header the API and its callers send.
func TestProjectCorsOfTheDeployedConfiguration(t *testing.T) {
	conf, err := os.ReadFile(filepath.Join("..", "..", "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`AllowedOrigins=\\"([^"\\]*)\\"`).FindSubmatch(conf)
	if m == nil {
		t.Fatal("samconfig.toml sets no AllowedOrigins")
	}
	ctx := localContext()
	ctx.Parameters["AllowedOrigins"] = string(m[1])
	tpl, err := Load(projectTemplate)
	if err != nil {
		t.Fatal(err)
	}
	api, err := mustResolver(t, tpl, ctx).HTTPAPI("HttpApi")
	if err != nil {
		t.Fatal(err)
	}
	if api.Cors == nil || len(api.Cors.AllowOrigins) == 0 {
		t.Fatalf("Cors = %+v, want the configured origins", api.Cors)
	}
	for _, o := range api.Cors.AllowOrigins {
		if strings.Contains(o, "*") || !strings.HasPrefix(o, "https://") {
			t.Errorf("deployed origin %q: want an exact https origin", o)
		}
	}
	for _, h := range []string{"Authorization", "Content-Type", "Idempotency-Key"} {
		if !slices.Contains(api.Cors.AllowHeaders, h) {
			t.Errorf("AllowHeaders %v lacks %s", api.Cors.AllowHeaders, h)
		}
	}
	noOrigins := localContext()
	delete(noOrigins.Parameters, "AllowedOrigins")
	if _, err := mustResolver(t, tpl, noOrigins).HTTPAPI("HttpApi"); err == nil || !strings.Contains(err.Error(), "AllowedOrigins") {
		t.Errorf("HTTPAPI without AllowedOrigins: error = %v, want one naming the parameter", err)
	}
}
