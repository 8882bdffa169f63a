package knowledge

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown turns GitHub-flavoured Markdown into HTML. Raw HTML in the
// source is dropped by goldmark (it renders without html.WithUnsafe), and
// bluemonday's policy for user content removes what would still be
// dangerous (javascript: links, event attributes).
var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))
	policy   = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}

// Render returns the HTML of a Markdown body, safe to put into a page.
func Render(body string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(body), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil //nolint:gosec // sanitised just now
}
