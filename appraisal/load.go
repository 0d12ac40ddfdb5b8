package appraisal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// How a plan file is read: as billing reads a price book (this is its
// loader, with maps added for bonus.by_grade; a later change can move the
// common part to internal/).
//
// Both formats end up as one tree of yaml.Node, which knows the line and
// column of every key and value, and one strict decoder walks that tree
// into a Plan:
//
//   - YAML is parsed by go.yaml.in/yaml/v3 into its node tree.
//   - JSON is read by encoding/json's tokenizer (the real JSON grammar,
//     numbers kept as their text by UseNumber) and built into the same
//     kind of tree, with positions from the decoder's byte offsets.
//
// Decoding the tree ourselves is what lets one load report every problem
// at once, each with its file, line, column and field path, and it reads
// decimals from their text (0.95 or "0.95"), never through float64. The
// decoder is strict: an unknown or repeated field, a list where a mapping
// belongs, text where a number belongs are all problems. In JSON, text
// must be a JSON string and numbers JSON numbers (or, for decimals,
// strings); in YAML, text fields take any scalar as written (version:
// 2026.1) and decimals take numbers or strings. YAML anchors, aliases and
// merge keys (<<: *five) work.

// LoadPlanFile reads the plan in the file at path: see [LoadPlan], with
// path as the name. A file that cannot be read gives the error of
// os.ReadFile, wrapped.
func LoadPlanFile(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("appraisal: load plan: %w", err)
	}
	return LoadPlan(path, data)
}

