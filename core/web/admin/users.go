package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/web/internal/pagekit"
	"vorgang/core/web/internal/webkit"
)

// The admin pages of user administration: the list of users with a form
// to create one, a user's page (edit, disable or enable, password reset
// link, sessions, API tokens) and the admin audit log. core/auth decides
// who may do what; these handlers read the form, call it and show the
// answer, with the field errors next to their fields.

func (u *admin) registerAdminUsers(r fiber.Router) {
	r.Get("/users", u.adminUsers)
	r.Post("/users", u.adminCreateUser)
	r.Get("/users/:name", u.adminUser)
	r.Post("/users/:name", u.adminEditUser)
	r.Post("/users/:name/disable", u.adminDisableUser(true))
	r.Post("/users/:name/enable", u.adminDisableUser(false))
	r.Post("/users/:name/password-reset", u.adminResetLink)
	r.Post("/users/:name/sessions/revoke", u.adminRevokeSessions)
	r.Post("/users/:name/two-factor/reset", u.adminResetTwoFactor)
	r.Post("/users/:name/tokens/:id/revoke", u.adminRevokeToken)
	r.Get("/audit", u.adminAudit)
}

type adminUsersView struct {
	Users []auth.User
	Teams []*definition.Team
	Roles []*definition.Role
	Form  *pagekit.UserForm
}

// maxListedUsers bounds the user list; an installation with more users
// administers them with the API.
const maxListedUsers = 1000

func (u *admin) adminUsers(c *fiber.Ctx) error {
	return u.showUsers(c, http.StatusOK, u.NewUserForm(&auth.User{}), pagekit.UserNotice(webkit.PageLang(c), c.Query("notice")))
}

func (u *admin) showUsers(c *fiber.Ctx, status int, form *pagekit.UserForm, notice string) error {
	l := webkit.PageLang(c)
	users, err := u.Auth.AdminListUsers(c.UserContext(), pagekit.UIPrincipal(c), "", maxListedUsers)
	if err != nil {
		return webkit.FaultError(err)
	}
	cat := u.Catalog()
	return u.Render(c, status, "admin_users", &pagekit.View{Lang: l, Title: webkit.Text(l, "users_heading"), Area: "admin", Nav: "users",
		Notice: notice, HasErrors: len(form.Errors) > 0, Data: adminUsersView{Users: users, Teams: cat.Teams(), Roles: cat.Roles(), Form: form}})
}

func (u *admin) adminCreateUser(c *fiber.Ctx) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	nu := pagekit.PostedUser(sub)
	created, err := u.Auth.AdminCreateUser(c.UserContext(), pagekit.UIPrincipal(c), nu)
	if err != nil {
		form := u.NewUserForm(&auth.User{Name: nu.Name, DisplayName: nu.DisplayName, Email: nu.Email, Roles: nu.Roles, Teams: nu.Teams,
			Manager: nu.Manager, Lang: nu.Lang})
		if errors.Is(err, auth.ErrUserExists) {
			err = fault.Fields(fault.FieldError{Field: "name", Code: webkit.CodeNameTaken})
		}
		if form.SetErrors(webkit.PageLang(c), u.Auth.MinPasswordLength(), err) {
			return u.showUsers(c, http.StatusUnprocessableEntity, form, "")
		}
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, userPath(created.Name)+"?notice=user_created")
}

func userPath(name string) string { return "/admin/users/" + url.PathEscape(name) }

type adminUserView struct {
	User      *auth.User
	Form      *pagekit.UserForm
	Directory bool
	Tokens    []auth.Token
	Self      bool
	// Link is the password reset link just made, shown once.
	Link    string
	Expires time.Time
}

func (u *admin) adminUser(c *fiber.Ctx) error {
	return u.showUser(c, http.StatusOK, nil, pagekit.UserNotice(webkit.PageLang(c), c.Query("notice")), nil)
}

// showUser renders a user's page; form, when given, is a refused edit to
// show again.
func (u *admin) showUser(c *fiber.Ctx, status int, form *pagekit.UserForm, notice string, link *auth.ResetLink) error {
	l := webkit.PageLang(c)
	p := pagekit.UIPrincipal(c)
	usr, err := u.Auth.AdminUser(c.UserContext(), p, c.Params("name"))
	if err != nil {
		return webkit.FaultError(err)
	}
	tokens, err := u.Auth.AdminListTokens(c.UserContext(), p, usr.Name)
	if err != nil {
		return webkit.FaultError(err)
	}
	if form == nil {
		form = u.NewUserForm(usr)
	}
	d := adminUserView{User: usr, Form: form, Directory: usr.External(), Tokens: tokens, Self: usr.Name == p.User}
	if link != nil {
		d.Link = webkit.PublicBase(c, u.BaseURL) + webkit.ResetPath(link.Token)
		d.Expires = link.Expires
	}
	return u.Render(c, status, "admin_user", &pagekit.View{Lang: l, Title: webkit.Text(l, "user_heading") + " " + usr.Name, Area: "admin", Nav: "users",
		Notice: notice, HasErrors: len(form.Errors) > 0, Data: d})
}

