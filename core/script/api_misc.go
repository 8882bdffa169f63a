package script

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"unicode/utf8"

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
		// A table may hold the same long string many times: the size of
		// the text is known before it is built.
		s.needString(L, "json.encode", jsonSize(v, int64(s.rt.cfg.MaxString)))
		b, err := json.Marshal(v)
		if err != nil {
			L.ArgError(1, err.Error())
		}
		L.Push(lua.LString(b))
		return 1
	}))
	m.RawSetString("decode", L.NewFunction(func(L *lua.LState) int {
		text := L.CheckString(1)
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		if err == nil {
			err = finite(v)
		}
		if err != nil {
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

// finite refuses numbers of decoded JSON that are no finite float64
// (1e999): they cannot be stored, and must not reach a script as text.
func finite(v any) error {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("number %s is out of range", shorten(x.String(), 40))
		}
	case []any:
		for _, e := range x {
			if err := finite(e); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, e := range x {
			if err := finite(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonSize is at least the length of json.Marshal(v) for the values
// fromLua makes, or more than limit: it stops counting there.
func jsonSize(v any, limit int64) int64 {
	switch x := v.(type) {
	case string:
		return jsonStringSize(x)
	case []any:
		n := int64(2 + len(x))
		for _, e := range x {
			if n += jsonSize(e, limit-n); n > limit {
				break
			}
		}
		return n
	case map[string]any:
		n := int64(2 + 2*len(x))
		for k, e := range x {
			if n += jsonStringSize(k) + jsonSize(e, limit-n); n > limit {
				break
			}
		}
		return n
	}
	return 32 // a number, true, false or null
}

// jsonStringSize is the length of a string in JSON: quoted, control
// characters and <, >, & as \u00XX, invalid UTF-8 as \ufffd.
func jsonStringSize(s string) int64 {
	n := int64(2)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			n += 6
		} else {
			n += int64(size)
		}
		i += size
	}
	return n
}
