package httpapi

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/foccolojas/promob-integration/shared/httperror"
	"gopkg.in/yaml.v3"
)

// OpenAPIYAML is the OpenAPI 3 document of the REST API and the webhook endpoint.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

var openAPIJSON = sync.OnceValues(func() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(OpenAPIYAML, &doc); err != nil {
		return nil, err
	}
	return json.Marshal(doc)
})

// serveOpenAPI answers the document as JSON.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := openAPIJSON()
	if err != nil {
		httperror.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
