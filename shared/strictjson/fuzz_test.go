package strictjson_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/foccolojas/promob-integration/shared/strictjson"
)

// FuzzDecode checks that whatever the strict decoder accepts with unknown
// members refused, encoding/json (which folds case and keeps the last of
// repeated names) reads the same way: no body means one thing to one
// reader and another to the other.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"type":"environment.saved","data":{"projectId":"p1","revision":2,"price":"10.50","tags":["a"]}}`,
		`{"type":"a","Type":"b"}`, `{"type":"a","type":"b"}`, `{"TYPE":"x"}`, `{"data":{"revision":1e3}}`,
		`{"data":null}`, `{"type":"\u00e9"}`, `[]`, `{}`, ``, `{"data":{"tags":[null]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var strict, loose event
		if strictjson.Decode(body, &strict, true) != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&loose); err != nil {
			t.Fatalf("strict accepted %q, encoding/json refused it: %v", body, err)
		}
		if !reflect.DeepEqual(strict, loose) {
			t.Fatalf("%q reads as %+v strictly, %+v with encoding/json", body, strict, loose)
		}
	})
}
