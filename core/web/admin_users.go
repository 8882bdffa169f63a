package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
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

func (u *ui) registerAdminUsers(admin fiber.Router) {
	admin.Get("/users", u.adminUsers)
	admin.Post("/users", u.adminCreateUser)
	admin.Get("/users/:name", u.adminUser)
	admin.Post("/users/:name", u.adminEditUser)
	admin.Post("/users/:name/disable", u.adminDisableUser(true))
	admin.Post("/users/:name/enable", u.adminDisableUser(false))
	admin.Post("/users/:name/password-reset", u.adminResetLink)
	admin.Post("/users/:name/sessions/revoke", u.adminRevokeSessions)
	admin.Post("/users/:name/two-factor/reset", u.adminResetTwoFactor)
	admin.Post("/users/:name/tokens/:id/revoke", u.adminRevokeToken)
	admin.Get("/audit", u.adminAudit)
}

// choice is one checkbox of a role or team.
type choice struct {
	ID      string
	Title   definition.Label
	Checked bool
}

// userForm is the data of the form of a user, new or edited: the values
// shown (the posted ones when refused) and the errors by field.
type userForm struct {
	Name, DisplayName, Email, Manager, Lang string
	Version                                 int64
	Roles, Teams                            []choice
	// Errors are in the order of the form; ErrorOf by field.
	Errors  []fault.FieldError
	ErrorOf map[string]string
	// MinPassword is the shortest password, said next to a new one.
	MinPassword int
}

func (u *ui) emptyForm() *userForm {
	return &userForm{ErrorOf: map[string]string{}, MinPassword: u.Auth.MinPasswordLength()}
}

func (u *ui) newUserForm(usr *auth.User) *userForm {
	cat := u.Catalog()
	f := &userForm{Name: usr.Name, DisplayName: usr.DisplayName, Email: usr.Email, Manager: usr.Manager, Lang: usr.Lang,
		Version: usr.Version, ErrorOf: map[string]string{}, MinPassword: u.Auth.MinPasswordLength()}
	f.Roles = append(f.Roles, choice{ID: auth.RoleAdmin, Title: definition.Label{De: "Administration", En: "Administrator"}, Checked: slices.Contains(usr.Roles, auth.RoleAdmin)})
	for _, r := range cat.Roles() {
		if r.ID.Value != auth.RoleAdmin {
			f.Roles = append(f.Roles, choice{ID: r.ID.Value, Title: r.Title, Checked: slices.Contains(usr.Roles, r.ID.Value)})
		}
	}
	for _, t := range cat.Teams() {
		f.Teams = append(f.Teams, choice{ID: t.ID.Value, Title: t.Title, Checked: slices.Contains(usr.Teams, t.ID.Value)})
	}
	return f
}

// formFields is the order of the form's fields, for the error summary.
var formFields = []string{"name", "display_name", "email", "roles", "teams", "manager", "lang", "password", "disabled", "version",
	"current_password", "new_password"}

// setErrors puts the field errors of err into the form in l; false when
// err has none.
func (f *userForm) setErrors(l lang, minPassword int, err error) bool {
	fields := fault.FieldsOf(err)
	if fields == nil {
		return false
	}
	for _, fe := range fields {
		if msg, ok := webkit.UserFieldText(l, fe, minPassword); ok {
			fe.Message = msg
		} else {
			fe.Message = webkit.FieldMessage(l, fe)
		}
		if _, seen := f.ErrorOf[fe.Field]; !seen {
			f.ErrorOf[fe.Field] = fe.Message
			f.Errors = append(f.Errors, fe)
		}
	}
	slices.SortStableFunc(f.Errors, func(a, b fault.FieldError) int {
		return slices.Index(formFields, a.Field) - slices.Index(formFields, b.Field)
	})
	return true
}

// postedUser reads the form of a user.
func postedUser(sub *pagekit.Submission) auth.NewUser {
	return auth.NewUser{Name: sub.First("name"), DisplayName: sub.First("display_name"), Email: sub.First("email"),
		Roles: sub.Values["roles"], Teams: sub.Values["teams"], Manager: sub.First("manager"), Lang: sub.First("lang"),
		Password: sub.First("password")}
}

type adminUsersView struct {
	Users []auth.User
	Teams []*definition.Team
	Roles []*definition.Role
	Form  *userForm
}

// maxListedUsers bounds the user list; an installation with more users
// administers them with the API.
const maxListedUsers = 1000

func (u *ui) adminUsers(c *fiber.Ctx) error {
	return u.showUsers(c, http.StatusOK, u.newUserForm(&auth.User{}), userNotice(webkit.PageLang(c), c.Query("notice")))
}

