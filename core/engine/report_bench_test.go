package engine_test

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

var reportTickets = flag.Int("report.tickets", 10_000, "tickets seeded over two years for BenchmarkMonthReport")

// seedYears inserts n incidents of two teams created evenly over the two
// years before the fixture's clock: nine in ten finished within five days
// of their creation (their resolution goal met then, closed_at set), one
// in five of those changed again a month later (updated moves). Without
// closedAt they are stored as before the closing time was kept.
func seedYears(b *testing.B, st *store.Store, n int, closedAt bool) {
	b.Helper()
	end := clock
	start := end.AddDate(-2, 0, 0)
	step := end.Sub(start) / time.Duration(n)
	teams := []string{"it-1st-level", "it-2nd-level"}
	for i := 0; i < n; i += 1000 {
		var docs []any
		for j := i; j < min(i+1000, n); j++ {
			created := start.Add(time.Duration(j) * step).UTC().Truncate(time.Millisecond)
			tk := &ticket.Ticket{Number: fmt.Sprintf("INC-%07d", j+1), Process: "it-incident", Team: teams[j%2], Version: 1,
				Title: fmt.Sprintf("Drucker im Raum %d druckt nicht", j), State: "in_progress", Category: "open", Open: true,
				Priority: "medium", Requester: "anna", Due: ticket.SortTime(created.Add(8 * time.Hour)), Created: created, Updated: created}
			resolve := ticket.SLAGoal{Name: "resolution", Spec: "8h", Total: 8 * 3600}
			if j%10 != 0 {
				closed := created.Add(time.Duration(j%120) * time.Hour)
				tk.State, tk.Category, tk.Open, tk.Due = "closed", "closed", false, ticket.NoDue
				tk.Updated = closed
				if closedAt {
					tk.ClosedAt = closed
				}
				if j%5 == 1 {
					tk.Updated = closed.AddDate(0, 1, 0)
				}
				resolve.Elapsed, resolve.Met, resolve.Breached = int64(j%120)*3600/4, closed, j%120 > 32
			}
			tk.SetSLAClock(&ticket.SLAClock{SLA: "it-standard", Calendar: "rathaus", Priority: "medium", Started: created, State: "running",
				Since: created, Targets: []ticket.SLAGoal{
					{Name: "first_response", Spec: "1h", Total: 3600, Elapsed: 600, Met: created.Add(10 * time.Minute)}, resolve}})
			docs = append(docs, tk)
		}
		if _, err := st.DB().Collection(store.TicketsCollection).InsertMany(b.Context(), docs); err != nil {
			b.Fatal(err)
		}
	}
}

// reportEngine is an engine over the shipped desks and a fresh embedded
// store, with the fixture's clock and a quiet log.
func reportEngine(b *testing.B) (*store.Store, *engine.Engine) {
	cat := testkit.Compile(b, testkit.DeskFiles(b))
	st := openStore(b)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Logger: testkit.Quiet,
		Now: func() time.Time { return clock }})
	if err != nil {
		b.Fatal(err)
	}
	return st, eng
}

// BenchmarkMonthReport reports the month twelve months before the
// fixture's clock (November 2025) over -report.tickets tickets created
// evenly over two years, on the embedded store, and reports the CPU of
// the process per report beside the wall time.
//
//	go test ./core/engine -run '^$' -bench MonthReport -benchtime 3x -report.tickets 100000
func BenchmarkMonthReport(b *testing.B) {
	st, eng := reportEngine(b)
	started := time.Now()
	seedYears(b, st, *reportTickets, true)
	b.Logf("seeded %d tickets in %s", *reportTickets, time.Since(started).Round(time.Second))
	reader := &auth.Principal{User: "lea", Permissions: map[string]bool{engine.PermissionReportRead: true}}
	month, err := engine.ParseReportMonth("2025-11", clock)
	if err != nil {
		b.Fatal(err)
	}
	var cpu time.Duration
	var rep *engine.Report
	b.ResetTimer()
	for b.Loop() {
		before := testkit.CPUTime()
		if rep, err = eng.MonthReport(b.Context(), reader, month); err != nil {
			b.Fatal(err)
		}
		cpu += testkit.CPUTime() - before
	}
	created, closed := 0, 0
	for _, w := range rep.Weeks {
		created, closed = created+w.Created, closed+w.Closed
	}
	b.Logf("weeks of November 2025: %d created, %d closed", created, closed)
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/report")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/report")
}

// BenchmarkFillClosingTimes runs the closing-time migration over
// -report.tickets tickets seeded as BenchmarkMonthReport seeds them but
// without closed_at, and reports the CPU of the process per ticket.
//
//	go test ./core/engine -run '^$' -bench FillClosingTimes -benchtime 1x -report.tickets 20000
func BenchmarkFillClosingTimes(b *testing.B) {
	st, eng := reportEngine(b)
	n := *reportTickets
	seedYears(b, st, n, false)
	var res engine.FillResult
	var err error
	var cpu time.Duration
	for b.Loop() {
		before := testkit.CPUTime()
		if res, err = eng.FillClosingTimes(b.Context(), engine.FillOptions{}); err != nil || !res.Done {
			b.Fatalf("fill: %+v, %v", res, err)
		}
		cpu += testkit.CPUTime() - before
	}
	b.Logf("looked at %d tickets, filled %d", res.LookedAt, res.Filled)
	b.ReportMetric(b.Elapsed().Seconds()/float64(n), "s/ticket")
	b.ReportMetric(cpu.Seconds()/float64(n), "cpu-s/ticket")
}
