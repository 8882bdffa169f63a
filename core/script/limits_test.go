package script_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"testing"
	"time"

	"vorgang/core/definition"
	"vorgang/core/script"
)

// Every function that builds a string learns the size of its result
// before it allocates it: a string over the limit is a clean script error
// (ErrTooLong), and the next call works. The sizes here are small enough
// for a test machine; cmd/vorgang runs the full-size bombs against a
// server under a memory ceiling.
func TestStringBuildersCheckTheSizeFirst(t *testing.T) {
	big := strings.Repeat("x", 2<<20) // longer than the limit, from ticket data
	tests := []struct {
		name string
		src  string
		// cause is ErrTooLong for the size limit; nil: a plain script
		// error (a format Lua 5.1 does not accept).
		cause error
	}{
		{"table.concat of references to one long string",
			`local s = string.rep("x", 1048576) local t = {} for i = 1, 64 do t[i] = s end return #table.concat(t)`, script.ErrTooLong},
		{"table.concat with a long separator",
			`return #table.concat({1, 2, 3}, string.rep("x", 1048576))`, script.ErrTooLong},
		{"string.format with many wide fields",
			`local t = {} for i = 1, 64 do t[i] = "x" end return #string.format(string.rep("%999999s", 64), unpack(t))`, nil},
		{"string.format with one huge width", `return #string.format("%5000000s", "x")`, nil},
		{"string.format with a huge precision", `return #string.format("%.5000000f", 1)`, nil},
		{"string.format with Go's width argument", `return #string.format("%*d", 5000000, 1)`, nil},
		{"string.format of many two-digit fields",
			`local t = {} for i = 1, 20000 do t[i] = "x" end return #string.format(string.rep("%99s", 20000), unpack(t))`, script.ErrTooLong},
		{"string.format of long strings", `local s = string.rep("x", 600000) return #string.format("%s%s", s, s)`, script.ErrTooLong},
		{"concatenation of two long strings", `local s = string.rep("x", 1048576) return #(s .. s)`, script.ErrTooLong},
		{"a chain of concatenations", `local s = string.rep("x", 300000) return #(s .. s .. s .. s .. s .. s)`, script.ErrTooLong},
		{"concatenation with numbers", `local s = string.rep("1", 1048575) return #(s .. 22)`, script.ErrTooLong},
		{"gsub repeating the match", `local s = string.rep("x", 1000) return #(s:gsub("^.*$", string.rep("%0", 2000)))`, script.ErrTooLong},
		{"string.upper of a long text", `return #string.upper(ticket.data.big)`, script.ErrTooLong},
		{"string.lower of a long text", `return #ticket.data.big:lower()`, script.ErrTooLong},
		{"string.reverse of a long text", `return #string.reverse(ticket.data.big)`, script.ErrTooLong},
		{"json.encode of references to one long string",
			`local s = string.rep("x", 1048576) local t = {} for i = 1, 64 do t[i] = s end return #json.encode(t)`, script.ErrTooLong},
	}
	srcs := make([]string, len(tests))
	for i, tt := range tests {
		srcs[i] = tt.src
	}
	cat := catalogOf(t, srcs, "sane", `return "ok"`)
	rt := newRuntime(t, script.Config{MaxMemory: 1 << 30, Timeout: 10 * time.Second})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := sampleTicket()
			tk.Data["big"] = big
			res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: scriptName(i), Hook: script.HookOnCreate, Ticket: tk})
			var serr *script.Error
			if !errors.As(err, &serr) {
				t.Fatalf("not refused: result %.80v, error %v", res, err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Fatalf("error %v is not %v", err, tt.cause)
			}
			if serr.Line != 1 {
				t.Errorf("error %v names line %d, want 1", err, serr.Line)
			}
			t.Log(err)
			if res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "sane", Hook: script.HookOnCreate}); err != nil || res.Value != "ok" {
				t.Fatalf("next call: %v, %v", res, err)
			}
		})
	}
}

func scriptName(i int) string { return "s-" + string(rune('a'+i/26)) + string(rune('a'+i%26)) }

// catalogOf compiles the shipped desk with srcs as scripts named
// scriptName(0), scriptName(1) …, and pairs of further names and sources.
func catalogOf(t *testing.T, srcs []string, more ...string) *definition.Catalog {
	t.Helper()
	scripts := map[string]string{}
	for i, src := range srcs {
		scripts[scriptName(i)] = src
	}
	for i := 0; i+1 < len(more); i += 2 {
		scripts[more[i]] = more[i+1]
	}
	return catalogWith(t, scripts)
}

