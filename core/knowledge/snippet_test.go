package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"vorgang/core/knowledge"
)

// A search of the index quotes the passage of the body where the words
// were found, the words in <mark> and everything else escaped: the
// article's markup (Markdown, raw HTML, a code span holding a tag) never
// reaches a page as markup.
func TestSnippetsMarkAndEscape(t *testing.T) {
	ctx := context.Background()
	s := newServiceWith(t, nil, true)
	a, err := s.Create(ctx, writerIT, knowledge.Content{Texts: map[string]knowledge.Text{
		"de": {Title: "Drucker", Body: "Den **Druckern** im Flur fehlt Toner & Papier.\n\n<script>alert(1)</script>\n\nSchreiben Sie `<img src=x onerror=alert(2)>` in das Feld der Straße."},
		"en": {Title: "Printer", Body: "The [printing queue](https://example.org/queue) was restarted."},
	}, Category: "IT", Visibility: knowledge.Public}, "de")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query     string
		want, not []string
	}{
		{"Drucker", []string{"Den <mark>Druckern</mark> im Flur fehlt Toner &amp; Papier."}, []string{"**", "<script", "alert(1)"}},
		{"Strasse", []string{"&lt;img src=x onerror=alert(2)&gt;", "<mark>Straße</mark>"}, []string{"<img"}},
		{"printed", []string{"The <mark>printing</mark> queue was restarted."}, []string{"example.org", "<a "}},
		{`"Toner & Papier"`, []string{"<mark>Toner</mark> &amp; <mark>Papier</mark>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			page, err := s.Find(ctx, knowledge.Scope{}, knowledge.Query{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Articles) != 1 || page.Articles[0].Number != a.Number {
				t.Fatalf("%q found %+v", tt.query, page.Articles)
			}
			got := string(page.Snippets[a.Number])
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("snippet %q does not hold %q", got, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("snippet %q holds %q", got, w)
				}
			}
		})
	}
	// A list without words quotes nothing.
	page, err := s.Find(ctx, knowledge.Scope{}, knowledge.Query{Category: "IT"})
	if err != nil || len(page.Articles) != 1 || page.Snippets[a.Number] != "" {
		t.Errorf("a list without words: %v %+v", err, page)
	}
}
