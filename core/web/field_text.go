package web

import (
	"fmt"
	"strings"

	"vorgang/core/fault"
)

// fieldTexts are the sentences of the field errors the engine names by
// their Text instead of putting them into words; {name} is filled from the
// error's Params.
var fieldTexts = map[string]map[lang]string{
	"comment_required": {
		langDE: "Bitte geben Sie einen Kommentar ein.",
		langEN: "Please enter a comment.",
	},
	"comment_for_requester": {
		langDE: "Dieser Kommentar ist die Nachricht an die antragstellende Person, die über diesen Schritt benachrichtigt wird; er kann nicht intern bleiben. Schreiben Sie Notizen als eigenen internen Kommentar.",
		langEN: "This comment is the message to the requester, who is told of this step; it cannot be kept among staff. Write a separate internal comment for notes.",
	},
	"override_reason_required": {
		langDE: "Bitte begründen Sie, warum Sie anstelle der Genehmigenden entscheiden.",
		langEN: "Please give the reason for deciding in place of the approvers.",
	},
	"approval_amount_missing": {
		langDE: "Der Betrag, nach dem sich die Genehmigenden richten, fehlt.",
		langEN: "the amount that selects the approvers is missing",
	},
	"unknown_user": {
		langDE: "Es gibt keinen Benutzer „{user}“.",
		langEN: "There is no user \"{user}\".",
	},
	"not_assignable": {
		langDE: "{user} darf keine Vorgänge des Teams {team} bearbeiten.",
		langEN: "{user} may not work on tickets of the team {team}.",
	},
	"reply_required": {
		langDE: "Bitte geben Sie eine Nachricht ein oder hängen Sie eine Datei an.",
		langEN: "Please enter a message or attach a file.",
	},
	"upload_gone": {
		langDE: "Eine hochgeladene Datei ist nicht mehr vorhanden. Bitte laden Sie sie erneut hoch.",
		langEN: "An uploaded file is no longer there. Please upload it again.",
	},
	"reply_too_long": {
		langDE: "Die Nachricht ist zu lang (höchstens 20.000 Zeichen).",
		langEN: "The message is too long (at most 20,000 characters).",
	},
	"link_target_required": {
		langDE: "Eine Verknüpfung braucht eine Art und ein Ziel.",
		langEN: "a link needs a kind and a target",
	},
	"version_missing": {
		langDE: "Das Formular nennt nicht den Stand des Vorgangs, auf dem es beruht. Bitte laden Sie die Seite neu.",
		langEN: "The form does not name the version of the ticket it was filled in on. Please reload the page.",
	},
	"anonymous_key_too_short": {
		langDE: "Der Idempotency-Key einer anonymen Anfrage hat mindestens {min} Zeichen.",
		langEN: "an anonymous request's idempotency key has at least {min} characters",
	},
}

// fieldMessage puts a field error into words in l: its own message, else
// the sentence its Text names, else the message of its code.
func fieldMessage(l lang, fe fault.FieldError) string {
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
	return message(l, fe.Code, 400)
}

// fieldsAtFault returns the fields at fault in err, each put into words in
// l, or nil when err names none.
func fieldsAtFault(l lang, err error) []fault.FieldError {
	fields := fault.FieldsOf(err)
	if fields == nil {
		return nil
	}
	out := make([]fault.FieldError, len(fields))
	for i, fe := range fields {
		fe.Message = fieldMessage(l, fe)
		out[i] = fe
	}
	return out
}
