// Package apiclient_test checks that the typed client (client.ts, which make
// lint type-checks) calls every operation of the OpenAPI document.
package apiclient_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/httpapi"
	"gopkg.in/yaml.v3"
)

// TestTypedClientCallsEveryOperation: each operation of the document has
// its function in client.ts, named by its operationId, calling its method
// and path; and the client calls nothing the document lacks.
func TestTypedClientCallsEveryOperation(t *testing.T) {
	src, err := os.ReadFile("client.ts")
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]string{} // operationId → "METHOD path"
	for _, m := range regexp.MustCompile(`(?m)^export const (\w+) = \([^\n]*?\) => api\.(GET|POST|PUT|PATCH|DELETE)\("([^"]+)"`).FindAllSubmatch(src, -1) {
		calls[string(m[1])] = string(m[2]) + " " + string(m[3])
	}
	var doc struct {
		Paths map[string]map[string]yaml.Node
	}
	if err := yaml.Unmarshal(httpapi.OpenAPIYAML, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for path, item := range doc.Paths {
		for method, node := range item {
			var op struct {
				OperationID string `yaml:"operationId"`
			}
			if method == "parameters" || node.Decode(&op) != nil || op.OperationID == "" {
				continue
			}
			seen[op.OperationID] = true
			want := strings.ToUpper(method) + " " + path
			if got, ok := calls[op.OperationID]; !ok {
				t.Errorf("client.ts has no function %s (%s)", op.OperationID, want)
			} else if got != want {
				t.Errorf("client.ts %s calls %s, the document says %s", op.OperationID, got, want)
			}
		}
	}
	for id := range calls {
		if !seen[id] {
			t.Errorf("client.ts calls %s, which the document does not have", id)
		}
	}
}
