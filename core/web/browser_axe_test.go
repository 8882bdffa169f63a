package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/web/internal/webtest"
)

// screenshotDir, when VORGANG_SCREENSHOTS is set, receives screenshots of
// the main pages (docs/screenshots is where the README links them). A
// normal test run writes nothing there.
func screenshotDir() string {
	if os.Getenv("VORGANG_SCREENSHOTS") == "" {
		return ""
	}
	return "../../docs/screenshots"
}

// axePage is one page the scan visits: who looks at it, and how to get
// there.
type axePage struct {
	name string
	who  string // "citizen", "anonymous" or a user name
	path string
	// post submits the page's form first (a form with errors).
	post string
	// shot names the screenshot file of the page (German), if any.
	shot string
}

// TestAccessibility scans every kind of page with axe-core in German and
// English: portal, form pages of the shipped desks, workspace, dashboard,
// admin. Any WCAG 2.1 A/AA violation (and axe's best practices) fails.
func TestAccessibility(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	citizenTicket, err := env.Eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-report", Data: map[string]any{
		"category": "street_light", "summary": "Laterne flackert", "spots": []any{map[string]any{"street": "Markt 1", "note": "vor der Apotheke"}},
		"email": "erika@example.org", "consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := env.Authn.Principal(ctx, "root")
	dora, _ := env.Authn.Principal(ctx, "dora")
	if _, err := env.Eng.Comment(ctx, dora, citizenTicket.Number, 0, "Wir sehen uns das an.", false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Comment(ctx, dora, citizenTicket.Number, 0, "Stadtwerke informieren.", true, "de"); err != nil {
		t.Fatal(err)
	}
	ben, _ := env.Authn.Principal(ctx, "ben")
	incident, err := env.Eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker im Raum 204 druckt nicht", "category": "printer", "impact": "some", "urgency": "high", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Transition(ctx, ben, incident.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	// A citizen request taken on, for a transition whose comment is the
	// message to the citizen.
	request, err := env.Eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Transition(ctx, root, request.Number, engine.TransitionRequest{Transition: "accept"}); err != nil {
		t.Fatal(err)
	}
	// A closed one, whose status page offers the survey.
	surveyed := webtest.CitizenRequestIn(t, env, true)
	survey := "/portal/track/" + surveyed.Tracking
	// An order waiting for approval, for the decision form.
	order := env.Submitted(t, "procurement-order", webtest.HeadsetOrder)
	// One an administrator may decide in the approvers' place.
	urgent := env.Submitted(t, "urgent-purchase", map[string]any{"summary": "Ersatzakku Notebook"})
	track := "/portal/track/" + citizenTicket.Tracking
	// User administration: a directory user and an open password link.
	if _, err := env.Authn.CreateUser(ctx, auth.NewUser{Name: "dirk", DisplayName: "Dirk Direktor", Source: auth.SourceDirectory}); err != nil {
		t.Fatal(err)
	}
	link, err := env.Authn.AdminResetLink(ctx, root, "carla")
	if err != nil {
		t.Fatal(err)
	}
	tickets := "/app/tickets/"
	pages := []axePage{
		{"portal catalog", "citizen", "/portal/", "", "portal"},
		{"portal form", "citizen", "/portal/new/citizen-report", "", "portal-form"},
		{"portal form with errors", "citizen", "/portal/new/citizen-report", "button.vg-submit", "portal-form-errors"},
		{"form with a computed fee", "citizen", "/portal/new/parking-permit", "", ""},
		{"form with a computed fee, errors", "citizen", "/portal/new/parking-permit", "button.vg-submit", ""},
		{"confirmation", "citizen", track + "/confirmation", "", "portal-confirmation"},
		{"status page", "citizen", track, "", "portal-status"},
		{"not found", "citizen", "/portal/nowhere", "", ""},
		{"status page with survey", "citizen", survey, "", ""},
		{"survey form", "citizen", survey + "/follow-up/citizen-survey", "", ""},
		{"survey form with errors", "citizen", survey + "/follow-up/citizen-survey", "button.vg-submit", ""},
		{"login", "anonymous", "/app/login", "", "login"},
		{"login failed", "anonymous", "/app/login", "button.vg-submit", ""},
		{"team inbox", "dora", "/app/", "", "inbox"},
		{"it inbox", "ben", "/app/?view=team&team=it-1st-level", "", ""},
		{"inbox filtered", "root", "/app/?view=requested&q=Drucker&priority=high", "", ""},
		{"new ticket catalog", "ben", "/app/new", "", "new-ticket"},
		{"IT incident form", "ben", "/app/new/it-incident", "", "it-incident-form"},
		{"IT incident form with errors", "ben", "/app/new/it-incident", "button.vg-submit", ""},
		{"citizen ticket", "dora", tickets + citizenTicket.Number, "", "ticket"},
		{"IT ticket", "ben", tickets + incident.Number, "", ""},
		{"transition with form", "dora", tickets + citizenTicket.Number + "/transitions/review", "", "transition-form"},
		{"transition with form, errors", "dora", tickets + citizenTicket.Number + "/transitions/review", "button.vg-submit", ""},
		{"transition with comment", "ben", tickets + incident.Number + "/transitions/ask_requester", "", ""},
		{"transition with comment, errors", "ben", tickets + incident.Number + "/transitions/ask_requester", "button.vg-submit", ""},
		{"question to the citizen", "root", tickets + request.Number + "/transitions/ask_citizen", "", ""},
		{"question to the citizen, errors", "root", tickets + request.Number + "/transitions/ask_citizen", "button.vg-submit", ""},
		{"resolution form", "ben", tickets + incident.Number + "/transitions/resolve", "", "it-resolution-form"},
		{"approval decision", "tim", tickets + order.Number, "", "approval-decision"},
		{"approval decision, errors", "tim", tickets + order.Number, "button[value=reject]", ""},
		{"pending approval, why not", "anna", tickets + order.Number, "", ""},
		{"approval override", "root", tickets + urgent.Number, "", ""},
		{"approval override, errors", "root", tickets + urgent.Number, "button[value=approve]", ""},
		{"assignment refused", "root", tickets + incident.Number, `form.vg-form[action$="/assign"] button`, ""},
		{"dashboard", "lea", "/app/dashboard", "", "dashboard"},
		{"admin definitions", "root", "/admin/", "", "admin-definitions"},
		{"admin process diagram", "root", "/admin/processes/it-incident", "", "admin-process"},
		{"admin citizen process", "root", "/admin/processes/citizen-report", "", ""},
		{"admin users", "root", "/admin/users", "", "admin-users"},
		{"admin versions", "root", "/admin/versions", "", ""},
		{"admin version changes", "root", "/admin/versions/diff?from=aaaa11112222&to=bbbb33334444", "", ""},
		{"admin users, create refused", "root", "/admin/users", `form[action="/admin/users"] button.vg-submit`, ""},
		{"admin user", "root", "/admin/users/anna", "", ""},
		{"admin user, edit refused", "root", "/admin/users/anna", `form[action="/admin/users/anna"] button.vg-submit`, ""},
		{"admin user, reset link", "root", "/admin/users/ben", `form[action$="/password-reset"] button`, ""},
		{"admin directory user", "root", "/admin/users/dirk", "", ""},
		{"admin audit log", "root", "/admin/audit", "", ""},
		{"my account", "anna", "/app/account", "", ""},
		{"my account, change refused", "anna", "/app/account", `form[action="/app/account/password"] button.vg-submit`, ""},
		{"set password", "anonymous", "/app/password/" + link.Token, "", ""},
		{"set password, refused", "anonymous", "/app/password/" + link.Token, "button.vg-submit", ""},
		{"forbidden", "ben", "/admin/", "", ""},
		{"two-factor set-up", "ben", "/app/two-factor", "", ""},
		{"two-factor set-up, errors", "ben", "/app/two-factor", "button.vg-submit", ""},
		{"two-factor code", "anonymous", "/app/login", "button.vg-submit", ""},
	}
	// A refused change of the definitions, named on the admin page.
	env.Eng.NoteRefused("cccc55556666aaaa", []engine.Stranded{{Process: "it-incident", State: "waiting", Tickets: 3,
		Change: definition.Change{Kind: "Process", ID: "it-incident", Part: "state", Item: "waiting", Op: definition.Removed, File: "processes/it/it-incident.yaml", Line: 26, Col: 9}}})
	// Two recorded versions of the definitions, for the version pages.
	for _, v := range []struct{ hash, src string }{{"aaaa11112222", webtest.SmallVersion}, {"bbbb33334444", strings.ReplaceAll(webtest.SmallVersion, "eingang", "neu")}} {
		if _, err := env.St.SaveDefinitionVersion(ctx, &store.DefinitionVersion{Hash: v.hash,
			Files: []store.DefinitionFile{{Path: "processes/antrag.yaml", Data: []byte(v.src)}}}); err != nil {
			t.Fatal(err)
		}
	}
	// carla signs in with a code, for the code step of the login.
	webtest.EnrolTOTP(t, env, "carla")
	// fills names fields to type into before the post, and the texts.
	fills := map[string][][2]string{"assignment refused": {{"#assign-user", "niemand"}},
		"form with a computed fee, errors": {{"#f-vehicles", "2"}},
		"two-factor code":                  {{"#login-name", "carla"}, {"#login-password", webtest.UIPassword}},
		"admin user, edit refused":         {{"#user-email", "kaputt"}}}
	// landsOn names an element that proves the scan reached the page meant.
	landsOn := map[string]string{"two-factor set-up": "#tf-secret", "two-factor set-up, errors": "#tf-code[aria-invalid=true]",
		"two-factor code": "#login-otp"}
	c := webtest.StartChrome(t)
	tabs := map[string]*webtest.Tab{}
	tabOf := func(who string) *webtest.Tab {
		if tb, ok := tabs[who]; ok {
			return tb
		}
		tb := c.Tab(env.Base, true)
		if who != "citizen" && who != "anonymous" {
			tb.Open("/app/login")
			tb.TypeText("#login-name", who)
			tb.TypeText("#login-password", webtest.UIPassword)
			tb.Submit("button.vg-submit")
		}
		tabs[who] = tb
		return tb
	}
	shots := screenshotDir()
	for _, lang := range []string{"de", "en"} {
		for _, p := range pages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				tb := tabOf(p.who)
				tb.T = t
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				tb.Open(p.path + sep + "lang=" + lang)
				for _, f := range fills[p.name] {
					tb.TypeText(f[0], f[1])
				}
				if p.post != "" {
					tb.Submit(p.post)
				}
				if sel, ok := landsOn[p.name]; ok && !tb.Has(sel) {
					t.Fatalf("the page has no %s: not the page meant", sel)
				}
				if got := webtest.Eval[string](tb, "document.documentElement.lang"); got != lang {
					t.Errorf("html lang = %q, want %q", got, lang)
				}
				webtest.RunAxe(t, tb, string(axe))
				if shots != "" && p.shot != "" && lang == "de" {
					screenshot(t, tb, filepath.Join(shots, p.shot+".png"))
				}
			})
		}
	}
	// Leave the language cookie German for the tabs' next use.
	for _, tb := range tabs {
		tb.Open("/portal/?lang=de")
	}
}

