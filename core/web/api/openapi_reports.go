package api

import "vorgang/core/web/internal/webkit"

// The exports and reports in the OpenAPI document (export.go,
// reports.go).

func oaReportSchemas() oaObj {
	integer := oaObj{"type": "integer"}
	str := oaObj{"type": "string"}
	goal := oaObj{"type": "object", "required": []any{"met", "breached", "open", "median_seconds", "p90_seconds"}, "properties": oaObj{
		"met": integer, "breached": integer, "open": integer,
		"median_seconds": oaObj{"type": "integer", "description": "Working time to the goal, median by nearest rank over the tickets that reached it."},
		"p90_seconds":    oaObj{"type": "integer", "description": "The 90th percentile of the same, nearest rank."}}}
	return oaObj{
		"SLAGoalFigures": goal,
		"SLAReport": oaObj{"type": "object", "required": []any{"month", "rows"}, "properties": oaObj{
			"month": str,
			"rows": oaObj{"type": "array", "items": oaObj{"type": "object", "required": []any{"process", "team", "tickets", "with_sla", "first_response", "resolution"},
				"properties": oaObj{"process": str, "team": str, "tickets": integer, "with_sla": integer,
					"first_response": oaRef("SLAGoalFigures"), "resolution": oaRef("SLAGoalFigures")}}}}},
		"WeeklyReport": oaObj{"type": "object", "required": []any{"month", "rows"}, "properties": oaObj{
			"month": str,
			"rows": oaObj{"type": "array", "items": oaObj{"type": "object", "required": []any{"week", "monday", "team", "created", "closed"},
				"properties": oaObj{"week": oaObj{"type": "string", "description": "ISO week, e.g. 2026-W45."}, "monday": str, "team": str,
					"created": integer, "closed": integer}}}}},
	}
}

func oaReportPaths() oaObj {
	query := func(name, description string, schema oaObj) oaObj {
		return oaObj{"name": name, "in": "query", "description": description, "schema": schema}
	}
	formats := []any{"csv", "excel", "xlsx"}
	file := oaObj{"description": "The file (`Content-Disposition: attachment`), streamed.", "content": oaObj{
		"text/csv": oaObj{"schema": oaObj{"type": "string"}},
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": oaObj{"schema": oaObj{"type": "string", "format": "binary"}}}}
	month := query("month", "The month, `YYYY-MM` (Europe/Berlin); the current one when absent.", oaObj{"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})
	report := func(id, summary, schema string) oaObj {
		ok := oaOK("The report; with `format` the same as a file.", oaRef(schema))
		ok["content"].(oaObj)["text/csv"] = oaObj{"schema": oaObj{"type": "string"}}
		return oaObj{"get": oaOp("reports", id, summary, nil,
			oaObj{"200": ok, "400": oaError(webkit.CodeBadRequest), "403": oaError(webkit.CodeForbidden)},
			oaObj{"parameters": []any{oaParam("AcceptLanguage"), month,
				query("format", "`csv`, `excel` (CSV for a German spreadsheet: BOM, `;`, CRLF) or `xlsx` for a file instead of JSON.", oaObj{"type": "string", "enum": formats})}})}
	}
	return oaObj{
		"/api/v1/export/tickets": oaObj{
			"get": oaOp("tickets", "exportTickets", "Every ticket of a list as CSV or XLSX, streamed", nil,
				oaObj{"200": file, "400": oaError(webkit.CodeBadRequest), "403": oaError(webkit.CodeForbidden)},
				oaObj{
					"description": "The list `GET /api/v1/tickets` selects with the same parameters, whole (no paging). Columns: " +
						"number, process, title, state, priority, team, assignee, requester, due, updated. CSV cells a spreadsheet would run as a formula get a leading apostrophe.",
					"parameters": []any{oaParam("AcceptLanguage"),
						query("format", "`csv` (default), `excel` (CSV for a German spreadsheet) or `xlsx`.", oaObj{"type": "string", "enum": formats}),
						query("team", "Tickets of a team (needs membership and `ticket.read_team`).", oaObj{"type": "string"}),
						query("assignee", "Tickets assigned to a user; `me` for the caller.", oaObj{"type": "string"}),
						query("requester", "Tickets requested by a user; `me` for the caller.", oaObj{"type": "string"}),
						query("state", "States, comma-separated.", oaObj{"type": "string"}),
						query("priority", "Priorities, comma-separated.", oaObj{"type": "string"}),
						query("process", "Only tickets of this process.", oaObj{"type": "string"}),
						query("q", "A piece of the title, matched case-insensitively.", oaObj{"type": "string"}),
						query("status", "`open` (default) or `closed`.", oaObj{"type": "string", "enum": []any{"open", "closed"}})},
				}),
		},
		"/api/v1/reports/sla":    report("slaReport", "SLA per process and team of the tickets created in a month (`report.read`)", "SLAReport"),
		"/api/v1/reports/weekly": report("weeklyReport", "Tickets created and closed per week and team, the weeks a month touches (`report.read`)", "WeeklyReport"),
	}
}
