package portal_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vorgang/core/web/internal/webtest"
)

// TestTrackingShowsPublicTransitionFields: what staff enter in a
// transition form reaches the requester only where the field says
// public: true — on the tracking page (labelled, in German and English)
// and in the tracking JSON; the other fields of the form stay internal.
// Before, public: true on a transition form's field had no effect.
func TestTrackingShowsPublicTransitionFields(t *testing.T) {
	env := webtest.NewUIEnv(t)
	citizen := env.Browser(t)
	p := citizen.Post("/portal/new/citizen-report", webtest.CitizenForm(t, citizen))
	if p.Status != http.StatusSeeOther {
		t.Fatalf("portal post: %d", p.Status)
	}
	token := strings.TrimSuffix(strings.TrimPrefix(p.Location, "/portal/track/"), "/confirmation")
	var created struct{ Number string }
	if status, body := env.APICall(t, "root", http.MethodGet, "/api/v1/track/"+token, ""); status != http.StatusOK {
		t.Fatalf("tracking JSON: %d %s", status, body)
	} else if err := json.Unmarshal([]byte(body), &created); err != nil || created.Number == "" {
		t.Fatalf("tracking JSON %s: %v", body, err)
	}
	for _, step := range []struct{ transition, body string }{
		{"review", `{"version":1,"data":{"assessment":"urgent","review_note":"Anwohner beschwert sich oft"}}`},
		{"schedule", `{"version":2,"data":{"contractor":"Straßenbau Müller GmbH","planned_on":"2031-05-04"}}`},
	} {
		if status, body := env.APICall(t, "dora", http.MethodPost, "/api/v1/tickets/"+created.Number+"/transitions/"+step.transition, step.body); status != http.StatusOK {
			t.Fatalf("%s: %d %s", step.transition, status, body)
		}
	}
	internal := []string{"Straßenbau Müller", "Beauftragte Firma", "Contractor", "Anwohner beschwert", "Vermerk"}

	for _, tc := range []struct{ lang, label string }{{"de", "Geplant am"}, {"en", "Planned for"}} {
		t.Run("page "+tc.lang, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, env.Base+"/portal/track/"+token+"?lang="+tc.lang, nil)
			page := env.Browser(t).Do(req)
			if page.Status != http.StatusOK {
				t.Fatalf("tracking page: %d", page.Status)
			}
			body := webtest.HTMLUnescape(page.Body)
			if !strings.Contains(body, tc.label) || !strings.Contains(body, "2031") {
				t.Errorf("the page lacks the public field %q and its value", tc.label)
			}
			for _, s := range internal {
				if strings.Contains(body, s) {
					t.Errorf("the page shows internal %q", s)
				}
			}
		})
		t.Run("json "+tc.lang, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, env.Base+"/api/v1/track/"+token, nil)
			req.Header.Set("Accept-Language", tc.lang)
			page := env.Browser(t).Do(req)
			if page.Status != http.StatusOK {
				t.Fatalf("tracking JSON: %d %s", page.Status, page.Body)
			}
			var got struct {
				Data   map[string]any `json:"data"`
				Fields []struct{ ID, Label string }
			}
			if err := json.Unmarshal([]byte(page.Body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Data["planned_on"] != "2031-05-04" {
				t.Errorf("data.planned_on = %v, want 2031-05-04", got.Data["planned_on"])
			}
			for _, key := range []string{"contractor", "review_note", "assessment"} {
				if _, ok := got.Data[key]; ok {
					t.Errorf("data has internal %q", key)
				}
			}
			found := false
			for _, f := range got.Fields {
				found = found || f.ID == "planned_on" && f.Label == tc.label
			}
			if !found {
				t.Errorf("fields %v lack planned_on labelled %q", got.Fields, tc.label)
			}
			for _, s := range internal {
				if strings.Contains(page.Body, s) {
					t.Errorf("the JSON shows internal %q", s)
				}
			}
		})
	}
	t.Run("unknown token", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, env.Base+"/api/v1/track/AAAAAAAAAAAAAAAAAAAAAAAAAA", nil)
		if page := env.Browser(t).Do(req); page.Status != http.StatusNotFound {
			t.Errorf("unknown token: %d, want 404", page.Status)
		}
	})
}
