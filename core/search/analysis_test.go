package search_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vorgang/core/search"
)

// memIndex is an index in memory holding docs.
func memIndex(t *testing.T, docs ...search.Doc) *search.Index {
	t.Helper()
	x, err := search.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if err := x.Apply(docs, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return x
}

func numbers(t *testing.T, x *search.Index, q search.Query) []string {
	t.Helper()
	res, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Number)
	}
	return out
}

var everything = search.Scope{All: true, Internal: true}

func TestAnalysis(t *testing.T) {
	x := memIndex(t,
		search.Doc{Number: "DE-1", Title: "Der Drucker im 2. Stock druckt nicht", Data: "Standort: Hauptstraße 5"},
		search.Doc{Number: "DE-2", Title: "Papierstau", Public: "Die Tonerkassette des Druckers ist leer.", Data: "Ansprechpartner: Jürgen Müller"},
		search.Doc{Number: "DE-3", Title: "Antrag auf Parkausweis", Data: "Große Straße 12, Fußgängerzone"},
		search.Doc{Number: "EN-1", Title: "Printers on the second floor are offline", Public: "The printing queue was restarted."},
		search.Doc{Number: "EN-2", Title: "Laptop battery", Data: "The user's laptop does not charge"},
		search.Doc{Number: "FR-1", Title: "Café-Automat defekt"},
	)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"German stemming: Drucker finds Druckers", "Drucker", []string{"DE-1", "DE-2"}},
		{"German stemming: Druckers finds Drucker", "Druckers", []string{"DE-1", "DE-2"}},
		{"ß folded: Strasse finds Straße", "Strasse", []string{"DE-3"}},
		{"ß kept: Straße finds Straße", "straße", []string{"DE-3"}},
		{"compounds are not split", "Hauptstrasse", []string{"DE-1"}},
		{"umlaut spelled out: Mueller finds Müller", "Mueller", []string{"DE-2"}},
		{"umlaut dropped: Muller finds Müller", "Muller", []string{"DE-2"}},
		{"umlaut: Juergen finds Jürgen", "Juergen", []string{"DE-2"}},
		{"case folded", "PAPIERSTAU", []string{"DE-2"}},
		{"ß inside a word: Fussgaengerzone", "Fussgaengerzone", []string{"DE-3"}},
		{"other accents folded: Cafe finds Café", "cafe", []string{"FR-1"}},
		{"English plural: printer finds Printers", "printer", []string{"EN-1"}},
		{"English stemming: print finds printing", "print", []string{"EN-1"}},
		{"English stemming: printed finds printing", "printed", []string{"EN-1"}},
		{"English stemming: queues finds queue", "queues", []string{"EN-1"}},
		{"English stemming: restarting finds restarted", "restarting", []string{"EN-1"}},
		{"English possessive: user finds user's", "user", []string{"EN-2"}},
		{"every word must occur", "Drucker Tonerkassette", []string{"DE-2"}},
		{"German phrase", `"druckt nicht"`, []string{"DE-1"}},
		{"German phrase, other order, not found", `"nicht druckt"`, nil},
		{"phrase with folding", `"grosse strasse"`, []string{"DE-3"}},
		{"English phrase", `"second floor"`, []string{"EN-1"}},
		{"English phrase not adjacent, not found", `"second offline"`, nil},
		{"ticket number", "de-3", []string{"DE-3"}},
		{"no match", "Kühlschrank", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := numbers(t, x, search.Query{Text: tt.query, Scope: everything})
			if !sameSet(got, tt.want) {
				t.Errorf("%q found %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := map[string]bool{}
	for _, x := range a {
		in[x] = true
	}
	for _, x := range b {
		if !in[x] {
			return false
		}
	}
	return true
}

// Without words, the filters list the newest tickets first.
func TestFiltersAloneListTheNewestFirst(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	x := memIndex(t,
		search.Doc{Number: "A", Team: "t", Created: day},
		search.Doc{Number: "C", Team: "t", Created: day.Add(48 * time.Hour)},
		search.Doc{Number: "B", Team: "t", Created: day.Add(24 * time.Hour)},
		search.Doc{Number: "D", Team: "u", Created: day.Add(72 * time.Hour)},
	)
	got := numbers(t, x, search.Query{Team: "t", Scope: everything})
	if want := []string{"C", "B", "A"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("team t lists %v, want %v", got, want)
	}
}
