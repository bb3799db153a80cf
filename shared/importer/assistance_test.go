package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo"
	"github.com/foccolojas/promob-integration/shared/listing"
	"github.com/foccolojas/promob-integration/shared/listing/listinggen"
	"github.com/foccolojas/promob-integration/shared/promobevent"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/shopspring/decimal"
)

const assistancePromobEnv = "133e1aba-0000-4000-8000-0000000000a1"

// assistance stores an assistance of e1 created by "seller-2", designed in
// Promob as assistancePromobEnv, with one manual item.
func (f *fixture) assistance() domain.Assistance {
	f.t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	a := domain.Assistance{ID: "a1", StoreID: "s1", ProjectID: "p1", EnvironmentID: "e1", Number: "42", Description: "Porta empenada",
		CreatedBy: "seller-2", CreatedAt: now, Env: domain.Environment{Name: domain.DesignName("Cozinha", "42"), PromobAccountID: "acc-1"}}
	steps := []func() error{
		func() error { return f.store.CreateAssistance(ctx, a) },
		func() error {
			return f.store.RequestDesign(ctx, "s1", a.ID, domain.AssistanceDesign{Source: domain.DesignBlank, PromobProjectID: "79a9ee88"}, now)
		},
		func() error {
			got, err := f.store.Assistance(ctx, "s1", a.ID)
			if err != nil {
				return err
			}
			return f.store.EnvironmentCreated(ctx, got.Env, "acc-1", "79a9ee88", assistancePromobEnv, 1, now)
		},
		func() error {
			return addManual(ctx, f.store, "s1", a.ID, domain.ManualItem{ID: domain.NewID(), Description: "Frete", Quantity: decimal.NewFromInt(1),
				UnitPrice: decimal.NewFromInt(150), CreatedBy: "seller-2", CreatedAt: now})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			f.t.Fatal(err)
		}
	}
	return a
}

// deliverTo is deliver for another Promob environment.
func (f *fixture) deliverTo(promobEnvID, typ string, revision int, xml []byte) []string {
	f.t.Helper()
	id := fmt.Sprintf("msg_%d", f.seq.Add(1))
	body, _ := json.Marshal(promobevent.Event{Type: typ, Data: promobevent.Data{ProjectID: "79a9ee88", EnvironmentID: promobEnvID, Revision: revision, Listing: string(xml)}})
	d := domain.Delivery{AccountID: "acc-1", WebhookID: id, StoreID: "s1", Type: typ, ProjectID: "79a9ee88", EnvironmentID: promobEnvID, Revision: revision, ReceivedAt: time.Now(), Status: 202, Body: []byte("{}")}
	if _, _, err := f.store.CreateDelivery(context.Background(), d, body); err != nil {
		f.t.Fatal(err)
	}
	return f.run(message.Import{Kind: message.KindWebhook, StoreID: "s1", AccountID: "acc-1", DeliveryID: id, Type: typ, ProjectID: "79a9ee88", EnvironmentID: promobEnvID, Revision: revision}, 1)
}

func TestWebhooksOfAnAssistanceImportIntoIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.assistance()
	xml := func(parts int, seed int64) []byte {
		return listinggen.Bytes(listinggen.Spec{EnvironmentGUID: assistancePromobEnv, Parts: parts, Seed: seed})
	}
	steps := []struct {
		name         string
		typ          string
		revision     int
		parts        int
		wantVersions int
		wantNotes    int
	}{
		{"prepared", domain.EventPrepared, 2, 5, 1, 1},
		{"the same delivery again", domain.EventPrepared, 2, 5, 1, 1},
		{"negotiated", domain.EventNegotiated, 3, 8, 2, 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if failed := f.deliverTo(assistancePromobEnv, st.typ, st.revision, xml(st.parts, int64(st.revision))); len(failed) != 0 {
				t.Fatalf("failed: %v", failed)
			}
			got, err := f.store.Assistance(ctx, "s1", a.ID)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := f.store.Versions(ctx, got.Env)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != st.wantVersions || vs[0].PromobRevision != st.revision {
				t.Fatalf("assistance versions = %s", numbers(vs))
			}
			_, items, err := listing.ParseAll(bytes.NewReader(xml(st.parts, int64(st.revision))))
			if err != nil {
				t.Fatal(err)
			}
			if vs[0].ItemCount != len(items) {
				t.Fatalf("version items = %d, want %d", vs[0].ItemCount, len(items))
			}
			total, err := decimal.NewFromString(vs[0].Total)
			if err != nil || total.LessThan(decimal.NewFromInt(150)) {
				t.Fatalf("version total = %s, want the listing priced plus the manual item", vs[0].Total)
			}
			if envVersions := f.versions(); len(envVersions) != 0 {
				t.Fatalf("the environment got versions: %s", numbers(envVersions))
			}
			if len(f.notes.sent) != st.wantNotes {
				t.Fatalf("notifications = %+v, want %d", f.notes.sent, st.wantNotes)
			}
			n := f.notes.sent[len(f.notes.sent)-1]
			if n.UserID != "seller-2" || n.Notification.Kind != "assistance.imported" || n.DedupeKey != fmt.Sprintf("assistance#%s#%d", a.ID, st.revision) {
				t.Fatalf("notification = %+v", n)
			}
		})
	}
}

// addManual adds a manual item to an environment that has no version yet,
// as the API does.
func addManual(ctx context.Context, s *dynamo.Store, storeID, envID string, it domain.ManualItem) error {
	env, err := s.Environment(ctx, storeID, envID)
	if err != nil {
		return err
	}
	return s.WriteManual(ctx, env, domain.ManualWrite{Put: &it, Create: true}, time.Now())
}
