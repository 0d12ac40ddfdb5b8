package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// maxLoadProblems is the most problems one load lists; a file with more is
// not a configuration with mistakes but something else.
const maxLoadProblems = 200

// filePos is a place in a file: line and column from 1, 0 when unknown.
type filePos struct{ line, col int }

func nodePos(n *yaml.Node) filePos { return filePos{n.Line, n.Column} }

// loadProblem is one FieldError before its path names the file: where, and
// the field path in JSON names. A problem that leaves its field at zero
// (a wrong type) hides what Validate says about that field, its parents
// and children, which would only repeat it.
type loadProblem struct {
	pos        filePos
	path       string
	code, msg  string
	leavesZero bool
}

// loader walks a node tree into a Go value and collects the problems.
type loader struct {
	name    string
	json    bool
	opt     Options
	probs   []loadProblem
	pos     map[string]filePos // where each field path is written
	budget  int
	depth   int  // the collections the decoder is inside, aliases followed
	tooDeep bool // the decoder went deeper than the depth limit
}

func (l *loader) add(p filePos, path, code, msg string) {
	l.probs = append(l.probs, loadProblem{pos: p, path: path, code: code, msg: msg})
}

// wrong reports a value of the wrong type; its field stays zero.
func (l *loader) wrong(n *yaml.Node, path, want string) {
	l.zeroed(n, path, org.CodeFormat, fmt.Sprintf("must be %s, not %s", want, describeNode(n)))
}

// zeroed reports a problem that leaves its field zero.
func (l *loader) zeroed(n *yaml.Node, path, code, msg string) {
	l.probs = append(l.probs, loadProblem{pos: nodePos(n), path: path, code: code, msg: msg, leavesZero: true})
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if v := []rune(n.Value); len(v) > 40 {
			return strconv.Quote(string(v[:40]) + "...")
		}
		return strconv.Quote(n.Value)
	}
	return "this"
}

// validate adds what Validate finds, each at the line of its field, or of
// the nearest parent written in the file.
func (l *loader) validate(err error) {
	var ve *org.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	// A Validate problem is dropped when a field it concerns, its parent
	// or its child, was left zero by a decoding problem.
	zeroed := map[string]bool{}     // the fields left zero
	containers := map[string]bool{} // and every parent of one
	for _, p := range l.probs {
		if p.leavesZero {
			zeroed[p.path] = true
			for q := p.path; q != ""; {
				q = parentPath(q)
				containers[q] = true
			}
		}
	}
	for _, f := range ve.Fields {
		if containers[f.Path] || zeroedWithin(f.Path, zeroed) {
			continue
		}
		l.add(l.where(f.Path), f.Path, f.Code, f.Message)
	}
}

// zeroedWithin reports whether path or a parent of it was left zero.
func zeroedWithin(path string, zeroed map[string]bool) bool {
	for {
		if zeroed[path] {
			return true
		}
		if path == "" {
			return false
		}
		path = parentPath(path)
	}
}

// parentPath: "labor.rates[2].rate" -> "labor.rates[2]" -> "labor.rates" ->
// "labor" -> "".
func parentPath(path string) string { return path[:max(strings.LastIndexAny(path, ".["), 0)] }

func (l *loader) where(path string) filePos {
	for {
		if p, ok := l.pos[path]; ok || path == "" {
			return p
		}
		path = parentPath(path)
	}
}

// err builds the one error of the load: every problem in file order, each
// with its field's path and the file, line and column it is written at
// (FieldError.Where joins them: "pricebooks/taipei.yaml:12:5: labor.rates[2].rate").
func (l *loader) err() error {
	if len(l.probs) == 0 {
		return nil
	}
	slices.SortStableFunc(l.probs, func(a, b loadProblem) int {
		if a.pos.line != b.pos.line {
			return a.pos.line - b.pos.line
		}
		return a.pos.col - b.pos.col
	})
	ve := &org.ValidationError{Op: l.opt.Op}
	for i, p := range l.probs {
		if i == maxLoadProblems {
			ve.Fields = append(ve.Fields, org.FieldError{Code: org.CodeInvalid, Message: fmt.Sprintf("%d more problems not listed", len(l.probs)-i), File: l.name})
			break
		}
		ve.Fields = append(ve.Fields, org.FieldError{Path: p.path, Code: p.code, Message: p.msg, File: l.name, Line: p.pos.line, Column: p.pos.col})
	}
	return ve
}
