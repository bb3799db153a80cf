package samtemplate

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/foccolojas/promob-integration/shared/dynamo"
)

// TestTableIsTheStoresSchema checks that template.yaml's table has the key
// attributes, key schema and indexes the store declares (dynamo.TableSchema,
// which the store's tests create their tables from), and its TTL attribute.
func TestTableIsTheStoresSchema(t *testing.T) {
	tbl, err := mustLoadProject(t).Table()
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	want := dynamo.TableSchema(tbl.Name)
	got := *tbl.Input
	got.SSESpecification = nil // encryption at rest is the template's own concern
	if !reflect.DeepEqual(&got, want) {
		g, _ := json.MarshalIndent(&got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("template.yaml's table:\n%s\nthe store's schema:\n%s", g, w)
	}
	if tbl.TTLAttribute != dynamo.TTLAttribute {
		t.Errorf("TTL attribute %q, the store expires items by %q", tbl.TTLAttribute, dynamo.TTLAttribute)
	}
}
