package knowledge_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"vorgang/core/internal/testkit"
	"vorgang/core/knowledge"
	"vorgang/core/search"
	"vorgang/core/store"
)

// TestIndexOnMongoDB: on MongoDB every instance keeps its own index of
// the articles, as it does of the tickets, and reads the articles again
// when its index is older than the refresh: another instance's saves,
// new articles and deleted ones reach its searches, with stemming,
// folding and snippets, the asker's scope in the query.
func TestIndexOnMongoDB(t *testing.T) {
	ctx := context.Background()
	clock := testkit.NewClock(time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	st := testkit.OpenMongoStore(t, testkit.StoreOptions{Collections: knowledge.Schema()})
	if st.Mode() == store.ModeEmbedded {
		t.Fatal("the store is not in MongoDB mode")
	}
	instance := func() *knowledge.Service {
		idx, err := search.NewArticles()
		if err != nil {
			t.Fatal(err)
		}
		s, err := knowledge.New(knowledge.Deps{Store: st, Logger: testkit.Quiet, Now: clock.Now, Index: idx, IndexRefresh: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	one, two := instance(), instance()
	find := func(s *knowledge.Service, scope knowledge.Scope, q string) ([]string, map[string]string) {
		t.Helper()
		p, err := s.Find(ctx, scope, knowledge.Query{Text: q, Lang: "de"})
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		snippets := map[string]string{}
		for _, a := range p.Articles {
			numbers = append(numbers, a.Number)
			snippets[a.Number] = string(p.Snippets[a.Number])
		}
		if p.Total != len(numbers) {
			t.Errorf("%q: total %d, %d on the page", q, p.Total, len(numbers))
		}
		return numbers, snippets
	}
	staff := knowledge.ScopeOf(readerIT)
	citizen := knowledge.Scope{}

	pub, err := one.Create(ctx, writerIT, content("Drucker im Flur", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	internal, err := one.Create(ctx, writerIT, content("Toner bestellen", knowledge.Internal, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	// Stemming and folding in the other instance's first search: its
	// index is filled from the database.
	got, snippets := find(two, staff, "Druckers Strasse")
	if !slices.Equal(got, []string{pub.Number, internal.Number}) && !slices.Equal(got, []string{internal.Number, pub.Number}) {
		t.Fatalf("Druckers Strasse: %v", got)
	}
	if s := snippets[pub.Number]; !strings.Contains(s, "<mark>Drucker</mark>") || !strings.Contains(s, "<mark>Straße</mark>") {
		t.Errorf("snippet: %q", s)
	}
	if got, _ := find(two, citizen, "Drucker"); !slices.Equal(got, []string{pub.Number}) {
		t.Errorf("a citizen finds %v, want the public article only", got)
	}

	// The first instance saves; the second learns of it with its refresh.
	changed := content("Drucker im Flur", knowledge.Public, "")
	changed.Texts = map[string]knowledge.Text{"de": {Title: "Drucker im Flur", Body: "Der Scanner daneben scannt."}}
	if _, err := one.Update(ctx, writerIT, pub.Number, pub.Version, changed, "de"); err != nil {
		t.Fatal(err)
	}
	added, err := one.Create(ctx, writerIT, content("Scanner einrichten", knowledge.Public, ""), "de")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := one.Find(ctx, citizen, knowledge.Query{Text: "scannt"}); len(got.Articles) != 1 {
		t.Errorf("the saving instance does not find its own save at once: %v", got.Articles)
	}
	clock.Advance(10 * time.Second)
	if got, _ := find(two, citizen, "Scanners"); !slices.Equal(got, []string{added.Number, pub.Number}) && !slices.Equal(got, []string{pub.Number, added.Number}) {
		t.Errorf("after the refresh, Scanners finds %v", got)
	}
	if got, _ := find(two, citizen, "Straße"); !slices.Equal(got, []string{added.Number}) {
		t.Errorf("after the refresh, the old text of %s is still found: %v", pub.Number, got)
	}

	// An article deleted in the database (a data subject's request) leaves
	// every instance's index with its refresh.
	if err := st.Delete(ctx, knowledge.ArticlesCollection, internal.Number); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	if got, _ := find(two, staff, "Toner"); slices.Contains(got, internal.Number) {
		t.Errorf("a deleted article is still found: %v", got)
	}
}
