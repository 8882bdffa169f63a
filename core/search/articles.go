package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Articles is the full-text index of the knowledge base's articles: an
// index in memory, filled from the store when the knowledge base starts
// and kept by its every save, so it holds nothing the store does not. It
// is separate from the tickets' index: articles are few and their rules
// of who may read what are others. It is safe for concurrent use.
type Articles struct {
	idx bleve.Index
}

// Field names of an article document. The texts are analysed as the
// tickets' are (analyzerText): each word by its German and its English
// stem at one position, so a word of either language is found, and the
// offsets point into the text as stored, so a snippet marks the whole
// word found, also after an umlaut.
const (
	artVisibility = "visibility"
	artTeam       = "team"
	artCategory   = "category"
	artTags       = "tags"
	artTitle      = "title"
	artBody       = "body"
	// textSuffix names the field of a category's or a tag's words, beside
	// the field of its exact value.
	textSuffix = "_text"
)

// ArticleDoc is what the index keeps of an article: the texts of both
// languages together (a query word matches in either) and what decides
// who reads it.
type ArticleDoc struct {
	Number     string
	Visibility string // "public", "internal" or "team"
	Team       string
	Category   string
	Tags       []string
	// Title and Body hold the texts of every language, one a line.
	Title, Body string
}

// ArticleScope says which articles the asker reads: the zero value reads
// the public ones (a citizen).
type ArticleScope struct {
	Staff bool
	Teams []string
	All   bool
}

// ArticleQuery is a search of articles.
type ArticleQuery struct {
	// Text: words and "phrases", all of which must occur.
	Text          string
	Category, Tag string
	Scope         ArticleScope
	Offset, Limit int
}

// NewArticles returns an empty index of articles.
func NewArticles() (*Articles, error) {
	m, err := articleMapping()
	if err != nil {
		return nil, fmt.Errorf("search: article mapping: %w", err)
	}
	idx, err := bleve.NewMemOnly(m)
	if err != nil {
		return nil, fmt.Errorf("search: article index: %w", err)
	}
	return &Articles{idx: idx}, nil
}

// Put indexes d, replacing what the index held of the article.
func (x *Articles) Put(d ArticleDoc) error {
	doc := map[string]any{artVisibility: d.Visibility, artTeam: d.Team, artCategory: d.Category, artTags: d.Tags,
		artTitle: d.Title, artBody: d.Body}
	if err := x.idx.Index(d.Number, doc); err != nil {
		return fmt.Errorf("search: index article %s: %w", d.Number, err)
	}
	return nil
}

// Delete removes the article from the index; one it does not hold is no
// error.
func (x *Articles) Delete(number string) error {
	if err := x.idx.Delete(number); err != nil {
		return fmt.Errorf("search: remove article %s: %w", number, err)
	}
	return nil
}

// ArticleHit is an article a query found.
type ArticleHit struct {
	Number string
	// Snippets are the passages of the title and of the body ("title",
	// "body") where a word was found, as HTML: the text escaped, the
	// words found in <mark>. A text where nothing was found has none; a
	// query without words has none.
	Snippets map[string][]string
}

// Find returns the articles q finds, best first, and how many there are
// in all. The scope is part of the query: an article the asker may not
// read is neither returned nor counted.
func (x *Articles) Find(ctx context.Context, q ArticleQuery) ([]ArticleHit, int, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	req := bleve.NewSearchRequestOptions(buildArticleQuery(q), min(limit, MaxPage), max(q.Offset, 0), false)
	if words, phrases := splitText(q.Text); len(words) > 0 || len(phrases) > 0 {
		// In the one query: a word matches few articles, so reading the
		// positions of the words of every match costs less than a second
		// query over the page (marks.go).
		askSnippets(req, artTitle, artBody)
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search: articles: %w", err)
	}
	out := make([]ArticleHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, ArticleHit{Number: h.ID, Snippets: quoted(h)})
	}
	return out, int(res.Total), nil
}

func buildArticleQuery(q ArticleQuery) query.Query {
	must := []query.Query{}
	if !q.Scope.All {
		must = append(must, articleScopeQuery(q.Scope))
	}
	words, phrases := splitText(q.Text)
	for _, w := range words {
		var any []query.Query
		// A word in the title weighs most, then in the tags or the
		// category, then in the body.
		for _, f := range []struct {
			name  string
			boost float64
		}{{artTitle, 6}, {artTags + textSuffix, 3}, {artCategory + textSuffix, 3}, {artBody, 1}} {
			m := wordQuery(w, f.name)
			if m == nil {
				continue
			}
			if b, ok := m.(query.BoostableQuery); ok {
				b.SetBoost(f.boost)
			}
			any = append(any, m)
		}
		if len(any) == 0 {
			continue // no word in it to find, as "-"
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	for _, p := range phrases {
		var any []query.Query
		for _, f := range []string{artTitle, artBody} {
			m := query.NewMatchPhraseQuery(p)
			m.SetField(f)
			any = append(any, m)
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	for _, f := range []struct{ field, value string }{{artCategory, q.Category}, {artTags, q.Tag}} {
		if f.value != "" {
			t := query.NewTermQuery(f.value)
			t.SetField(f.field)
			must = append(must, t)
		}
	}
	switch len(must) {
	case 0:
		return query.NewMatchAllQuery()
	case 1:
		return must[0]
	}
	return query.NewConjunctionQuery(must)
}

// articleScopeQuery matches the articles a scope without All reads.
func articleScopeQuery(s ArticleScope) query.Query {
	term := func(field, value string) query.Query {
		t := query.NewTermQuery(value)
		t.SetField(field)
		return t
	}
	any := []query.Query{term(artVisibility, "public")}
	if s.Staff {
		any = append(any, term(artVisibility, "internal"))
		for _, team := range s.Teams {
			any = append(any, query.NewConjunctionQuery([]query.Query{term(artVisibility, "team"), term(artTeam, team)}))
		}
	}
	d := query.NewDisjunctionQuery(any)
	// Permission decides what is found, not how well it ranks.
	d.SetBoost(0)
	return d
}

func articleMapping() (mapping.IndexMapping, error) {
	m := bleve.NewIndexMapping()
	if err := addAnalyzers(m); err != nil {
		return nil, err
	}
	m.DefaultAnalyzer = analyzerText
	doc := bleve.NewDocumentStaticMapping()
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer, f.Store, f.IncludeInAll, f.DocValues = keyword.Name, false, false, false
		return f
	}
	text := func(name, analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name, f.Analyzer, f.Store, f.IncludeInAll, f.DocValues = name, analyzer, false, false, false
		return f
	}
	// The title and the body are stored, for the snippets (marks.go).
	quoted := func(name string) *mapping.FieldMapping {
		f := text(name, analyzerText)
		f.Store = true
		return f
	}
	doc.AddFieldMappingsAt(artVisibility, kw())
	doc.AddFieldMappingsAt(artTeam, kw())
	// Category and tags filter by their exact value and match words.
	doc.AddFieldMappingsAt(artCategory, kw(), text(artCategory+textSuffix, analyzerText))
	doc.AddFieldMappingsAt(artTags, kw(), text(artTags+textSuffix, analyzerText))
	doc.AddFieldMappingsAt(artTitle, quoted(artTitle))
	doc.AddFieldMappingsAt(artBody, quoted(artBody))
	m.DefaultMapping = doc
	m.DefaultField = artTitle
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}