// LoadPlan decodes a plan from data and validates it. name is the file
// name: its extension chooses the format (.json is JSON; .yaml, .yml and
// anything else YAML, which reads JSON too), and it starts the path of
// every problem.
//
// It returns the plan when it is valid. Otherwise it returns a
// *org.ValidationError (Op "appraisal: load plan") that lists every problem
// at once, in file order: syntax, unknown fields, wrong types and every
// problem of [Plan.Validate], each FieldError.Path naming the file, line,
// column and field, as in "plans/taipei.yaml:12:9: kpis[1].weight". A
// problem of a field not written in the file is placed at its nearest
// parent that is. A syntax error stops the reading; YAML gives its line
// only. It never panics.
func LoadPlan(name string, data []byte) (*Plan, error) {
	l := &planLoader{name: name, json: strings.EqualFold(filepath.Ext(name), ".json"), pos: map[string]loadPos{}}
	var root *yaml.Node
	if l.json {
		root = l.parseJSON(data)
	} else {
		root = l.parseYAML(data)
	}
	if root != nil && loadIsNull(root) {
		l.add(loadNodePos(root), "", org.CodeRequired, "the document is empty: it holds no plan")
		root = nil
	}
	var plan Plan
	if root != nil {
		// Each node is visited once, or once per alias that refers to it;
		// the budget stops a small file of aliases of aliases from
		// expanding without end.
		l.budget = 10_000 + 4*len(data)
		l.pos[""] = loadNodePos(root)
		l.decode(root, reflect.ValueOf(&plan).Elem(), "")
		l.validate(plan.Validate())
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return &plan, nil
}

// maxLoadProblems is the most problems one load lists; a file with more is
// not a plan with mistakes but something else.
const maxLoadProblems = 200

// Limits on a decimal: its text short enough to parse at once, and at most
// 32 digits before and after the point, so that comparing or adding two
// never builds a huge number. Both limits hold again for the decimal
// written back as text (a plan saved as JSON loads again).
const (
	maxDecimalText   = 100
	maxDecimalDigits = 32
)

type loadPos struct{ line, col int }

func loadNodePos(n *yaml.Node) loadPos { return loadPos{n.Line, n.Column} }

// loadProblem is one FieldError before its path names the file: where, and
// the field path in JSON names. A problem that leaves its field at zero
// (a wrong type) hides what Validate says about that field, its parents
// and children, which would only repeat it.
type loadProblem struct {
	pos        loadPos
	path       string
	code, msg  string
	leavesZero bool
}

type planLoader struct {
	name   string
	json   bool
	probs  []loadProblem
	pos    map[string]loadPos // where each field path is written
	budget int
}

func (l *planLoader) add(p loadPos, path, code, msg string) {
	l.probs = append(l.probs, loadProblem{pos: p, path: path, code: code, msg: msg})
}

// wrong reports a value of the wrong type; its field stays zero.
func (l *planLoader) wrong(n *yaml.Node, path, want string) {
	l.zeroed(n, path, org.CodeFormat, fmt.Sprintf("must be %s, not %s", want, loadDescribe(n)))
}

// zeroed reports a problem that leaves its field zero.
func (l *planLoader) zeroed(n *yaml.Node, path, code, msg string) {
	l.probs = append(l.probs, loadProblem{pos: loadNodePos(n), path: path, code: code, msg: msg, leavesZero: true})
}

func loadDescribe(n *yaml.Node) string {
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

var (
	loadYAMLLine          = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	loadYAMLUnknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// loadYAMLParserProblems are the problems yaml's parser (not its scanner)
// reports. yaml.v3 gives these the line of their mark counted from 0, so
// one less than the line in an editor; it leaves the line out when it is
// 0.
var loadYAMLParserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"did not find expected node content", "did not find expected '-' indicator", "did not find expected key",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "found undefined tag handle",
	"found duplicate %YAML directive", "found incompatible YAML document", "found duplicate %TAG directive",
}

// parseYAML parses one YAML document into its top node, or reports why it
// cannot.
func (l *planLoader) parseYAML(data []byte) (root *yaml.Node) {
	defer func() {
		// The parser turns its own failures into errors; this catches
		// anything else, so that no input can panic a host.
		if r := recover(); r != nil {
			l.add(loadPos{}, "", org.CodeFormat, fmt.Sprintf("yaml: cannot parse: %v", r))
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.add(loadPos{}, "", org.CodeRequired, "the file is empty: it holds no plan")
		} else {
			l.yamlSyntax(err, data)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.yamlSyntax(err, data)
		return nil
	default:
		l.add(loadNodePos(&next), "", org.CodeInvalid, "a second YAML document starts here; a plan file holds one")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		l.add(loadNodePos(&doc), "", org.CodeRequired, "the file holds no plan")
		return nil
	}
	return doc.Content[0]
}

// yamlSyntax reports a parse error at its line; yaml gives no column.
func (l *planLoader) yamlSyntax(err error, data []byte) {
	msg := err.Error()
	var p loadPos
	if m := loadYAMLLine.FindStringSubmatch(msg); m != nil {
		p.line, _ = strconv.Atoi(m[1])
		msg = "yaml: " + m[2]
	}
	if slices.Contains(loadYAMLParserProblems, strings.TrimPrefix(msg, "yaml: ")) {
		p.line++
	}
	if m := loadYAMLUnknownAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			p = loadOffsetPos(data, i)
		}
	}
	l.add(p, "", org.CodeFormat, msg)
}

var loadDecimalType = reflect.TypeFor[decimal.Decimal]()

// decode decodes n into v, the field at path.
func (l *planLoader) decode(n *yaml.Node, v reflect.Value, path string) {
	n, ok := l.follow(n)
	if !ok || loadIsNull(n) {
		return // null leaves the zero value, as encoding/json does
	}
	t := v.Type()
	switch {
	case t == loadDecimalType:
		l.decimal(n, v, path)
	case t.Kind() == reflect.Struct:
		l.object(n, v, path)
	case t.Kind() == reflect.Slice:
		l.list(n, v, path)
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		l.mapping(n, v, path)
	case t.Kind() == reflect.Pointer:
		e := reflect.New(t.Elem())
		l.decode(n, e.Elem(), path)
		v.Set(e)
	case t.Kind() == reflect.String:
		l.text(n, v, path)
	case t.Kind() == reflect.Bool:
		l.boolean(n, v, path)
	case v.CanInt():
		l.integer(n, v, path)
	default:
		// A Plan holds no other type; a field added with one shows here
		// (and in the tests that load every field) instead of panicking.
		l.zeroed(n, path, org.CodeInvalid, "the loader cannot read a value of type "+t.String())
	}
}

// follow resolves an alias and spends one node of the budget.
func (l *planLoader) follow(n *yaml.Node) (*yaml.Node, bool) {
	l.budget--
	if l.budget < 0 {
		if l.budget == -1 {
			l.zeroed(n, "", org.CodeInvalid, "too much aliasing: the document expands far beyond its size")
		}
		return nil, false
	}
	for range 8 { // an anchor cannot be put on an alias; 8 is plenty
		if n.Kind != yaml.AliasNode || n.Alias == nil {
			break
		}
		n = n.Alias
	}
	if n.Kind == yaml.AliasNode {
		l.add(loadNodePos(n), "", org.CodeInvalid, "an alias refers to nothing")
		return nil, false
	}
	return n, true
}

func loadIsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// loadField is a struct field as a file names it.
type loadField struct {
	index int
	key   string // the name in the file: the yaml or json tag
	path  string // the name in problem paths: the json tag
}

func (l *planLoader) fields(t reflect.Type) []loadField {
	var out []loadField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		yamlName, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if jsonName == "" {
			jsonName = f.Name
		}
		if yamlName == "" {
			yamlName = strings.ToLower(f.Name)
		}
		key := yamlName
		if l.json {
			key = jsonName
		}
		if key == "-" {
			continue
		}
		out = append(out, loadField{index: i, key: key, path: jsonName})
	}
	return out
}

