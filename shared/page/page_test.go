package page

import (
	"net/url"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
)

func TestFromQuery(t *testing.T) {
	c := Cursor{"PK": "STORE#s1", "SK": "CLIENT#c9"}
	tests := []struct {
		name    string
		query   string
		want    Request
		wantErr bool
	}{
		{name: "defaults", query: "", want: First},
		{name: "limit", query: "limit=7", want: Request{Limit: 7}},
		{name: "largest limit", query: "limit=200", want: Request{Limit: MaxLimit}},
		{name: "cursor", query: "cursor=" + c.Encode(), want: Request{Limit: DefaultLimit, Cursor: c}},
		{name: "zero limit", query: "limit=0", wantErr: true},
		{name: "limit over the maximum", query: "limit=201", wantErr: true},
		{name: "limit not a number", query: "limit=ten", wantErr: true},
		{name: "cursor not base64", query: "cursor=%25%25", wantErr: true},
		{name: "cursor not JSON", query: "cursor=" + "bm90IGpzb24", wantErr: true},
		{name: "empty cursor object", query: "cursor=e30", wantErr: true},
		{name: "cursor too long", query: "cursor=" + strings.Repeat("A", maxCursor+1), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := FromQuery(q)
			if tt.wantErr {
				if domain.ErrorCode(err) != domain.CodeInvalid {
					t.Fatalf("FromQuery(%q) error = %v, want invalid_request", tt.query, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromQuery(%q): %v", tt.query, err)
			}
			if got.Limit != tt.want.Limit || got.Cursor.Encode() != tt.want.Cursor.Encode() {
				t.Fatalf("FromQuery(%q) = %+v, want %+v", tt.query, got, tt.want)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	if (Cursor(nil)).Encode() != "" {
		t.Fatal("the start of a list must encode as no cursor")
	}
	c := Cursor{"PK": "STORE#s1", "SK": "CLIENT#ç/+="}
	got, err := Decode(c.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["SK"] != c["SK"] || got["PK"] != c["PK"] {
		t.Fatalf("round trip = %v, want %v", got, c)
	}
	if p := (Page[int]{Items: []int{1}}); p.NextCursor() != "" {
		t.Fatal("a last page must have no next cursor")
	}
}
