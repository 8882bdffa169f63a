package search_test

import (
	"fmt"
	"strings"
	"testing"

	"vorgang/core/search"
)

func articleIndex(t *testing.T, docs ...search.ArticleDoc) *search.Articles {
	t.Helper()
	x, err := search.NewArticles()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := x.Put(d); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

// An article's snippets mark exactly the words found, in the title and
// in the body, whichever language's stem found them, and escape the rest;
// a text where nothing was found is not quoted.
func TestArticleSnippets(t *testing.T) {
	x := articleIndex(t,
		search.ArticleDoc{Number: "KB-1", Visibility: "public", Title: "Schlüssel verloren\nLost key",
			Body: "Die Größe des Schlüssels für Hausmeister Krause & Söhne <b>\nThe printing queue was restarted."},
		search.ArticleDoc{Number: "KB-2", Visibility: "public", Title: "Sperrmüll\nBulky waste",
			Body: "Einen Termin für den Sperrmüll <script>alert(1)</script> vereinbaren Sie in der Hauptstraße."},
	)
	tests := []struct {
		name, query, number string
		want                map[string][]string // by field: what its snippets hold
		none                []string            // fields without a snippet
	}{
		{"a word after umlauts and ß, escaped", "Krause", "KB-1",
			map[string][]string{"body": {"<mark>Krause</mark> &amp; Söhne &lt;b&gt;"}}, []string{"title"}},
		{"a word by its German stem, in both texts", "Schluessel", "KB-1",
			map[string][]string{"title": {"<mark>Schlüssel</mark> verloren"}, "body": {"des <mark>Schlüssels</mark> für"}}, nil},
		{"a word by its English stem", "printed", "KB-1",
			map[string][]string{"body": {"The <mark>printing</mark> queue"}}, []string{"title"}},
		{"a phrase", `"queue was"`, "KB-1",
			map[string][]string{"body": {"<mark>queue</mark> <mark>was</mark>"}}, []string{"title"}},
		{"a title word, the body quoted where it holds it", "Sperrmuell Termin", "KB-2",
			map[string][]string{"title": {"<mark>Sperrmüll</mark>"}, "body": {"<mark>Termin</mark>", "<mark>Sperrmüll</mark> &lt;script&gt;alert(1)&lt;/script&gt;"}}, nil},
		{"a tag-like word only in the title", "waste", "KB-2",
			map[string][]string{"title": {"Bulky <mark>waste</mark>"}}, []string{"body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, total, err := x.Find(t.Context(), search.ArticleQuery{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if total != 1 || len(hits) != 1 || hits[0].Number != tt.number {
				t.Fatalf("%q found %d: %+v, want %s", tt.query, total, hits, tt.number)
			}
			for field, want := range tt.want {
				got := strings.Join(hits[0].Snippets[field], " … ")
				for _, w := range want {
					if !strings.Contains(got, w) {
						t.Errorf("%s snippet %q does not hold %q", field, got, w)
					}
				}
				if strings.Contains(got, "<b>") || strings.Contains(got, "<script") {
					t.Errorf("%s snippet %q holds markup of the text", field, got)
				}
			}
			for _, field := range tt.none {
				if s, ok := hits[0].Snippets[field]; ok {
					t.Errorf("a %s snippet where nothing was found: %q", field, s)
				}
			}
		})
	}
}

// Every hit of a page has its snippets, also on a later page, and a list
// without words (a category) quotes nothing.
func TestArticleSnippetsByPage(t *testing.T) {
	var docs []search.ArticleDoc
	for i := range 25 {
		docs = append(docs, search.ArticleDoc{Number: fmt.Sprintf("KB-%d", i+1), Visibility: "public", Category: "IT",
			Title: fmt.Sprintf("Artikel %d", i+1), Body: fmt.Sprintf("Der Drucker Nummer %d braucht Toner.", i+1)})
	}
	x := articleIndex(t, docs...)
	seen := map[string]bool{}
	for _, offset := range []int{0, 10, 20} {
		hits, total, err := x.Find(t.Context(), search.ArticleQuery{Text: "Drucker", Offset: offset, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if total != 25 {
			t.Fatalf("total %d, want 25", total)
		}
		for _, h := range hits {
			if seen[h.Number] {
				t.Errorf("%s on two pages", h.Number)
			}
			seen[h.Number] = true
			n := strings.TrimPrefix(h.Number, "KB-")
			want := "Der <mark>Drucker</mark> Nummer " + n + " braucht"
			if got := strings.Join(h.Snippets["body"], " … "); !strings.Contains(got, want) {
				t.Errorf("offset %d: %s snippet %q does not hold %q", offset, h.Number, got, want)
			}
		}
	}
	if len(seen) != 25 {
		t.Errorf("%d articles on the pages, want 25", len(seen))
	}
	hits, _, err := x.Find(t.Context(), search.ArticleQuery{Category: "IT", Limit: 5})
	if err != nil || len(hits) != 5 {
		t.Fatalf("%v %+v", err, hits)
	}
	for _, h := range hits {
		if h.Snippets == nil || len(h.Snippets) != 0 {
			t.Errorf("%s quoted without words: %#v", h.Number, h.Snippets)
		}
	}
}

// A scope never sees an article it may not read, nor a passage of it.
func TestArticleSnippetsScope(t *testing.T) {
	x := articleIndex(t,
		search.ArticleDoc{Number: "KB-1", Visibility: "public", Title: "Drucker", Body: "Drucker im Flur"},
		search.ArticleDoc{Number: "KB-2", Visibility: "internal", Title: "Drucker", Body: "Drucker Passwort geheim"},
		search.ArticleDoc{Number: "KB-3", Visibility: "team", Team: "b", Title: "Drucker", Body: "Drucker des Teams B"},
	)
	tests := []struct {
		name  string
		scope search.ArticleScope
		want  []string
	}{
		{"a citizen", search.ArticleScope{}, []string{"KB-1"}},
		{"staff of team a", search.ArticleScope{Staff: true, Teams: []string{"a"}}, []string{"KB-1", "KB-2"}},
		{"staff of team b", search.ArticleScope{Staff: true, Teams: []string{"b"}}, []string{"KB-1", "KB-2", "KB-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, total, err := x.Find(t.Context(), search.ArticleQuery{Text: "Drucker", Scope: tt.scope})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Number)
				if len(h.Snippets["body"]) == 0 {
					t.Errorf("%s without a body snippet", h.Number)
				}
			}
			if total != len(tt.want) || !sameSet(got, tt.want) {
				t.Errorf("found %d %v, want %v", total, got, tt.want)
			}
		})
	}
}
