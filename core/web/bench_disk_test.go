package web_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"vorgang/core/engine"
	"vorgang/core/store"
)

var apiDiskCreates = flag.Int("api.disk", 2000, "tickets the disk benchmark creates (half with an Idempotency-Key), starts and comments on")

// benchDisk measures the bytes a ticket costs on disk, by collection and
// index: tickets are created over the API (half of them with an
// Idempotency-Key, as the portal's forms send), started and commented on
// (a short history of three entries); the outbox items they queued are
// delivered, and the cleanup jobs run as they do once their keep times
// have passed. The growth of each collection divided by the tickets made
// is their cost; the whole store divided by all its tickets is the cost
// with the seeded ones.
func benchDisk(ctx context.Context, st *store.Store, eng *engine.Engine, root, agent *benchClient, seeded int) func(b *testing.B) {
	return func(b *testing.B) {
		k := *apiDiskCreates
		before, err := st.DiskUsage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		run := fmt.Sprintf("disk-%d-", time.Now().UnixNano())
		plain, _, _, err := createMany(root, *apiClients, k/2, "")
		if err != nil {
			b.Fatal(err)
		}
		keyed, _, _, err := createMany(root, *apiClients, k-k/2, run)
		if err != nil {
			b.Fatal(err)
		}
		for _, number := range append(plain, keyed...) {
			if err := agent.do(http.MethodPost, "/api/v1/tickets/"+number+"/transitions/start", `{"version":1}`, http.StatusOK, nil); err != nil {
				b.Fatal(err)
			}
			if err := agent.do(http.MethodPost, "/api/v1/tickets/"+number+"/comments", `{"text":"Toner getauscht, bitte erneut versuchen."}`, http.StatusCreated, nil); err != nil {
				b.Fatal(err)
			}
		}
		// Deliver what was queued, as the mail and webhook workers do.
		delivered := 0
		for {
			items, err := st.ClaimOutbox(ctx, "bench", time.Now(), time.Minute, store.MaxPage)
			if err != nil {
				b.Fatal(err)
			}
			if len(items) == 0 {
				break
			}
			for i := range items {
				if err := st.CompleteOutbox(ctx, &items[i]); err != nil {
					b.Fatal(err)
				}
			}
			delivered += len(items)
		}
		// The cleanup jobs, as they run once the keep times have passed.
		beforePurge, err := st.DiskUsage(ctx)
		if err != nil {
			b.Fatal(err)
		}
		later := time.Now().Add(time.Minute)
		for {
			n, err := st.PurgeOutbox(ctx, later)
			if err != nil {
				b.Fatal(err)
			}
			m, err := eng.PurgeCreateClaims(ctx, later)
			if err != nil {
				b.Fatal(err)
			}
			if n+m == 0 {
				break
			}
		}
		after, err := st.DiskUsage(ctx)
		if err != nil {
			b.Fatal(err)
		}

		perTicket := func(n int64) float64 { return float64(n) / float64(k) }
		growth := func(u, from store.DiskUsage) (map[string]int64, int64) {
			was := map[string]store.CollectionUsage{}
			for _, c := range from.Collections {
				was[c.Collection] = c
			}
			out, sum := map[string]int64{}, int64(0)
			for _, c := range u.Collections {
				d := c.Bytes() - was[c.Collection].Bytes()
				out[c.Collection] = d
				sum += d
			}
			return out, sum
		}
		kept, keptSum := growth(after, before)
		queued, queuedSum := growth(beforePurge, before)
		var lines []string
		for _, c := range after.Collections {
			if kept[c.Collection] == 0 && queued[c.Collection] == 0 {
				continue
			}
			was := store.CollectionUsage{}
			for _, x := range before.Collections {
				if x.Collection == c.Collection {
					was = x
				}
			}
			var idx []string
			for name, size := range c.IndexBytes {
				if d := size - was.IndexBytes[name]; d != 0 {
					idx = append(idx, fmt.Sprintf("%s %.0f", name, perTicket(d)))
				}
			}
			sort.Strings(idx)
			lines = append(lines, fmt.Sprintf("%-20s before cleanup %7.0f, kept %7.0f (table %.0f; indexes: %s)",
				c.Collection, perTicket(queued[c.Collection]), perTicket(kept[c.Collection]),
				perTicket(c.TableBytes-was.TableBytes), strings.Join(idx, ", ")))
		}
		b.Logf("bytes per ticket made (%d tickets, %d outbox items delivered):\n%s", k, delivered, strings.Join(lines, "\n"))
		var all int64
		for _, c := range after.Collections {
			all += c.Bytes()
		}
		b.Logf("store: %d collections' bytes, %d free, %d other, file %d, WAL %d",
			all, after.FreeBytes, after.OtherBytes, after.FileBytes, after.WALBytes)
		b.ReportMetric(perTicket(queuedSum), "B/ticket-before-cleanup")
		b.ReportMetric(perTicket(keptSum), "B/ticket-kept")
		b.ReportMetric(perTicket(after.FreeBytes-before.FreeBytes), "B/ticket-free-pages")
		b.ReportMetric(float64(after.FileBytes+after.WALBytes)/float64(seeded+k), "B/ticket-whole-folder")
		b.ReportMetric(0, "ns/op")
	}
}
