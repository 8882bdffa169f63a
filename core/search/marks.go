package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
)

// Snippets of both indexes, tickets and articles: passages of a hit's
// texts with the words found in <mark> and everything else escaped.
// bleve's "html" highlighter escapes the stored text and marks the
// locations of the terms that matched, so a stem ("Schlüssels" for
// "Schluessel") is marked where it stands in the text.

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

// marked keeps the passages with a word found in them: bleve also hands
// back the start of a field where nothing was found (another field
// matched), which is no passage to show.
func marked(frags []string) []string {
	var out []string
	for _, f := range frags {
		if strings.Contains(f, "<mark>") {
			out = append(out, f)
		}
	}
	return out
}
