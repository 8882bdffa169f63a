package notify

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"text/template"
	"time"

	"vorgang/core/definition"
)

// Data is what a notification template sees, e.g. {{.Ticket.Number}},
// {{.Requester.Name}}, {{.Ticket.Data.solution}} or {{.SLA.Due}}.
type Data struct {
	Ticket    TicketData
	Requester Person
	Assignee  Person
	Recipient Person
	// Actor is the display name of who made the change.
	Actor string
	// Event is the event name, e.g. "ticket.created" or "sla.breach".
	Event string
	// Comment is the public comment of the change, if any.
	Comment string
	SLA     SLAData
}

// TicketData is the ticket as templates see it.
type TicketData struct {
	Number, Title, Process, State, Priority, Team string
	// URL is the ticket's page for the recipient.
	URL string
	// Data holds the form fields; fields without a value are "".
	Data map[string]any
}

// Person is a recipient, requester or assignee.
type Person struct {
	// User is the user name; "" for a citizen or a fixed address.
	User        string
	Name, Email string
	// Lang is "de" or "en".
	Lang string
}

// SLAData describes the SLA event of an escalation.
type SLAData struct {
	// Goal is "first_response" or "resolution"; Kind "warning" or
	// "breach".
	Goal, Kind string
	// Due is the deadline, formatted for the recipient in the calendar's
	// time zone ("27.11.2026 13:00").
	Due string
}

// Message is a rendered mail.
type Message struct {
	Subject, Text, HTML string
}

// Render renders the notification in lang ("de" or "en"; English falls
// back to German where the definition has no English text), with times of
// the template functions in Europe/Berlin. The worker renders with
// RenderIn in the ticket's zone; Render is the short form tests use.
func Render(n *definition.Notification, lang string, d Data) (Message, error) {
	return RenderIn(n, lang, berlin, d)
}

var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The binary embeds the zone database (cmd/vorgang).
		panic(fmt.Sprintf("notify: time zone %s: %v", name, err))
	}
	return loc
}

// RenderIn is Render with the template functions' times shown in loc.
func RenderIn(n *definition.Notification, lang string, loc *time.Location, d Data) (Message, error) {
	funcs := definition.FormatFuncs(lang, loc)
	subject, err := execute(n.ID.Value+"/subject", n.Subject.In(lang), funcs, d)
	if err != nil {
		return Message{}, err
	}
	text, err := execute(n.ID.Value+"/body", n.Body.In(lang), funcs, d)
	if err != nil {
		return Message{}, err
	}
	// A subject is one line: a value with a line break must not start
	// headers of its own.
	subject = strings.Join(strings.Fields(subject), " ")
	return Message{Subject: subject, Text: text, HTML: toHTML(text, lang)}, nil
}

func execute(name, text string, funcs template.FuncMap, d Data) (string, error) {
	// Templates were parsed when the definitions loaded; parsing again is
	// cheap next to sending a mail.
	tpl, err := template.New(name).Option("missingkey=zero").Funcs(funcs).Parse(text)
	if err != nil {
		return "", fmt.Errorf("notification %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("notification %s: %w", name, err)
	}
	return b.String(), nil
}

var link = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]`)

// toHTML is the plain text as HTML: escaped, paragraphs on blank lines,
// links clickable. Templates are written as plain text, so the HTML part
// cannot differ from it or carry markup from ticket data.
func toHTML(text, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=%q>\n<head><meta charset=\"utf-8\"></head>\n<body>\n", lang)
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		lines := strings.Split(strings.TrimSpace(para), "\n")
		for i, l := range lines {
			lines[i] = linkify(l)
		}
		fmt.Fprintf(&b, "<p>%s</p>\n", strings.Join(lines, "<br>\n"))
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

func linkify(line string) string {
	var b strings.Builder
	last := 0
	for _, m := range link.FindAllStringIndex(line, -1) {
		b.WriteString(html.EscapeString(line[last:m[0]]))
		u := html.EscapeString(line[m[0]:m[1]])
		fmt.Fprintf(&b, `<a href="%s">%s</a>`, u, u)
		last = m[1]
	}
	b.WriteString(html.EscapeString(line[last:]))
	return b.String()
}