// object decodes a mapping into a struct, field by field.
func (l *planLoader) object(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		l.wrong(n, path, "a mapping of fields")
		return
	}
	fields := l.fields(v.Type())
	for _, e := range l.entries(n, path, map[*yaml.Node]bool{n: true}) {
		i := slices.IndexFunc(fields, func(f loadField) bool { return f.key == e.key.Value })
		if i < 0 {
			keys := make([]string, len(fields))
			for k, f := range fields {
				keys[k] = f.key
			}
			l.add(loadNodePos(e.key), loadJoin(path, e.key.Value), org.CodeUnknown, "unknown field; the fields here are "+strings.Join(keys, ", "))
			continue
		}
		p := loadJoin(path, fields[i].path)
		l.pos[p] = loadNodePos(e.key)
		l.decode(e.value, v.Field(fields[i].index), p)
	}
}

// mapping decodes a mapping into a map with text keys (bonus.by_grade):
// each key is a path element, as in "bonus.by_grade.good".
func (l *planLoader) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		l.wrong(n, path, "a mapping")
		return
	}
	t := v.Type()
	m := reflect.MakeMap(t)
	for _, e := range l.entries(n, path, map[*yaml.Node]bool{n: true}) {
		switch e.key.ShortTag() {
		case "!!str", "!!int", "!!float":
		default:
			l.add(loadNodePos(e.key), path, org.CodeFormat, "a key here is text, not "+loadDescribe(e.key)+" (quote it)")
			continue
		}
		p := loadJoin(path, e.key.Value)
		l.pos[p] = loadNodePos(e.key)
		ev := reflect.New(t.Elem()).Elem()
		l.decode(e.value, ev, p)
		m.SetMapIndex(reflect.ValueOf(e.key.Value).Convert(t.Key()), ev)
	}
	v.Set(m)
}

type loadEntry struct{ key, value *yaml.Node }

// entries lists a mapping's fields: those written in it, then those that
// merge keys (<<: *defaults) bring and it does not write itself, the
// earlier merge winning, as YAML says.
func (l *planLoader) entries(n *yaml.Node, path string, merging map[*yaml.Node]bool) []loadEntry {
	var out, merges []loadEntry
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			l.add(loadNodePos(k), path, org.CodeFormat, "a field name must be a plain word, not "+loadDescribe(k))
		case !l.json && k.ShortTag() == "!!merge":
			merges = append(merges, loadEntry{k, v})
		case seen[k.Value]:
			l.add(loadNodePos(k), loadJoin(path, k.Value), org.CodeDuplicate, "is written twice in one mapping")
		default:
			seen[k.Value] = true
			out = append(out, loadEntry{k, v})
		}
	}
	for _, m := range merges {
		for _, e := range l.merged(m.value, path, merging) {
			if !seen[e.key.Value] {
				seen[e.key.Value] = true
				out = append(out, e)
			}
		}
	}
	return out
}

// merged lists the fields a merge key brings: a mapping, or a list of them.
func (l *planLoader) merged(v *yaml.Node, path string, merging map[*yaml.Node]bool) []loadEntry {
	v, ok := l.follow(v)
	if !ok {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		if merging[v] {
			l.add(loadNodePos(v), path, org.CodeInvalid, "a merge key brings the mapping that holds it")
			return nil
		}
		merging[v] = true
		defer delete(merging, v)
		return l.entries(v, path, merging)
	case yaml.SequenceNode:
		var out []loadEntry
		seen := map[string]bool{}
		for _, m := range v.Content {
			for _, e := range l.merged(m, path, merging) {
				if !seen[e.key.Value] {
					seen[e.key.Value] = true
					out = append(out, e)
				}
			}
		}
		return out
	}
	l.add(loadNodePos(v), path, org.CodeFormat, "a merge key (<<) takes a mapping or a list of mappings, not "+loadDescribe(v))
	return nil
}

func loadJoin(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// list decodes a sequence into a slice, element by element.
func (l *planLoader) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		l.wrong(n, path, "a list")
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		l.pos[p] = loadNodePos(e)
		l.decode(e, s.Index(i), p)
	}
	v.Set(s)
}

