package web

import (
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// codeNameTaken marks the name field of a create form when the user
// exists (the API answers 409 conflict instead).
const codeNameTaken = "taken"

// userFieldTexts put the field errors of user administration into words,
// by code: core/auth names the field and the code, the pages and the API
// say it in German or English. %d stands for the shortest password.
var userFieldTexts = map[string]map[lang]string{
	auth.CodeRequired:         {langDE: "Bitte füllen Sie dieses Feld aus.", langEN: "Please fill in this field."},
	auth.CodeInvalidFormat:    {langDE: "Die Eingabe hat nicht das erwartete Format.", langEN: "The entry does not have the expected format."},
	auth.CodeTooLong:          {langDE: "Die Eingabe ist zu lang.", langEN: "The entry is too long."},
	auth.CodeTooShort:         {langDE: "Das Passwort ist zu kurz: mindestens %d Zeichen.", langEN: "The password is too short: at least %d characters."},
	auth.CodeUnknownRole:      {langDE: "Diese Rolle ist nicht definiert.", langEN: "This role is not defined."},
	auth.CodeUnknownTeam:      {langDE: "Dieses Team ist nicht definiert.", langEN: "This team is not defined."},
	auth.CodeUnknownUser:      {langDE: "Diesen Benutzer gibt es nicht.", langEN: "There is no such user."},
	auth.CodeSelfReference:    {langDE: "Niemand kann die eigene Führungskraft sein.", langEN: "Nobody can be their own manager."},
	auth.CodeDirectoryManaged: {langDE: "Das verwaltet das Verzeichnis (LDAP/Active Directory) oder der Anmeldedienst; es kann hier nicht geändert werden.", langEN: "The directory (LDAP/Active Directory) or the sign-on provider manages this; it cannot be changed here."},
	auth.CodeSelfLockout:      {langDE: "Sie können sich nicht selbst sperren oder sich die eigenen Administrationsrechte nehmen.", langEN: "You cannot disable yourself or take away your own administrator rights."},
	codeNameTaken:             {langDE: "Diesen Benutzernamen gibt es schon.", langEN: "This user name is taken."},
	auth.CodeWrongPassword:    {langDE: "Das ist nicht Ihr aktuelles Passwort.", langEN: "This is not your current password."},
}

// userFieldNames are the words for the fields of a user, for error
// summaries that name the field.
var userFieldNames = map[string]map[lang]string{
	"name":             {langDE: "Benutzername", langEN: "User name"},
	"display_name":     {langDE: "Anzeigename", langEN: "Display name"},
	"email":            {langDE: "E-Mail-Adresse", langEN: "E-mail address"},
	"roles":            {langDE: "Rollen", langEN: "Roles"},
	"teams":            {langDE: "Teams", langEN: "Teams"},
	"manager":          {langDE: "Führungskraft", langEN: "Manager"},
	"lang":             {langDE: "Sprache", langEN: "Language"},
	"disabled":         {langDE: "Gesperrt", langEN: "Disabled"},
	"password":         {langDE: "Passwort", langEN: "Password"},
	"current_password": {langDE: "Aktuelles Passwort", langEN: "Current password"},
	"new_password":     {langDE: "Neues Passwort", langEN: "New password"},
	"version":          {langDE: "Version", langEN: "Version"},
}

// userFieldText is the sentence for a field error of user administration
// in l, naming the field; false for a code without one.
func userFieldText(l lang, fe fault.FieldError, minPassword int) (string, bool) {
	m, ok := userFieldTexts[fe.Code]
	if !ok {
		return "", false
	}
	msg := m[l]
	if fe.Code == auth.CodeTooShort {
		msg = fmt.Sprintf(msg, minPassword)
	}
	if name, ok := userFieldNames[fe.Field]; ok {
		msg = name[l] + ": " + msg
	}
	return msg, true
}

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
		return text(l, "notice_user_created")
	case "user_saved":
		return text(l, "notice_user_saved")
	case "user_enabled":
		return text(l, "notice_user_enabled")
	case "user_disabled":
		return text(l, "notice_user_disabled")
	case "sessions_revoked":
		return text(l, "notice_sessions_revoked")
	case "token_revoked":
		return text(l, "notice_token_revoked")
	case "password_changed":
		return text(l, "notice_password_changed")
	case "two_factor_reset":
		return text(l, "notice_two_factor_reset")
	}
	return ""
}
