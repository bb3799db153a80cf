package samtemplate

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// This file checks the template's production settings: alarms, deploys,
// throttling, sizing, retention, the custom domain, and samconfig's
// environments.

// rawTemplate returns template.yaml as a YAML mapping node.
func rawTemplate(t *testing.T) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(projectTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// at returns the node at the path of keys, failing the test when one is
// missing.
func at(t *testing.T, n *yaml.Node, path ...string) *yaml.Node {
	t.Helper()
	for i, k := range path {
		if n = child(n, k); n == nil {
			t.Fatalf("template has no %s", strings.Join(path[:i+1], "."))
		}
	}
	return n
}

// ref returns the name of !Ref name / !GetAtt name.Attr.
func ref(n *yaml.Node) string {
	if n.Tag == "!Ref" || n.Tag == "!GetAtt" {
		return strings.Split(n.Value, ".")[0]
	}
	return ""
}

func intOf(t *testing.T, n *yaml.Node) int {
	t.Helper()
	v, err := strconv.Atoi(scalar(n))
	if err != nil {
		t.Fatalf("line %d: %q is not an integer", n.Line, scalar(n))
	}
	return v
}

var functionIDs = []string{"WebhookFunction", "ApiFunction", "ImporterFunction", "PromobSyncFunction", "NotifierFunction"}

// TestProjectWorkersAreSized checks that a slow Promob cannot make a batch
// time out: each worker's queue keeps a message invisible 6 times the
// function's timeout, the timeout leaves room for several Promob calls
// (3 attempts of up to 20 s) besides the per-record deadline margin, and the
// Promob outbox's concurrency is capped.
func TestProjectWorkersAreSized(t *testing.T) {
	r := mustLoadProject(t)
	fns, err := r.Functions()
	if err != nil {
		t.Fatal(err)
	}
	queues, err := r.Queues()
	if err != nil {
		t.Fatal(err)
	}
	vt := map[string]int{}
	for _, q := range queues {
		vt[q.LogicalID], _ = strconv.Atoi(q.Attributes["VisibilityTimeout"])
	}
	raw := at(t, rawTemplate(t), "Resources")
	for _, fn := range fns {
		for _, src := range fn.SQSEvents {
			if got := vt[src.QueueLogicalID]; got < 6*fn.Timeout {
				t.Errorf("%s: visibility timeout %d s < 6 × the function's timeout %d s", src.QueueLogicalID, got, fn.Timeout)
			}
			maxConc := intOf(t, at(t, raw, fn.LogicalID, "Properties", "Events", src.Event, "Properties", "ScalingConfig", "MaximumConcurrency"))
			if maxConc < 2 || maxConc > 10 {
				t.Errorf("%s MaximumConcurrency %d, want 2 to 10", fn.LogicalID, maxConc)
			}
			reserved := intOf(t, at(t, raw, fn.LogicalID, "Properties", "ReservedConcurrentExecutions"))
			if reserved < maxConc {
				t.Errorf("%s reserves %d executions, fewer than its MaximumConcurrency %d", fn.LogicalID, reserved, maxConc)
			}
		}
	}
	for _, id := range []string{"ImporterFunction", "PromobSyncFunction"} {
		fn, err := r.Function(id)
		if err != nil {
			t.Fatal(err)
		}
		if fn.Timeout < 3*20+10 {
			t.Errorf("%s timeout %d s cannot hold one Promob call with its retries (3 × 20 s) and the record margin", id, fn.Timeout)
		}
	}
	// A webhook storm is capped below the workers' reserved executions.
	if intOf(t, at(t, raw, "WebhookFunction", "Properties", "ReservedConcurrentExecutions")) < 1 {
		t.Error("WebhookFunction has no reserved concurrency cap")
	}
}

// TestProjectThrottling checks the HTTP API's default and webhook-route
// throttling; the local gateway applies the same settings
// (infra/localstack TestGatewayThrottles).
func TestProjectThrottling(t *testing.T) {
	api, err := mustLoadProject(t).HTTPAPI("HttpApi")
	if err != nil {
		t.Fatal(err)
	}
	if api.DefaultThrottle.RateLimit <= 0 || api.DefaultThrottle.BurstLimit <= 0 {
		t.Fatalf("default throttling %+v, want rate and burst", api.DefaultThrottle)
	}
	hook, ok := api.RouteThrottles["POST /webhooks/promob/{accountId}"]
	if !ok {
		t.Fatal("the webhook route has no throttling of its own")
	}
	if hook.RateLimit >= api.DefaultThrottle.RateLimit || hook.BurstLimit >= api.DefaultThrottle.BurstLimit {
		t.Errorf("webhook throttling %+v is not tighter than the default %+v", hook, api.DefaultThrottle)
	}
}

// TestProjectEyes checks the alarms, logs and dashboard: each function's
// errors and throttles, API 5xx and p99 latency, the oldest message of each
// queue and each DLQ, all telling the alerts topic; JSON logs with an
// application log level; JSON access logs; a dashboard.
func TestProjectEyes(t *testing.T) {
	doc := rawTemplate(t)
	res := at(t, doc, "Resources")
	type want struct{ namespace, metric, dimensionOf, stat string }
	alarms := map[string]want{
		"Api5xxAlarm":     {"AWS/ApiGateway", "5xx", "HttpApi", "Sum"},
		"ApiLatencyAlarm": {"AWS/ApiGateway", "Latency", "HttpApi", "p99"},
	}
	for _, fn := range functionIDs {
		alarms[fn+"ErrorsAlarm"] = want{"AWS/Lambda", "Errors", fn, "Sum"}
		alarms[fn+"ThrottlesAlarm"] = want{"AWS/Lambda", "Throttles", fn, "Sum"}
	}
	for _, q := range []string{"ImportsQueue", "PromobOutboxQueue", "NotificationsQueue"} {
		alarms[q+"AgeAlarm"] = want{"AWS/SQS", "ApproximateAgeOfOldestMessage", q, "Maximum"}
	}
	for _, q := range []string{"ImportsDLQ", "PromobOutboxDLQ", "NotificationsDLQ"} {
		alarms[strings.TrimSuffix(q, "DLQ")+"DLQAlarm"] = want{"AWS/SQS", "ApproximateNumberOfMessagesVisible", q, "Maximum"}
	}
	for id, w := range alarms {
		t.Run(id, func(t *testing.T) {
			a := at(t, res, id)
			if scalar(at(t, a, "Type")) != "AWS::CloudWatch::Alarm" {
				t.Fatalf("%s is not an alarm", id)
			}
			p := at(t, a, "Properties")
			if scalar(at(t, p, "Namespace")) != w.namespace || scalar(at(t, p, "MetricName")) != w.metric {
				t.Errorf("metric %s/%s, want %s/%s", scalar(child(p, "Namespace")), scalar(child(p, "MetricName")), w.namespace, w.metric)
			}
			stat := scalar(child(p, "Statistic")) + scalar(child(p, "ExtendedStatistic"))
			if stat != w.stat {
				t.Errorf("statistic %q, want %q", stat, w.stat)
			}
			dims := at(t, p, "Dimensions")
			if len(dims.Content) != 1 || ref(at(t, dims.Content[0], "Value")) != w.dimensionOf {
				t.Errorf("dimension is not %s", w.dimensionOf)
			}
			for _, action := range []string{"AlarmActions", "OKActions"} {
				if acts := at(t, p, action); len(acts.Content) != 1 || ref(acts.Content[0]) != "AlertsTopic" {
					t.Errorf("%s does not tell AlertsTopic", action)
				}
			}
		})
	}
	for _, fn := range functionIDs {
		lc := at(t, res, fn, "Properties", "LoggingConfig")
		if scalar(at(t, lc, "LogFormat")) != "JSON" || ref(at(t, lc, "ApplicationLogLevel")) != "LogLevel" || ref(at(t, lc, "LogGroup")) != fn+"Logs" {
			t.Errorf("%s LoggingConfig: want LogFormat JSON, ApplicationLogLevel !Ref LogLevel and its own log group", fn)
		}
	}
	logs := at(t, res, "HttpApi", "Properties", "AccessLogSettings")
	if ref(at(t, logs, "DestinationArn")) != "ApiAccessLogs" {
		t.Error("API access logs do not go to ApiAccessLogs")
	}
	if !strings.HasPrefix(scalar(at(t, logs, "Format")), `{"requestId":"$context.requestId"`) {
		t.Error("API access logs are not JSON")
	}
	if scalar(at(t, res, "Dashboard", "Type")) != "AWS::CloudWatch::Dashboard" {
		t.Error("no dashboard")
	}
	body := scalar(at(t, res, "Dashboard", "Properties", "DashboardBody"))
	for _, metric := range []string{"5xx", "Latency", "Errors", "ApproximateAgeOfOldestMessage", "Webhooks", "PromobCalls", "JobsDeadLettered", "ApproximateNumberOfMessagesVisible"} {
		if !strings.Contains(body, metric) {
			t.Errorf("the dashboard has no graph of %s", metric)
		}
	}
	if at(t, res, "AlertsEmail", "Condition").Value != "HasAlertEmail" {
		t.Error("AlertsEmail is not conditional on AlertEmail")
	}
}

// TestProjectSafeDeploys checks the canary deploys that roll back on each
// function's error alarm, the required JWT parameters, the optional custom
// domain, deletion protection and retain policies where data lives.
func TestProjectSafeDeploys(t *testing.T) {
	doc := rawTemplate(t)
	res := at(t, doc, "Resources")
	if scalar(at(t, doc, "Globals", "Function", "AutoPublishAlias")) != "live" {
		t.Error("Globals.Function.AutoPublishAlias is not live")
	}
	for _, fn := range functionIDs {
		dp := at(t, res, fn, "Properties", "DeploymentPreference")
		if ref(at(t, dp, "Type")) != "DeploymentType" {
			t.Errorf("%s DeploymentPreference.Type is not !Ref DeploymentType", fn)
		}
		if alarms := at(t, dp, "Alarms"); len(alarms.Content) != 1 || ref(alarms.Content[0]) != fn+"ErrorsAlarm" {
			t.Errorf("%s does not roll back on %sErrorsAlarm", fn, fn)
		}
	}
	params := at(t, doc, "Parameters")
	if d := scalar(at(t, params, "DeploymentType", "Default")); !strings.HasPrefix(d, "Canary") {
		t.Errorf("DeploymentType defaults to %q, want a canary", d)
	}
	for _, p := range []string{"JwtIssuer", "JwtAudience"} {
		if child(at(t, params, p), "Default") != nil {
			t.Errorf("parameter %s has a default: a deploy could trust a placeholder", p)
		}
	}
	if pattern := scalar(at(t, params, "JwtIssuer", "AllowedPattern")); !regexp.MustCompile(pattern).MatchString("https://auth.foccolojas.com.br/") || regexp.MustCompile(pattern).MatchString("") {
		t.Errorf("JwtIssuer AllowedPattern %q", pattern)
	}
	for _, p := range []string{"DomainName", "CertificateArn"} {
		if scalar(at(t, params, p, "Default")) != "" {
			t.Errorf("%s is not optional", p)
		}
	}
	for id, typ := range map[string]string{"ApiDomain": "AWS::ApiGatewayV2::DomainName", "ApiDomainMapping": "AWS::ApiGatewayV2::ApiMapping"} {
		if scalar(at(t, res, id, "Type")) != typ || scalar(at(t, res, id, "Condition")) != "HasDomain" {
			t.Errorf("%s: want a %s on condition HasDomain", id, typ)
		}
	}
	if ref(at(t, res, "ApiDomain", "Properties", "DomainNameConfigurations").Content[0].Content[1]) != "CertificateArn" {
		t.Error("ApiDomain does not use CertificateArn")
	}
	if scalar(at(t, doc, "Outputs", "CustomWebhookUrlTemplate", "Condition")) != "HasDomain" {
		t.Error("no webhook URL on the custom domain")
	}
	if scalar(at(t, res, "Table", "Properties", "DeletionProtectionEnabled")) != "true" {
		t.Error("the table has no deletion protection")
	}
	for _, kv := range pairs(res) {
		typ := scalar(child(kv.value, "Type"))
		if typ != "AWS::DynamoDB::Table" && typ != "AWS::SQS::Queue" && typ != "AWS::Logs::LogGroup" {
			continue
		}
		if scalar(child(kv.value, "DeletionPolicy")) != "Retain" || scalar(child(kv.value, "UpdateReplacePolicy")) != "Retain" {
			t.Errorf("%s (%s) lacks DeletionPolicy and UpdateReplacePolicy Retain", kv.key, typ)
		}
	}
}

// TestSamconfigEnvironments checks that samconfig.toml deploys dev and prod,
// each with its region, stack and alert address, and carries no JWT issuer
// (a deploy must be given the real one).
func TestSamconfigEnvironments(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]map[string]string{}
	var cur string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			cur = strings.Trim(line, "[]")
			sections[cur] = map[string]string{}
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && cur != "" && !strings.HasPrefix(line, "#") {
			sections[cur][strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for _, env := range []string{"dev", "prod"} {
		d := sections[env+".deploy.parameters"]
		if d == nil {
			t.Errorf("samconfig.toml has no [%s.deploy.parameters]", env)
			continue
		}
		for _, k := range []string{"region", "stack_name", "parameter_overrides"} {
			if d[k] == "" {
				t.Errorf("[%s.deploy.parameters] has no %s", env, k)
			}
		}
		if !regexp.MustCompile(`AlertEmail=\\"[^"\\]+@[^"\\]+\\"`).MatchString(d["parameter_overrides"]) {
			t.Errorf("[%s.deploy.parameters] parameter_overrides has no AlertEmail", env)
		}
		if strings.Contains(d["parameter_overrides"], "JwtIssuer") {
			t.Errorf("[%s.deploy.parameters] carries a JwtIssuer: give the real one at deploy time", env)
		}
	}
	if !strings.Contains(sections["prod.deploy.parameters"]["parameter_overrides"], "Canary") ||
		!strings.Contains(sections["dev.deploy.parameters"]["parameter_overrides"], "AllAtOnce") {
		t.Error("prod should deploy by canary and dev all at once")
	}
}
