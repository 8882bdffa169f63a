package web

import (
	"fmt"

	"vorgang/core/auth"
	"vorgang/core/fault"
)

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
	auth.CodeDirectoryManaged: {langDE: "Das verwaltet das Verzeichnis (LDAP/Active Directory); es kann hier nicht geändert werden.", langEN: "The directory (LDAP/Active Directory) manages this; it cannot be changed here."},
	auth.CodeSelfLockout:      {langDE: "Sie können sich nicht selbst sperren oder sich die eigenen Administrationsrechte nehmen.", langEN: "You cannot disable yourself or take away your own administrator rights."},
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