// The operators and functions that now check sizes still do what Lua's
// do.
func TestStringBuildersKeepTheirMeaning(t *testing.T) {
	tests := []struct {
		name, src string
		want      any
	}{
		{"numbers and strings", `return 1 .. "a" .. 2.5 .. "b" .. -3`, "1a2.5b-3"},
		{"concatenation in a loop", `local s = "" for i = 1, 5 do s = s .. i end return s`, "12345"},
		{"__concat of a table on the left", `local t = setmetatable({}, {__concat = function(a, b) return "T+" .. b end}) return t .. "x" .. "y"`, "T+xy"},
		{"__concat of a table on the right", `local t = setmetatable({}, {__concat = function(a, b) return a .. "+T" end}) return "x" .. "y" .. t`, "xy+T"},
		{"a local named like a library", `local os = {x = "a"} return os.x .. "b"`, "ab"},
		{"table.concat", `return table.concat({1, "b", 3}, ", ") .. "|" .. table.concat({"a", "b", "c"}, "", 2) .. "|" .. table.concat({}, "x")`, "1, b, 3|bc|"},
		{"string.format", `return string.format("%5.2f|%-3s|%03d|%q|%x|%s|%s", 3.14159, "a", 7, "a\"b", 255, nil, true)`, ` 3.14|a  |007|"a\"b"|ff|nil|true`},
		{"string.format of a table uses tostring", `return (string.format("%s", {})):sub(1, 6)`, "table:"},
		{"upper, lower and reverse", `return ("Größe"):upper() .. ("ÄB"):lower() .. ("abc"):reverse()`, "GRÖßEäbcba"},
		{"gsub with captures", `return (("hallo welt"):gsub("(%w+)", "<%1>"))`, "<hallo> <welt>"},
		{"table.sort", `local t = {5, 3, 9, 1} table.sort(t) local u = {"b", "c", "a"} table.sort(u, function(a, b) return a > b end) return table.concat(t, ",") .. table.concat(u)`, "1,3,5,9cba"},
		{"math.random", `local a, b, c = math.random(), math.random(3), math.random(5, 5) return a >= 0 and a < 1 and b >= 1 and b <= 3 and c == 5`, true},
		{"json.encode", `return json.encode({a = "<&>", b = {1, 2}})`, `{"a":"\u003c\u0026\u003e","b":[1,2]}`},
	}
	srcs := make([]string, len(tests))
	for i, tt := range tests {
		srcs[i] = tt.src
	}
	cat := catalogOf(t, srcs)
	rt := newRuntime(t, script.Config{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: scriptName(i), Hook: script.HookOnCreate, Ticket: sampleTicket()})
			if err != nil {
				t.Fatal(err)
			}
			if res.Value != tt.want {
				t.Fatalf("got %#v, want %#v", res.Value, tt.want)
			}
		})
	}
}

// Lua errors that Go's libraries turned into panics are plain script
// errors.
func TestLibraryArgumentErrors(t *testing.T) {
	tests := []struct{ name, src string }{
		{"math.random(0)", `return math.random(0)`},
		{"math.random with an empty interval", `return math.random(5, 1)`},
		{"math.random with a huge interval", `return math.random(1e300)`},
		{"table.concat of a table", `return table.concat({{}})`},
		{"concatenation of nil", `local x return "a" .. x`},
		{"format without its argument", `return string.format("%d")`},
		{"format with an unknown option", `return string.format("%[1]d", 1)`},
	}
	srcs := make([]string, len(tests))
	for i, tt := range tests {
		srcs[i] = tt.src
	}
	cat := catalogOf(t, srcs)
	rt := newRuntime(t, script.Config{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: scriptName(i), Hook: script.HookOnCreate})
			var serr *script.Error
			if !errors.As(err, &serr) || serr.Line != 1 {
				t.Fatalf("error %v, want a script error at line 1", err)
			}
			// A Go panic's text would say so.
			if strings.Contains(serr.Message, "runtime error") || strings.Contains(serr.Message, "invalid argument to") {
				t.Fatalf("error shows Go's panic: %v", err)
			}
			t.Log(err)
		})
	}
}

// slowHost answers queries late, ignoring the context, as a database
// that does not honour it would.
type slowHost struct{ host }

func (h *slowHost) FindTickets(ctx context.Context, q script.TicketQuery) ([]script.Ticket, error) {
	time.Sleep(300 * time.Millisecond)
	return h.host.FindTickets(ctx, q)
}

