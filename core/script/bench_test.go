package script_test

import (
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
