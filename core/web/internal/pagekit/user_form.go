package pagekit

import (
	"html/template"
	"slices"
	"strconv"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/fault"
	"vorgang/core/web/internal/webkit"
)

// Choice is one checkbox of a role or team.
type Choice struct {
	ID      string
	Title   definition.Label
	Checked bool
}

// UserForm is the data of the form of a user, new or edited: the values
// shown (the posted ones when refused) and the errors by field.
type UserForm struct {
	Name, DisplayName, Email, Manager, Lang string
	Version                                 int64
	Roles, Teams                            []Choice
	// Errors are in the order of the form; ErrorOf by field.
	Errors  []fault.FieldError
	ErrorOf map[string]string
	// MinPassword is the shortest password, said next to a new one.
	MinPassword int
}

// EmptyUserForm is a user form without values.
func (u *Pages) EmptyUserForm() *UserForm {
	return &UserForm{ErrorOf: map[string]string{}, MinPassword: u.Auth.MinPasswordLength()}
}

// NewUserForm is the form of usr, with the roles and teams to choose from.
func (u *Pages) NewUserForm(usr *auth.User) *UserForm {
	cat := u.Catalog()
	f := &UserForm{Name: usr.Name, DisplayName: usr.DisplayName, Email: usr.Email, Manager: usr.Manager, Lang: usr.Lang,
		Version: usr.Version, ErrorOf: map[string]string{}, MinPassword: u.Auth.MinPasswordLength()}
	f.Roles = append(f.Roles, Choice{ID: auth.RoleAdmin, Title: definition.Label{De: "Administration", En: "Administrator"}, Checked: slices.Contains(usr.Roles, auth.RoleAdmin)})
	for _, r := range cat.Roles() {
		if r.ID.Value != auth.RoleAdmin {
			f.Roles = append(f.Roles, Choice{ID: r.ID.Value, Title: r.Title, Checked: slices.Contains(usr.Roles, r.ID.Value)})
		}
	}
	for _, t := range cat.Teams() {
		f.Teams = append(f.Teams, Choice{ID: t.ID.Value, Title: t.Title, Checked: slices.Contains(usr.Teams, t.ID.Value)})
	}
	return f
}

// userFormFields is the order of the form's fields, for the error summary.
var userFormFields = []string{"name", "display_name", "email", "roles", "teams", "manager", "lang", "password", "disabled", "version",
	"current_password", "new_password"}

// SetErrors puts the field errors of err into the form in l; false when
// err has none.
func (f *UserForm) SetErrors(l webkit.Lang, minPassword int, err error) bool {
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
		return slices.Index(userFormFields, a.Field) - slices.Index(userFormFields, b.Field)
	})
	return true
}

// PostedUser reads the form of a user.
func PostedUser(sub *Submission) auth.NewUser {
	return auth.NewUser{Name: sub.First("name"), DisplayName: sub.First("display_name"), Email: sub.First("email"),
		Roles: sub.Values["roles"], Teams: sub.Values["teams"], Manager: sub.First("manager"), Lang: sub.First("lang"),
		Password: sub.First("password")}
}

// PostedVersionValue is the posted _version of a user form, 0 when
// missing (auth answers a conflict).
func PostedVersionValue(sub *Submission) int64 {
	v, _ := strconv.ParseInt(sub.First("_version"), 10, 64)
	return v
}

// userArgs are what the templates of a user's form get (templates/_user.html).
type userArgs struct {
	V     *View
	Form  *UserForm
	Field string
	// Label is the page text key of the field's label.
	Label, Value, Type, Auto string
	Help                     string
	Choices                  []Choice
	// Source is a user's source, for the "user_source" template.
	Source string
}

// userFieldArgs are the arguments of one field of a user form.
func userFieldArgs(v *View, f *UserForm, field, label, value, typ, auto string) userArgs {
	a := userArgs{V: v, Form: f, Field: field, Label: label, Value: value, Type: typ, Auto: auto}
	if (field == "password" || field == "new_password") && f.MinPassword > 0 {
		a.Help = v.T("password_help", f.MinPassword)
	}
	return a
}

// userChoiceArgs are the arguments of the roles or teams of a user form.
func userChoiceArgs(v *View, f *UserForm, field, label string, choices []Choice) userArgs {
	return userArgs{V: v, Form: f, Field: field, Label: label, Choices: choices}
}

// tokenArgs are what the template of a list of API tokens gets
// (templates/_tokens.html).
type tokenArgs struct {
	V      *View
	Tokens []auth.Token
	// Action is the path a token's id and "/revoke" are added to.
	Action string
}

// auditActions are the page texts of the actions of the audit log.
var auditActions = map[string]string{
	auth.AuditUserCreated:       "audit_user_created",
	auth.AuditUserUpdated:       "audit_user_updated",
	auth.AuditUserDisabled:      "audit_user_disabled",
	auth.AuditUserEnabled:       "audit_user_enabled",
	auth.AuditResetLinkCreated:  "audit_reset_link",
	auth.AuditPasswordSetByLink: "audit_password_by_link",
	auth.AuditSessionsRevoked:   "audit_sessions_revoked",
	auth.AuditTokenRevoked:      "audit_token_revoked",
	auth.AuditTwoFactorReset:    "audit_two_factor_reset",
	auth.AuditOwnPassword:       "audit_own_password",
	auth.AuditOwnTokenRevoked:   "audit_own_token_revoked",
	auth.AuditAssetDeleted:      "audit_asset_deleted",
}

// auditAction is an action of the audit log in words; an action without
// a text shows as it is stored.
func auditAction(v *View, action string) string {
	if key, ok := auditActions[action]; ok {
		return v.T(key)
	}
	return action
}

// UserNotice is the notice a page of user administration shows after a
// change (?notice=KEY); an unknown key shows nothing.
func UserNotice(l webkit.Lang, key string) string {
	switch key {
	case "user_created":
		return webkit.Text(l, "notice_user_created")
	case "user_saved":
		return webkit.Text(l, "notice_user_saved")
	case "user_enabled":
		return webkit.Text(l, "notice_user_enabled")
	case "user_disabled":
		return webkit.Text(l, "notice_user_disabled")
	case "sessions_revoked":
		return webkit.Text(l, "notice_sessions_revoked")
	case "token_revoked":
		return webkit.Text(l, "notice_token_revoked")
	case "password_changed":
		return webkit.Text(l, "notice_password_changed")
	case "two_factor_reset":
		return webkit.Text(l, "notice_two_factor_reset")
	}
	return ""
}

// TemplateFuncs are the template functions of what the page areas share:
// the generated forms and data lists (templates/_form.html, _data.html),
// the user forms (_user.html, _tokens.html) and the audit log.
func TemplateFuncs() template.FuncMap {
	return template.FuncMap{
		"dataArgs": func(v *View, fields []DataField) dataListArgs { return dataListArgs{V: v, Fields: fields} },
		"formArgs": func(v *View, f any) formArgs {
			switch x := f.(type) {
			case FormView:
				return formArgs{V: v, Form: x}
			case *FormView:
				return formArgs{V: v, Form: *x}
			}
			return formArgs{V: v}
		},
		"fieldArgs":   userFieldArgs,
		"choiceArgs":  userChoiceArgs,
		"profileArgs": func(v *View, f *UserForm) userArgs { return userArgs{V: v, Form: f} },
		"sourceArgs":  func(v *View, source string) userArgs { return userArgs{V: v, Source: source} },
		"auditAction": auditAction,
		"tokenArgs": func(v *View, t []auth.Token, action string) tokenArgs {
			return tokenArgs{V: v, Tokens: t, Action: action}
		},
	}
}
