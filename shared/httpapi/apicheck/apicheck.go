// Package apicheck validates HTTP exchanges against the project's OpenAPI
// document, for tests that talk to the API.
package apicheck

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/foccolojas/promob-integration/shared/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Checker validates responses against the document.
type Checker struct {
	router routers.Router
}

// New loads and validates the OpenAPI document; it fails when the document
// itself is invalid.
func New() (*Checker, error) {
	doc, err := openapi3.NewLoader().LoadFromData(httpapi.OpenAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("apicheck: load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("apicheck: invalid OpenAPI document: %w", err)
	}
	// Match any host: the document's server is the local stack, tests use free ports.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("apicheck: router: %w", err)
	}
	return &Checker{router: router}, nil
}

// CheckResponse returns an error when the route of (method, path) is not in
// the document, or when the status, content type or body of the answer do
// not match what the document declares for it.
func (c *Checker) CheckResponse(method, path string, status int, header http.Header, body []byte) error {
	u, err := url.Parse(path)
	if err != nil {
		return err
	}
	req := &http.Request{Method: method, URL: u, Header: http.Header{}}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("apicheck: %s %s is not in the OpenAPI document: %w", method, path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: status,
		Header: header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("apicheck: %s %s answered %d %s: %w", method, path, status, body, err)
	}
	return nil
}
