package script

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"vorgang/core/definition"
)

// TestTimeout bounds one test case of a *_test.lua file (and the file's
// own top level).
const TestTimeout = 10 * time.Second

// TestResult is the outcome of one test case.
type TestResult struct {
	Name string
	// Failure is empty when the case passed, else "file:line: message".
	Failure  string
	Duration time.Duration
}

// testCase is a case a test file registered with test(name, fn).
type testCase struct {
	name string
	fn   *lua.LFunction
}

// RunTests runs the test cases of a *_test.lua file against the scripts of
// cat. The file registers cases with test(name, function() ... end); in a
// case, run(script, {ticket = ..., event = ..., hook = ..., tickets = ...,
// assets = ...}) runs a script of the catalog as a hook without a server
// and returns what it asked for, and expect.eq/expect.ok/expect.contains
// check it. docs/lua.md shows an example. An error returned means the file
// itself could not run.
func (r *Runtime) RunTests(ctx context.Context, cat *definition.Catalog, file definition.File) ([]TestResult, error) {
	chunk := file.Rel
	if chunk == "" {
		chunk = file.Path
	}
	proto, err := definition.CompileLua(chunk, file.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file.Path, err)
	}
	// The test file's state takes no slot: the scripts it runs take
	// theirs. It has test globals, so it is never reused.
	v := r.prepared(cat)
	v.broken = true
	defer v.pool.give(v)

	L := v.L
	cs := &callState{ctx: ctx, call: &Call{Catalog: cat, Script: strings.TrimSuffix(file.Path, ".lua"), Hook: HookTest, Now: r.cfg.Now()}}
	v.cur = cs
	defer func() { v.cur = nil }()
	cs.env = L.CreateTable(0, 8)
	L.SetMetatable(cs.env, v.envMeta)
	cs.env.RawSetString("_G", cs.env)
	var cases []testCase
	cs.env.RawSetString("test", L.NewFunction(func(L *lua.LState) int {
		cases = append(cases, testCase{name: L.CheckString(1), fn: L.CheckFunction(2)})
		return 0
	}))
	cs.env.RawSetString("run", L.NewFunction(func(L *lua.LState) int {
		return r.testRun(L, cat)
	}))
	cs.env.RawSetString("expect", expectModule(L))

	fn := L.NewFunctionFromProto(proto)
	fn.Env = cs.env
	if err := v.pcall(ctx, cs, fn); err != "" {
		return []TestResult{{Name: "(top level)", Failure: err}}, nil
	}
	var results []TestResult
	for _, c := range cases {
		start := time.Now()
		failure := v.pcall(ctx, cs, c.fn)
		results = append(results, TestResult{Name: c.name, Failure: failure, Duration: time.Since(start)})
	}
	return results, nil
}

// pcall runs fn with the test time limit; it returns the error message, or
// "" if fn returned.
func (s *vm) pcall(ctx context.Context, cs *callState, fn *lua.LFunction) string {
	L := s.L
	cctx, cancel := context.WithTimeoutCause(ctx, TestTimeout, ErrTimeout)
	defer cancel()
	cs.ctx = cctx
	cs.budget = newBudget(cctx)
	L.SetContext(cctx)
	defer L.RemoveContext()
	defer L.SetTop(0)
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		if cause := context.Cause(cctx); cause != nil {
			return fmt.Sprintf("stopped: %v", cause)
		}
		if api, ok := err.(*lua.ApiError); ok && api.Object != nil {
			return api.Object.String()
		}
		return err.Error()
	}
	return ""
}

