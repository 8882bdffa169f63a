package webkit

import (
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

// CodeNameTaken marks the name field of a create form when the user
// exists (the API answers 409 conflict instead).
const CodeNameTaken = "taken"

// userFieldTexts put the field errors of user administration into words,
// by code: core/auth names the field and the code, the pages and the API
// say it in German or English. %d stands for the shortest password.
var userFieldTexts = map[string]map[Lang]string{
	auth.CodeRequired:         {LangDE: "Bitte füllen Sie dieses Feld aus.", LangEN: "Please fill in this field."},
	auth.CodeInvalidFormat:    {LangDE: "Die Eingabe hat nicht das erwartete Format.", LangEN: "The entry does not have the expected format."},
	auth.CodeTooLong:          {LangDE: "Die Eingabe ist zu lang.", LangEN: "The entry is too long."},
	auth.CodeTooShort:         {LangDE: "Das Passwort ist zu kurz: mindestens %d Zeichen.", LangEN: "The password is too short: at least %d characters."},
	auth.CodeUnknownRole:      {LangDE: "Diese Rolle ist nicht definiert.", LangEN: "This role is not defined."},
	auth.CodeUnknownTeam:      {LangDE: "Dieses Team ist nicht definiert.", LangEN: "This team is not defined."},
	auth.CodeUnknownUser:      {LangDE: "Diesen Benutzer gibt es nicht.", LangEN: "There is no such user."},
	auth.CodeSelfReference:    {LangDE: "Niemand kann die eigene Führungskraft sein.", LangEN: "Nobody can be their own manager."},
	auth.CodeDirectoryManaged: {LangDE: "Das verwaltet das Verzeichnis (LDAP/Active Directory) oder der Anmeldedienst; es kann hier nicht geändert werden.", LangEN: "The directory (LDAP/Active Directory) or the sign-on provider manages this; it cannot be changed here."},
	auth.CodeSelfLockout:      {LangDE: "Sie können sich nicht selbst sperren oder sich die eigenen Administrationsrechte nehmen.", LangEN: "You cannot disable yourself or take away your own administrator rights."},
	CodeNameTaken:             {LangDE: "Diesen Benutzernamen gibt es schon.", LangEN: "This user name is taken."},
	auth.CodeWrongPassword:    {LangDE: "Das ist nicht Ihr aktuelles Passwort.", LangEN: "This is not your current password."},
}

// userFieldNames are the words for the fields of a user, for error
// summaries that name the field.
var userFieldNames = map[string]map[Lang]string{
	"name":             {LangDE: "Benutzername", LangEN: "User name"},
	"display_name":     {LangDE: "Anzeigename", LangEN: "Display name"},
	"email":            {LangDE: "E-Mail-Adresse", LangEN: "E-mail address"},
	"roles":            {LangDE: "Rollen", LangEN: "Roles"},
	"teams":            {LangDE: "Teams", LangEN: "Teams"},
	"manager":          {LangDE: "Führungskraft", LangEN: "Manager"},
	"lang":             {LangDE: "Sprache", LangEN: "Language"},
	"disabled":         {LangDE: "Gesperrt", LangEN: "Disabled"},
	"password":         {LangDE: "Passwort", LangEN: "Password"},
	"current_password": {LangDE: "Aktuelles Passwort", LangEN: "Current password"},
	"new_password":     {LangDE: "Neues Passwort", LangEN: "New password"},
	"version":          {LangDE: "Version", LangEN: "Version"},
}

// UserFieldText is the sentence for a field error of user administration
// in l, naming the field; false for a code without one.
func UserFieldText(l Lang, fe fault.FieldError, minPassword int) (string, bool) {
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
