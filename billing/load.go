package billing

import (
	"bytes"
	"encoding"
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

// How a price book file is read.
//
// Both formats end up as one tree of yaml.Node, which knows the line and
// column of every key and value, and one strict decoder walks that tree
// into a PriceBook:
//
//   - YAML is parsed by go.yaml.in/yaml/v3 into its node tree.
//   - JSON is read by encoding/json's tokenizer (the real JSON grammar,
//     numbers kept as their text by UseNumber) and built into the same
//     kind of tree, with positions from the decoder's byte offsets.
//
// Decoding the tree ourselves, instead of yaml's Decoder.KnownFields or
// json's DisallowUnknownFields, is what lets one load report every problem
// at once (those stop or lose the position at the first), each with its
// file, line, column and field path, and it reads decimals from their text
// (12.50 or "12.50"), never through float64. The decoder is strict: an
// unknown or repeated field, a list where a mapping belongs, text where a
// number belongs are all problems. In JSON, text must be a JSON string and
// numbers JSON numbers (or, for decimals, strings); in YAML, text fields
// take any scalar as written (version: 2026.1) and decimals take numbers
// or strings. YAML anchors, aliases and merge keys (<<: *defaults) work.

// LoadPriceBookFile reads the price book in the file at path: see
// [LoadPriceBook], with path as the name. A file that cannot be read gives
// the error of os.ReadFile, wrapped.
func LoadPriceBookFile(path string) (*PriceBook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("billing: load price book: %w", err)
	}
	return LoadPriceBook(path, data)
}

