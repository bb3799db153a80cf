package promob

import (
	"errors"
	"fmt"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// Reason is what a failure of a call to Promob shows users (on the record
// and on its job): Promob's answer, the message of a domain error, or
// "Promob could not be reached" with the network error.
func Reason(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return fmt.Sprintf("Promob answered %d %s: %s", pe.Status, pe.Code, pe.Message)
	}
	if domain.ErrorCode(err) != domain.CodeInternal {
		return domain.ErrorMessage(err)
	}
	return "Promob could not be reached: " + err.Error()
}
