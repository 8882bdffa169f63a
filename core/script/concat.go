package script

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// concatOperator is Lua's `..`: the definition loader compiles
// a .. b .. c into a call of definition.ConcatFunction with the operands.
// It does what gopher-lua's VM does (right to left; strings and numbers
// are joined, anything else goes to a __concat metamethod), but learns the
// size of the result before it builds it.
func (s *vm) concatOperator(L *lua.LState) int {
	n := L.GetTop()
	if n == 2 {
		// The common case: two strings.
		a, aok := L.Get(1).(lua.LString)
		b, bok := L.Get(2).(lua.LString)
		if aok && bok {
			s.needString(L, "concatenation (..)", int64(len(a))+int64(len(b)))
			L.Push(a + b)
			return 1
		}
	}
	rhs := L.Get(n)
	for i := n - 1; i >= 1; {
		lhs := L.Get(i)
		if !lua.LVCanConvToString(lhs) || !lua.LVCanConvToString(rhs) {
			op := L.GetMetaField(lhs, "__concat")
			if op == lua.LNil {
				op = L.GetMetaField(rhs, "__concat")
			}
			if op.Type() != lua.LTFunction {
				L.RaiseError("cannot perform concat operation between %v and %v", lhs.Type().String(), rhs.Type().String())
			}
			L.Push(op)
			L.Push(lhs)
			L.Push(rhs)
			L.Call(2, 1)
			rhs = L.Get(-1)
			L.Pop(1)
			i--
			continue
		}
		// Join the run of strings and numbers that ends in rhs.
		first := i
		for first > 1 && lua.LVCanConvToString(L.Get(first-1)) {
			first--
		}
		parts := make([]string, 0, i-first+2)
		size := int64(0)
		for j := first; j <= i; j++ {
			p := lua.LVAsString(L.Get(j))
			parts = append(parts, p)
			size += int64(len(p))
		}
		last := lua.LVAsString(rhs)
		parts = append(parts, last)
		size += int64(len(last))
		s.needString(L, "concatenation (..)", size)
		rhs = lua.LString(strings.Join(parts, ""))
		i = first - 1
	}
	L.Push(rhs)
	return 1
}

// tableConcat is table.concat(t, [sep, [i, [j]]]): the size of the result
// is added up before anything is built.
func (s *vm) tableConcat(L *lua.LState) int {
	tbl := L.CheckTable(1)
	sep := L.OptString(2, "")
	n := tbl.Len()
	i := L.OptInt(3, 1)
	j := L.OptInt(4, n)
	if i > j {
		L.Push(lua.LString(""))
		return 1
	}
	size := int64(len(sep)) * int64(j-i)
	for k := i; k <= j; k++ {
		if (k-i)%checkEvery == checkEvery-1 {
			s.stopIfDone(L)
		}
		v := tbl.RawGetInt(k)
		if !lua.LVCanConvToString(v) {
			L.RaiseError("invalid value (at index %d) in table for 'concat'", k)
		}
		if str, ok := v.(lua.LString); ok {
			size += int64(len(str))
		} else {
			size += int64(len(lua.LVAsString(v)))
		}
		if size > int64(s.rt.cfg.MaxString) {
			break // needString says so below
		}
	}
	s.needString(L, "table.concat", size)
	var b strings.Builder
	b.Grow(int(size))
	for k := i; k <= j; k++ {
		if k > i {
			b.WriteString(sep)
		}
		b.WriteString(lua.LVAsString(tbl.RawGetInt(k)))
	}
	L.Push(lua.LString(b.String()))
	return 1
}
