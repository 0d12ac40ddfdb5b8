package main

import (
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/observetest"
	"github.com/servicelane/servicelane/org"
)

// The hook sees every command of the quickstart: the commands it must see
// are found in the quickstart's source, independently of what the hook
// recorded, by type-checking it and listing every method it calls on a
// servicelane Service that takes an org.Actor.
func TestQuickstartHookSeesEveryCommand(t *testing.T) {
	called := commandsCalled(t)
	require.NotEmpty(t, called)

	var rec observetest.Recorder
	require.NoError(t, runObserved(t.Context(), []string{"-db", filepath.Join(t.TempDir(), "lane.db")}, io.Discard, &rec))
	calls := rec.Calls()
	got := rec.Commands()

	missing, extra := compare(called, got)
	// The month-end gives the commands of its steps itself: they are
	// observed as their packages' commands.
	if _, ok := called["monthend.run"]; ok {
		extra = slices.DeleteFunc(extra, func(c string) bool { return slices.Contains(monthendSteps, c) })
	}
	for _, c := range missing {
		t.Errorf("the quickstart calls %s (%s), but the hook never saw it", c, strings.Join(called[c], ", "))
	}
	for _, c := range extra {
		t.Errorf("the hook saw %s, which the quickstart never calls", c)
	}
	t.Logf("%d commands observed, %d distinct, from %d call sites", len(calls), len(got), countSites(called))

	dealer := calls[0].Op.Dealer
	assert.True(t, strings.HasPrefix(string(dealer), "taipei-"), "the run's dealer: %q", dealer)
	for i, c := range calls {
		assert.Equal(t, 1, c.Ends, "call %d (%s.%s) ends once", i, c.Op.Package, c.Op.Command)
		assert.Equal(t, dealer, c.Op.Dealer, "call %d (%s.%s) is the run's dealer's", i, c.Op.Package, c.Op.Command)
		assert.NotEmpty(t, c.Op.Actor.ID, "call %d", i)
		assert.NotContains(t, []org.Result{org.ResultError, org.ResultCanceled}, c.Outcome.Result, "call %d (%s.%s): %v", i, c.Op.Package, c.Op.Command, c.Outcome.Err)
	}
	// The refusals the quickstart shows are observed as refusals.
	refused := map[string]org.Result{}
	for _, c := range calls {
		if c.Outcome.Result != org.ResultOK {
			refused[c.Op.Package+"."+c.Op.Command] = c.Outcome.Result
		}
	}
	assert.Equal(t, org.ResultInvalid, refused["org.add_employee"], "a second supervisor (R2.1)")
	assert.Equal(t, org.ResultInvalid, refused["policy.approve"], "a severe decision approved without a reason (R7.2)")

	// The check fails when a package stops calling its hook.
	for _, pkg := range servicelanePackages {
		without := slices.DeleteFunc(slices.Clone(got), func(c string) bool { return strings.HasPrefix(c, pkg+".") })
		missing, _ := compare(called, without)
		assert.NotEmpty(t, missing, "a silent %s must be caught", pkg)
		for _, c := range missing {
			assert.True(t, strings.HasPrefix(c, pkg+"."), c)
		}
	}
}

// compare returns the commands called but not observed, and observed but
// not called.
func compare(called map[string][]string, observed []string) (missing, extra []string) {
	for _, c := range slices.Sorted(maps.Keys(called)) {
		if !slices.Contains(observed, c) {
			missing = append(missing, c)
		}
	}
	for _, c := range observed {
		if _, ok := called[c]; !ok {
			extra = append(extra, c)
		}
	}
	return missing, extra
}

func countSites(called map[string][]string) int {
	n := 0
	for _, sites := range called {
		n += len(sites)
	}
	return n
}

// servicelanePackages are the packages whose Service commands are observed.
var servicelanePackages = []string{"org", "servicedesk", "billing", "appraisal", "training", "policy", "monthend"}