// A call that broke a limit fails even when the script got to its end:
// a library call that ran past the limit as the script's last word (a
// tail call runs no instruction after it), or a pcall that caught the
// stop.
func TestLimitsHoldAtTheEnd(t *testing.T) {
	cat := catalogWith(t, map[string]string{
		"slow-tail":   `ticket.set_team("it-2nd-level") return tickets.find({})`,
		"caught":      `ticket.set_team("it-2nd-level") pcall(function() while true do end end) return "done"`,
		"memory-tail": `ticket.set_team("it-2nd-level") return string.rep("x", 400000000)`,
	})
	tests := []struct {
		name   string
		script string
		cfg    script.Config
		cause  error
	}{
		{"a slow library call at the end", "slow-tail", script.Config{Timeout: 50 * time.Millisecond}, script.ErrTimeout},
		{"a caught time-out", "caught", script.Config{Timeout: 50 * time.Millisecond}, script.ErrTimeout},
		{"a string beyond the memory budget", "memory-tail", script.Config{MaxString: 1 << 30, MaxMemory: 32 << 20}, script.ErrMemory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := newRuntime(t, tt.cfg)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: tt.script, Hook: script.HookOnCreate, Ticket: sampleTicket(), Host: &slowHost{}})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tt.cause) || res != nil {
				t.Fatalf("result: %t, error %v; want no result and %v", res != nil, err, tt.cause)
			}
			if tt.cause == script.ErrMemory {
				if grew := after.TotalAlloc - before.TotalAlloc; grew > 100<<20 {
					t.Fatalf("the call allocated %d MB before it was stopped", grew>>20)
				}
			}
		})
	}
}

// gateHost blocks tickets.find until the test opens the gate, so a
// script can wait for the test.
type gateHost struct {
	host
	waiting chan struct{}
	open    chan struct{}
}

func (h *gateHost) FindTickets(ctx context.Context, q script.TicketQuery) ([]script.Ticket, error) {
	h.waiting <- struct{}{}
	<-h.open
	return nil, nil
}

// The memory bound holds for the hooks running together: of two hooks
// that each stay below it but together exceed it, the later one is stopped
// too, not just the one that started first.
func TestMemoryBoundIsShared(t *testing.T) {
	// The first call keeps about 80 MB of tables, waits for the test,
	// keeps another 80 MB and spins until it is stopped. The second keeps
	// event.n tables (200 bytes each, 20 MB: well below the bound with the
	// first's 80 MB, even with some garbage on the heap) and spins
	// event.spins times.
	cat := catalogWith(t, map[string]string{
		"first": `local t = {} for i = 1, 400000 do t[i] = {i, i, i, i} end
tickets.find({})
for i = 1, 400000 do t[#t + 1] = {i, i, i, i} end
while true do end`,
		"second": `local t = {} for i = 1, event.n do t[i] = {i, i, i, i} end log.info("allocated")
for i = 1, event.spins do end return #t`,
	})
	started := make(chan struct{}, 1)
	rt := newRuntime(t, script.Config{PoolSize: 2, Timeout: time.Minute, MaxMemory: 128 << 20, Logger: slog.New(signal{started})})
	gate := &gateHost{waiting: make(chan struct{}), open: make(chan struct{})}
	first := make(chan error, 1)
	go func() {
		_, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "first", Hook: script.HookOnCreate, Host: gate})
		first <- err
	}()
	<-gate.waiting
	second := make(chan error, 1)
	go func() {
		_, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "second", Hook: script.HookOnCreate,
			Event: map[string]any{"n": 100000, "spins": 1e8}})
		second <- err
	}()
	// The second call must not end before it has allocated; if the bound
	// stopped it early (other garbage on the heap), say so instead of
	// waiting for a signal that never comes.
	select {
	case <-started:
	case err := <-second:
		close(gate.open)
		<-first
		t.Fatalf("second call ended before it allocated: %v", err)
	}
	close(gate.open)
	if err := <-first; !errors.Is(err, script.ErrMemory) {
		t.Errorf("first call: %v, want %v", err, script.ErrMemory)
	}
	if err := <-second; !errors.Is(err, script.ErrMemory) {
		t.Errorf("second call: %v, want %v", err, script.ErrMemory)
	}
}

// signal is a log handler that sends on a channel for each record.
type signal struct{ c chan struct{} }

func (s signal) Enabled(context.Context, slog.Level) bool { return true }
func (s signal) Handle(context.Context, slog.Record) error {
	s.c <- struct{}{}
	return nil
}
func (s signal) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s signal) WithGroup(string) slog.Handler      { return s }

// A call gives up waiting for a state after MaxWait with ErrBusy.
func TestBusyPool(t *testing.T) {
	cat := catalogWith(t, map[string]string{"wait": `tickets.find({})`, "quick": `return 1`})
	rt := newRuntime(t, script.Config{PoolSize: 1, MaxWait: 20 * time.Millisecond, Timeout: time.Minute})
	gate := &gateHost{waiting: make(chan struct{}), open: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := rt.Run(context.Background(), script.Call{Catalog: cat, Script: "wait", Hook: script.HookOnCreate, Host: gate})
		done <- err
	}()
	<-gate.waiting // the only state is taken
	if _, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "quick", Hook: script.HookOnCreate}); !errors.Is(err, script.ErrBusy) {
		t.Fatalf("call while the state is taken: %v, want %v", err, script.ErrBusy)
	}
	close(gate.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "quick", Hook: script.HookOnCreate}); err != nil || res.Value != int64(1) {
		t.Fatalf("call after the state is free: %v, %v", res, err)
	}
}
