package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/strictjson"
)

// maxRequestBody bounds every JSON request body of the REST API.
const maxRequestBody = 1 << 20

// decodeJSON reads the request body as one JSON value into v, refusing other
// content types (415), bodies over maxRequestBody (413), and (400) invalid
// UTF-8, malformed JSON, names in another case than the fields', a name
// given twice and unknown fields (see package strictjson).
func decodeJSON(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return domain.UnsupportedMedia("The body must be application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return domain.TooLarge("The body is limited to %d bytes.", maxRequestBody)
	}
	if err != nil {
		return domain.MalformedJSON("The body could not be read.")
	}
	return strictjson.Decode(body, v, true)
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
