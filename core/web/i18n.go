package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
)

// lang is a user interface language. German is the default: vorgang serves
// German public administration, and a citizen without a stated preference
// gets German.
type lang string

const (
	langDE lang = "de"
	langEN lang = "en"
)

// messages holds the generic error messages by code. It is read-only.
var messages = map[string]map[lang]string{
	CodeBadRequest: {
		langDE: "Die Anfrage ist ungültig.",
		langEN: "The request is invalid.",
	},
	CodeUnauthorized: {
		langDE: "Bitte melden Sie sich an.",
		langEN: "Please sign in.",
	},
	CodeForbidden: {
		langDE: "Dafür fehlt Ihnen die Berechtigung.",
		langEN: "You are not allowed to do this.",
	},
	CodeNotFound: {
		langDE: "Die angeforderte Adresse wurde nicht gefunden.",
		langEN: "The requested address was not found.",
	},
	CodeMethodNotAllowed: {
		langDE: "Diese Methode ist für die Adresse nicht erlaubt.",
		langEN: "This method is not allowed for this address.",
	},
	CodeRequestTimeout: {
		langDE: "Die Anfrage hat zu lange gedauert.",
		langEN: "The request took too long.",
	},
	CodeConflict: {
		langDE: "Die Daten wurden inzwischen geändert. Bitte laden Sie neu und versuchen Sie es noch einmal.",
		langEN: "The data has changed in the meantime. Please reload and try again.",
	},
	CodeNotAllowedNow: {
		langDE: "Das ist im aktuellen Status des Vorgangs nicht möglich.",
		langEN: "This is not possible in the ticket's current status.",
	},
	CodeInProgress: {
		langDE: "Dieselbe Anfrage wird noch bearbeitet. Bitte versuchen Sie es gleich noch einmal.",
		langEN: "The same request is still being processed. Please try again in a moment.",
	},
	CodeScriptFailed: {
		langDE: "Eine Automatisierungsregel des Vorgangs ist fehlgeschlagen; es wurde nichts geändert. Die Administration ist informiert.",
		langEN: "An automation rule of the process failed; nothing was changed. The administrators have been informed.",
	},
	CodeBodyTooLarge: {
		langDE: "Die gesendeten Daten sind zu groß.",
		langEN: "The submitted data is too large.",
	},
	CodeUnsupportedEncoding: {
		langDE: "Komprimiert gesendete Daten werden nicht angenommen. Bitte senden Sie sie unkomprimiert.",
		langEN: "Compressed request bodies are not accepted. Please send the data uncompressed.",
	},
	CodeLoginThrottled: {
		langDE: "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie, bevor Sie es noch einmal versuchen (Retry-After).",
		langEN: "Too many failed logins. Please wait before you try again (Retry-After).",
	},
	CodeAnonymousAPIClosed: {
		langDE: "Ohne Anmeldung kann dieses Anliegen nur über das Formular im Bürgerportal gestellt werden.",
		langEN: "Without an account this request can only be made through the form on the citizen portal.",
	},
	CodeAlreadyDone: {
		langDE: "Das ist für dieses Anliegen schon erledigt; es geht nur einmal.",
		langEN: "This has been done for this request already; it can be done once only.",
	},
	CodeTooManyRequests: {
		langDE: "Zu viele Anfragen. Bitte versuchen Sie es später noch einmal.",
		langEN: "Too many requests. Please try again later.",
	},
	CodeHeadersTooLarge: {
		langDE: "Die Kopfzeilen der Anfrage sind zu groß.",
		langEN: "The request headers are too large.",
	},
	CodeInternal: {
		langDE: "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später noch einmal.",
		langEN: "An internal error occurred. Please try again later.",
	},
	CodeUnavailable: {
		langDE: "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später noch einmal.",
		langEN: "The service is temporarily unavailable. Please try again later.",
	},
	CodeInsufficientStorage: {
		langDE: "Der Speicher des Servers ist voll; es wurde nichts gespeichert. Bitte versuchen Sie es später noch einmal.",
		langEN: "The server's storage is full; nothing was saved. Please try again later.",
	},
	CodeInvalidIdempotencyKey: {
		langDE: "Der Idempotency-Key muss 1 bis 255 druckbare ASCII-Zeichen ohne Leerzeichen haben.",
		langEN: "The Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.",
	},
	CodeKeyReused: {
		langDE: "Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet.",
		langEN: "This Idempotency-Key was already used for a different request.",
	},
	// User administration (core/auth).
	"directory_managed": {
		langDE: "Das Verzeichnis (LDAP/Active Directory) oder der Anmeldedienst verwaltet das Passwort dieses Benutzers; es wird dort geändert.",
		langEN: "The directory (LDAP/Active Directory) or the sign-on provider manages this user's password; it is changed there.",
	},
	"reset_link_invalid": {
		langDE: "Dieser Link zum Setzen des Passworts gilt nicht (mehr): Er wurde schon benutzt, ist abgelaufen oder durch einen neueren ersetzt. Bitte bitten Sie die Administration um einen neuen.",
		langEN: "This link for setting a password is not valid (any more): it was used, has expired or was replaced by a newer one. Please ask an administrator for a new one.",
	},
	codeUserExists: {
		langDE: "Einen Benutzer mit diesem Namen gibt es schon.",
		langEN: "A user with this name exists already.",
	},
	"limit_range": {
		langDE: "Die Angaben zum Blättern (limit, before) liegen außerhalb des erlaubten Bereichs.",
		langEN: "The paging parameters (limit, before) are out of range.",
	},
	// The pages' own errors.
	"form_expired": {
		langDE: "Das Formular ist abgelaufen oder gehört zu einer anderen Sitzung.",
		langEN: "The form has expired or belongs to another session.",
	},
	"form_already_sent": {
		langDE: "Dieses Formular wurde schon mit anderen Angaben abgeschickt. Bitte öffnen Sie es neu, um ein weiteres Anliegen zu senden.",
		langEN: "This form was already sent with other details. Please open it again to send another request.",
	},
	"csrf_failed": {
		langDE: "Die Anfrage konnte nicht bestätigt werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
		langEN: "The request could not be verified. Please reload the page and try again.",
	},
	"submission_refused": {
		langDE: "Die Eingabe wurde nicht angenommen.",
		langEN: "The submission was not accepted.",
	},
	CodeDirectoryUnavailable: {
		langDE: "Das Verzeichnis (LDAP/Active Directory) ist gerade nicht erreichbar; die Anmeldung mit Verzeichniskonto ist vorübergehend nicht möglich. Bitte versuchen Sie es später noch einmal.",
		langEN: "The directory (LDAP/Active Directory) cannot be reached right now, so signing in with a directory account is not possible. Please try again later.",
	},
	"unsupported_media_type": {
		langDE: "Das Format der gesendeten Daten wird nicht unterstützt.",
		langEN: "The format of the submitted data is not supported.",
	},
	// Two-factor sign-in (core/auth/totp*.go).
	auth.CodeOTPRequired: {
		langDE: "Für dieses Konto ist ein Bestätigungscode nötig (Feld otp).",
		langEN: "This account needs a verification code (field otp).",
	},
	auth.CodeInvalidOTP: {
		langDE: "Der Bestätigungscode ist nicht richtig oder wurde schon verwendet.",
		langEN: "The verification code is not correct or was used already.",
	},
	auth.CodeLoginExpired: {
		langDE: "Die Anmeldung ist abgelaufen. Bitte melden Sie sich noch einmal an.",
		langEN: "The sign-in has expired. Please sign in again.",
	},
	CodeTwoFactorDue: {
		langDE: "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Bitte richten Sie sie zuerst im Browser unter /app/two-factor ein.",
		langEN: "Your role requires two-factor sign-in. Please set it up first in the browser at /app/two-factor.",
	},
	"two_factor_enabled": {
		langDE: "Die Zwei-Faktor-Anmeldung ist schon eingeschaltet.",
		langEN: "Two-factor sign-in is on already.",
	},
	"two_factor_not_started": {
		langDE: "Die Einrichtung ist abgelaufen. Bitte öffnen Sie die Seite neu und übernehmen Sie den neuen Schlüssel.",
		langEN: "The setup has expired. Please open the page again and add the new key.",
	},
	"two_factor_required": {
		langDE: "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben; sie kann nicht ausgeschaltet werden.",
		langEN: "Your role requires two-factor sign-in; it cannot be turned off.",
	},
	"two_factor_directory": {
		langDE: "Konten aus dem Verzeichnis erhalten die Zwei-Faktor-Anmeldung von ihrem Verzeichnis.",
		langEN: "Directory accounts get two-factor sign-in from their directory.",
	},
}

// message returns the message for code in l. A code without an entry gets
// the generic message of its status class, so a client never sees an empty
// message.
func message(l lang, code string, status int) string {
	if m, ok := messages[code]; ok {
		return m[l]
	}
	if status >= 500 {
		return messages[CodeInternal][l]
	}
	return messages[CodeBadRequest][l]
}

// requestLang picks the language for the response from Accept-Language.
func requestLang(c *fiber.Ctx) lang {
	return negotiateLang(c.Get(fiber.HeaderAcceptLanguage))
}

// negotiateLang returns the supported language the Accept-Language header
// ranks highest (quality first, then order), matching on the primary subtag
// so "en-GB" counts as English. Anything else yields German.
func negotiateLang(header string) lang {
	best, bestQ := langDE, 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		var l lang
		switch strings.ToLower(primary) {
		case "de":
			l = langDE
		case "en":
			l = langEN
		default:
			continue
		}
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.TrimSpace(name) != "q" {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil || v < 0 || v > 1 {
				v = 0
			}
			q = v
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}
