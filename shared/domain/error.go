// Package domain holds the integration's domain types, their rules and the
// interfaces of the services that keep them. It knows nothing of Lambda, HTTP,
// DynamoDB or SQS.
package domain

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each maps to one HTTP status in shared/httperror, whose test
// fails for a code without one.
const (
	CodeInvalid          = "invalid_request"     // the request is malformed or fails validation
	CodeUnauthorized     = "unauthorized"        // no or bad credentials / signature
	CodeForbidden        = "forbidden"           // authenticated, but the role does not allow it
	CodeNotFound         = "not_found"           // no such record (or it belongs to another store)
	CodeConflict         = "conflict"            // the state does not allow the change
	CodeAccountInUse     = "account_in_use"      // a Promob AccountID is held by another store
	CodeTooLarge         = "payload_too_large"   // the body is over the limit
	CodeUnsupportedMedia = "unsupported_media"   // wrong content type
	CodeInternal         = "internal"            // a fault of ours; details are logged, never shown
	CodeNotConfigured    = "integration_missing" // the store has not configured the integration
	CodeMalformedJSON    = "malformed_json"      // the body is not valid JSON of the expected shape
	CodeUnknownEvent     = "unknown_event_type"  // a webhook of a type we do not know
	CodeBadSignature     = "invalid_signature"   // a webhook whose signature or timestamp does not verify
	// CodePromobItemReadonly refuses a change of an item that comes from
	// Promob: it is changed in Promob.
	CodePromobItemReadonly = "promob_item_readonly"
	// Codes of the sale's workflow (approval, release, review, lock); each
	// refuses a change the environment's or project's state does not allow.
	CodeOutdated               = "environment_outdated"     // Promob holds a revision not imported, or the import is pending or failed
	CodeAlreadyConverted       = "already_converted"        // the environment was approved already
	CodeNotConverted           = "not_converted"            // the environment has not been approved
	CodeNotFinanciallyReleased = "not_financially_released" // the project's contract has no financial release
	CodeReviewNotStarted       = "review_not_started"       // the review was not started
	CodeUpdateRequired         = "update_required"          // no update was imported since the review started
	CodeLocked                 = "environment_locked"       // purchase orders exist: Promob changes are refused
	// CodePromobCredentialsInvalid refuses a Promob link whose user or
	// password Promob does not accept.
	CodePromobCredentialsInvalid = "promob_credentials_invalid"
	// CodePromobUnavailable says Promob did not answer a call made while
	// the user waits; trying again later may succeed.
	CodePromobUnavailable = "promob_unavailable"
	// CodeAlreadySynced refuses a retry of what Promob already holds.
	CodeAlreadySynced = "already_synced"
	// CodePromobAccountMismatch refuses an integration Promob does not vouch
	// for: the integration token is not the account's, or the CNPJ or a
	// serial number is not the one Promob holds for the account.
	CodePromobAccountMismatch = "promob_account_mismatch"
	// CodeTooManyAttempts refuses a credential check after too many wrong
	// ones; the error carries how long to wait.
	CodeTooManyAttempts = "too_many_attempts"
)

// Error is the application error: a machine-readable code and a sentence for
// people. Errors that are not *Error are internal.
type Error struct {
	Code    string
	Message string
	// RetryAfter, when set, is how long the caller should wait before
	// asking again (too_many_attempts).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorf returns an *Error with the code and a formatted message. Only the
// constructors below and in refusal.go call it: each code is built in one
// place (TestEachCodeHasOneConstructor).
func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// The constructors of the codes whose message says what was wrong with the
// request or the caller; the sale's refusals are in refusal.go.

// Invalid is an invalid_request *Error: the request fails validation.
func Invalid(format string, args ...any) *Error { return errorf(CodeInvalid, format, args...) }

// Unauthorized is an unauthorized *Error: no or bad credentials.
func Unauthorized(format string, args ...any) *Error {
	return errorf(CodeUnauthorized, format, args...)
}

// Forbidden is a forbidden *Error: the caller's role does not allow it.
func Forbidden(format string, args ...any) *Error { return errorf(CodeForbidden, format, args...) }

// NotFound is a not_found *Error: no such record, or another store's.
func NotFound(format string, args ...any) *Error { return errorf(CodeNotFound, format, args...) }

// Conflict is a conflict *Error: the record's state does not allow it.
func Conflict(format string, args ...any) *Error { return errorf(CodeConflict, format, args...) }

// AccountInUse is an account_in_use *Error.
func AccountInUse(format string, args ...any) *Error {
	return errorf(CodeAccountInUse, format, args...)
}

// TooLarge is a payload_too_large *Error.
func TooLarge(format string, args ...any) *Error { return errorf(CodeTooLarge, format, args...) }

// UnsupportedMedia is an unsupported_media *Error.
func UnsupportedMedia(format string, args ...any) *Error {
	return errorf(CodeUnsupportedMedia, format, args...)
}

// Internal is an internal *Error whose message is shown: a fault of ours
// the caller can name (a missing configuration), never a detail.
func Internal(format string, args ...any) *Error { return errorf(CodeInternal, format, args...) }

// NotConfigured is an integration_missing *Error.
func NotConfigured(format string, args ...any) *Error {
	return errorf(CodeNotConfigured, format, args...)
}

// MalformedJSON is a malformed_json *Error.
func MalformedJSON(format string, args ...any) *Error {
	return errorf(CodeMalformedJSON, format, args...)
}

// UnknownEvent is an unknown_event_type *Error.
func UnknownEvent(format string, args ...any) *Error {
	return errorf(CodeUnknownEvent, format, args...)
}

// BadSignature is an invalid_signature *Error.
func BadSignature(format string, args ...any) *Error {
	return errorf(CodeBadSignature, format, args...)
}

// PromobCredentialsInvalid is a promob_credentials_invalid *Error.
func PromobCredentialsInvalid(format string, args ...any) *Error {
	return errorf(CodePromobCredentialsInvalid, format, args...)
}

// PromobUnavailable is a promob_unavailable *Error.
func PromobUnavailable(format string, args ...any) *Error {
	return errorf(CodePromobUnavailable, format, args...)
}

// PromobAccountMismatch is a promob_account_mismatch *Error.
func PromobAccountMismatch(format string, args ...any) *Error {
	return errorf(CodePromobAccountMismatch, format, args...)
}

// TooManyAttempts is a too_many_attempts *Error asking the caller to wait.
func TooManyAttempts(wait time.Duration) *Error {
	e := errorf(CodeTooManyAttempts, "Too many wrong attempts; try again in %d minutes.", int(wait.Minutes())+1)
	e.RetryAfter = wait
	return e
}

// ErrorCode returns the code of the *Error in err's chain, CodeInternal for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the message of the *Error in err's chain, or a generic
// sentence for internal errors so that no detail leaks to callers.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// IsNotFound reports whether err is a not-found application error.
func IsNotFound(err error) bool { return ErrorCode(err) == CodeNotFound }

// IsNotConfiguredErr reports whether err says the store has no integration.
func IsNotConfiguredErr(err error) bool { return ErrorCode(err) == CodeNotConfigured }

// RetryAfter returns how long the *Error in err's chain asks the caller to
// wait, or 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
