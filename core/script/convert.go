package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Bounds of values crossing between Go and Lua: data nested deeper or
// larger than this is refused rather than copied.
const (
	maxDepth  = 32
	maxValues = 100_000
)

var errTooLarge = errors.New("value is nested too deeply or has too many elements")

// toLua copies a Go value (JSON-like data, as the store reads it) into
// Lua. Times become RFC 3339 text.
func toLua(L *lua.LState, v any) lua.LValue {
	budget := maxValues
	return toLuaDepth(L, v, 0, &budget)
}

func toLuaDepth(L *lua.LState, v any, depth int, budget *int) lua.LValue {
	*budget--
	if depth > maxDepth || *budget < 0 {
		return lua.LNil
	}
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case string:
		return lua.LString(x)
	case int:
		return lua.LNumber(x)
	case int32:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case float64:
		return lua.LNumber(x)
	case float32:
		return lua.LNumber(x)
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return lua.LString(x.String())
		}
		return lua.LNumber(f)
	case time.Time:
		return lua.LString(x.UTC().Format(time.RFC3339))
	case map[string]any:
		t := L.CreateTable(0, len(x))
		for k, val := range x {
			t.RawSetString(k, toLuaDepth(L, val, depth+1, budget))
		}
		return t
	case []any:
		t := L.CreateTable(len(x), 0)
		for _, val := range x {
			t.Append(toLuaDepth(L, val, depth+1, budget))
		}
		return t
	case []string:
		t := L.CreateTable(len(x), 0)
		for _, s := range x {
			t.Append(lua.LString(s))
		}
		return t
	case []map[string]any:
		t := L.CreateTable(len(x), 0)
		for _, val := range x {
			t.Append(toLuaDepth(L, val, depth+1, budget))
		}
		return t
	}
	return lua.LString(fmt.Sprint(v))
}

// fromLua copies a Lua value into Go: tables with the keys 1..n become
// []any, other tables map[string]any (number keys as text), an empty table
// []any{}. Whole numbers become int64. Functions, userdata and threads are
// refused.
func fromLua(v lua.LValue) (any, error) {
	budget := maxValues
	return fromLuaDepth(v, 0, &budget)
}

func fromLuaDepth(v lua.LValue, depth int, budget *int) (any, error) {
	*budget--
	if depth > maxDepth || *budget < 0 {
		return nil, errTooLarge
	}
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(x), nil
	case lua.LString:
		return string(x), nil
	case lua.LNumber:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("number %v cannot be stored", f)
		}
		if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), nil
		}
		return f, nil
	case *lua.LTable:
		return tableFromLua(x, depth, budget)
	}
	return nil, fmt.Errorf("a %s cannot be stored", v.Type().String())
}

func tableFromLua(t *lua.LTable, depth int, budget *int) (any, error) {
	n := 0
	arrayLike := true
	var err error
	t.ForEach(func(k, _ lua.LValue) {
		n++
		if kn, ok := k.(lua.LNumber); !ok || float64(kn) != math.Trunc(float64(kn)) || kn < 1 {
			arrayLike = false
		}
	})
	if arrayLike && n == t.MaxN() {
		out := make([]any, 0, n)
		for i := 1; i <= n; i++ {
			val, e := fromLuaDepth(t.RawGetInt(i), depth+1, budget)
			if e != nil {
				return nil, e
			}
			out = append(out, val)
		}
		return out, nil
	}
	out := make(map[string]any, n)
	t.ForEach(func(k, val lua.LValue) {
		if err != nil {
			return
		}
		var key string
		switch kk := k.(type) {
		case lua.LString:
			key = string(kk)
		case lua.LNumber:
			key = strconv.FormatFloat(float64(kk), 'f', -1, 64)
		default:
			err = fmt.Errorf("a table key of type %s cannot be stored", k.Type().String())
			return
		}
		var gv any
		gv, err = fromLuaDepth(val, depth+1, budget)
		if gv != nil {
			out[key] = gv
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sortedKeys returns a map's keys in order, so tables built from maps are
// filled in a repeatable order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
