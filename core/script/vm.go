package script

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"vorgang/core/definition"
	"vorgang/core/script/internal/luapat"
)

// vm is one prepared Lua state. It runs one call at a time.
type vm struct {
	L       *lua.LState
	rt      *Runtime
	pool    *pool
	base    *lua.LTable
	envMeta *lua.LTable
	// fns holds the functions made from the catalog's prototypes.
	fns map[*lua.FunctionProto]*lua.LFunction
	// ticketFns are the write functions of the hook's ticket table.
	ticketFns map[string]*lua.LFunction
	// ticketMeta and viewMeta are the metatables of the hook's ticket and
	// of tickets read by queries: they supply the functions and convert
	// data and children when a script first reads them.
	ticketMeta *lua.LTable
	viewMeta   *lua.LTable
	cur        *callState
	broken     bool
}

// callState is what the API functions of a running call work on.
type callState struct {
	ctx context.Context
	// cancel stops the call with a cause (ErrMemory); nil for the test
	// runner's own calls.
	cancel context.CancelCauseFunc
	call   *Call
	ticket *lua.LTable // the ticket table; nil for jobs
	env    *lua.LTable
	// lazy are the ticket tables whose data and children are converted
	// on first use.
	lazy    []lazyTicket
	changes []Change
	modules map[string]lua.LValue
	loading map[string]bool
	logs    int
	budget  *luapat.Budget
}

func newVM(r *Runtime, p *pool) *vm {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    r.cfg.CallStackSize,
		RegistrySize:     4 * 1024,
		RegistryMaxSize:  r.cfg.RegistryMaxSize,
		RegistryGrowStep: 1024,
	})
	v := &vm{L: L, rt: r, pool: p, fns: map[*lua.FunctionProto]*lua.LFunction{}}
	v.base = v.openSandbox()
	v.envMeta = v.newEnvMeta(v.base)
	v.ticketFns = v.ticketFunctions()
	v.ticketMeta = v.newTicketMeta(true)
	v.viewMeta = v.newTicketMeta(false)
	return v
}

// function returns the state's function for a compiled script.
func (s *vm) function(proto *lua.FunctionProto) *lua.LFunction {
	fn, ok := s.fns[proto]
	if !ok {
		fn = s.L.NewFunctionFromProto(proto)
		s.fns[proto] = fn
	}
	return fn
}

// run runs one call. Whatever happens, the state is left without the
// call's context and values; a state a call failed in is marked broken
// and not used again. A call that broke a limit at any point fails, even
// when the script caught the stop with pcall or a library function ran
// on past the limit and the script returned: nothing it asked for is
// applied.
func (s *vm) run(ctx context.Context, call *Call, proto *lua.FunctionProto, timeout time.Duration) (res *Result, err error) {
	L := s.L
	tctx, cancelTimeout := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
	defer cancelTimeout()
	cctx, cancel := context.WithCancelCause(tctx)
	defer cancel(nil)
	guarded, unwatch := s.rt.guard.watch(cancel, call.Hook != HookJob)
	defer unwatch()

	cs := &callState{ctx: cctx, cancel: cancel, call: call, budget: newBudget(cctx)}
	s.cur = cs
	defer func() { s.cur = nil }()

	cs.env = L.CreateTable(0, 4)
	L.SetMetatable(cs.env, s.envMeta)
	cs.env.RawSetString("_G", cs.env)
	if call.Ticket != nil {
		cs.ticket = s.ticketTable(cs, call.Ticket, true)
		cs.env.RawSetString("ticket", cs.ticket)
	}
	cs.env.RawSetString("event", s.eventTable(call))

	fn := s.function(proto)
	fn.Env = cs.env
	L.SetContext(cctx)
	L.Push(fn)
	perr := L.PCall(0, 2, nil)
	L.RemoveContext()
	fn.Env = s.base
	defer L.SetTop(0)

	cause := context.Cause(cctx)
	if cause == nil {
		switch {
		case time.Since(guarded.start) > timeout:
			cause = ErrTimeout
		case s.rt.guard.finish(guarded, cctx):
			cause = ErrMemory
		}
	}
	if cause != nil && !errors.Is(cause, ErrTimeout) && !errors.Is(cause, ErrMemory) {
		// The caller's context ended: not the script's fault.
		s.broken = true
		return nil, fmt.Errorf("script %s: %w", call.Script, cause)
	}
	if perr != nil || cause != nil {
		s.broken = true
		if perr == nil {
			perr = errors.New("stopped")
		}
		serr := scriptError(call.Catalog, call, perr, cause)
		s.nameUndefinedCall(serr, call.Catalog, cs.env)
		return nil, serr
	}
	res = &Result{Changes: cs.changes}
	if v, err := fromLua(L.Get(-2)); err == nil {
		res.Value = v
	}
	if msg, ok := L.Get(-1).(lua.LString); ok {
		res.Message = string(msg)
	}
	return res, nil
}

// addChange records a change the script asked for.
func (s *vm) addChange(L *lua.LState, c Change) {
	cs := s.call(L)
	if len(cs.changes) >= s.rt.cfg.MaxChanges {
		L.RaiseError("too many changes in one call (the limit is %d)", s.rt.cfg.MaxChanges)
	}
	cs.changes = append(cs.changes, c)
}

// call returns the running call; API functions stored away by one call
// and called outside of it find none.
func (s *vm) call(L *lua.LState) *callState {
	if s.cur == nil {
		L.RaiseError("no script call is running")
	}
	return s.cur
}

