package queue_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/shared/queue"
)

func TestDispatch(t *testing.T) {
	errImport := errors.New("import failed")
	tests := []struct {
		name, body string
		// got is the body the "webhook" kind must receive; "" when it must not run.
		got     string
		wantErr string
	}{
		{"routed by kind", `{"kind":"webhook","storeId":"s1"}`, `{"kind":"webhook","storeId":"s1"}`, ""},
		{"the kind's error", `{"kind":"webhook","fail":true}`, `{"kind":"webhook","fail":true}`, errImport.Error()},
		{"unknown kind", `{"kind":"nope"}`, "", `unknown kind "nope"`},
		{"no kind", `{"storeId":"s1"}`, "", `unknown kind ""`},
		{"not JSON", `kind=webhook`, "", "is not JSON"},
		{"JSON but not an object", `["webhook"]`, "", "is not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			fn := queue.Dispatch(map[string]queue.KindFunc{
				"webhook": func(_ context.Context, body []byte) error {
					got = string(body)
					if strings.Contains(got, `"fail":true`) {
						return errImport
					}
					return nil
				},
			})
			err := fn(context.Background(), events.SQSMessage{MessageId: "m1", Body: tt.body})
			if got != tt.got {
				t.Errorf("the kind received %q, want %q", got, tt.got)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Dispatch = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Dispatch = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDecoded(t *testing.T) {
	type msg struct {
		StoreID string `json:"storeId"`
	}
	var got []msg
	fn := queue.Decoded(func(_ context.Context, m msg) error {
		got = append(got, m)
		return nil
	})
	if err := fn(context.Background(), []byte(`{"kind":"webhook","storeId":"s1"}`)); err != nil || len(got) != 1 || got[0].StoreID != "s1" {
		t.Fatalf("Decoded = %v, received %+v, want the decoded message", err, got)
	}
	if err := fn(context.Background(), []byte(`{"storeId":1}`)); err == nil || !strings.Contains(err.Error(), "decode") || len(got) != 1 {
		t.Fatalf("Decoded of a body of another shape = %v, received %+v, want a decode error and no call", err, got)
	}
}