func (u *ui) showUsers(c *fiber.Ctx, status int, form *userForm, notice string) error {
	l := webkit.PageLang(c)
	users, err := u.Auth.AdminListUsers(c.UserContext(), uiPrincipal(c), "", maxListedUsers)
	if err != nil {
		return webkit.FaultError(err)
	}
	cat := u.Catalog()
	return u.render(c, status, "admin_users", &view{Lang: l, Title: webkit.Text(l, "users_heading"), Area: "admin", Nav: "users",
		Notice: notice, HasErrors: len(form.Errors) > 0, Data: adminUsersView{Users: users, Teams: cat.Teams(), Roles: cat.Roles(), Form: form}})
}

// readAdminPost parses a post of the admin pages and checks its CSRF
// token.
func (u *ui) readAdminPost(c *fiber.Ctx) (*pagekit.Submission, error) {
	sub, err := u.parseBody(c)
	if err != nil {
		return nil, err
	}
	if err := u.checkPost(c, sub.First("_csrf")); err != nil {
		return nil, err
	}
	return sub, nil
}

func (u *ui) adminCreateUser(c *fiber.Ctx) error {
	sub, err := u.readAdminPost(c)
	if err != nil {
		return err
	}
	nu := postedUser(sub)
	created, err := u.Auth.AdminCreateUser(c.UserContext(), uiPrincipal(c), nu)
	if err != nil {
		form := u.newUserForm(&auth.User{Name: nu.Name, DisplayName: nu.DisplayName, Email: nu.Email, Roles: nu.Roles, Teams: nu.Teams,
			Manager: nu.Manager, Lang: nu.Lang})
		if errors.Is(err, auth.ErrUserExists) {
			err = fault.Fields(fault.FieldError{Field: "name", Code: webkit.CodeNameTaken})
		}
		if form.setErrors(webkit.PageLang(c), u.Auth.MinPasswordLength(), err) {
			return u.showUsers(c, http.StatusUnprocessableEntity, form, "")
		}
		return webkit.FaultError(err)
	}
	return seeOther(c, userPath(created.Name)+"?notice=user_created")
}

func userPath(name string) string { return "/admin/users/" + url.PathEscape(name) }

type adminUserView struct {
	User      *auth.User
	Form      *userForm
	Directory bool
	Tokens    []auth.Token
	Self      bool
	// Link is the password reset link just made, shown once.
	Link    string
	Expires time.Time
}

func (u *ui) adminUser(c *fiber.Ctx) error {
	return u.showUser(c, http.StatusOK, nil, userNotice(webkit.PageLang(c), c.Query("notice")), nil)
}

// showUser renders a user's page; form, when given, is a refused edit to
// show again.
func (u *ui) showUser(c *fiber.Ctx, status int, form *userForm, notice string, link *auth.ResetLink) error {
	l := webkit.PageLang(c)
	p := uiPrincipal(c)
	usr, err := u.Auth.AdminUser(c.UserContext(), p, c.Params("name"))
	if err != nil {
		return webkit.FaultError(err)
	}
	tokens, err := u.Auth.AdminListTokens(c.UserContext(), p, usr.Name)
	if err != nil {
		return webkit.FaultError(err)
	}
	if form == nil {
		form = u.newUserForm(usr)
	}
	d := adminUserView{User: usr, Form: form, Directory: usr.External(), Tokens: tokens, Self: usr.Name == p.User}
	if link != nil {
		d.Link = c.BaseURL() + webkit.ResetPath(link.Token)
		d.Expires = link.Expires
	}
	return u.render(c, status, "admin_user", &view{Lang: l, Title: webkit.Text(l, "user_heading") + " " + usr.Name, Area: "admin", Nav: "users",
		Notice: notice, HasErrors: len(form.Errors) > 0, Data: d})
}

func postedVersionValue(sub *pagekit.Submission) int64 {
	v, _ := strconv.ParseInt(sub.First("_version"), 10, 64)
	return v
}

