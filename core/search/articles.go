package search

import (
	"context"
	"fmt"
	"strings"

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

// Field names of an article document. Each text is indexed with the
// German analyzer as F and with the English one as F_en.
const (
	artVisibility = "visibility"
	artTeam       = "team"
	artCategory   = "category"
	artTags       = "tags"
	artTitle      = "title"
	artBody       = "body"
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

// Find returns the numbers of the articles q finds, best first, and how
// many there are in all. The scope is part of the query: an article the
// asker may not read is neither returned nor counted.
func (x *Articles) Find(ctx context.Context, q ArticleQuery) ([]string, int, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	req := bleve.NewSearchRequestOptions(buildArticleQuery(q), min(limit, MaxPage), max(q.Offset, 0), false)
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search: articles: %w", err)
	}
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
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
		for _, f := range []struct {
			name  string
			boost float64
		}{{artTitle, 6}, {artTitle + enSuffix, 6}, {artBody, 1}, {artBody + enSuffix, 1}} {
			m := query.NewMatchQuery(w)
			m.SetField(f.name)
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.SetBoost(f.boost)
			if strings.HasSuffix(f.name, enSuffix) {
				// The query is analysed by the field's path (title,
				// body), whose analyzer is the German one.
				m.Analyzer = analyzerEN
			}
			any = append(any, m)
		}
		for _, f := range []string{artTags, artCategory} {
			t := query.NewMatchQuery(w)
			t.SetField(f + "_text")
			t.SetBoost(3)
			any = append(any, t)
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
	m.DefaultAnalyzer = analyzerDE
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
	doc.AddFieldMappingsAt(artVisibility, kw())
	doc.AddFieldMappingsAt(artTeam, kw())
	// Category and tags filter by their exact value and match words.
	doc.AddFieldMappingsAt(artCategory, kw(), text(artCategory+"_text", analyzerDE))
	doc.AddFieldMappingsAt(artTags, kw(), text(artTags+"_text", analyzerDE))
	for _, name := range []string{artTitle, artBody} {
		doc.AddFieldMappingsAt(name, text(name, analyzerDE), text(name+enSuffix, analyzerEN))
	}
	m.DefaultMapping = doc
	m.DefaultField = artTitle
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}
