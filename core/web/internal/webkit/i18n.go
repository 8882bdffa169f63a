package webkit

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vorgang/core/auth"
)

// Lang is a user interface language. German is the default: vorgang serves
// German public administration, and a citizen without a stated preference
// gets German.
type Lang string

const (
	LangDE Lang = "de"
	LangEN Lang = "en"
)

// messages holds the generic error messages by code. It is read-only.
var messages = map[string]map[Lang]string{
	CodeBadRequest: {
		LangDE: "Die Anfrage ist ungültig.",
		LangEN: "The request is invalid.",
	},
	CodeUnauthorized: {
		LangDE: "Bitte melden Sie sich an.",
		LangEN: "Please sign in.",
	},
	CodeForbidden: {
		LangDE: "Dafür fehlt Ihnen die Berechtigung.",
		LangEN: "You are not allowed to do this.",
	},
	CodeNotFound: {
		LangDE: "Die angeforderte Adresse wurde nicht gefunden.",
		LangEN: "The requested address was not found.",
	},
	CodeMethodNotAllowed: {
		LangDE: "Diese Methode ist für die Adresse nicht erlaubt.",
		LangEN: "This method is not allowed for this address.",
	},
	CodeRequestTimeout: {
		LangDE: "Die Anfrage hat zu lange gedauert.",
		LangEN: "The request took too long.",
	},
	CodeConflict: {
		LangDE: "Die Daten wurden inzwischen geändert. Bitte laden Sie neu und versuchen Sie es noch einmal.",
		LangEN: "The data has changed in the meantime. Please reload and try again.",
	},
	// The review step of the knowledge base (core/knowledge/approval.go).
	"own_article_version": {
		LangDE: "Eine Version, die Sie geschrieben haben, gibt eine andere Person frei.",
		LangEN: "Someone else approves a version you wrote.",
	},
	"article_reviewer_role": {
		LangDE: "Artikel dieser Kategorie geben nur Personen mit der dafür bestimmten Rolle frei.",
		LangEN: "Articles of this category are approved only by holders of the role named for it.",
	},
	"no_article_version_pending": {
		LangDE: "Keine Version dieses Artikels wartet auf Freigabe.",
		LangEN: "No version of this article is waiting for approval.",
	},
	CodeNotAllowedNow: {
		LangDE: "Das ist im aktuellen Status des Vorgangs nicht möglich.",
		LangEN: "This is not possible in the ticket's current status.",
	},
	CodeInProgress: {
		LangDE: "Dieselbe Anfrage wird noch bearbeitet. Bitte versuchen Sie es gleich noch einmal.",
		LangEN: "The same request is still being processed. Please try again in a moment.",
	},
	CodeScriptFailed: {
		LangDE: "Eine Automatisierungsregel des Vorgangs ist fehlgeschlagen; es wurde nichts geändert. Die Administration ist informiert.",
		LangEN: "An automation rule of the process failed; nothing was changed. The administrators have been informed.",
	},
	CodeBodyTooLarge: {
		LangDE: "Die gesendeten Daten sind zu groß.",
		LangEN: "The submitted data is too large.",
	},
	CodeUnsupportedEncoding: {
		LangDE: "Komprimiert gesendete Daten werden nicht angenommen. Bitte senden Sie sie unkomprimiert.",
		LangEN: "Compressed request bodies are not accepted. Please send the data uncompressed.",
	},
	CodeLoginThrottled: {
		LangDE: "Zu viele fehlgeschlagene Anmeldungen. Bitte warten Sie, bevor Sie es noch einmal versuchen (Retry-After).",
		LangEN: "Too many failed logins. Please wait before you try again (Retry-After).",
	},
	CodeAnonymousAPIClosed: {
		LangDE: "Ohne Anmeldung kann dieses Anliegen nur über das Formular im Bürgerportal gestellt werden.",
		LangEN: "Without an account this request can only be made through the form on the citizen portal.",
	},
	CodeAlreadyDone: {
		LangDE: "Das ist für dieses Anliegen schon erledigt; es geht nur einmal.",
		LangEN: "This has been done for this request already; it can be done once only.",
	},
	CodeTooManyRequests: {
		LangDE: "Zu viele Anfragen. Bitte versuchen Sie es später noch einmal.",
		LangEN: "Too many requests. Please try again later.",
	},
	CodeHeadersTooLarge: {
		LangDE: "Die Kopfzeilen der Anfrage sind zu groß.",
		LangEN: "The request headers are too large.",
	},
	CodeInternal: {
		LangDE: "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später noch einmal.",
		LangEN: "An internal error occurred. Please try again later.",
	},
	CodeUnavailable: {
		LangDE: "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später noch einmal.",
		LangEN: "The service is temporarily unavailable. Please try again later.",
	},
	CodeInsufficientStorage: {
		LangDE: "Der Speicher des Servers ist voll; es wurde nichts gespeichert. Bitte versuchen Sie es später noch einmal.",
		LangEN: "The server's storage is full; nothing was saved. Please try again later.",
	},
	CodeInvalidIdempotencyKey: {
		LangDE: "Der Idempotency-Key muss 1 bis 255 druckbare ASCII-Zeichen ohne Leerzeichen haben.",
		LangEN: "The Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.",
	},
	CodeKeyReused: {
		LangDE: "Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet.",
		LangEN: "This Idempotency-Key was already used for a different request.",
	},
	// User administration (core/auth).
	"directory_managed": {
		LangDE: "Das Verzeichnis (LDAP/Active Directory) oder der Anmeldedienst verwaltet das Passwort dieses Benutzers; es wird dort geändert.",
		LangEN: "The directory (LDAP/Active Directory) or the sign-on provider manages this user's password; it is changed there.",
	},
	"reset_link_invalid": {
		LangDE: "Dieser Link zum Setzen des Passworts gilt nicht (mehr): Er wurde schon benutzt, ist abgelaufen oder durch einen neueren ersetzt. Bitte bitten Sie die Administration um einen neuen.",
		LangEN: "This link for setting a password is not valid (any more): it was used, has expired or was replaced by a newer one. Please ask an administrator for a new one.",
	},
	CodeUserExists: {
		LangDE: "Einen Benutzer mit diesem Namen gibt es schon.",
		LangEN: "A user with this name exists already.",
	},
	"limit_range": {
		LangDE: "Die Angaben zum Blättern (limit, before) liegen außerhalb des erlaubten Bereichs.",
		LangEN: "The paging parameters (limit, before) are out of range.",
	},
	// The pages' own errors.
	"form_expired": {
		LangDE: "Das Formular ist abgelaufen oder gehört zu einer anderen Sitzung.",
		LangEN: "The form has expired or belongs to another session.",
	},
	"form_already_sent": {
		LangDE: "Dieses Formular wurde schon mit anderen Angaben abgeschickt. Bitte öffnen Sie es neu, um ein weiteres Anliegen zu senden.",
		LangEN: "This form was already sent with other details. Please open it again to send another request.",
	},
	"csrf_failed": {
		LangDE: "Die Anfrage konnte nicht bestätigt werden. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
		LangEN: "The request could not be verified. Please reload the page and try again.",
	},
	"submission_refused": {
		LangDE: "Die Eingabe wurde nicht angenommen.",
		LangEN: "The submission was not accepted.",
	},
	CodeDirectoryUnavailable: {
		LangDE: "Das Verzeichnis (LDAP/Active Directory) ist gerade nicht erreichbar; die Anmeldung mit Verzeichniskonto ist vorübergehend nicht möglich. Bitte versuchen Sie es später noch einmal.",
		LangEN: "The directory (LDAP/Active Directory) cannot be reached right now, so signing in with a directory account is not possible. Please try again later.",
	},
	"unsupported_media_type": {
		LangDE: "Das Format der gesendeten Daten wird nicht unterstützt.",
		LangEN: "The format of the submitted data is not supported.",
	},
	// Two-factor sign-in (core/auth/totp*.go).
	auth.CodeOTPRequired: {
		LangDE: "Für dieses Konto ist ein Bestätigungscode nötig (Feld otp).",
		LangEN: "This account needs a verification code (field otp).",
	},
	auth.CodeInvalidOTP: {
		LangDE: "Der Bestätigungscode ist nicht richtig oder wurde schon verwendet.",
		LangEN: "The verification code is not correct or was used already.",
	},
	auth.CodeLoginExpired: {
		LangDE: "Die Anmeldung ist abgelaufen. Bitte melden Sie sich noch einmal an.",
		LangEN: "The sign-in has expired. Please sign in again.",
	},
	CodeTwoFactorDue: {
		LangDE: "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Bitte richten Sie sie zuerst im Browser unter /app/two-factor ein.",
		LangEN: "Your role requires two-factor sign-in. Please set it up first in the browser at /app/two-factor.",
	},
	"two_factor_enabled": {
		LangDE: "Die Zwei-Faktor-Anmeldung ist schon eingeschaltet.",
		LangEN: "Two-factor sign-in is on already.",
	},
	"two_factor_not_started": {
		LangDE: "Die Einrichtung ist abgelaufen. Bitte öffnen Sie die Seite neu und übernehmen Sie den neuen Schlüssel.",
		LangEN: "The setup has expired. Please open the page again and add the new key.",
	},
	"two_factor_required": {
		LangDE: "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben; sie kann nicht ausgeschaltet werden.",
		LangEN: "Your role requires two-factor sign-in; it cannot be turned off.",
	},
	"two_factor_directory": {
		LangDE: "Konten aus dem Verzeichnis erhalten die Zwei-Faktor-Anmeldung von ihrem Verzeichnis.",
		LangEN: "Directory accounts get two-factor sign-in from their directory.",
	},
}

// Message returns the message for code in l. A code without an entry gets
// the generic message of its status class, so a client never sees an empty
// message.
func Message(l Lang, code string, status int) string {
	if m, ok := messages[code]; ok {
		return m[l]
	}
	if status >= 500 {
		return messages[CodeInternal][l]
	}
	return messages[CodeBadRequest][l]
}

// RequestLang picks the language for the response from Accept-Language.
func RequestLang(c *fiber.Ctx) Lang {
	return negotiateLang(c.Get(fiber.HeaderAcceptLanguage))
}

// negotiateLang returns the supported language the Accept-Language header
// ranks highest (quality first, then order), matching on the primary subtag
// so "en-GB" counts as English. Anything else yields German.
func negotiateLang(header string) Lang {
	best, bestQ := LangDE, 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
		var l Lang
		switch strings.ToLower(primary) {
		case "de":
			l = LangDE
		case "en":
			l = LangEN
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
