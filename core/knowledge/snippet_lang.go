package knowledge

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// The index holds an article's texts of both languages in one field, so a
// snippet does not say which language it quotes. A page must mark a
// passage in the other language with its lang (WCAG 3.1.2), so the
// passage is looked up in the text a reader sees of each language.

// tags are the marks (and any other tag) of a passage.
var tags = regexp.MustCompile(`<[^>]*>`)

// passageLang is the language whose body (bodies: each language's body as
// plain text) holds the passage (escaped, with marks), "" when both or
// neither do.
func passageLang(bodies map[string]string, passage string) string {
	plain := html.UnescapeString(tags.ReplaceAllString(passage, ""))
	// A passage may run over the end of one text into the next: its
	// longest line is in one of them.
	var longest string
	for line := range strings.SplitSeq(plain, "\n") {
		if line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), "…")); len(line) > len(longest) {
			longest = line
		}
	}
	if longest == "" {
		return ""
	}
	found := ""
	for lang, body := range bodies {
		if body != "" && strings.Contains(body, longest) {
			if found != "" {
				return ""
			}
			found = lang
		}
	}
	return found
}

// snippetOf joins the passages of a's body into its snippet and returns
// the language they quote when they all quote one (else ""); passages of
// different languages are each wrapped in a span with its lang.
func snippetOf(a *Article, passages []string) (template.HTML, string) {
	// Each body rendered once for all passages: a page of hits renders
	// the Markdown of each hit's languages only once.
	bodies := make(map[string]string, len(a.Texts))
	for lang, t := range a.Texts {
		if t.Body != "" {
			bodies[lang] = plainText(t.Body)
		}
	}
	langs := make([]string, len(passages))
	one := true
	for i, p := range passages {
		langs[i] = passageLang(bodies, p)
		one = one && langs[i] == langs[0]
	}
	if one {
		return template.HTML(strings.Join(passages, " … ")), langs[0] //nolint:gosec // escaped by the index, see search.ArticleHit
	}
	parts := make([]string, len(passages))
	for i, p := range passages {
		parts[i] = p
		if langs[i] != "" {
			parts[i] = `<span lang="` + langs[i] + `">` + p + `</span>`
		}
	}
	return template.HTML(strings.Join(parts, " … ")), "" //nolint:gosec // escaped by the index; a language is a key of Texts, checked on save
}
