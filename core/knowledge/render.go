package knowledge

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown turns GitHub-flavoured Markdown into HTML. Raw HTML in the
// source is dropped by goldmark (it renders without html.WithUnsafe), and
// bluemonday's policy for user content removes what would still be
// dangerous (javascript: links, event attributes). Images come only from
// the article's own files (imageSources).
var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(imageSources{}, 100))))
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return p
}

// filesBaseKey holds, in a render's parser context, the address the
// article's files are served under.
var filesBaseKey = parser.NewContextKey()

// Render returns the HTML of a Markdown body, safe to put into a page,
// without images.
func Render(body string) (template.HTML, error) { return RenderWithFiles(body, "") }

// RenderWithFiles returns the HTML of a Markdown body whose images refer
// to the article's files by name (![Plan](plan.png), or files/plan.png):
// each such reference points at filesBase + name, the address the page
// serves the article's files under ("/portal/help/KB-1/files/"). Every
// other image source — another site, a data: URI, a path — is refused:
// the image is replaced by its alternative text, so an article never
// makes a reader's browser fetch from elsewhere. filesBase "" refuses
// every image.
func RenderWithFiles(body, filesBase string) (template.HTML, error) {
	var buf bytes.Buffer
	pc := parser.NewContext()
	pc.Set(filesBaseKey, filesBase)
	if err := markdown.Convert([]byte(body), &buf, parser.WithContext(pc)); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil //nolint:gosec // sanitised just now
}

// imageSources rewrites the images of a document to the article's files
// and drops the others.
type imageSources struct{}

func (imageSources) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	base, _ := pc.Get(filesBaseKey).(string)
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			images = append(images, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		name := strings.TrimPrefix(string(img.Destination), "files/")
		if base != "" && fileName.MatchString(name) && !strings.Contains(name, "..") {
			img.Destination = []byte(base + name)
			continue
		}
		// Refused: the alternative text stays, as plain text.
		alt := ast.NewString(altText(img, reader.Source()))
		img.Parent().ReplaceChild(img.Parent(), img, alt)
	}
}

// altText is the text inside an image's brackets.
func altText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			b.Write(t.Segment.Value(src))
		} else {
			b.Write(altText(c, src))
		}
	}
	return b.Bytes()
}

// gfm parses Markdown as markdown does, but keeps every image as written.
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// fileRefs are the names of the article's files a body shows or links
// (![Plan](plan.png), [Formular](files/formular.pdf)).
func fileRefs(body string) []string {
	src := []byte(body)
	var out []string
	_ = ast.Walk(gfm.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		var dest []byte
		switch t := n.(type) {
		case *ast.Image:
			dest = t.Destination
		case *ast.Link:
			dest = t.Destination
		}
		if name := strings.TrimPrefix(string(dest), "files/"); entering && fileName.MatchString(name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
		return ast.WalkContinue, nil
	})
	return out
}

// plainText is the text a reader sees of a Markdown body, a block a
// line: what the full-text index searches and quotes in snippets, so a
// snippet never shows markup (`**`, a link's address) and a word only
// the markup holds is not found. Raw HTML is left out, as Render drops
// it; an image counts by its alternative text.
func plainText(body string) string {
	src := []byte(body)
	doc := markdown.Parser().Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				line := n.Lines().At(i)
				b.Write(line.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
