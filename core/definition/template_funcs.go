package definition

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// TemplateArg is the kind of value a template function takes.
type TemplateArg string

// The argument kinds of template functions.
const (
	// ArgTime is a date or a time: a date or datetime field, or a literal
	// such as "2026-12-02" or "2026-12-02T14:30:00+01:00".
	ArgTime TemplateArg = "time"
	// ArgNumber is a number: a number (or computed) field, or a literal.
	ArgNumber TemplateArg = "number"
)

// templateFuncs are the functions notification templates and ticket
// titles may call, each with the kind of its one argument; each returns
// text. FormatFuncs implements exactly these; a test holds the two
// together.
var templateFuncs = map[string]TemplateArg{
	"date":     ArgTime,
	"datetime": ArgTime,
	"number":   ArgNumber,
	"money":    ArgNumber,
}

// TemplateFuncs returns the functions templates may call and
// the kind of their one argument. Only tests call it, to hold FormatFuncs
// and the loader's check together through the renderers.
func TemplateFuncs() map[string]TemplateArg {
	out := make(map[string]TemplateArg, len(templateFuncs))
	for k, v := range templateFuncs {
		out[k] = v
	}
	return out
}

// templateFuncStubs let the loader parse templates that call the
// functions; the loader never executes them.
func templateFuncStubs() template.FuncMap {
	m := template.FuncMap{}
	for name := range templateFuncs {
		m[name] = func(any) string { return "" }
	}
	return m
}

// timeLiteralLayouts are the layouts a literal argument of a time function
// may have.
var timeLiteralLayouts = []string{time.RFC3339, time.DateOnly, "2006-01-02T15:04", time.DateTime}

// checkTemplateCall checks a call of a template function in a pipeline:
// cmd is the command, prev the command whose result is piped into it (nil
// for the first).
func checkTemplateCall(cmd, prev *parse.CommandNode, rooted bool, shape templateShape, data fieldSet) []templateProblem {
	id, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok {
		return nil
	}
	kind, ok := templateFuncs[id.Ident]
	if !ok {
		return nil
	}
	args := cmd.Args[1:]
	if prev != nil {
		if len(prev.Args) == 1 {
			args = append(args, prev.Args[0])
		} else {
			// The result of a call: text.
			args = append(args, &parse.StringNode{NodeType: parse.NodeString, Pos: prev.Pos, Quoted: `"..."`, Text: "..."})
		}
	}
	if len(args) != 1 {
		return []templateProblem{{offset: int(id.Pos), msg: id.Ident + " takes one " + string(kind) + ", not " + plural(len(args), "argument")}}
	}
	if msg := checkTemplateArg(id.Ident, kind, args[0], rooted, shape, data); msg != "" {
		return []templateProblem{{offset: int(id.Pos), msg: msg}}
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// checkTemplateArg returns what is wrong with arg as the argument of the
// function name, or "".
func checkTemplateArg(name string, kind TemplateArg, arg parse.Node, rooted bool, shape templateShape, data fieldSet) string {
	want := name + " needs a " + string(kind)
	switch x := arg.(type) {
	case *parse.NumberNode:
		if kind == ArgTime {
			return want + ", not the number " + x.Text
		}
	case *parse.StringNode:
		if kind == ArgNumber {
			return want + ", not the text " + x.Quoted
		}
		for _, l := range timeLiteralLayouts {
			if _, err := time.Parse(l, x.Text); err == nil {
				return ""
			}
		}
		return want + ": " + x.Quoted + " is not a date (2026-12-02) or a time (2026-12-02T14:30:00+01:00)"
	case *parse.BoolNode, *parse.NilNode:
		return want + ", not " + arg.String()
	case *parse.FieldNode:
		if rooted {
			return checkTemplateFieldArg(want, kind, x.Ident, shape, data)
		}
	case *parse.VariableNode:
		if len(x.Ident) > 1 && x.Ident[0] == "$" {
			return checkTemplateFieldArg(want, kind, x.Ident[1:], shape, data)
		}
	}
	return ""
}

// checkTemplateFieldArg checks a field path given to a function: the
// fields of the template data other than ticket data are text or
// structures, and a ticket data field of a known form has a type.
func checkTemplateFieldArg(want string, kind TemplateArg, idents []string, shape templateShape, data fieldSet) string {
	path := "." + strings.Join(idents, ".")
	if root := strings.Split(shape.data, "."); len(idents) == len(root)+1 && slices.Equal(idents[:len(root)], root) {
		name := idents[len(root)]
		if data == nil || data[name] == nil {
			return "" // unknown here: checked elsewhere, renders empty
		}
		t := data[name].Type
		switch {
		case kind == ArgTime && (t == FieldDate || t == FieldDatetime),
			kind == ArgNumber && (t == FieldNumber || t == FieldComputed):
			return ""
		}
		return want + ", but " + path + " is a " + string(t) + " field"
	}
	level := ""
	for i, name := range idents {
		fields, ok := shape.fields[level]
		if !ok {
			return ""
		}
		nested, ok := fields[name]
		if !ok {
			return "" // reported by the field check
		}
		if !nested {
			if i == len(idents)-1 {
				return want + ", but " + path + " is text"
			}
			return ""
		}
		level = strings.TrimPrefix(level+"."+name, ".")
	}
	known := make([]string, 0)
	for k := range shape.fields[level] {
		known = append(known, k)
	}
	sort.Strings(known)
	return want + ", but " + path + " has fields of its own (" + strings.Join(known, ", ") + ")"
}
