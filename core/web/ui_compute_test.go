package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"vorgang/core/web/internal/webtest"
)

// postJSON sends a computation as the page's script does: JSON, with the
// CSRF token in X-CSRF-Token and the browser's cookies and origin.
func postJSON(b *webtest.Browser, path, csrf, body string, header ...string) webtest.Page {
	b.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.Env.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	req.Header.Set("Origin", b.Env.Base)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.HTTP.Do(req)
	if err != nil {
		b.T.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return webtest.Page{Status: resp.StatusCode, Body: string(data), Header: resp.Header}
}

type computeReply struct {
	Fields []struct {
		Field string `json:"field"`
		Name  string `json:"name"`
		Value any    `json:"value"`
		Text  string `json:"text"`
	} `json:"fields"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func decodeCompute(t *testing.T, p webtest.Page) computeReply {
	t.Helper()
	var r computeReply
	if err := json.Unmarshal([]byte(p.Body), &r); err != nil {
		t.Fatalf("answer is not JSON (%d): %.300s", p.Status, p.Body)
	}
	return r
}

// The pages' computation endpoint answers the computed fields of an input,
// under the rules of the form posts: same origin, a CSRF token of this
// browser, citizens only for the forms citizens fill in.
func TestComputeEndpoint(t *testing.T) {
	env := webtest.NewUIEnv(t)
	citizen := env.Browser(t)
	portalCSRF := webtest.Hidden(t, citizen.Get("/portal/new/parking-permit").Body, "_csrf")
	staff := env.Browser(t)
	staff.Login("ben")
	appCSRF := webtest.Hidden(t, staff.Get("/app/new/procurement-order").Body, "_csrf")
	english := env.Browser(t)
	englishCSRF := webtest.Hidden(t, english.Get("/portal/new/parking-permit?lang=en").Body, "_csrf")
	stranger := env.Browser(t)
	strangerCSRF := webtest.Hidden(t, stranger.Get("/portal/new/parking-permit").Body, "_csrf")

	good := `{"values": {"vehicles": "2", "months": ["6"], "postcode": "01067"}}`
	tests := []struct {
		name   string
		b      *webtest.Browser
		path   string
		csrf   string
		body   string
		header []string
		status int
		code   string
		// want is the text of a field, by control name.
		want map[string]string
		// message must hold these words (naming the problem).
		message string
	}{
		{name: "script-computed fee", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: good,
			status: 200, want: map[string]string{"fee": "30"}},
		{name: "fee in English", b: english, path: "/portal/forms/parking-permit/compute", csrf: englishCSRF,
			body: `{"values": {"vehicles": "3", "months": "6"}}`, status: 200, want: map[string]string{"fee": "45"}},
		{name: "a value that fails is not computed with", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF,
			body: `{"values": {"vehicles": "9", "months": "12"}}`, status: 200, want: map[string]string{"fee": "0"}},
		{name: "nothing filled in", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF,
			body: `{"values": {}}`, status: 200, want: map[string]string{"fee": "0"}},
		{name: "sum in the workspace", b: staff, path: "/app/forms/procurement-order/compute", csrf: appCSRF,
			body:   `{"values": {"items[0][quantity]": "3", "items[0][unit_price]": "19,99", "items[4][quantity]": "1", "items[4][unit_price]": "0,03"}}`,
			status: 200, want: map[string]string{"total": "60,00"}},
		{name: "bad JSON", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: `{"values": {"vehicles": "2",}}`,
			status: 400, code: "invalid_json", message: "byte 29"},
		{name: "cut short", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: `{"values": {"vehicles": "2"`,
			status: 400, code: "invalid_json", message: "JSON"},
		{name: "wrong shape", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: `{"values": {"vehicles": 2}}`,
			status: 400, code: "invalid_json", message: "vehicles"},
		{name: "no values", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: `{"vehicles": "2"}`,
			status: 400, code: "invalid_json", message: "vehicles"},
		{name: "not JSON", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: good,
			header: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, code: "unsupported_media_type"},
		{name: "unknown form", b: citizen, path: "/portal/forms/no-such-form/compute", csrf: portalCSRF, body: good, status: 404, code: "not_found"},
		{name: "unknown form in the workspace", b: staff, path: "/app/forms/no-such-form/compute", csrf: appCSRF, body: good, status: 404, code: "not_found"},
		{name: "staff form on the portal", b: citizen, path: "/portal/forms/procurement-order/compute", csrf: portalCSRF, body: good, status: 404, code: "not_found"},
		{name: "anonymous in the workspace", b: citizen, path: "/app/forms/procurement-order/compute", csrf: portalCSRF, body: good, status: 401, code: "unauthorized"},
		{name: "no CSRF token", b: citizen, path: "/portal/forms/parking-permit/compute", body: good, status: 403, code: "csrf_failed"},
		{name: "another browser's token", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: strangerCSRF, body: good, status: 403, code: "csrf_failed"},
		{name: "another site", b: citizen, path: "/portal/forms/parking-permit/compute", csrf: portalCSRF, body: good,
			header: []string{"Origin", "https://evil.example"}, status: 403, code: "csrf_failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := postJSON(tt.b, tt.path, tt.csrf, tt.body, tt.header...)
			if p.Status != tt.status {
				t.Fatalf("status %d, want %d: %.400s", p.Status, tt.status, p.Body)
			}
			if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q, want JSON", ct)
			}
			r := decodeCompute(t, p)
			if tt.code != "" {
				if r.Error == nil || r.Error.Code != tt.code {
					t.Fatalf("error = %+v, want code %s", r.Error, tt.code)
				}
				if !strings.Contains(strings.ToLower(r.Error.Message), strings.ToLower(tt.message)) {
					t.Errorf("message %q does not name %q", r.Error.Message, tt.message)
				}
				return
			}
			got := map[string]string{}
			for _, f := range r.Fields {
				got[f.Name] = f.Text
			}
			for name, text := range tt.want {
				if got[name] != text {
					t.Errorf("%s = %q, want %q (all: %+v)", name, got[name], text, r.Fields)
				}
			}
		})
	}
}

// Computations without an account have a limit per address of their own:
// many more than posts (a person typing asks after each pause), and never
// at the expense of the posts.
func TestComputeRateLimit(t *testing.T) {
	env := webtest.NewUIEnv(t, webtest.UIOptions{CitizenRate: 1})
	b := env.Browser(t)
	csrf := webtest.Hidden(t, b.Get("/portal/new/parking-permit").Body, "_csrf")
	body := `{"values": {"vehicles": "1", "months": "12"}}`
	limited := 0
	for range 13 {
		p := postJSON(b, "/portal/forms/parking-permit/compute", csrf, body)
		if p.Status == http.StatusTooManyRequests {
			limited++
			if r := decodeCompute(t, p); r.Error == nil || r.Error.Code != "too_many_requests" {
				t.Errorf("429 answer = %.200s", p.Body)
			}
		} else if p.Status != http.StatusOK {
			t.Fatalf("status %d: %.300s", p.Status, p.Body)
		}
	}
	if limited != 1 {
		t.Errorf("%d of 13 computations refused, want the 13th only", limited)
	}
	// The post still has its own budget.
	form := b.Get("/portal/new/parking-permit")
	res := b.Post("/portal/new/parking-permit", url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "_token": {webtest.Hidden(t, form.Body, "_token")},
		"vehicles": {"1"}, "months": {"12"}, "postcode": {"01067"}, "consent": {"on"}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("post after computations: status %d", res.Status)
	}
}

// A refused submission shows all its errors at once — the form's and its
// validate script's — and the computed values of its input.
func TestRefusedFormShowsAllErrorsAndComputedValues(t *testing.T) {
	env := webtest.NewUIEnv(t)
	b := env.Browser(t)
	form := b.Get("/portal/new/parking-permit")
	// No consent (the form's check) and a postcode outside the city (the
	// script's check).
	res := b.Post("/portal/new/parking-permit", url.Values{"_csrf": {webtest.Hidden(t, form.Body, "_csrf")}, "_token": {webtest.Hidden(t, form.Body, "_token")},
		"vehicles": {"2"}, "months": {"12"}, "postcode": {"80331"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.Status)
	}
	for _, want := range []string{`id="f-postcode-error"`, "nicht im Stadtgebiet", `id="f-consent-error"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("refused form lacks %s", want)
		}
	}
	if !webtest.RegexpMust(`<output id="f-fee" name="fee"[^>]*>60</output>`).MatchString(res.Body) {
		t.Errorf("refused form does not show the fee 60:\n%s", outputOf(res.Body))
	}

	// The API answers both in one 422 as well.
	secret, _, err := env.Authn.CreateToken(t.Context(), "dora", "test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, env.Base+"/api/v1/tickets", strings.NewReader(
		`{"process": "parking-permit", "data": {"vehicles": 2, "months": 12, "postcode": "80331"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct {
			Fields []struct{ Field, Code string } `json:"fields"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range body.Error.Fields {
		got = append(got, f.Field+":"+f.Code)
	}
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Join(got, " ") != "postcode:script consent:required" {
		t.Errorf("API: %d %v, want 422 with postcode:script consent:required", resp.StatusCode, got)
	}
}

func outputOf(body string) string {
	if i := strings.Index(body, "<output"); i >= 0 {
		return body[i:min(len(body), i+200)]
	}
	return "(no output)"
}
