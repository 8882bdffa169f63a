package engine_test

// BenchmarkSLASweep measures the SLA sweep over many open tickets whose
// clocks run in the shipped Saxon office calendar. Seeding writes the
// tickets directly (about 20 s per 100k); the default is small:
//
//	go test ./core/engine -run '^$' -bench BenchmarkSLASweep -benchtime 20x -sla.tickets 100000
//
// docs/benchmarks.md records the figures.

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/sla"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

var slaTickets = flag.Int("sla.tickets", 2000, "open tickets seeded for BenchmarkSLASweep")

// seedOpenTickets inserts n open incident tickets created over the 15
// working days before now, with running clocks whose events due before now
// are already recorded, as a sweep running all along would have left them.
func seedOpenTickets(b *testing.B, st *store.Store, cat *definition.Catalog, n int, now time.Time) {
	s := cat.SLA("it-standard")
	cal, err := sla.Compile(cat.Calendar(s.Calendar.Value))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	prios := []string{"critical", "high", "medium", "low", "low", "medium", "medium"}
	started := time.Now()
	const batch = 500
	for i := 0; i < n; i += batch {
		var docs []any
		for j := i; j < min(i+batch, n); j++ {
			created := now.Add(-time.Duration(rng.IntN(21*24*3600)) * time.Second)
			prio := prios[rng.IntN(len(prios))]
			c, err := sla.Start(s, cal, prio, created)
			if err != nil || c == nil {
				b.Fatalf("clock: %v, %v", c, err)
			}
			if rng.IntN(10) > 0 {
				c.Meet(sla.FirstResponse, cal, c.Started.Add(20*time.Minute))
			}
			c.Due(now)
			tk := &ticket.Ticket{
				Number: fmt.Sprintf("INC-2026-%07d", j), Process: "it-incident", Catalog: cat.Hash(), Version: 1,
				Title: "Drucker im Raum 204 druckt nicht", State: "in_progress", Category: "open", Open: true,
				Priority: prio, Team: "it-1st-level", Requester: fmt.Sprintf("user%d", rng.IntN(4000)),
				Assignee: fmt.Sprintf("agent%d", rng.IntN(60)), Created: created, Updated: created,
				Data: map[string]any{"summary": "Drucker im Raum 204 druckt nicht", "category": "printer",
					"impact": "some", "urgency": "medium", "location": "rathaus"},
			}
			engine.SetSLAClockForTest(tk, c)
			docs = append(docs, tk)
		}
		if _, err := st.DB().Collection(store.TicketsCollection).InsertMany(context.Background(), docs); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d open tickets in %s", n, time.Since(started).Round(time.Second))
}

func BenchmarkSLASweep(b *testing.B) {
	n := *slaTickets
	st, err := store.Open(context.Background(), store.Config{DataDir: b.TempDir(), Collections: engine.Schema()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(context.Background())
	cat := testkit.Desks(b)
	// Monday 30 November 2026, 10:00 in Dresden: the office is open.
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, berlin)
	seedOpenTickets(b, st, cat, n, now)
	eng, clk := clockedEngine(b, st, cat, now)
	ctx := context.Background()

	// Nothing has become due since the last sweep: the cost of looking.
	b.Run(fmt.Sprintf("open=%d/idle", n), func(b *testing.B) {
		for b.Loop() {
			res, err := eng.SweepSLA(ctx)
			if err != nil || res.Warnings+res.Breaches != 0 {
				b.Fatalf("%+v, %v", res, err)
			}
		}
	})
	// The scheduler's cadence: every 30 s what became due meanwhile is
	// recorded and escalated.
	for _, step := range []time.Duration{30 * time.Second, 10 * time.Minute} {
		b.Run(fmt.Sprintf("open=%d/every=%s", n, step), func(b *testing.B) {
			events := 0
			for b.Loop() {
				clk.Set(clk.Now().Add(step))
				res, err := eng.SweepSLA(ctx)
				if err != nil {
					b.Fatal(err)
				}
				events += res.Warnings + res.Breaches
			}
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
		})
	}
}
