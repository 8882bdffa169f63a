package web

import (
	"vorgang/core/auth"
	"vorgang/core/web/internal/webkit"
)

// userArgs are what the templates of a user's form get (templates/_user.html).
type userArgs struct {
	V     *view
	Form  *userForm
	Field string
	// Label is the page text key of the field's label.
	Label, Value, Type, Auto string
	Help                     string
	Choices                  []choice
	// Source is a user's source, for the "user_source" template.
	Source string
}

func userFieldArgs(v *view, f *userForm, field, label, value, typ, auto string) userArgs {
	a := userArgs{V: v, Form: f, Field: field, Label: label, Value: value, Type: typ, Auto: auto}
	if (field == "password" || field == "new_password") && f.MinPassword > 0 {
		a.Help = v.T("password_help", f.MinPassword)
	}
	return a
}

func userChoiceArgs(v *view, f *userForm, field, label string, choices []choice) userArgs {
	return userArgs{V: v, Form: f, Field: field, Label: label, Choices: choices}
}

type tokenArgs struct {
	V      *view
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
}

// auditAction is an action of the audit log in words; an action without
// a text shows as it is stored.
func auditAction(v *view, action string) string {
	if key, ok := auditActions[action]; ok {
		return v.T(key)
	}
	return action
}

// userNotice is the notice a page of user administration shows after a
// change (?notice=KEY); an unknown key shows nothing.
func userNotice(l lang, key string) string {
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
