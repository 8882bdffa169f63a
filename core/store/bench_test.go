package store

// The data-layer benchmarks seed N tickets (20% open, 15 form fields, 5
// history entries each) and measure the hot paths with latency
// percentiles. Seeding 100k tickets takes minutes, so a seeded folder can be
// kept and reused:
//
//	go test ./core/store -run '^$' -bench BenchmarkStore -benchtime 1x \
//	    -store.tickets 100000 -store.dir /tmp/vorgang-bench-100k
//
// docs/benchmarks.md records the figures.

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"vorgang/core/ticket"
)

var (
	benchTickets = flag.Int("store.tickets", 10_000, "tickets seeded for BenchmarkStore")
	benchDir     = flag.String("store.dir", "", "data folder for BenchmarkStore; reused when already seeded with -store.tickets")
	benchOps     = flag.Int("store.ops", 500, "operations measured per benchmark")
	benchSeed    = flag.Uint64("store.seed", 1, "random seed")
	benchTies    = flag.Bool("store.ties", false, "open tickets as after a night: 60% share one due time, none is assigned")
)

var benchTeams = []string{"it-1st-level", "it-2nd-level", "it-site-north", "buergerbuero", "personal", "beschaffung", "fuhrpark", "gebaeude"}

func benchTicket(i int, rng *rand.Rand, now time.Time) (*ticket.Ticket, []any) {
	number := fmt.Sprintf("INC-2026-%07d", i)
	tk := newTicket(number)
	tk.Team = benchTeams[i%len(benchTeams)]
	tk.Priority = []string{"critical", "high", "medium", "low"}[rng.IntN(4)]
	tk.Requester = "user" + strconv.Itoa(rng.IntN(4000))
	if i%5 == 0 { // 20% open
		tk.State = []string{"new", "in_progress", "waiting"}[rng.IntN(3)]
		tk.Category, tk.Open = "open", true
		tk.Due = ticket.SortTime(now.Add(time.Duration(rng.IntN(30*24)-24) * time.Hour))
		if rng.IntN(3) == 0 {
			tk.Assignee = "agent" + strconv.Itoa(rng.IntN(60))
		}
		if *benchTies {
			// Opened outside business hours, the SLA clock gives every
			// ticket the same due time: the start of the next working day.
			tk.Assignee = ""
			if rng.IntN(10) < 6 {
				tk.Due = ticket.SortTime(time.Date(now.Year(), now.Month(), now.Day(), 7, 0, 0, 0, time.UTC).Add(24 * time.Hour))
			}
		}
	} else {
		tk.State, tk.Category, tk.Open, tk.Due = "closed", "closed", false, ticket.NoDue
		tk.Assignee = "agent" + strconv.Itoa(rng.IntN(60))
	}
	tk.Data = map[string]any{}
	for f := 0; f < 15; f++ {
		tk.Data[fmt.Sprintf("field_%02d", f)] = fmt.Sprintf("Angabe %d zum Vorgang %d: Drucker im zweiten Obergeschoss meldet Papierstau", f, i)
	}
	tk.Version = 5
	hist := make([]any, 5)
	for seq := 1; seq <= 5; seq++ {
		hist[seq-1] = ticket.HistoryEntry{ID: HistoryID(number, int64(seq)), Ticket: number, Seq: int64(seq), At: now,
			Actor: tk.Requester, Type: "field_changed", Data: map[string]any{"field": "field_01", "old": "a", "new": "b"}}
	}
	return tk, hist
}

