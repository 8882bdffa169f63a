package workspace

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// Signing in to the workspace with a password (and the directory when one
// is defined), and out.

type loginView struct {
	Name  string
	Next  string
	Error string
	// SignOns are the OpenID providers to sign in with (login_oidc.go).
	SignOns []signOnButton
	OrText  string
}

func (u *workspace) loginPage(c *fiber.Ctx) error {
	if pagekit.UIPrincipal(c) != nil {
		return pagekit.SeeOther(c, safeNext(c.Query("next")))
	}
	return u.showLogin(c, http.StatusOK, "", "")
}

func (u *workspace) showLogin(c *fiber.Ctx, status int, name, msg string) error {
	l := webkit.PageLang(c)
	next := safeNext(c.Query("next", c.FormValue("next")))
	return u.Render(c, status, "login", &pagekit.View{Lang: l, Title: webkit.Text(l, "login_heading"), Area: "app", Nav: "login", HasErrors: msg != "",
		Data: loginView{Name: name, Next: next, Error: msg, SignOns: u.signOnButtons(c, next), OrText: signOnText(l, "login_or")}})
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) {
		return "/app/"
	}
	return next
}

func (u *workspace) loginSubmit(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	l := webkit.PageLang(c)
	name := sub.First("name")
	s, err := u.Auth.Login(c.UserContext(), name, sub.First("password"), u.clients.Key(c))
	if done, serr := u.secondFactorStep(c, err, sub.First("next")); done {
		return serr
	}
	if err != nil {
		// The page answers with the status of the API's table and says it
		// in the form.
		answer, ok := webkit.FaultError(err).(*webkit.Error)
		switch {
		case ok && answer.Status == http.StatusTooManyRequests:
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(answer.RetryAfter))
			return u.showLogin(c, answer.Status, name, fmt.Sprintf(webkit.Text(l, "login_throttled"), answer.RetryAfter))
		case ok && answer.Status == http.StatusUnauthorized:
			return u.showLogin(c, answer.Status, name, webkit.Text(l, "login_failed"))
		case ok && answer.Code == webkit.CodeDirectoryUnavailable:
			// Said on the form, where the person can try again; local
			// accounts still sign in meanwhile.
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(answer.RetryAfter))
			return u.showLogin(c, answer.Status, name, webkit.Message(l, webkit.CodeDirectoryUnavailable, answer.Status))
		}
		return err
	}
	c.Cookie(&fiber.Cookie{Name: webkit.SessionCookie, Value: s.Token, HTTPOnly: true, SameSite: "Lax",
		Secure: c.Protocol() == "https", Path: "/", Expires: s.Expires})
	return pagekit.SeeOther(c, safeNext(sub.First("next")))
}

func (u *workspace) logout(c *fiber.Ctx) error {
	sub, err := u.ParseBody(c)
	if err != nil {
		return err
	}
	if err := u.CheckPost(c, sub.First("_csrf")); err != nil {
		return err
	}
	// Asked before the session ends: the cookie names the provider only
	// for the session it was made with.
	provider := u.signOnLogoutURL(c)
	if token := c.Cookies(webkit.SessionCookie); token != "" {
		_ = u.Auth.Logout(c.UserContext(), token)
	}
	c.ClearCookie(webkit.SessionCookie)
	if provider != "" {
		return u.signedOutPage(c, provider)
	}
	return pagekit.SeeOther(c, "/app/login")
}

// inboxView is the data of the inbox page.
