package script

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"

	lua "github.com/yuin/gopher-lua"
)

// apiModules are vorgang's modules, shared by every call of a state (read
// only). ticket and event are per call.
func (s *vm) apiModules() map[string]*lua.LTable {
	return map[string]*lua.LTable{
		"tickets": s.ticketsModule(),
		"assets":  s.assetsModule(),
		"catalog": s.catalogModule(),
		"time":    s.timeModule(),
		"json":    s.jsonModule(),
		"log":     s.logModule(),
	}
}

func (s *vm) jsonModule() *lua.LTable {
	L := s.L
	m := L.NewTable()
	m.RawSetString("encode", L.NewFunction(func(L *lua.LState) int {
		v, err := fromLua(L.CheckAny(1))
		if err != nil {
			L.ArgError(1, err.Error())
		}
		b, err := json.Marshal(v)
		if err != nil {
			L.ArgError(1, err.Error())
		}
		if len(b) > s.rt.cfg.MaxString {
			L.RaiseError("json.encode: the result would have more than %d bytes", s.rt.cfg.MaxString)
		}
		L.Push(lua.LString(b))
		return 1
	}))
	m.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		text := L.CheckString(1)
		dec := json.NewDecoder(bytes.NewReader([]byte(text)))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString("invalid JSON: " + err.Error()))
			return 2
		}
		L.Push(toLua(L, v))
		return 1
	}))
	return m
}

// Bounds of the log lines of one call.
const (
	maxLogLines = 200
	maxLogText  = 2000
)

func (s *vm) logModule() *lua.LTable {
	L := s.L
	m := L.NewTable()
	for _, level := range []string{"debug", "info", "warn", "error"} {
		m.RawSetString(level, L.NewFunction(func(L *lua.LState) int {
			msg := L.CheckString(1)
			var fields map[string]any
			if t := L.OptTable(2, nil); t != nil {
				if v, err := fromLua(t); err == nil {
					fields, _ = v.(map[string]any)
				}
			}
			s.logLine(L, level, msg, fields)
			return 0
		}))
	}
	return m
}

var slogLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// logLine writes a script's log line with the script, hook and ticket, at
// most maxLogLines per call.
func (s *vm) logLine(L *lua.LState, level, msg string, fields map[string]any) {
	cs := s.call(L)
	cs.logs++
	if cs.logs > maxLogLines {
		return
	}
	msg = shorten(msg, maxLogText)
	attrs := []any{slog.String("script", cs.call.Script), slog.String("hook", cs.call.Hook)}
	if cs.call.Ticket != nil && cs.call.Ticket.Number != "" {
		attrs = append(attrs, slog.String("ticket", cs.call.Ticket.Number))
	}
	if dbg, ok := L.GetStack(1); ok {
		if _, err := L.GetInfo("l", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
			attrs = append(attrs, slog.Int("line", dbg.CurrentLine))
		}
	}
	for _, k := range sortedKeys(fields) {
		attrs = append(attrs, slog.Any(k, fields[k]))
	}
	s.rt.cfg.Logger.Log(context.WithoutCancel(cs.ctx), slogLevels[level], msg, attrs...)
}