// seedBench fills s with n tickets unless the folder already holds them.
func seedBench(b *testing.B, s *Store, n int) {
	ctx := context.Background()
	var marker struct {
		N int `bson:"n"`
	}
	id := "bench"
	if *benchTies {
		id = "bench-ties"
	}
	if err := s.Get(ctx, metaCollection, id, &marker); err == nil && marker.N == n {
		return
	}
	rng := rand.New(rand.NewPCG(*benchSeed, 2))
	now := time.Now()
	start := time.Now()
	// Written directly in large transactions (bench_fill_test.go).
	for i := 0; i < n; i += fillBatch {
		var tickets, history []any
		for j := i; j < min(i+fillBatch, n); j++ {
			tk, h := benchTicket(j, rng, now)
			tickets = append(tickets, tk)
			history = append(history, h...)
		}
		if err := fillDirect(ctx, s, map[string][]any{TicketsCollection: tickets, HistoryCollection: history}); err != nil {
			b.Fatal(err)
		}
		if i > 0 && i%(20*fillBatch) == 0 {
			b.Logf("seeded %d tickets in %s", i, time.Since(start).Round(time.Second))
		}
	}
	if err := s.Insert(ctx, metaCollection, bson.M{"_id": id, "n": n}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d tickets with %d history entries in %s", n, 5*n, time.Since(start).Round(time.Second))
}

type latencies []time.Duration

func (l latencies) pct(p float64) float64 {
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	idx := int(float64(len(s)-1) * p)
	return float64(s[idx].Microseconds()) / 1000
}

func measure(b *testing.B, ops int, op func(i int) error) latencies {
	b.Helper()
	out := make(latencies, 0, ops)
	for i := 0; i < ops; i++ {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		out = append(out, time.Since(start))
	}
	return out
}

func report(b *testing.B, l latencies) {
	b.ReportMetric(l.pct(0.50), "p50-ms")
	b.ReportMetric(l.pct(0.95), "p95-ms")
	b.ReportMetric(l.pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkStore(b *testing.B) {
	dir := *benchDir
	if dir == "" {
		dir = b.TempDir()
	}
	n := *benchTickets
	ctx := context.Background()
	quiet := testLogger(b)
	s, err := Open(ctx, Config{DataDir: dir, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	seedBench(b, s, n)
	if err := s.Close(ctx); err != nil {
		b.Fatal(err)
	}

	start := time.Now()
	s, err = Open(ctx, Config{DataDir: dir, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	startup := time.Since(start)
	defer s.Close(ctx)
	rng := rand.New(rand.NewPCG(*benchSeed, 3))
	ops := *benchOps

	b.Run("startup", func(b *testing.B) {
		b.ReportMetric(float64(startup.Milliseconds()), "ms")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("get", func(b *testing.B) {
		report(b, measure(b, ops, func(int) error {
			_, err := s.Ticket(ctx, fmt.Sprintf("INC-2026-%07d", rng.IntN(n)))
			return err
		}))
	})
	b.Run("update", func(b *testing.B) {
		report(b, measure(b, ops, func(int) error {
			t, err := s.Ticket(ctx, fmt.Sprintf("INC-2026-%07d", 5*rng.IntN(n/5)))
			if err != nil {
				return err
			}
			t.Priority = "high"
			return s.UpdateTicket(ctx, t, &ticket.HistoryEntry{Actor: "bench", Type: "priority_changed"})
		}))
	})
	b.Run("inbox", func(b *testing.B) {
		report(b, measure(b, ops, func(int) error {
			rows, _, err := s.Inbox(ctx, ticket.Query{Team: benchTeams[rng.IntN(len(benchTeams))], Limit: 50})
			if err == nil && len(rows) != 50 && n >= 10_000 {
				err = fmt.Errorf("inbox returned %d rows", len(rows))
			}
			return err
		}))
	})
	b.Run("inbox-5-pages", func(b *testing.B) {
		// A team's inbox read five pages deep by its cursor: deep in a
		// group of tickets due at the same time when -store.ties is set.
		report(b, measure(b, ops/5, func(int) error {
			q := ticket.Query{Team: benchTeams[rng.IntN(len(benchTeams))], Limit: 50}
			for page := 0; page < 5; page++ {
				rows, next, err := s.Inbox(ctx, q)
				if err != nil {
					return err
				}
				if len(rows) != 50 && n >= 10_000 {
					return fmt.Errorf("inbox page %d returned %d rows", page+1, len(rows))
				}
				q.After = next
			}
			return nil
		}))
	})
	b.Run("counts-load", func(b *testing.B) {
		// What the first dashboard read after start-up costs: counting the
		// open tickets through the index.
		report(b, measure(b, 5, func(int) error {
			_, err := s.countOpen(ctx)
			return err
		}))
	})
	b.Run("open-by-state", func(b *testing.B) {
		// What vorgang plan and a reload ask: the open tickets per process
		// and state, counted through the index, not cached.
		report(b, measure(b, 5, func(int) error {
			_, err := s.OpenByState(ctx)
			return err
		}))
	})
	b.Run("counts", func(b *testing.B) {
		report(b, measure(b, min(ops, 100), func(int) error {
			_, err := s.Counts(ctx)
			return err
		}))
	})
	b.Run("due-before-sweep", func(b *testing.B) {
		// The sweep reads every open ticket due within the next day, page by page.
		cutoff := ticket.SortTime(time.Now().Add(24 * time.Hour))
		total := 0
		l := measure(b, 10, func(int) error {
			n, err := readDue(ctx, s, cutoff, "")
			total = n
			return err
		})
		report(b, l)
		b.ReportMetric(float64(total), "tickets")
	})
	b.Run("sweep-window", func(b *testing.B) {
		// What the SLA sweep reads every 30 s in steady state: the open
		// tickets whose due time passed since the last sweep. The ones due
		// earlier had their event recorded then (and a later due set), so
		// each sweep reads one 30 s slice of the index; the engine's cost per
		// event it then records does not depend on the number of tickets.
		now := time.Now()
		total := 0
		l := measure(b, min(ops, 200), func(i int) error {
			end := now.Add(-time.Duration(i) * 30 * time.Second)
			n, err := readDue(ctx, s, ticket.SortTime(end), ticket.SortTime(end.Add(-30*time.Second))+"|")
			total += n
			return err
		})
		report(b, l)
		b.ReportMetric(float64(total)/float64(len(l)), "tickets/sweep")
	})
	b.Run("create-vs-raw-insert", func(b *testing.B) {
		// Interleaved, so a change of load on the machine affects both alike.
		rawColl := s.db.Collection("bench_raw")
		var raw, create latencies
		for i := 0; i < ops; i++ {
			tk, _ := benchTicket(n+i, rng, time.Now())
			tk.Number = fmt.Sprintf("RAW-%d-%d", time.Now().UnixNano(), i)
			start := time.Now()
			if _, err := rawColl.InsertOne(ctx, tk); err != nil {
				b.Fatal(err)
			}
			raw = append(raw, time.Since(start))
			tk, _ = benchTicket(n+i, rng, time.Now())
			tk.Number = fmt.Sprintf("NEW-%d-%d", time.Now().UnixNano(), i)
			start = time.Now()
			if err := s.CreateTicket(ctx, tk, &ticket.HistoryEntry{Actor: "bench", Type: "created"}); err != nil {
				b.Fatal(err)
			}
			create = append(create, time.Since(start))
		}
		sum := func(l latencies) (d time.Duration) {
			for _, x := range l {
				d += x
			}
			return d
		}
		rawRate := float64(len(raw)) / sum(raw).Seconds()
		createRate := float64(len(create)) / sum(create).Seconds()
		b.ReportMetric(rawRate, "raw-inserts/s")
		b.ReportMetric(createRate, "creates/s")
		b.ReportMetric(createRate/rawRate, "ratio")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("memory", func(b *testing.B) {
		runtime.GC()
		b.ReportMetric(float64(rssKB("VmRSS"))/1024, "rss-MB")
		b.ReportMetric(float64(rssKB("VmHWM"))/1024, "peak-rss-MB")
		b.ReportMetric(float64(dirSize(dir))/(1<<20), "disk-MB")
		b.ReportMetric(0, "ns/op")
	})
}

// rssKB reads a memory figure of this process from /proc (Linux only).
func rssKB(field string) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field+":") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return kb
		}
	}
	return 0
}

func dirSize(dir string) int64 {
	var total int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return total
}

// readDue reads every open ticket due before cutoff and after the cursor
// after, a page at a time as the SLA sweep does, and returns how many.
func readDue(ctx context.Context, s *Store, cutoff, after string) (int, error) {
	total := 0
	for {
		rows, err := s.DueBefore(ctx, cutoff, after, MaxPage)
		if err != nil {
			return total, err
		}
		total += len(rows)
		if len(rows) < MaxPage {
			return total, nil
		}
		after = rows[len(rows)-1].Cursor()
	}
}
