package script

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"vorgang/core/script/internal/luapat"
)

// boundStrings replaces the string functions whose work or result a
// script could make unbounded: those that build strings (rep, format,
// gsub, upper, lower, reverse) learn the size of their result before they
// allocate it (see needString), and the pattern functions spend from the
// call's budget (gopher-lua's matcher backtracks without limit and cannot
// be interrupted; luapat stops with the call's context).
func (s *vm) boundStrings(str *lua.LTable) {
	L := s.L
	for name, fn := range map[string]lua.LGFunction{
		"rep": s.strRep, "format": s.strFormat, "find": s.strFind, "match": s.strMatch,
		"gmatch": s.strGmatch, "gsub": s.strGsub, "reverse": s.strReverse,
		"upper": s.caseMap("string.upper", strings.ToUpper),
		"lower": s.caseMap("string.lower", strings.ToLower),
	} {
		str.RawSetString(name, L.NewFunction(fn))
	}
}

func (s *vm) strRep(L *lua.LState) int {
	str := L.CheckString(1)
	n := L.CheckInt(2)
	sep := L.OptString(3, "")
	if n <= 0 {
		L.Push(lua.LString(""))
		return 1
	}
	s.needString(L, "string.rep", int64(len(str)+len(sep))*int64(n))
	if sep == "" {
		L.Push(lua.LString(strings.Repeat(str, n)))
		return 1
	}
	L.Push(lua.LString(strings.Repeat(str+sep, n-1) + str))
	return 1
}

func (s *vm) strReverse(L *lua.LState) int {
	str := L.CheckString(1)
	s.needString(L, "string.reverse", int64(len(str)))
	out := make([]byte, len(str))
	for i := range len(str) {
		out[len(str)-1-i] = str[i]
	}
	L.Push(lua.LString(out))
	return 1
}

// caseMap is string.upper or string.lower. Case mapping is by Unicode
// (ä becomes Ä), and a byte that is not UTF-8 becomes U+FFFD: the result
// may be up to three times as long as the text.
func (s *vm) caseMap(name string, mapping func(string) string) lua.LGFunction {
	return func(L *lua.LState) int {
		str := L.CheckString(1)
		s.needString(L, name, int64(len(str)))
		s.needString(L, name, 3*int64(len(str)))
		L.Push(lua.LString(mapping(str)))
		return 1
	}
}

// find runs a pattern search within the call's budget.
func (s *vm) find(L *lua.LState, pattern, str string, offset, limit int) []*luapat.MatchData {
	budget := &luapat.Budget{Steps: 1 << 62}
	if s.cur != nil {
		budget = s.cur.budget
	}
	mds, err := luapat.Find(budget, pattern, []byte(str), offset, limit)
	if err == luapat.ErrBudget {
		L.RaiseError("pattern '%s' is too expensive for a string of %d bytes", shorten(pattern, 40), len(str))
	}
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	return mds
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// stringIndex converts a Lua string index (1-based, negative from the end)
// to a Go offset.
func stringIndex(str string, i int, start bool) int {
	if start && i != 0 {
		i--
	}
	l := len(str)
	if i < 0 {
		i = l + i + 1
	}
	i = max(0, i)
	if !start && i > l {
		i = l
	}
	return i
}

func pushCaptures(L *lua.LState, str string, md *luapat.MatchData, whole bool) int {
	if md.CaptureLength() == 2 {
		if whole {
			L.Push(lua.LString(str[md.Capture(0):md.Capture(1)]))
			return 1
		}
		return 0
	}
	n := 0
	for i := 2; i < md.CaptureLength(); i += 2 {
		if md.IsPosCapture(i) {
			L.Push(lua.LNumber(md.Capture(i)))
		} else {
			L.Push(lua.LString(str[md.Capture(i):md.Capture(i+1)]))
		}
		n++
	}
	return n
}

func (s *vm) strFind(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	init := stringIndex(str, L.OptInt(3, 1), true)
	if init > len(str) {
		L.Push(lua.LNil)
		return 1
	}
	if pattern == "" {
		L.Push(lua.LNumber(init + 1))
		L.Push(lua.LNumber(init))
		return 2
	}
	if lua.LVAsBool(L.Get(4)) {
		pos := strings.Index(str[init:], pattern)
		if pos < 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LNumber(init + pos + 1))
		L.Push(lua.LNumber(init + pos + len(pattern)))
		return 2
	}
	mds := s.find(L, pattern, str, init, 1)
	if len(mds) == 0 {
		L.Push(lua.LNil)
		return 1
	}
	md := mds[0]
	L.Push(lua.LNumber(md.Capture(0) + 1))
	L.Push(lua.LNumber(md.Capture(1)))
	return 2 + pushCaptures(L, str, md, false)
}

