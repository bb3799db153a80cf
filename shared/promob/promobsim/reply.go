package promobsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Error codes of the simulator's JSON errors.
const (
	codeInvalid        = "invalid_request"
	codeUnauthorized   = "unauthorized"
	codeForbidden      = "forbidden"
	codeNotFound       = "not_found"
	codeConflict       = "conflict"
	codeTooLarge       = "payload_too_large"
	codeFault          = "simulated_fault"
	codeDeliveryFailed = "delivery_failed"
	codeInternal       = "internal"
)

// Body limits.
const (
	maxJSONBody    = 1 << 20   // section-2 and control JSON bodies
	maxListingBody = 512 << 20 // a listing stored through the control API
)

// reply is an answer computed while the state is locked and written after
// the lock is released.
type reply struct {
	status int
	body   []byte
	ctype  string
	header http.Header
}

func (rp reply) write(w http.ResponseWriter) {
	for k, v := range rp.header {
		w.Header()[k] = v
	}
	if rp.ctype != "" {
		w.Header().Set("Content-Type", rp.ctype)
	}
	w.WriteHeader(rp.status)
	_, _ = w.Write(rp.body)
}

// jsonReply encodes v without HTML escaping (listings stay readable).
func jsonReply(status int, v any) reply {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return errorReply(http.StatusInternalServerError, codeInternal, "The answer could not be encoded.")
	}
	return reply{status: status, body: b.Bytes(), ctype: "application/json"}
}

// errorBody is the JSON shape of every error: {"error":{"code","message"}}.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	WebhookID string `json:"webhookId,omitempty"` // set when a webhook delivery failed
}

func errorReply(status int, code, format string, args ...any) reply {
	var e errorBody
	e.Error.Code, e.Error.Message = code, fmt.Sprintf(format, args...)
	return jsonReply(status, e)
}

func noContent() reply { return reply{status: http.StatusNoContent} }

func notFound(what, id string) reply {
	return errorReply(http.StatusNotFound, codeNotFound, "No %s with id %q.", what, id)
}

func invalid(format string, args ...any) reply {
	return errorReply(http.StatusBadRequest, codeInvalid, format, args...)
}

// readBody reads at most limit bytes of the request body. The reply is set
// when the body is too large or unreadable.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *reply) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err == nil {
		return body, nil
	}
	var tooLarge *http.MaxBytesError
	rp := invalid("The request body could not be read.")
	if errors.As(err, &tooLarge) {
		rp = errorReply(http.StatusRequestEntityTooLarge, codeTooLarge, "The request body is over %d bytes.", limit)
	}
	return nil, &rp
}

// readJSON reads a control or event body of at most maxJSONBody bytes and
// decodes it into v (see decode).
func readJSON(w http.ResponseWriter, r *http.Request, v any) *reply {
	body, rp := readBody(w, r, maxJSONBody)
	if rp != nil {
		return rp
	}
	return decode(body, v)
}

// decode reads a JSON body into v, rejecting unknown fields. An empty body
// decodes as {}.
func decode(body []byte, v any) *reply {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		rp := invalid("The body is not the expected JSON: %v.", err)
		return &rp
	}
	return nil
}
