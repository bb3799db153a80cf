package promobtoken_test

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/dynamo/dynamotest"
	"github.com/foccolojas/promob-integration/shared/promob"
	"github.com/foccolojas/promob-integration/shared/promobtoken"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// TestCall runs a call for each state of the acting user's link and checks
// the tokens it was made with, the link afterwards and the notifications.
func TestCall(t *testing.T) {
	box, err := tokenbox.New(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	acc := domain.Account{AccountID: "acc-1", StoreID: "s1", APIToken: "pmi-store"}
	unauthorized := &promob.Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "revoked"}
	tests := []struct {
		name       string
		user       string
		link       string // the user's link status; "" = none
		sealedFor  string // the user the token is sealed for; "" = the user
		refuse     string // the token Promob refuses
		callErr    error  // what the call returns otherwise
		wantTokens []string
		wantLink   string
		wantNotes  int
		wantErr    error
	}{
		{"no acting user", "", domain.LinkLinked, "", "", nil, []string{"pmi-store"}, domain.LinkLinked, 0, nil},
		{"a user never linked", "u1", "", "", "", nil, []string{"pmi-store"}, "", 0, nil},
		{"a linked user", "u1", domain.LinkLinked, "", "", nil, []string{"tok-ana"}, domain.LinkLinked, 0, nil},
		{"an expired link", "u1", domain.LinkExpired, "", "", nil, []string{"pmi-store"}, domain.LinkExpired, 0, nil},
		{"a token sealed for another user", "u1", domain.LinkLinked, "u2", "", nil, []string{"pmi-store"}, domain.LinkLinked, 0, nil},
		{"the user's token refused", "u1", domain.LinkLinked, "", "tok-ana", nil, []string{"tok-ana", "pmi-store"}, domain.LinkExpired, 1, nil},
		{"both tokens refused", "u1", domain.LinkLinked, "", "*", nil, []string{"tok-ana", "pmi-store"}, domain.LinkExpired, 1, unauthorized},
		{"another failure keeps the link", "u1", domain.LinkLinked, "", "", errBoom, []string{"tok-ana"}, domain.LinkLinked, 0, errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := dynamotest.Minidyn(t)
			linkedAt := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
			if tt.link != "" {
				sealed, err := box.Seal("tok-ana", domain.LinkContext("s1", cmp.Or(tt.sealedFor, "u1")))
				if err != nil {
					t.Fatal(err)
				}
				if err := store.PutPromobLink(ctx, domain.PromobLink{StoreID: "s1", UserID: "u1", PromobUser: "ana", Status: tt.link, SealedToken: sealed, LinkedAt: linkedAt}); err != nil {
					t.Fatal(err)
				}
			}
			var tokens []string
			err := promobtoken.New(store, box, time.Now).Call(ctx, acc, tt.user, func(token string) error {
				tokens = append(tokens, token)
				if tt.refuse == "*" || token == tt.refuse {
					return unauthorized
				}
				return tt.callErr
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(tokens, tt.wantTokens) {
				t.Fatalf("tokens = %v, want %v", tokens, tt.wantTokens)
			}
			l, err := store.PromobLink(ctx, "s1", "u1")
			if got := l.Status; (err != nil) != (tt.wantLink == "") || got != tt.wantLink {
				t.Fatalf("link = %q (%v), want %q", got, err, tt.wantLink)
			}
			notes, err := store.Notifications(ctx, "s1", "u1", true, 10)
			if err != nil || len(notes) != tt.wantNotes {
				t.Fatalf("notifications = %+v (%v), want %d", notes, err, tt.wantNotes)
			}
			if tt.wantNotes == 1 && (notes[0].Action == nil || notes[0].Action.Type != "link_promob") {
				t.Fatalf("notification = %+v, want one asking to link Promob", notes[0])
			}
		})
	}
}

var errBoom = errors.New("promob: 503")
