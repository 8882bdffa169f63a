package workspace

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// Staff sign-on with OpenID Connect providers: a plain link per provider on
// the login page starts the authorization code flow (with PKCE, state and
// nonce), the provider sends the browser back to the callback, and logout
// ends the session at the provider too when it offers that.
//
// What the callback checks against lives in a short-lived cookie of the
// browser that started the sign-on, encrypted and authenticated with a key
// derived from UIDeps.Secret: another browser cannot present it, and the
// browser cannot read or change it. A server restart without a configured
// secret ends sign-ons in progress, like open forms.

const (
	// signOnCookie holds the flow between start and callback.
	signOnCookie = "vorgang_signon"
	// signOnLogoutCookie holds which provider the session came from and
	// the ID token, the hint for logging out there.
	signOnLogoutCookie = "vorgang_signon_logout"
	// signOnTTL is how long a person may take at the provider.
	signOnTTL = 10 * time.Minute
	// maxCookie keeps a cookie below what every browser stores (4096
	// bytes with its name); a larger ID token is left out of the logout
	// cookie, and the logout names the client instead.
	maxCookie = 3800
)

var signOnTexts = map[string]map[webkit.Lang]string{
	"login_or": {webkit.LangDE: "Oder anmelden mit", webkit.LangEN: "Or sign in with"},
	webkit.CodeSignOnRefused: {
		webkit.LangDE: "Die Anmeldung beim Identitätsanbieter wurde nicht angenommen. Bitte versuchen Sie es noch einmal.",
		webkit.LangEN: "The sign-in with the identity provider was not accepted. Please try again.",
	},
	webkit.CodeSignOnUnavailable: {
		webkit.LangDE: "Der Identitätsanbieter ist gerade nicht erreichbar; die Anmeldung darüber ist vorübergehend nicht möglich. Die Anmeldung mit Benutzername und Passwort funktioniert weiterhin.",
		webkit.LangEN: "The identity provider cannot be reached right now, so signing in with it is not possible. Signing in with user name and password still works.",
	},
	"signed_out_heading": {webkit.LangDE: "Abgemeldet", webkit.LangEN: "Signed out"},
	"signed_out_text": {
		webkit.LangDE: "Sie sind von vorgang abgemeldet. Sie werden jetzt auch beim Identitätsanbieter abgemeldet.",
		webkit.LangEN: "You are signed out of vorgang. You are now being signed out at the identity provider as well.",
	},
	"signed_out_link": {webkit.LangDE: "Beim Identitätsanbieter abmelden", webkit.LangEN: "Sign out at the identity provider"},
	"sign_on_disabled": {
		webkit.LangDE: "Ihr Konto ist gesperrt.",
		webkit.LangEN: "Your account is disabled.",
	},
}

func signOnText(l webkit.Lang, key string) string { return signOnTexts[key][l] }

// signOnButton is one provider on the login page.
type signOnButton struct {
	Label string
	URL   string
}

// signOnButtons lists the providers of the current definitions, each a
// link that keeps where the person was going.
func (u *workspace) signOnButtons(c *fiber.Ctx, next string) []signOnButton {
	cat := u.Catalog()
	if cat == nil {
		return nil
	}
	var out []signOnButton
	for _, p := range cat.SignOnProviders() {
		out = append(out, signOnButton{Label: p.Title.In(string(webkit.PageLang(c))),
			URL: "/app/oidc/" + url.PathEscape(p.ID.Value) + "/start?next=" + url.QueryEscape(next)})
	}
	return out
}

func (u *workspace) registerSignOn(r fiber.Router) {
	r.Get("/oidc/:provider/start", u.signOnStart)
	r.Get("/oidc/:provider/callback", u.signOnCallback)
}

// signOnRedirect is the redirect URI of a provider, to be registered at
// the provider: https://HOST/app/oidc/ID/callback.
func (u *workspace) signOnRedirect(c *fiber.Ctx, provider string) string {
	return webkit.PublicBase(c, u.BaseURL) + "/app/oidc/" + url.PathEscape(provider) + "/callback"
}

