package definition

import (
	"fmt"
	"strings"

	"github.com/yuin/gopher-lua/parse"
)

// luaSyntax returns the position and message of a Lua syntax error. When
// a block is left open where the script ends or a bracket closes, it names
// the block and its line, as the reference Lua does.
func luaSyntax(pe *parse.Error, src string) (Pos, string) {
	line := pe.Pos.Line
	atEnd := line == parse.EOF || pe.Token == ""
	if line == parse.EOF {
		line = strings.Count(src, "\n") + 1
	}
	p := Pos{Line: line, Col: max(pe.Pos.Column, 1)}
	closesBracket := pe.Token == ")" || pe.Token == "}" || pe.Token == "]"
	if atEnd || closesBracket {
		stop := p
		if atEnd {
			stop = Pos{}
		}
		if why := unclosedBlock(src, stop); why != "" {
			where := " near '" + pe.Token + "'"
			if atEnd {
				where = " at the end of the script"
			}
			return p, fmt.Sprintf("Lua syntax error%s: %s", where, why)
		}
	}
	near := ""
	if pe.Token != "" {
		near = fmt.Sprintf(" near '%s'", pe.Token)
	}
	return p, fmt.Sprintf("Lua syntax error%s: %s", near, pe.Message)
}

// openBlock is a Lua block opened by a keyword, or a bracket, not closed
// yet.
type openBlock struct {
	opener string // "function", "if", "while", "for", "do", "repeat", "(", "{", "["
	line   int
	// awaitsDo: a while or for whose own "do" has not come yet, so that
	// "do" opens no block of its own.
	awaitsDo bool
}

// closers are the brackets and what opens them.
var closers = map[int]string{')': "(", '}': "{", ']': "["}

// unclosedBlock reads the tokens of src up to stop (the zero Pos: to the
// end) and returns "'end' expected (to close 'if' at line 19)" for the
// innermost block open there, or "" when the innermost open thing is a
// bracket or nothing.
func unclosedBlock(src string, stop Pos) string {
	sc := parse.NewScanner(strings.NewReader(src), "")
	lx := &parse.Lexer{}
	var open []openBlock
	for {
		tok, err := sc.Scan(lx)
		if err != nil || tok.Type == parse.EOF {
			break
		}
		if stop.Line > 0 && (tok.Pos.Line > stop.Line || tok.Pos.Line == stop.Line && tok.Pos.Column >= stop.Col) {
			break
		}
		lx.PrevTokenType = tok.Type
		top := len(open) - 1
		switch tok.Type {
		case parse.TFunction, parse.TIf, parse.TRepeat, '(', '{', '[':
			open = append(open, openBlock{opener: tok.Str, line: tok.Pos.Line})
		case parse.TWhile, parse.TFor:
			open = append(open, openBlock{opener: tok.Str, line: tok.Pos.Line, awaitsDo: true})
		case parse.TDo:
			if top >= 0 && open[top].awaitsDo {
				open[top].awaitsDo = false
			} else {
				open = append(open, openBlock{opener: "do", line: tok.Pos.Line})
			}
		case parse.TEnd:
			if top >= 0 && isKeywordBlock(open[top].opener) && open[top].opener != "repeat" {
				open = open[:top]
			}
		case parse.TUntil:
			if top >= 0 && open[top].opener == "repeat" {
				open = open[:top]
			}
		case ')', '}', ']':
			if top >= 0 && open[top].opener == closers[tok.Type] {
				open = open[:top]
			}
		}
	}
	if len(open) == 0 || !isKeywordBlock(open[len(open)-1].opener) {
		return ""
	}
	b := open[len(open)-1]
	closer := "end"
	if b.opener == "repeat" {
		closer = "until"
	}
	return fmt.Sprintf("'%s' expected (to close '%s' at line %d)", closer, b.opener, b.line)
}

func isKeywordBlock(opener string) bool {
	return opener != "(" && opener != "{" && opener != "["
}
