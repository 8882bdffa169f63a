package asset_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"vorgang/core/asset"
)

var benchRows = flag.Int("asset.rows", 10_000, "rows per import file in BenchmarkImport")

// BenchmarkImport measures CSV import rates on the embedded store, each
// iteration on a fresh store: a file of new assets with their own numbers,
// the same file again (every row unchanged), and a file of new assets the
// class numbers. Run with -benchtime 1x.
func BenchmarkImport(b *testing.B) {
	n := *benchRows
	file := vehicleFile(n, 0)
	var unnumbered strings.Builder
	unnumbered.WriteString("name,vehicle_type,mileage\n")
	for i := range n {
		fmt.Fprintf(&unnumbered, "Fahrzeug %d,van,%d\n", i, i)
	}
	run := func(b *testing.B, f *fixture, body string, check func(*asset.ImportReport) bool) {
		b.Helper()
		start := time.Now()
		rep, err := f.svc.Import(b.Context(), writer, strings.NewReader(body), asset.ImportOptions{Class: "vehicle"})
		if err != nil || len(rep.Errors) > 0 || !check(rep) {
			b.Fatalf("import: %+v, %v", rep, err)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
	}
	b.Run("new with numbers", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			f := newFixture(b)
			b.StartTimer()
			run(b, f, file, func(r *asset.ImportReport) bool { return r.Created == n })
		}
	})
	b.Run("again unchanged", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			f := newFixture(b)
			run(b, f, file, func(r *asset.ImportReport) bool { return r.Created == n })
			b.StartTimer()
			run(b, f, file, func(r *asset.ImportReport) bool { return r.Unchanged == n })
		}
	})
	b.Run("dry run", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			f := newFixture(b)
			b.StartTimer()
			start := time.Now()
			rep, err := f.svc.Import(b.Context(), writer, strings.NewReader(file), asset.ImportOptions{Class: "vehicle", DryRun: true})
			if err != nil || rep.Created != n {
				b.Fatalf("dry run: %v", err)
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
		}
	})
	b.Run("new numbered by the class", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			f := newFixture(b)
			b.StartTimer()
			run(b, f, unnumbered.String(), func(r *asset.ImportReport) bool { return r.Created == n })
		}
	})
}
