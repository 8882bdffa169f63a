package engine

import (
	"context"
	"fmt"
	"io"

	"vorgang/core/auth"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/tabular"
	"vorgang/core/ticket"
)

// ExportColumns are the columns of a ticket export, in order: what a list
// shows of a ticket, as ids (a process, a state) that stay the same in
// every language.
var ExportColumns = []string{"number", "process", "title", "state", "priority", "team", "assignee", "requester", "due", "updated"}

// ExportTickets writes every ticket of the list q selects (q.After and
// q.Limit are ignored) in the format (tabular.FormatCSV, FormatExcelCSV,
// FormatXLSX) to w, after checking that actor may see that list
// (MayList). It reads the list a page at a time and writes each row as
// it comes, so an export of any length holds one page of tickets. It
// returns how many tickets it wrote.
//
// A caller that streams the file to a client checks MayList before it
// sends the head of its answer: an error of the store after the first
// rows can no longer be told in the status.
func (e *Engine) ExportTickets(ctx context.Context, actor *auth.Principal, q ticket.Query, format string, w io.Writer) (int, error) {
	if err := MayList(actor, q); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	out, err := tabular.New(w, format, "tickets")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n, err := e.exportRows(ctx, q, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A streamed answer has sent its status already: the log is
		// where a cut-off export shows.
		e.log.WarnContext(ctx, "ticket export cut off", "user", actor.User, "rows", n, "error", err)
	}
	return n, err
}

func (e *Engine) exportRows(ctx context.Context, q ticket.Query, out tabular.Writer) (int, error) {
	if err := out.Row(ExportColumns...); err != nil {
		return 0, err
	}
	q.After, q.Limit = "", store.MaxPage
	n := 0
	for {
		rows, next, err := e.store.Inbox(ctx, q)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		for _, h := range rows {
			due := h.Due
			if due == ticket.NoDue {
				due = ""
			}
			if err := out.Row(h.Number, h.Process, h.Title, h.State, h.Priority, h.Team, h.Assignee, h.Requester, due, h.Updated); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		q.After = next
	}
}

// ParseExportFormat reads the format of an export ("csv", "excel" for CSV
// as a German spreadsheet opens it, "xlsx"; "" is csv); anything else is
// fault.Malformed.
func ParseExportFormat(v string) (string, error) {
	f, err := tabular.ParseFormat(v)
	if err != nil {
		return "", fmt.Errorf("export: %w: %w", fault.Malformed, err)
	}
	return f, nil
}

// ExportContentType is the media type of an export format.
func ExportContentType(format string) string { return tabular.ContentType(format) }

// ExportExtension is the file name extension of an export format.
func ExportExtension(format string) string { return tabular.Extension(format) }
