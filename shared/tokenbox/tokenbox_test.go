package tokenbox_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

var key = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

func TestNewRefusesBadKeys(t *testing.T) {
	for name, k := range map[string]string{
		"empty": "", "not base64": "%%%", "16 bytes": base64.StdEncoding.EncodeToString(make([]byte, 16)),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tokenbox.New(k); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	box, err := tokenbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	other, err := tokenbox.New(base64.StdEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210")))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal("pmt_secret", "promob-link/s1/u1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "pmt_secret") {
		t.Fatalf("sealed value shows the token: %s", sealed)
	}
	again, _ := box.Seal("pmt_secret", "promob-link/s1/u1")
	if again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not fresh")
	}
	tampered := []byte(sealed)
	tampered[len(tampered)-3] ^= 1
	tests := []struct {
		name, sealed, context string
		box                   *tokenbox.Box
		want                  string
	}{
		{"same key and context", sealed, "promob-link/s1/u1", box, "pmt_secret"},
		{"another owner", sealed, "promob-link/s1/u2", box, ""},
		{"another key", sealed, "promob-link/s1/u1", other, ""},
		{"changed", string(tampered), "promob-link/s1/u1", box, ""},
		{"not sealed", "pmt_secret", "promob-link/s1/u1", box, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.sealed, tt.context)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("opened as %q", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v", got, err)
			}
		})
	}
}