// testRun runs a script of the catalog for a test: run(name, opts).
func (r *Runtime) testRun(L *lua.LState, cat *definition.Catalog) int {
	name := L.CheckString(1)
	opts := L.OptTable(2, L.NewTable())
	call := Call{Catalog: cat, Script: name, Hook: HookOnCreate, Event: map[string]any{}}
	if h, ok := opts.RawGetString("hook").(lua.LString); ok {
		call.Hook = string(h)
	}
	if ev, ok := opts.RawGetString("event").(*lua.LTable); ok {
		call.Event, _ = testValue(L, "event", ev).(map[string]any)
	}
	if now := opts.RawGetString("now"); now != lua.LNil {
		call.Now = checkTimeValue(L, now, 2)
	}
	if tv, ok := opts.RawGetString("ticket").(*lua.LTable); ok {
		call.Ticket = testTicket(L, cat, tv)
	} else if call.Hook != HookJob {
		call.Ticket = testTicket(L, cat, L.NewTable())
	}
	host := &fixtureHost{}
	if ts, ok := opts.RawGetString("tickets").(*lua.LTable); ok {
		ts.ForEach(func(_, t lua.LValue) {
			if tt, ok := t.(*lua.LTable); ok {
				host.tickets = append(host.tickets, *testTicket(L, cat, tt))
			}
		})
	}
	if as, ok := opts.RawGetString("assets").(*lua.LTable); ok {
		if list, ok := testValue(L, "assets", as).([]any); ok {
			for _, a := range list {
				if m, ok := a.(map[string]any); ok {
					host.assets = append(host.assets, m)
				}
			}
		}
	}
	call.Host = host
	res, err := r.Run(L.Context(), call)
	L.Push(resultTable(L, call.Ticket, res, err))
	return 1
}

// testTicket builds a ticket from a test's table; the process's default
// team and priority and a first state fill what the table leaves out.
func testTicket(L *lua.LState, cat *definition.Catalog, t *lua.LTable) *Ticket {
	str := func(k string) string {
		if s, ok := t.RawGetString(k).(lua.LString); ok {
			return string(s)
		}
		return ""
	}
	tk := &Ticket{Number: str("number"), Process: str("process"), Title: str("title"), State: str("state"),
		Priority: str("priority"), Team: str("team"), Assignee: str("assignee"), Requester: str("requester"),
		Parent: str("parent"), Due: str("due"), Version: 1}
	if p := cat.Process(tk.Process); p != nil {
		if tk.Team == "" {
			tk.Team = p.Team.Value
		}
		if tk.Priority == "" {
			tk.Priority = p.DefaultPriority
		}
		if s := p.InitialState(); tk.State == "" && s != nil {
			tk.State = s.ID.Value
		}
	}
	if tk.Priority == "" {
		tk.Priority = "medium"
	}
	for _, k := range []string{"created", "updated"} {
		if v := t.RawGetString(k); v != lua.LNil {
			tm := checkTimeValue(L, v, 2)
			if k == "created" {
				tk.Created = tm
			} else {
				tk.Updated = tm
			}
		}
	}
	if d, ok := t.RawGetString("data").(*lua.LTable); ok {
		tk.Data, _ = testValue(L, "ticket.data", d).(map[string]any)
	}
	return tk
}

// testValue copies a value a test gives run() into Go. What a server
// would never store (1/0, a function) is an error in the test, as it is
// in a hook, not data quietly dropped.
func testValue(L *lua.LState, what string, v lua.LValue) any {
	out, err := fromLua(v)
	if err != nil {
		L.RaiseError("run: %s: %v", what, err)
	}
	return out
}

