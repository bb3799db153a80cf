package dynamo_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/foccolojas/promob-integration/shared/pricing"
)

func TestCommercialRules(t *testing.T) {
	ctx := context.Background()
	const written = `{"defaultMarkup":"2.15","familyMarkup":{"Ferragens":"1.85","Portas":"2.333333"},` +
		`"categoryMarkup":{"Acessórios":"1.7"},"freightPercent":"4.75","assemblyPercent":"8","maxDiscountPercent":"12.5",` +
		`"suppliers":{"Ferragens":"Hafele"}}`
	var rules pricing.Rules
	if err := json.Unmarshal([]byte(written), &rules); err != nil {
		t.Fatal(err)
	}
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			got, err := s.CommercialRules(ctx, "s1")
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := json.Marshal(pricing.DefaultRules()); string(mustJSON(t, got)) != string(want) {
				t.Fatalf("rules before any save = %s, want the defaults %s", mustJSON(t, got), want)
			}
			if err := s.SaveCommercialRules(ctx, "s1", rules, t0); err != nil {
				t.Fatal(err)
			}
			got, err = s.CommercialRules(ctx, "s1")
			if err != nil || string(mustJSON(t, got)) != written {
				t.Fatalf("rules read back = %s, %v\nwant %s", mustJSON(t, got), err, written)
			}
			if other, err := s.CommercialRules(ctx, "s2"); err != nil || !other.DefaultMarkup.Equal(pricing.DefaultRules().DefaultMarkup) || other.FamilyMarkup != nil {
				t.Fatalf("another store's rules = %+v, %v", other, err)
			}
			// Saving again replaces everything, maps included.
			if err := s.SaveCommercialRules(ctx, "s1", pricing.DefaultRules(), t0); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.CommercialRules(ctx, "s1"); got.FamilyMarkup != nil || got.Suppliers != nil || !got.FreightPercent.IsZero() {
				t.Fatalf("rules after replacing = %s", mustJSON(t, got))
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
