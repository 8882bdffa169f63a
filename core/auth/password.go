package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id parameters new password hashes are made with.
// Stored hashes carry their own parameters (PHC string format), so changing
// Params never locks anyone out: a login with a hash made with other
// parameters succeeds and stores a new hash made with the current ones.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// MemoryKiB is the memory per hash in KiB.
	MemoryKiB uint32
	// Threads is the degree of parallelism (lanes).
	Threads uint8
	// SaltLen and KeyLen are the lengths in bytes of the random salt and of
	// the derived key.
	SaltLen uint32
	KeyLen  uint32
}

// Default argon2id parameters: the OWASP Password Storage Cheat Sheet's
// baseline for argon2id (m=19 MiB, t=2, p=1), a 16-byte salt and a 32-byte
// key. On the 2-vCPU machines vorgang targets one hash takes a few tens of
// milliseconds (BenchmarkHashPassword) and 19 MiB; the Service runs at most
// HashConcurrency hashes at once, so a burst of logins queues instead of
// multiplying the memory. Of OWASP's equivalent settings (m=47 MiB t=1,
// m=19 MiB t=2, m=12 MiB t=3, ...) this one keeps memory, the cost an
// attacker's GPU pays most for, high without 47 MiB per login.
const (
	DefaultTime      = 2
	DefaultMemoryKiB = 19 * 1024
	DefaultThreads   = 1
	DefaultSaltLen   = 16
	DefaultKeyLen    = 32
)

// DefaultParams returns the default argon2id parameters.
func DefaultParams() Params {
	return Params{Time: DefaultTime, MemoryKiB: DefaultMemoryKiB, Threads: DefaultThreads,
		SaltLen: DefaultSaltLen, KeyLen: DefaultKeyLen}
}

// Limits a stored hash's parameters must keep, so a corrupt or planted hash
// cannot make a login allocate gigabytes or loop for minutes.
const (
	maxTime      = 64
	maxMemoryKiB = 1 << 20 // 1 GiB
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 128
)

// phcPrefix starts every hash HashPassword makes.
const phcPrefix = "$argon2id$v=19$"

// Validate reports whether p can be used for new hashes.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("argon2id time %d out of range 1…%d", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("argon2id threads must be at least 1")
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("argon2id memory %d KiB out of range %d…%d", p.MemoryKiB, 8*uint32(p.Threads), maxMemoryKiB)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("argon2id salt length %d out of range %d…%d", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("argon2id key length %d out of range %d…%d", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// HashPassword hashes password with argon2id and a fresh random salt and
// returns it in PHC string format:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// with salt and key in unpadded standard base64.
func HashPassword(password string, p Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches encoded, a hash made by
// HashPassword (with any parameters). The comparison takes constant time.
// It returns an error if encoded is not a well-formed argon2id hash.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// Matches reports whether encoded was made with exactly the parameters p.
// A hash that does not match should be replaced at the next successful
// login.
func (p Params) Matches(encoded string) bool {
	q, _, _, err := parseHash(encoded)
	return err == nil && q == p
}

// parseHash splits a PHC string into its parameters, salt and key.
func parseHash(encoded string) (p Params, salt, key []byte, err error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("auth: malformed password hash: %s", why)
	}
	rest, ok := strings.CutPrefix(encoded, phcPrefix)
	if !ok {
		return bad("not argon2id version 19")
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return bad("want params, salt and key")
	}
	var seen [3]bool
	for _, kv := range strings.Split(parts[0], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return bad("parameter without value")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return bad("parameter " + k + " is not a number")
		}
		switch {
		case k == "m" && !seen[0]:
			p.MemoryKiB, seen[0] = uint32(n), true
		case k == "t" && !seen[1]:
			p.Time, seen[1] = uint32(n), true
		case k == "p" && !seen[2] && n <= 255:
			p.Threads, seen[2] = uint8(n), true
		default:
			return bad("unexpected parameter " + k)
		}
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return bad("want parameters m, t and p")
	}
	b64 := base64.RawStdEncoding.Strict()
	if salt, err = b64.DecodeString(parts[1]); err != nil {
		return bad("salt is not base64")
	}
	if key, err = b64.DecodeString(parts[2]); err != nil {
		return bad("key is not base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.Validate(); err != nil {
		return bad(err.Error())
	}
	return p, salt, key, nil
}