func (s *vm) eventTable(call *Call) *lua.LTable {
	L := s.L
	t := L.CreateTable(0, len(call.Event)+1)
	for _, k := range sortedKeys(call.Event) {
		t.RawSetString(k, toLua(L, call.Event[k]))
	}
	t.RawSetString("hook", lua.LString(call.Hook))
	return t
}

// ticketTable shows a ticket to a script; with write, the ticket's write
// functions (set, set_team ...) are in it too. Its fields are filled in
// when the script first reads one: most hooks read a few fields or none,
// and converting a ticket is most of the cost of a short call.
func (s *vm) ticketTable(cs *callState, t *Ticket, write bool) *lua.LTable {
	L := s.L
	tbl := L.CreateTable(0, 0)
	if write {
		L.SetMetatable(tbl, s.ticketMeta)
	} else {
		L.SetMetatable(tbl, s.viewMeta)
	}
	cs.lazy = append(cs.lazy, lazyTicket{tbl: tbl, src: t})
	return tbl
}

// lazyTicket is a ticket table and the ticket it shows.
type lazyTicket struct {
	tbl    *lua.LTable
	src    *Ticket
	filled bool
}

func (s *vm) newTicketMeta(write bool) *lua.LTable {
	L := s.L
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		tbl := L.CheckTable(1)
		key, _ := L.Get(2).(lua.LString)
		if write {
			if fn, ok := s.ticketFns[string(key)]; ok {
				L.Push(fn)
				return 1
			}
		}
		if s.fill(L, tbl) {
			L.Push(tbl.RawGetString(string(key)))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	return mt
}

// fill puts a lazy ticket's fields into its table, once. It reports
// whether it filled the table now.
func (s *vm) fill(L *lua.LState, tbl *lua.LTable) bool {
	cs := s.call(L)
	for i := range cs.lazy {
		lt := &cs.lazy[i]
		if lt.tbl != tbl {
			continue
		}
		if lt.filled {
			return false
		}
		lt.filled = true
		t := lt.src
		str := func(k, v string) {
			if v != "" {
				tbl.RawSetString(k, lua.LString(v))
			}
		}
		str("number", t.Number)
		str("process", t.Process)
		str("title", t.Title)
		str("state", t.State)
		str("priority", t.Priority)
		str("team", t.Team)
		str("assignee", t.Assignee)
		str("requester", t.Requester)
		str("parent", t.Parent)
		tbl.RawSetString("version", lua.LNumber(t.Version))
		if !t.Created.IsZero() {
			tbl.RawSetString("created", unixTime(t.Created))
		}
		if !t.Updated.IsZero() {
			tbl.RawSetString("updated", unixTime(t.Updated))
		}
		if t.Due != "" {
			if due, err := time.Parse(time.RFC3339, t.Due); err == nil && due.Year() < 9999 {
				tbl.RawSetString("due", unixTime(due))
			}
		}
		tbl.RawSetString("children", toLua(L, t.Children))
		data, ok := toLua(L, t.Data).(*lua.LTable)
		if !ok {
			data = L.CreateTable(0, 0)
		}
		tbl.RawSetString("data", data)
		return true
	}
	return false
}

// hookTicket returns the hook's ticket table with its fields filled in,
// before a write function changes one.
func (s *vm) hookTicket(L *lua.LState, cs *callState) *lua.LTable {
	s.fill(L, cs.ticket)
	return cs.ticket
}

func unixTime(t time.Time) lua.LNumber {
	return lua.LNumber(float64(t.UnixMilli()) / 1000)
}

// require runs another script of the catalog once per call and returns
// what it returned; there is no other way to load code.
func (s *vm) require(L *lua.LState) int {
	cs := s.call(L)
	name := L.CheckString(1)
	if cs.modules == nil {
		cs.modules, cs.loading = map[string]lua.LValue{}, map[string]bool{}
	}
	if v, ok := cs.modules[name]; ok {
		L.Push(v)
		return 1
	}
	if cs.loading[name] {
		L.RaiseError("require '%s': the scripts require each other in a loop", name)
	}
	sc := cs.call.Catalog.Script(name)
	if sc == nil || sc.Proto == nil {
		L.RaiseError("require '%s': no such script (scripts can only require other scripts of the definitions)", name)
	}
	cs.loading[name] = true
	fn := s.L.NewFunctionFromProto(sc.Proto)
	fn.Env = cs.env
	L.Push(fn)
	L.Call(0, 1)
	v := L.Get(-1)
	L.Pop(1)
	if v == lua.LNil {
		v = lua.LTrue
	}
	cs.modules[name] = v
	delete(cs.loading, name)
	L.Push(v)
	return 1
}

// print writes its arguments to the log at debug level (and to the output
// of vorgang test).
func (s *vm) print(L *lua.LState) int {
	// Only the first maxLogText bytes are logged: build no more.
	var b strings.Builder
	for i := 1; i <= L.GetTop() && b.Len() <= maxLogText; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(shorten(L.ToStringMeta(L.Get(i)).String(), maxLogText))
	}
	s.logLine(L, "debug", b.String(), nil)
	return 0
}

// catalog returns the running call's catalog.
func (s *vm) catalog(L *lua.LState) *definition.Catalog {
	return s.call(L).call.Catalog
}

// newBudget is the pattern-matching budget of a call: bounded by its
// context, and by a step count as a backstop.
func newBudget(ctx context.Context) *luapat.Budget {
	return &luapat.Budget{Ctx: ctx, Steps: 1 << 40}
}
