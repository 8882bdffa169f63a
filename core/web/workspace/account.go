package workspace

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The staff's own account (/app/account): change the password, see and
// revoke one's API tokens. And the page a password reset link leads to
// (/app/password/TOKEN), which needs no sign-in: the link is the
// credential.

func (u *workspace) registerAccount(staffOnly fiber.Router) {
	staffOnly.Get("/account", u.account)
	staffOnly.Post("/account/password", u.accountPassword)
	staffOnly.Post("/account/tokens/:id/revoke", u.accountRevokeToken)
}

// registerPasswordPage adds the page of reset links; it must come before
// the routes that require a sign-in (Fiber runs handlers in the order
// they were added).
func (u *workspace) registerPasswordPage(appGroup fiber.Router) {
	appGroup.Get("/password/:token", u.passwordPage)
	appGroup.Post("/password/:token", u.passwordSubmit)
}

type accountView struct {
	User      *auth.User
	Directory bool
	Tokens    []auth.Token
	Form      *pagekit.UserForm
	MinLength int
}

func (u *workspace) account(c *fiber.Ctx) error {
	return u.showAccount(c, http.StatusOK, nil, pagekit.UserNotice(webkit.PageLang(c), c.Query("notice")))
}

func (u *workspace) showAccount(c *fiber.Ctx, status int, form *pagekit.UserForm, notice string) error {
	l := webkit.PageLang(c)
	p := pagekit.UIPrincipal(c)
	usr, err := u.Auth.User(c.UserContext(), p.User)
	if err != nil {
		return webkit.FaultError(err)
	}
	tokens, err := u.Auth.OwnTokens(c.UserContext(), p)
	if err != nil {
		return webkit.FaultError(err)
	}
	if form == nil {
		form = u.EmptyUserForm()
	}
	usr.PasswordHash = ""
	return u.Render(c, status, "account", &pagekit.View{Lang: l, Title: webkit.Text(l, "account_heading"), Area: "app", Nav: "account", Notice: notice,
		HasErrors: len(form.Errors) > 0, Data: accountView{User: usr, Directory: usr.External(), Tokens: tokens, Form: form,
			MinLength: u.Auth.MinPasswordLength()}})
}

func (u *workspace) accountPassword(c *fiber.Ctx) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	s, err := u.Auth.ChangeOwnPassword(c.UserContext(), pagekit.UIPrincipal(c), sub.First("current_password"), sub.First("new_password"), u.clients.Key(c), true)
	if err != nil {
		form := u.EmptyUserForm()
		if form.SetErrors(webkit.PageLang(c), u.Auth.MinPasswordLength(), err) {
			return u.showAccount(c, http.StatusUnprocessableEntity, form, "")
		}
		return webkit.FaultError(err)
	}
	// Every session ended with the change; this browser gets a new one.
	webkit.SetSessionCookie(c, s.Token, s.Expires)
	return pagekit.SeeOther(c, "/app/account?notice=password_changed")
}

func (u *workspace) accountRevokeToken(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	if err := u.Auth.RevokeOwnToken(c.UserContext(), pagekit.UIPrincipal(c), c.Params("id")); err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, "/app/account?notice=token_revoked")
}

type passwordView struct {
	User      string
	Token     string
	Form      *pagekit.UserForm
	MinLength int
	Done      bool
}

func (u *workspace) passwordPage(c *fiber.Ctx) error {
	user, err := u.Auth.CheckResetLink(c.UserContext(), c.Params("token"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.showPassword(c, http.StatusOK, passwordView{User: user, Token: c.Params("token"), Form: u.EmptyUserForm()})
}

func (u *workspace) showPassword(c *fiber.Ctx, status int, d passwordView) error {
	l := webkit.PageLang(c)
	d.MinLength = u.Auth.MinPasswordLength()
	// The token is in the path: the Referrer-Policy every page has
	// (same-origin, securityHeaders) keeps it from other sites.
	return u.Render(c, status, "password", &pagekit.View{Lang: l, Title: webkit.Text(l, "password_heading"), Area: "app", Nav: "login",
		HasErrors: len(d.Form.Errors) > 0, Data: d})
}

func (u *workspace) passwordSubmit(c *fiber.Ctx) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	token := c.Params("token")
	l := webkit.PageLang(c)
	password := sub.First("password")
	if password != sub.First("password_repeat") {
		user, err := u.Auth.CheckResetLink(c.UserContext(), token)
		if err != nil {
			return webkit.FaultError(err)
		}
		form := u.EmptyUserForm()
		form.ErrorOf["password_repeat"] = webkit.Text(l, "password_mismatch")
		form.Errors = []fault.FieldError{{Field: "password_repeat", Message: webkit.Text(l, "password_mismatch")}}
		return u.showPassword(c, http.StatusUnprocessableEntity, passwordView{User: user, Token: token, Form: form})
	}
	user, err := u.Auth.SetPasswordByLink(c.UserContext(), token, password)
	if err != nil {
		form := u.EmptyUserForm()
		if errors.Is(err, fault.Invalid) && form.SetErrors(l, u.Auth.MinPasswordLength(), err) {
			user, _ := u.Auth.CheckResetLink(c.UserContext(), token)
			return u.showPassword(c, http.StatusUnprocessableEntity, passwordView{User: user, Token: token, Form: form})
		}
		return webkit.FaultError(err)
	}
	return u.showPassword(c, http.StatusOK, passwordView{User: user, Form: u.EmptyUserForm(), Done: true})
}
