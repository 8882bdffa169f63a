package script

import (
	"time"

	lua "github.com/yuin/gopher-lua"
)

// host returns the running call's host, or raises an error.
func (s *vm) host(L *lua.LState) Host {
	cs := s.call(L)
	if cs.call.Host == nil {
		L.RaiseError("queries are not available here")
	}
	return cs.call.Host
}

// limit reads opts.limit, bounded by Config.MaxResults.
func (s *vm) limit(L *lua.LState, opts *lua.LTable) int {
	n := s.rt.cfg.MaxResults
	if opts == nil {
		return n
	}
	switch v := opts.RawGetString("limit").(type) {
	case *lua.LNilType:
	case lua.LNumber:
		if int(v) < 1 {
			L.RaiseError("limit must be at least 1")
		}
		n = min(n, int(v))
	default:
		L.RaiseError("limit must be a number")
	}
	return n
}

// ticketsModule is the read-only ticket queries, and transition for jobs.
func (s *vm) ticketsModule() *lua.LTable {
	L := s.L
	m := L.NewTable()
	m.RawSetString("get", L.NewFunction(s.ticketsGet))
	m.RawSetString("find", L.NewFunction(s.ticketsFind))
	m.RawSetString("transition", L.NewFunction(s.ticketsTransition))
	return m
}

func (s *vm) ticketsGet(L *lua.LState) int {
	number := L.CheckString(1)
	t, err := s.host(L).Ticket(s.call(L).ctx, number)
	if err != nil {
		L.RaiseError("tickets.get('%s'): %s", number, err.Error())
	}
	if t == nil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(s.ticketTable(s.call(L), t, false))
	return 1
}

// ticketFilterKeys are the keys tickets.find understands; others are an
// error, so a typo does not silently match everything.
var ticketFilterKeys = map[string]bool{
	"process": true, "state": true, "team": true, "assignee": true, "requester": true,
	"priority": true, "open": true, "updated_before": true, "updated_after": true,
}

func (s *vm) ticketsFind(L *lua.LState) int {
	filter := L.CheckTable(1)
	opts := L.OptTable(2, nil)
	q := TicketQuery{Limit: s.limit(L, opts)}
	filter.ForEach(func(k, v lua.LValue) {
		key, ok := k.(lua.LString)
		if !ok || !ticketFilterKeys[string(key)] {
			L.ArgError(1, "unknown filter '"+k.String()+"' (process, state, team, assignee, requester, priority, open, updated_before, updated_after)")
		}
		switch string(key) {
		case "open":
			b, ok := v.(lua.LBool)
			if !ok {
				L.ArgError(1, "open must be true or false")
			}
			open := bool(b)
			q.Open = &open
		case "updated_before":
			q.UpdatedBefore = checkTimeValue(L, v, 1)
		case "updated_after":
			q.UpdatedAfter = checkTimeValue(L, v, 1)
		default:
			str, ok := v.(lua.LString)
			if !ok {
				L.ArgError(1, string(key)+" must be a string")
			}
			switch string(key) {
			case "process":
				q.Process = string(str)
			case "state":
				q.State = string(str)
			case "team":
				q.Team = string(str)
			case "assignee":
				q.Assignee = string(str)
			case "requester":
				q.Requester = string(str)
			case "priority":
				q.Priority = string(str)
			}
		}
	})
	found, err := s.host(L).FindTickets(s.call(L).ctx, q)
	if err != nil {
		L.RaiseError("tickets.find: %s", err.Error())
	}
	out := L.CreateTable(len(found), 0)
	for i := range found {
		if i >= q.Limit {
			break
		}
		out.Append(s.ticketTable(s.call(L), &found[i], false))
	}
	L.Push(out)
	return 1
}

func (s *vm) ticketsTransition(L *lua.LState) int {
	cs := s.call(L)
	if cs.call.Hook != HookJob && cs.call.Hook != HookTest {
		L.RaiseError("tickets.transition is only available in scheduled jobs")
	}
	number := L.CheckString(1)
	transition := checkName(L, 2, "transition")
	c := Change{Kind: ChangeTransition, Ticket: number, Transition: transition}
	if opts := L.OptTable(3, nil); opts != nil {
		c.Text = optString(L, opts, "comment")
		c.Data = optData(L, opts, 3)
	}
	s.addChange(L, c)
	return 0
}

// assetsModule is the read-only asset query.
func (s *vm) assetsModule() *lua.LTable {
	L := s.L
	m := L.NewTable()
	m.RawSetString("find", L.NewFunction(s.assetsFind))
	return m
}

func (s *vm) assetsFind(L *lua.LState) int {
	filter := L.CheckTable(1)
	opts := L.OptTable(2, nil)
	q := AssetQuery{Limit: s.limit(L, opts), Fields: map[string]any{}}
	filter.ForEach(func(k, v lua.LValue) {
		key, ok := k.(lua.LString)
		if !ok {
			L.ArgError(1, "filter keys must be strings")
		}
		val, err := fromLua(v)
		if err != nil {
			L.ArgError(1, err.Error())
		}
		switch string(key) {
		case "class":
			q.Class, _ = val.(string)
		case "status":
			q.Status, _ = val.(string)
		default:
			q.Fields[string(key)] = val
		}
	})
	if q.Class == "" {
		L.ArgError(1, "the filter needs a class")
	}
	found, err := s.host(L).FindAssets(s.call(L).ctx, q)
	if err != nil {
		L.RaiseError("assets.find: %s", err.Error())
	}
	out := L.CreateTable(len(found), 0)
	for i, a := range found {
		if i >= q.Limit {
			break
		}
		out.Append(toLua(L, a))
	}
	L.Push(out)
	return 1
}

// checkTimeValue reads a time given as Unix seconds (what the time module
// returns) or as RFC 3339 text.
func checkTimeValue(L *lua.LState, v lua.LValue, arg int) time.Time {
	switch x := v.(type) {
	case lua.LNumber:
		return fromUnix(float64(x))
	case lua.LString:
		t, err := parseTime(string(x), time.UTC)
		if err != nil {
			L.ArgError(arg, err.Error())
		}
		return t
	}
	L.ArgError(arg, "a time must be a number (seconds) or text")
	return time.Time{}
}

func fromUnix(sec float64) time.Time {
	return time.UnixMilli(int64(sec * 1000)).UTC()
}
