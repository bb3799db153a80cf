package e2e_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/rie"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/httpapi/apicheck"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// eventSecret signs events/webhook-environment-saved.json (events/README.md).
const eventSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// TestInvokeWebhookFunction does what `make invoke FN=WebhookFunction
// EVENT=events/webhook-environment-saved.json` does without sam: the function
// built for this machine, run under the runtime interface emulator with the
// environment template.yaml gives it, against a table and queue created from
// template.yaml.
func TestInvokeWebhookFunction(t *testing.T) {
	root, err := modroot.Dir()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := rie.Binary(root)
	if err != nil {
		t.Fatal(err)
	}
	check, err := apicheck.New()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := localstack.Bootstrap(t.Context(), tpl, local.DynamoDB(), local.SQS(), localstack.BootstrapOptions{
		Context: samtemplate.Context{
			StackName: localstack.UniqueName("invoke"), Region: localenv.Region, AccountID: localenv.AccountID,
			Parameters: map[string]string{"JwtIssuer": localstack.DefaultIssuer, "JwtAudience": localstack.DefaultAudience},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	imports := res.Queues["ImportsQueue"].URL

	pkg, err := rie.FunctionPackage("WebhookFunction")
	if err != nil {
		t.Fatal(err)
	}
	bootstrap, err := rie.Build(t.Context(), root, pkg, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"TABLE_NAME": res.TableName, "IMPORTS_QUEUE_URL": imports, "LOG_LEVEL": "DEBUG", "PROMOB_TOKEN_KEY": localenv.PromobTokenKey,
		"AWS_REGION": localenv.Region, "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
	}
	maps.Copy(env, local.Vars())
	em, err := rie.Start(t.Context(), rie.Options{RIE: bin, Bootstrap: bootstrap, Env: env, Log: t.Output()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := em.Stop(); err != nil {
			t.Errorf("stop the emulator: %v", err)
		}
	})

	raw, err := os.ReadFile(filepath.Join(root, "events", "webhook-environment-saved.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sample events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &sample); err != nil {
		t.Fatal(err)
	}
	account, webhookID := sample.PathParameters["accountId"], sample.Headers["webhook-id"]
	box, err := tokenbox.New(localenv.PromobTokenKey)
	if err != nil {
		t.Fatal(err)
	}
	store := dynamo.New(local.DynamoDB(), res.TableName).WithSecrets(box)

	// invoke sends the event and returns the function's HTTP answer, checked
	// against the OpenAPI document.
	invoke := func(t *testing.T, event []byte) (events.APIGatewayV2HTTPResponse, map[string]any) {
		t.Helper()
		out, err := em.Invoke(t.Context(), event)
		if err != nil {
			t.Fatalf("Invoke: %v", err)
		}
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode == 0 {
			t.Fatalf("the answer is not an HTTP API response (%v):\n%s", err, out)
		}
		header := http.Header{}
		for k, v := range resp.Headers {
			header.Set(k, v)
		}
		if err := check.CheckResponse(http.MethodPost, sample.RawPath, resp.StatusCode, header, []byte(resp.Body)); err != nil {
			t.Error(err)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
			t.Fatalf("body %q is not JSON: %v", resp.Body, err)
		}
		return resp, body
	}
	nothingStored := func(t *testing.T) {
		t.Helper()
		if _, err := store.DeliveryBody(t.Context(), account, webhookID); !domain.IsNotFound(err) {
			t.Errorf("the refused delivery was stored (err=%v)", err)
		}
	}

	t.Run("unknown account", func(t *testing.T) {
		resp, body := invoke(t, raw)
		if resp.StatusCode != http.StatusNotFound || errorCodeOf(body) != domain.CodeNotFound {
			t.Fatalf("answer %d %s, want 404 %s", resp.StatusCode, resp.Body, domain.CodeNotFound)
		}
		nothingStored(t)
	})

	in := domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: account, SerialNumbers: []string{"SN-1"}, ResponsibleUserID: "u1"}
	if _, _, err := store.SaveIntegration(t.Context(), in, eventSecret, time.Now()); err != nil {
		t.Fatal(err)
	}

	t.Run("the sample's timestamp is stale", func(t *testing.T) {
		resp, body := invoke(t, raw)
		msg, _ := body["error"].(map[string]any)["message"].(string)
		if resp.StatusCode != http.StatusUnauthorized || errorCodeOf(body) != domain.CodeBadSignature || !strings.Contains(msg, "tolerance") {
			t.Fatalf("answer %d %s, want 401 %s about the timestamp", resp.StatusCode, resp.Body, domain.CodeBadSignature)
		}
		nothingStored(t)
	})

	t.Run("signed now it is stored and queued", func(t *testing.T) {
		wh, err := standardwebhooks.NewWebhook(eventSecret)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		ev := sample
		ev.Headers = maps.Clone(sample.Headers)
		ev.Headers["webhook-timestamp"] = strconv.FormatInt(now.Unix(), 10)
		if ev.Headers["webhook-signature"], err = wh.Sign(webhookID, now, []byte(sample.Body)); err != nil {
			t.Fatal(err)
		}
		event, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := invoke(t, event)
		if resp.StatusCode != http.StatusAccepted || body["deliveryId"] != webhookID {
			t.Fatalf("answer %d %s, want 202 for %s", resp.StatusCode, resp.Body, webhookID)
		}
		if stored, err := store.DeliveryBody(t.Context(), account, webhookID); err != nil || string(stored) != sample.Body {
			t.Errorf("stored body %q (err=%v), want the event's body", stored, err)
		}
		out, err := local.SQS().ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(imports), MaxNumberOfMessages: 10, WaitTimeSeconds: 2,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) != 1 {
			t.Fatalf("%d messages on the imports queue, want 1", len(out.Messages))
		}
		// events/importer-webhook-delivery.json is the job the webhook
		// enqueues for this delivery.
		var job events.SQSEvent
		if b, err := os.ReadFile(filepath.Join(root, "events", "importer-webhook-delivery.json")); err != nil || json.Unmarshal(b, &job) != nil || len(job.Records) != 1 {
			t.Fatalf("read the importer sample: %v", err)
		}
		var got, want message.Import
		if err := json.Unmarshal([]byte(aws.ToString(out.Messages[0].Body)), &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(job.Records[0].Body), &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("message = %+v, want the importer sample's %+v", got, want)
		}
		for _, attr := range []string{"MessageGroupId", "MessageDeduplicationId"} {
			if g, w := out.Messages[0].Attributes[attr], job.Records[0].Attributes[attr]; g != w {
				t.Errorf("%s = %q, want the importer sample's %q", attr, g, w)
			}
		}
	})
}
