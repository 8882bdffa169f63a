package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"

	"vorgang/core/web/internal/pagekit"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// pageTemplates parses every page template together with the layout; each
// page file defines "content" (and may define "head").
func pageTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(templateFuncs).Funcs(pagekit.TemplateFuncs()).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", base, err)
		}
		out[base] = t
	}
	return out, nil
}

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"eq1": func(a, b string) bool { return a == b },
	// shortHash is the first 12 characters of a catalog hash, as the log
	// and /healthz show it.
	"shortHash": func(h string) string { return h[:min(len(h), 12)] },
	// kbFieldArgs hands a field of the article editor and the page to
	// the "kb-field" template.
	"kbFieldArgs": func(v, f any) map[string]any { return map[string]any{"V": v, "F": f} },
	// kbSuggestArgs hands the articles beside a portal form and the page
	// to the "kb-suggest" template.
	"kbSuggestArgs": func(v *pagekit.View, s *pagekit.ArticleSuggestions) map[string]any {
		return map[string]any{"V": v, "Q": s.Q, "Articles": s.Articles, "Offer": s.Offer, "FormID": s.FormID}
	},
}
