package engine

import (
	"strings"
	"text/template"
	"time"

	"vorgang/core/definition"
	"vorgang/core/ticket"
)

// maxTitle bounds a title made from a template, in runes.
const maxTitle = 500

// templateTitle makes the title of a new ticket from its process's
// ticket_title: {{.Number}} and {{.Data.field}}, where a field without a
// value renders empty, formatted by the template functions in German (a
// title is stored once, for every reader) and the ticket's time zone. A template that fails or renders only white space
// gives the default title, so a ticket never goes without one.
func (e *Engine) templateTitle(t *ticket.Ticket) string {
	cat := e.catalog()
	p := cat.Process(t.Process)
	if p == nil {
		return t.Process
	}
	if p.TicketTitle.IsZero() {
		return defaultTitle(t.Data, p)
	}
	data := map[string]any{}
	if f := cat.Form(p.Form.Value); f != nil {
		for _, fd := range f.AllFields() {
			data[fd.ID.Value] = ""
		}
	}
	for k, v := range t.Data {
		data[k] = v
	}
	tpl, err := template.New("ticket_title").Option("missingkey=zero").
		Funcs(definition.FormatFuncs("de", titleZone(cat, t))).Parse(p.TicketTitle.Value)
	if err != nil {
		return defaultTitle(t.Data, p) // checked at load; cannot happen
	}
	var b strings.Builder
	if err := tpl.Execute(&b, map[string]any{"Number": t.Number, "Data": data}); err != nil {
		e.log.Warn("the ticket_title template failed; the default title is used", "process", p.ID.Value, "error", err)
		return defaultTitle(t.Data, p)
	}
	title := strings.Join(strings.Fields(b.String()), " ")
	if title == "" {
		return defaultTitle(t.Data, p)
	}
	if r := []rune(title); len(r) > maxTitle {
		title = string(r[:maxTitle])
	}
	return title
}

// berlin is the zone of titles when no calendar names one, as in mails.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.UTC // the binary embeds the zone database (cmd/vorgang)
	}
	return loc
}()

func titleZone(cat *definition.Catalog, t *ticket.Ticket) *time.Location {
	if zone := cat.TicketZone(t.Process, t.Team); zone != "" {
		if loc, err := time.LoadLocation(zone); err == nil {
			return loc
		}
	}
	return berlin
}