func screenshot(t *testing.T, tb *webtest.Tab, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, 30e9)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

var _ = url.PathEscape

// TestAssetAccessibility scans the asset pages with axe-core in German
// and English, also the pages a refused or checked post answers with: the
// edit form with errors and after a conflict, the retirement's warning,
// the import's table of errors and its checked report, the label sheet.
func TestAssetAccessibility(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := webtest.NewUIEnv(t, webtest.UIOptions{Assets: true})
	ctx := t.Context()
	carla, _ := env.Authn.Principal(ctx, "carla")
	name := func(s string) *string { return &s }
	bld, err := env.Assets.Create(ctx, carla, asset.Input{Class: "building", Name: name("Rathaus"), Data: map[string]any{"street": "Markt 1", "postcode": "01067", "city": "Dresden"}})
	if err != nil {
		t.Fatal(err)
	}
	room, err := env.Assets.Create(ctx, carla, asset.Input{Class: "room", Name: name("Bürgerbüro"), Data: map[string]any{"room_number": "0.12", "usage": "office"},
		Relations: map[string][]string{"building": {bld.Number}}})
	if err != nil {
		t.Fatal(err)
	}
	laptop, err := env.Assets.Create(ctx, carla, asset.Input{Class: "workstation", Name: name("Notebook Empfang"), Data: map[string]any{"device_type": "laptop", "serial_number": "SN-1"},
		Relations: map[string][]string{"location": {room.Number}, "user": {"ben"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Assets.Update(ctx, carla, laptop.Number, laptop.Version, asset.Input{Name: name("Notebook Pforte")}); err != nil {
		t.Fatal(err)
	}
	ben, _ := env.Authn.Principal(ctx, "ben")
	incident, err := env.Eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Notebook startet nicht", "category": "workstation", "affected_asset": laptop.Number, "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	phoneName := "Diensthandy"
	if _, err := env.Assets.Create(ctx, carla, asset.Input{Class: "phone", Name: &phoneName, Data: map[string]any{"phone_type": "mobile", "contract_end": "2027-05-31"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Assets.RemindDue(ctx, time.Date(2027, 3, 15, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	badFile, goodFile := filepath.Join(dir, "fehler.csv"), filepath.Join(dir, "geraete.csv")
	if err := os.WriteFile(badFile, []byte("name;device_type;location\nPC 1;pc;RAUM99999\n;laptop;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goodFile, []byte("name;device_type\nPC 1;pc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := "/app/assets/" + laptop.Number
	type assetPage struct {
		name, who, path string
		upload          string // a file to choose before the post
		fill            [][2]string
		post            string
		lands           string // an element that proves the page meant was reached
	}
	pages := []assetPage{
		{name: "list", who: "ben", path: "/app/assets"},
		{name: "list filtered", who: "ben", path: "/app/assets?class=workstation&q=sn-1&user=ben&in=" + room.Number},
		{name: "list, unknown location", who: "ben", path: "/app/assets?in=RAUM99999"},
		{name: "asset", who: "ben", path: a},
		{name: "room with what is in it", who: "carla", path: "/app/assets/" + room.Number},
		{name: "edit", who: "carla", path: a + "/edit"},
		{name: "edit with errors", who: "carla", path: a + "/edit", fill: [][2]string{{"#f-asset_rel_location", "RAUM99999"}}, post: "button.vg-submit", lands: "[aria-invalid=true]"},
		{name: "edit after a conflict", who: "carla", path: a + "/edit?version=1", post: ""},
		{name: "new", who: "carla", path: "/app/assets/new?class=room"},
		{name: "new with errors", who: "carla", path: "/app/assets/new?class=room", post: "button.vg-submit", lands: ".vg-error-summary"},
		{name: "import", who: "carla", path: "/app/assets/import"},
		{name: "import, errors", who: "carla", path: "/app/assets/import?class=workstation", upload: badFile, post: `form[enctype="multipart/form-data"] button.vg-submit`, lands: "#import-errors"},
		{name: "import, checked", who: "carla", path: "/app/assets/import?class=workstation", upload: goodFile, post: `form[enctype="multipart/form-data"] button.vg-submit`, lands: "#import-apply"},
		{name: "labels", who: "ben", path: "/app/assets/labels?class=workstation", lands: "svg.vg-label-qr"},
		{name: "reminders", who: "ben", path: "/app/assets/reports/reminders", lands: "#asset-reminders"},
		{name: "assets of disabled users", who: "ben", path: "/app/assets/reports/disabled-users"},
		{name: "ticket with linked assets", who: "ben", path: "/app/tickets/" + incident.Number, lands: "#ticket-assets"},
		{name: "asset, admin", who: "root", path: a, lands: "#delete-confirm"},
		{name: "delete unconfirmed", who: "root", path: a, post: `form[action$="/delete"] button`, lands: "#delete-error"},
		{name: "retired with a warning", who: "root", path: "/app/assets/" + bld.Number, post: `form[action$="/retire"] button`, lands: "#still-referenced"},
	}
	c := webtest.StartChrome(t)
	tabs := map[string]*webtest.Tab{}
	tabOf := func(who string) *webtest.Tab {
		if tb, ok := tabs[who]; ok {
			return tb
		}
		tb := c.Tab(env.Base, true)
		tb.Open("/app/login")
		tb.TypeText("#login-name", who)
		tb.TypeText("#login-password", webtest.UIPassword)
		tb.Submit("button.vg-submit")
		tabs[who] = tb
		return tb
	}
	for _, lang := range []string{"de", "en"} {
		for _, p := range pages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				tb := tabOf(p.who)
				tb.T = t
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				path := p.path + sep + "lang=" + lang
				if p.name == "edit after a conflict" {
					// The form of version 1 posted: the asset is at 2.
					tb.Open(a + "/edit?lang=" + lang)
					webtest.Eval[string](tb, `document.querySelector("form.vg-form").action = "`+a+`/edit?version=1"`)
					tb.Submit("button.vg-submit")
					if !tb.Has("#asset-conflict") {
						t.Fatal("no conflict shown")
					}
				} else {
					tb.Open(path)
				}
				for _, f := range p.fill {
					tb.Set(f[0], f[1])
				}
				if p.upload != "" {
					tb.Upload("#import-file", p.upload)
				}
				if p.post != "" {
					tb.Submit(p.post)
				}
				if p.lands != "" && !tb.Has(p.lands) {
					t.Fatalf("the page has no %s: not the page meant", p.lands)
				}
				if got := webtest.Eval[string](tb, "document.documentElement.lang"); got != lang {
					t.Errorf("html lang = %q, want %q", got, lang)
				}
				webtest.RunAxe(t, tb, string(axe))
			})
		}
		if lang == "de" {
			// The building was retired by the German scan: bring it back
			// for the English one.
			back := "in_use"
			cur, err := env.Assets.Get(ctx, carla, bld.Number)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := env.Assets.Update(ctx, carla, bld.Number, cur.Version, asset.Input{Status: &back}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tb := range tabs {
		tb.Open("/portal/?lang=de")
	}
}
