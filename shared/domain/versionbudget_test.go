package domain

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestManualChangeEffectAndReprice(t *testing.T) {
	tests := []struct {
		name       string
		env        Environment
		effect     ManualEffect
		effectErr  string
		repriceErr string
		fixed      map[int]bool
	}{
		{name: "nothing imported", env: Environment{}, effect: ManualNoVersion, repriceErr: CodeNotFound},
		{name: "latest not converted", env: Environment{LatestVersion: 2}, effect: ManualRepriceLatest, fixed: map[int]bool{1: true, 2: false}},
		{name: "latest converted", env: Environment{LatestVersion: 2, ConvertedVersion: 2}, effect: ManualNewVersion, repriceErr: CodeAlreadyConverted,
			fixed: map[int]bool{1: true, 2: true}},
		{name: "a version after the converted one", env: Environment{LatestVersion: 3, ConvertedVersion: 2}, effect: ManualRepriceLatest,
			fixed: map[int]bool{2: true, 3: false}},
		{name: "locked", env: Environment{LatestVersion: 3, ConvertedVersion: 2, Locked: true}, effectErr: CodeLocked, repriceErr: CodeLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.env.ManualChangeEffect()
			if ErrorCode(err) != tt.effectErr || (err == nil && got != tt.effect) {
				t.Errorf("ManualChangeEffect = %v, %v; want %v, %q", got, err, tt.effect, tt.effectErr)
			}
			if err := tt.env.CanReprice(); ErrorCode(err) != tt.repriceErr {
				t.Errorf("CanReprice = %v, want %q", err, tt.repriceErr)
			}
			for n, want := range tt.fixed {
				if tt.env.BudgetFixed(n) != want {
					t.Errorf("BudgetFixed(%d) = %v, want %v", n, !want, want)
				}
			}
		})
	}
	if CheckManualCount(MaxManualItems-1) != nil || ErrorCode(CheckManualCount(MaxManualItems)) != CodeInvalid {
		t.Error("CheckManualCount does not stop at MaxManualItems")
	}
}

func TestCompareManual(t *testing.T) {
	one, two := decimal.NewFromInt(1), decimal.NewFromInt(2)
	before := []ManualLine{{ID: "a", Description: "Frete", Quantity: one, UnitPrice: one}, {ID: "b", Description: "Tampo", Quantity: one, UnitPrice: one}}
	after := []ManualLine{{ID: "a", Description: "Frete", Quantity: one, UnitPrice: two}, {ID: "c", Description: "Puxador", Quantity: one, UnitPrice: one}}
	d := CompareManual(before, after)
	if len(d.Added) != 1 || d.Added[0].ID != "c" || len(d.Removed) != 1 || d.Removed[0].ID != "b" ||
		len(d.Changed) != 1 || !d.Changed[0].Before.UnitPrice.Equal(one) || !d.Changed[0].After.UnitPrice.Equal(two) {
		t.Fatalf("CompareManual = %+v", d)
	}
	if d := CompareManual(before, before); len(d.Added)+len(d.Removed)+len(d.Changed) != 0 {
		t.Fatalf("a version compared with itself: %+v", d)
	}
}