// monthendSteps are the commands monthend.Run gives for its steps.
var monthendSteps = []string{"appraisal.rate_all", "appraisal.score_month", "appraisal.finalize", "policy.evaluate"}

// commandsCalled type-checks the quickstart and returns, by
// "package.command", the places where it calls a command: a method of a
// servicelane package's Service that takes an org.Actor, except the
// package's reads (observetest.Reads). The command's name is the one the
// method gives its Observer, read from the package's source.
func commandsCalled(t *testing.T) map[string][]string {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var files []*ast.File
	imports, blank := map[string]bool{}, map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		files = append(files, f)
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if imp.Name != nil && imp.Name.Name == "_" {
				blank[path] = true
			} else {
				imports[path] = true
			}
		}
	}
	pkgs := listExports(t, slices.Sorted(maps.Keys(imports)))
	gc := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(pkgs[path].export)
	})
	conf := types.Config{Importer: importerFunc(func(path string) (*types.Package, error) {
		if blank[path] && !imports[path] {
			// A driver or embed, imported for its side effects only.
			p := types.NewPackage(path, filepath.Base(path))
			p.MarkComplete()
			return p, nil
		}
		return gc.Import(path)
	})}
	info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
	_, err = conf.Check("main", fset, files, info)
	require.NoError(t, err)

	commands := map[string]map[string]observetest.Method{}
	for _, pkg := range servicelanePackages {
		p, ok := pkgs["github.com/servicelane/servicelane/"+pkg]
		if !ok {
			continue // the quickstart does not import it
		}
		commands[pkg], err = observetest.Commands(pkg, p.dir)
		require.NoError(t, err)
	}
	called := map[string][]string{}
	for sel, s := range info.Selections {
		pkg, method, ok := serviceMethod(s)
		if !ok || slices.Contains(observetest.Reads[pkg], method) {
			continue
		}
		where := fset.Position(sel.Pos()).String()
		m, ok := commands[pkg][method]
		if !ok || m.Command == "" {
			t.Errorf("%s: %s.Service.%s takes an actor but is neither observed nor a read (observetest.Reads)", where, pkg, method)
			continue
		}
		called[pkg+"."+m.Command] = append(called[pkg+"."+m.Command], where)
	}
	return called
}

// serviceMethod reports whether s selects a method of a servicelane
// package's Service that takes an org.Actor.
func serviceMethod(s *types.Selection) (pkg, method string, ok bool) {
	if s.Kind() != types.MethodVal {
		return "", "", false
	}
	recv := s.Recv()
	if p, isPtr := recv.(*types.Pointer); isPtr {
		recv = p.Elem()
	}
	named, isNamed := recv.(*types.Named)
	if !isNamed || named.Obj().Name() != "Service" || named.Obj().Pkg() == nil {
		return "", "", false
	}
	path := named.Obj().Pkg().Path()
	name, found := strings.CutPrefix(path, "github.com/servicelane/servicelane/")
	if !found || !slices.Contains(servicelanePackages, name) {
		return "", "", false
	}
	sig := s.Obj().Type().(*types.Signature)
	for i := range sig.Params().Len() {
		if isActor(sig.Params().At(i).Type()) {
			return name, s.Obj().Name(), true
		}
	}
	return "", "", false
}

func isActor(t types.Type) bool {
	n, ok := t.(*types.Named)
	return ok && n.Obj().Name() == "Actor" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "github.com/servicelane/servicelane/org"
}

type listed struct{ export, dir string }

// listExports asks the go command for the compiled export data and the
// directory of each package in paths.
func listExports(t *testing.T, paths []string) map[string]listed {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("quickstart: no go command on PATH to type-check the quickstart: %v", err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(gobin, append([]string{"list", "-export", "-f", "{{.ImportPath}}\t{{.Export}}\t{{.Dir}}"}, paths...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	pkgs := map[string]listed{}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSpace(line), "\t")
		require.Len(t, f, 3, "go list: %q", line)
		pkgs[f[0]] = listed{export: f[1], dir: f[2]}
	}
	return pkgs
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
