package asset_test

import (
	"bytes"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"vorgang/core/asset"
	"vorgang/core/internal/testkit"
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

var exportRows = flag.Int("asset.export", 20_000, "assets in the store for BenchmarkExport")

// BenchmarkExport measures the export of every asset of a class and the
// re-import of the exported file (every row unchanged) on the embedded
// store, after a restart, so the in-memory index is loaded first (not
// timed: it loads in the background at start). Run with -benchtime 1x.
func BenchmarkExport(b *testing.B) {
	n := *exportRows
	f := newFixture(b)
	rep, err := f.svc.Import(b.Context(), writer, strings.NewReader(vehicleFile(n, 0)), asset.ImportOptions{Class: "vehicle"})
	if err != nil || rep.Created != n {
		b.Fatalf("set up: %+v, %v", rep, err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	svc := f.newService(b, true)
	start, cpu := time.Now(), testkit.CPUTime()
	if err := svc.Warm(b.Context()); err != nil {
		b.Fatal(err)
	}
	loaded, loadedCPU := time.Since(start), testkit.CPUTime()-cpu
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.Logf("the in-memory index of %d assets loads in %.1f s (%.1f s CPU) and holds about %.1f MB", n, loaded.Seconds(), loadedCPU.Seconds(), float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
	var file bytes.Buffer
	b.Run("export", func(b *testing.B) {
		for range b.N {
			file.Reset()
			start, cpu := time.Now(), testkit.CPUTime()
			if err := svc.Export(b.Context(), reader, &file, asset.Query{Class: "vehicle"}, "de"); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(start).Seconds(), "s")
			b.ReportMetric((testkit.CPUTime() - cpu).Seconds(), "cpu-s")
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
		}
	})
	b.Run("import the export again", func(b *testing.B) {
		for range b.N {
			start, cpu := time.Now(), testkit.CPUTime()
			rep, err := svc.Import(b.Context(), writer, bytes.NewReader(file.Bytes()), asset.ImportOptions{Class: "vehicle"})
			if err != nil || rep.Unchanged != n {
				b.Fatalf("re-import: %+v, %v", rep, err)
			}
			b.ReportMetric(time.Since(start).Seconds(), "s")
			b.ReportMetric((testkit.CPUTime() - cpu).Seconds(), "cpu-s")
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "rows/s")
		}
	})
}
