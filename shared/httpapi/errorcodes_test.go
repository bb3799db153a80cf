package httpapi

import (
	"slices"
	"strconv"
	"testing"

	"github.com/foccolojas/promob-integration/shared/httperror"
	"gopkg.in/yaml.v3"
)

// TestEveryOperationListsItsErrorCodes: each operation's x-error-codes
// names, for each error status it documents, the codes it answers with it,
// each a code of the status table (httperror) under that status.
func TestEveryOperationListsItsErrorCodes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]yaml.Node
	}
	if err := yaml.Unmarshal(OpenAPIYAML, &doc); err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths {
		for method, node := range item {
			var op struct {
				OperationID string               `yaml:"operationId"`
				Responses   map[string]yaml.Node `yaml:"responses"`
				ErrorCodes  map[string][]string  `yaml:"x-error-codes"`
			}
			if method == "parameters" || node.Decode(&op) != nil {
				continue
			}
			var statuses []string
			for st := range op.Responses {
				if st[0] == '4' || st[0] == '5' {
					statuses = append(statuses, st)
				}
			}
			for _, st := range statuses {
				if len(op.ErrorCodes[st]) == 0 {
					t.Errorf("%s %s documents %s but lists no error code for it in x-error-codes", method, path, st)
				}
			}
			for st, codes := range op.ErrorCodes {
				if !slices.Contains(statuses, st) {
					t.Errorf("%s %s lists codes for %s, a status it does not document", method, path, st)
				}
				for _, c := range codes {
					if want, ok := httperror.Lookup(c); !ok || strconv.Itoa(want) != st {
						t.Errorf("%s %s: code %s under %s, but the API answers it with %d", method, path, c, st, want)
					}
				}
			}
		}
	}
}
