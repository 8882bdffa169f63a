package script_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/internal/testkit"
	"vorgang/core/script"
)

const fuzzDesk = `apiVersion: vorgang/v1
kind: Team
id: it-2nd-level
title: Second level
---
apiVersion: vorgang/v1
kind: Calendar
id: sachsen-office
title: Office
timezone: Europe/Berlin
working_hours: {monday: ["08:00-16:00"], friday: ["08:00-12:00"]}
closed_days: ["2026-12-24"]
`

// FuzzSandbox runs random scripts on random ticket data: no input may
// panic, escape the limits, or leave the pool unable to run the next
// script; goroutines must not pile up.
func FuzzSandbox(f *testing.F) {
	for _, seed := range []struct{ src, data string }{
		{`ticket.set_team("it-2nd-level")`, `{"category": "printer"}`},
		{`for k, v in pairs(ticket.data) do ticket.set(k, v) end return json.encode(ticket.data)`, `{"a": [1, 2, {"b": null}], "c": 1e308}`},
		{`local s = "x" while true do s = s .. s end`, `{}`},
		{`return string.find(ticket.data.s or "", "(.-)%1$")`, `{"s": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}`},
		{`local function f() return f() end return f()`, `null`},
		{`return setmetatable({}, {__index = function(t, k) return t[k] end}).x`, `[]`},
		{`ticket.create_child("it-incident", {data = ticket.data}) return catalog.teams()`, `{"x": {"y": {"z": true}}}`},
		{`return time.format(time.add_business_days(time.now(), 3660, "sachsen-office"))`, `{}`},
		{`return os.execute("id")`, `{}`},
		{`error(setmetatable({}, {__tostring = function() error("again") end}))`, `{}`},
	} {
		f.Add(seed.src, seed.data)
	}
	loader := testkit.Loader(f)
	// A small desk keeps the compile of each input cheap.
	desk := []definition.File{{Path: "processes/fuzz.yaml", Data: []byte(fuzzDesk)}}
	rt := script.New(script.Config{PoolSize: 2, Timeout: 50 * time.Millisecond, MaxMemory: 64 << 20,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.Cleanup(rt.Close)
	base := runtime.NumGoroutine()
	f.Fuzz(func(t *testing.T, src, data string) {
		files := append(desk[:len(desk):len(desk)],
			definition.File{Path: "scripts/fuzz/fuzzed.lua", Data: []byte(src)},
			definition.File{Path: "scripts/fuzz/sane.lua", Data: []byte(`ticket.comment("ok") return 1`)})
		cat, _ := loader.Compile(files)
		if cat == nil {
			return // does not compile: the loader refuses it
		}
		var values map[string]any
		_ = json.Unmarshal([]byte(data), &values)
		tk := sampleTicket()
		tk.Data = values
		_, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "fuzzed", Hook: script.HookOnCreate, Ticket: tk, Host: &host{}})
		var serr *script.Error
		if err != nil && !errors.As(err, &serr) {
			t.Fatalf("error of an unexpected type %T: %v", err, err)
		}
		res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "sane", Hook: script.HookOnCreate, Ticket: sampleTicket()})
		if err != nil || res.Value != int64(1) || len(res.Changes) != 1 {
			t.Fatalf("the next call failed: %+v, %v", res, err)
		}
		if n := runtime.NumGoroutine(); n > base+20 {
			t.Fatalf("%d goroutines, %d at the start", n, base)
		}
	})
}
