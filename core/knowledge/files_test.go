package knowledge_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"vorgang/core/fault"
	"vorgang/core/knowledge"
)

func TestRenderImages(t *testing.T) {
	const base = "/portal/help/KB-1/files/"
	cases := []struct {
		name, body, want, not string
	}{
		{"own file", "![Plan](plan.png)", `<img src="/portal/help/KB-1/files/plan.png" alt="Plan">`, ""},
		{"own file under files/", "![Plan](files/plan.png)", `src="/portal/help/KB-1/files/plan.png"`, ""},
		{"another site", "![Logo](https://evil.example/x.png)", "Logo", "<img"},
		{"data URI", "![Pixel](data:image/png;base64,AAAA)", "Pixel", "<img"},
		{"a path", "![Up](../../etc/passwd)", "Up", "<img"},
		{"absolute path", "![Abs](/app/tickets/T-1/files/x)", "Abs", "<img"},
		{"raw HTML image", `<img src="https://evil.example/x.png">`, "", "<img"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			html, err := knowledge.RenderWithFiles(c.body, base)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(html), c.want) || (c.not != "" && strings.Contains(string(html), c.not)) {
				t.Errorf("render %q = %s", c.body, html)
			}
		})
	}
	if html, _ := knowledge.Render("![Plan](plan.png)"); strings.Contains(string(html), "<img") {
		t.Errorf("without a files address an image is kept: %s", html)
	}
}

func TestArticleFiles(t *testing.T) {
	ctx := context.Background()
	s := newService(t, nil)
	pub, _ := s.Create(ctx, writerIT, content("Öffentlich", knowledge.Public, ""), "de")
	team, _ := s.Create(ctx, writerIT, content("Nur IT", knowledge.TeamOnly, "it"), "de")
	png := []byte("\x89PNG\r\n\x1a\nrest")
	for _, a := range []string{pub.Number, team.Number} {
		if _, err := s.AddFile(ctx, writerIT, a, `C:\Bilder\Plan 1.png`, "image/png", bytes.NewReader(png), 1<<20, "de"); err != nil {
			t.Fatal(err)
		}
	}
	refused := []struct {
		name, file, typ, code string
		actor                 error
	}{
		{"reader", "x.png", "image/png", "forbidden", fault.Forbidden},
		{"svg", "x.svg", "image/svg+xml", knowledge.CodeFileType, nil},
		{"name", "..", "image/png", knowledge.CodeFileName, nil},
	}
	for _, c := range refused {
		actor := writerIT
		if c.actor != nil {
			actor = readerIT
		}
		_, err := s.AddFile(ctx, actor, pub.Number, c.file, c.typ, bytes.NewReader(png), 1<<20, "de")
		if err == nil || (c.code != "forbidden" && fault.FieldsOf(err)[0].Code != c.code) || (c.actor != nil && !errors.Is(err, c.actor)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	cases := []struct {
		name    string
		article string
		actor   bool // readerOrd reads (else the citizen)
		reads   bool
	}{
		{"citizen, public article", pub.Number, false, true},
		{"citizen, team article", team.Number, false, false},
		{"other team, team article", team.Number, true, false},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		actor := readerOrd
		if !c.actor {
			actor = nil
		}
		_, err := s.File(ctx, actor, c.article, "Plan-1.png", &buf)
		if (err == nil) != c.reads || (c.reads && !bytes.Equal(buf.Bytes(), png)) {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.reads && !errors.Is(err, fault.NotFound) {
			t.Errorf("%s: %v, want not found", c.name, err)
		}
	}
}
