package api

import "vorgang/core/web/internal/webkit"

// The routes of data protection in the OpenAPI document (privacy.go).

func oaPrivacySchemas() oaObj {
	str := oaObj{"type": "string"}
	strs := oaObj{"type": "array", "items": str}
	dateTime := oaObj{"type": "string", "format": "date-time"}
	place := oaObj{"type": "object", "required": []any{"where", "value"}, "properties": oaObj{
		"where": oaObj{"type": "string", "description": "`requester`, `data.<field>`, `history <seq> <path>`, `file <id>`."},
		"value": oaObj{"description": "The stored value (a file's name)."}, "at": dateTime}}
	return oaObj{
		"SubjectRequest": oaObj{"type": "object", "description": "The person asked about: at least one of the three.",
			"properties": oaObj{"email": str, "name": str, "user": str}},
		"SubjectExport": oaObj{"type": "object", "required": []any{"at", "tickets", "mails"}, "properties": oaObj{
			"at": dateTime,
			"tickets": oaObj{"type": "array", "items": oaObj{"type": "object",
				"required": []any{"number", "process", "title", "state", "created", "requester", "places"},
				"properties": oaObj{"number": str, "process": str, "title": str, "state": str, "created": dateTime,
					"requester":  oaObj{"type": "boolean", "description": "The person filed the ticket."},
					"legal_hold": oaObj{"type": "boolean"}, "places": oaObj{"type": "array", "items": place}, "assets": strs}}},
			"mails": oaObj{"type": "array", "items": oaObj{"type": "object", "required": []any{"id", "kind", "state", "created", "fields"},
				"properties": oaObj{"id": str, "kind": str, "state": str, "created": dateTime, "fields": strs}}},
			"records": oaObj{"type": "array", "description": "Records outside tickets naming the person: mail received (kind `mail_in`), assets (kind `asset`).",
				"items": oaObj{"type": "object", "required": []any{"kind", "id", "fields"},
					"properties": oaObj{"kind": str, "id": str, "at": dateTime,
						"fields": oaObj{"type": "object", "description": "`mail_in`: from, subject, mailbox, message_id, outcome, ticket, reason; `asset`: class, name, status, data.<field>, relations.<relation>."}}}}}},
		"SubjectErasure": oaObj{"type": "object", "required": []any{"id", "at", "by", "tickets", "removed"}, "properties": oaObj{
			"id": str, "at": dateTime, "by": str, "tickets": strs,
			"held":    oaObj{"type": "array", "items": str, "description": "Tickets under legal hold, left as they are."},
			"removed": oaObj{"type": "integer", "description": "Values removed from histories."},
			"records": oaObj{"type": "array", "description": "Records outside tickets that lost values naming the person: mail received (kind `mail_in`: from, subject, and a message_id or reason naming them).",
				"items": oaObj{"type": "object", "required": []any{"kind", "id", "fields"},
					"properties": oaObj{"kind": str, "id": str, "fields": strs}}}}},
		"LegalHoldRequest": oaObj{"type": "object", "required": []any{"hold"}, "properties": oaObj{
			"hold": oaObj{"type": "boolean"}, "reason": oaObj{"type": "string", "description": "Required when putting on hold."}}},
	}
}

func oaPrivacyPaths() oaObj {
	forbidden := func(r oaObj) oaObj {
		r["403"] = oaError(webkit.CodeForbidden)
		r["422"] = oaError("validation_failed")
		return r
	}
	return oaObj{
		"/api/v1/privacy/subjects/export": oaObj{
			"post": oaOp("privacy", "exportSubject", "Everything stored about a person (privacy.manage)", nil,
				forbidden(oaObj{"200": oaOK("The export.", oaRef("SubjectExport"))}),
				oaObj{"requestBody": oaBody(oaRef("SubjectRequest"), true)}),
		},
		"/api/v1/privacy/subjects/anonymise": oaObj{
			"post": oaOp("privacy", "anonymiseSubject", "Remove a person's data on their request (privacy.manage)", nil,
				forbidden(oaObj{"200": oaOK("The record of the request.", oaRef("SubjectErasure"))}),
				oaObj{"requestBody": oaBody(oaRef("SubjectRequest"), true)}),
		},
		"/api/v1/tickets/{number}/legal-hold": oaObj{
			"parameters": []any{oaObj{"name": "number", "in": "path", "required": true, "schema": oaObj{"type": "string"}}},
			"post": oaOp("privacy", "legalHold", "Put a ticket under legal hold or release it (privacy.manage)", nil,
				forbidden(oaObj{"200": oaOK("The ticket.", oaRef("Ticket")), "404": oaError(webkit.CodeNotFound)}),
				oaObj{"requestBody": oaBody(oaRef("LegalHoldRequest"), true)}),
		},
	}
}
