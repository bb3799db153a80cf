package domain

import "testing"

func TestNormalizeCNPJ(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"formatted", "11.222.333/0001-81", "11222333000181", true},
		{"digits only", "11222333000181", "11222333000181", true},
		{"another valid", "45.723.174/0001-10", "45723174000110", true},
		{"wrong first check digit", "11.222.333/0001-91", "", false},
		{"wrong second check digit", "11222333000182", "", false},
		{"all same digits", "11111111111111", "", false},
		{"too short", "1122233300018", "", false},
		{"letters", "11.222.333/0001-8A", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeCNPJ(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("NormalizeCNPJ(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNormalizeCPF(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"formatted", "529.982.247-25", "52998224725", true},
		{"digits only", "52998224725", "52998224725", true},
		{"wrong check digit", "529.982.247-26", "", false},
		{"all same digits", "000.000.000-00", "", false},
		{"too long", "529982247250", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NormalizeCPF(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("NormalizeCPF(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
