package script

import (
	"math"
	"math/rand/v2"

	lua "github.com/yuin/gopher-lua"
)

// mathRandom is math.random as Lua 5.1 has it: random() in [0, 1),
// random(m) in [1, m], random(m, n) in [m, n]. gopher-lua's panics inside
// Go's rand for random(0) and for an empty interval.
func mathRandom(L *lua.LState) int {
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(rand.Float64()))
		return 1
	case 1:
		L.Push(lua.LNumber(randomIn(L, 1, float64(L.CheckNumber(1)), 1)))
		return 1
	}
	L.Push(lua.LNumber(randomIn(L, float64(L.CheckNumber(1)), float64(L.CheckNumber(2)), 2)))
	return 1
}

// randomIn returns a whole number in [lo, hi]; arg is the argument an
// empty interval is blamed on.
func randomIn(L *lua.LState, lo, hi float64, arg int) float64 {
	lo, hi = math.Floor(lo), math.Floor(hi)
	const limit = 1 << 53 // whole numbers beyond are not exact
	if !(lo <= hi) {
		L.ArgError(arg, "interval is empty")
	}
	if lo < -limit || hi > limit {
		L.ArgError(arg, "interval is too large")
	}
	return lo + float64(rand.Int64N(int64(hi-lo)+1))
}
