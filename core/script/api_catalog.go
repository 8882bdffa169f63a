package script

import (
	lua "github.com/yuin/gopher-lua"

	"vorgang/core/definition"
)

// catalogModule reads the definitions: teams, calendars, processes.
func (s *vm) catalogModule() *lua.LTable {
	L := s.L
	m := L.NewTable()
	m.RawSetString("team", L.NewFunction(func(L *lua.LState) int {
		t := s.catalog(L).Team(L.CheckString(1))
		if t == nil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(teamTable(L, t))
		return 1
	}))
	m.RawSetString("teams", L.NewFunction(func(L *lua.LState) int {
		out := L.NewTable()
		for _, t := range s.catalog(L).Teams() {
			out.Append(teamTable(L, t))
		}
		L.Push(out)
		return 1
	}))
	m.RawSetString("calendar", L.NewFunction(func(L *lua.LState) int {
		c := s.catalog(L).Calendar(L.CheckString(1))
		if c == nil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(calendarTable(L, c))
		return 1
	}))
	m.RawSetString("calendars", L.NewFunction(func(L *lua.LState) int {
		out := L.NewTable()
		for _, c := range s.catalog(L).Calendars() {
			out.Append(calendarTable(L, c))
		}
		L.Push(out)
		return 1
	}))
	m.RawSetString("process", L.NewFunction(func(L *lua.LState) int {
		p := s.catalog(L).Process(L.CheckString(1))
		if p == nil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(processTable(L, p))
		return 1
	}))
	return m
}

func labelTable(L *lua.LState, l definition.Label) *lua.LTable {
	t := L.CreateTable(0, 2)
	t.RawSetString("de", lua.LString(l.De))
	if l.En != "" {
		t.RawSetString("en", lua.LString(l.En))
	}
	return t
}

func refList(L *lua.LState, refs []definition.Ref) *lua.LTable {
	t := L.CreateTable(len(refs), 0)
	for _, r := range refs {
		t.Append(lua.LString(r.Value))
	}
	return t
}

func setString(t *lua.LTable, k, v string) {
	if v != "" {
		t.RawSetString(k, lua.LString(v))
	}
}

func teamTable(L *lua.LState, tm *definition.Team) *lua.LTable {
	t := L.CreateTable(0, 6)
	setString(t, "id", tm.ID.Value)
	t.RawSetString("title", labelTable(L, tm.Title))
	setString(t, "email", tm.Email)
	setString(t, "calendar", tm.Calendar.Value)
	setString(t, "parent", tm.Parent.Value)
	t.RawSetString("roles", refList(L, tm.Roles))
	return t
}

func calendarTable(L *lua.LState, c *definition.Calendar) *lua.LTable {
	t := L.CreateTable(0, 6)
	setString(t, "id", c.ID.Value)
	t.RawSetString("title", labelTable(L, c.Title))
	setString(t, "timezone", c.Timezone.Value)
	hours := L.NewTable()
	for _, day := range sortedKeys(c.WorkingHours) {
		hours.RawSetString(day, refList(L, c.WorkingHours[day]))
	}
	t.RawSetString("working_hours", hours)
	t.RawSetString("closed_days", refList(L, c.ClosedDays))
	if c.Holidays != nil {
		h := L.NewTable()
		setString(h, "country", c.Holidays.Country)
		setString(h, "state", c.Holidays.State)
		t.RawSetString("holidays", h)
	}
	return t
}

func processTable(L *lua.LState, p *definition.Process) *lua.LTable {
	t := L.CreateTable(0, 8)
	setString(t, "id", p.ID.Value)
	t.RawSetString("title", labelTable(L, p.Title))
	setString(t, "team", p.Team.Value)
	setString(t, "sla", p.SLA.Value)
	setString(t, "form", p.Form.Value)
	setString(t, "default_priority", p.DefaultPriority)
	states := L.CreateTable(len(p.States), 0)
	for _, st := range p.States {
		row := L.CreateTable(0, 3)
		setString(row, "id", st.ID.Value)
		setString(row, "category", st.Category)
		row.RawSetString("title", labelTable(L, st.Title))
		states.Append(row)
	}
	t.RawSetString("states", states)
	transitions := L.CreateTable(len(p.Transitions), 0)
	for _, tr := range p.Transitions {
		row := L.CreateTable(0, 3)
		setString(row, "id", tr.ID.Value)
		setString(row, "to", tr.To.Value)
		row.RawSetString("from", refList(L, tr.From))
		transitions.Append(row)
	}
	t.RawSetString("transitions", transitions)
	return t
}
