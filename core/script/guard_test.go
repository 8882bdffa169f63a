package script

import "testing"

// The memory guard's decisions on a scripted heap: every call during which
// the heap grew past the limit stops; all hooks stop when it grew past the
// limit since the oldest hook started; a job's long window is its own.
func TestMemGuardDecisions(t *testing.T) {
	const MiB = 1 << 20
	type call struct {
		name   string
		shared bool // a hook
		start  uint64
	}
	tests := []struct {
		name    string
		calls   []call
		heap    uint64 // at the last sample
		stopped []string
	}{
		{"below the limit", []call{{"a", true, 100 * MiB}, {"b", true, 150 * MiB}}, 190 * MiB, nil},
		{"one hook alone past it", []call{{"a", true, 100 * MiB}}, 201 * MiB, []string{"a"}},
		{"hooks started one after the other", []call{{"a", true, 100 * MiB}, {"b", true, 160 * MiB}}, 201 * MiB, []string{"a", "b"}},
		{"a job's window is its own", []call{{"job", false, 100 * MiB}, {"b", true, 160 * MiB}}, 201 * MiB, []string{"job"}},
		{"a job past it with a hook", []call{{"job", false, 100 * MiB}, {"b", true, 100 * MiB}}, 201 * MiB, []string{"job", "b"}},
		{"a collection lowers the base", []call{{"a", true, 100 * MiB}}, 60 * MiB, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newMemGuard(100 * MiB)
			g.started = true // no sampling goroutine: the test samples
			stopped := map[string]bool{}
			var heap uint64
			g.heap = func() uint64 { return heap }
			for _, c := range tt.calls {
				heap = c.start
				name := c.name
				g.watch(func(cause error) { stopped[name] = true }, c.shared)
				g.check() // the call's first sample sets its base
			}
			heap = tt.heap
			g.check()
			if len(stopped) != len(tt.stopped) {
				t.Fatalf("stopped %v, want %v", stopped, tt.stopped)
			}
			for _, n := range tt.stopped {
				if !stopped[n] {
					t.Fatalf("stopped %v, want %v", stopped, tt.stopped)
				}
			}
			if len(tt.stopped) == 0 && g.left() <= 0 {
				t.Fatalf("left %d", g.left())
			}
		})
	}
}
