package definition

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// holdsContent reports whether any of a file's documents is more than empty:
// a file of comments or separators only defines nothing, which is almost
// always a mistake (a file saved before it was written, a wrong copy).
func holdsContent(docs []*yaml.Node) bool {
	for _, n := range docs {
		if len(n.Content) == 0 {
			continue
		}
		if root := n.Content[0]; root.Kind != yaml.ScalarNode || root.ShortTag() != "!!null" {
			return true
		}
	}
	return false
}

// firstInvalidUTF8 returns the position (column in characters) and value of
// the first byte of data that is not part of a UTF-8 character.
func firstInvalidUTF8(data []byte) (Pos, byte, bool) {
	p := Pos{Line: 1, Col: 1}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return p, data[i], true
		}
		if r == '\n' {
			p.Line, p.Col = p.Line+1, 1
		} else {
			p.Col++
		}
		i += size
	}
	return Pos{}, 0, false
}

// isTabProblem reports whether a yaml.v3 message is what a tab in the
// indentation produces: yaml.v3 mentions the tab in only one of them.
func isTabProblem(msg string) bool {
	return strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token")
}

// tabIndent finds the tab a tab message is about: yaml.v3 counts the line of
// "violates indentation" from 0 and that of "cannot start any token" from 1,
// so it looks at line and the one after.
func tabIndent(data []byte, line int) (tabLine, col int) {
	for _, l := range []int{line, line + 1} {
		if col := leadingTab(data, l); col > 0 {
			return l, col
		}
	}
	return 0, 0
}

// leadingTab returns the column of the first tab in the indentation of line,
// or 0 when its indentation has none.
func leadingTab(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 0
	}
	text := lines[line-1]
	indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
	return bytes.IndexByte(indent, '\t') + 1
}
