package workspace_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// TestInboxExport: the inbox links to the export of the whole list with
// its filters; the export has the list's tickets (CSV with a formula
// neutralised, XLSX read back), and a list the user may not see is
// refused before anything is sent.
func TestInboxExport(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	ben, _ := env.Authn.Principal(ctx, "ben")
	for _, summary := range []string{"=HYPERLINK(\"http://evil\")+Drucker", "Monitor flackert im Raum 12", "Drucker im Raum 204 streikt"} {
		if _, err := env.Eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
			"summary": summary, "category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}}); err != nil {
			t.Fatal(err)
		}
	}
	b := env.Browser(t)
	b.Login("ben")
	page := b.Get("/app/?view=team&team=it-1st-level&q=Drucker")
	link := webtest.HTMLUnescape(webtest.RegexpFind(t, page.Body, `href="(/app/export\?[^"]+format=csv)"`))
	for _, want := range []string{"view=team", "team=it-1st-level", "q=Drucker"} {
		if !strings.Contains(link, want) {
			t.Errorf("export link %s lacks %s", link, want)
		}
	}
	p := b.Get(link)
	if p.Status != http.StatusOK || !strings.HasPrefix(p.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", p.Status, p.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(p.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "number" {
		t.Fatalf("csv rows: %q", recs)
	}
	titles := recs[1][2] + "|" + recs[2][2]
	if !strings.Contains(titles, `'=HYPERLINK("http://evil")+Drucker`) || !strings.Contains(titles, "Drucker im Raum 204") {
		t.Errorf("csv titles: %s", titles)
	}

	p = b.Get(strings.Replace(link, "format=csv", "format=xlsx", 1))
	if p.Status != http.StatusOK || !strings.Contains(p.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %d %v", p.Status, p.Header)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if rows, err := x.GetRows("tickets"); err != nil || len(rows) != 3 || rows[0][0] != "number" {
		t.Errorf("xlsx rows: %q %v", rows, err)
	}

	refused := []struct {
		user, path string
		want       int
	}{
		{"anna", "/app/export?view=team&team=it-1st-level&format=csv", http.StatusForbidden},
		{"ben", "/app/export?view=team&team=it-2nd-level&format=csv", http.StatusForbidden},
		{"ben", "/app/export?view=team&team=ghost&format=csv", http.StatusNotFound},
		{"ben", "/app/export?view=mine&format=pdf", http.StatusBadRequest},
		{"", "/app/export?format=csv", http.StatusSeeOther},
	}
	for _, r := range refused {
		b := env.Browser(t)
		if r.user != "" {
			b.Login(r.user)
		}
		if p := b.Get(r.path); p.Status != r.want || strings.Contains(p.Body, "Drucker") {
			t.Errorf("%q %s: %d, want %d", r.user, r.path, p.Status, r.want)
		}
	}

	// The API exports the list its ticket list selects.
	status, body := env.APICall(t, "ben", "GET", "/api/v1/export/tickets?team=it-1st-level&q=Monitor", "")
	if status != http.StatusOK || strings.Count(body, "\n") != 2 || !strings.Contains(body, "Monitor flackert") {
		t.Errorf("API export: %d %q", status, body)
	}
	if status, _ := env.APICall(t, "anna", "GET", "/api/v1/export/tickets?team=it-1st-level", ""); status != http.StatusForbidden {
		t.Errorf("API export of a foreign queue: %d", status)
	}
}
