package script

import (
	lua "github.com/yuin/gopher-lua"

	"vorgang/core/definition"
)

// safeBase is the allow-list of Lua's base library. Left out: load,
// loadstring, loadfile, dofile (code from outside the catalog), getfenv and
// setfenv (reach the shared globals), rawset (writes past the read-only
// guards), collectgarbage, module, newproxy and print (replaced).
var safeBase = []string{
	"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
	"rawequal", "rawget", "select", "setmetatable", "tonumber", "tostring",
	"type", "unpack", "xpcall", "_VERSION",
}

// unsafeGlobals are removed from the state's own globals table too, so
// nothing that ever reaches it finds them.
var unsafeGlobals = []string{
	"load", "loadstring", "loadfile", "dofile", "getfenv", "setfenv", "rawset",
	"collectgarbage", "module", "newproxy", "print", "require", "_printregs",
}

// openSandbox opens the allowed libraries in L and returns the table
// every call's environment reads through: the safe base functions and
// read-only views of string, table and math.
func (s *vm) openSandbox() *lua.LTable {
	L := s.L
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	globals := L.Get(lua.GlobalsIndex).(*lua.LTable)
	base := L.NewTable()
	for _, name := range safeBase {
		base.RawSetString(name, globals.RawGetString(name))
	}

	str := globals.RawGetString(lua.StringLibName).(*lua.LTable)
	str.RawSetString("dump", s.unavailable("string.dump"))
	s.boundStrings(str)
	// The string metatable's __index is the string table itself (for
	// ("x"):upper()); hide it from getmetatable so it cannot be changed.
	if mt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable); ok {
		mt.RawSetString("__metatable", lua.LFalse)
	}
	math := globals.RawGetString(lua.MathLibName).(*lua.LTable)
	math.RawSetString("randomseed", s.unavailable("math.randomseed"))
	math.RawSetString("random", L.NewFunction(mathRandom))
	tbl := globals.RawGetString(lua.TabLibName).(*lua.LTable)
	tbl.RawSetString("concat", L.NewFunction(s.tableConcat))
	tbl.RawSetString("sort", L.NewFunction(s.tableSort))

	base.RawSetString(lua.StringLibName, s.readOnly(str))
	base.RawSetString(lua.TabLibName, s.readOnly(tbl))
	base.RawSetString(lua.MathLibName, s.readOnly(math))
	base.RawSetString(definition.ConcatFunction, L.NewFunction(s.concatOperator))
	base.RawSetString("print", L.NewFunction(s.print))
	base.RawSetString("require", L.NewFunction(s.require))
	for name, mod := range s.apiModules() {
		base.RawSetString(name, s.readOnly(mod))
	}
	for _, name := range unsafeGlobals {
		globals.RawSetString(name, lua.LNil)
		if base.RawGetString(name) == lua.LNil {
			base.RawSetString(name, s.unavailable(name))
		}
	}
	// Missing libraries explain themselves instead of "attempt to index a
	// nil value".
	for _, name := range []string{"os", "io", "debug", "package", "coroutine", "channel"} {
		mt := L.NewTable()
		mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("the %s library is not available in scripts (%s.%s)", name, name, L.ToString(2))
			return 0
		}))
		mt.RawSetString("__newindex", mt.RawGetString("__index"))
		mt.RawSetString("__metatable", lua.LFalse)
		stub := L.NewTable()
		L.SetMetatable(stub, mt)
		base.RawSetString(name, stub)
	}
	return base
}

// unavailable is a function that explains that name is not offered.
func (s *vm) unavailable(name string) *lua.LFunction {
	return s.L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s is not available in scripts", name)
		return 0
	})
}

// readOnly returns a view of t that can be read but not changed, so one
// call cannot alter a library the next call uses.
func (s *vm) readOnly(t *lua.LTable) *lua.LTable {
	L := s.L
	view := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("attempt to change a read-only library table (field '%s')", L.ToString(2))
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(view, mt)
	return view
}

// envMeta is the metatable of every call's environment: reads fall back to
// the shared base table, writes stay in the call's own table.
func (s *vm) newEnvMeta(base *lua.LTable) *lua.LTable {
	mt := s.L.NewTable()
	mt.RawSetString("__index", base)
	mt.RawSetString("__metatable", lua.LFalse)
	return mt
}
