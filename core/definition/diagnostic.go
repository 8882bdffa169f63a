package definition

import (
	"fmt"
	"sort"
	"strings"
)

// Severity tells whether a diagnostic prevents the catalog from being used.
type Severity int

const (
	// SeverityError makes the definitions unusable: the catalog is not built.
	SeverityError Severity = iota
	// SeverityWarning is reported but does not stop the catalog.
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a definition file, pointing at the
// offending YAML node.
type Diagnostic struct {
	File     string
	Line     int
	Col      int
	Code     string
	Severity Severity
	Message  string
}

// String formats the diagnostic as "FILE:LINE:COL: message [code]", the form
// editors and CI logs recognise; warnings are marked as such.
func (d Diagnostic) String() string {
	msg := d.Message
	if d.Severity == SeverityWarning {
		msg = "warning: " + msg
	}
	return fmt.Sprintf("%s:%d:%d: %s [%s]", d.File, d.Line, d.Col, msg, d.Code)
}

// Diagnostics is a list of problems, sorted by position once loading ends.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Errors returns only the error diagnostics.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == SeverityError {
			out = append(out, d)
		}
	}
	return out
}

// Error joins the diagnostics one per line, so Diagnostics can be returned
// where an error is expected.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

func (ds Diagnostics) sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
}

// dedupe drops repeated diagnostics at the same place with the same text,
// which schema alternatives and shared references can produce.
func (ds Diagnostics) dedupe() Diagnostics {
	seen := make(map[Diagnostic]bool, len(ds))
	out := ds[:0]
	for _, d := range ds {
		if seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, d)
	}
	return out
}

// Pos is a position in a definition file.
type Pos struct {
	Line int
	Col  int
}

// reporter collects diagnostics for one file.
type reporter struct {
	file  string
	diags *Diagnostics
	// skip drops the diagnostics with these codes.
	skip map[string]bool
}

// followUpCodes are the checks that mostly repeat a schema error's
// consequences (a misspelt 'states' makes every transition's state
// unknown); they are not reported for schema-invalid documents.
var followUpCodes = map[string]bool{
	"unknown_state": true, "initial_state": true, "unreachable_state": true, "dead_end_state": true,
	"empty_form": true, "no_working_hours": true,
}

func (r reporter) errorf(p Pos, code, format string, args ...any) {
	r.add(p, SeverityError, code, fmt.Sprintf(format, args...))
}

func (r reporter) warnf(p Pos, code, format string, args ...any) {
	r.add(p, SeverityWarning, code, fmt.Sprintf(format, args...))
}

func (r reporter) add(p Pos, sev Severity, code, msg string) {
	if r.skip[code] {
		return
	}
	if p.Line == 0 {
		p.Line = 1
	}
	if p.Col == 0 {
		p.Col = 1
	}
	*r.diags = append(*r.diags, Diagnostic{File: r.file, Line: p.Line, Col: p.Col, Code: code, Severity: sev, Message: msg})
}
