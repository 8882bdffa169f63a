package script

import (
	"fmt"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"vorgang/core/definition"
)

// callSite finds the calls of a global or of a field of a global on a
// line: name(, name{, name", name.field( ... but not obj.name( or obj:name(.
var callSite = regexp.MustCompile(`(?:^|[^.:\w])([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\s*[({"']`)

// luaKeywords are the words callSite must not take for names.
var luaKeywords = map[string]bool{"and": true, "elseif": true, "function": true, "if": true, "in": true,
	"not": true, "or": true, "return": true, "until": true, "while": true}

// nameUndefinedCall turns gopher-lua's "attempt to call a non-function
// object" into what the reference Lua says, "attempt to call global
// 'send_mail' (a nil value)", by looking up the calls on the failing line
// in the environment the script ran with: a misspelt API function is the
// usual cause, and the bare message does not say which.
func (s *vm) nameUndefinedCall(e *Error, cat *definition.Catalog, env *lua.LTable) {
	if e.Message != "attempt to call a non-function object" || e.Line == 0 || cat == nil {
		return
	}
	name := e.Script
	if e.Module != "" {
		name = e.Module
	}
	sc := cat.Script(name)
	if sc == nil {
		return
	}
	lines := strings.Split(sc.Source, "\n")
	if e.Line > len(lines) {
		return
	}
	line, _, _ := strings.Cut(lines[e.Line-1], "--")
	for _, m := range callSite.FindAllStringSubmatch(line, -1) {
		global, field := m[1], m[2]
		if luaKeywords[global] || declaresLocal(sc.Source, global) {
			continue
		}
		v := env.RawGetString(global)
		if v == lua.LNil {
			v = s.base.RawGetString(global)
		}
		switch {
		case v == lua.LNil:
			e.Message = fmt.Sprintf("attempt to call global '%s' (a nil value)", global)
			return
		case field != "":
			if t, ok := v.(*lua.LTable); ok && s.L.GetField(t, field) == lua.LNil {
				e.Message = fmt.Sprintf("attempt to call field '%s.%s' (a nil value)", global, field)
				return
			}
		}
	}
}

// declaresLocal reports whether src declares a local variable or function
// of that name somewhere: such a name is not a global.
func declaresLocal(src, name string) bool {
	re := regexp.MustCompile(`\blocal\s+(?:function\s+)?(?:[A-Za-z_]\w*\s*,\s*)*` + regexp.QuoteMeta(name) + `\b|\bfunction\s*\([^)]*\b` + regexp.QuoteMeta(name) + `\b`)
	return re.MatchString(src)
}
