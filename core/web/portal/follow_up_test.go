package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestSurveyOncePerRequest: the citizen desk's survey is reached from the
// tracking link of a closed request only, and taken once; the request's
// number is filled in, not typed. It is not in the catalog, and neither
// the portal nor the API tells by its answers whether a number exists or
// is closed. Before, anyone knowing a number could send any number of
// ratings, and the errors told "no such request" from "not closed yet".
func TestSurveyOncePerRequest(t *testing.T) {
	env := webtest.NewUIEnv(t)
	closed := webtest.CitizenRequestIn(t, env, true)
	open := webtest.CitizenRequestIn(t, env, false)
	citizen := env.Browser(t)
	track := "/portal/track/" + closed.Tracking
	surveys := func() int { return env.CountTickets(t, "citizen-survey") } // the citizens' office gets only surveys here

	t.Run("not opened directly", func(t *testing.T) {
		if p := citizen.Get("/portal/"); strings.Contains(p.Body, "/portal/new/citizen-survey") {
			t.Errorf("the catalog offers the survey")
		}
		if p := citizen.Get("/portal/new/citizen-survey"); p.Status != http.StatusNotFound {
			t.Errorf("survey form without a request: %d, want 404", p.Status)
		}
		var bodies []string
		for _, ref := range []string{closed.Number, open.Number, "BA-2026-999999"} {
			p := webtest.APICreate(citizen, "", "citizen-survey", map[string]any{"reference": ref, "rating": "5"})
			bodies = append(bodies, webtest.RegexpMust(`"request_id":"[^"]*"`).ReplaceAllString(p.Body, ""))
			if p.Status < 400 {
				t.Fatalf("API survey for %s: %d", ref, p.Status)
			}
		}
		if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
			t.Errorf("the API answers differ by the number's existence or state:\n%s", strings.Join(bodies, "\n"))
		}
	})

	t.Run("offered on the closed request's page only", func(t *testing.T) {
		if p := citizen.Get("/portal/track/" + open.Tracking); strings.Contains(p.Body, "/follow-up/") {
			t.Errorf("an open request offers the survey")
		}
		if p := citizen.Get("/portal/track/" + open.Tracking + "/follow-up/citizen-survey"); p.Status != http.StatusConflict {
			t.Errorf("survey of an open request: %d, want 409", p.Status)
		}
		if p := citizen.Get("/portal/track/AAAAAAAAAAAAAAAAAAAAAAAAAA/follow-up/citizen-survey"); p.Status != http.StatusNotFound {
			t.Errorf("survey behind an unknown link: %d, want 404", p.Status)
		}
		if p := citizen.Get(track); !strings.Contains(p.Body, `href="`+track+`/follow-up/citizen-survey"`) {
			t.Errorf("the closed request does not offer its survey:\n%s", p.Body)
		}
	})

	t.Run("once", func(t *testing.T) {
		first := citizen.Get(track + "/follow-up/citizen-survey")
		second := citizen.Get(track + "/follow-up/citizen-survey")
		if first.Status != http.StatusOK || !strings.Contains(first.Body, `value="`+closed.Number+`"`) || !strings.Contains(first.Body, " readonly") {
			t.Fatalf("survey form: %d, want the request's number read-only\n%s", first.Status, first.Body)
		}
		rate := func(p webtest.Page, rating string) webtest.Page {
			return citizen.Post(track+"/follow-up/citizen-survey", url.Values{"_csrf": {webtest.Hidden(t, p.Body, "_csrf")},
				"_token": {webtest.Hidden(t, p.Body, "_token")}, "rating": {rating}, "reference": {"BA-2026-999999"}})
		}
		if res := rate(first, "5"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, track+"?sent=follow-up") {
			t.Fatalf("rating: %d %s", res.Status, res.Location)
		}
		if res := rate(second, "1"); res.Status != http.StatusSeeOther || res.Location != track+"?sent=follow-up-before" {
			t.Errorf("a second rating: %d %s, want the note that the first counts", res.Status, res.Location)
		}
		if n := surveys(); n != 1 {
			t.Errorf("%d surveys stored, want 1", n)
		}
		if p := citizen.Get(track + "/follow-up/citizen-survey"); p.Status != http.StatusConflict {
			t.Errorf("the survey form after rating: %d, want 409", p.Status)
		}
		if p := citizen.Get(track); strings.Contains(p.Body, "/follow-up/") {
			t.Errorf("the page still offers the survey")
		}
		staff := env.Browser(t)
		staff.Login("root")
		inbox := staff.Get("/app/?view=team&team=citizen-office").Body
		number := webtest.RegexpFind(t, inbox, `(UMF-[0-9]{4}-[0-9]{6})`)
		if p := staff.Get("/app/tickets/" + number); !strings.Contains(p.Body, closed.Number) {
			t.Errorf("the survey does not name its request %s", closed.Number)
		}
	})
}
