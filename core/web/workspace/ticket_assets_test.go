package workspace_test

import (
	"strings"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/engine"
)

// TestTicketPageShowsLinkedAssets: the staff ticket page names the assets
// a ticket links — chosen in its form or linked by hand — with number,
// name, class and status and a link to the asset's page, in a panel and
// in the timeline (never as a bare text key); the form's value is a link
// in the spelling it was typed in.
func TestTicketPageShowsLinkedAssets(t *testing.T) {
	env := newAssetPagesEnv(t)
	ctx := t.Context()
	ben := principal(t, env.UIEnv, "ben")
	typed := strings.ToLower(env.laptop.Number) // copied from a label, in another case
	tk, err := env.Eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Notebook startet nicht", "category": "workstation", "affected_asset": typed,
		"impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	carla := principal(t, env.UIEnv, "carla")
	name := "Drucker Empfang"
	printer, err := env.Assets.Create(ctx, carla, asset.Input{Class: "workstation", Name: &name, Data: map[string]any{"device_type": "printer"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.LinkAsset(ctx, ben, tk.Number, 0, printer.Number); err != nil {
		t.Fatal(err)
	}
	b := env.Browser(t)
	b.Login("ben")
	page := b.Get("/app/tickets/" + tk.Number).Body
	if strings.Contains(page, "entry_linked") {
		t.Errorf("the timeline shows the bare key entry_linked")
	}
	i := strings.Index(page, `id="ticket-assets"`)
	if i < 0 {
		t.Fatalf("the page has no panel of linked assets:\n%s", page)
	}
	panel := page[i : i+strings.Index(page[i:], "</ul>")]
	for _, want := range []string{
		`<a href="/app/assets/` + typed + `">` + typed + `</a> Notebook Empfang (Arbeitsplatzgerät, Lager)`,
		`<a href="/app/assets/` + printer.Number + `">` + printer.Number + `</a> Drucker Empfang (Arbeitsplatzgerät, Lager)`,
	} {
		if !strings.Contains(panel, want) {
			t.Errorf("the panel lacks %s:\n%s", want, panel)
		}
	}
	timeline := page[strings.Index(page, `id="timeline-title"`):]
	if !strings.Contains(timeline, `<a href="/app/assets/`+printer.Number+`">`+printer.Number+`</a>`) {
		t.Errorf("the timeline does not link the asset linked by hand:\n%s", timeline)
	}
	data := page[:strings.Index(page, `id="comment-title"`)]
	if !strings.Contains(data, `<a href="/app/assets/`+typed+`">`+typed+`</a>`) {
		t.Errorf("the form's asset field is not a link in its typed spelling")
	}
	// The link leads to the asset whatever the case.
	if p := b.Get("/app/assets/" + typed); p.Status != 200 || !strings.Contains(p.Body, "Notebook Empfang") {
		t.Errorf("the asset page of %s: %d", typed, p.Status)
	}
}
