package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// The user administration of the API (/api/v1/users…, /api/v1/audit-log)
// and the caller's own account (/api/v1/me/…). Who may do what is decided
// in core/auth; these handlers decode, call and answer.

func registerUsers(v1 fiber.Router, a *api) {
	v1.Get("/users", a.listUsers)
	v1.Post("/users", a.createUser)
	v1.Get("/users/:name", a.getUser)
	v1.Patch("/users/:name", a.updateUser)
	v1.Post("/users/:name/password-reset", a.resetLink)
	v1.Delete("/users/:name/sessions", a.userChange(func(c *fiber.Ctx, p *auth.Principal) error {
		return a.Auth.AdminRevokeSessions(c.UserContext(), p, c.Params("name"))
	}))
	v1.Delete("/users/:name/two-factor", a.userChange(func(c *fiber.Ctx, p *auth.Principal) error {
		return a.Auth.AdminResetTwoFactor(c.UserContext(), p, c.Params("name"))
	}))
	v1.Get("/users/:name/tokens", a.userTokens)
	v1.Delete("/users/:name/tokens/:id", a.userChange(func(c *fiber.Ctx, p *auth.Principal) error {
		return a.Auth.AdminRevokeToken(c.UserContext(), p, c.Params("name"), c.Params("id"))
	}))
	v1.Get("/audit-log", a.auditLog)
	v1.Post("/me/password", a.changeOwnPassword)
	v1.Get("/me/tokens", a.ownTokens)
	v1.Delete("/me/tokens/:id", a.userChange(func(c *fiber.Ctx, p *auth.Principal) error {
		return a.Auth.RevokeOwnToken(c.UserContext(), p, c.Params("id"))
	}))
	v1.Post("/password-reset", a.setPasswordByLink)
}

// userJSON is a user as the API shows it: never a password hash, and for
// a directory user the fields the directory manages.
type userJSON struct {
	*auth.User
	DirectoryManaged []string `json:"directory_managed,omitempty"`
}

func toUserJSON(u *auth.User) userJSON {
	out := userJSON{User: u}
	if u.External() {
		out.DirectoryManaged = auth.DirectoryManaged
	}
	return out
}

// userRequest is the body of POST /users (name required) and PATCH
// /users/NAME (version required); absent fields stay as they are.
type userRequest struct {
	Name        string    `json:"name"`
	Version     int64     `json:"version"`
	DisplayName *string   `json:"display_name"`
	Email       *string   `json:"email"`
	Roles       *[]string `json:"roles"`
	Teams       *[]string `json:"teams"`
	Manager     *string   `json:"manager"`
	Lang        *string   `json:"lang"`
	Disabled    *bool     `json:"disabled"`
	Password    string    `json:"password"`
}

func (r *userRequest) change() auth.UserChange {
	return auth.UserChange{DisplayName: r.DisplayName, Email: r.Email, Roles: r.Roles, Teams: r.Teams,
		Manager: r.Manager, Lang: r.Lang, Disabled: r.Disabled}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (r *userRequest) newUser() auth.NewUser {
	return auth.NewUser{Name: r.Name, DisplayName: deref(r.DisplayName), Email: deref(r.Email), Roles: deref(r.Roles),
		Teams: deref(r.Teams), Manager: deref(r.Manager), Lang: deref(r.Lang), Password: r.Password}
}

// userFault answers an error of user administration, with the field
// errors in the caller's language.
func userFault(l webkit.Lang, minPassword int, err error) error {
	out := webkit.FaultError(err)
	if e, ok := out.(*webkit.Error); ok {
		for i := range e.Fields {
			if msg, ok := webkit.UserFieldText(l, e.Fields[i], minPassword); ok {
				e.Fields[i].Message = msg
			}
		}
	}
	return out
}

// userChange is the handler of a change to an account that answers with
// nothing: change runs for the signed-in staff member, and its error is
// answered as userFault does.
func (a *api) userChange(change func(c *fiber.Ctx, p *auth.Principal) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := staff(c)
		if err != nil {
			return err
		}
		if err := change(c, p); err != nil {
			return a.userFault(c, err)
		}
		return c.SendStatus(http.StatusNoContent)
	}
}

func (a *api) userFault(c *fiber.Ctx, err error) error {
	return userFault(webkit.RequestLang(c), a.Auth.MinPasswordLength(), err)
}

// MaxUserPage bounds a page of GET /users.
const maxUserPage = 200

