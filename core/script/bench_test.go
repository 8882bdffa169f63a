package script_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"vorgang/core/script"
)

// BenchmarkHook measures the cost of a hook call with the pool: an empty
// script (the runtime's overhead: a pooled state, the ticket and event
// tables, the time limit, the memory guard) and the shipped routing hook.
// The time limit is raised so that a busy machine's scheduling delays do
// not fail the run.
func BenchmarkHook(b *testing.B) {
	cat := catalogWith(b, map[string]string{"empty": ``})
	rt := newRuntime(b, script.Config{Timeout: 10 * time.Second})
	for _, bc := range []struct{ name, script string }{
		{"empty", "empty"},
		{"it-route", "it-route"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			tk := sampleTicket()
			for b.Loop() {
				if _, err := rt.Run(b.Context(), script.Call{Catalog: cat, Script: bc.script, Hook: script.HookOnCreate, Ticket: tk}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("empty-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			tk := sampleTicket()
			for pb.Next() {
				if _, err := rt.Run(b.Context(), script.Call{Catalog: cat, Script: "empty", Hook: script.HookOnCreate, Ticket: tk}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkTimeLimitOvershoot measures how long after its time limit
// (the default 100 ms) a runaway call returns, for scripts that spend
// their time in different places: Lua instructions, pcall, Go library
// functions (sort, patterns, string building, JSON). It reports the
// median, 90th percentile and maximum of the call's duration over its
// limit (1.00 = stopped exactly at the limit).
func BenchmarkTimeLimitOvershoot(b *testing.B) {
	cases := []struct{ name, src string }{
		{"loop", `while true do end`},
		{"pcall", `while true do pcall(function() while true do end end) end`},
		{"sort", `local t = {} for i = 1, 200000 do t[i] = (i * 7919) % 100003 end
while true do table.sort(t, function(a, b) return a > b end) table.sort(t) end`},
		{"pattern", `local s = string.rep("a", 20000) while true do s:find(".-.-.-x") end`},
		{"strings", `local t, i = {}, 0 while true do i = i + 1 t[i % 1000 + 1] = string.rep("x", 10000) .. i end`},
		{"concat", `local s = string.rep("x", 500000) while true do local u = s .. s end`},
		{"json", `local t = {} for i = 1, 20000 do t[i] = {a = i, b = "x"} end while true do json.encode(t) end`},
	}
	scripts := map[string]string{}
	for _, c := range cases {
		scripts[c.name] = c.src
	}
	cat := catalogWith(b, scripts)
	rt := newRuntime(b, script.Config{})
	limit := script.DefaultTimeout
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var ratios []float64
			for b.Loop() {
				start := time.Now()
				_, err := rt.Run(b.Context(), script.Call{Catalog: cat, Script: c.name, Hook: script.HookOnCreate, Ticket: sampleTicket()})
				took := time.Since(start)
				if !errors.Is(err, script.ErrTimeout) && !errors.Is(err, script.ErrMemory) {
					b.Fatalf("not stopped by a limit: %v", err)
				}
				ratios = append(ratios, float64(took)/float64(limit))
			}
			slices.Sort(ratios)
			at := func(q float64) float64 { return ratios[min(len(ratios)-1, int(q*float64(len(ratios))))] }
			b.ReportMetric(at(0.5), "p50/limit")
			b.ReportMetric(at(0.9), "p90/limit")
			b.ReportMetric(ratios[len(ratios)-1], "max/limit")
		})
	}
}
