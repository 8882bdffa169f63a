package workspace_test

import (
	"net/http"
	"strings"
	"testing"

	"vorgang/core/engine"
	"vorgang/core/ticket"
	"vorgang/core/web/internal/webtest"
)

// TestTicketPageNamesItsDefinitions: the staff ticket page says on which
// definitions the ticket started (the catalog hash as the log and /healthz
// show it), so a ticket stays explainable after the desk changed.
func TestTicketPageNamesItsDefinitions(t *testing.T) {
	env := webtest.NewUIEnv(t)
	tk, err := env.Eng.Create(t.Context(), nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Catalog) < 12 {
		t.Fatalf("ticket catalog %q", tk.Catalog)
	}
	staff := env.Browser(t)
	staff.Login("root")
	p := staff.Get("/app/tickets/" + tk.Number)
	if want := `<code id="ticket-definitions">` + tk.Catalog[:12] + `</code>`; p.Status != http.StatusOK || !strings.Contains(p.Body, want) {
		t.Errorf("ticket page (%d) lacks %s", p.Status, want)
	}
}

// TestTicketPageNamesClosedOnAndMigrations: a finished ticket's page names
// the definitions it finished on, and a migrated ticket's page the
// migrations applied to it.
func TestTicketPageNamesClosedOnAndMigrations(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	tk, err := env.Eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	staff := env.Browser(t)
	staff.Login("root")
	if p := staff.Get("/app/tickets/" + tk.Number); strings.Contains(p.Body, `id="ticket-closed-on"`) || strings.Contains(p.Body, `id="ticket-migrations"`) {
		t.Error("an open ticket that was never migrated names a finish or a migration")
	}
	stored, err := env.St.Ticket(ctx, tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	stored.Open, stored.Category, stored.ClosedOn = false, "closed", "dddd77778888aaaa"
	stored.Migrations = []string{"request-2026", "request-2027"}
	if err := env.St.UpdateTicket(ctx, stored, &ticket.HistoryEntry{Type: "migrated"}); err != nil {
		t.Fatal(err)
	}
	p := staff.Get("/app/tickets/" + tk.Number)
	for _, want := range []string{`<code id="ticket-closed-on">dddd77778888</code>`, `<dd id="ticket-migrations"><code>request-2026</code>, <code>request-2027</code></dd>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("ticket page (%d) lacks %s", p.Status, want)
		}
	}
}
