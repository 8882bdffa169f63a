package script

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// tableSort is table.sort(t, [less]). gopher-lua sorts in Go without
// looking at the call's context, so sorting a table of a million numbers
// ran on for long after the time limit; this one looks now and then.
func (s *vm) tableSort(L *lua.LState) int {
	tbl := L.CheckTable(1)
	var less *lua.LFunction
	if L.GetTop() > 1 && L.Get(2) != lua.LNil {
		less = L.CheckFunction(2)
	}
	n := tbl.Len()
	values := make([]lua.LValue, n)
	for i := range values {
		values[i] = tbl.RawGetInt(i + 1)
	}
	compared := 0
	sort.Sort(sorter{values: values, less: func(a, b lua.LValue) bool {
		compared++
		if compared%checkEvery == 0 {
			s.stopIfDone(L)
		}
		if less == nil {
			return L.LessThan(a, b)
		}
		L.Push(less)
		L.Push(a)
		L.Push(b)
		L.Call(2, 1)
		ok := lua.LVAsBool(L.Get(-1))
		L.Pop(1)
		return ok
	}})
	for i, v := range values {
		tbl.RawSetInt(i+1, v)
	}
	return 0
}

type sorter struct {
	values []lua.LValue
	less   func(a, b lua.LValue) bool
}

func (s sorter) Len() int           { return len(s.values) }
func (s sorter) Swap(i, j int)      { s.values[i], s.values[j] = s.values[j], s.values[i] }
func (s sorter) Less(i, j int) bool { return s.less(s.values[i], s.values[j]) }