// signOnState is the content of signOnCookie.
type signOnState struct {
	Flow    *auth.SignOnFlow `json:"f"`
	Next    string           `json:"x"`
	Expires int64            `json:"e"`
}

func (u *workspace) signOnStart(c *fiber.Ctx) error {
	next := safeNext(c.Query("next"))
	if pagekit.UIPrincipal(c) != nil {
		return pagekit.SeeOther(c, next)
	}
	provider := c.Params("provider")
	to, flow, err := u.Auth.StartSignOn(c.UserContext(), provider, u.signOnRedirect(c, provider))
	if err != nil {
		return u.signOnFailed(c, err)
	}
	sealed, err := u.seal(signOnCookie, signOnState{Flow: flow, Next: next, Expires: u.Now().Add(signOnTTL).Unix()})
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: signOnCookie, Value: sealed, Path: "/app/oidc/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", MaxAge: int(signOnTTL.Seconds())})
	return c.Redirect(to, http.StatusSeeOther)
}

func (u *workspace) signOnCallback(c *fiber.Ctx) error {
	provider := c.Params("provider")
	var st signOnState
	err := u.open(signOnCookie, c.Cookies(signOnCookie), &st)
	// One sign-on, one callback: the cookie goes whatever the outcome.
	c.Cookie(&fiber.Cookie{Name: signOnCookie, Value: "", Path: "/app/oidc/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", MaxAge: -1})
	state := c.Query("state")
	switch {
	case err != nil:
		return u.signOnRefused(c, fmt.Errorf("sign-on cookie: %w", err))
	case st.Flow == nil || st.Flow.Provider != provider:
		return u.signOnRefused(c, fmt.Errorf("sign-on started with another provider than %q", provider))
	case u.Now().Unix() > st.Expires:
		return u.signOnRefused(c, errors.New("sign-on took too long"))
	case subtle.ConstantTimeCompare([]byte(state), []byte(st.Flow.State)) != 1:
		return u.signOnRefused(c, errors.New("state does not match this browser's sign-on"))
	case c.Query("error") != "":
		return u.signOnRefused(c, fmt.Errorf("provider answered %s: %s", c.Query("error"), c.Query("error_description")))
	case c.Query("code") == "":
		return u.signOnRefused(c, errors.New("no code in the redirect"))
	}
	s, idToken, err := u.Auth.FinishSignOn(c.UserContext(), st.Flow, u.signOnRedirect(c, provider), c.Query("code"))
	if err != nil {
		return u.signOnFailed(c, err)
	}
	secure := c.Protocol() == "https"
	c.Cookie(&fiber.Cookie{Name: webkit.SessionCookie, Value: s.Token, HTTPOnly: true, SameSite: "Lax", Secure: secure, Path: "/", Expires: s.Expires})
	logout := signOnLogout{Provider: provider, Session: pagekit.SessionBinding(s.Token), IDToken: idToken}
	sealed, err := u.seal(signOnLogoutCookie, logout)
	if err == nil && len(sealed) > maxCookie {
		logout.IDToken = ""
		sealed, err = u.seal(signOnLogoutCookie, logout)
	}
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: signOnLogoutCookie, Value: sealed, Path: "/app/", HTTPOnly: true, SameSite: "Lax", Secure: secure, Expires: s.Expires})
	return pagekit.SeeOther(c, safeNext(st.Next))
}

// signOnRefused answers a callback that does not belong to this browser's
// sign-on: the login page, 401, the cause in the log only.
func (u *workspace) signOnRefused(c *fiber.Ctx, cause error) error {
	u.Log.InfoContext(c.UserContext(), "sign-on refused", "provider", c.Params("provider"), "error", cause)
	return u.showLogin(c, http.StatusUnauthorized, "", signOnText(webkit.PageLang(c), webkit.CodeSignOnRefused))
}

