package definition

import (
	"sort"
	"strings"
	"text/template/parse"
)

// templateFields is the shape of the data notification templates see: per
// level ("" for the top, "Ticket", ...) its field names, true for a field
// with fields of its own. Ticket.Data is the ticket's data, whose keys are
// the fields of the forms of the notification's processes.
var templateFields = map[string]map[string]bool{
	"":          {"Ticket": true, "Requester": true, "Assignee": true, "Recipient": true, "Actor": false, "Event": false, "Comment": false, "SLA": true},
	"Ticket":    {"Number": false, "Title": false, "Process": false, "State": false, "Priority": false, "Team": false, "URL": false, "Data": true},
	"Requester": personFields, "Assignee": personFields, "Recipient": personFields,
	"SLA": {"Goal": false, "Kind": false, "Due": false},
}

var personFields = map[string]bool{"User": false, "Name": false, "Email": false, "Lang": false}

// TemplateFields returns the shape of the data notification templates are
// checked against, e.g. {{.Ticket.Number}}: per level ("" for the top,
// "Ticket", "Ticket.Data"...) the field names, true for a field with fields
// of its own. The renderer's data type (core/notify) must have exactly
// these fields; a test there holds the two together (only tests call it).
func TemplateFields() map[string]map[string]bool {
	out := make(map[string]map[string]bool, len(templateFields))
	for level, fields := range templateFields {
		out[level] = make(map[string]bool, len(fields))
		for k, v := range fields {
			out[level][k] = v
		}
	}
	return out
}

// templateProblem is a field a template names that its data lacks.
type templateProblem struct {
	offset  int  // byte offset in the template text
	warning bool // a data field: it renders empty, it does not fail
	code    string
	msg     string
}

// checkTemplateFields walks a parsed template and reports every field path
// on the data ({{.Ticket.Nummer}}) the data does not have, and, when data
// is not nil, every {{.Ticket.Data.x}} whose x is not a field of data.
// Inside with and range the dot is something else; those bodies are left
// alone. internal, when not nil, holds the data fields a mail to the
// requester must not show (transition form fields not marked public);
// naming one is an error: the mail would hand internal data out.
func checkTemplateFields(tree *parse.Tree, data fieldSet, internal map[string]bool) []templateProblem {
	return checkTemplateShape(tree, templateShape{fields: templateFields, data: "Ticket.Data", what: "no form of the notification's processes"}, data, internal)
}

// templateShape is the data a kind of template sees: its levels of
// fields, the level of the ticket's data, and how a problem names where
// the data's fields come from.
type templateShape struct {
	fields map[string]map[string]bool
	data   string
	what   string
}

// checkTemplateShape is checkTemplateFields for any shape of data.
func checkTemplateShape(tree *parse.Tree, shape templateShape, data fieldSet, internal map[string]bool) []templateProblem {
	var out []templateProblem
	var walk func(n parse.Node, rooted bool)
	path := func(pos parse.Pos, idents []string) {
		out = append(out, checkTemplatePath(int(pos), idents, shape, data, internal)...)
	}
	walk = func(n parse.Node, rooted bool) {
		switch x := n.(type) {
		case *parse.ListNode:
			if x == nil {
				return
			}
			for _, c := range x.Nodes {
				walk(c, rooted)
			}
		case *parse.ActionNode:
			walk(x.Pipe, rooted)
		case *parse.PipeNode:
			if x == nil {
				return
			}
			for i, c := range x.Cmds {
				var prev *parse.CommandNode
				if i > 0 {
					prev = x.Cmds[i-1]
				}
				out = append(out, checkTemplateCall(c, prev, rooted, shape, data)...)
				for _, a := range c.Args {
					walk(a, rooted)
				}
			}
		case *parse.FieldNode:
			if rooted {
				path(x.Pos, x.Ident)
			}
		case *parse.VariableNode:
			if len(x.Ident) > 1 && x.Ident[0] == "$" {
				path(x.Pos, x.Ident[1:])
			}
		case *parse.IfNode:
			walk(x.Pipe, rooted)
			walk(x.List, rooted)
			walk(x.ElseList, rooted)
		case *parse.WithNode:
			walk(x.Pipe, rooted)
			walk(x.List, false)
			walk(x.ElseList, rooted)
		case *parse.RangeNode:
			walk(x.Pipe, rooted)
			walk(x.List, false)
			walk(x.ElseList, rooted)
		}
	}
	walk(tree.Root, true)
	return out
}

// checkTemplatePath checks one field path, e.g. [Ticket Data total].
func checkTemplatePath(offset int, idents []string, shape templateShape, data fieldSet, internal map[string]bool) []templateProblem {
	level := ""
	for i, name := range idents {
		fields, ok := shape.fields[level]
		if !ok {
			if level == shape.data && data != nil && data[name] == nil {
				return []templateProblem{{offset: offset, warning: true, code: "unknown_field",
					msg: "." + strings.Join(idents[:i+1], ".") + ": " + shape.what + " has a field '" + name + "'" + suggest(name, data.names()) + "; it renders empty"}}
			}
			if level == shape.data && internal[name] {
				return []templateProblem{{offset: offset, code: "internal_field",
					msg: "." + strings.Join(idents[:i+1], ".") + ": '" + name + "' is a field of a transition form without public: true; the mail goes to the requester, who should not see what staff enter internally"}}
			}
			return nil
		}
		nested, ok := fields[name]
		if !ok {
			known := make([]string, 0, len(fields))
			for k := range fields {
				known = append(known, k)
			}
			sort.Strings(known)
			where := "the template data"
			if level != "" {
				where = "." + level
			}
			return []templateProblem{{offset: offset,
				msg: "." + strings.Join(idents[:i+1], ".") + ": " + where + " has no field '" + name + "'" + suggest(name, known) + " (fields: " + strings.Join(known, ", ") + ")"}}
		}
		if !nested {
			return nil // a string: what follows fails at run time, rare enough
		}
		level = strings.TrimPrefix(level+"."+name, ".")
	}
	return nil
}
