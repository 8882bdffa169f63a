package engine_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
)

// BenchmarkRetention anonymises the requester of 2,000 citizen reports
// (address and name in the form, one reply each) whose retention period
// counted from creation has passed, and reports tickets per second.
//
//	go test ./core/engine -run '^$' -bench BenchmarkRetention -benchtime 1x
func BenchmarkRetention(b *testing.B) {
	desk := fmt.Sprintf(retentionDesk, "nach-eingang", "RB", "created") + retentionShared
	benchRetention(b, desk)
}

// BenchmarkRetentionDelete deletes 2,000 citizen reports (one reply each,
// so two history entries) as a whole once their period counted from
// creation has passed, and reports tickets per second.
//
//	go test ./core/engine -run '^$' -bench BenchmarkRetentionDelete -benchtime 1x
func BenchmarkRetentionDelete(b *testing.B) {
	desk := strings.Replace(fmt.Sprintf(retentionDesk, "nach-eingang", "RB", "created"),
		"{id: kontakt, after: 30d, from: created, requester: true}", "{id: kontakt, after: 30d, from: created, delete: true}", 1) + retentionShared
	benchRetention(b, desk)
}

// benchRetention opens 2,000 citizen reports of the desk (one reply each),
// moves the clock past its 30-day rule and times EnforceRetention: tickets
// per second, and the CPU time of the process (with its embedded
// database) per ticket.
func benchRetention(b *testing.B, desk string) {
	const n = 2000
	cat := testkit.Compile(b, []definition.File{{Path: "processes/retention.yaml", Data: []byte(desk)}})
	for range b.N {
		b.StopTimer()
		clk := testkit.NewClock(clock)
		eng, err := engine.New(engine.Deps{Store: openStore(b), Catalog: func() *definition.Catalog { return cat }, Now: clk.Now})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			tk, err := eng.Create(b.Context(), nil, engine.CreateRequest{Process: "nach-eingang",
				Data: map[string]any{"street": fmt.Sprint("Markt ", i), "email": fmt.Sprintf("person%d@example.org", i)}})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := eng.CitizenReply(b.Context(), tk.Tracking, 0, "Bitte rufen Sie mich an.", nil, "de"); err != nil {
				b.Fatal(err)
			}
		}
		clk.Advance(31 * 24 * time.Hour)
		b.StartTimer()
		start, cpu := time.Now(), testkit.CPUTime()
		rep, err := eng.EnforceRetention(b.Context(), engine.RetentionRun{})
		elapsed, used := time.Since(start), testkit.CPUTime()-cpu
		if err != nil || len(rep.Actions) != n || rep.Failed > 0 {
			b.Fatalf("EnforceRetention = %d actions, %d failed, %v", len(rep.Actions), rep.Failed, err)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "tickets/s")
		b.ReportMetric(float64(used.Microseconds())/n, "cpu-µs/ticket")
	}
}
