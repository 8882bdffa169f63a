package script

import (
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// Priorities a ticket can have (common.schema.json#/definitions/priority).
var priorities = map[string]bool{"critical": true, "high": true, "medium": true, "low": true}

// maxText bounds comments and messages a script writes.
const maxText = 10_000

// ticketFunctions are the write functions of the ticket table. Each checks
// its arguments at once, so a mistake names the script's line, records a
// change, and updates the ticket table so the script reads what it set.
func (s *vm) ticketFunctions() map[string]*lua.LFunction {
	L := s.L
	return map[string]*lua.LFunction{
		"set":          L.NewFunction(s.ticketSet),
		"set_priority": L.NewFunction(s.ticketSetPriority),
		"set_title":    L.NewFunction(s.ticketSetTitle),
		"set_team":     L.NewFunction(s.ticketSetTeam),
		"assign":       L.NewFunction(s.ticketAssign),
		"comment":      L.NewFunction(s.ticketComment),
		"create_child": L.NewFunction(s.ticketCreateChild),
		"error":        L.NewFunction(s.ticketError),
		"field_error":  L.NewFunction(s.ticketError),
	}
}

func (s *vm) ticketSet(L *lua.LState) int {
	cs := s.call(L)
	field := checkName(L, 1, "field")
	val := L.CheckAny(2)
	v, err := fromLua(val)
	if err != nil {
		L.ArgError(2, err.Error())
	}
	s.addChange(L, Change{Kind: ChangeField, Field: field, Value: v})
	s.hookTicket(L, cs).RawGetString("data").(*lua.LTable).RawSetString(field, toLua(L, v))
	return 0
}

func (s *vm) ticketSetPriority(L *lua.LState) int {
	cs := s.call(L)
	p := L.CheckString(1)
	if !priorities[p] {
		L.ArgError(1, "unknown priority '"+p+"' (critical, high, medium or low)")
	}
	s.addChange(L, Change{Kind: ChangePriority, Value: p})
	s.hookTicket(L, cs).RawSetString("priority", lua.LString(p))
	return 0
}

// maxTitle bounds a title a script sets, in runes (as a ticket_title
// template's).
const maxTitle = 500

func (s *vm) ticketSetTitle(L *lua.LState) int {
	cs := s.call(L)
	title := strings.Join(strings.Fields(L.CheckString(1)), " ")
	if title == "" {
		L.ArgError(1, "the title is empty")
	}
	if !utf8.ValidString(title) || utf8.RuneCountInString(title) > maxTitle {
		L.ArgError(1, "the title must be UTF-8 text of at most 500 characters")
	}
	s.addChange(L, Change{Kind: ChangeTitle, Value: title})
	s.hookTicket(L, cs).RawSetString("title", lua.LString(title))
	return 0
}

func (s *vm) ticketSetTeam(L *lua.LState) int {
	cs := s.call(L)
	team := L.CheckString(1)
	if s.catalog(L).Team(team) == nil {
		L.ArgError(1, "unknown team '"+team+"'")
	}
	s.addChange(L, Change{Kind: ChangeTeam, Value: team})
	s.hookTicket(L, cs).RawSetString("team", lua.LString(team))
	return 0
}

func (s *vm) ticketAssign(L *lua.LState) int {
	cs := s.call(L)
	user := L.OptString(1, "")
	s.addChange(L, Change{Kind: ChangeAssignee, Value: user})
	if user == "" {
		s.hookTicket(L, cs).RawSetString("assignee", lua.LNil)
	} else {
		s.hookTicket(L, cs).RawSetString("assignee", lua.LString(user))
	}
	return 0
}

func (s *vm) ticketComment(L *lua.LState) int {
	text := checkText(L, 1)
	opts := L.OptTable(2, nil)
	internal := false
	if opts != nil {
		internal = lua.LVAsBool(opts.RawGetString("internal"))
	}
	s.addChange(L, Change{Kind: ChangeComment, Text: text, Internal: internal})
	return 0
}

func (s *vm) ticketCreateChild(L *lua.LState) int {
	process := L.CheckString(1)
	if s.catalog(L).Process(process) == nil {
		L.ArgError(1, "unknown process '"+process+"'")
	}
	c := Change{Kind: ChangeChild, Process: process}
	if opts := L.OptTable(2, nil); opts != nil {
		c.Title = optString(L, opts, "title")
		c.Team = optString(L, opts, "team")
		if c.Team != "" && s.catalog(L).Team(c.Team) == nil {
			L.ArgError(2, "unknown team '"+c.Team+"'")
		}
		c.Data = optData(L, opts, 2)
	}
	s.addChange(L, c)
	return 0
}

func (s *vm) ticketError(L *lua.LState) int {
	field := checkName(L, 1, "field")
	msg := checkText(L, 2)
	s.addChange(L, Change{Kind: ChangeFieldError, Field: field, Text: msg})
	return 0
}

func checkName(L *lua.LState, n int, what string) string {
	name := L.CheckString(n)
	if name == "" || len(name) > 200 || strings.ContainsAny(name, "$\x00") {
		L.ArgError(n, "invalid "+what+" name")
	}
	return name
}

func checkText(L *lua.LState, n int) string {
	text := strings.TrimSpace(L.CheckString(n))
	switch {
	case text == "":
		L.ArgError(n, "text must not be empty")
	case len(text) > maxText:
		L.ArgError(n, "text is longer than 10,000 bytes")
	case !utf8.ValidString(text):
		L.ArgError(n, "text is not valid UTF-8")
	}
	return text
}

func optString(L *lua.LState, t *lua.LTable, key string) string {
	switch v := t.RawGetString(key).(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		return string(v)
	default:
		L.RaiseError("option '%s' must be a string, not a %s", key, v.Type().String())
	}
	return ""
}

// optData reads the data option (a table of field values) of an options
// table.
func optData(L *lua.LState, opts *lua.LTable, arg int) map[string]any {
	d := opts.RawGetString("data")
	if d == lua.LNil {
		return nil
	}
	v, err := fromLua(d)
	if err != nil {
		L.ArgError(arg, "data: "+err.Error())
	}
	switch m := v.(type) {
	case map[string]any:
		return m
	case []any:
		if len(m) == 0 {
			return map[string]any{}
		}
	}
	L.ArgError(arg, "data must be a table of field values")
	return nil
}
