package sale_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
)

// TestRetryJob: a failed job's stored message is sent again as it is, its
// record put back where the job starts; a job that has not failed, and a
// record whose rule no longer allows the job (also when it changes between
// the read and the write), are refused and change nothing.
func TestRetryJob(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	jobs := sale.Jobs{Store: f.racing, Outbox: f.outbox, Imports: f.imports, Now: func() time.Time { return now }}
	failJob := func(kind, recordID string, msg any) {
		t.Helper()
		body, err := json.Marshal(msg)
		must(t, err)
		must(t, f.store.SetJob(ctx, domain.JobRef{StoreID: "s1", RecordID: recordID, Kind: kind},
			domain.Job{Kind: kind, State: domain.JobFailed, Attempt: 5, Reason: "Promob was down.", UpdatedAt: now}, body))
	}
	clientMsg := message.CustomerCreate{Kind: message.KindCustomerCreate, StoreID: "s1", ClientID: f.client, UserID: "u1"}

	t.Run("not failed", func(t *testing.T) {
		must(t, f.store.SetJob(ctx, domain.JobRef{StoreID: "s1", RecordID: f.env, Kind: message.KindEnvironmentCreate},
			domain.Job{Kind: message.KindEnvironmentCreate, State: domain.JobRetrying, Attempt: 2, UpdatedAt: now}, []byte(`{}`)))
		before := f.dump()
		_, err := jobs.Retry(ctx, seller, f.env, message.KindEnvironmentCreate)
		f.refused(t, err, domain.CodeConflict, before)
	})
	t.Run("another store's job", func(t *testing.T) {
		failJob(message.KindCustomerCreate, f.client, clientMsg)
		before := f.dump()
		_, err := jobs.Retry(ctx, domain.Identity{StoreID: "s2", UserID: "u9"}, f.client, message.KindCustomerCreate)
		f.refused(t, err, domain.CodeNotFound, before)
	})
	t.Run("client synced between the read and the write", func(t *testing.T) {
		failJob(message.KindCustomerCreate, f.client, clientMsg)
		f.racing.before = func() {
			must(t, f.store.SetClientSync(ctx, "s1", f.client, domain.PromobSync{Status: domain.SyncSynced, PromobCustomerID: "pc-1"}))
		}
		defer func() { f.racing.before = nil }()
		n := len(f.outbox.sent)
		_, err := jobs.Retry(ctx, seller, f.client, message.KindCustomerCreate)
		if domain.ErrorCode(err) != domain.CodeAlreadySynced || len(f.outbox.sent) != n {
			t.Fatalf("err = %v, sent %d; want already_synced and nothing sent", err, len(f.outbox.sent)-n)
		}
	})
	t.Run("environment creation sent again", func(t *testing.T) {
		msg := message.EnvironmentCreate{Kind: message.KindEnvironmentCreate, StoreID: "s1", ProjectID: f.project, EnvironmentID: f.env, UserID: "u1"}
		failJob(message.KindEnvironmentCreate, f.env, msg)
		n := len(f.outbox.sent)
		job, err := jobs.Retry(ctx, seller, f.env, message.KindEnvironmentCreate)
		must(t, err)
		if job.Kind != message.KindEnvironmentCreate || len(f.outbox.sent) != n+1 || f.outbox.sent[n].msg["environmentId"] != f.env {
			t.Fatalf("job %+v, sent %+v", job, f.outbox.sent[n:])
		}
		env, err := f.store.Environment(ctx, "s1", f.env)
		must(t, err)
		if env.Status != domain.EnvCreating {
			t.Fatalf("environment %s after the retry, want %s", env.Status, domain.EnvCreating)
		}
	})
	t.Run("update of a locked environment", func(t *testing.T) {
		f.ready(t, f.env)
		setLocked(t, local.DynamoDB(), f.table, f.env)
		msg := message.Import{Kind: message.KindUpdate, StoreID: "s1", AccountID: "acc-1", ProjectID: "pp-1", EnvironmentID: f.env, UserID: "u1"}
		failJob(message.KindUpdate, f.env, msg)
		before := f.dump()
		n := len(f.imports.sent)
		_, err := jobs.Retry(ctx, seller, f.env, message.KindUpdate)
		f.refused(t, err, domain.CodeLocked, before)
		if len(f.imports.sent) != n {
			t.Fatal("a refused retry was queued")
		}
	})
}