// text decodes a string, or a string type such as Source.
func (l *planLoader) text(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		l.wrong(n, path, "text")
		return
	}
	switch n.ShortTag() {
	case "!!str":
	case "!!int", "!!float", "!!timestamp":
		// YAML: version: 2026.11 is the text as written. JSON: a
		// number is not text.
		if l.json {
			l.wrong(n, path, "a JSON string")
			return
		}
	default:
		l.wrong(n, path, "text (quote it)")
		return
	}
	v.SetString(n.Value)
}

func (l *planLoader) boolean(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		l.wrong(n, path, "true or false")
		return
	}
	switch strings.ToLower(n.Value) {
	case "true":
		v.SetBool(true)
	case "false":
	default:
		l.wrong(n, path, "true or false")
	}
}

func (l *planLoader) integer(n *yaml.Node, v reflect.Value, path string) {
	var i int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		l.wrong(n, path, "a whole number")
		return
	}
	if v.OverflowInt(i) {
		l.zeroed(n, path, org.CodeRange, "is out of range")
		return
	}
	v.SetInt(i)
}

// decimal reads a number exactly from its text: 0.95 and "0.95" alike.
func (l *planLoader) decimal(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		l.wrong(n, path, "a decimal number")
		return
	}
	switch n.ShortTag() {
	case "!!int", "!!float", "!!str":
	default:
		l.wrong(n, path, "a decimal number")
		return
	}
	if len(n.Value) > maxDecimalText {
		l.wrong(n, path, fmt.Sprintf("a decimal number of at most %d characters", maxDecimalText))
		return
	}
	d, err := decimal.NewFromString(n.Value)
	if err != nil {
		l.wrong(n, path, "a decimal number such as 0.95")
		return
	}
	// Digits before the point and places after it, as written: 0.50 has
	// two places, 5e3 four digits.
	whole, places := d.NumDigits()+int(d.Exponent()), -int(d.Exponent())
	if whole > maxDecimalDigits || places > maxDecimalDigits {
		l.zeroed(n, path, org.CodeRange, fmt.Sprintf("has more than %d digits before or after the point", maxDecimalDigits))
		return
	}
	v.Set(reflect.ValueOf(d))
}

// validate adds what Validate found, each at the line of its field, or of
// the nearest parent written in the file.
func (l *planLoader) validate(err error) {
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
				q = loadParent(q)
				containers[q] = true
			}
		}
	}
	for _, f := range ve.Fields {
		if containers[f.Path] || loadZeroedWithin(f.Path, zeroed) {
			continue
		}
		l.add(l.where(f.Path), f.Path, f.Code, f.Message)
	}
}

// loadZeroedWithin reports whether path or a parent of it was left zero.
func loadZeroedWithin(path string, zeroed map[string]bool) bool {
	for {
		if zeroed[path] {
			return true
		}
		if path == "" {
			return false
		}
		path = loadParent(path)
	}
}

// loadParent: "kpis[2].sources[0].weight" -> "kpis[2].sources[0]" ->
// "kpis[2].sources" -> "kpis[2]" -> "kpis" -> "".
func loadParent(path string) string { return path[:max(strings.LastIndexAny(path, ".["), 0)] }

func (l *planLoader) where(path string) loadPos {
	for {
		if p, ok := l.pos[path]; ok || path == "" {
			return p
		}
		path = loadParent(path)
	}
}

// err builds the one error of the load: every problem in file order, each
// path naming the file, line, column and field.
func (l *planLoader) err() error {
	if len(l.probs) == 0 {
		return nil
	}
	slices.SortStableFunc(l.probs, func(a, b loadProblem) int {
		if a.pos.line != b.pos.line {
			return a.pos.line - b.pos.line
		}
		return a.pos.col - b.pos.col
	})
	ve := &org.ValidationError{Op: "appraisal: load plan"}
	for i, p := range l.probs {
		if i == maxLoadProblems {
			ve.Add(l.name, org.CodeInvalid, fmt.Sprintf("%d more problems not listed", len(l.probs)-i))
			break
		}
		ve.Add(l.path(p), p.code, p.msg)
	}
	return ve
}

// path writes "plans/taipei.yaml:12:9: kpis[1].weight".
func (l *planLoader) path(p loadProblem) string {
	var b strings.Builder
	b.WriteString(l.name)
	if p.pos.line > 0 {
		fmt.Fprintf(&b, ":%d", p.pos.line)
		if p.pos.col > 0 {
			fmt.Fprintf(&b, ":%d", p.pos.col)
		}
	}
	if p.path != "" {
		b.WriteString(": ")
		b.WriteString(p.path)
	}
	return b.String()
}