// resultTable shows a test what a script run did: ok, error and line, the
// returned value and message, the ticket with the changes applied, and
// the changes by kind.
func resultTable(L *lua.LState, before *Ticket, res *Result, err error) *lua.LTable {
	out := L.NewTable()
	out.RawSetString("ok", lua.LBool(err == nil))
	if err != nil {
		out.RawSetString("error", lua.LString(err.Error()))
		if se, ok := err.(*Error); ok {
			out.RawSetString("line", lua.LNumber(se.Line))
			out.RawSetString("message", lua.LString(se.Message))
		}
		return out
	}
	out.RawSetString("value", toLua(L, res.Value))
	if res.Message != "" {
		out.RawSetString("message", lua.LString(res.Message))
	}
	after := &Ticket{}
	if before != nil {
		*after = *before
		after.Data = map[string]any{}
		for k, v := range before.Data {
			after.Data[k] = v
		}
	}
	changes, comments, children, transitions := L.NewTable(), L.NewTable(), L.NewTable(), L.NewTable()
	errs := L.NewTable()
	for _, c := range res.Changes {
		row := L.NewTable()
		row.RawSetString("kind", lua.LString(c.Kind))
		switch c.Kind {
		case ChangeField:
			row.RawSetString("field", lua.LString(c.Field))
			row.RawSetString("value", toLua(L, c.Value))
			after.Data[c.Field] = c.Value
		case ChangePriority, ChangeTitle, ChangeTeam, ChangeAssignee:
			row.RawSetString("value", toLua(L, c.Value))
			s, _ := c.Value.(string)
			switch c.Kind {
			case ChangePriority:
				after.Priority = s
			case ChangeTitle:
				after.Title = s
			case ChangeTeam:
				after.Team = s
			default:
				after.Assignee = s
			}
		case ChangeComment:
			row.RawSetString("text", lua.LString(c.Text))
			row.RawSetString("internal", lua.LBool(c.Internal))
			comments.Append(row)
		case ChangeChild:
			row.RawSetString("process", lua.LString(c.Process))
			setString(row, "title", c.Title)
			setString(row, "team", c.Team)
			row.RawSetString("data", toLua(L, c.Data))
			children.Append(row)
		case ChangeFieldError:
			errs.RawSetString(c.Field, lua.LString(c.Text))
		case ChangeTransition:
			row.RawSetString("ticket", lua.LString(c.Ticket))
			row.RawSetString("transition", lua.LString(c.Transition))
			setString(row, "comment", c.Text)
			row.RawSetString("data", toLua(L, c.Data))
			transitions.Append(row)
		}
		changes.Append(row)
	}
	out.RawSetString("changes", changes)
	out.RawSetString("comments", comments)
	out.RawSetString("children", children)
	out.RawSetString("errors", errs)
	out.RawSetString("transitions", transitions)
	if before != nil {
		tk := L.NewTable()
		setString(tk, "number", after.Number)
		setString(tk, "process", after.Process)
		setString(tk, "state", after.State)
		setString(tk, "priority", after.Priority)
		setString(tk, "team", after.Team)
		setString(tk, "assignee", after.Assignee)
		tk.RawSetString("data", toLua(L, after.Data))
		out.RawSetString("ticket", tk)
	}
	return out
}

// expectModule is the assertions of test files; a failed one raises an
// error at the test's line.
func expectModule(L *lua.LState) *lua.LTable {
	m := L.NewTable()
	m.RawSetString("eq", L.NewFunction(func(L *lua.LState) int {
		got, want := L.CheckAny(1), L.CheckAny(2)
		g, gerr := fromLua(got)
		w, werr := fromLua(want)
		if gerr != nil || werr != nil || !reflect.DeepEqual(g, w) {
			L.RaiseError("%sexpected %s, got %s", label(L, 3), describe(want), describe(got))
		}
		return 0
	}))
	m.RawSetString("ok", L.NewFunction(func(L *lua.LState) int {
		if lua.LVIsFalse(L.Get(1)) {
			L.RaiseError("%sexpected a true value, got %s", label(L, 2), describe(L.Get(1)))
		}
		return 0
	}))
	m.RawSetString("contains", L.NewFunction(func(L *lua.LState) int {
		s, part := L.ToStringMeta(L.Get(1)).String(), L.CheckString(2)
		if !strings.Contains(s, part) {
			L.RaiseError("%sexpected %q to contain %q", label(L, 3), s, part)
		}
		return 0
	}))
	return m
}

func label(L *lua.LState, n int) string {
	if s, ok := L.Get(n).(lua.LString); ok {
		return string(s) + ": "
	}
	return ""
}

func describe(v lua.LValue) string {
	if _, ok := v.(*lua.LTable); ok {
		if g, err := fromLua(v); err == nil {
			return fmt.Sprintf("%v", g)
		}
	}
	if s, ok := v.(lua.LString); ok {
		return fmt.Sprintf("%q", string(s))
	}
	return v.String()
}
