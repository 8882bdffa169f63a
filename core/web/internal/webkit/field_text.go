package webkit

import (
	"fmt"
	"strings"

	"vorgang/core/fault"
)

// fieldTexts are the sentences of the field errors the engine names by
// their Text instead of putting them into words; {name} is filled from the
// error's Params.
var fieldTexts = map[string]map[Lang]string{
	"comment_required": {
		LangDE: "Bitte geben Sie einen Kommentar ein.",
		LangEN: "Please enter a comment.",
	},
	"comment_for_requester": {
		LangDE: "Dieser Kommentar ist die Nachricht an die antragstellende Person, die über diesen Schritt benachrichtigt wird; er kann nicht intern bleiben. Schreiben Sie Notizen als eigenen internen Kommentar.",
		LangEN: "This comment is the message to the requester, who is told of this step; it cannot be kept among staff. Write a separate internal comment for notes.",
	},
	"subject_required": {
		LangDE: "Bitte geben Sie eine E-Mail-Adresse, einen Namen oder einen Benutzernamen an.",
		LangEN: "Please give an e-mail address, a name or a user name.",
	},
	"legal_hold_reason_required": {
		LangDE: "Bitte geben Sie an, warum der Vorgang aufbewahrt werden muss.",
		LangEN: "Please give the reason why the ticket must be kept.",
	},
	"override_reason_required": {
		LangDE: "Bitte begründen Sie, warum Sie anstelle der Genehmigenden entscheiden.",
		LangEN: "Please give the reason for deciding in place of the approvers.",
	},
	"approval_amount_missing": {
		LangDE: "Der Betrag, nach dem sich die Genehmigenden richten, fehlt.",
		LangEN: "the amount that selects the approvers is missing",
	},
	"unknown_user": {
		LangDE: "Es gibt keinen Benutzer „{user}“.",
		LangEN: "There is no user \"{user}\".",
	},
	"not_assignable": {
		LangDE: "{user} darf keine Vorgänge des Teams {team} bearbeiten.",
		LangEN: "{user} may not work on tickets of the team {team}.",
	},
	"reply_required": {
		LangDE: "Bitte geben Sie eine Nachricht ein oder hängen Sie eine Datei an.",
		LangEN: "Please enter a message or attach a file.",
	},
	"upload_gone": {
		LangDE: "Eine hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie erneut hoch.",
		LangEN: "An uploaded file is no longer there. Please upload it again.",
	},
	"reply_too_long": {
		LangDE: "Die Nachricht ist zu lang (höchstens 20.000 Zeichen).",
		LangEN: "The message is too long (at most 20,000 characters).",
	},
	"link_target_required": {
		LangDE: "Eine Verknüpfung braucht eine Art und ein Ziel.",
		LangEN: "a link needs a kind and a target",
	},
	"version_missing": {
		LangDE: "Das Formular nennt nicht den Stand des Vorgangs, auf dem es beruht. Bitte laden Sie die Seite neu.",
		LangEN: "The form does not name the version of the ticket it was filled in on. Please reload the page.",
	},
	"anonymous_key_too_short": {
		LangDE: "Der Idempotency-Key einer anonymen Anfrage hat mindestens {min} Zeichen.",
		LangEN: "an anonymous request's idempotency key has at least {min} characters",
	},
}

// FieldMessage puts a field error into words in l: its own message, else
// the sentence its Text names, else the message of its code.
func FieldMessage(l Lang, fe fault.FieldError) string {
	if fe.Message != "" {
		return fe.Message
	}
	if texts, ok := fieldTexts[fe.Text]; ok {
		msg := texts[l]
		for name, value := range fe.Params {
			msg = strings.ReplaceAll(msg, "{"+name+"}", fmt.Sprint(value))
		}
		return msg
	}
	return Message(l, fe.Code, 400)
}

// FieldsAtFault returns the fields at fault in err, each put into words in
// l, or nil when err names none.
func FieldsAtFault(l Lang, err error) []fault.FieldError {
	fields := fault.FieldsOf(err)
	if fields == nil {
		return nil
	}
	out := make([]fault.FieldError, len(fields))
	for i, fe := range fields {
		fe.Message = FieldMessage(l, fe)
		out[i] = fe
	}
	return out
}
