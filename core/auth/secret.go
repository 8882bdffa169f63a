package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// secretBytes is the entropy of session tokens and API tokens: 256 bits.
const secretBytes = 32

// secretLen is the length of a secret in unpadded base64url.
var secretLen = base64.RawURLEncoding.EncodedLen(secretBytes)

// newSecret returns 32 random bytes in unpadded base64url (43 characters).
func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// wellFormedSecret reports whether s looks like a newSecret result, so
// garbage is refused without a database round trip.
func wellFormedSecret(s string) bool {
	if len(s) != secretLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// secretID is the database key of a secret: its SHA-256 in hex. A fast
// hash is enough because the secret has 256 random bits; storing only the
// hash means a copy of the database (a backup) holds no usable credential.
func secretID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
