package workspace_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"vorgang/core/engine"
	"vorgang/core/web/internal/webtest"
)

// reportEnv is the app with two incidents of it-1st-level created now.
func reportEnv(t *testing.T) *webtest.UIEnv {
	env := webtest.NewUIEnv(t)
	ben, _ := env.Authn.Principal(t.Context(), "ben")
	for _, summary := range []string{"Drucker im Raum 204 streikt", "Monitor flackert im Raum 12"} {
		if _, err := env.Eng.Create(t.Context(), ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
			"summary": summary, "category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}}); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// TestReportsPage: a holder of report.read sees the month's SLA table,
// the weekly counts and the charts, and downloads both parts; everyone
// else is refused, on the page, its downloads and the API.
func TestReportsPage(t *testing.T) {
	env := reportEnv(t)
	month := time.Now().In(berlinZone(t)).Format("2006-01")
	lea := env.Browser(t)
	lea.Login("lea")
	p := lea.Get("/app/reports")
	if p.Status != http.StatusOK {
		t.Fatalf("reports: %d", p.Status)
	}
	for _, want := range []string{`value="` + month + `"`, "<svg", "chart-first-response", "chart-weeks", `href="/app/reports"`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	p = lea.Get("/app/reports/export?part=sla&format=csv&month=" + month)
	recs, err := csv.NewReader(strings.NewReader(p.Body)).ReadAll()
	if p.Status != http.StatusOK || err != nil || len(recs) < 2 {
		t.Fatalf("sla csv: %d %v %q", p.Status, err, p.Body)
	}
	found := false
	for _, r := range recs[1:] {
		// Ids, then the titles in the reader's language (German here).
		if r[1] == "it-incident" && r[2] == "it-1st-level" && r[3] == "2" &&
			r[len(r)-2] == "IT-Störung" && r[len(r)-1] == "IT-Servicedesk (1st Level)" {
			found = true
		}
	}
	if !found || !strings.Contains(p.Header.Get("Content-Disposition"), "sla-"+month+".csv") {
		t.Errorf("sla csv: %q %v", recs, p.Header)
	}
	p = lea.Get("/app/reports/export?part=weeks&format=xlsx&month=" + month)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
	if err != nil {
		t.Fatalf("weeks xlsx: %d %v", p.Status, err)
	}
	defer x.Close()
	rows, err := x.GetRows("weeks")
	created := 0
	for _, r := range rows[1:] {
		if r[2] == "it-1st-level" && r[len(r)-1] == "IT-Servicedesk (1st Level)" {
			n, _ := strconv.Atoi(r[3])
			created += n
		}
	}
	if err != nil || rows[0][0] != "week" || created != 2 {
		t.Errorf("weeks xlsx: %q %v", rows, err)
	}
	if p := lea.Get("/app/reports?month=Mai"); p.Status != http.StatusBadRequest {
		t.Errorf("a bad month: %d", p.Status)
	}

	users := []string{"", "anna", "ben", "lea", "root"}
	want := []int{http.StatusSeeOther, http.StatusForbidden, http.StatusForbidden, http.StatusOK, http.StatusOK}
	for _, path := range []string{"/app/reports", "/app/reports/export?part=sla&format=csv"} {
		for i, u := range users {
			b := env.Browser(t)
			if u != "" {
				b.Login(u)
			}
			if p := b.Get(path); p.Status != want[i] {
				t.Errorf("%q GET %s: %d, want %d", u, path, p.Status, want[i])
			}
		}
	}
	for i, u := range users[1:] {
		status, body := env.APICall(t, u, "GET", "/api/v1/reports/sla?month="+month, "")
		if status != want[i+1] {
			t.Errorf("%s API report: %d", u, status)
		}
		if status == http.StatusOK {
			var rep struct {
				Month string `json:"month"`
				Rows  []struct {
					Process string `json:"process"`
					Tickets int    `json:"tickets"`
				} `json:"rows"`
			}
			if err := json.Unmarshal([]byte(body), &rep); err != nil || rep.Month != month || len(rep.Rows) == 0 {
				t.Errorf("API report: %s", body)
			}
		}
	}
	if status, body := env.APICall(t, "lea", "GET", "/api/v1/reports/weekly?format=csv&month="+month, ""); status != http.StatusOK ||
		!strings.HasPrefix(body, "week,monday,team,created,closed") {
		t.Errorf("API weekly csv: %d %q", status, body)
	}
}

// TestBrowserReports: the reports page in headless Chromium has no axe
// violation, in German and in English, and its month form works without
// JavaScript.
func TestBrowserReports(t *testing.T) {
	webtest.RequireFile(t, webtest.AxePath(), "axe-core")
	axe, err := os.ReadFile(webtest.AxePath())
	if err != nil {
		t.Fatal(err)
	}
	env := reportEnv(t)
	c := webtest.StartChrome(t)
	signIn := func(js bool) *webtest.Tab {
		tb := c.Tab(env.Base, js)
		tb.Open("/app/login")
		tb.TypeText("#login-name", "lea")
		tb.TypeText("#login-password", webtest.UIPassword)
		tb.Submit("button.vg-submit")
		return tb
	}
	plain := signIn(false)
	plain.Open("/app/reports")
	plain.Set("#report-month", "2026-01")
	if status := plain.Submit(`form[action="/app/reports"] button`); status != 200 {
		t.Fatalf("month form: %d", status)
	}
	if got := webtest.Eval[string](plain, "location.search"); got != "?month=2026-01" {
		t.Errorf("after the month form: %q", got)
	}
	scan := signIn(true)
	for _, lang := range []string{"de", "en"} {
		t.Run(lang, func(t *testing.T) {
			scan.T = t
			scan.Open("/app/reports?lang=" + lang)
			webtest.RunAxe(t, scan, string(axe))
			scan.Open("/app/reports?month=2026-01&lang=" + lang)
			webtest.RunAxe(t, scan, string(axe))
		})
	}
}

func berlinZone(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
