package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"vorgang"
	"vorgang/core/definition"
	"vorgang/core/script"
)

// testSuite is one file of tests `vorgang test` runs against the
// definitions. Kinds of suites are found by the finders in suiteKinds.
type testSuite interface {
	// Path names the file in the output.
	Path() string
	// Run runs the suite's cases against cat.
	Run(ctx context.Context, cat *definition.Catalog) ([]caseResult, error)
}

// caseResult is the outcome of one case; Failure is empty when it passed.
type caseResult struct {
	Name     string
	Failure  string
	Duration time.Duration
}

// suiteKind finds the suites of one kind among the files of the
// definition folders.
type suiteKind func(files []definition.File, env *testEnv) []testSuite

// suiteKinds are the kinds of tests vorgang test knows: script tests
// (*_test.lua next to the scripts) and scenario tests (*_test.yaml next to
// the desks).
var suiteKinds = []suiteKind{luaSuites, scenarioSuites}

// testEnv is what suites share: the script runtime and the log.
type testEnv struct {
	scripts *script.Runtime
	log     *slog.Logger
	loader  *definition.Loader
}

// test runs the test files found in the definition folders. Exit codes: 0
// all passed, 1 a case failed or the definitions are invalid, 2 usage or
// read error.
func test(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("test", flag.ContinueOnError)
	fl.SetOutput(stderr)
	verbose := fl.Bool("v", false, "list every case, and show the scripts' log lines")
	only := fl.String("run", "", "run only the test files whose path matches this regular expression (e.g. fleet)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: vorgang test [-v] [-run REGEXP] [DIR...]\n\nRuns the script tests (*_test.lua) and scenario tests (*_test.yaml) below the definition folders (default: ./processes ./forms ./scripts) against the definitions.")
		fl.PrintDefaults()
	}
	if code, ok := parseFlags(fl, args); !ok {
		return code
	}
	match, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang test: -run: %v\n", err)
		return 2
	}
	src, err := resolveSource(".", fl.Args())
	if err != nil {
		fmt.Fprintf(stderr, "vorgang test: %v\n", err)
		return 2
	}
	loader, err := newLoader()
	if err != nil {
		fmt.Fprintf(stderr, "vorgang test: %v\n", err)
		return 2
	}
	res, err := src.load(loader)
	if err != nil {
		fmt.Fprintf(stderr, "vorgang test: %v\n", err)
		return 2
	}
	if res.catalog == nil {
		for _, d := range res.diags.Errors() {
			fmt.Fprintln(stdout, d.String())
		}
		fmt.Fprintf(stdout, "FAIL: the definitions have %d errors\n", len(res.diags.Errors()))
		return 1
	}
	files, err := src.testFiles()
	if err != nil {
		fmt.Fprintf(stderr, "vorgang test: %v\n", err)
		return 2
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))
	rt := script.New(script.Config{PoolSize: 4, Logger: log})
	defer rt.Close()
	env := &testEnv{scripts: rt, log: log, loader: loader}
	var suites []testSuite
	for _, kind := range suiteKinds {
		for _, s := range kind(files, env) {
			if match.MatchString(s.Path()) {
				suites = append(suites, s)
			}
		}
	}
	if len(suites) == 0 {
		fmt.Fprintf(stdout, "no tests in %s\n", src)
		return 0
	}
	failed, cases := 0, 0
	for _, s := range suites {
		start := time.Now()
		results, err := s.Run(ctx, res.catalog)
		if err != nil {
			fmt.Fprintf(stdout, "FAIL %s: %v\n", s.Path(), err)
			failed++
			continue
		}
		bad := 0
		for _, r := range results {
			cases++
			switch {
			case r.Failure != "":
				bad++
				fmt.Fprintf(stdout, "--- FAIL: %s: %s\n    %s\n", s.Path(), r.Name, r.Failure)
			case *verbose:
				fmt.Fprintf(stdout, "--- ok: %s: %s (%s)\n", s.Path(), r.Name, r.Duration.Round(time.Microsecond))
			}
		}
		failed += bad
		status := "ok  "
		if bad > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(stdout, "%s %s\t%d %s (%s)\n", status, s.Path(), len(results), plural(len(results), "case", "cases"), time.Since(start).Round(time.Millisecond))
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "FAIL: %d of %d cases failed\n", failed, cases)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %d %s passed\n", cases, plural(cases, "case", "cases"))
	return 0
}

// testFiles reads the test files below the source's folders (or of the
// built-in desks): everything the definition loader leaves out as tests.
func (s definitionSource) testFiles() ([]definition.File, error) {
	type root struct {
		fsys   fs.FS
		prefix string
	}
	var roots []root
	if s.embedded {
		for _, d := range vorgang.DeskFolders {
			sub, err := fs.Sub(vorgang.Desks(), d)
			if err != nil {
				return nil, err
			}
			roots = append(roots, root{sub, d})
		}
	} else {
		for _, d := range s.dirs {
			roots = append(roots, root{os.DirFS(d), filepath.ToSlash(filepath.Clean(d))})
		}
	}
	var files []definition.File
	for _, r := range roots {
		err := fs.WalkDir(r.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !definition.IsTestFile(d.Name()) {
				return nil
			}
			data, err := fs.ReadFile(r.fsys, p)
			if err != nil {
				return err
			}
			files = append(files, definition.File{Path: path.Join(r.prefix, p), Rel: path.Join(path.Base(r.prefix), p), Data: data})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read tests in %s: %w", r.prefix, err)
		}
	}
	return files, nil
}

// luaSuite is a *_test.lua file.
type luaSuite struct {
	file definition.File
	env  *testEnv
}

func luaSuites(files []definition.File, env *testEnv) []testSuite {
	var out []testSuite
	for _, f := range files {
		if strings.HasSuffix(f.Path, "_test.lua") {
			out = append(out, luaSuite{file: f, env: env})
		}
	}
	return out
}

func (s luaSuite) Path() string { return s.file.Path }

func (s luaSuite) Run(ctx context.Context, cat *definition.Catalog) ([]caseResult, error) {
	results, err := s.env.scripts.RunTests(ctx, cat, s.file)
	if err != nil {
		return nil, err
	}
	out := make([]caseResult, len(results))
	for i, r := range results {
		out[i] = caseResult{Name: r.Name, Failure: r.Failure, Duration: r.Duration}
	}
	return out, nil
}
