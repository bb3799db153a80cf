package strictjson_test

import (
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/strictjson"
	"github.com/shopspring/decimal"
)

type event struct {
	Type string `json:"type"`
	Data struct {
		ProjectID string          `json:"projectId"`
		Revision  int             `json:"revision"`
		Price     decimal.Decimal `json:"price"`
		Tags      []string        `json:"tags"`
	} `json:"data"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		rejectUnknown bool
		wantErr       string // part of the message; "" = decoded
		check         func(t *testing.T, e event)
	}{
		{name: "exact names", body: `{"type":"environment.saved","data":{"projectId":"p1","revision":2,"price":"10.50","tags":["a"]}}`,
			check: func(t *testing.T, e event) {
				if e.Type != "environment.saved" || e.Data.ProjectID != "p1" || e.Data.Revision != 2 || e.Data.Price.String() != "10.5" || len(e.Data.Tags) != 1 {
					t.Errorf("decoded %+v", e)
				}
			}},
		{name: "unknown member ignored", body: `{"type":"x","extra":{"a":[1,{"b":2}]}}`,
			check: func(t *testing.T, e event) {
				if e.Type != "x" {
					t.Errorf("type %q", e.Type)
				}
			}},
		{name: "another case is not the field", body: `{"Type":"environment.negotiated"}`,
			check: func(t *testing.T, e event) {
				if e.Type != "" {
					t.Errorf("Type was read as type: %q", e.Type)
				}
			}},
		{name: "the same name twice", body: `{"type":"a","type":"b"}`, wantErr: "given twice"},
		{name: "the same name in another case", body: `{"type":"environment.saved","Type":"environment.negotiated"}`, wantErr: "given twice"},
		{name: "Kelvin sign folds to k", body: `{"extra":{"\u212A":1,"k":2}}`, wantErr: "given twice"},
		{name: "twice in a nested object", body: `{"data":{"projectId":"a","PROJECTID":"b"}}`, wantErr: "given twice"},
		{name: "twice in an object inside an array", body: `{"extra":[{"a":1,"A":2}]}`, wantErr: "given twice"},
		{name: "same name in sibling objects is fine", body: `{"extra":[{"a":1},{"a":2}],"data":{"revision":1}}`},
		{name: "unknown member refused", body: `{"type":"x","secret":1}`, rejectUnknown: true, wantErr: "unknown field"},
		{name: "another case refused as unknown", body: `{"Type":"x"}`, rejectUnknown: true, wantErr: "unknown field"},
		{name: "wrong type", body: `{"type":1}`, wantErr: "must be of type"},
		{name: "two values", body: `{"type":"a"}{}`, wantErr: "exactly one"},
		{name: "trailing garbage", body: `{"type":"a"} x`, wantErr: ""},
		{name: "empty", body: ``, wantErr: "empty or cut short"},
		{name: "blank", body: "  \n", wantErr: "empty or cut short"},
		{name: "cut short", body: `{"type":"a"`, wantErr: "cut short"},
		{name: "invalid UTF-8", body: "{\"type\":\"\xff\"}", wantErr: "Malformed"},
		{name: "syntax error", body: `{"type":}`, wantErr: "Malformed JSON at byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e event
			err := strictjson.Decode([]byte(tt.body), &e, tt.rejectUnknown)
			if tt.name == "trailing garbage" {
				if err == nil {
					t.Fatal("trailing garbage accepted")
				}
				return
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("accepted %+v", e)
			case tt.wantErr != "" && (domain.ErrorCode(err) != domain.CodeMalformedJSON || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want malformed_json with %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}
