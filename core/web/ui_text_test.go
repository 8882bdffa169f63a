package web

import (
	"io/fs"
	"testing"
)

// TestTemplatesParse: every page template parses with the layout.
func TestTemplatesParse(t *testing.T) {
	pages, err := pageTemplates()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if len(pages) < 14 || len(pages) >= n {
		t.Fatalf("%d pages of %d template files", len(pages), n)
	}
}
