package auth_test

import (
	"strings"
	"testing"
	"time"

	"vorgang/core/auth"
)

func TestHashAndVerifyPassword(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, password, try string
		want                bool
	}{
		{"right password", "correct horse battery", "correct horse battery", true},
		{"wrong password", "correct horse battery", "correct horse batterY", false},
		{"prefix of the password", "correct horse battery", "correct horse", false},
		{"empty try", "correct horse battery", "", false},
		{"umlauts", "Grüße aus Chemnitz", "Grüße aus Chemnitz", true},
		{"umlauts decomposed", "Grüße aus Chemnitz", "Gru\u0308ße aus Chemnitz", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := auth.HashPassword(c.password, fastParams)
			if err != nil {
				t.Fatal(err)
			}
			got, err := auth.VerifyPassword(h, c.try)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("VerifyPassword = %v, want %v", got, c.want)
			}
		})
	}
}

func TestHashFormat(t *testing.T) {
	t.Parallel()
	h1, err := auth.HashPassword("same password", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := auth.HashPassword("same password", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q lacks the PHC prefix with parameters", h1)
	}
	if parts := strings.Split(h1, "$"); len(parts) != 6 || len(parts[4]) != 22 || len(parts[5]) != 43 {
		t.Errorf("hash %q: want 16-byte salt and 32-byte key in unpadded base64", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: salt is not random")
	}
	if !fastParams.Matches(h1) {
		t.Error("Matches(own hash) = false")
	}
	other := fastParams
	other.Time = 2
	if other.Matches(h1) {
		t.Error("Matches with other time = true")
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	t.Parallel()
	good, err := auth.HashPassword("pw", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, params, salt, key
	cases := map[string]string{
		"empty":               "",
		"bcrypt":              "$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
		"argon2i":             strings.Replace(good, "argon2id", "argon2i", 1),
		"version 16":          strings.Replace(good, "v=19", "v=16", 1),
		"missing key":         strings.Join(parts[:5], "$"),
		"extra part":          good + "$x",
		"missing parameter":   "$argon2id$v=19$m=64,t=1$" + parts[4] + "$" + parts[5],
		"repeated parameter":  "$argon2id$v=19$m=64,m=64,t=1$" + parts[4] + "$" + parts[5],
		"unknown parameter":   "$argon2id$v=19$m=64,t=1,p=1,x=1$" + parts[4] + "$" + parts[5],
		"not a number":        "$argon2id$v=19$m=lots,t=1,p=1$" + parts[4] + "$" + parts[5],
		"memory over 1 GiB":   "$argon2id$v=19$m=2097152,t=1,p=1$" + parts[4] + "$" + parts[5],
		"zero time":           "$argon2id$v=19$m=64,t=0,p=1$" + parts[4] + "$" + parts[5],
		"300 threads":         "$argon2id$v=19$m=4096,t=1,p=300$" + parts[4] + "$" + parts[5],
		"salt not base64":     "$argon2id$v=19$m=64,t=1,p=1$***$" + parts[5],
		"padded key":          good + "=",
		"salt of four bytes":  "$argon2id$v=19$m=64,t=1,p=1$AAAAAA$" + parts[5],
		"key of eight bytes":  "$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$AAAAAAAAAAA",
		"trailing whitespace": good + " ",
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			if ok, err := auth.VerifyPassword(h, "pw"); err == nil || ok {
				t.Errorf("VerifyPassword(%q) = %v, %v; want an error", h, ok, err)
			}
		})
	}
}

func TestParamsValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    auth.Params
		ok   bool
	}{
		{"defaults", auth.DefaultParams(), true},
		{"fast", fastParams, true},
		{"zero", auth.Params{}, false},
		{"zero time", auth.Params{Time: 0, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}, false},
		{"memory below 8 per thread", auth.Params{Time: 1, MemoryKiB: 15, Threads: 2, SaltLen: 16, KeyLen: 32}, false},
		{"short salt", auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 4, KeyLen: 32}, false},
		{"short key", auth.Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 8}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.p.Validate(); (err == nil) != c.ok {
				t.Errorf("Validate() = %v, want ok %v", err, c.ok)
			}
		})
	}
}

// TestDefaultParams hashes once with the defaults, so the shipped setting
// is known to work; its time is for information only.
func TestDefaultParams(t *testing.T) {
	p := auth.DefaultParams()
	if p.MemoryKiB != 19456 || p.Time != 2 || p.Threads != 1 {
		t.Errorf("DefaultParams() = %+v, want OWASP's m=19456 t=2 p=1", p)
	}
	start := time.Now()
	h, err := auth.HashPassword("correct horse battery", p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one default hash took %v", time.Since(start))
	if ok, err := auth.VerifyPassword(h, "correct horse battery"); err != nil || !ok {
		t.Errorf("VerifyPassword = %v, %v", ok, err)
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for _, bc := range []struct {
		name string
		p    auth.Params
	}{
		{"m=19MiB,t=2,p=1(default)", auth.DefaultParams()},
		{"m=19MiB,t=3,p=1", auth.Params{Time: 3, MemoryKiB: 19456, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"m=46MiB,t=1,p=1", auth.Params{Time: 1, MemoryKiB: 47104, Threads: 1, SaltLen: 16, KeyLen: 32}},
		{"m=64MiB,t=2,p=1", auth.Params{Time: 2, MemoryKiB: 65536, Threads: 1, SaltLen: 16, KeyLen: 32}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := auth.HashPassword("correct horse battery", bc.p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
