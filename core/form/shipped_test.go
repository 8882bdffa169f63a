package form_test

import (
	"sort"
	"strings"
	"testing"

	"vorgang/core/form"
)

// Every form of the shipped desks (and of the fixtures) compiles, validates
// and renders accessibly in both languages.
func TestAllForms(t *testing.T) {
	cat := catalog(t)
	if len(cat.Forms()) < 3 {
		t.Fatalf("%d forms", len(cat.Forms()))
	}
	for _, def := range cat.Forms() {
		t.Run(def.ID.Value, func(t *testing.T) {
			c, err := form.Compile(def, testConfig())
			if err != nil {
				t.Fatal(err)
			}
			for _, lang := range []string{"de", "en"} {
				render(t, c, form.RenderOptions{Lang: lang}).checkAccessible(lang, nil)
				data := map[string]any{"zz_unknown": 1}
				_, errs := c.Validate(data, lang)
				if form.ErrorFor(errs, "zz_unknown") == nil {
					t.Errorf("unknown field accepted: %v", errs)
				}
				render(t, c, form.RenderOptions{Lang: lang, Values: data, Errors: errs}).checkAccessible(lang, errs)
			}
		})
	}
}

func TestShippedIncidentForm(t *testing.T) {
	c := compileForm(t, "it-incident", testConfig())
	valid := func() map[string]any {
		return map[string]any{
			"summary": "Drucker im Raum 204 druckt nicht", "category": "printer",
			"impact": "single", "urgency": "medium", "location": "rathaus",
		}
	}
	tests := []struct {
		name   string
		change func(d map[string]any)
		want   string
		keys   string // fields in the clean data, sorted
	}{
		{name: "valid", keys: "category impact location summary urgency"},
		{name: "asset kept for a printer", change: func(d map[string]any) { d["affected_asset"] = "IT-000123" }, keys: "affected_asset category impact location summary urgency"},
		{name: "asset dropped for the network", change: func(d map[string]any) { d["category"] = "network"; d["affected_asset"] = "IT-000123" }, keys: "category impact location summary urgency"},
		{name: "application required for software", change: func(d map[string]any) { d["category"] = "software" }, want: "application:required"},
		{name: "application given", change: func(d map[string]any) { d["category"] = "software"; d["application"] = "OK.EWO" }, keys: "application category impact location summary urgency"},
		{name: "application dropped otherwise", change: func(d map[string]any) { d["application"] = "OK.EWO" }, keys: "category impact location summary urgency"},
		{name: "summary too short", change: func(d map[string]any) { d["summary"] = "kap." }, want: "summary:too_short"},
		{name: "summary too long", change: func(d map[string]any) { d["summary"] = strings.Repeat("x", 121) }, want: "summary:too_long"},
		{name: "phone pattern", change: func(d map[string]any) { d["phone"] = "Durchwahl 12" }, want: "phone:pattern"},
		{name: "phone", change: func(d map[string]any) { d["phone"] = "0351 488-1234" }, keys: "category impact location phone summary urgency"},
		{name: "three screenshots", change: func(d map[string]any) { d["screenshot"] = []any{"a", "b", "c"} }, keys: "category impact location screenshot summary urgency"},
		{name: "four screenshots", change: func(d map[string]any) { d["screenshot"] = []any{"a", "b", "c", "d"} }, want: "screenshot:too_many"},
		{name: "everything missing", change: func(d map[string]any) { clear(d) }, want: "summary:required category:required impact:required urgency:required location:required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := valid()
			if tc.change != nil {
				tc.change(data)
			}
			clean, errs := c.Validate(data, "de")
			if got := codes(errs); got != tc.want {
				t.Fatalf("errors = %q, want %q", got, tc.want)
			}
			if tc.want != "" {
				return
			}
			if got := strings.Join(sortedKeys(clean), " "); got != tc.keys {
				t.Errorf("clean fields = %q, want %q", got, tc.keys)
			}
		})
	}
}

func TestShippedResolutionForm(t *testing.T) {
	c := compileForm(t, "it-resolution", testConfig())
	tests := []struct {
		effort any
		want   string
	}{
		{nil, ""},
		{0.0, ""},
		{15.0, ""},
		{10000.0, ""},
		{7.0, "effort_minutes:step_mismatch"},
		{10005.0, "effort_minutes:too_large"},
		{-5.0, "effort_minutes:too_small"},
		{"15", "effort_minutes:not_a_number"},
	}
	for _, tc := range tests {
		data := map[string]any{"solution": "Treiber neu installiert", "cause": "software"}
		if tc.effort != nil {
			data["effort_minutes"] = tc.effort
		}
		_, errs := c.Validate(data, "en")
		if got := codes(errs); got != tc.want {
			t.Errorf("effort %v: errors = %q, want %q", tc.effort, got, tc.want)
		}
	}
	// From the browser, in minutes typed the German way.
	_, errs := c.Validate(c.DecodeForm(map[string][]string{"solution": {"Treiber neu installiert"}, "cause": {"software"}, "effort_minutes": {"1.500"}}, "de").Data, "de")
	if errs != nil {
		t.Errorf("1.500 minutes: %v", errs)
	}
	_, errs = c.Validate(map[string]any{"solution": "zu kurz", "cause": "software"}, "en")
	if codes(errs) != "solution:too_short" || errs[0].Message != "“Resolution” must be at least 10 characters long." {
		t.Errorf("errors = %v", errs)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