// LoadPriceBook decodes a price book from data and validates it. name is
// the file name: its extension chooses the format (.json is JSON; .yaml,
// .yml and anything else YAML, which reads JSON too), and it starts the
// path of every problem.
//
// It returns the book when it is valid. Otherwise it returns a
// *org.ValidationError (Op "billing: load price book") that lists every
// problem at once: syntax, unknown fields, wrong types and every problem of
// [PriceBook.Validate], each FieldError.Path naming the file, line, column
// and field, as in "pricebooks/taipei.yaml:12:5: labor.rates[2].rate". A
// syntax error stops the reading; YAML gives its line only. It never
// panics.
func LoadPriceBook(name string, data []byte) (*PriceBook, error) {
	l := &bookLoader{name: name, json: strings.EqualFold(filepath.Ext(name), ".json"), pos: map[string]filePos{}}
	var root *yaml.Node
	if l.json {
		root = l.parseJSON(data)
	} else {
		root = l.parseYAML(data)
	}
	if root != nil && isNullNode(root) {
		l.add(nodePos(root), "", org.CodeRequired, "the document is empty: it holds no price book")
		root = nil
	}
	var book PriceBook
	if root != nil {
		// Each node is visited once, or once per alias that refers to it;
		// the budget stops a small file of aliases of aliases from
		// expanding without end.
		l.budget = 10_000 + 4*len(data)
		l.pos[""] = nodePos(root)
		l.decode(root, reflect.ValueOf(&book).Elem(), "")
		l.validate(&book)
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return &book, nil
}

// maxLoadProblems is the most problems one load lists; a file with more is
// not a price book with mistakes but something else.
const maxLoadProblems = 200

// Limits on a decimal's text: enough for any amount, rate or hours, and
// small enough that comparing two decimals never builds a huge number.
const (
	maxDecimalText     = 64
	maxDecimalExponent = 32
)

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

type bookLoader struct {
	name   string
	json   bool
	probs  []loadProblem
	pos    map[string]filePos // where each field path is written
	budget int
}

func (l *bookLoader) add(p filePos, path, code, msg string) {
	l.probs = append(l.probs, loadProblem{pos: p, path: path, code: code, msg: msg})
}

// wrong reports a value of the wrong type; its field stays zero.
func (l *bookLoader) wrong(n *yaml.Node, path, want string) {
	l.probs = append(l.probs, loadProblem{pos: nodePos(n), path: path, code: org.CodeFormat,
		msg: fmt.Sprintf("must be %s, not %s", want, describeNode(n)), leavesZero: true})
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

var (
	yamlLine          = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlUnknownAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlParserProblems are the problems yaml's parser (not its scanner)
// reports. yaml.v3 gives these the line of their mark counted from 0, so
// one less than the line in an editor; it leaves the line out when it is
// 0.
var yamlParserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"did not find expected node content", "did not find expected '-' indicator", "did not find expected key",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'", "found undefined tag handle",
	"found duplicate %YAML directive", "found incompatible YAML document", "found duplicate %TAG directive",
}

// parseYAML parses one YAML document into its top node, or reports why it
// cannot.
func (l *bookLoader) parseYAML(data []byte) (root *yaml.Node) {
	defer func() {
		// The parser turns its own failures into errors; this catches
		// anything else, so that no input can panic a host.
		if r := recover(); r != nil {
			l.add(filePos{}, "", org.CodeFormat, fmt.Sprintf("yaml: cannot parse: %v", r))
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.add(filePos{}, "", org.CodeRequired, "the file is empty: it holds no price book")
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
		l.add(nodePos(&next), "", org.CodeInvalid, "a second YAML document starts here; a price book file holds one")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		l.add(nodePos(&doc), "", org.CodeRequired, "the file holds no price book")
		return nil
	}
	return doc.Content[0]
}

// yamlSyntax reports a parse error at its line; yaml gives no column.
func (l *bookLoader) yamlSyntax(err error, data []byte) {
	msg := err.Error()
	var p filePos
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.line, _ = strconv.Atoi(m[1])
		msg = "yaml: " + m[2]
	}
	if slices.Contains(yamlParserProblems, strings.TrimPrefix(msg, "yaml: ")) {
		p.line++
	}
	if m := yamlUnknownAnchor.FindStringSubmatch(msg); m != nil {
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			p = offsetPosition(data, i)
		}
	}
	l.add(p, "", org.CodeFormat, msg)
}

// decode decodes n into v, the field at path.
func (l *bookLoader) decode(n *yaml.Node, v reflect.Value, path string) {
	n, ok := l.follow(n)
	if !ok || isNullNode(n) {
		return // null leaves the zero value, as encoding/json does
	}
	t := v.Type()
	switch {
	case t == decimalReflect:
		l.decimal(n, v, path)
	case decodesItself(t):
		l.other(n, v, path)
	case t.Kind() == reflect.Struct:
		l.object(n, v, path)
	case t.Kind() == reflect.Slice:
		l.list(n, v, path)
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
		l.other(n, v, path)
	}
}

// follow resolves an alias and spends one node of the budget.
func (l *bookLoader) follow(n *yaml.Node) (*yaml.Node, bool) {
	l.budget--
	if l.budget < 0 {
		if l.budget == -1 {
			l.probs = append(l.probs, loadProblem{pos: nodePos(n), code: org.CodeInvalid,
				msg: "too much aliasing: the document expands far beyond its size", leavesZero: true})
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
		l.add(nodePos(n), "", org.CodeInvalid, "an alias refers to nothing")
		return nil, false
	}
	return n, true
}

func isNullNode(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

var (
	decimalReflect = reflect.TypeFor[decimal.Decimal]()
	yamlUnm        = reflect.TypeFor[yaml.Unmarshaler]()
	textUnm        = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// custom: a type that decodes itself (none in a PriceBook today).
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(yamlUnm) || p.Implements(textUnm)
}

// other decodes a type the walker does not know through yaml itself.
func (l *bookLoader) other(n *yaml.Node, v reflect.Value, path string) {
	defer func() {
		if r := recover(); r != nil {
			l.wrong(n, path, "a value of type "+v.Type().String())
		}
	}()
	if err := n.Decode(v.Addr().Interface()); err != nil {
		l.wrong(n, path, "a value of type "+v.Type().String())
	}
}

// bookField is a struct field as a file names it.
type bookField struct {
	index int
	key   string // the name in the file: the yaml or json tag
	path  string // the name in problem paths: the json tag
}

func (l *bookLoader) fields(t reflect.Type) []bookField {
	var out []bookField
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
		out = append(out, bookField{index: i, key: key, path: jsonName})
	}
	return out
}

// object decodes a mapping into a struct, field by field.
func (l *bookLoader) object(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		l.wrong(n, path, "a mapping of fields")
		return
	}
	fields := l.fields(v.Type())
	for _, e := range l.entries(n, path, map[*yaml.Node]bool{n: true}) {
		i := slices.IndexFunc(fields, func(f bookField) bool { return f.key == e.key.Value })
		if i < 0 {
			keys := make([]string, len(fields))
			for k, f := range fields {
				keys[k] = f.key
			}
			l.add(nodePos(e.key), joinPath(path, e.key.Value), org.CodeUnknown, "unknown field; the fields here are "+strings.Join(keys, ", "))
			continue
		}
		p := joinPath(path, fields[i].path)
		l.pos[p] = nodePos(e.key)
		l.decode(e.value, v.Field(fields[i].index), p)
	}
}

type mapEntry struct{ key, value *yaml.Node }

// entries lists a mapping's fields: those written in it, then those that
// merge keys (<<: *defaults) bring and it does not write itself, the
// earlier merge winning, as YAML says.
func (l *bookLoader) entries(n *yaml.Node, path string, merging map[*yaml.Node]bool) []mapEntry {
	var out, merges []mapEntry
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			l.add(nodePos(k), path, org.CodeFormat, "a field name must be a plain word, not "+describeNode(k))
		case !l.json && k.ShortTag() == "!!merge":
			merges = append(merges, mapEntry{k, v})
		case seen[k.Value]:
			l.add(nodePos(k), joinPath(path, k.Value), org.CodeDuplicate, "is written twice in one mapping")
		default:
			seen[k.Value] = true
			out = append(out, mapEntry{k, v})
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
func (l *bookLoader) merged(v *yaml.Node, path string, merging map[*yaml.Node]bool) []mapEntry {
	v, ok := l.follow(v)
	if !ok {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		if merging[v] {
			l.add(nodePos(v), path, org.CodeInvalid, "a merge key brings the mapping that holds it")
			return nil
		}
		merging[v] = true
		defer delete(merging, v)
		return l.entries(v, path, merging)
	case yaml.SequenceNode:
		var out []mapEntry
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
	l.add(nodePos(v), path, org.CodeFormat, "a merge key (<<) takes a mapping or a list of mappings, not "+describeNode(v))
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// list decodes a sequence into a slice, element by element.
func (l *bookLoader) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		l.wrong(n, path, "a list")
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		l.pos[p] = nodePos(e)
		l.decode(e, s.Index(i), p)
	}
	v.Set(s)
}

// text decodes a string, or a string type such as PayType.
func (l *bookLoader) text(n *yaml.Node, v reflect.Value, path string) {
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

func (l *bookLoader) boolean(n *yaml.Node, v reflect.Value, path string) {
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

func (l *bookLoader) integer(n *yaml.Node, v reflect.Value, path string) {
	var i int64
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		l.wrong(n, path, "a whole number")
		return
	}
	if v.OverflowInt(i) {
		l.probs = append(l.probs, loadProblem{pos: nodePos(n), path: path, code: org.CodeRange, msg: "is out of range", leavesZero: true})
		return
	}
	v.SetInt(i)
}

// decimal reads a number exactly from its text: 12.50 and "12.50" alike.
func (l *bookLoader) decimal(n *yaml.Node, v reflect.Value, path string) {
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
		l.wrong(n, path, "a decimal number such as 12.50")
		return
	}
	if e := d.Exponent(); e < -maxDecimalExponent || e > maxDecimalExponent {
		l.probs = append(l.probs, loadProblem{pos: nodePos(n), path: path, code: org.CodeRange,
			msg: fmt.Sprintf("has more than %d decimal places or is too large", maxDecimalExponent), leavesZero: true})
		return
	}
	v.Set(reflect.ValueOf(d))
}

// validate adds what Validate finds, each at the line of its field, or of
// the nearest parent written in the file.
func (l *bookLoader) validate(b *PriceBook) {
	var ve *org.ValidationError
	if !errors.As(b.Validate(), &ve) {
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

func (l *bookLoader) where(path string) filePos {
	for {
		if p, ok := l.pos[path]; ok || path == "" {
			return p
		}
		path = parentPath(path)
	}
}

// err builds the one error of the load: every problem in file order, each
// path naming the file, line, column and field.
func (l *bookLoader) err() error {
	if len(l.probs) == 0 {
		return nil
	}
	slices.SortStableFunc(l.probs, func(a, b loadProblem) int {
		if a.pos.line != b.pos.line {
			return a.pos.line - b.pos.line
		}
		return a.pos.col - b.pos.col
	})
	ve := &org.ValidationError{Op: "billing: load price book"}
	for i, p := range l.probs {
		if i == maxLoadProblems {
			ve.Add(l.name, org.CodeInvalid, fmt.Sprintf("%d more problems not listed", len(l.probs)-i))
			break
		}
		ve.Add(l.path(p), p.code, p.msg)
	}
	return ve
}

// path writes "pricebooks/taipei.yaml:12:5: labor.rates[2].rate".
func (l *bookLoader) path(p loadProblem) string {
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
func (l *bookLoader) parseJSON(data []byte) *yaml.Node {
	t := &jsonTree{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	t.dec.UseNumber()
	root, err := t.value(0)
	if err == nil {
		// Nothing but white space may follow the book.
		start := t.next()
		if _, err2 := t.dec.Token(); err2 == nil {
			err = &jsonError{off: start, msg: "unexpected data after the price book"}
		} else if !errors.Is(err2, io.EOF) {
			err = err2
		}
	}
	if err == nil {
		return root
	}
	if len(bytes.TrimSpace(data)) == 0 {
		l.add(filePos{}, "", org.CodeRequired, "the file is empty: it holds no price book")
		return nil
	}
	off, msg := len(data), err.Error()
	var se *json.SyntaxError
	var je *jsonError
	switch {
	case errors.As(err, &je):
		off, msg = je.off, je.msg
	case errors.As(err, &se):
		off = t.syntaxOffset(se)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg = "unexpected end of JSON input"
	}
	l.add(offsetPosition(data, off), "", org.CodeFormat, "json: "+strings.TrimPrefix(msg, "json: "))
	return nil
}

// syntaxOffset is where a syntax error is. Between tokens the decoder
// reports it exactly; inside a value (a number, a string) it counts from
// somewhere else, so the value is read again on its own to find it.
func (t *jsonTree) syntaxOffset(se *json.SyntaxError) int {
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

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// jsonTree builds yaml nodes from JSON tokens: objects become mappings,
// arrays sequences, strings !!str, numbers !!int or !!float with their
// exact text, true and false !!bool, null !!null.
type jsonTree struct {
	data []byte
	dec  *json.Decoder
}

// maxJSONDepth is far deeper than a price book goes.
const maxJSONDepth = 64

func (t *jsonTree) value(depth int) (*yaml.Node, error) {
	start := t.next()
	if depth > maxJSONDepth {
		return nil, &jsonError{off: start, msg: "nested too deeply"}
	}
	tok, err := t.dec.Token()
	if err != nil {
		return nil, err
	}
	p := offsetPosition(t.data, start)
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
func (t *jsonTree) collection(n *yaml.Node, open json.Delim, depth int) error {
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
				return &jsonError{off: start, msg: "an object key must be a string"}
			}
			p := offsetPosition(t.data, start)
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
func (t *jsonTree) next() int {
	off := int(t.dec.InputOffset())
	for off < len(t.data) && strings.IndexByte(" \t\r\n,:", t.data[off]) >= 0 {
		off++
	}
	return off
}

// offsetPosition turns a byte offset into a line and a column in
// characters, both from 1, as yaml counts them.
func offsetPosition(data []byte, off int) filePos {
	off = min(max(off, 0), len(data))
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return filePos{
		line: bytes.Count(data[:lineStart], []byte{'\n'}) + 1,
		col:  utf8.RuneCount(data[lineStart:off]) + 1,
	}
}
