package listing

import (
	"errors"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want string // the value, or "" when refused with err
		err  error
	}{
		{"0", "0", nil},
		{"55", "55", nil},
		{"2.148", "2.148", nil},
		{"2,148", "2.148", nil},
		{"0.2831", "0.2831", nil},
		{"701,5", "701.5", nil},
		{"-144.62", "-144.62", nil},
		{"-0", "0", nil},
		{"007", "7", nil},
		{" 1.5 ", "1.5", nil},
		{"1.50", "1.5", nil},
		{"999999999999999999", "999999999999999999", nil},
		{"0.00000000000000001", "0.00000000000000001", nil},
		{"", "", errNotNumber},
		{"-", "", errNotNumber},
		{" ", "", errNotNumber},
		{".5", "", errNotNumber},
		{"5.", "", errNotNumber},
		{"-.5", "", errNotNumber},
		{"+5", "", errNotNumber},
		{"1e3", "", errNotNumber},
		{"NaN", "", errNotNumber},
		{"Inf", "", errNotNumber},
		{"0x10", "", errNotNumber},
		{"1 000", "", errNotNumber},
		{"--1", "", errNotNumber},
		{"١٢", "", errNotNumber},
		{"1.234,5", "", errSeparators},
		{"1,234.5", "", errSeparators},
		{"1.234.567", "", errSeparators},
		{"1,,2", "", errSeparators},
		{"1000000000000000000", "", errTooLong},
		{"0." + strings.Repeat("0", 17) + "1", "", errTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseNumber(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("parseNumber(%q) = %s, %v; want error %v", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Errorf("parseNumber(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestItemLimit(t *testing.T) {
	in := `<LISTING><PROJECTGUID GUID="p" /><AMBIENTS><AMBIENT><CATEGORIES><CATEGORY><ITEMS>` +
		strings.Repeat(`<ITEM QUANTITY="1" />`, 4) + `</ITEMS></CATEGORY></CATEGORIES></AMBIENT></AMBIENTS></LISTING>`
	for _, tt := range []struct {
		max  int
		fail bool
	}{{4, false}, {3, true}} {
		calls := 0
		_, err := newParser(strings.NewReader(in), limits{depth: MaxDepth, items: tt.max}).run(func(Item) error { calls++; return nil })
		var le *Error
		if tt.fail != errors.As(err, &le) {
			t.Fatalf("limit %d: err = %v", tt.max, err)
		}
		if tt.fail && (!strings.Contains(le.Reason, "more than 3 items") || calls != 3) {
			t.Errorf("limit %d: reason %q after %d items", tt.max, le.Reason, calls)
		}
	}
}
