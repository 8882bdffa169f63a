package api

import "vorgang/core/web/internal/webkit"

// The outbox's routes in the OpenAPI document (outbox.go).

func oaOutboxSchemas() oaObj {
	str := oaObj{"type": "string"}
	item := oaObj{"type": "object", "required": []any{"id", "kind", "state", "attempts", "created"}, "properties": oaObj{
		"id":         oaObj{"type": "string", "description": "Identifies the item for retry and discard."},
		"kind":       oaObj{"type": "string", "description": "`mail`, `notify`, `webhook`, `create_child`, `close_children`, `sla_hook`."},
		"ticket":     oaObj{"type": "string", "description": "The ticket whose change queued the item; absent for mails and test deliveries."},
		"target":     oaObj{"type": "string", "description": "What the item is for: the notification, the webhook, the child's process."},
		"state":      oaObj{"type": "string", "enum": []any{"pending", "claimed", "failed", "done"}},
		"attempts":   oaObj{"type": "integer"},
		"next_at":    oaObj{"type": "string", "description": "When a pending item is tried (again), UTC."},
		"last_error": oaObj{"type": "string", "description": "Why the last attempt failed."},
		"created":    oaObj{"type": "string", "format": "date-time"}}}
	return oaObj{
		"OutboxItem": item,
		"OutboxList": oaObj{"type": "object", "required": []any{"items", "next"}, "properties": oaObj{
			"items": oaObj{"type": "array", "items": oaRef("OutboxItem")},
			"next":  oaObj{"type": "string", "description": "Pass as `after` for the next page; empty on the last."}}},
		"OutboxRequest": oaObj{"type": "object", "required": []any{"id"}, "properties": oaObj{"id": str}},
	}
}

func oaOutboxPaths() oaObj {
	query := func(name, description string, schema oaObj) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "schema": schema}
	}
	admin := func(r oaObj) oaObj {
		r["403"] = oaError(webkit.CodeForbidden)
		return r
	}
	change := func(id, summary string) oaObj {
		return oaObj{"post": oaOp("outbox", id, summary, nil,
			admin(oaObj{"200": oaOK("The item as it is now.", oaRef("OutboxItem")), "400": oaError(webkit.CodeBadRequest, "invalid_json"),
				"404": oaError(webkit.CodeNotFound), "409": oaError(webkit.CodeConflict), "422": oaError(webkit.CodeNotAllowedNow)}),
			oaObj{"requestBody": oaBody(oaRef("OutboxRequest"), true)})}
	}
	return oaObj{
		"/api/v1/outbox": oaObj{
			"get": oaOp("outbox", "listOutbox", "Outbox items in one state, in the order they are due (administrators)", nil,
				admin(oaObj{"200": oaOK("One page of items.", oaRef("OutboxList")), "400": oaError(webkit.CodeBadRequest)}),
				oaObj{"parameters": []any{oaParam("AcceptLanguage"),
					query("state", "`pending` (queued or waiting for a retry, the default), `claimed`, `failed` or `done`.",
						oaObj{"type": "string", "enum": []any{"pending", "claimed", "failed", "done"}}),
					query("kind", "Only items of this kind (e.g. `webhook`: the webhooks' delivery log).", oaObj{"type": "string"}),
					query("after", "The previous page's `next`.", oaObj{"type": "string"}),
					query("limit", "Page size, at most 200.", oaObj{"type": "integer"})}}),
		},
		"/api/v1/outbox/retry":   change("retryOutbox", "Make a failed item due again at once (administrators)"),
		"/api/v1/outbox/discard": change("discardOutbox", "Give up a pending or failed item for good (administrators)"),
		"/api/v1/webhooks/{id}/test": oaObj{
			"parameters": []any{oaObj{"name": "id", "in": "path", "required": true, "description": "The Webhook's id.", "schema": oaObj{"type": "string"}}},
			"post": oaOp("outbox", "testWebhook", "Queue a signed test delivery (event `webhook.test`) to the webhook's receiver (administrators)", nil,
				admin(oaObj{"202": oaOK("The queued delivery.", oaRef("OutboxItem")), "404": oaError(webkit.CodeNotFound)}), nil),
		},
	}
}
