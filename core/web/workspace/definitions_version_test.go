package workspace_test

import (
	"net/http"
	"strings"
	"testing"

	"vorgang/core/engine"
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
