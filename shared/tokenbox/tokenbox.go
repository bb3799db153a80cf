// Package tokenbox encrypts the secrets kept at rest (users' Promob
// tokens, the stores' webhook secrets and Promob integration tokens) with
// AES-256-GCM under a key from configuration (PROMOB_TOKEN_KEY, the base64
// of 32 bytes; in the cloud it is read from Secrets Manager at init).
//
// Key rotation: the configuration may hold several keys separated by
// commas or white space. The first seals; every one opens. Put the new key
// first and keep the old one after it until no value sealed under it is
// left (RUNBOOK.md, "Rotate the encryption key").
package tokenbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// prefix names the format of a sealed value, so that another format (or a
// rotated key) can be told apart later.
const prefix = "v1:"

// Box seals with its first key and opens with any of its keys.
type Box struct {
	aeads []cipher.AEAD
}

// New returns a box over the base64 keys (standard or URL encoding, padded
// or not; several separated by commas or white space, the first sealing),
// or an error when there is none or one does not decode to 32 bytes.
func New(keysB64 string) (*Box, error) {
	fields := strings.FieldsFunc(keysB64, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(fields) == 0 {
		return nil, errors.New("tokenbox: the key must be the base64 of 32 bytes")
	}
	b := &Box{}
	for _, f := range fields {
		aead, err := newAEAD(f)
		if err != nil {
			return nil, err
		}
		b.aeads = append(b.aeads, aead)
	}
	return b, nil
}

// newAEAD returns AES-256-GCM under one base64 key.
func newAEAD(keyB64 string) (cipher.AEAD, error) {
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
	return aead, nil
}

// Seal encrypts plaintext bound to context (which must be given again to
// open it) and returns "v1:" and the base64 of nonce and ciphertext. It
// fails only when the system's random source does.
func (b *Box) Seal(plaintext, context string) (string, error) {
	aead := b.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("tokenbox: nonce: %w", err)
	}
	out := aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
	return prefix + base64.StdEncoding.EncodeToString(out), nil
}

// Open returns the plaintext of a value Seal made under one of the box's
// keys and the same context, or an error when it was made otherwise or was
// changed.
func (b *Box) Open(sealed, context string) (string, error) {
	raw, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return "", errors.New("tokenbox: not a sealed value")
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil || len(data) < b.aeads[0].NonceSize()+b.aeads[0].Overhead() {
		return "", errors.New("tokenbox: malformed sealed value")
	}
	n := b.aeads[0].NonceSize()
	for _, aead := range b.aeads {
		if pt, err := aead.Open(nil, data[:n], data[n:], []byte(context)); err == nil {
			return string(pt), nil
		}
	}
	return "", errors.New("tokenbox: the value does not open with these keys and context")
}
