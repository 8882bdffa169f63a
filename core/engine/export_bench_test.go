package engine_test

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/ticket"
)

var exportTickets = flag.Int("export.tickets", 10_000, "open tickets of one team seeded for BenchmarkExportTickets")

// countingWriter counts what an export writes and keeps none of it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// memPeak samples the Go runtime's heap and total mapped memory every
// few milliseconds until stopped and keeps the peaks.
type memPeak struct {
	stop        chan struct{}
	wg          sync.WaitGroup
	heap, tot   uint64
	base, base2 uint64
}

func readMem() (heap, total uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

func startPeak() *memPeak {
	runtime.GC()
	p := &memPeak{stop: make(chan struct{})}
	p.base, p.base2 = readMem()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			h, t := readMem()
			p.heap, p.tot = max(p.heap, h), max(p.tot, t)
			select {
			case <-p.stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return p
}

func (p *memPeak) end() (heapMB, totalMB float64) {
	close(p.stop)
	p.wg.Wait()
	return float64(p.heap-min(p.heap, p.base)) / (1 << 20), float64(p.tot-min(p.tot, p.base2)) / (1 << 20)
}

// BenchmarkExportTickets exports one team's queue of -export.tickets
// open tickets, seeded into a fresh embedded store, as CSV and as XLSX,
// and reports the rows per second and the peak memory the export added
// (Go heap objects, and all memory the runtime mapped) over what was in
// use before it started.
//
//	go test ./core/engine -run '^$' -bench ExportTickets -benchtime 1x -export.tickets 100000
func BenchmarkExportTickets(b *testing.B) {
	cat := testkit.Compile(b, testkit.DeskFiles(b))
	st := openStore(b)
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Logger: testkit.Quiet})
	if err != nil {
		b.Fatal(err)
	}
	n := *exportTickets
	started := time.Now()
	seedTeamTickets(b, st, n, func(i int) string { return fmt.Sprintf("Drucker im Raum %d druckt nicht, bitte prüfen", i) })
	b.Logf("seeded %d tickets in %s", n, time.Since(started).Round(time.Second))
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			var heapMB, totalMB float64
			var bytes int64
			for b.Loop() {
				w := &countingWriter{}
				p := startPeak()
				wrote, err := eng.ExportTickets(b.Context(), ben, ticket.Query{Team: "it-1st-level"}, format, w)
				h, t := p.end()
				if err != nil || wrote != n {
					b.Fatalf("export: %d rows, %v", wrote, err)
				}
				heapMB, totalMB, bytes = max(heapMB, h), max(totalMB, t), w.n
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(n)/secs, "rows/s")
			b.ReportMetric(secs, "s/export")
			b.ReportMetric(heapMB, "MB-heap-peak-extra")
			b.ReportMetric(totalMB, "MB-mapped-peak-extra")
			b.ReportMetric(float64(bytes)/(1<<20), "MB-file")
		})
	}
}
