package script

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// strFormat is string.format. gopher-lua hands the format to Go's
// fmt.Sprintf as it is, so "%999999999s" (or Go's own "%*d") builds a
// string of any size, and a table argument is printed with Go's view of
// its insides. Here the format is held to Lua 5.1's rules — flags
// "-+ #0", a width and a precision of at most two digits — arguments that
// are neither strings nor numbers are shown as tostring shows them, and
// the size of the result is known before it is built.
func (s *vm) strFormat(L *lua.LState) int {
	format := L.CheckString(1)
	top := L.GetTop()
	var args []any
	size := int64(len(format))
	arg := 2
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		start := i
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && strings.IndexByte("-+ #0", format[i]) >= 0 {
			i++
		}
		width := digits(L, format, &i)
		if i < len(format) && format[i] == '.' {
			i++
			digits(L, format, &i)
		}
		if i >= len(format) || !isLetter(format[i]) {
			L.RaiseError("invalid option '%s' to 'format'", format[start:min(i+1, len(format))])
		}
		if arg > top {
			L.ArgError(arg, "no value")
		}
		v := L.Get(arg)
		if _, ok := v.(lua.LNumber); !ok {
			v = lua.LString(lua.LVAsString(L.ToStringMeta(v)))
		}
		args = append(args, v)
		size += max(int64(width), formattedSize(v, format[i]))
		arg++
	}
	s.needString(L, "string.format", size)
	L.Push(lua.LString(fmt.Sprintf(format, args...)))
	return 1
}

// digits reads at most two digits of a width or precision at *i.
func digits(L *lua.LState, format string, i *int) int {
	n := 0
	for k := 0; *i < len(format) && format[*i] >= '0' && format[*i] <= '9'; k++ {
		if k == 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
		n = n*10 + int(format[*i]-'0')
		*i++
	}
	return n
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// formattedSize bounds the bytes one argument takes in the result, before
// the width pads it.
func formattedSize(v lua.LValue, verb byte) int64 {
	str, ok := v.(lua.LString)
	if !ok {
		// A float with 99 digits after the point has at most 309 before.
		return 512
	}
	n := int64(len(str))
	switch verb {
	case 'q':
		return 4*n + 2 // a byte becomes at most \x00
	case 'x', 'X':
		return 5*n + 2 // "% #x": 0x41 0x42
	}
	return n + 64 // room for Go's %!d(string=...)
}
