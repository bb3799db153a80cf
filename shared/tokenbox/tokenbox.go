// Package tokenbox encrypts the Promob user tokens kept at rest with
// AES-256-GCM under a key from configuration (PROMOB_TOKEN_KEY, the base64
// of 32 bytes; in the cloud it is read from Secrets Manager at init).
package tokenbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// prefix names the format of a sealed value, so that another format (or a
// rotated key) can be told apart later.
const prefix = "v1:"

// Box seals and opens values with one key.
type Box struct {
	aead cipher.AEAD
}

// New returns a box over the base64 key (standard or URL encoding, padded
// or not), or an error when it does not decode to 32 bytes.
func New(keyB64 string) (*Box, error) {
	keyB64 = strings.TrimSpace(keyB64)
	var key []byte
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(keyB64); err == nil {
			key = k
			break
		}
	}
	if len(key) != 32 {
		return nil, errors.New("tokenbox: the key must be the base64 of 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("tokenbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("tokenbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext bound to context (which must be given again to
// open it) and returns "v1:" and the base64 of nonce and ciphertext. It
// fails only when the system's random source does.
func (b *Box) Seal(plaintext, context string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("tokenbox: nonce: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return prefix + base64.StdEncoding.EncodeToString(out), nil
}

// Open returns the plaintext of a value Seal made under the same key and
// context, or an error when it was made otherwise or was changed.
func (b *Box) Open(sealed, context string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return "", errors.New("tokenbox: not a sealed value")
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(data) < b.aead.NonceSize()+b.aead.Overhead() {
		return "", errors.New("tokenbox: malformed sealed value")
	}
	n := b.aead.NonceSize()
	pt, err := b.aead.Open(nil, data[:n], data[n:], []byte(context))
	if err != nil {
		return "", errors.New("tokenbox: the value does not open with this key and context")
	}
	return string(pt), nil
}
