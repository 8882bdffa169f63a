package metrics_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// A scrape parses as Prometheus text and carries the named metrics with
// their labels: created and changed tickets per process, open tickets per
// team and state, the outbox per kind and state, hook runs and failures,
// requests per route.
func TestScrapeNamesAndLabels(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t, app.Config{})
	ctx := t.Context()
	for _, u := range []auth.NewUser{{Name: "anna"}, {Name: "ben", Teams: []string{"it-1st-level"}}} {
		if _, err := a.Auth.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	anna, _ := a.Auth.Principal(ctx, "anna")
	ben, _ := a.Auth.Principal(ctx, "ben")
	tk, err := a.Engine.Create(ctx, anna, engine.CreateRequest{Process: "it-incident",
		Data: map[string]any{"summary": "Drucker druckt nicht", "category": "printer", "impact": "single", "urgency": "medium", "location": "rathaus"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Engine.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
		t.Fatal(err)
	}
	a.Metrics.HookRan("it-route", "on_create", 3*time.Millisecond, errors.New("limit"))
	a.Metrics.Request("/api/v1/tickets/:number", "GET", 200, 4*time.Millisecond)

	var buf bytes.Buffer
	if err := a.Metrics.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("the scrape is no Prometheus text: %v", err)
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"vorgang_tickets_created_total", map[string]string{"process": "it-incident"}, 1},
		{"vorgang_ticket_changes_total", map[string]string{"process": "it-incident", "change": "transition"}, 1},
		{"vorgang_open_tickets", map[string]string{"team": "it-1st-level", "state": "in_progress"}, 1},
		{"vorgang_outbox_items", map[string]string{"kind": "notify", "state": "pending"}, 1},
		{"vorgang_outbox_oldest_age_seconds", map[string]string{"kind": "notify", "state": "pending"}, 0},
		{"vorgang_lua_hook_duration_seconds", map[string]string{"hook": "on_create"}, 1},
		{"vorgang_lua_hook_failures_total", map[string]string{"hook": "on_create", "script": "it-route"}, 1},
		{"vorgang_http_requests_total", map[string]string{"route": "/api/v1/tickets/:number", "method": "GET", "status": "2xx"}, 1},
		{"vorgang_http_request_duration_seconds", map[string]string{"route": "/api/v1/tickets/:number", "method": "GET"}, 1},
		{"vorgang_store_scrape_errors", nil, 0},
	} {
		f := families[c.name]
		if f == nil {
			t.Errorf("%s missing", c.name)
			continue
		}
		m := find(f, c.labels)
		if m == nil {
			t.Errorf("%s has no series %v", c.name, c.labels)
			continue
		}
		if v := value(f, m); v < c.min {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, v, c.min)
		}
	}
	if v := value(families["vorgang_store_scrape_errors"], families["vorgang_store_scrape_errors"].Metric[0]); v != 0 {
		t.Errorf("the scrape could not read the store")
	}
}

func find(f *dto.MetricFamily, labels map[string]string) *dto.Metric {
	for _, m := range f.Metric {
		ok := true
		for k, v := range labels {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			ok = ok && found
		}
		if ok {
			return m
		}
	}
	return nil
}

// value is a counter's or gauge's value, or a histogram's count.
func value(f *dto.MetricFamily, m *dto.Metric) float64 {
	switch f.GetType() {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	case dto.MetricType_HISTOGRAM:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return -1
}
