package metrics_test

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

var scrapeTickets = flag.Int("scrape.tickets", 300, "tickets created before BenchmarkScrape")

// BenchmarkScrape writes the whole Prometheus text of an app with
// -scrape.tickets tickets (open ones in several states, their queued
// notifications in the outbox) and requests recorded on 40 routes: what
// one scrape of /metrics costs. It reports the median and 99th percentile
// of a scrape, and the CPU time per scrape.
//
//	go test ./core/metrics -run '^$' -bench Scrape -benchtime 2000x
func BenchmarkScrape(b *testing.B) {
	a := testkit.NewApp(b, app.Config{})
	ctx := b.Context()
	if _, err := a.Auth.CreateUser(ctx, auth.NewUser{Name: "ben", Teams: []string{"it-1st-level"}}); err != nil {
		b.Fatal(err)
	}
	ben, _ := a.Auth.Principal(ctx, "ben")
	for i := range *scrapeTickets {
		tk, err := a.Engine.Create(ctx, ben, engine.CreateRequest{Process: "it-incident", Data: map[string]any{
			"summary": fmt.Sprintf("Drucker %d druckt nicht", i), "category": "printer", "impact": "single", "urgency": "medium", "location": "rathaus"}})
		if err != nil {
			b.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := a.Engine.Transition(ctx, ben, tk.Number, engine.TransitionRequest{Transition: "start"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for r := range 40 {
		for _, status := range []int{200, 201, 303, 404, 422} {
			a.Metrics.Request(fmt.Sprintf("/route/%d/:id", r), "GET", status, time.Duration(r+1)*time.Millisecond)
		}
	}
	var took []time.Duration
	cpu0 := testkit.CPUTime()
	for b.Loop() {
		start := time.Now()
		if err := a.Metrics.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	b.ReportMetric(float64(testkit.CPUTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	slices.Sort(took)
	pct := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.5), "ms-p50")
	b.ReportMetric(pct(0.99), "ms-p99")
}
