package script_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"vorgang/core/script"
)

// Every way out of the sandbox or around its limits is refused or
// stopped, and the next call on the same runtime works. Forbidden globals
// are reached through _G: the definition loader refuses plain calls of
// them before a script can run (TestForbiddenGlobals).
func TestEscapesAreRefused(t *testing.T) {
	tests := []struct {
		name string
		src  string
		// want is a fragment of the error message; cause the limit that
		// must have stopped the call (nil: a plain script error).
		want  string
		cause error
		// timeout overrides the runtime's, to show that the memory
		// guard, not the clock, stops a bomb.
		timeout time.Duration
	}{
		{"os.execute", `_G.os.execute("touch /tmp/vorgang-pwned")`, "os", nil, 0},
		{"io.open", `local f = _G.io.open("/etc/passwd") return f:read("*a")`, "io", nil, 0},
		{"require a file", `return require("os")`, "no such script", nil, 0},
		{"require a path", `return require("../../etc/passwd")`, "no such script", nil, 0},
		{"load", `return _G.load("return 1")()`, "load", nil, 0},
		{"loadstring", `return _G.loadstring("return 1")()`, "loadstring", nil, 0},
		{"dofile", `return _G.dofile("/etc/passwd")`, "dofile", nil, 0},
		{"loadfile", `return _G.loadfile("/etc/passwd")`, "loadfile", nil, 0},
		{"string.dump", `return _G.string.dump(function() end)`, "dump", nil, 0},
		{"debug.getinfo", `return _G.debug.getinfo(1)`, "debug", nil, 0},
		{"debug.sethook", `_G.debug.sethook(function() end, "l")`, "debug", nil, 0},
		{"package.loadlib", `return _G.package.loadlib("libc.so.6", "system")`, "package", nil, 0},
		{"collectgarbage", `_G.collectgarbage("stop")`, "collectgarbage", nil, 0},
		{"getfenv reaches the globals", `local g = _G.getfenv(0) return g.io`, "getfenv", nil, 0},
		{"setfenv", `_G.setfenv(1, {})`, "setfenv", nil, 0},
		{"rawset on a library", `_G.rawset(string, "upper", nil)`, "rawset", nil, 0},
		{"change a library", `string.upper = nil`, "read-only", nil, 0},
		{"change an API module", `tickets.find = function() end`, "read-only", nil, 0},
		{"string metatable", `getmetatable("").__index.upper = nil`, "boolean", nil, 0},
		{"replace a metatable of a library", `setmetatable(string, {})`, "protected", nil, 0},
		{"yield across pcall", `return pcall(_G.coroutine.yield, 1)`, "coroutine", nil, 0},
		{"coroutine.wrap", `return _G.coroutine.wrap(function() end)`, "coroutine", nil, 0},
		{"math.randomseed", `_G.math.randomseed(1)`, "randomseed", nil, 0},
		{"infinite loop", `while true do end`, "time limit", script.ErrTimeout, 0},
		{"infinite loop in pcall", `while true do pcall(function() while true do end end) end`, "time limit", script.ErrTimeout, 0},
		{"error loop in xpcall", `local function f() error("x") end while true do xpcall(f, f) end`, "time limit", script.ErrTimeout, 0},
		{"backtracking pattern", `return string.find(string.rep("a", 20000), ".-.-.-x")`, "", script.ErrTimeout, 0},
		{"gsub with an expensive pattern", `return (string.rep("a", 5000)):gsub("(.-)(.-)b", "%2%1")`, "", script.ErrTimeout, 0},
		{"deep recursion", `local function f(n) return f(n + 1) + 1 end return f(1)`, "stack overflow", nil, 0},
		{"recursion through a metamethod", `local t = setmetatable({}, {__index = function(t, k) return t[k .. "x"] end}) return t.a`, "stack overflow", nil, 0},
		{"recursion through tostring", `local t = {} setmetatable(t, {__tostring = function(x) return tostring(x) end}) return tostring(t)`, "stack overflow", nil, 0},
		{"unpack a huge range", `return unpack({}, 1, 1e8)`, "", nil, 0},
		{"string.byte of a long string", `return string.byte(string.rep("a", 1000000), 1, -1)`, "", nil, 0},
		{"string.rep bomb", `return string.rep("x", 1e10)`, "limit", nil, 0},
		{"string.rep with separator bomb", `return string.rep("x", 1e6, string.rep("y", 1e6))`, "limit", nil, 0},
		{"concat doubling", `local s = "x" while true do s = s .. s end`, "more than the limit", nil, time.Minute},
		{"table growth", `local t = {} local i = 0 while true do i = i + 1 t[i] = {i, i, i} end`, "memory", script.ErrMemory, time.Minute},
		{"string.format width", `local s = "" for i = 1, 1e9 do s = s .. string.format("%999999d", 1) end`, "", nil, 0},
		{"json bomb", `local t = {} for i = 1, 40 do t = {t, t} end return json.encode(t)`, "nested too deeply", nil, 0},
		{"gsub result bomb", `local s = string.rep("a", 1e6) return s:gsub("a", s)`, "more than", nil, 0},
		{"too many changes", `for i = 1, 1e6 do ticket.comment("x") end`, "too many changes", nil, 0},
	}
	cat := catalogWith(t, func() map[string]string {
		m := map[string]string{"next-call": `ticket.set_team("it-2nd-level") return string.upper("ok"), tostring(x)`}
		for i, tt := range tests {
			m["escape-"+string(rune('a'+i/26))+string(rune('a'+i%26))] = tt.src
		}
		return m
	}())
	rt := newRuntime(t, script.Config{PoolSize: 2, Timeout: 300 * time.Millisecond, MaxMemory: 32 << 20})
	goroutines := runtime.NumGoroutine()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "escape-" + string(rune('a'+i/26)) + string(rune('a'+i%26))
			start := time.Now()
			res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: name, Hook: script.HookOnCreate, Ticket: sampleTicket(), Timeout: tt.timeout})
			took := time.Since(start)
			var serr *script.Error
			if !errors.As(err, &serr) {
				t.Fatalf("not refused: result %+v, error %v", res, err)
			}
			if serr.Script != name {
				t.Errorf("error names script %q, want %q", serr.Script, name)
			}
			if !strings.Contains(serr.Error(), tt.want) {
				t.Errorf("error %q lacks %q", serr.Error(), tt.want)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("error %v is not %v", err, tt.cause)
			}
			t.Logf("%s (after %v)", serr.Error(), took.Round(time.Millisecond))

			// The next call on the pool works and sees nothing of the
			// one before.
			next, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "next-call", Hook: script.HookOnCreate, Ticket: sampleTicket()})
			if err != nil {
				t.Fatalf("next call: %v", err)
			}
			if next.Value != "OK" || next.Message != "nil" || len(next.Changes) != 1 {
				t.Fatalf("next call: %+v", next)
			}
		})
	}
	// Stopped calls leave no goroutine behind (the memory guard's one
	// may still be winding down).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutines+1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines+1 {
		t.Errorf("%d goroutines after the escapes, %d before", n, goroutines)
	}
}

// A script cannot leave anything behind for the next call: globals it
// sets live in its own environment.
func TestCallsDoNotShareGlobals(t *testing.T) {
	cat := catalogWith(t, map[string]string{
		"polluter": `counter = (counter or 0) + 1 tostring = nil _G.ticket = nil return counter`,
	})
	rt := newRuntime(t, script.Config{PoolSize: 1})
	for i := 0; i < 3; i++ {
		res, err := rt.Run(t.Context(), script.Call{Catalog: cat, Script: "polluter", Hook: script.HookOnCreate, Ticket: sampleTicket()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Value != int64(1) {
			t.Fatalf("call %d saw counter %v from an earlier call", i, res.Value)
		}
	}
}
