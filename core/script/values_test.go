package script_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
	"vorgang/core/script"
)

// Numbers JSON can write but a ticket cannot hold (1e999) are refused
// alike in a hook on the server and in vorgang test.
func TestNonFiniteNumbersAreRefused(t *testing.T) {
	cat := catalogWith(t, map[string]string{
		"decode": `local v, err = json.decode(event.text) return v == nil and type(err) == "string"`,
	})
	rt := newRuntime(t, script.Config{})
	for _, text := range []string{`1e999`, `-1e999`, `[1, 1e999]`, `{"a": {"b": 1e400}}`} {
		t.Run(text, func(t *testing.T) {
			res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "decode", Hook: script.HookOnCreate,
				Ticket: sampleTicket(), Event: map[string]any{"text": text}})
			if err != nil || res.Value != true {
				t.Fatalf("json.decode(%s) was not refused: %v, %v", text, res, err)
			}
		})
	}
	t.Run("vorgang test", func(t *testing.T) {
		file := definition.File{Path: "scripts/test/decode_test.lua", Data: []byte(`
test("json.decode refuses 1e999", function()
  local v, err = json.decode("[1e999]")
  expect.eq(v, nil)
  expect.ok(err)
  expect.ok(run("decode", {event = {text = "1e999"}}).value)
end)
test("run refuses data a ticket cannot hold", function()
  expect.eq(pcall(run, "decode", {ticket = {data = {n = 1/0}}}), false)
  expect.eq(pcall(run, "decode", {event = {text = print}}), false)
end)
`)}
		results, err := rt.RunTests(t.Context(), cat, file)
		if err != nil {
			t.Fatal(err)
		}
		if len(results) != 2 {
			t.Fatalf("%d results", len(results))
		}
		for _, r := range results {
			if r.Failure != "" {
				t.Errorf("%s: %s", r.Name, r.Failure)
			}
		}
	})
}

// A script's error names its files by their path below the definitions
// folder, not by where the folder lies on disk.
func TestErrorsNameRelativePaths(t *testing.T) {
	root := filepath.Join(t.TempDir(), "desk")
	dir := filepath.Join(root, "scripts")
	write := func(name, src string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lib/helper.lua", "local M = {}\nfunction M.boom() error('kaputt') end\nreturn M")
	write("it/wrap.lua", "local h = require('helper')\nlocal ok, err = pcall(h.boom)\nerror('wrapped: ' .. err)")
	files, err := definition.ReadFS(os.DirFS(dir), filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	cat := testkit.Compile(t, files)
	rt := newRuntime(t, script.Config{})
	_, err = rt.Run(t.Context(), script.Call{Catalog: cat, Script: "wrap", Hook: script.HookOnCreate, Ticket: sampleTicket()})
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), root) || !strings.Contains(err.Error(), "scripts/lib/helper.lua:2:") {
		t.Fatalf("error %q: want the helper named scripts/lib/helper.lua, without %s", err, root)
	}
}
