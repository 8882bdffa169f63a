package definition

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// ConcatFunction is the global that Lua's `..` operator is compiled to a
// call of: gopher-lua joins the operands of one `..` inside its VM, where
// no limit can look at the size first, so a few lines could ask for
// gigabytes in one instruction. The script runtime defines the function
// and checks the size of the result before it builds it. The name is no
// valid Lua identifier, so no local variable can hide it.
const ConcatFunction = "(concat)"

// CompileLua compiles a Lua chunk the way the definition loader compiles
// scripts (see ConcatFunction); chunk names it in error messages. The
// script runtime uses it for the *_test.lua files of vorgang test.
func CompileLua(chunk string, src []byte) (*lua.FunctionProto, error) {
	proto, _, err := compileLua(chunk, string(src))
	var pe *parse.Error
	if errors.As(err, &pe) {
		p, msg := luaSyntax(pe, string(src))
		return nil, fmt.Errorf("%s:%d:%d: %s", chunk, p.Line, p.Col, msg)
	}
	return proto, err
}

// compileLua parses src, rewrites `..` and collects the uses of globals
// the sandbox does not offer, then compiles the chunk. A parse error is a
// *parse.Error, a compile error a *lua.CompileError.
func compileLua(chunk, src string) (*lua.FunctionProto, []luaUse, error) {
	stmts, err := parse.Parse(strings.NewReader(src), chunk)
	if err != nil {
		return nil, nil, err
	}
	w := &luaWalker{assigned: map[string]bool{}}
	w.block(stmts, nil)
	proto, err := lua.Compile(stmts, chunk)
	if err != nil {
		return nil, nil, err
	}
	var uses []luaUse
	for _, u := range w.uses {
		// A script that sets a global of that name itself uses its own.
		if !w.assigned[u.name] {
			uses = append(uses, u)
		}
	}
	return proto, uses, nil
}

// The globals scripts do not get (docs/lua.md, "The sandbox"): libraries,
// whose every field access fails, and functions, whose every call fails.
var (
	forbiddenLibs = map[string]bool{"os": true, "io": true, "debug": true, "package": true, "coroutine": true, "channel": true}
	forbiddenFns  = map[string]bool{"load": true, "loadstring": true, "loadfile": true, "dofile": true, "getfenv": true,
		"setfenv": true, "rawset": true, "collectgarbage": true, "module": true, "newproxy": true}
	forbiddenFields = map[string]map[string]bool{"string": {"dump": true}, "math": {"randomseed": true}}
)

// luaUse is a use of a global the sandbox does not offer. fails: running
// the use always raises an error (a call, or a field of a missing
// library); else it is a mere reference.
type luaUse struct {
	name  string // "os", "load", "string.dump"
	word  string // what to find on the line for the column
	line  int
	fails bool
}

// luaWalker walks a chunk's syntax tree with the local variables in
// scope, rewrites `..` into calls of ConcatFunction and records uses of
// forbidden globals.
type luaWalker struct {
	scopes   []map[string]bool
	uses     []luaUse
	assigned map[string]bool // globals the script assigns
}

func (w *luaWalker) local(name string) bool {
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if w.scopes[i][name] {
			return true
		}
	}
	return false
}

func (w *luaWalker) declare(names ...string) {
	top := w.scopes[len(w.scopes)-1]
	for _, n := range names {
		top[n] = true
	}
}

// block walks stmts in a new scope holding names (parameters, loop
// variables); extra runs in the scope after the statements (the condition
// of repeat ... until).
func (w *luaWalker) block(stmts []ast.Stmt, names []string, extra ...*ast.Expr) {
	w.scopes = append(w.scopes, map[string]bool{})
	w.declare(names...)
	for _, s := range stmts {
		w.stmt(s)
	}
	for _, e := range extra {
		w.expr(e)
	}
	w.scopes = w.scopes[:len(w.scopes)-1]
}

func (w *luaWalker) exprs(es []ast.Expr) {
	for i := range es {
		w.expr(&es[i])
	}
}

func (w *luaWalker) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.AssignStmt:
		w.exprs(x.Rhs)
		for i := range x.Lhs {
			if id, ok := x.Lhs[i].(*ast.IdentExpr); ok {
				if !w.local(id.Value) {
					w.assigned[id.Value] = true
				}
				continue
			}
			w.expr(&x.Lhs[i])
		}
	case *ast.LocalAssignStmt:
		// local function f: f is in scope in its own body.
		if len(x.Names) == 1 && len(x.Exprs) == 1 {
			if _, ok := x.Exprs[0].(*ast.FunctionExpr); ok {
				w.declare(x.Names...)
			}
		}
		w.exprs(x.Exprs)
		w.declare(x.Names...)
	case *ast.FuncCallStmt:
		w.expr(&x.Expr)
	case *ast.DoBlockStmt:
		w.block(x.Stmts, nil)
	case *ast.WhileStmt:
		w.expr(&x.Condition)
		w.block(x.Stmts, nil)
	case *ast.RepeatStmt:
		w.block(x.Stmts, nil, &x.Condition)
	case *ast.IfStmt:
		w.expr(&x.Condition)
		w.block(x.Then, nil)
		w.block(x.Else, nil)
	case *ast.NumberForStmt:
		w.expr(&x.Init)
		w.expr(&x.Limit)
		if x.Step != nil {
			w.expr(&x.Step)
		}
		w.block(x.Stmts, []string{x.Name})
	case *ast.GenericForStmt:
		w.exprs(x.Exprs)
		w.block(x.Stmts, x.Names)
	case *ast.FuncDefStmt:
		if id, ok := x.Name.Func.(*ast.IdentExpr); ok {
			if !w.local(id.Value) {
				w.assigned[id.Value] = true
			}
		} else {
			w.expr(&x.Name.Func)
		}
		if x.Name.Receiver != nil {
			w.expr(&x.Name.Receiver)
		}
		w.function(x.Func, x.Name.Method != "")
	case *ast.ReturnStmt:
		w.exprs(x.Exprs)
	}
}

