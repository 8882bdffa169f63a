package script

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"vorgang/core/definition"
)

// Causes of a failed call besides the script's own errors; test them with
// errors.Is.
var (
	// ErrTimeout: the call ran longer than its time limit.
	ErrTimeout = errors.New("time limit exceeded")
	// ErrMemory: the process's heap grew by more than Config.MaxMemory
	// while the call ran, or while the hooks running with it ran.
	ErrMemory = errors.New("memory limit exceeded")
	// ErrTooLong: a library function or `..` would have built a string
	// longer than Config.MaxString; it built none. The script may catch
	// this error with pcall, unlike the two limits above.
	ErrTooLong = errors.New("string longer than the limit")
	// ErrBusy: every script state was busy for Config.MaxWait; the call
	// did not start. Not the script's fault: try again shortly.
	ErrBusy = errors.New("all script states are busy")
	// ErrNotFound: the catalog has no script of that name.
	ErrNotFound = errors.New("no such script")
)

// Error is a failed script call. Its text names the script and the line,
// "script it-route:12: attempt to index a nil value", for logs and for
// administrators; users get a plain message from the engine.
type Error struct {
	Script string
	// Line is the line of the script (or of the module Script required,
	// see Module) where it failed; 0 when unknown.
	Line int
	// Module is the required script the error happened in, if not Script.
	Module  string
	Hook    string
	Message string
	// Cause is ErrTimeout or ErrMemory when a limit stopped the call,
	// ErrTooLong when the script failed on the string limit.
	Cause error
}

func (e *Error) Error() string {
	where := e.Script
	if e.Module != "" && e.Module != e.Script {
		where = e.Module + " (required by " + e.Script + ")"
	}
	if e.Line > 0 {
		return fmt.Sprintf("script %s:%d: %s", where, e.Line, e.Message)
	}
	return fmt.Sprintf("script %s: %s", where, e.Message)
}

// Unwrap returns the limit that stopped the call, if any.
func (e *Error) Unwrap() error { return e.Cause }

// luaPosition matches the "chunk:line: " gopher-lua puts in front of
// runtime errors; the chunk name is the script's file path.
var luaPosition = regexp.MustCompile(`^(\S+\.lua):(\d+): `)

// tooLong matches the error of needString.
var tooLong = regexp.MustCompile(`: the result would have \d+ bytes, more than the limit of \d+`)

// scriptError turns what PCall returned into an Error naming the script
// and line.
func scriptError(cat *definition.Catalog, call *Call, err error, cause error) *Error {
	e := &Error{Script: call.Script, Hook: call.Hook, Cause: cause}
	msg := err.Error()
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil {
		msg = api.Object.String()
	}
	// Errors raised inside a nested call carry several positions; the
	// first is where it happened.
	if m := luaPosition.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[2])
		msg = msg[len(m[0]):]
		if s := scriptByFile(cat, m[1]); s != "" && s != call.Script {
			e.Module = s
		}
	}
	for {
		// A Go function's error raised from Lua gets the position again.
		m := luaPosition.FindStringSubmatch(msg)
		if m == nil {
			break
		}
		msg = msg[len(m[0]):]
	}
	if cause == nil && tooLong.MatchString(msg) {
		e.Cause = ErrTooLong
	}
	switch {
	case cause == ErrTimeout:
		msg = "stopped: it ran longer than its time limit"
	case cause == ErrMemory:
		msg = "stopped: it used too much memory"
	}
	e.Message = strings.TrimSpace(msg)
	if len(e.Message) > 500 {
		e.Message = e.Message[:500] + "…"
	}
	return e
}

func scriptByFile(cat *definition.Catalog, file string) string {
	if cat == nil {
		return ""
	}
	for _, s := range cat.Scripts() {
		if s.Chunk == file {
			return s.Name
		}
	}
	return ""
}
