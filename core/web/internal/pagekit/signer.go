package pagekit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// anonCookie holds the random value an anonymous browser's CSRF tokens are
// bound to (the double-submit cookie of the portal and the login form).
const anonCookie = "vorgang_csrf"

// Signer makes and checks the tokens of the HTML pages: CSRF tokens bound to
// a session or an anonymous cookie, and form tokens.
type Signer struct{ key []byte }

// newSigner signs with key, or with a random key when key is empty.
func newSigner(key []byte) Signer {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return Signer{key: key}
}

func (s Signer) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// DeriveKey is a 32-byte key for one use (named by purpose), derived from
// the signing secret, so the secret itself signs nothing else.
func (s Signer) DeriveKey(purpose string) []byte { return s.mac(purpose) }

var b64 = base64.RawURLEncoding

// csrfToken is the token a form of the browser bound to binding must send
// back as _csrf.
func (s Signer) csrfToken(binding string) string {
	return b64.EncodeToString(s.mac("csrf", binding))
}

// checkCSRF reports whether token is the CSRF token of binding.
func (s Signer) checkCSRF(binding, token string) bool {
	want := s.csrfToken(binding)
	return binding != "" && subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1
}

// A form token identifies one filling of a form: a random key (the
// idempotency key of the create it leads to), an expiry and the form it
// belongs to, signed. The browser sends it back with every post of that
// form, so a double click or a reload creates one ticket, not two.
var (
	errTokenExpired = errors.New("form token expired")
	errTokenInvalid = errors.New("form token invalid")
)

// FormToken makes a token for one filling of the form named by scope.
func (s Signer) FormToken(scope string, expires time.Time) string {
	key := rand.Text()
	exp := strconv.FormatInt(expires.Unix(), 10)
	return key + "." + exp + "." + b64.EncodeToString(s.mac("form", key, exp, scope))
}

// CheckFormToken returns the token's key, or why it is refused.
func (s Signer) CheckFormToken(token, scope string, now time.Time) (string, error) {
	key, rest, ok := strings.Cut(token, ".")
	if !ok {
		return "", errTokenInvalid
	}
	exp, sig, ok := strings.Cut(rest, ".")
	if !ok || len(key) != 26 {
		return "", errTokenInvalid
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("form", key, exp, scope)) {
		return "", errTokenInvalid
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return "", errTokenInvalid
	}
	if now.After(time.Unix(unix, 0)) {
		return key, errTokenExpired
	}
	return key, nil
}

// sameOrigin reports whether a post comes from this site; it refuses a post whose Origin header names another site. Browsers
// send Origin with every form post; its absence (old clients) is left to
// the CSRF token.
func sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || origin == "null" {
		return origin == ""
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, c.Hostname())
}