func (w *luaWalker) function(f *ast.FunctionExpr, method bool) {
	names := append([]string(nil), f.ParList.Names...)
	if method {
		names = append(names, "self")
	}
	w.block(f.Stmts, names)
}

// expr walks *e; it may replace it.
func (w *luaWalker) expr(e *ast.Expr) {
	switch x := (*e).(type) {
	case *ast.IdentExpr:
		w.global(x, x.Value, x.Value, false)
	case *ast.AttrGetExpr:
		id, ok := x.Object.(*ast.IdentExpr)
		key, _ := x.Key.(*ast.StringExpr)
		switch {
		case ok && forbiddenLibs[id.Value]:
			w.global(id, id.Value, id.Value, true)
		case ok && key != nil && forbiddenFields[id.Value][key.Value]:
			w.global(id, id.Value+"."+key.Value, id.Value, false)
		default:
			w.expr(&x.Object)
		}
		w.expr(&x.Key)
	case *ast.FuncCallExpr:
		w.call(x)
	case *ast.StringConcatOpExpr:
		// a .. b .. c is a .. (b .. c): one call with every operand, as
		// gopher-lua makes one instruction of the chain.
		args := []ast.Expr{x.Lhs}
		rest := x.Rhs
		for {
			next, ok := rest.(*ast.StringConcatOpExpr)
			if !ok {
				break
			}
			args = append(args, next.Lhs)
			rest = next.Rhs
		}
		args = append(args, rest)
		w.exprs(args)
		fn := &ast.IdentExpr{Value: ConcatFunction}
		fn.SetLine(x.Line())
		fn.SetLastLine(x.Line())
		call := &ast.FuncCallExpr{Func: fn, Args: args, AdjustRet: true}
		call.SetLine(x.Line())
		call.SetLastLine(x.LastLine())
		*e = call
	case *ast.TableExpr:
		for _, f := range x.Fields {
			if f.Key != nil {
				w.expr(&f.Key)
			}
			w.expr(&f.Value)
		}
	case *ast.LogicalOpExpr:
		w.expr(&x.Lhs)
		w.expr(&x.Rhs)
	case *ast.RelationalOpExpr:
		w.expr(&x.Lhs)
		w.expr(&x.Rhs)
	case *ast.ArithmeticOpExpr:
		w.expr(&x.Lhs)
		w.expr(&x.Rhs)
	case *ast.UnaryMinusOpExpr:
		w.expr(&x.Expr)
	case *ast.UnaryNotOpExpr:
		w.expr(&x.Expr)
	case *ast.UnaryLenOpExpr:
		w.expr(&x.Expr)
	case *ast.FunctionExpr:
		w.function(x, false)
	}
}

// call walks a function call; a call of a forbidden global, or of a
// forbidden field of a library, always fails.
func (w *luaWalker) call(x *ast.FuncCallExpr) {
	switch f := x.Func.(type) {
	case *ast.IdentExpr:
		if forbiddenFns[f.Value] {
			w.global(f, f.Value, f.Value, true)
		} else {
			w.expr(&x.Func)
		}
	case *ast.AttrGetExpr:
		id, ok := f.Object.(*ast.IdentExpr)
		key, _ := f.Key.(*ast.StringExpr)
		if ok && key != nil && forbiddenFields[id.Value][key.Value] {
			w.global(id, id.Value+"."+key.Value, id.Value, true)
			w.expr(&f.Key)
		} else {
			w.expr(&x.Func)
		}
	default:
		if x.Func != nil {
			w.expr(&x.Func)
		}
	}
	if x.Receiver != nil {
		w.expr(&x.Receiver)
	}
	w.exprs(x.Args)
}

// global records a use of id if it names a forbidden global.
func (w *luaWalker) global(id *ast.IdentExpr, name, word string, fails bool) {
	if w.local(id.Value) {
		return
	}
	if !forbiddenLibs[id.Value] && !forbiddenFns[id.Value] && !strings.Contains(name, ".") {
		return
	}
	w.uses = append(w.uses, luaUse{name: name, word: word, line: id.Line(), fails: fails})
}

// column finds word on line (1-based) of src as a whole word; 1 when it
// is not there (the syntax tree keeps lines only).
func column(src string, line int, word string) int {
	lines := strings.SplitN(src, "\n", line+1)
	if line < 1 || line > len(lines) {
		return 1
	}
	re := regexp.MustCompile(`(^|[^A-Za-z0-9_.])` + regexp.QuoteMeta(word) + `($|[^A-Za-z0-9_])`)
	if loc := re.FindStringSubmatchIndex(lines[line-1]); loc != nil {
		return loc[3] + 1
	}
	return 1
}
