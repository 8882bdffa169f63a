package search_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"vorgang/core/search"
)

// Over an index bigger than the first recency window, a query pages
// through exactly the tickets a query over the whole index finds, each
// once, the newest window first, with the same total; a phrase's total
// is a lower bound until its last page, and says so. Permissions stay in
// the query.
func TestRecencyWindows(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 300
	var docs []search.Doc
	for i := range n {
		d := search.Doc{Number: fmt.Sprintf("W-%03d", i), Title: "Drucker im Raum", Team: []string{"a", "b"}[i%2],
			Created: base.Add(time.Duration(i) * 6 * time.Hour)}
		if i%3 == 0 {
			d.Public = "Toner leer, Papierstau"
		}
		if i%7 == 0 {
			d.Internal = "Toner nachbestellt"
		}
		docs = append(docs, d)
	}
	x := memIndex(t, docs...)
	created := map[string]time.Time{}
	for _, d := range docs {
		created[d.Number] = d.Created
	}
	teamA := search.Scope{Teams: []string{"a"}}
	tests := []struct {
		name  string
		query search.Query
		// every: the query finds every ticket of its scope
		every bool
	}{
		{"a word in every ticket", search.Query{Text: "Drucker", Scope: everything}, true},
		{"a word in every ticket, one team", search.Query{Text: "Drucker", Scope: teamA}, true},
		{"a word in some", search.Query{Text: "Toner", Scope: everything}, false},
		{"a word in some, internal comments not searched", search.Query{Text: "Toner", Scope: teamA}, false},
		{"two words", search.Query{Text: "Drucker Papierstau", Scope: everything}, false},
		{"a word and a filter", search.Query{Text: "Raum", Scope: everything, CreatedTo: base.Add(40 * 24 * time.Hour)}, false},
		{"a phrase", search.Query{Text: `"Toner leer"`, Scope: teamA}, false},
		{"no ticket", search.Query{Text: "Beamer", Scope: everything}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole, wholeTotal := pages(t, x, tt.query)
			restore := search.SetFirstWindow(20)
			defer restore()
			windowed, total := pages(t, x, tt.query)
			slices.Sort(whole)
			got := slices.Clone(windowed)
			slices.Sort(got)
			if !slices.Equal(got, whole) || total != wholeTotal {
				t.Fatalf("windowed found %d (total %d), the whole index %d (total %d)", len(got), total, len(whole), wholeTotal)
			}
			if tt.every {
				// The first page comes from the newest window: the 20
				// newest tickets and the rest of their bucket.
				newest := base.Add((n - 22) * 6 * time.Hour)
				for _, number := range windowed[:10] {
					if created[number].Before(newest) {
						t.Errorf("%s (created %s) on the first page, older than the newest window", number, created[number])
					}
				}
			}
		})
	}
}

// pages reads every page of q, 10 hits each, and returns the numbers in
// the order found and the total of the last page; it checks that only a
// phrase's total is a lower bound, and never on its last page.
func pages(t *testing.T, x *search.Index, q search.Query) ([]string, uint64) {
	t.Helper()
	var out []string
	q.Limit = 10
	for q.Offset = 0; ; q.Offset += q.Limit {
		res, err := x.Search(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if slices.Contains(out, h.Number) {
				t.Fatalf("%s found twice (page at %d, windows of %d)", h.Number, q.Offset, search.FirstWindow())
			}
			out = append(out, h.Number)
		}
		if res.TotalAtLeast && q.Text[0] != '"' {
			t.Errorf("a total without a phrase is a lower bound")
		}
		if !res.TotalAtLeast && uint64(len(out)) < res.Total && len(res.Hits) < q.Limit {
			t.Fatalf("page at %d short: %d hits of %d", q.Offset, len(res.Hits), res.Total)
		}
		if len(res.Hits) < q.Limit {
			if res.TotalAtLeast {
				t.Errorf("the last page's total is a lower bound")
			}
			return out, res.Total
		}
	}
}
