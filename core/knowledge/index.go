package knowledge

import (
	"context"
	"fmt"
	"html/template"
	"strings"

	"vorgang/core/search"
)

// The full-text index of the articles (search.Articles): filled from the
// store on the first search that needs it and then kept by every save of
// this process. Versions decide between a load and a save that overtake
// each other, so the index never goes back to an older text.

// indexed puts a into the index unless it holds a newer version.
func (s *Service) indexed(a *Article) error {
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if s.idxVersions == nil || s.idxVersions[a.Number] >= a.Version {
		return nil // not loaded yet (the load reads it) or already newer
	}
	if a.Unpublished {
		return nil // the index answers readers; drafts are listed without words
	}
	if err := s.index.Put(docOf(a)); err != nil {
		return err
	}
	s.idxVersions[a.Number] = a.Version
	return nil
}

// loadIndex fills the index from the store once, and again whenever it
// was filled longer than idxRefresh ago (when set): then it takes in the
// articles other processes saved or published and drops those deleted.
func (s *Service) loadIndex(ctx context.Context) error {
	s.idxMu.Lock()
	loaded := s.idxVersions != nil
	stale := loaded && s.idxRefresh > 0 && s.now().Sub(s.idxRead) >= s.idxRefresh
	if loaded && !stale {
		s.idxMu.Unlock()
		return nil // every search comes here: nothing to copy
	}
	// An article indexed after this snapshot (saved here meanwhile) may be
	// missing from the read below; only those in the snapshot are dropped.
	before := make(map[string]bool, len(s.idxVersions))
	for n := range s.idxVersions {
		before[n] = true
	}
	s.idxMu.Unlock()
	read := s.now()
	all, err := s.all(ctx)
	if err != nil {
		return err
	}
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if s.idxVersions != nil && !stale {
		return nil
	}
	// The first load is kept only once it is whole.
	versions := s.idxVersions
	if versions == nil {
		versions = map[string]int64{}
	}
	for i := range all {
		delete(before, all[i].Number)
		if all[i].Unpublished || versions[all[i].Number] >= all[i].Version {
			continue
		}
		if err := s.index.Put(docOf(&all[i])); err != nil {
			return err
		}
		versions[all[i].Number] = all[i].Version
	}
	for n := range before {
		if err := s.index.Delete(n); err != nil {
			return err
		}
		delete(versions, n)
	}
	s.idxVersions, s.idxRead = versions, read
	return nil
}

// docOf is the index's document of a.
func docOf(a *Article) search.ArticleDoc {
	var titles, bodies []string
	for _, l := range Languages {
		if t, ok := a.Texts[l]; ok {
			titles, bodies = append(titles, t.Title), append(bodies, plainText(t.Body))
		}
	}
	return search.ArticleDoc{Number: a.Number, Visibility: string(a.Visibility), Team: a.Team, Category: a.Category, Tags: a.Tags,
		Title: strings.Join(titles, "\n"), Body: strings.Join(bodies, "\n")}
}

// findIndexed answers a query with words from the index, the scope part
// of the index's query; the articles are then read by number.
func (s *Service) findIndexed(ctx context.Context, scope Scope, q Query, limit int) (*Page, error) {
	if err := s.loadIndex(ctx); err != nil {
		return nil, fmt.Errorf("load article index: %w", err)
	}
	hits, total, err := s.index.Find(ctx, search.ArticleQuery{Text: q.Text, Category: q.Category, Tag: q.Tag,
		Scope: search.ArticleScope{Staff: scope.Staff, Teams: scope.Teams, All: scope.All}, Offset: max(q.Offset, 0), Limit: limit})
	if err != nil {
		return nil, err
	}
	numbers := make([]string, len(hits))
	for i, h := range hits {
		numbers[i] = h.Number
	}
	var got []Article
	if err := s.store.GetMany(ctx, ArticlesCollection, numbers, &got); err != nil {
		return nil, fmt.Errorf("read found articles: %w", err)
	}
	byNumber := map[string]*Article{}
	for i := range got {
		byNumber[got[i].Number] = &got[i]
	}
	p := &Page{Total: total, Snippets: map[string]template.HTML{}, SnippetLangs: map[string]string{}}
	for _, h := range hits {
		// The scope is in the index's query; checking again costs nothing.
		if a := byNumber[h.Number]; a != nil && scope.Sees(a) {
			p.Articles = append(p.Articles, *a)
			if s := h.Snippets["body"]; len(s) > 0 {
				p.Snippets[a.Number], p.SnippetLangs[a.Number] = snippetOf(a, s)
			}
		}
	}
	return p, nil
}
