package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/jobs"
	"github.com/foccolojas/promob-integration/shared/queue/message"
)

// fakeQueue records the messages sent; err makes Send fail.
type fakeQueue struct {
	sent []json.RawMessage
	err  error
}

func (q *fakeQueue) Send(_ context.Context, msg any, _, _ string) error {
	if q.err != nil {
		return q.err
	}
	b, err := json.Marshal(msg)
	q.sent = append(q.sent, b)
	return err
}

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// TestJobLifecycle follows an environment's creation: pending when sent
// (with its message kept), retrying with the attempt and the next try,
// done; then another that gives up on its last receive: failed with the
// reason, and the store's responsible user told.
func TestJobLifecycle(t *testing.T) {
	ctx := context.Background()
	store := dynamotest.Minidyn(t)
	if _, _, err := store.SaveIntegration(ctx, domain.Integration{StoreID: "s1", CNPJ: "11222333000181", PromobAccountID: "acc-1",
		SerialNumbers: []string{"SN"}, ResponsibleUserID: "boss"}, "whsec_Zm9v", now); err != nil {
		t.Fatal(err)
	}
	job := func(recordID, kind string) domain.Job {
		t.Helper()
		js, err := store.Jobs(ctx, "s1", recordID)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			if j.Kind == kind {
				return j
			}
		}
		t.Fatalf("no %s job on %s (jobs %+v)", kind, recordID, js)
		return domain.Job{}
	}
	outbox := &fakeQueue{}
	q := jobs.NewQueue(outbox, store, clock)
	msg := message.EnvironmentCreate{Kind: message.KindEnvironmentCreate, StoreID: "s1", ProjectID: "p1", EnvironmentID: "e1", UserID: "u1"}
	if err := q.Send(ctx, msg, "", ""); err != nil {
		t.Fatal(err)
	}
	if j := job("e1", message.KindEnvironmentCreate); j.State != domain.JobPending || j.Attempt != 0 {
		t.Fatalf("after Send: %+v, want pending", j)
	}
	_, stored, err := store.JobMessage(ctx, domain.JobRef{StoreID: "s1", RecordID: "e1", Kind: message.KindEnvironmentCreate})
	if err != nil || string(stored) != string(outbox.sent[0]) {
		t.Fatalf("stored message %s, %v; sent %s", stored, err, outbox.sent[0])
	}

	notices := &fakeQueue{}
	tr := jobs.NewTracker(store, notices, func(error) string { return "Promob answered 503." }, clock)
	rec := events.SQSMessage{MessageId: "m1", Body: string(outbox.sent[0])}
	next := now.Add(16 * time.Second)
	tr.Retrying(ctx, rec, 2, next, errors.New("503"))
	if j := job("e1", message.KindEnvironmentCreate); j.State != domain.JobRetrying || j.Attempt != 2 || j.NextTryAt == nil || !j.NextTryAt.Equal(next) || j.Reason != "Promob answered 503." {
		t.Fatalf("after Retrying: %+v", j)
	}
	tr.Done(ctx, rec, 3)
	if j := job("e1", message.KindEnvironmentCreate); j.State != domain.JobDone || j.Attempt != 3 || j.NextTryAt != nil || j.Reason != "" {
		t.Fatalf("after Done: %+v", j)
	}
	if len(notices.sent) != 0 {
		t.Fatalf("notices sent for a job that succeeded: %s", notices.sent)
	}

	client := events.SQSMessage{MessageId: "m2", Body: `{"kind":"customer.create","storeId":"s1","clientId":"c1","userId":"u1"}`}
	tr.Failed(ctx, client, 1, errors.New("409"), false)
	if j := job("c1", message.KindCustomerCreate); j.State != domain.JobFailed || j.Reason == "" {
		t.Fatalf("after Failed: %+v", j)
	}
	if len(notices.sent) != 0 {
		t.Fatal("a job refused at its first attempt told the responsible user")
	}
	tr.Failed(ctx, client, 5, errors.New("503"), true)
	if len(notices.sent) != 1 {
		t.Fatalf("%d notices for a dead-lettered job, want 1", len(notices.sent))
	}
	var n message.Notification
	if err := json.Unmarshal(notices.sent[0], &n); err != nil || n.UserID != "boss" || n.Notification.Kind != "job.failed" {
		t.Fatalf("notice %s, %v: want job.failed to the responsible user", notices.sent[0], err)
	}

	// A message that is no user's job (a Promob webhook) records nothing.
	tr.Done(ctx, events.SQSMessage{Body: `{"kind":"webhook","storeId":"s1","environmentId":"pe-1"}`}, 1)
	if js, _ := store.Jobs(ctx, "s1", "pe-1"); len(js) != 0 {
		t.Errorf("a webhook message recorded jobs %+v", js)
	}
}

// TestUnqueuedJobFails: when the queue refuses the message, the job is
// failed, saying to retry, and the error is returned.
func TestUnqueuedJobFails(t *testing.T) {
	ctx := context.Background()
	store := dynamotest.Minidyn(t)
	q := jobs.NewQueue(&fakeQueue{err: errors.New("sqs down")}, store, clock)
	err := q.Send(ctx, message.CustomerCreate{Kind: message.KindCustomerCreate, StoreID: "s1", ClientID: "c1"}, "", "")
	if err == nil {
		t.Fatal("Send succeeded")
	}
	js, err := store.Jobs(ctx, "s1", "c1")
	if err != nil || len(js) != 1 || js[0].State != domain.JobFailed || js[0].Reason == "" {
		t.Fatalf("jobs %+v, %v: want one failed", js, err)
	}
}
