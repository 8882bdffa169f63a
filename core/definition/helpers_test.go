package definition_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"vorgang/core/definition"
)

// schemaDir is where the JSON Schemas live, relative to this package.
const schemaDir = "../../schemas"

// deskDirs are the shipped desks, relative to this package.
var deskDirs = []string{"../../processes", "../../forms", "../../scripts"}

// sharedLoader compiles the schemas once for all tests; a Loader is safe for
// concurrent use, and compiling the schemas dominates a small test.
var sharedLoader = sync.OnceValues(func() (*definition.Loader, error) {
	return definition.NewLoader(os.DirFS(schemaDir))
})

func newLoader(tb testing.TB) *definition.Loader {
	tb.Helper()
	l, err := sharedLoader()
	if err != nil {
		tb.Fatalf("NewLoader: %v", err)
	}
	return l
}

// compile runs Compile and turns a panic into a test failure with its stack,
// so one crashing case does not take the other cases down with it.
func compile(tb testing.TB, l *definition.Loader, files []definition.File) (cat *definition.Catalog, diags definition.Diagnostics) {
	tb.Helper()
	defer func() {
		if r := recover(); r != nil {
			tb.Fatalf("Compile panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return l.Compile(files)
}

// readCase returns the files of one corpus case: a single YAML file, or every
// file of a case folder. Paths are relative to the case, so diagnostics read
// "process.yaml:3:5" whatever folder the corpus is in.
func readCase(tb testing.TB, path string) []definition.File {
	tb.Helper()
	st, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if !st.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		return []definition.File{{Path: filepath.Base(path), Data: data}}
	}
	files, err := definition.ReadFS(os.DirFS(path), "")
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) == 0 {
		tb.Fatalf("case folder %s holds no definition files", path)
	}
	return files
}

// readDesks returns the shipped desk files the way `vorgang validate` reads
// them.
func readDesks(tb testing.TB) []definition.File {
	tb.Helper()
	var files []definition.File
	for _, dir := range deskDirs {
		fs, err := definition.ReadFS(os.DirFS(dir), filepath.Base(dir))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) == 0 {
		tb.Fatal("no shipped desk files found")
	}
	return files
}

// corpusCases lists the cases of a corpus folder: every *.yaml file and every
// sub-folder, by name without extension.
func corpusCases(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	cases := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			cases[name] = filepath.Join(dir, name)
		case strings.HasSuffix(name, ".yaml"):
			cases[strings.TrimSuffix(name, ".yaml")] = filepath.Join(dir, name)
		}
	}
	return cases
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// want is one expected diagnostic, written in a case file as
//
//	# want: LINE:COL CODE "message fragment"     (YAML)
//	-- want: LINE:COL CODE "message fragment"    (Lua)
//
// LINE and COL refer to the file holding the comment.
type want struct {
	file     string
	line     int
	col      int
	code     string
	fragment string
	at       string // where the want itself is written, for failure messages
}

func (w want) String() string {
	return fmt.Sprintf("%s:%d:%d: %q [%s]", w.file, w.line, w.col, w.fragment, w.code)
}

func (w want) matches(d definition.Diagnostic) bool {
	return d.File == w.file && d.Line == w.line && d.Col == w.col &&
		d.Code == w.code && strings.Contains(d.Message, w.fragment)
}

var (
	yamlWant = regexp.MustCompile(`^\s*#\s*want:\s*(\d+):(\d+)\s+([a-z_]+)\s+("(?:[^"\\]|\\.)*")\s*$`)
	luaWant  = regexp.MustCompile(`^\s*--\s*want:\s*(\d+):(\d+)\s+([a-z_]+)\s+("(?:[^"\\]|\\.)*")\s*$`)
	anyWant  = regexp.MustCompile(`(#|--)\s*want:`)
	bugNote  = regexp.MustCompile(`^\s*(?:#|--)\s*bug:\s*(.*)$`)
)

// parseWants collects the expectations and "bug:" notes written in files. A
// line that mentions "want:" but does not parse fails the test, so a typo
// cannot silently drop an expectation.
func parseWants(tb testing.TB, files []definition.File) (wants []want, bugs []string) {
	tb.Helper()
	for _, f := range files {
		re := yamlWant
		if strings.HasSuffix(f.Path, ".lua") {
			re = luaWant
		}
		for i, line := range strings.Split(string(f.Data), "\n") {
			if m := bugNote.FindStringSubmatch(line); m != nil {
				bugs = append(bugs, m[1])
			}
			m := re.FindStringSubmatch(line)
			if m == nil {
				if anyWant.MatchString(line) {
					tb.Fatalf("%s:%d: malformed want comment: %s", f.Path, i+1, line)
				}
				continue
			}
			fragment, err := strconv.Unquote(m[4])
			if err != nil {
				tb.Fatalf("%s:%d: bad fragment %s: %v", f.Path, i+1, m[4], err)
			}
			l, _ := strconv.Atoi(m[1])
			c, _ := strconv.Atoi(m[2])
			wants = append(wants, want{file: f.Path, line: l, col: c, code: m[3], fragment: fragment,
				at: fmt.Sprintf("%s:%d", f.Path, i+1)})
		}
	}
	return wants, bugs
}

// formatDiags prints diagnostics one per line, as want comments would name
// them, to make a failing case easy to read.
func formatDiags(ds definition.Diagnostics) string {
	if len(ds) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s: %d:%d %s %q (%s)\n", d.File, d.Line, d.Col, d.Code, d.Message, d.Severity)
	}
	return strings.TrimRight(b.String(), "\n")
}

// yamlFiles returns the YAML files below dir, for tests that read
// definitions document by document.
func yamlFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) && !definition.IsTestFile(p) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
