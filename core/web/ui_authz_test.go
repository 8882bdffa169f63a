package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/asset"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/store"
	"vorgang/core/web/internal/webtest"
)

// TestAuthorizationMatrix asks every page route as every kind of user,
// for a ticket of their own and a foreign one, and checks the status: each
// page asks the engine, never only hides a link. A refused page never shows
// the ticket's title or data.
func TestAuthorizationMatrix(t *testing.T) {
	env := webtest.NewUIEnv(t)
	ctx := t.Context()
	anna, _ := env.Authn.Principal(ctx, "anna")
	dora, _ := env.Authn.Principal(ctx, "dora")

	photo := &store.Attachment{ID: "att-matrixphoto", Name: "laterne.png", ContentType: "image/png", UploadedBy: "portal:x"}
	if err := env.St.PutAttachment(ctx, photo, bytes.NewReader(webtest.PNGBytes), 1<<20); err != nil {
		t.Fatal(err)
	}
	stray := &store.Attachment{ID: "att-strayfile", Name: "fremd.png", ContentType: "image/png", UploadedBy: "user:carla"}
	if err := env.St.PutAttachment(ctx, stray, bytes.NewReader(webtest.PNGBytes), 1<<20); err != nil {
		t.Fatal(err)
	}
	// it: an IT incident anna reported (team it-1st-level).
	it, err := env.Eng.Create(ctx, anna, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
		"summary": "Geheimnisvoller Monitor flackert", "category": "workstation", "impact": "single", "urgency": "low", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	// cz: a citizen's report with a photo (team ordnungsamt).
	cz, err := env.Eng.Create(ctx, nil, engine.CreateRequest{Process: "citizen-report", Data: map[string]any{
		"category": "graffiti", "summary": "Vertrauliche Schmiererei am Rathaus", "photo": []any{photo.ID},
		"spots": []any{map[string]any{"street": "Markt 1"}}, "email": "erika@example.org", "consent": true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Eng.Comment(ctx, dora, cz.Number, 0, "Interne Notiz zur Schmiererei", true, "de"); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"Geheimnisvoller Monitor", "Vertrauliche Schmiererei", "erika@example.org"}

	users := []string{"", "anna", "ben", "carla", "dora", "lea", "root"}
	const (
		ok       = http.StatusOK
		login    = http.StatusSeeOther // anonymous: sent to the login page
		forbid   = http.StatusForbidden
		notFound = http.StatusNotFound
	)
	// want lists the status per user, in the order of users.
	type route struct {
		path string
		want []int
	}
	itT, czT := "/app/tickets/"+it.Number, "/app/tickets/"+cz.Number
	routes := []route{
		{"/app/", []int{login, ok, ok, ok, ok, ok, ok}},
		{"/app/?view=team&team=it-1st-level", []int{login, forbid, ok, forbid, forbid, ok, ok}},
		{"/app/?view=team&team=ordnungsamt", []int{login, forbid, forbid, forbid, ok, ok, ok}},
		{"/app/?view=mine", []int{login, ok, ok, ok, ok, ok, ok}},
		{"/app/dashboard", []int{login, ok, ok, ok, ok, ok, ok}},
		{"/app/new", []int{login, ok, ok, ok, ok, ok, ok}},
		{"/app/new/it-incident", []int{login, ok, ok, ok, ok, ok, ok}},
		{"/app/new/citizen-report", []int{login, ok, ok, ok, ok, ok, ok}},
		{itT, []int{login, ok, ok, notFound, notFound, ok, ok}},
		{czT, []int{login, notFound, notFound, notFound, ok, ok, ok}},
		// A step the user may not take is refused with the reason (403).
		{itT + "/transitions/start", []int{login, forbid, ok, notFound, notFound, forbid, ok}},
		{itT + "/transitions/cancel", []int{login, ok, ok, notFound, notFound, forbid, ok}},
		{itT + "/transitions/nonexistent", []int{login, notFound, notFound, notFound, notFound, notFound, notFound}},
		{czT + "/transitions/review", []int{login, notFound, notFound, notFound, ok, forbid, ok}},
		{czT + "/files/" + photo.ID, []int{login, notFound, notFound, notFound, ok, ok, ok}},
		{itT + "/files/" + photo.ID, []int{login, notFound, notFound, notFound, notFound, notFound, notFound}},
		{czT + "/files/" + stray.ID, []int{login, notFound, notFound, notFound, notFound, notFound, notFound}},
		{"/admin/", []int{login, forbid, forbid, forbid, forbid, forbid, ok}},
		{"/admin/users", []int{login, forbid, forbid, forbid, forbid, forbid, ok}},
		{"/admin/processes/it-incident", []int{login, forbid, forbid, forbid, forbid, forbid, ok}},
		{"/portal/track/" + cz.Tracking, []int{ok, ok, ok, ok, ok, ok, ok}},
		{"/portal/track/" + cz.Tracking + "/files/" + photo.ID, []int{ok, ok, ok, ok, ok, ok, ok}},
		{"/portal/track/" + cz.Tracking + "/files/" + stray.ID, []int{notFound, notFound, notFound, notFound, notFound, notFound, notFound}},
		{"/portal/track/ABCDEFGHIJKLMNOPQRSTUVWXYZ", []int{notFound, notFound, notFound, notFound, notFound, notFound, notFound}},
		{"/portal/track/" + strings.ToLower(cz.Tracking), []int{notFound, notFound, notFound, notFound, notFound, notFound, notFound}},
		{"/portal/new/it-incident", []int{notFound, notFound, notFound, notFound, notFound, notFound, notFound}},
	}
	browsers := map[string]*webtest.Browser{}
	for _, u := range users {
		b := env.Browser(t)
		if u != "" {
			b.Login(u)
		}
		browsers[u] = b
	}
	for _, r := range routes {
		for i, u := range users {
			name := u
			if name == "" {
				name = "anonymous"
			}
			p := browsers[u].Get(r.path)
			if p.Status != r.want[i] {
				t.Errorf("%s GET %s: status %d, want %d", name, r.path, p.Status, r.want[i])
			}
			if p.Status >= 300 {
				for _, s := range secrets {
					if strings.Contains(p.Body, s) {
						t.Errorf("%s GET %s (%d) shows %q", name, r.path, p.Status, s)
					}
				}
			}
		}
	}

	// Internal comments: only for holders of ticket.comment_internal.
	for u, want := range map[string]bool{"dora": true, "lea": true, "root": true} {
		p := browsers[u].Get(czT)
		if got := strings.Contains(p.Body, "Interne Notiz zur Schmiererei"); got != want {
			t.Errorf("%s sees the internal note: %v, want %v", u, got, want)
		}
	}
	if p := browsers[""].Get("/portal/track/" + cz.Tracking); strings.Contains(p.Body, "Interne Notiz") || strings.Contains(p.Body, "dora") {
		t.Errorf("the citizen's status page shows an internal note or a staff member's name")
	}
	// The dashboard counts only the teams a user may see.
	if p := browsers["carla"].Get("/app/dashboard"); strings.Contains(p.Body, "Ordnungsamt") || strings.Contains(p.Body, "IT-Servicedesk (1st Level)") {
		t.Errorf("carla's dashboard shows other teams:\n%s", p.Body)
	}

	// State-changing posts are refused alike.
	posts := []struct {
		user, path string
		form       url.Values
		want       int
	}{
		{"carla", itT + "/comments", url.Values{"text": {"Hallo"}}, notFound},
		{"dora", itT + "/assign", url.Values{"user": {"dora"}}, notFound},
		{"anna", itT + "/assign", url.Values{"user": {"ben"}}, forbid},
		{"anna", itT + "/comments", url.Values{"text": {"intern?"}, "internal": {"on"}}, forbid},
		{"carla", czT + "/transitions/review", url.Values{"assessment": {"urgent"}}, notFound},
		{"ben", "/admin/", url.Values{}, forbid},
		{"carla", itT + "/decision", url.Values{"decision": {"approve"}}, notFound},
		{"ben", itT + "/decision", url.Values{"decision": {"approve"}}, http.StatusUnprocessableEntity}, // nothing waits for approval
	}
	for _, p := range posts {
		b := browsers[p.user]
		p.form.Set("_csrf", webtest.Hidden(t, b.Get("/app/new").Body, "_csrf"))
		// The version a page would have carried, so that the refusal is
		// the engine's and not the one of a malformed post.
		number := strings.SplitN(strings.TrimPrefix(p.path, "/app/tickets/"), "/", 2)[0]
		if cur, err := env.St.Ticket(ctx, number); err == nil {
			p.form.Set("_version", fmt.Sprint(cur.Version))
		}
		res := b.Post(p.path, p.form)
		if res.Status != p.want {
			t.Errorf("%s POST %s: status %d, want %d", p.user, p.path, res.Status, p.want)
		}
	}
	if p := browsers[""].Post(itT+"/comments", url.Values{"text": {"anonym"}}); p.Status != http.StatusUnauthorized {
		t.Errorf("anonymous comment: status %d, want 401", p.Status)
	}
	h, _ := env.St.History(ctx, it)
	for _, e := range h {
		if e.Type != engine.EntryCreated {
			t.Errorf("a refused post changed %s: %+v", it.Number, e)
		}
	}
}

// TestUserAdministrationPagesMatrix asks the pages of the user
// administration and of the own account as every kind of user: only
// administrators reach the admin pages and their posts, everyone signed
// in has an account page, and a password page needs a working link.
func TestUserAdministrationPagesMatrix(t *testing.T) {
	env := webtest.NewUIEnv(t)
	users := []string{"", "anna", "ben", "carla", "dora", "lea", "root"}
	const (
		ok       = http.StatusOK
		login    = http.StatusSeeOther
		forbid   = http.StatusForbidden
		notFound = http.StatusNotFound
	)
	gets := []struct {
		path string
		want []int
	}{
		{"/admin/users", []int{login, forbid, forbid, forbid, forbid, forbid, ok}},
		{"/admin/users/anna", []int{login, forbid, forbid, forbid, forbid, forbid, ok}},
		{"/admin/users/ghost", []int{login, forbid, forbid, forbid, forbid, forbid, notFound}},
		{"/admin/audit", []int{login, forbid, forbid, forbid, forbid, forbid, ok}},
		{"/app/account", []int{login, ok, ok, ok, ok, ok, ok}},
		{"/app/password/not-a-link", []int{notFound, notFound, notFound, notFound, notFound, notFound, notFound}},
	}
	browsers := map[string]*webtest.Browser{}
	for _, u := range users {
		b := env.Browser(t)
		if u != "" {
			b.Login(u)
		}
		browsers[u] = b
	}
	for _, g := range gets {
		for i, u := range users {
			if p := browsers[u].Get(g.path); p.Status != g.want[i] {
				t.Errorf("%q GET %s: status %d, want %d", u, g.path, p.Status, g.want[i])
			}
		}
	}
	// Posts of the admin pages: refused to all but administrators, and
	// then changing nothing.
	posts := []string{"/admin/users", "/admin/users/anna", "/admin/users/anna/disable", "/admin/users/anna/enable",
		"/admin/users/anna/password-reset", "/admin/users/anna/sessions/revoke", "/admin/users/anna/tokens/x/revoke", "/admin/users/anna/two-factor/reset"}
	for _, path := range posts {
		for _, u := range users[:len(users)-1] {
			b := browsers[u]
			form := url.Values{"name": {"eve"}, "_version": {"1"}, "display_name": {"Eve"}}
			if u != "" {
				form.Set("_csrf", webtest.Hidden(t, b.Get("/app/account").Body, "_csrf"))
			}
			want := forbid
			if u == "" {
				want = http.StatusUnauthorized
			}
			if p := b.Post(path, form); p.Status != want {
				t.Errorf("%q POST %s: status %d, want %d", u, path, p.Status, want)
			}
		}
	}
	entries, _, err := env.Authn.AuditLog(t.Context(), &auth.Principal{User: "root", Admin: true}, 0, 10)
	if err != nil || len(entries) != 0 {
		t.Errorf("refused posts were recorded: %v %v", entries, err)
	}
}

// TestAssetPagesMatrix asks every asset page as every kind of user: the
// pages need asset.read (ben, lea), changes need asset.write (carla,
// root); everyone else is refused before anything about an asset is
// shown, and refused posts change nothing.
func TestAssetPagesMatrix(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{Assets: true})
	ctx := t.Context()
	carla, _ := env.Authn.Principal(ctx, "carla")
	secret := "Geheimes Notebook"
	laptop, err := env.Assets.Create(ctx, carla, asset.Input{Class: "workstation", Name: &secret, Data: map[string]any{"device_type": "laptop"}})
	if err != nil {
		t.Fatal(err)
	}
	users := []string{"", "anna", "ben", "carla", "dora", "lea", "root"}
	const (
		ok       = http.StatusOK
		login    = http.StatusSeeOther
		forbid   = http.StatusForbidden
		notFound = http.StatusNotFound
	)
	a := "/app/assets/" + laptop.Number
	gets := []struct {
		path string
		want []int
	}{
		{"/app/assets", []int{login, forbid, ok, ok, forbid, ok, ok}},
		{"/app/assets?class=workstation&q=notebook", []int{login, forbid, ok, ok, forbid, ok, ok}},
		{"/app/assets/export?class=workstation", []int{login, forbid, ok, ok, forbid, ok, ok}},
		{"/app/assets/labels?number=" + laptop.Number, []int{login, forbid, ok, ok, forbid, ok, ok}},
		{a, []int{login, forbid, ok, ok, forbid, ok, ok}},
		{"/app/assets/IT999999", []int{login, forbid, notFound, notFound, forbid, notFound, notFound}},
		{a + "/edit", []int{login, forbid, forbid, ok, forbid, forbid, ok}},
		{"/app/assets/new?class=workstation", []int{login, forbid, forbid, ok, forbid, forbid, ok}},
		{"/app/assets/import", []int{login, forbid, forbid, ok, forbid, forbid, ok}},
		{"/app/assets/reports/disabled-users", []int{login, forbid, ok, ok, forbid, ok, ok}},
		{"/app/assets/reports/reminders", []int{login, forbid, ok, ok, forbid, ok, ok}},
	}
	browsers := map[string]*webtest.Browser{}
	for _, u := range users {
		b := env.Browser(t)
		if u != "" {
			b.Login(u)
		}
		browsers[u] = b
	}
	for _, g := range gets {
		for i, u := range users {
			p := browsers[u].Get(g.path)
			if p.Status != g.want[i] {
				t.Errorf("%q GET %s: status %d, want %d", u, g.path, p.Status, g.want[i])
			}
			if p.Status >= 300 && strings.Contains(p.Body, secret) {
				t.Errorf("%q GET %s (%d) shows the asset", u, g.path, p.Status)
			}
		}
	}
	// The navigation offers the pages to those who may see them.
	for u, want := range map[string]bool{"anna": false, "ben": true, "carla": true, "dora": false} {
		if got := strings.Contains(browsers[u].Get("/app/").Body, `href="/app/assets"`); got != want {
			t.Errorf("%s's navigation links the assets: %v, want %v", u, got, want)
		}
	}
	name := url.Values{"asset_name": {"Umbenannt"}, "asset_status": {"in_use"}, "device_type": {"pc"}}
	posts := []struct {
		user, path string
		form       url.Values
		want       int
	}{
		{"anna", a + "/edit?version=1", name, forbid},
		{"ben", a + "/edit?version=1", name, forbid},
		{"lea", a + "/retire", url.Values{"_version": {"1"}}, forbid},
		{"ben", "/app/assets/new?class=workstation", name, forbid},
		{"ben", "/app/assets/import", url.Values{"step": {"apply"}, "class": {"workstation"}, "upload": {"att-x"}}, forbid},
		// Deletion is for administrators, not for asset.write.
		{"carla", a + "/delete", url.Values{"confirm": {"yes"}}, forbid},
		{"ben", a + "/delete", url.Values{"confirm": {"yes"}}, forbid},
	}
	for _, p := range posts {
		b := browsers[p.user]
		p.form.Set("_csrf", webtest.Hidden(t, b.Get("/app/new").Body, "_csrf"))
		if res := b.Post(p.path, p.form); res.Status != p.want {
			t.Errorf("%s POST %s: status %d, want %d", p.user, p.path, res.Status, p.want)
		}
	}
	if res := browsers[""].Post(a+"/retire", url.Values{"_version": {"1"}}); res.Status != http.StatusUnauthorized {
		t.Errorf("anonymous retire: %d, want 401", res.Status)
	}
	got, err := env.Assets.Get(ctx, carla, laptop.Number)
	if err != nil || got.Version != 1 {
		t.Errorf("refused posts changed the asset: %+v, %v", got, err)
	}
}