func (u *admin) adminEditUser(c *fiber.Ctx) error {
	sub, err := u.ReadPost(c)
	if err != nil {
		return err
	}
	nu := pagekit.PostedUser(sub)
	ch := auth.UserChange{DisplayName: &nu.DisplayName, Email: &nu.Email, Roles: &nu.Roles, Teams: &nu.Teams, Manager: &nu.Manager, Lang: &nu.Lang}
	version := pagekit.PostedVersionValue(sub)
	_, err = u.Auth.AdminUpdateUser(c.UserContext(), pagekit.UIPrincipal(c), c.Params("name"), version, ch)
	l := webkit.PageLang(c)
	if err != nil {
		form := u.NewUserForm(&auth.User{Name: c.Params("name"), DisplayName: nu.DisplayName, Email: nu.Email, Roles: nu.Roles, Teams: nu.Teams,
			Manager: nu.Manager, Lang: nu.Lang, Version: version})
		switch {
		case form.SetErrors(l, u.Auth.MinPasswordLength(), err):
			return u.showUser(c, http.StatusUnprocessableEntity, form, "", nil)
		case errors.Is(err, fault.Conflict):
			// Someone changed the user meanwhile: show what is stored now.
			return u.showUser(c, http.StatusConflict, nil, webkit.Text(l, "user_conflict"), nil)
		}
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, userPath(c.Params("name"))+"?notice=user_saved")
}

func (u *admin) adminDisableUser(disable bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sub, err := u.ReadPost(c)
		if err != nil {
			return err
		}
		_, err = u.Auth.AdminUpdateUser(c.UserContext(), pagekit.UIPrincipal(c), c.Params("name"), pagekit.PostedVersionValue(sub), auth.UserChange{Disabled: &disable})
		l := webkit.PageLang(c)
		switch {
		case errors.Is(err, fault.Conflict):
			return u.showUser(c, http.StatusConflict, nil, webkit.Text(l, "user_conflict"), nil)
		case fault.FieldsOf(err) != nil:
			form := u.EmptyUserForm()
			form.SetErrors(l, 0, err)
			return u.showUser(c, http.StatusUnprocessableEntity, nil, form.Errors[0].Message, nil)
		case err != nil:
			return webkit.FaultError(err)
		}
		notice := "user_enabled"
		if disable {
			notice = "user_disabled"
		}
		return pagekit.SeeOther(c, userPath(c.Params("name"))+"?notice="+notice)
	}
}

// adminResetLink makes a reset link and shows it on the user's page: the
// answer to the post, not a redirect, so the link is never in a URL the
// browser keeps.
func (u *admin) adminResetLink(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	link, err := u.Auth.AdminResetLink(c.UserContext(), pagekit.UIPrincipal(c), c.Params("name"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.showUser(c, http.StatusOK, nil, webkit.Text(webkit.PageLang(c), "notice_reset_link"), link)
}

func (u *admin) adminRevokeSessions(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	if err := u.Auth.AdminRevokeSessions(c.UserContext(), pagekit.UIPrincipal(c), c.Params("name")); err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, userPath(c.Params("name"))+"?notice=sessions_revoked")
}

func (u *admin) adminResetTwoFactor(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	if err := u.Auth.AdminResetTwoFactor(c.UserContext(), pagekit.UIPrincipal(c), c.Params("name")); err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, userPath(c.Params("name"))+"?notice=two_factor_reset")
}

func (u *admin) adminRevokeToken(c *fiber.Ctx) error {
	if _, err := u.ReadPost(c); err != nil {
		return err
	}
	if err := u.Auth.AdminRevokeToken(c.UserContext(), pagekit.UIPrincipal(c), c.Params("name"), c.Params("id")); err != nil {
		return webkit.FaultError(err)
	}
	return pagekit.SeeOther(c, userPath(c.Params("name"))+"?notice=token_revoked")
}

type adminAuditView struct {
	Entries []auth.AuditEntry
	Next    int64
	First   bool
}

// auditPage is how many entries a page of the audit log shows.
const auditPage = 50

func (u *admin) adminAudit(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	before, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || before < 0 {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Cause: err}
	}
	entries, next, err := u.Auth.AuditLog(c.UserContext(), pagekit.UIPrincipal(c), before, auditPage)
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.Render(c, http.StatusOK, "admin_audit", &pagekit.View{Lang: l, Title: webkit.Text(l, "audit_heading"), Area: "admin", Nav: "audit",
		Data: adminAuditView{Entries: entries, Next: next, First: before == 0}})
}