func (s *vm) strMatch(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	init := stringIndex(str, L.OptInt(3, 1), true)
	if init > len(str) {
		L.Push(lua.LNil)
		return 1
	}
	mds := s.find(L, pattern, str, init, 1)
	if len(mds) == 0 {
		L.Push(lua.LNil)
		return 1
	}
	return pushCaptures(L, str, mds[0], true)
}

func (s *vm) strGmatch(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if pos > len(str) {
			return 0
		}
		mds := s.find(L, pattern, str, pos, 1)
		if len(mds) == 0 {
			pos = len(str) + 1
			return 0
		}
		md := mds[0]
		pos = max(md.Capture(0)+1, md.Capture(1))
		return pushCaptures(L, str, md, true)
	}))
	return 1
}

// strGsub finds one match at a time, so a replacement that makes the
// result too large stops at once rather than after every match was found.
func (s *vm) strGsub(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	L.CheckTypes(3, lua.LTString, lua.LTNumber, lua.LTTable, lua.LTFunction)
	repl := L.Get(3)
	limit := L.OptInt(4, -1)
	anchored := strings.HasPrefix(pattern, "^")
	var out strings.Builder
	last, pos, n := 0, 0, 0
	for pos <= len(str) && (limit < 0 || n < limit) {
		mds := s.find(L, pattern, str, pos, 1)
		if len(mds) == 0 {
			break
		}
		md := mds[0]
		n++
		start, end := md.Capture(0), md.Capture(1)
		var replacement string
		keep := false
		switch r := repl.(type) {
		case lua.LString, lua.LNumber:
			replacement = s.expandReplacement(L, lua.LVAsString(r), str, md)
		case *lua.LTable:
			v := L.GetTable(r, firstCapture(str, md))
			if lua.LVIsFalse(v) {
				keep = true
			} else {
				replacement = lua.LVAsString(v)
			}
		case *lua.LFunction:
			L.Push(r)
			L.Call(pushCaptures(L, str, md, true), 1)
			v := L.Get(-1)
			L.Pop(1)
			if lua.LVIsFalse(v) {
				keep = true
			} else {
				replacement = lua.LVAsString(v)
			}
		}
		piece := replacement
		if keep {
			piece = str[start:end]
		}
		s.needString(L, "string.gsub", int64(out.Len())+int64(start-last)+int64(len(piece)))
		out.WriteString(str[last:start])
		out.WriteString(piece)
		last = end
		if anchored {
			break
		}
		pos = max(start+1, end)
	}
	s.needString(L, "string.gsub", int64(out.Len())+int64(len(str)-last))
	out.WriteString(str[last:])
	L.Push(lua.LString(out.String()))
	L.Push(lua.LNumber(n))
	return 2
}

func firstCapture(str string, md *luapat.MatchData) lua.LValue {
	if md.CaptureLength() == 2 {
		return lua.LString(str[md.Capture(0):md.Capture(1)])
	}
	if md.IsPosCapture(2) {
		return lua.LNumber(md.Capture(2))
	}
	return lua.LString(str[md.Capture(2):md.Capture(3)])
}

// expandReplacement fills in %0-%9 of a gsub replacement string.
func (s *vm) expandReplacement(L *lua.LState, repl, str string, md *luapat.MatchData) string {
	if !strings.Contains(repl, "%") {
		return repl
	}
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '%' || i == len(repl)-1 {
			b.WriteByte(c)
			continue
		}
		i++
		d := repl[i]
		if d < '0' || d > '9' {
			b.WriteByte(d)
			continue
		}
		idx := int(d-'0') * 2
		var part string
		switch {
		case idx == 0, idx == 2 && md.CaptureLength() == 2:
			part = str[md.Capture(0):md.Capture(1)]
		case idx >= md.CaptureLength():
			L.RaiseError("invalid capture index %%%c in replacement string", d)
		case md.IsPosCapture(idx):
			part = strconv.Itoa(md.Capture(idx))
		default:
			part = str[md.Capture(idx):md.Capture(idx+1)]
		}
		// "%0%0%0..." repeats the match as often as the replacement is
		// long: check before each copy.
		s.needString(L, "string.gsub", int64(b.Len())+int64(len(part)))
		b.WriteString(part)
	}
	return b.String()
}
