package search_test

import (
	"strings"
	"testing"

	"vorgang/core/search"
)

// A snippet marks exactly the words found, wherever they stand in the
// text and whichever language's stem found them, and escapes the rest.
func TestSnippets(t *testing.T) {
	x := memIndex(t,
		search.Doc{Number: "DE-1", Title: "Schlüssel", Internal: "Die Größe des Schlüssels für Hausmeister Krause & Söhne <b>"},
		search.Doc{Number: "EN-1", Title: "Printer", Public: "Straße: the printing queue was restarted"},
	)
	tests := []struct {
		name, query, number, field string
		want                       []string
	}{
		{"a word after umlauts and ß", "Krause", "DE-1", "internal", []string{"<mark>Krause</mark> &amp; Söhne &lt;b&gt;"}},
		{"a word found by its German stem", "Schluessel", "DE-1", "internal", []string{"des <mark>Schlüssels</mark> für"}},
		{"a word found by its English stem", "printed", "EN-1", "public", []string{"the <mark>printing</mark> queue"}},
		{"a phrase", `"queue was"`, "EN-1", "public", []string{"<mark>queue</mark> <mark>was</mark>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := x.Search(t.Context(), search.Query{Text: tt.query, Scope: everything})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != 1 || res.Hits[0].Number != tt.number {
				t.Fatalf("%q found %+v, want %s", tt.query, res.Hits, tt.number)
			}
			got := strings.Join(res.Hits[0].Snippets[tt.field], " … ")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s snippet %q does not hold %q", tt.field, got, w)
				}
			}
		})
	}
}

// A field without a word found is no snippet, and internal comments are
// never quoted to a scope without them, even when the word is there.
func TestSnippetsOnlyWhereFound(t *testing.T) {
	x := memIndex(t, search.Doc{Number: "A-1", Title: "Drucker", Data: "Raum 3", Public: "Drucker getauscht", Internal: "Drucker von Krause"})
	res, err := x.Search(t.Context(), search.Query{Text: "Drucker", Scope: search.Scope{All: true}})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	s := res.Hits[0].Snippets
	if _, ok := s["data"]; ok {
		t.Errorf("a snippet of the form data, where nothing was found: %q", s["data"])
	}
	if _, ok := s["internal"]; ok {
		t.Errorf("an internal comment quoted without the scope: %q", s["internal"])
	}
	if len(s["public"]) == 0 || !strings.Contains(s["public"][0], "<mark>Drucker</mark>") {
		t.Errorf("public snippet %q", s["public"])
	}
}