func (u *ui) adminEditUser(c *fiber.Ctx) error {
	sub, err := u.readAdminPost(c)
	if err != nil {
		return err
	}
	nu := postedUser(sub)
	ch := auth.UserChange{DisplayName: &nu.DisplayName, Email: &nu.Email, Roles: &nu.Roles, Teams: &nu.Teams, Manager: &nu.Manager, Lang: &nu.Lang}
	version := postedVersionValue(sub)
	_, err = u.Auth.AdminUpdateUser(c.UserContext(), uiPrincipal(c), c.Params("name"), version, ch)
	l := webkit.PageLang(c)
	if err != nil {
		form := u.newUserForm(&auth.User{Name: c.Params("name"), DisplayName: nu.DisplayName, Email: nu.Email, Roles: nu.Roles, Teams: nu.Teams,
			Manager: nu.Manager, Lang: nu.Lang, Version: version})
		switch {
		case form.setErrors(l, u.Auth.MinPasswordLength(), err):
			return u.showUser(c, http.StatusUnprocessableEntity, form, "", nil)
		case errors.Is(err, fault.Conflict):
			// Someone changed the user meanwhile: show what is stored now.
			return u.showUser(c, http.StatusConflict, nil, webkit.Text(l, "user_conflict"), nil)
		}
		return webkit.FaultError(err)
	}
	return seeOther(c, userPath(c.Params("name"))+"?notice=user_saved")
}

func (u *ui) adminDisableUser(disable bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sub, err := u.readAdminPost(c)
		if err != nil {
			return err
		}
		_, err = u.Auth.AdminUpdateUser(c.UserContext(), uiPrincipal(c), c.Params("name"), postedVersionValue(sub), auth.UserChange{Disabled: &disable})
		l := webkit.PageLang(c)
		switch {
		case errors.Is(err, fault.Conflict):
			return u.showUser(c, http.StatusConflict, nil, webkit.Text(l, "user_conflict"), nil)
		case fault.FieldsOf(err) != nil:
			form := u.emptyForm()
			form.setErrors(l, 0, err)
			return u.showUser(c, http.StatusUnprocessableEntity, nil, form.Errors[0].Message, nil)
		case err != nil:
			return webkit.FaultError(err)
		}
		notice := "user_enabled"
		if disable {
			notice = "user_disabled"
		}
		return seeOther(c, userPath(c.Params("name"))+"?notice="+notice)
	}
}

// adminResetLink makes a reset link and shows it on the user's page: the
// answer to the post, not a redirect, so the link is never in a URL the
// browser keeps.
func (u *ui) adminResetLink(c *fiber.Ctx) error {
	if _, err := u.readAdminPost(c); err != nil {
		return err
	}
	link, err := u.Auth.AdminResetLink(c.UserContext(), uiPrincipal(c), c.Params("name"))
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.showUser(c, http.StatusOK, nil, webkit.Text(webkit.PageLang(c), "notice_reset_link"), link)
}

func (u *ui) adminRevokeSessions(c *fiber.Ctx) error {
	if _, err := u.readAdminPost(c); err != nil {
		return err
	}
	if err := u.Auth.AdminRevokeSessions(c.UserContext(), uiPrincipal(c), c.Params("name")); err != nil {
		return webkit.FaultError(err)
	}
	return seeOther(c, userPath(c.Params("name"))+"?notice=sessions_revoked")
}

func (u *ui) adminResetTwoFactor(c *fiber.Ctx) error {
	if _, err := u.readAdminPost(c); err != nil {
		return err
	}
	if err := u.Auth.AdminResetTwoFactor(c.UserContext(), uiPrincipal(c), c.Params("name")); err != nil {
		return webkit.FaultError(err)
	}
	return seeOther(c, userPath(c.Params("name"))+"?notice=two_factor_reset")
}

func (u *ui) adminRevokeToken(c *fiber.Ctx) error {
	if _, err := u.readAdminPost(c); err != nil {
		return err
	}
	if err := u.Auth.AdminRevokeToken(c.UserContext(), uiPrincipal(c), c.Params("name"), c.Params("id")); err != nil {
		return webkit.FaultError(err)
	}
	return seeOther(c, userPath(c.Params("name"))+"?notice=token_revoked")
}

type adminAuditView struct {
	Entries []auth.AuditEntry
	Next    int64
	First   bool
}

// auditPage is how many entries a page of the audit log shows.
const auditPage = 50

func (u *ui) adminAudit(c *fiber.Ctx) error {
	l := webkit.PageLang(c)
	before, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || before < 0 {
		return &webkit.Error{Status: http.StatusBadRequest, Code: webkit.CodeBadRequest, Cause: err}
	}
	entries, next, err := u.Auth.AuditLog(c.UserContext(), uiPrincipal(c), before, auditPage)
	if err != nil {
		return webkit.FaultError(err)
	}
	return u.render(c, http.StatusOK, "admin_audit", &view{Lang: l, Title: webkit.Text(l, "audit_heading"), Area: "admin", Nav: "audit",
		Data: adminAuditView{Entries: entries, Next: next, First: before == 0}})
}
