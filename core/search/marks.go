package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Snippets of both indexes, tickets and articles: passages of a hit's
// texts with the words found in <mark> and everything else escaped.
// bleve's "html" highlighter escapes the stored text and marks the
// locations of the terms that matched, so a stem ("Schlüssels" for
// "Schluessel") is marked where it stands in the text.
//
// Asked for in the query that finds a page (askSnippets), bleve reads the
// positions of the words in every match, not only in the page's. For the
// tickets, where a word matches thousands, a second query over the page's
// hits (snippets) costs less: 0.63 times the CPU at 100k tickets. For the
// articles, where a word matches a few dozen or hundred, the second query
// is the dearer way: 1.2 times the CPU in the median at 2,000 articles
// (docs/benchmarks.md).

// markStyle is bleve's highlighter that escapes and marks.
const markStyle = "html"

// askSnippets has req return the passages of fields where a word was found.
// The fields must be stored with their term vectors.
func askSnippets(req *bleve.SearchRequest, fields ...string) {
	req.Highlight = bleve.NewHighlightWithStyle(markStyle)
	for _, f := range fields {
		req.Highlight.AddField(f)
	}
}

// snippets returns, by document, the passages of fields where a word of q
// was found, for the documents ids (a page of hits): q again, narrowed to
// them, with highlighting.
func snippets(ctx context.Context, idx bleve.Index, q query.Query, ids []string, fields ...string) (map[string]map[string][]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	page := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), q})
	req := bleve.NewSearchRequestOptions(page, len(ids), 0, false)
	askSnippets(req, fields...)
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: snippets: %w", err)
	}
	out := make(map[string]map[string][]string, len(res.Hits))
	for _, h := range res.Hits {
		out[h.ID] = quoted(h)
	}
	return out, nil
}

// quoted is the passages of a highlighted hit by field, only those with a
// word found in them: bleve also hands back the start of a field where
// nothing was found (another field matched), which is no passage to show.
func quoted(h *search.DocumentMatch) map[string][]string {
	out := map[string][]string{}
	for field, frags := range h.Fragments {
		var marked []string
		for _, f := range frags {
			if strings.Contains(f, "<mark>") {
				marked = append(marked, f)
			}
		}
		if len(marked) > 0 {
			out[field] = marked
		}
	}
	return out
}
