package api

import "vorgang/core/web/internal/webkit"

// The asset routes in the OpenAPI document; present when the server has an
// asset register (APIDeps.Assets).

func oaAssetSchemas() oaObj {
	str := oaObj{"type": "string"}
	relations := oaObj{"type": "object", "description": "Relation id → targets: inventory numbers, user names or team ids.",
		"additionalProperties": oaObj{"type": "array", "items": str}}
	return oaObj{
		"Asset": oaObj{
			"type":     "object",
			"required": []any{"number", "class", "name", "status", "version"},
			"properties": oaObj{
				"number": oaObj{"type": "string", "description": "Inventory number, unique across classes."},
				"class":  str, "name": str, "status": str,
				"version":   oaObj{"type": "integer", "description": "Send it back with an edit; a stale one is answered 409."},
				"data":      oaObj{"type": "object", "description": "The class's field values."},
				"relations": relations,
				"created":   oaObj{"type": "string", "format": "date-time"}, "created_by": str,
				"updated": oaObj{"type": "string", "format": "date-time"}, "updated_by": str,
				"history": oaObj{"type": "array", "description": "Who changed what, old and new value.", "items": oaObj{"type": "object"}},
			},
		},
		"AssetList": oaObj{
			"type": "object", "required": []any{"assets", "next"},
			"properties": oaObj{
				"assets": oaObj{"type": "array", "items": oaObj{"type": "object", "description": "number, class, name, status, relation targets"}},
				"next":   oaObj{"type": "string", "description": "Pass as `after` for the next page; empty on the last."},
			},
		},
		"AssetRequest": oaObj{
			"type":                 "object",
			"description":          "A key not listed here is refused (422, the key with code `unknown_field`).",
			"additionalProperties": false,
			"properties": oaObj{
				"class":     oaObj{"type": "string", "description": "Required when creating."},
				"number":    oaObj{"type": "string", "description": "An inventory number of your own; by default the class's next."},
				"version":   oaObj{"type": "integer", "description": "The version edited; required with PATCH and retire (422 `version: required` without it)."},
				"name":      str,
				"status":    str,
				"data":      oaObj{"type": "object"},
				"relations": relations,
			},
		},
		"AssetClassList": oaObj{"type": "object", "properties": oaObj{"classes": oaObj{"type": "array", "items": oaObj{"type": "object",
			"description": "id, title, statuses, relations and fields of a class"}}}},
		"LinkedTickets": oaObj{"type": "object", "properties": oaObj{"tickets": oaObj{"type": "array", "items": oaObj{"type": "object",
			"description": "number, process, title, state, linked_at, linked_by"}}}},
		"LinkTicketRequest": oaObj{"type": "object", "required": []any{"ticket"},
			"properties": oaObj{"ticket": oaObj{"type": "string", "description": "The ticket's number."}}},
		"ImportReport": oaObj{"type": "object", "description": "Rows read, created, changed and unchanged."},
	}
}

