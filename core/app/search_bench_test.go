package app_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/app"
	"vorgang/core/auth"
	"vorgang/core/definition"
	"vorgang/core/engine"
	"vorgang/core/internal/testkit"
	"vorgang/core/search"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

var (
	searchTickets  = flag.Int("search.tickets", 10000, "tickets BenchmarkSearch seeds")
	searchComments = flag.Int("search.comments", 5, "comments per seeded ticket")
	searchDir      = flag.String("search.dir", "", "folder of the seeded store, kept between runs (default: a temporary one)")
	searchCreates  = flag.Int("search.creates", 2000, "creates of the create sub-benchmarks")
	searchBeside   = flag.Bool("search.beside", false, "the create sub-benchmarks run on a copy of -search.dir (seeded, with its index) instead of a fresh store")
	searchClients  = flag.Int("search.clients", 8, "goroutines creating at once")
	searchQueries  = flag.Int("search.queries", 500, "queries timed by the search sub-benchmark")
)

var benchWords = strings.Fields(`Drucker Druckers Toner Papierstau Bildschirm Monitor Tastatur Maus Netzwerk WLAN
Passwort Konto Zugang Laptop Notebook Akku Netzteil Kabel Software Lizenz Update Installation Fehler Absturz
Telefon Headset Kamera Besprechungsraum Beamer Server Freigabe Ordner Datei Berechtigung Straße Müller
Rathaus Bürgeramt Stockwerk Raum Heizung Fenster Schlüssel Ausweis printer screen keyboard network password
account laptop battery charger cable software license update install error crash phone meeting room projector
folder file permission broken slow missing new replace repair urgent kaputt langsam fehlt neu ersetzen dringend`)

// benchVocabulary is the service-desk words above and 20,000 made-up
// ones; texts draw from it by Zipf's law (the first words most often),
// as words occur in real text, so a rare word matches few tickets and a
// common one many.
var benchVocabulary = func() []string {
	syllables := strings.Fields("ka lo mer tin sa ber gu fa ro ste wi an de rup ko li na pel us to ma ren chi bo")
	out := slices.Clone(benchWords)
	seen := map[string]bool{}
	rng := rand.New(rand.NewPCG(9, 9))
	for len(out) < len(benchWords)+20000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}()

// benchSentence is n words drawn by Zipf's law from benchVocabulary.
func benchSentence(rng *rand.Rand, n int) string {
	z := rand.NewZipf(rng, 1.07, 2, uint64(len(benchVocabulary)-1))
	w := make([]string, n)
	for i := range w {
		w[i] = benchVocabulary[z.Uint64()]
	}
	return strings.Join(w, " ")
}

