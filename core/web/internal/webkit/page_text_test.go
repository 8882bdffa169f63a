package webkit

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPageTexts: every text a template or handler asks for exists in
// German and in English, so no page shows a bare key.
func TestPageTexts(t *testing.T) {
	for key, m := range pageTexts {
		if m[LangDE] == "" || m[LangEN] == "" {
			t.Errorf("text %q lacks a language: %v", key, m)
		}
	}
	for key, m := range knowledgeTexts {
		if m[LangDE] == "" || m[LangEN] == "" {
			t.Errorf("text %q lacks a language: %v", key, m)
		}
		if _, twice := pageTexts[key]; twice {
			t.Errorf("text %q is defined twice", key)
		}
	}
	used := map[string]bool{}
	tmplKey := regexp.MustCompile(`\.T "([a-z_]+)"`)
	goKey := regexp.MustCompile(`\b[tT]ext\([a-zA-Z.()]+, "([a-z_]+)"\)`)
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
	// The pages and their templates are all of core/web, two levels up.
	tmpls, _ := filepath.Glob("../../templates/*.html")
	var gos []string
	_ = filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			gos = append(gos, p)
		}
		return err
	})
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
		if _, ok := pageTexts[key]; !ok && knowledgeTexts[key] == nil {
			t.Errorf("text %q is used but not defined", key)
		}
	}
}
