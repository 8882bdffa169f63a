package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestPageTexts: every text a template or handler asks for exists in
// German and in English, so no page shows a bare key.
func TestPageTexts(t *testing.T) {
	for key, m := range pageTexts {
		if m[langDE] == "" || m[langEN] == "" {
			t.Errorf("text %q lacks a language: %v", key, m)
		}
	}
	used := map[string]bool{}
	tmplKey := regexp.MustCompile(`\.T "([a-z_]+)"`)
	goKey := regexp.MustCompile(`text\([a-zA-Z.()]+, "([a-z_]+)"\)`)
	scan := func(pattern *regexp.Regexp, files []string) {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range pattern.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
	}
	tmpls, _ := filepath.Glob("templates/*.html")
	gos, _ := filepath.Glob("*.go")
	scan(tmplKey, tmpls)
	scan(goKey, gos)
	// Keys built from values.
	for prefix, values := range map[string][]string{
		"prio_":     {"critical", "high", "medium", "low"},
		"category_": {"open", "resolved", "closed", "cancelled"},
		"notice_":   {"created", "done", "commented", "assigned", "changed"},
		"area_":     {"portal", "app", "admin"},
		"entry_":    {"approval_requested", "approved", "rejected"},
		"upload_":   {"too_large", "type", "unknown", "failed"},
	} {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(used))
	}
	for key := range used {
		if _, ok := pageTexts[key]; !ok {
			t.Errorf("text %q is used but not defined", key)
		}
	}
}

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
