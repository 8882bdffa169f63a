package definition_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"vorgang/core/definition"
)

// Uses of globals the sandbox does not offer are reported at load with
// their position: an error where the line always fails when it runs, a
// warning for a mere reference; locals and globals the script sets itself
// are its own.
func TestForbiddenGlobals(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "LINE:COL severity"
	}{
		{"os.execute", `os.execute("rm -rf /")`, []string{"1:1 error"}},
		{"io.open in an expression", `local f = io.open("/etc/passwd")`, []string{"1:11 error"}},
		{"load called", "local x = 1\n  return load('return 1')()", []string{"2:10 error"}},
		{"debug inside a function", "local function f()\n  return debug.traceback()\nend", []string{"2:10 error"}},
		{"string.dump called", `return string.dump(print)`, []string{"1:8 error"}},
		{"math.randomseed called", `math.randomseed(42)`, []string{"1:1 error"}},
		{"a reference only", `local f = load`, []string{"1:11 warning"}},
		{"string.dump referenced", `local d = string.dump`, []string{"1:11 warning"}},
		{"pcall of a forbidden function", `pcall(dofile, "x")`, []string{"1:7 warning"}},
		{"a local of that name", "local os = {time = function() return 1 end}\nreturn os.time()", nil},
		{"a parameter of that name", "local function f(io) return io.open() end", nil},
		{"a loop variable of that name", "for _, load in ipairs({}) do load() end", nil},
		{"a global the script sets", "debug = {x = 1}\nreturn debug.x", nil},
		{"a function the script defines", "function load() return 1 end\nreturn load()", nil},
		{"a field of another table", `return ticket.os, ticket.load(), t.io.open`, nil},
		{"the shadow ends with its block", "do local os = {} end\nos.exit()", []string{"2:1 error"}},
	}
	l := newLoader(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := compile(t, l, []definition.File{{Path: "scripts/x.lua", Data: []byte(tt.src)}})
			var got []string
			for _, d := range diags {
				if d.Code != "lua_forbidden" {
					t.Fatalf("unexpected diagnostic %s", d)
				}
				got = append(got, fmt.Sprintf("%d:%d %s", d.Line, d.Col, d.Severity))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("diagnostics %q, want %q\n%v", got, tt.want, diags)
			}
		})
	}
}

// Scripts read from a folder are compiled under their path below the
// definitions folder: what Lua writes into error messages does not tell
// where the folder lies on disk.
func TestScriptChunkIsRelative(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "scripts")
	if err := os.MkdirAll(filepath.Join(dir, "it"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "it", "route.lua"), []byte("return 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := definition.ReadFS(os.DirFS(dir), filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	cat, diags := compile(t, newLoader(t), files)
	if cat == nil {
		t.Fatal(diags)
	}
	s := cat.Script("route")
	if s.File != filepath.ToSlash(filepath.Join(dir, "it", "route.lua")) {
		t.Errorf("File %q", s.File)
	}
	if s.Chunk != "scripts/it/route.lua" || s.Proto.SourceName != s.Chunk {
		t.Errorf("Chunk %q, compiled as %q; want scripts/it/route.lua", s.Chunk, s.Proto.SourceName)
	}
}

// TestCompileLuaNamesUnclosedBlock wants the syntax error of a script test
// file to name the block left open and its line, as the loader does.
func TestCompileLuaNamesUnclosedBlock(t *testing.T) {
	src := "test(\"x\", function()\n  if true then\n    expect.ok(true)\nend)\n"
	_, err := definition.CompileLua("scripts/x_test.lua", []byte(src))
	want := "scripts/x_test.lua:4:4: Lua syntax error near ')': 'end' expected (to close 'function' at line 1)"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}
