package notify_test

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/notify"
)

// TestTemplateFunctions: dates, times, numbers and amounts render in the
// recipient's language, times in the zone given.
func TestTemplateFunctions(t *testing.T) {
	utc := time.UTC
	berlin, _ := time.LoadLocation("Europe/Berlin")
	data := map[string]any{
		"day": "2026-12-02", "at": "2026-12-02T13:30:00Z", "local": "2026-12-02T14:30",
		"total": 1234.5, "count": float64(18250), "text": json.Number("-1234567.891"), "empty": "", "odd": "bald",
	}
	tests := []struct {
		name, lang, tpl, want string
		loc                   *time.Location
	}{
		{"date de", "de", `{{date .Ticket.Data.day}}`, "02.12.2026", berlin},
		{"date en", "en", `{{date .Ticket.Data.day}}`, "2 Dec 2026", berlin},
		{"a date stays the date in any zone", "de", `{{date .Ticket.Data.day}}`, "02.12.2026", utc},
		{"datetime de in Berlin", "de", `{{datetime .Ticket.Data.at}}`, "02.12.2026, 14:30", berlin},
		{"datetime en in Berlin", "en", `{{.Ticket.Data.at | datetime}}`, "2 Dec 2026, 14:30", berlin},
		{"datetime in another zone", "de", `{{datetime .Ticket.Data.at}}`, "02.12.2026, 13:30", utc},
		{"datetime without zone is local", "de", `{{datetime .Ticket.Data.local}}`, "02.12.2026, 14:30", berlin},
		{"date of a time", "de", `{{date "2026-12-02T23:30:00Z"}}`, "03.12.2026", berlin},
		{"number de", "de", `{{number .Ticket.Data.total}} {{number .Ticket.Data.count}}`, "1.234,50 18.250", berlin},
		{"number en", "en", `{{number .Ticket.Data.total}} {{number .Ticket.Data.count}}`, "1,234.50 18,250", berlin},
		{"number of a JSON number", "de", `{{number .Ticket.Data.text}}`, "-1.234.567,89", berlin},
		{"money de", "de", `{{money .Ticket.Data.total}}`, "1.234,50 €", berlin},
		{"money en", "en", `{{money .Ticket.Data.total}}`, "€1,234.50", berlin},
		{"money of a whole number", "de", `{{money 12}}`, "12,00 €", berlin},
		{"empty renders empty", "de", `[{{date .Ticket.Data.empty}}{{money .Ticket.Data.empty}}]`, "[]", berlin},
		{"other text renders as it is", "de", `{{date .Ticket.Data.odd}} {{number .Ticket.Data.odd}}`, "bald bald", berlin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &definition.Notification{Meta: definition.Meta{ID: definition.Ref{Value: "f"}},
				Subject: definition.Label{De: "x"}, Body: definition.Label{De: tt.tpl, En: tt.tpl}}
			m, err := notify.RenderIn(n, tt.lang, tt.loc, notify.Data{Ticket: notify.TicketData{Data: data}})
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != tt.want {
				t.Errorf("got %q, want %q", m.Text, tt.want)
			}
		})
	}
}

// TestTemplateFunctionsAreTheCheckedOnes: the loader checks templates
// against the functions the renderer has.
func TestTemplateFunctionsAreTheCheckedOnes(t *testing.T) {
	var names []string
	for name := range definition.TemplateFuncs() {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := &definition.Notification{Meta: definition.Meta{ID: definition.Ref{Value: "f"}},
			Subject: definition.Label{De: "x"}, Body: definition.Label{De: "{{" + name + " 1}}"}}
		if _, err := notify.Render(n, "de", notify.Data{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(names) != 4 {
		t.Errorf("the loader knows %v, the renderer date, datetime, number, money", names)
	}
}
