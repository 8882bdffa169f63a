package engine_test

import (
	"context"
	"testing"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
)

// titleDesk declares a title template; a transition's after hook reads the
// title and sets a new one.
var titleDesk = map[string]string{
	"processes/betreff.yaml": `apiVersion: vorgang/v1
kind: Process
id: betreff
title: Betreff
form: betreff
audience: [staff]
numbering: {prefix: BT, digits: 3, reset: never}
ticket_title: "{{.Data.category}}: {{.Data.summary}} ({{.Number}})"
states:
  - {id: new, category: open}
  - {id: done, category: closed}
transitions:
  - {id: finish, from: [new], to: done, hooks: {after: [bt-retitle]}}
---
apiVersion: vorgang/v1
kind: Form
id: betreff
title: Betreff
fields:
  - {id: category, type: text, label: Art}
  - {id: summary, type: text, label: Betreff}
`,
	"scripts/bt-retitle.lua": `ticket.set_title("Erledigt – " .. ticket.title)
assert(ticket.title == "Erledigt – Drucker: Papierstau (BT-001)", ticket.title)`,
}

// TestTicketTitleTemplate: a process's ticket_title makes the title of a
// new ticket from its fields and number; a title asked for wins, a field
// without a value renders empty, and a script reads the title and sets
// another. Before, the title came only from a field named summary.
func TestTicketTitleTemplate(t *testing.T) {
	ctx := context.Background()
	var files []definition.File
	for path, src := range titleDesk {
		files = append(files, definition.File{Path: path, Data: []byte(src)})
	}
	f := fixtureFor(t, files)
	admin := &auth.Principal{User: "root", Admin: true}
	tests := []struct {
		name string
		req  engine.CreateRequest
		want string
	}{
		{"from the template", engine.CreateRequest{Data: map[string]any{"category": "Drucker", "summary": "Papierstau"}}, "Drucker: Papierstau (BT-001)"},
		{"a field without a value", engine.CreateRequest{Data: map[string]any{"summary": "Kein Netz"}}, ": Kein Netz (BT-002)"},
		{"a title asked for wins", engine.CreateRequest{Title: "Eigener Titel", Data: map[string]any{"summary": "x"}}, "Eigener Titel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Process = "betreff"
			tk, err := f.eng.Create(ctx, admin, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Title != tt.want {
				t.Errorf("title = %q, want %q", tk.Title, tt.want)
			}
		})
	}
	t.Run("a script reads and sets the title", func(t *testing.T) {
		tk, err := f.eng.Transition(ctx, admin, "BT-001", engine.TransitionRequest{Transition: "finish"})
		if err != nil {
			t.Fatal(err)
		}
		if want := "Erledigt – Drucker: Papierstau (BT-001)"; tk.Title != want {
			t.Errorf("title = %q, want %q", tk.Title, want)
		}
	})
}

// TestTicketTitleFormatsDatesAndAmounts: a title template formats dates and
// amounts with the template functions of the mails, in German. Before, a
// date showed as stored (2026-12-24) and the functions were unknown.
func TestTicketTitleFormatsDatesAndAmounts(t *testing.T) {
	f := fixtureFor(t, []definition.File{{Path: "processes/umzug.yaml", Data: []byte(`apiVersion: vorgang/v1
kind: Process
id: umzug
title: Umzug
form: umzug
audience: [staff]
ticket_title: "{{.Data.summary}} am {{date .Data.day}}, {{datetime .Data.at}} ({{.Data.amount | money}})"
states:
  - {id: new, category: open}
  - {id: done, category: closed}
transitions:
  - {id: finish, from: [new], to: done}
---
apiVersion: vorgang/v1
kind: Form
id: umzug
title: Umzug
fields:
  - {id: summary, type: text, label: Betreff}
  - {id: day, type: date, label: Tag}
  - {id: at, type: datetime, label: Beginn}
  - {id: amount, type: number, label: Kosten}
`)}})
	tk, err := f.eng.Create(t.Context(), &auth.Principal{User: "root", Admin: true}, engine.CreateRequest{Process: "umzug",
		Data: map[string]any{"summary": "Umzug Amt 51", "day": "2026-12-24", "at": "2026-12-24T07:30:00Z", "amount": 1234.5}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Umzug Amt 51 am 24.12.2026, 24.12.2026, 08:30 (1.234,50 €)"; tk.Title != want {
		t.Errorf("title = %q, want %q", tk.Title, want)
	}
}