// signOnFailed answers an error of the sign-on on the login page, where
// the person can sign in locally instead.
func (u *workspace) signOnFailed(c *fiber.Ctx, err error) error {
	l := webkit.PageLang(c)
	switch {
	case errors.Is(err, auth.ErrNoSignOn) || fault.KindOf(err) == fault.NotFound:
		return &webkit.Error{Status: http.StatusNotFound, Code: webkit.CodeNotFound, Cause: err}
	case errors.Is(err, auth.ErrUserDisabled):
		return u.showLogin(c, http.StatusForbidden, "", signOnText(l, "sign_on_disabled"))
	case fault.KindOf(err) == fault.Unauthenticated:
		return u.showLogin(c, http.StatusUnauthorized, "", signOnText(l, webkit.CodeSignOnRefused))
	case fault.KindOf(err) == fault.Unavailable:
		u.Log.WarnContext(c.UserContext(), "identity provider unavailable", "provider", c.Params("provider"), "error", err)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(30))
		return u.showLogin(c, http.StatusServiceUnavailable, "", signOnText(l, webkit.CodeSignOnUnavailable))
	}
	return err
}

// signOnLogout is the content of signOnLogoutCookie: the provider of the
// session (by the hash of its token, so the cookie of an earlier session
// is not taken for this one's) and the ID token.
type signOnLogout struct {
	Provider string `json:"p"`
	Session  string `json:"s"`
	IDToken  string `json:"t,omitempty"`
}

// signOnLogoutURL returns where the browser goes after logging out of a
// session that came from a provider with an end_session_endpoint, or "";
// it removes the logout cookie.
func (u *workspace) signOnLogoutURL(c *fiber.Ctx) string {
	raw := c.Cookies(signOnLogoutCookie)
	if raw == "" {
		return ""
	}
	c.Cookie(&fiber.Cookie{Name: signOnLogoutCookie, Value: "", Path: "/app/", HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", MaxAge: -1})
	var lo signOnLogout
	token := c.Cookies(webkit.SessionCookie)
	if err := u.open(signOnLogoutCookie, raw, &lo); err != nil || token == "" || lo.Session != pagekit.SessionBinding(token) {
		return ""
	}
	return u.Auth.SignOnLogoutURL(c.UserContext(), lo.Provider, lo.IDToken, webkit.PublicBase(c, u.BaseURL)+"/app/login")
}

// signedOutPage says the vorgang session is over and sends the browser on
// to the provider's end_session_endpoint. Not a redirect: the logout is a
// form post, and the pages' Content-Security-Policy (form-action 'self')
// forbids a form's redirect to another site. The Refresh header is a new
// navigation, which works without JavaScript; the link is there if a
// browser ignores it.
func (u *workspace) signedOutPage(c *fiber.Ctx, to string) error {
	l := webkit.PageLang(c)
	c.Set("Refresh", "0; url="+to)
	return u.Render(c, http.StatusOK, "signed_out", &pagekit.View{Lang: l, Title: signOnText(l, "signed_out_heading"), Area: "app", Nav: "login",
		Data: struct{ Heading, Text, Link, URL string }{signOnText(l, "signed_out_heading"), signOnText(l, "signed_out_text"), signOnText(l, "signed_out_link"), to}})
}

// seal encrypts and authenticates v as JSON for the cookie name (AES-GCM;
// the name is the associated data, so one cookie cannot stand for the
// other).
func (u *workspace) seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("web: seal %s: %w", name, err)
	}
	aead, err := u.cookieAEAD()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

// open reverses seal; a cookie that was changed, made with another key or
// for another name is an error.
func (u *workspace) open(name, sealed string, v any) error {
	if sealed == "" {
		return errors.New("no cookie")
	}
	data, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return fmt.Errorf("cookie encoding: %w", err)
	}
	aead, err := u.cookieAEAD()
	if err != nil {
		return err
	}
	if len(data) < aead.NonceSize() {
		return errors.New("cookie too short")
	}
	plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(name))
	if err != nil {
		return fmt.Errorf("cookie does not open: %w", err)
	}
	return json.Unmarshal(plain, v)
}

// cookieAEAD is AES-256-GCM with a key derived from the signing secret
// for this one use.
func (u *workspace) cookieAEAD() (cipher.AEAD, error) {
	block, err := aes.NewCipher(u.Sign.DeriveKey("sign-on cookie key"))
	if err != nil {
		return nil, fmt.Errorf("web: cookie key: %w", err)
	}
	return cipher.NewGCM(block)
}
