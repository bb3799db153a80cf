package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// maxRequestBody bounds every JSON request body of the REST API.
const maxRequestBody = 1 << 20

// decodeJSON reads the request body as one JSON value into v, refusing other
// content types (415), bodies over maxRequestBody (413), invalid UTF-8,
// unknown fields and malformed JSON (400).
func decodeJSON(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return domain.Errorf(domain.CodeUnsupportedMedia, "The body must be application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	if err != nil {
		return decodeError(err)
	}
	// encoding/json would replace invalid UTF-8 with U+FFFD and store it.
	if !utf8.Valid(body) {
		return domain.Errorf(domain.CodeMalformedJSON, "The body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return domain.Errorf(domain.CodeMalformedJSON, "The body must hold exactly one JSON value.")
	}
	return nil
}

func decodeError(err error) error {
	var (
		tooLarge *http.MaxBytesError
		syn      *json.SyntaxError
		typ      *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooLarge):
		return domain.Errorf(domain.CodeTooLarge, "The body is limited to %d bytes.", maxRequestBody)
	case errors.As(err, &syn):
		return domain.Errorf(domain.CodeMalformedJSON, "Malformed JSON at byte %s.", strconv.FormatInt(syn.Offset, 10))
	case errors.As(err, &typ):
		return domain.Errorf(domain.CodeMalformedJSON, "Field %q must be of type %s.", typ.Field, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.CodeMalformedJSON, "The body is empty or cut short.")
	default:
		// json reports unknown fields as `json: unknown field "x"`.
		return domain.Errorf(domain.CodeMalformedJSON, "The body does not match the expected shape: %s.", err.Error())
	}
}

// validator is a request body that checks its own fields.
type validator interface{ Validate() error }

// decodeValid reads the body into v as decodeJSON does, then validates it.
func decodeValid(r *http.Request, v validator) error {
	if err := decodeJSON(r, v); err != nil {
		return err
	}
	return v.Validate()
}
