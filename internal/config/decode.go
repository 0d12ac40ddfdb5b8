package config

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// decode decodes n into v, the field at path.
func (l *loader) decode(n *yaml.Node, v reflect.Value, path string) {
	n, ok := l.follow(n)
	if !ok || isNullNode(n) {
		return // null leaves the zero value, as encoding/json does
	}
	t := v.Type()
	if (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && t.Kind() != reflect.Pointer {
		// The text was checked before parsing; an alias can still bring
		// a collection deeper than the text shows. (A pointer's value is
		// decoded and counted next.)
		l.depth++
		defer func() { l.depth-- }()
		if l.depth > l.opt.limits().Depth {
			l.deepCollection(n)
			return
		}
	}
	switch {
	case t == decimalReflect:
		l.decimal(n, v, path)
	case l.opt.YAMLFallback && decodesItself(t):
		l.other(n, v, path)
	case t.Kind() == reflect.Struct:
		l.object(n, v, path)
	case t.Kind() == reflect.Slice:
		l.list(n, v, path)
	case l.opt.Maps && t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
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
	case l.opt.YAMLFallback:
		l.other(n, v, path)
	default:
		l.zeroed(n, path, org.CodeInvalid, "the loader cannot read a value of type "+t.String())
	}
}

// follow resolves an alias and spends one node of the budget.
func (l *loader) follow(n *yaml.Node) (*yaml.Node, bool) {
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

// decodesItself: a type that decodes itself.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(yamlUnm) || p.Implements(textUnm)
}

// other decodes a type the walker does not know through yaml itself.
func (l *loader) other(n *yaml.Node, v reflect.Value, path string) {
	defer func() {
		if r := recover(); r != nil {
			l.wrong(n, path, "a value of type "+v.Type().String())
		}
	}()
	if err := n.Decode(v.Addr().Interface()); err != nil {
		l.wrong(n, path, "a value of type "+v.Type().String())
	}
}

// field is a struct field as a file names it.
type field struct {
	index int
	key   string // the name in the file: the yaml or json tag
	path  string // the name in problem paths: the json tag
}

func (l *loader) fields(t reflect.Type) []field {
	var out []field
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
		out = append(out, field{index: i, key: key, path: jsonName})
	}
	return out
}

// object decodes a mapping into a struct, field by field.
func (l *loader) object(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		l.wrong(n, path, "a mapping of fields")
		return
	}
	fields := l.fields(v.Type())
	for _, e := range l.entries(n, path, map[*yaml.Node]bool{n: true}) {
		i := slices.IndexFunc(fields, func(f field) bool { return f.key == e.key.Value })
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

// mapping decodes a mapping into a map with text keys (bonus.by_grade):
// each key is a path element, as in "bonus.by_grade.good".
func (l *loader) mapping(n *yaml.Node, v reflect.Value, path string) {
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
			l.add(nodePos(e.key), path, org.CodeFormat, "a key here is text, not "+describeNode(e.key)+" (quote it)")
			continue
		}
		p := joinPath(path, e.key.Value)
		l.pos[p] = nodePos(e.key)
		ev := reflect.New(t.Elem()).Elem()
		l.decode(e.value, ev, p)
		m.SetMapIndex(reflect.ValueOf(e.key.Value).Convert(t.Key()), ev)
	}
	v.Set(m)
}

type mapEntry struct{ key, value *yaml.Node }

// entries lists a mapping's fields: those written in it, then those that
// merge keys (<<: *defaults) bring and it does not write itself, the
// earlier merge winning, as YAML says.
func (l *loader) entries(n *yaml.Node, path string, merging map[*yaml.Node]bool) []mapEntry {
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
func (l *loader) merged(v *yaml.Node, path string, merging map[*yaml.Node]bool) []mapEntry {
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
func (l *loader) list(n *yaml.Node, v reflect.Value, path string) {
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

// text decodes a string, or a string type such as billing.PayType.
func (l *loader) text(n *yaml.Node, v reflect.Value, path string) {
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

func (l *loader) boolean(n *yaml.Node, v reflect.Value, path string) {
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

func (l *loader) integer(n *yaml.Node, v reflect.Value, path string) {
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

// decimal reads a number exactly from its text: 12.50 and "12.50" alike.
func (l *loader) decimal(n *yaml.Node, v reflect.Value, path string) {
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
	if len(n.Value) > l.opt.MaxDecimalText {
		l.wrong(n, path, fmt.Sprintf("a decimal number of at most %d characters", l.opt.MaxDecimalText))
		return
	}
	d, err := decimal.NewFromString(n.Value)
	if err != nil {
		l.wrong(n, path, "a decimal number such as "+l.opt.DecimalExample)
		return
	}
	if l.opt.DecimalRange != nil {
		if msg := l.opt.DecimalRange(d); msg != "" {
			l.zeroed(n, path, org.CodeRange, msg)
			return
		}
	}
	v.Set(reflect.ValueOf(d))
}