func (a *api) listUsers(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	limit := c.QueryInt("limit", maxUserPage)
	if limit < 1 || limit > maxUserPage {
		return &webkit.Error{Status: http.StatusUnprocessableEntity, Code: string(fault.Invalid),
			Fields: []fault.FieldError{{Field: "limit", Code: auth.CodeInvalidFormat, Message: webkit.Message(webkit.RequestLang(c), "limit_range", 422)}}}
	}
	users, err := a.Auth.AdminListUsers(c.UserContext(), p, c.Query("after"), limit+1)
	if err != nil {
		return a.userFault(c, err)
	}
	next := ""
	if len(users) > limit {
		users = users[:limit]
		next = users[limit-1].Name
	}
	out := make([]userJSON, len(users))
	for i := range users {
		out[i] = toUserJSON(&users[i])
	}
	return c.JSON(fiber.Map{"users": out, "next": next})
}

func (a *api) createUser(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req userRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := a.Auth.AdminCreateUser(c.UserContext(), p, req.newUser())
	if errors.Is(err, auth.ErrUserExists) {
		// A conflict of its own: the generic one speaks of data changed
		// meanwhile.
		l := webkit.RequestLang(c)
		msg, _ := webkit.UserFieldText(l, fault.FieldError{Field: "name", Code: webkit.CodeNameTaken}, 0)
		return &webkit.Error{Status: http.StatusConflict, Code: webkit.CodeUserExists, Cause: err,
			Fields: []fault.FieldError{{Field: "name", Code: webkit.CodeNameTaken, Message: msg}}}
	}
	if err != nil {
		return a.userFault(c, err)
	}
	c.Location("/api/v1/users/" + u.Name)
	return c.Status(http.StatusCreated).JSON(toUserJSON(u))
}

func (a *api) getUser(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	u, err := a.Auth.AdminUser(c.UserContext(), p, c.Params("name"))
	if err != nil {
		return a.userFault(c, err)
	}
	return c.JSON(toUserJSON(u))
}

func (a *api) updateUser(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req userRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := a.Auth.AdminUpdateUser(c.UserContext(), p, c.Params("name"), req.Version, req.change())
	if err != nil {
		return a.userFault(c, err)
	}
	return c.JSON(toUserJSON(u))
}

func (a *api) resetLink(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	link, err := a.Auth.AdminResetLink(c.UserContext(), p, c.Params("name"))
	if err != nil {
		return a.userFault(c, err)
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"user": link.User, "token": link.Token,
		"url": webkit.PublicBase(c, a.BaseURL) + webkit.ResetPath(link.Token), "expires": link.Expires})
}

func (a *api) userTokens(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	tokens, err := a.Auth.AdminListTokens(c.UserContext(), p, c.Params("name"))
	if err != nil {
		return a.userFault(c, err)
	}
	return c.JSON(fiber.Map{"tokens": tokens})
}

func (a *api) auditLog(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	before, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	limit := c.QueryInt("limit", 50)
	if err != nil || before < 0 || limit < 1 || limit > auth.MaxAuditPage {
		return &webkit.Error{Status: http.StatusUnprocessableEntity, Code: string(fault.Invalid),
			Fields: []fault.FieldError{{Field: "before", Code: auth.CodeInvalidFormat, Message: webkit.Message(webkit.RequestLang(c), "limit_range", 422)}}}
	}
	entries, next, err := a.Auth.AuditLog(c.UserContext(), p, before, limit)
	if err != nil {
		return a.userFault(c, err)
	}
	return c.JSON(fiber.Map{"entries": entries, "next": next})
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
	Token           string `json:"token"`
	Password        string `json:"password"`
}

// changeOwnPassword sets the caller's password. Every session ends, the
// caller's too (a browser session gets a new cookie); API tokens stay.
func (a *api) changeOwnPassword(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	cookie := c.Cookies(webkit.SessionCookie) != "" && credential(c) == c.Cookies(webkit.SessionCookie)
	s, err := a.Auth.ChangeOwnPassword(c.UserContext(), p, req.CurrentPassword, req.NewPassword, a.clients.Key(c), cookie)
	if err != nil {
		return a.userFault(c, err)
	}
	if s != nil {
		webkit.SetSessionCookie(c, s.Token, s.Expires)
	}
	return c.SendStatus(http.StatusNoContent)
}

func (a *api) ownTokens(c *fiber.Ctx) error {
	p, err := staff(c)
	if err != nil {
		return err
	}
	tokens, err := a.Auth.OwnTokens(c.UserContext(), p)
	if err != nil {
		return a.userFault(c, err)
	}
	return c.JSON(fiber.Map{"tokens": tokens})
}

// setPasswordByLink sets a password with the token of a reset link; it
// needs no credentials (the token is one).
func (a *api) setPasswordByLink(c *fiber.Ctx) error {
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	user, err := a.Auth.SetPasswordByLink(c.UserContext(), req.Token, req.Password)
	if err != nil {
		return a.userFault(c, err)
	}
	return c.JSON(fiber.Map{"user": user})
}
