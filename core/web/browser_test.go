package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"vorgang/core/web/internal/webtest"
)

// These tests drive the real app in headless Chromium (see
// core/web/internal/webtest/chrome.go): the pages as people use them, with
// JavaScript and without.

// reportDamage fills the citizen form like a person: first with mistakes
// (a too short summary, required fields left out, but a photo and a
// place), checks the errors are shown and linked and nothing typed or
// uploaded is lost, then corrects them, adds a second place and sends.
// It returns the ticket number and the tracking link.
func reportDamage(t *testing.T, env *webtest.UIEnv, tb *webtest.Tab, js bool) (string, string) {
	t.Helper()
	if st := tb.Open("/portal/new/citizen-report"); st != http.StatusOK {
		t.Fatalf("form: status %d", st)
	}
	other := `document.querySelector('[data-field="other_kind"]').hidden`
	if js {
		if webtest.Eval[bool](tb, other) != true {
			t.Errorf("with JavaScript, the field shown only for „Sonstiges“ is visible before it is chosen")
		}
		tb.Click("#f-category-3")
		if webtest.Eval[bool](tb, other) != false {
			t.Errorf("choosing „Sonstiges“ does not show its field")
		}
		if webtest.Eval[bool](tb, `document.querySelector('#f-other_kind').required`) != true {
			t.Errorf("the required_if field is not marked required once its condition holds")
		}
		tb.Click("#f-category-1")
		if webtest.Eval[bool](tb, other) != true {
			t.Errorf("choosing another category does not hide the field again")
		}
	} else if webtest.Eval[bool](tb, other) != false {
		t.Errorf("without JavaScript every field must be shown")
	}

	tb.TypeText("#f-summary", "Loch")
	tb.TypeText("#f-spots-0-street", "Markt 1")
	tb.Upload("#f-photo", webtest.WritePNG(t))
	if st := tb.Submit("button.vg-submit"); st != http.StatusUnprocessableEntity {
		t.Fatalf("a form with errors answered %d, want 422", st)
	}
	if !tb.Has("#error-summary") {
		t.Fatalf("no error summary")
	}
	if title := webtest.Eval[string](tb, "document.title"); !strings.HasPrefix(title, "Fehler:") {
		t.Errorf("title of a page with errors = %q, want it to start with „Fehler:“", title)
	}
	links := webtest.Eval[[]string](tb, `Array.from(document.querySelectorAll('#error-summary a')).map(a => a.getAttribute('href'))`)
	wantLinks := []string{"#f-summary", "#f-email", "#f-consent"}
	if !js {
		wantLinks = append(wantLinks, "#f-category-0") // the JavaScript run chose one above
	}
	for _, want := range wantLinks {
		if !slices.Contains(links, want) {
			t.Errorf("error summary links %v, missing %s", links, want)
		}
	}
	if got := webtest.Eval[string](tb, `document.querySelector('#f-summary').getAttribute('aria-describedby')`); !strings.Contains(got, "f-summary-error") {
		t.Errorf("summary field aria-describedby = %q", got)
	}
	if webtest.Eval[string](tb, `document.querySelector('#f-summary').value`) != "Loch" || webtest.Eval[string](tb, `document.querySelector('#f-spots-0-street').value`) != "Markt 1" {
		t.Errorf("typed values are lost after the errors")
	}
	if !webtest.Eval[bool](tb, `document.querySelector('#f-photo-keep-0') !== null && document.querySelector('#f-photo-keep-0').checked`) {
		t.Errorf("the uploaded photo is not kept after the errors")
	}

	tb.TypeText("#f-summary", "Tiefes Schlagloch vor dem Rathaus")
	tb.Click("#f-category-1")
	entries := `document.querySelectorAll('fieldset.vg-entry[data-group="spots"]').length`
	before := webtest.Eval[int](tb, entries)
	if js {
		tb.Click(`button[name="_add"]`)
	} else if st := tb.Submit(`button[name="_add"]`); st != http.StatusOK {
		t.Fatalf("add entry without JavaScript answered %d", st)
	}
	if after := webtest.Eval[int](tb, entries); after != before+1 {
		t.Fatalf("adding an entry: %d entries, then %d", before, after)
	}
	last := webtest.Eval[string](tb, `Array.from(document.querySelectorAll('input[name^="spots["][name$="[street]"]')).pop().id`)
	tb.TypeText("#"+last, "Ring 2")
	tb.TypeText("#f-email", "erika@example.org")
	tb.Click("#f-consent")
	if st := tb.Submit("button.vg-submit"); st != http.StatusOK {
		t.Fatalf("submitting the corrected form: status %d: %s", st, webtest.Eval[string](tb, "document.querySelector('main').innerText"))
	}
	number := tb.Text("#ticket-number")
	link := webtest.Eval[string](tb, `document.querySelector('#tracking-link').href`)
	if !strings.HasPrefix(number, "MELD-") || !strings.Contains(link, "/portal/track/") {
		t.Fatalf("confirmation shows %q and %q", number, link)
	}

	tk, err := env.St.Ticket(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	spots, _ := plainList(tk.Data["spots"])
	photos, _ := plainList(tk.Data["photo"])
	if len(spots) != 2 || len(photos) != 1 {
		t.Fatalf("stored data: spots %v, photo %v", tk.Data["spots"], tk.Data["photo"])
	}
	a, err := env.St.Attachment(t.Context(), photos[0].(string))
	if err != nil || a.ContentType != "image/png" || a.Name != "schlagloch.png" {
		t.Fatalf("attachment %+v, %v", a, err)
	}
	return number, link
}

func plainList(v any) ([]any, bool) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	var out []any
	return out, json.Unmarshal(b, &out) == nil
}

