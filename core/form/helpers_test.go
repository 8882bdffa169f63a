package form_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/form"
)

// The real loader compiles every fixture, so a fixture is always a valid
// definition; the shipped desks come along so references resolve.
const schemaDir = "../../schemas"

var deskDirs = []string{"../../processes", "../../forms", "../../scripts"}

var sharedLoader = sync.OnceValues(func() (*definition.Loader, error) {
	return definition.NewLoader(os.DirFS(schemaDir))
})

var deskFiles = sync.OnceValues(func() ([]definition.File, error) {
	var files []definition.File
	for _, dir := range append(deskDirs, "testdata/forms") {
		fs, err := definition.ReadFS(os.DirFS(dir), filepath.Base(dir))
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	return files, nil
})

// sharedCatalog is the catalog without extra files, compiled once.
var sharedCatalog struct {
	once sync.Once
	cat  *definition.Catalog
}

// catalog compiles the shipped desks, the fixtures and extra files.
func catalog(tb testing.TB, extra ...definition.File) *definition.Catalog {
	tb.Helper()
	if len(extra) == 0 {
		sharedCatalog.once.Do(func() { sharedCatalog.cat = compileCatalog(tb) })
		if sharedCatalog.cat == nil {
			tb.Fatal("definitions do not compile")
		}
		return sharedCatalog.cat
	}
	return compileCatalog(tb, extra...)
}

func compileCatalog(tb testing.TB, extra ...definition.File) *definition.Catalog {
	tb.Helper()
	l, err := sharedLoader()
	if err != nil {
		tb.Fatalf("NewLoader: %v", err)
	}
	files, err := deskFiles()
	if err != nil {
		tb.Fatal(err)
	}
	cat, diags := l.Compile(append(append([]definition.File(nil), files...), extra...))
	if cat == nil {
		tb.Fatalf("definitions do not compile:\n%v", diags)
	}
	return cat
}

// fixedNow is "today" in every test: Monday, 4 May 2026, 10:00 in Berlin.
var fixedNow = time.Date(2026, 5, 4, 10, 0, 0, 0, berlin())

func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CEST", 2*60*60)
	}
	return loc
}

func testConfig() form.Config {
	return form.Config{Now: func() time.Time { return fixedNow }, Location: berlin()}
}

// compileForm compiles the form with the id from the catalog.
func compileForm(tb testing.TB, id string, cfg form.Config) *form.Compiled {
	tb.Helper()
	def := catalog(tb).Form(id)
	if def == nil {
		tb.Fatalf("no form %s", id)
	}
	c, err := form.Compile(def, cfg)
	if err != nil {
		tb.Fatalf("Compile(%s): %v", id, err)
	}
	return c
}

// fieldsForm compiles a form whose fields are given as YAML (indented by
// two spaces, as list items under `fields:`).
func fieldsForm(tb testing.TB, fieldsYAML string) *form.Compiled {
	tb.Helper()
	doc := "apiVersion: vorgang/v1\nkind: Form\nid: test-inline\ntitle: Test\nfields:\n" + fieldsYAML
	cat := catalog(tb, definition.File{Path: "inline/test-inline.yaml", Data: []byte(doc)})
	c, err := form.Compile(cat.Form("test-inline"), testConfig())
	if err != nil {
		tb.Fatalf("Compile: %v", err)
	}
	return c
}

// codes renders errors as "field:code" for comparison.
func codes(errs []form.FieldError) string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Field + ":" + e.Code
	}
	return strings.Join(out, " ")
}

func dump(v any) string { return fmt.Sprintf("%#v", v) }
