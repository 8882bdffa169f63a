package workspace

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/pquerna/otp"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// Two-factor sign-in of local accounts: the code step of the login form,
// and the staff page that turns it on (QR code and secret, confirmation,
// recovery codes) and off. The rules are core/auth's; these handlers only
// show them.

type loginCodeView struct {
	Pending string
	Next    string
	Error   string
}

// showLoginCode renders the second step of the login: the code form.
func (u *workspace) showLoginCode(c *fiber.Ctx, status int, pending, next, msg string) error {
	l := webkit.PageLang(c)
	return u.Render(c, status, "login_code", &pagekit.View{Lang: l, Title: webkit.Text(l, "otp_heading"), Area: "app", Nav: "login", HasErrors: msg != "",
		Data: loginCodeView{Pending: pending, Next: safeNext(next), Error: msg}})
}

// secondFactorStep answers a login whose password was right and whose
// user signs in with a code: the code form, holding the pending login.
func (u *workspace) secondFactorStep(c *fiber.Ctx, err error, next string) (bool, error) {
	var sf *auth.SecondFactorError
	if !errors.As(err, &sf) {
		return false, nil
	}
	return true, u.showLoginCode(c, http.StatusOK, sf.Pending, next, "")
}

// loginCodeSubmit is the second step: the pending login and the code.
func (u *workspace) loginCodeSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	pending, next := sub.First("pending"), sub.First("next")
	s, err := u.Auth.CompleteLogin(c.UserContext(), pending, sub.First("otp"), u.clients.Key(c))
	if err != nil {
		answer, ok := webkit.FaultError(err).(*webkit.Error)
		switch {
		case ok && answer.Status == http.StatusTooManyRequests:
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(answer.RetryAfter))
			return u.showLoginCode(c, answer.Status, pending, next, fmt.Sprintf(webkit.Text(l, "login_throttled"), answer.RetryAfter))
		case errors.Is(err, auth.ErrLoginExpired):
			return u.showLogin(c, http.StatusUnauthorized, "", webkit.Text(l, "otp_expired"))
		case errors.Is(err, auth.ErrOTPRequired) || errors.Is(err, auth.ErrInvalidOTP):
			return u.showLoginCode(c, http.StatusUnauthorized, pending, next, webkit.Text(l, "otp_wrong"))
		}
		return err
	}
	c.Cookie(&fiber.Cookie{Name: webkit.SessionCookie, Value: s.Token, HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Path: "/", Expires: s.Expires})
	return pagekit.SeeOther(c, safeNext(next))
}

type twoFactorView struct {
	Status *auth.TwoFactorStatus
	// Enrolment: the secret waiting for confirmation, its QR code as a PNG
	// data URL, and the secret grouped for typing.
	Secret        string
	SecretGrouped string
	QR            template.URL
	// Recovery are the codes shown once, right after turning it on.
	Recovery []string
	// Due: sent here by a role that requires it.
	Due   bool
	Error string
}

// twoFactorPage shows the state of the user's two-factor sign-in, and
// for one without it a new secret to set up.
func (u *workspace) twoFactorPage(c *fiber.Ctx) error {
	return u.showTwoFactor(c, http.StatusOK, nil, "", "")
}

func (u *workspace) showTwoFactor(c *fiber.Ctx, status int, recovery []string, msg, notice string) error {
	l := webkit.PageLang(c)
	p := pagekit.UIPrincipal(c)
	st, err := u.Auth.TwoFactor(c.UserContext(), p.User)
	if err != nil {
		return err
	}
	d := twoFactorView{Status: st, Recovery: recovery, Due: p.TwoFactorDue && !st.Enabled, Error: msg}
	if st.Available && !st.Enabled {
		en, err := u.Auth.BeginTOTP(c.UserContext(), p.User)
		if err != nil {
			return err
		}
		qr, err := qrDataURL(en.URL)
		if err != nil {
			return err
		}
		d.Secret, d.SecretGrouped, d.QR = en.Secret, groupSecret(en.Secret), qr
	}
	return u.Render(c, status, "two_factor", &pagekit.View{Lang: l, Title: webkit.Text(l, "tf_heading"), Area: "app", Nav: "two-factor",
		HasErrors: msg != "", Notice: notice, Data: d})
}

// twoFactorSubmit confirms the enrolment with a code, or (action=off)
// turns two-factor sign-in off with a code.
func (u *workspace) twoFactorSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	p := pagekit.UIPrincipal(c)
	code := sub.First("code")
	if sub.First("action") == "off" {
		err := u.Auth.DisableTOTP(c.UserContext(), p.User, code, u.clients.Key(c))
		if fault.KindOf(err) == fault.Invalid {
			return u.showTwoFactor(c, http.StatusUnprocessableEntity, nil, webkit.Text(l, "otp_wrong"), "")
		}
		if answer, ok := webkit.FaultError(err).(*webkit.Error); ok && answer.Status == http.StatusTooManyRequests {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(answer.RetryAfter))
			return u.showTwoFactor(c, answer.Status, nil, fmt.Sprintf(webkit.Text(l, "login_throttled"), answer.RetryAfter), "")
		}
		if err != nil {
			return err
		}
		return u.showTwoFactor(c, http.StatusOK, nil, "", webkit.Text(l, "tf_turned_off"))
	}
	recovery, err := u.Auth.ConfirmTOTP(c.UserContext(), p.User, code)
	if fault.KindOf(err) == fault.Invalid {
		return u.showTwoFactor(c, http.StatusUnprocessableEntity, nil, webkit.Text(l, "otp_wrong"), "")
	}
	if err != nil {
		return err
	}
	// The page of this post shows the recovery codes, once; reloading it
	// asks the browser to post again, which the conflict refuses.
	p.TwoFactorDue = false
	return u.showTwoFactor(c, http.StatusOK, recovery, "", webkit.Text(l, "tf_turned_on"))
}

// qrDataURL renders the otpauth:// key as a PNG QR code in a data URL, so
// the page shows it without a script or a second request.
func qrDataURL(keyURL string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(keyURL)
	if err != nil {
		return "", fmt.Errorf("web: two-factor key: %w", err)
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return "", fmt.Errorf("web: two-factor QR code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("web: two-factor QR code: %w", err)
	}
	// The value is built here from a PNG, never from input.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

// groupSecret writes the secret in groups of four, which is easier to type
// into an app; the apps ignore the spaces.
func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
