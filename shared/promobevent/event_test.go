package promobevent

import (
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestWebhookUserIDBound(t *testing.T) {
	ev := Event{Type: domain.EventSaved, Data: Data{ProjectID: "p", EnvironmentID: "e", Revision: 1}}
	for n, want := range map[int]string{0: "", 200: "", 201: domain.CodeInvalid} {
		ev.Data.UserID = strings.Repeat("u", n)
		if got := domain.ErrorCode(ev.Validate()); (want == "") != (ev.Validate() == nil) || (want != "" && got != want) {
			t.Errorf("userId of %d bytes: %v", n, ev.Validate())
		}
	}
}
