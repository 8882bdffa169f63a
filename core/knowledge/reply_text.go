package knowledge

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// ReplyText is the article's body in lang (or the other language) as
// plain text for a reply to a citizen: what a reader sees, with the
// addresses the page would have behind its links and images kept in the
// text ("Formular (https://…)"), since a reply in a mail has no links
// under its words. articleURL is the article's public address
// ("https://host/portal/help/KB-1"): the article's own files are given
// under it, and relative links are resolved against it.
func (a *Article) ReplyText(lang, articleURL string) string {
	t, _ := a.Text(lang)
	return replyText(t.Body, articleURL)
}

// replyText turns a Markdown body into plain text: blocks apart by an
// empty line, list items with their marks, code as written, a link as
// its words and its address, an image as its alternative text and its
// address. Raw HTML is left out, as Render drops it.
func replyText(body, articleURL string) string {
	src := []byte(body)
	w := replyWriter{src: src}
	w.base, _ = url.Parse(articleURL)
	return strings.TrimSpace(w.children(gfm.Parse(text.NewReader(src)), "\n\n"))
}

type replyWriter struct {
	src  []byte
	base *url.URL
}

// children is the text of n's blocks, joined by sep.
func (w *replyWriter) children(n ast.Node, sep string) string {
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s := w.block(c); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, sep)
}

func (w *replyWriter) block(n ast.Node) string {
	switch t := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return strings.TrimSpace(w.inlines(n))
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		var b strings.Builder
		for i := 0; i < n.Lines().Len(); i++ {
			line := n.Lines().At(i)
			b.Write(line.Value(w.src))
		}
		return strings.TrimRight(b.String(), "\n")
	case *ast.List:
		var items []string
		number := t.Start
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			mark := "- "
			if t.IsOrdered() {
				mark = fmt.Sprintf("%d. ", number)
				number++
			}
			// The lines of an item below its first stand under its text.
			item := strings.ReplaceAll(w.children(c, "\n"), "\n", "\n"+strings.Repeat(" ", len(mark)))
			items = append(items, mark+item)
		}
		return strings.Join(items, "\n")
	case *ast.Blockquote:
		return "> " + strings.ReplaceAll(w.children(n, "\n\n"), "\n", "\n> ")
	case *east.Table:
		var rows []string
		for r := n.FirstChild(); r != nil; r = r.NextSibling() {
			var cells []string
			for c := r.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, strings.TrimSpace(w.inlines(c)))
			}
			rows = append(rows, strings.Join(cells, " | "))
		}
		return strings.Join(rows, "\n")
	case *ast.ThematicBreak, *ast.HTMLBlock:
		return ""
	}
	return w.children(n, "\n\n")
}

// inlines is the text of n's inline children.
func (w *replyWriter) inlines(n ast.Node) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(&b, c)
	}
	return b.String()
}

func (w *replyWriter) inline(b *strings.Builder, n ast.Node) {
	switch t := n.(type) {
	case *ast.Text:
		b.Write(t.Segment.Value(w.src))
		switch {
		case t.HardLineBreak():
			b.WriteByte('\n')
		case t.SoftLineBreak():
			b.WriteByte(' ')
		}
	case *ast.String:
		b.Write(t.Value)
	case *ast.AutoLink:
		// Its words are its address (the e-mail address of a mailto:).
		b.Write(t.Label(w.src))
	case *ast.Link:
		b.WriteString(withAddress(strings.TrimSpace(w.inlines(t)), w.address(string(t.Destination), false)))
	case *ast.Image:
		b.WriteString(withAddress(strings.TrimSpace(string(altText(t, w.src))), w.address(string(t.Destination), true)))
	case *east.TaskCheckBox:
		if t.IsChecked {
			b.WriteString("[x] ")
		} else {
			b.WriteString("[ ] ")
		}
	case *ast.RawHTML:
	default: // emphasis, code spans, strikethrough: their words
		b.WriteString(w.inlines(n))
	}
}

// withAddress is a link's words followed by its address, or the address
// alone when the words are it.
func withAddress(words, address string) string {
	switch {
	case address == "":
		return words
	case words == "" || words == address || "mailto:"+words == address || "tel:"+words == address:
		return address
	}
	return words + " (" + address + ")"
}

// address is where a link or image points, as a reader of the reply can
// open it: a file of the article under the article's address, a relative
// address resolved against it. Addresses that open nothing in a mail (a
// script, data) are left out.
func (w *replyWriter) address(dest string, image bool) string {
	if dest == "" {
		return ""
	}
	name, own := strings.CutPrefix(dest, "files/")
	if own || image {
		if fileName.MatchString(name) && !strings.Contains(name, "..") {
			if w.base == nil {
				return ""
			}
			return strings.TrimSuffix(w.base.String(), "/") + "/files/" + url.PathEscape(name)
		}
	}
	u, err := url.Parse(dest)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		if w.base == nil || image {
			return "" // an image from a path is refused when shown (Render)
		}
		u = w.base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto", "tel":
		return u.String()
	}
	return ""
}