// parseJSON reads JSON into the node tree the decoder walks, or reports
// its first syntax error.
func (l *planLoader) parseJSON(data []byte) *yaml.Node {
	t := &loadJSONTree{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	t.dec.UseNumber()
	root, err := t.value(0)
	if err == nil {
		// Nothing but white space may follow the plan.
		start := t.next()
		if _, err2 := t.dec.Token(); err2 == nil {
			err = &loadJSONError{off: start, msg: "unexpected data after the plan"}
		} else if !errors.Is(err2, io.EOF) {
			err = err2
		}
	}
	if err == nil {
		return root
	}
	if len(bytes.TrimSpace(data)) == 0 {
		l.add(loadPos{}, "", org.CodeRequired, "the file is empty: it holds no plan")
		return nil
	}
	off, msg := len(data), err.Error()
	var se *json.SyntaxError
	var je *loadJSONError
	switch {
	case errors.As(err, &je):
		off, msg = je.off, je.msg
	case errors.As(err, &se):
		off = t.syntaxOffset(se)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg = "unexpected end of JSON input"
	}
	l.add(loadOffsetPos(data, off), "", org.CodeFormat, "json: "+strings.TrimPrefix(msg, "json: "))
	return nil
}

// syntaxOffset is where a syntax error is. Between tokens the decoder
// reports it exactly; inside a value (a number, a string) it counts from
// somewhere else, so the value is read again on its own to find it.
func (t *loadJSONTree) syntaxOffset(se *json.SyntaxError) int {
	start := int(t.dec.InputOffset())
	if int(se.Offset) == start {
		return start
	}
	var raw json.RawMessage
	var again *json.SyntaxError
	if err := json.NewDecoder(bytes.NewReader(t.data[start:])).Decode(&raw); errors.As(err, &again) {
		return start + int(again.Offset) - 1
	}
	return start
}

type loadJSONError struct {
	off int
	msg string
}

func (e *loadJSONError) Error() string { return e.msg }

// loadJSONTree builds yaml nodes from JSON tokens: objects become
// mappings, arrays sequences, strings !!str, numbers !!int or !!float with
// their exact text, true and false !!bool, null !!null.
type loadJSONTree struct {
	data []byte
	dec  *json.Decoder
}

// maxJSONDepth is far deeper than a plan goes.
const maxJSONDepth = 64

func (t *loadJSONTree) value(depth int) (*yaml.Node, error) {
	start := t.next()
	if depth > maxJSONDepth {
		return nil, &loadJSONError{off: start, msg: "nested too deeply"}
	}
	tok, err := t.dec.Token()
	if err != nil {
		return nil, err
	}
	p := loadOffsetPos(t.data, start)
	n := &yaml.Node{Line: p.line, Column: p.col}
	switch v := tok.(type) {
	case json.Delim:
		return n, t.collection(n, v, depth)
	case string:
		n.Kind, n.Tag, n.Style, n.Value = yaml.ScalarNode, "!!str", yaml.DoubleQuotedStyle, v
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", string(v)
		if strings.ContainsAny(string(v), ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", strconv.FormatBool(v)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}

// collection reads an object's members or an array's elements up to its
// closing delimiter.
func (t *loadJSONTree) collection(n *yaml.Node, open json.Delim, depth int) error {
	n.Style = yaml.FlowStyle
	if open == '[' {
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
	} else {
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	for t.dec.More() {
		if n.Kind == yaml.MappingNode {
			start := t.next()
			tok, err := t.dec.Token()
			if err != nil {
				return err
			}
			key, ok := tok.(string)
			if !ok {
				return &loadJSONError{off: start, msg: "an object key must be a string"}
			}
			p := loadOffsetPos(t.data, start)
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle,
				Value: key, Line: p.line, Column: p.col})
		}
		v, err := t.value(depth + 1)
		if err != nil {
			return err
		}
		n.Content = append(n.Content, v)
	}
	_, err := t.dec.Token() // the closing delimiter
	return err
}

// next is where the next token starts: after the end of the last one, its
// white space and separator.
func (t *loadJSONTree) next() int {
	off := int(t.dec.InputOffset())
	for off < len(t.data) && strings.IndexByte(" \t\r\n,:", t.data[off]) >= 0 {
		off++
	}
	return off
}

// loadOffsetPos turns a byte offset into a line and a column in
// characters, both from 1, as yaml counts them.
func loadOffsetPos(data []byte, off int) loadPos {
	off = min(max(off, 0), len(data))
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return loadPos{
		line: bytes.Count(data[:lineStart], []byte{'\n'}) + 1,
		col:  utf8.RuneCount(data[lineStart:off]) + 1,
	}
}