func TestBrowserFormWithGroupAndFile(t *testing.T) {
	env := webtest.NewUIEnv(t)
	c := webtest.StartChrome(t)
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("javascript=%v", js), func(t *testing.T) {
			tb := c.Tab(env.Base, js)
			tb.T = t
			reportDamage(t, env, tb, js)
		})
	}
}

func TestBrowserCitizenAndStaff(t *testing.T) {
	env := webtest.NewUIEnv(t)
	c := webtest.StartChrome(t)
	citizen := c.Tab(env.Base, true)
	number, link := reportDamage(t, env, citizen, true)

	staff := c.Tab(env.Base, true)
	staff.Open("/app/")
	if !staff.Has("#login-name") {
		t.Fatalf("the workspace does not ask for a login")
	}
	staff.TypeText("#login-name", "dora")
	staff.TypeText("#login-password", webtest.UIPassword)
	staff.Submit("button.vg-submit")
	row := fmt.Sprintf(`a[href="/app/tickets/%s"]`, number)
	if !staff.Has(row) {
		t.Fatalf("the new request is not in the team inbox")
	}
	staff.Submit(row)
	staff.Submit(`a[href$="/transitions/review"]`)
	staff.Click("#f-assessment-0")
	staff.TypeText("#f-review_note", "Bauhof informieren")
	if st := staff.Submit("button.vg-submit"); st != http.StatusOK {
		t.Fatalf("review: status %d", st)
	}
	if s := staff.Text("#ticket-state"); s != "In Prüfung" {
		t.Fatalf("state after review = %q", s)
	}

	staff.TypeText("#comment-text", "Kolonne 3 fragen, ob Material da ist")
	staff.Submit(`form[action$="/comments"] button.vg-submit`)
	staff.TypeText("#comment-text", "Wir haben Ihre Meldung geprüft und beauftragen die Reparatur.")
	staff.Click("#comment-internal")
	staff.Submit(`form[action$="/comments"] button.vg-submit`)

	staff.Submit(`a[href$="/transitions/schedule"]`)
	staff.TypeText("#f-contractor", "Straßenbau Müller GmbH")
	staff.Set("#f-planned_on", "2031-05-04")
	if st := staff.Submit("button.vg-submit"); st != http.StatusOK {
		t.Fatalf("schedule: status %d", st)
	}
	if s := staff.Text("#ticket-state"); s != "Beauftragt" {
		t.Fatalf("state after scheduling = %q", s)
	}

	citizen.Open(strings.TrimPrefix(link, env.Base))
	if s := citizen.Text("#public-state"); s != "Reparatur geplant" {
		t.Errorf("the citizen sees state %q, want the public title „Reparatur geplant“", s)
	}
	page := webtest.Eval[string](citizen, "document.body.innerText")
	if !strings.Contains(page, "Wir haben Ihre Meldung geprüft") {
		t.Errorf("the public comment is not on the status page")
	}
	for _, secret := range []string{"Kolonne 3", "Bauhof", "dora", "Müller", "Dora"} {
		if strings.Contains(page, secret) {
			t.Errorf("the status page shows %q, which is internal", secret)
		}
	}
	// The citizen answers with a file; staff see it.
	citizen.TypeText("#reply-text", "Danke! Das Loch wird größer.")
	citizen.Upload("#reply-file", webtest.WritePNG(t))
	citizen.Submit("#reply-form button.vg-submit")
	if body := webtest.Eval[string](citizen, "document.body.innerText"); !strings.Contains(body, "Das Loch wird größer") || !strings.Contains(body, "Ihre Nachricht wurde gesendet") {
		t.Errorf("the reply or its confirmation is not on the status page")
	}
	staff.Open("/app/tickets/" + number)
	if !strings.Contains(webtest.Eval[string](staff, "document.body.innerText"), "Das Loch wird größer") || !staff.Has(`a[href*="/files/att-"]`) {
		t.Errorf("staff do not see the citizen's reply and file")
	}
	_, hist, err := env.Eng.History(t.Context(), nil, number)
	if err == nil || len(hist) > 0 {
		t.Errorf("the engine shows a ticket's history to an anonymous caller")
	}
}

// TestBrowserConditionsMatchServer runs the condition table the server's
// tests use (core/form/testdata/conditions.json) through the browser
// script, so both sides hide and require the same fields.
func TestBrowserConditionsMatchServer(t *testing.T) {
	raw, err := os.ReadFile("../form/testdata/conditions.json")
	if err != nil {
		t.Fatal(err)
	}
	var table struct {
		Cases []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(raw, &table); err != nil {
		t.Fatal(err)
	}
	env := webtest.NewUIEnv(t)
	tb := webtest.StartChrome(t).Tab(env.Base, true)
	tb.Open("/portal/")
	cases, _ := json.Marshal(table.Cases)
	failures := webtest.Eval[[]string](tb, `(function (cases) {
		var out = [];
		cases.forEach(function (c) {
			var scope = c.entry ? {group: c.entry.group, index: c.entry.index} : null;
			var got = window.vorgang.evalCondition(c.condition, c.data, scope);
			if (got !== c.want) { out.push(c.name + ": got " + got + ", want " + c.want); }
		});
		return out;
	})(`+string(cases)+`)`)
	if len(table.Cases) < 50 {
		t.Fatalf("only %d cases read", len(table.Cases))
	}
	for _, f := range failures {
		t.Error(f)
	}
}
