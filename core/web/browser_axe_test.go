package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/store"
)

// axePath is where `npm ci --prefix core/web/testdata/axe` installs
// axe-core (never committed).
const axePath = "testdata/axe/node_modules/axe-core/axe.min.js"

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
	requireFile(t, axePath, "axe-core")
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	env := newUIEnv(t)
	ctx := t.Context()
	citizenTicket, err := env.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-report", Data: map[string]any{
		"category": "street_light", "summary": "Laterne flackert", "spots": []any{map[string]any{"street": "Markt 1", "note": "vor der Apotheke"}},
		"email": "erika@example.org", "consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := env.authn.Principal(ctx, "root")
	dora, _ := env.authn.Principal(ctx, "dora")
	if _, err := env.eng.Comment(ctx, dora, citizenTicket.Number, 0, "Wir sehen uns das an.", false, "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.Comment(ctx, dora, citizenTicket.Number, 0, "Stadtwerke informieren.", true, "de"); err != nil {
		t.Fatal(err)
	}
	ben, _ := env.authn.Principal(ctx, "ben")
	incident, err := env.eng.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Drucker im Raum 204 druckt nicht", "category": "printer", "impact": "some", "urgency": "high", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.Transition(ctx, ben, incident.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	// A citizen request taken on, for a transition whose comment is the
	// message to the citizen.
	request, err := env.eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-request", Data: map[string]any{
		"summary": "Laute Musik", "category": "other", "description": "Jede Nacht bis 3 Uhr.", "email": "n@example.org", "privacy_consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.eng.Transition(ctx, root, request.Number, engine.TransitionRequest{Transition: "accept"}); err != nil {
		t.Fatal(err)
	}
	// A closed one, whose status page offers the survey.
	surveyed := citizenRequestIn(t, env, true)
	survey := "/portal/track/" + surveyed.Tracking
	// An order waiting for approval, for the decision form.
	order := env.submitted(t, "procurement-order", headsetOrder)
	// One an administrator may decide in the approvers' place.
	urgent := env.submitted(t, "urgent-purchase", map[string]any{"summary": "Ersatzakku Notebook"})
	track := "/portal/track/" + citizenTicket.Tracking
	// User administration: a directory user and an open password link.
	if _, err := env.authn.CreateUser(ctx, auth.NewUser{Name: "dirk", DisplayName: "Dirk Direktor", Source: auth.SourceDirectory}); err != nil {
		t.Fatal(err)
	}
	link, err := env.authn.AdminResetLink(ctx, root, "carla")
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
	// Two recorded versions of the definitions, for the version pages.
	for _, v := range []struct{ hash, src string }{{"aaaa11112222", versionsV1}, {"bbbb33334444", strings.ReplaceAll(versionsV1, "eingang", "neu")}} {
		if _, err := env.st.SaveDefinitionVersion(ctx, &store.DefinitionVersion{Hash: v.hash,
			Files: []store.DefinitionFile{{Path: "processes/antrag.yaml", Data: []byte(v.src)}}}); err != nil {
			t.Fatal(err)
		}
	}
	// carla signs in with a code, for the code step of the login.
	enrolCarla(t, env)
	// fills names fields to type into before the post, and the texts.
	fills := map[string][][2]string{"assignment refused": {{"#assign-user", "niemand"}},
		"form with a computed fee, errors": {{"#f-vehicles", "2"}},
		"two-factor code":                  {{"#login-name", "carla"}, {"#login-password", uiPassword}},
		"admin user, edit refused":         {{"#user-email", "kaputt"}}}
	// landsOn names an element that proves the scan reached the page meant.
	landsOn := map[string]string{"two-factor set-up": "#tf-secret", "two-factor set-up, errors": "#tf-code[aria-invalid=true]",
		"two-factor code": "#login-otp"}
	c := startChrome(t)
	tabs := map[string]*tab{}
	tabOf := func(who string) *tab {
		if tb, ok := tabs[who]; ok {
			return tb
		}
		tb := c.tab(env.base, true)
		if who != "citizen" && who != "anonymous" {
			tb.open("/app/login")
			tb.typeText("#login-name", who)
			tb.typeText("#login-password", uiPassword)
			tb.submit("button.vg-submit")
		}
		tabs[who] = tb
		return tb
	}
	shots := screenshotDir()
	for _, lang := range []string{"de", "en"} {
		for _, p := range pages {
			t.Run(lang+"/"+p.name, func(t *testing.T) {
				tb := tabOf(p.who)
				tb.t = t
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				tb.open(p.path + sep + "lang=" + lang)
				for _, f := range fills[p.name] {
					tb.typeText(f[0], f[1])
				}
				if p.post != "" {
					tb.submit(p.post)
				}
				if sel, ok := landsOn[p.name]; ok && !tb.has(sel) {
					t.Fatalf("the page has no %s: not the page meant", sel)
				}
				if got := eval[string](tb, "document.documentElement.lang"); got != lang {
					t.Errorf("html lang = %q, want %q", got, lang)
				}
				runAxe(t, tb, string(axe))
				if shots != "" && p.shot != "" && lang == "de" {
					screenshot(t, tb, filepath.Join(shots, p.shot+".png"))
				}
			})
		}
	}
	// Leave the language cookie German for the tabs' next use.
	for _, tb := range tabs {
		tb.open("/portal/?lang=de")
	}
}

type axeResult struct {
	Violations []struct {
		ID          string `json:"id"`
		Impact      string `json:"impact"`
		Description string `json:"description"`
		Nodes       []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes int `json:"passes"`
}

// runAxe injects axe-core into the page and fails the test on every
// violation of WCAG 2.1 A/AA or axe's best practices.
func runAxe(t *testing.T, tb *tab, axe string) {
	t.Helper()
	eval[bool](tb, axe+";true")
	raw := eval[json.RawMessage](tb, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact, description: v.description,
			nodes: v.nodes.map(n => ({target: n.target, html: n.html}))})), passes: r.passes.length}))`)
	var res axeResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.Passes == 0 {
		t.Fatalf("axe checked nothing")
	}
	loc := eval[string](tb, "location.pathname + location.search")
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, truncate(n.HTML, 160)))
		}
		t.Errorf("%s: axe %s (%s): %s\n  %s", loc, v.ID, v.Impact, v.Description, strings.Join(where, "\n  "))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func screenshot(t *testing.T, tb *tab, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30e9)
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
