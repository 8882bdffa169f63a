package scenario_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// languageWords are the words of the definition language itself, which a
// desk may use as ids too: the keys and enumerated values of the JSON
// Schemas (a field called "phone" is also the field type phone), and the
// fields the engine takes a ticket's title from, and "total", the count
// of a page of the API's answers (the procurement form has a field total).
func languageWords(t *testing.T) map[string]bool {
	t.Helper()
	words := map[string]bool{"summary": true, "title": true, "subject": true, "total": true}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				words[k] = true
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		case string:
			words[x] = true
		}
	}
	schemas, err := filepath.Glob("../../schemas/*.schema.json")
	if err != nil || len(schemas) == 0 {
		t.Fatalf("no schemas: %v", err)
	}
	for _, p := range schemas {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		walk(doc)
	}
	return words
}

// TestGoNamesNoShippedDesk keeps the desks in YAML and Lua: no Go source
// outside tests may name a process, form, field, team, role, notification,
// SLA or calendar of a shipped desk, nor a desk folder.
func TestGoNamesNoShippedDesk(t *testing.T) {
	cat := compile(t, shippedFiles(t))
	language := languageWords(t)
	ids := map[string]string{} // id → what it is
	for _, p := range cat.Processes() {
		// State and transition ids (new, closed, cancel) are words of
		// every workflow, not of one desk: they are not checked.
		ids[p.ID.Value] = "process"
	}
	for _, f := range cat.Forms() {
		ids[f.ID.Value] = "form"
		for _, fl := range f.AllFields() {
			if !language[fl.ID.Value] {
				ids[fl.ID.Value] = "field of form " + f.ID.Value
			}
		}
	}
	for _, x := range cat.Teams() {
		ids[x.ID.Value] = "team"
	}
	for _, x := range cat.Roles() {
		ids[x.ID.Value] = "role"
	}
	for _, x := range cat.Notifications() {
		ids[x.ID.Value] = "notification"
	}
	for _, x := range cat.SLAs() {
		ids[x.ID.Value] = "SLA"
	}
	for _, x := range cat.Calendars() {
		ids[x.ID.Value] = "calendar"
	}
	for _, x := range cat.Scripts() {
		ids[x.Name] = "script"
	}
	desks, err := os.ReadDir("../../processes")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range desks {
		if d.IsDir() && d.Name() != "assets" && !language[d.Name()] {
			ids[d.Name()] = "desk folder"
		}
	}
	if len(ids) < 100 {
		t.Fatalf("only %d ids found in the shipped desks; is the catalog complete?", len(ids))
	}

	var hits []string
	root := "../.."
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() && d.Name() == "webtest" {
			// Test support of the web packages: what their tests start
			// from (the shipped desks' users and tickets), never built
			// into the binary.
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if what, ok := ids[s]; ok {
				hits = append(hits, fset.Position(lit.Pos()).String()+": "+strconv.Quote(s)+" is a "+what)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(hits)
	for _, h := range hits {
		t.Error(h)
	}
}