// seedSearchBench writes n IT incidents with comments straight into the
// store folder dir (batched inserts; the engine would take minutes),
// unless a marker says it holds them already.
func seedSearchBench(b *testing.B, dir string, n, comments int) {
	marker := filepath.Join(dir, fmt.Sprintf("seeded-zipf-%d-%d", n, comments))
	if _, err := os.Stat(marker); err == nil {
		return
	}
	ctx := context.Background()
	st := testkit.OpenStore(b, testkit.StoreOptions{DataDir: dir, Collections: app.Schema()})
	db := st.DB()
	rng := rand.New(rand.NewPCG(7, 11))
	began := time.Now()
	base := time.Now().Add(-365 * 24 * time.Hour).UTC().Truncate(time.Millisecond)
	const batch = 500
	for i := 0; i < n; i += batch {
		var tickets, history []any
		for j := i; j < min(i+batch, n); j++ {
			number := fmt.Sprintf("SEED-%07d", j)
			created := base.Add(time.Duration(j) * time.Minute)
			data := map[string]any{"summary": benchSentence(rng, 4+rng.IntN(4)), "description": benchSentence(rng, 15+rng.IntN(20)),
				"category": "printer", "impact": "single", "urgency": "low", "location": "rathaus"}
			t := ticket.Ticket{Number: number, Process: "it-incident", Title: data["summary"].(string), State: "closed", Category: "closed",
				Priority: "low", Team: []string{"it-1st-level", "it-2nd-level"}[rng.IntN(2)], Requester: "user" + strconv.Itoa(rng.IntN(1000)),
				Assignee: "agent" + strconv.Itoa(rng.IntN(20)), Due: ticket.NoDue, Created: created, Data: data}
			if j%5 == 0 {
				t.State, t.Category, t.Open = "new", "open", true
			}
			h := []ticket.HistoryEntry{*ticket.NewEntry(t.Requester, ticket.Created{State: "new", Priority: "low", Team: t.Team, Data: data})}
			for k := range comments {
				h = append(h, *ticket.NewEntry(t.Assignee, ticket.Commented{Text: benchSentence(rng, 8+rng.IntN(20)), Internal: k%3 == 2}))
			}
			for k := range h {
				h[k].Seq, h[k].Ticket, h[k].ID, h[k].At = int64(k+1), number, store.HistoryID(number, int64(k+1)), created.Add(time.Duration(k)*time.Minute)
				history = append(history, h[k])
			}
			t.Version, t.Updated = int64(len(h)), h[len(h)-1].At
			tickets = append(tickets, t)
		}
		if _, err := db.Collection(store.HistoryCollection).InsertMany(ctx, history); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Collection(store.TicketsCollection).InsertMany(ctx, tickets); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.Close(ctx); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d tickets with %d comments each in %s", n, comments, time.Since(began).Round(time.Second))
}

func dirSize(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func percentile(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

// BenchmarkSearch seeds a store, rebuilds its index (reindex rate, index
// size), times queries (p50/p95) and compares creates with and without
// the index being fed.
//
//	go test ./core/app -run '^$' -bench BenchmarkSearch -benchtime 1x \
//	    -search.tickets 100000 -search.dir /tmp/vorgang-search-100k
func BenchmarkSearch(b *testing.B) {
	dir := *searchDir
	if dir == "" {
		dir = b.TempDir()
	}
	seedSearchBench(b, dir, *searchTickets, *searchComments)
	ctx := context.Background()
	st := testkit.OpenStore(b, testkit.StoreOptions{DataDir: dir, Collections: app.Schema()})

	b.Run("reindex", func(b *testing.B) {
		for b.Loop() {
			load := loadAvg()
			began, cpu := time.Now(), cpuTime()
			n, err := app.RebuildSearchIndex(ctx, st, dir, testkit.Quiet)
			if err != nil {
				b.Fatal(err)
			}
			took, cpu := time.Since(began), cpuTime()-cpu
			b.ReportMetric(float64(n)/took.Seconds(), "tickets/s")
			b.ReportMetric(float64(dirSize(app.SearchIndexPath(dir)))/1e6, "index-MB")
			b.ReportMetric(peakRSSMB(), "peak-rss-MB")
			b.Logf("reindex: %d tickets in %s, %.0f/s; CPU %.1f s (%.2f ms a ticket); index %.1f MB; peak RSS %.0f MB; load %s → %s",
				n, took.Round(time.Millisecond), float64(n)/took.Seconds(), cpu.Seconds(), float64(cpu.Microseconds())/1000/float64(max(n, 1)),
				float64(dirSize(app.SearchIndexPath(dir)))/1e6, peakRSSMB(), load, loadAvg())
		}
	})

	b.Run("search", func(b *testing.B) {
		idx, err := search.Open(app.SearchIndexPath(dir))
		if err != nil {
			b.Fatal(err)
		}
		defer idx.Close()
		rng := rand.New(rand.NewPCG(3, 5))
		agent := &auth.Principal{User: "agent3", Teams: []string{"it-1st-level"},
			Permissions: map[string]bool{"ticket.read_team": true, "ticket.comment_internal": true}}
		for b.Loop() {
			// The CPU of each query (the process's, garbage collection
			// included) is what it would take on a free core: on a loaded
			// machine the wall clock mostly measures the wait for one.
			kinds, cpus := map[string][]time.Duration{}, map[string][]time.Duration{}
			load, cpu := loadAvg(), cpuTime()
			for i := range *searchQueries {
				q := search.Query{Scope: engine.SearchScope(agent), Limit: 20}
				kind := []string{"one word", "two words", "phrase", "word + filters", "everything, read_all"}[i%5]
				switch kind {
				case "one word":
					q.Text = benchSentence(rng, 1)
				case "two words":
					q.Text = benchSentence(rng, 2)
				case "phrase":
					q.Text = `"` + benchSentence(rng, 2) + `"`
				case "word + filters":
					q.Text, q.State, q.CreatedFrom = benchSentence(rng, 1), "closed", time.Now().Add(-365*24*time.Hour+3*24*time.Hour)
				case "everything, read_all":
					q.Text, q.Scope = benchSentence(rng, 1), search.Scope{All: true, Internal: true}
				}
				t0, c0 := time.Now(), cpuTime()
				if _, err := idx.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				took, used := time.Since(t0), cpuTime()-c0
				kinds[kind] = append(kinds[kind], took)
				kinds["all"] = append(kinds["all"], took)
				cpus[kind] = append(cpus[kind], used)
				cpus["all"] = append(cpus["all"], used)
			}
			cpu = cpuTime() - cpu
			b.Logf("search: CPU %.1f ms a query (%d queries); load %s → %s", float64(cpu.Microseconds())/1000/float64(max(*searchQueries, 1)),
				*searchQueries, load, loadAvg())
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(max(*searchQueries, 1)), "cpu-ms/query")
			for _, k := range []string{"all", "one word", "two words", "phrase", "word + filters", "everything, read_all"} {
				b.Logf("search %-22s p50 %6.2f ms  p95 %6.2f ms; CPU p50 %6.2f ms  p95 %6.2f ms  (%d queries)", k,
					ms(percentile(kinds[k], 0.5)), ms(percentile(kinds[k], 0.95)), ms(percentile(cpus[k], 0.5)), ms(percentile(cpus[k], 0.95)), len(kinds[k]))
			}
			b.ReportMetric(ms(percentile(kinds["all"], 0.95)), "p95-ms")
			b.ReportMetric(ms(percentile(cpus["all"], 0.95)), "cpu-p95-ms")
		}
	})

	for _, fed := range []bool{false, true} {
		name := "create-unfed"
		if fed {
			name = "create-fed"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				benchCreates(b, fed)
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchCreates creates tickets through the engine from several goroutines
// on a fresh store (with -search.beside a copy of the seeded one), with or
// without a search index fed from it, and reports creates per second; fed,
// also how long the index needed after the last create to hold every
// ticket.
func benchCreates(b *testing.B, fed bool) {
	ctx := context.Background()
	dir := b.TempDir()
	if *searchBeside {
		// Beside the seeded tickets and their index: the store's indexes
		// and the search index are as deep as at the seeded size.
		testkit.CopyDir(b, *searchDir, dir)
		if !fed {
			if err := os.RemoveAll(app.SearchIndexPath(dir)); err != nil {
				b.Fatal(err)
			}
		}
	}
	st := testkit.OpenStore(b, testkit.StoreOptions{DataDir: dir, Collections: app.Schema()})
	cat := testkit.Desks(b)
	var idx *search.Index
	var feeder *search.Feeder
	var indexed uint64 // the tickets indexed before the creates
	stop := func() {}
	done := make(chan error, 1)
	if fed {
		var err error
		if idx, err = search.Open(app.SearchIndexPath(dir)); err != nil {
			b.Fatal(err)
		}
		defer idx.Close()
		if feeder, err = search.NewFeeder(search.FeedConfig{Index: idx, Source: st, Logger: testkit.Quiet}); err != nil {
			b.Fatal(err)
		}
		if indexed, err = idx.Count(); err != nil {
			b.Fatal(err)
		}
		st.OnTicketChange(feeder.Watch)
		runCtx, cancel := context.WithCancel(ctx)
		stop = cancel
		go func() { done <- feeder.Run(runCtx) }()
	}
	eng, err := engine.New(engine.Deps{Store: st, Catalog: func() *definition.Catalog { return cat }, Logger: testkit.Quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	admin := &auth.Principal{User: "admin", Admin: true}
	next := make(chan int)
	var wg sync.WaitGroup
	rng := rand.New(rand.NewPCG(1, 2))
	texts := make([]string, *searchCreates)
	for i := range texts {
		texts[i] = benchSentence(rng, 6)
	}
	began := time.Now()
	for range *searchClients {
		wg.Go(func() {
			for i := range next {
				if _, err := eng.Create(ctx, admin, engine.CreateRequest{Process: "it-incident", Data: incident(texts[i])}); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for i := range *searchCreates {
		next <- i
	}
	close(next)
	wg.Wait()
	took := time.Since(began)
	b.ReportMetric(float64(*searchCreates)/took.Seconds(), "creates/s")
	b.Logf("%d creates by %d goroutines in %s: %.0f/s (fed: %v)", *searchCreates, *searchClients, took.Round(time.Millisecond), float64(*searchCreates)/took.Seconds(), fed)
	if fed {
		last := time.Now()
		for {
			n, err := idx.Count()
			if err != nil {
				b.Fatal(err)
			}
			if n >= indexed+uint64(*searchCreates) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.Logf("index complete %s after the last create", time.Since(last).Round(time.Millisecond))
		stop()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
}
