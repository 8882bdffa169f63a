package script

import (
	"context"

	lua "github.com/yuin/gopher-lua"
)

// needString is asked by every function that builds a string before it
// allocates one of n bytes: the string must fit the string limit
// (Config.MaxString) and what the running calls may still add to the heap
// (Config.MaxMemory). gopher-lua checks the time and the context between
// instructions only, so a library function that built a string of
// gigabytes would run to completion, or end the process, before any limit
// could look.
func (s *vm) needString(L *lua.LState, fn string, n int64) {
	if n <= 0 {
		return
	}
	if n > int64(s.rt.cfg.MaxString) {
		L.RaiseError("%s: the result would have %d bytes, more than the limit of %d", fn, n, s.rt.cfg.MaxString)
	}
	if n > s.rt.guard.left() {
		s.stopForMemory(L)
	}
}

// stopForMemory ends the running call as the memory guard would: the
// call's context is cancelled with ErrMemory, so even a pcall that catches
// the error cannot let the script go on.
func (s *vm) stopForMemory(L *lua.LState) {
	if s.cur != nil && s.cur.cancel != nil {
		s.cur.cancel(ErrMemory)
	}
	L.RaiseError("stopped: %v", ErrMemory)
}

// stopIfDone raises the call's stop reason when its context has ended:
// Go functions that loop over many values call it now and then, since
// gopher-lua looks at the context between instructions only.
func (s *vm) stopIfDone(L *lua.LState) {
	if s.cur == nil {
		return
	}
	if s.cur.ctx.Err() != nil {
		L.RaiseError("stopped: %v", context.Cause(s.cur.ctx))
	}
}

// checkEvery is how many values a long-running Go function handles
// between two looks at the call's context.
const checkEvery = 1 << 12
