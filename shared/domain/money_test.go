package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/shopspring/decimal"
)

func TestMoneyJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"JSON number", `1234.5`, `"1234.50"`},
		{"JSON string", `"0.1"`, `"0.10"`},
		{"negative", `"-3"`, `"-3.00"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m domain.Money
			if err := json.Unmarshal([]byte(tt.in), &m); err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal(m)
			if err != nil || string(out) != tt.want {
				t.Errorf("%s → %s, %v; want %s", tt.in, out, err, tt.want)
			}
		})
	}
}

func TestCentsRoundsHalfAwayFromZero(t *testing.T) {
	for in, want := range map[string]string{"0.005": "0.01", "0.004": "0.00", "2.675": "2.68", "-0.005": "-0.01"} {
		if got := domain.Cents(decimal.RequireFromString(in)).String(); got != want {
			t.Errorf("Cents(%s) = %s, want %s", in, got, want)
		}
	}
}
