package httpapi_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/foccolojas/promob-integration/shared/jobs"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// rawQueue records the JSON of each message sent.
type rawQueue struct {
	mu   sync.Mutex
	sent []string
}

func (q *rawQueue) Send(_ context.Context, msg any, _, _ string) error {
	b, err := json.Marshal(msg)
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sent = append(q.sent, string(b))
	return err
}

// TestJobsOnRecordsAndRetry: the client's creation in Promob shows as a
// pending job on the client; a job that has not failed cannot be retried
// (409); a failed one is sent again with its own message, the client's
// promobSync back to pending; another store's caller gets 404.
func TestJobsOnRecordsAndRetry(t *testing.T) {
	check, err := checker()
	if err != nil {
		t.Fatal(err)
	}
	store := dynamotest.Minidyn(t)
	raw := &rawQueue{}
	q := jobs.NewQueue(raw, store, time.Now)
	a := &api{t: t, store: store, imports: &recordingQueue{}, proxy: httpadapter.NewV2(httpapi.NewServer(store, q, q, time.Now)), check: check}

	status, body := a.do(seller, "POST", "/v1/clients", "application/json", `{"name":"Ana Silva","document":"529.982.247-25"}`)
	if status != 201 {
		t.Fatalf("create client: %d %v", status, body)
	}
	id := body["id"].(string)
	jobsOf := func() []any {
		t.Helper()
		status, body := a.do(seller, "GET", "/v1/clients/"+id, "", "")
		if status != 200 {
			t.Fatalf("get client: %d %v", status, body)
		}
		return body["jobs"].([]any)
	}
	js := jobsOf()
	if len(js) != 1 || js[0].(map[string]any)["state"] != "pending" || js[0].(map[string]any)["kind"] != "customer.create" {
		t.Fatalf("jobs %v, want one pending customer.create", js)
	}
	retry := "/v1/jobs/" + id + "/customer.create/retry"
	if status, body := a.do(seller, "POST", retry, "", ""); status != 409 || errCode(body) != domain.CodeConflict {
		t.Fatalf("retry of a pending job: %d %v, want 409 conflict", status, body)
	}
	ref := domain.JobRef{StoreID: "s1", RecordID: id, Kind: message.KindCustomerCreate}
	must(t, store.SetClientSync(context.Background(), "s1", id, domain.PromobSync{Status: domain.SyncFailed, Reason: "Promob answered 503."}))
	must(t, store.SetJob(context.Background(), ref, domain.Job{Kind: ref.Kind, State: domain.JobFailed, Attempt: 5, Reason: "Promob answered 503.", UpdatedAt: time.Now()}, nil))
	if status, body := a.do(seller2, "POST", retry, "", ""); status != 404 {
		t.Fatalf("another store's retry: %d %v, want 404", status, body)
	}
	status, body = a.do(seller, "POST", retry, "", "")
	if status != 202 || body["state"] != "pending" || body["attempt"] != 0.0 {
		t.Fatalf("retry: %d %v, want 202 pending", status, body)
	}
	if len(raw.sent) != 2 || raw.sent[1] != raw.sent[0] {
		t.Fatalf("sent %v, want the first message twice", raw.sent)
	}
	status, body = a.do(seller, "GET", "/v1/clients/"+id, "", "")
	if sync := body["promobSync"].(map[string]any); status != 200 || sync["status"] != "pending" {
		t.Fatalf("client after retry: %d %v", status, body)
	}
}