func oaAssetPaths() oaObj {
	numberPath := []any{oaObj{"name": "number", "in": "path", "required": true, "description": "Inventory number.", "schema": oaObj{"type": "string"}}}
	asset := oaOK("The asset with its history.", oaRef("Asset"))
	query := func(name, description string) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "schema": oaObj{"type": "string"}}
	}
	filters := []any{oaParam("AcceptLanguage"), query("class", "Assets of this class."), query("status", "Assets in this status."),
		query("q", "A piece of the name or inventory number, any case."), query("target", "Assets related to this inventory number, user or team."),
		query("relation", "With target: only through this relation.")}
	return oaObj{
		"/api/v1/asset-classes": oaObj{"get": oaOp("assets", "listAssetClasses", "The asset classes with their fields, statuses and relations", nil,
			oaObj{"200": oaOK("The classes.", oaRef("AssetClassList"))}, nil)},
		"/api/v1/assets": oaObj{
			"get": oaOp("assets", "listAssets", "Search assets, in inventory-number order", nil,
				oaObj{"200": oaOK("One page of assets.", oaRef("AssetList")), "403": oaError(webkit.CodeForbidden)},
				oaObj{"parameters": append(filters, query("after", "The previous page's `next`."),
					oaObj{"name": "limit", "in": "query", "description": "Page size, at most 200.", "schema": oaObj{"type": "integer", "minimum": 1, "maximum": 200}})}),
			"post": oaOp("assets", "createAsset", "Create an asset (needs `asset.write`)", nil,
				oaObj{"201": asset, "403": oaError(webkit.CodeForbidden), "409": oaError(webkit.CodeConflict), "422": oaError("validation_failed")},
				oaObj{"requestBody": oaBody(oaRef("AssetRequest"), true)}),
		},
		"/api/v1/assets/export": oaObj{"get": oaOp("assets", "exportAssets", "The selected assets as CSV, in the import format", nil,
			oaObj{"200": oaObj{"description": "CSV, one asset per row. Cells starting with = + - @, a tab or a carriage return get a leading apostrophe so spreadsheets do not run them as formulas; import removes it.", "content": oaObj{"text/csv": oaObj{"schema": oaObj{"type": "string"}}}},
				"403": oaError(webkit.CodeForbidden)},
			oaObj{"parameters": append(append([]any{}, filters...),
				oaObj{"name": "format", "in": "query", "description": "csv (default) or excel: UTF-8 with a byte order mark, ';' separators, CRLF and decimal commas, as a German spreadsheet opens it.", "schema": oaObj{"type": "string", "enum": []any{"csv", "excel"}}})})},
		"/api/v1/assets/import": oaObj{"post": oaOp("assets", "importAssets", "Import a CSV file of one class (needs `asset.write`)", nil,
			oaObj{"200": oaOK("What the import did (or, with dry_run, would do).", oaRef("ImportReport")), "403": oaError(webkit.CodeForbidden),
				"422": oaError("import_failed")},
			oaObj{
				"description": "The whole file is checked first; if any row is bad, nothing is written and every problem is reported with `LINE:COLUMN` as its field.",
				"parameters": []any{oaParam("AcceptLanguage"), query("class", "The class of the rows."),
					oaObj{"name": "dry_run", "in": "query", "description": "Check only: true, 1, yes, on or ja; false, 0, no, off, nein or absent imports. Any other value is refused (400 bad_dry_run) before the file is read.", "schema": oaObj{"type": "string"}}},
				"requestBody": oaObj{"required": true, "content": oaObj{"text/csv": oaObj{"schema": oaObj{"type": "string"}}}},
			})},
		"/api/v1/assets/{number}": oaObj{
			"parameters": numberPath,
			"get":        oaOp("assets", "getAsset", "An asset with its history", nil, oaObj{"200": asset, "404": oaError(webkit.CodeNotFound)}, nil),
			"patch": oaOp("assets", "updateAsset", "Edit an asset (needs `asset.write`)", nil,
				oaObj{"200": asset, "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound), "409": oaError(webkit.CodeConflict), "422": oaError("validation_failed")},
				oaObj{"requestBody": oaBody(oaRef("AssetRequest"), true)}),
			"delete": oaOp("assets", "deleteAsset", "Delete an asset for data protection (administrators only); the admin audit log records that a deletion happened, not what", nil,
				oaObj{"204": oaObj{"description": "Deleted."}, "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound), "409": oaError("still_referenced")}, nil),
		},
		"/api/v1/asset-reports/disabled-users": oaObj{
			"get": oaOp("assets", "assetsOfDisabledUsers", "Assets, not retired, still assigned to disabled users (needs `asset.read`)", nil,
				oaObj{"200": oaObj{"description": "`assignments`: each with `asset` (number, class, name, status, version), `relation` and `user`."}, "403": oaError(webkit.CodeForbidden)}, nil),
		},
		"/api/v1/asset-reports/reminders": oaObj{
			"get": oaOp("assets", "assetReminders", "End dates due: warranties, contracts, inspections the reminder job found near or past (needs `asset.read`)", nil,
				oaObj{"200": oaObj{"description": "`reminders`: each with `number`, `class`, `name`, `field`, `date` and `recorded`, earliest date first."}, "403": oaError(webkit.CodeForbidden)}, nil),
		},
		"/api/v1/assets/{number}/retire": oaObj{
			"parameters": numberPath,
			"post": oaOp("assets", "retireAsset", "Move an asset to its class's last status (needs `asset.write`)", nil,
				oaObj{"200": asset, "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound), "409": oaError(webkit.CodeConflict)},
				oaObj{"requestBody": oaBody(oaRef("AssetRequest"), false)}),
		},
		"/api/v1/assets/{number}/tickets": oaObj{
			"parameters": numberPath,
			"get": oaOp("assets", "listAssetTickets", "The tickets linked to an asset that the caller may see", nil,
				oaObj{"200": oaOK("The tickets.", oaRef("LinkedTickets")), "404": oaError(webkit.CodeNotFound)}, nil),
			"post": oaOp("assets", "linkAssetTicket", "Link a ticket to the asset", nil,
				oaObj{"200": oaOK("The tickets.", oaRef("LinkedTickets")), "403": oaError(webkit.CodeForbidden), "404": oaError(webkit.CodeNotFound)},
				oaObj{"requestBody": oaBody(oaRef("LinkTicketRequest"), true)}),
		},
	}
}
