package tokenbox_test

import (
	"bytes"
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

// TestKeyRotation: with the new key first and the old one after it, values
// sealed under the old key still open, new values are sealed under the new
// key, and once the old key is dropped its values no longer open while the
// new ones do.
func TestKeyRotation(t *testing.T) {
	oldKey := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	newKey := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	mustBox := func(keys string) *tokenbox.Box {
		t.Helper()
		b, err := tokenbox.New(keys)
		if err != nil {
			t.Fatalf("New(%q): %v", keys, err)
		}
		return b
	}
	before := mustBox(oldKey)
	during := mustBox(newKey + ",\n" + oldKey)
	after := mustBox(" " + newKey + " ")
	sealedOld, err := before.Seal("whsec_old", "account-secret/acc-1")
	if err != nil {
		t.Fatal(err)
	}
	sealedNew, err := during.Seal("whsec_new", "account-secret/acc-1")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		box    *tokenbox.Box
		sealed string
		want   string // "" = must not open
	}{
		{"old value, old and new keys", during, sealedOld, "whsec_old"},
		{"new value, old and new keys", during, sealedNew, "whsec_new"},
		{"new value, new key only", after, sealedNew, "whsec_new"},
		{"old value, new key only", after, sealedOld, ""},
		{"new value, old key only: sealed under the first key", before, sealedNew, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.box.Open(c.sealed, "account-secret/acc-1")
			if c.want == "" {
				if err == nil {
					t.Fatalf("opened as %q, want a refusal", got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Open = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	for _, bad := range []string{"", " , ", oldKey + ",c2hvcnQ="} {
		if _, err := tokenbox.New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}
