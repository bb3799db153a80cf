// Package httperror is how both HTTP entry points (the REST API and the
// webhook) answer an error: one table from application error codes to HTTP
// statuses, and the JSON error body.
package httperror

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// statusOf maps each application error code to its HTTP status.
var statusOf = map[string]int{
	domain.CodeInvalid:          http.StatusBadRequest,
	domain.CodeUnauthorized:     http.StatusUnauthorized,
	domain.CodeForbidden:        http.StatusForbidden,
	domain.CodeNotFound:         http.StatusNotFound,
	domain.CodeConflict:         http.StatusConflict,
	domain.CodeAccountInUse:     http.StatusConflict,
	domain.CodeTooLarge:         http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMedia: http.StatusUnsupportedMediaType,
	domain.CodeNotConfigured:    http.StatusNotFound,
	domain.CodeInternal:         http.StatusInternalServerError,
	domain.CodeMalformedJSON:    http.StatusBadRequest,
	domain.CodeUnknownEvent:     http.StatusBadRequest,
	domain.CodeBadSignature:     http.StatusUnauthorized,

	// The items tab: items that come from Promob are changed in Promob.
	domain.CodePromobItemReadonly: http.StatusConflict,

	// The sale's workflow: approval, financial release, review, lock.
	domain.CodeOutdated:               http.StatusConflict,
	domain.CodeAlreadyConverted:       http.StatusConflict,
	domain.CodeNotConverted:           http.StatusConflict,
	domain.CodeNotFinanciallyReleased: http.StatusConflict,
	domain.CodeReviewNotStarted:       http.StatusConflict,
	domain.CodeUpdateRequired:         http.StatusConflict,
	domain.CodeLocked:                 http.StatusConflict,

	// Actions in Promob: linking users, creating clients and environments.
	domain.CodePromobCredentialsInvalid: http.StatusUnprocessableEntity,
	domain.CodePromobUnavailable:        http.StatusBadGateway,
	domain.CodeAlreadySynced:            http.StatusConflict,

	// Security: claims Promob does not vouch for, credential guessing.
	domain.CodePromobAccountMismatch: http.StatusUnprocessableEntity,
	domain.CodeTooManyAttempts:       http.StatusTooManyRequests,
}

// Status returns the HTTP status for an application error code (500 when the
// code is unknown).
func Status(code string) int {
	s, _ := Lookup(code)
	return s
}

// Lookup returns the HTTP status of an application error code, and whether
// the table maps the code (500 and false when it does not).
func Lookup(code string) (int, bool) {
	if s, ok := statusOf[code]; ok {
		return s, true
	}
	return http.StatusInternalServerError, false
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// WriteError answers err as {"error":{"code","message"}} with its status.
// Internal errors are logged with the request's attributes and answered with a
// generic message.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	code := domain.ErrorCode(err)
	if code == domain.CodeInternal {
		slog.ErrorContext(r.Context(), "request failed", "err", err, "method", r.Method, "path", r.URL.Path)
	}
	if wait := domain.RetryAfter(err); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	}
	var body ErrorBody
	body.Error.Code = code
	body.Error.Message = domain.ErrorMessage(err)
	WriteJSON(w, Status(code), body)
}

// WriteJSON answers v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// SecureHeaders sets the headers every answer carries: no MIME sniffing
// of the JSON, and no caching of answers that hold a store's data.
func SecureHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
}
