package promob

import (
	"errors"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestReason(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&Error{Status: 422, Code: "invalid", Message: "name is required"}, "Promob answered 422 invalid: name is required"},
		{domain.Conflict("Project p1 is linked to another Promob project."), "Project p1 is linked to another Promob project."},
		{errors.New("dial tcp: connection refused"), "Promob could not be reached: dial tcp: connection refused"},
	} {
		if got := Reason(tc.err); got != tc.want {
			t.Errorf("Reason(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
