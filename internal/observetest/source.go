package observetest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Method is one command method of a package's Service, as its source says.
type Method struct {
	Name string
	// Command is the name the method gives org.Observer.Begin; empty when
	// the method does not begin so.
	Command string
	// Problems lists how the method breaks the pattern of CheckPackage.
	Problems []string
	Pos      token.Position
}

// Commands reads the package in dir and returns its commands by method
// name: every exported method of Service that takes an org.Actor, except
// the package's Reads. pkg is the package's name ("servicedesk").
func Commands(pkg, dir string) (map[string]Method, error) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name != pkg {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("observetest: no Go files of package %s in %s", pkg, dir)
	}
	consts := stringConsts(files)
	out := map[string]Method{}
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() || !isServiceMethod(fn) || slices.Contains(Reads[pkg], fn.Name.Name) {
				continue
			}
			actor := actorParam(fn, pkg)
			if actor == "" {
				continue
			}
			m := Method{Name: fn.Name.Name, Pos: fset.Position(fn.Pos())}
			m.Command, m.Problems = begins(fn, actor, consts)
			if m.Command != "" && pkg != "servicedesk" && m.Command != snake(m.Name) {
				m.Problems = append(m.Problems, fmt.Sprintf("its command is %q, not its name in snake case %q", m.Command, snake(m.Name)))
			}
			out[m.Name] = m
		}
	}
	return out, nil
}

// CheckPackage fails t for every command of the package in dir that is
// not observed exactly as org.Observer's documentation shows, first thing:
//
//	func (s *Service) Verb(ctx context.Context, dealer org.DealerID, actor org.Actor, ...) (_ Result, err error) {
//		ctx, ob := s.obs.Begin(ctx, "verb", dealer, actor)
//		defer ob.End(&err)
//
// The command is the method's name in snake case, except in servicedesk,
// where a work-order command names the Command it fires.
func CheckPackage(t TB, pkg, dir string) {
	t.Helper()
	cmds, err := Commands(pkg, dir)
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	if len(cmds) == 0 {
		t.Errorf("observetest: package %s in %s has no command", pkg, dir)
	}
	for _, name := range slices.Sorted(maps.Keys(cmds)) {
		m := cmds[name]
		for _, p := range m.Problems {
			t.Errorf("%s: command %s.%s is not observed as org.Observer says: %s", m.Pos, pkg, m.Name, p)
		}
	}
}

// begins checks fn's first two statements and returns the command name
// its Begin gives.
func begins(fn *ast.FuncDecl, actor string, consts map[string]string) (string, []string) {
	var problems []string
	res := fn.Type.Results
	if res == nil || len(res.List) == 0 {
		return "", []string{"it returns no error"}
	}
	last := res.List[len(res.List)-1]
	if len(last.Names) != 1 || last.Names[0].Name != "err" || !isIdent(last.Type, "error") {
		problems = append(problems, "its last result is not named err error")
	}
	if fn.Body == nil || len(fn.Body.List) < 2 {
		return "", append(problems, "its body does not begin with Begin and a deferred End")
	}
	cmd := ""
	as, ok := fn.Body.List[0].(*ast.AssignStmt)
	var call *ast.CallExpr
	if ok && len(as.Lhs) == 2 && len(as.Rhs) == 1 && as.Tok == token.DEFINE && isIdent(as.Lhs[0], "ctx") && isIdent(as.Lhs[1], "ob") {
		call, _ = as.Rhs[0].(*ast.CallExpr)
	}
	if call == nil || !isSel(call.Fun, "s", "obs", "Begin") || len(call.Args) != 4 || !isIdent(call.Args[0], "ctx") {
		problems = append(problems, "its first statement is not ctx, ob := s.obs.Begin(ctx, command, dealer, actor)")
	} else {
		switch a := call.Args[1].(type) {
		case *ast.BasicLit:
			cmd, _ = strconv.Unquote(a.Value)
		case *ast.CallExpr: // string(CmdX)
			if id, ok := a.Fun.(*ast.Ident); ok && id.Name == "string" && len(a.Args) == 1 {
				if c, ok := a.Args[0].(*ast.Ident); ok {
					cmd = consts[c.Name]
				}
			}
		}
		if cmd == "" {
			problems = append(problems, "its command is not a string literal or string(Const)")
		}
		if !isIdent(call.Args[3], actor) {
			problems = append(problems, "Begin is not given the command's actor "+actor)
		}
	}
	d, ok := fn.Body.List[1].(*ast.DeferStmt)
	if !ok || !isSel(d.Call.Fun, "", "ob", "End") || len(d.Call.Args) != 1 || !isAddrOf(d.Call.Args[0], "err") {
		problems = append(problems, "its second statement is not defer ob.End(&err)")
	}
	return cmd, problems
}

func isServiceMethod(fn *ast.FuncDecl) bool {
	if fn.Recv == nil || len(fn.Recv.List) != 1 {
		return false
	}
	st, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	return ok && isIdent(st.X, "Service")
}

// actorParam returns the name of fn's org.Actor parameter ("Actor" in
// package org), or "".
func actorParam(fn *ast.FuncDecl, pkg string) string {
	for _, p := range fn.Type.Params.List {
		actor := isSel(p.Type, "", "org", "Actor") || (pkg == "org" && isIdent(p.Type, "Actor"))
		if actor && len(p.Names) > 0 {
			return p.Names[0].Name
		}
	}
	return ""
}

// stringConsts maps the package's string constants to their values.
func stringConsts(files []*ast.File) map[string]string {
	out := map[string]string{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							out[n.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			}
		}
	}
	return out
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// isSel reports whether e is x.y.z (x empty: y.z).
func isSel(e ast.Expr, x, y, z string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != z {
		return false
	}
	if x == "" {
		return isIdent(sel.X, y)
	}
	inner, ok := sel.X.(*ast.SelectorExpr)
	return ok && inner.Sel.Name == y && isIdent(inner.X, x)
}

func isAddrOf(e ast.Expr, name string) bool {
	u, ok := e.(*ast.UnaryExpr)
	return ok && u.Op == token.AND && isIdent(u.X, name)
}

// snake writes a method's name in snake case: SavePriceBook is
// save_price_book.
func snake(name string) string {
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
