package httpapi_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/httpapi"
	"gopkg.in/yaml.v3"
)

// TestOpenAPIDocumentIsTyped keeps the contract typed for a front end that
// builds its screens from the document alone: every object schema declares
// its properties or the type of its values (an object left free-form says
// why in x-free-form), and every operation has a summary, its client
// errors (401 at least under /v1) and its 500.
func TestOpenAPIDocumentIsTyped(t *testing.T) {
	var doc map[string]any
	if err := yaml.Unmarshal(httpapi.OpenAPIYAML, &doc); err != nil {
		t.Fatal(err)
	}
	var untyped []string
	var walk func(n any, at string)
	walk = func(n any, at string) {
		switch v := n.(type) {
		case map[string]any:
			if v["type"] == "object" || v["properties"] != nil {
				_, free := v["x-free-form"]
				props, _ := v["properties"].(map[string]any)
				_, typedValues := v["additionalProperties"].(map[string]any)
				switch {
				case v["additionalProperties"] == true && !free:
					untyped = append(untyped, at+": additionalProperties true without x-free-form saying why")
				case len(props) == 0 && !typedValues && !free && v["allOf"] == nil:
					untyped = append(untyped, at+": an object without properties")
				}
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(v[k], at+"/"+k)
			}
		case []any:
			for i, e := range v {
				walk(e, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(doc, "#")
	for _, u := range untyped {
		t.Error(u)
	}

	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			o, ok := op.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			route := strings.ToUpper(method) + " " + path
			if s, _ := o["summary"].(string); s == "" {
				t.Errorf("%s has no summary", route)
			}
			responses, _ := o["responses"].(map[string]any)
			if _, ok := responses["500"]; !ok {
				t.Errorf("%s does not document its 500", route)
			}
			if !strings.HasPrefix(path, "/v1/") {
				continue
			}
			if _, ok := responses["401"]; !ok {
				t.Errorf("%s does not document its 401: every /v1 route needs a token", route)
			}
		}
	}
}
