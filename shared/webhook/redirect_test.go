package webhook

import (
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestNegotiateRedirectOfAnAssistance(t *testing.T) {
	a := domain.Environment{ID: "a1", ProjectID: "p1", Kind: domain.EnvKindAssistance, ConvertedVersion: 1}
	if got := negotiateRedirect(a); got != "/assistances/a1" {
		t.Errorf("redirect %s", got)
	}
}
