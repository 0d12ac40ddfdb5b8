// Package config reads a configuration file (a price book, an appraisal
// plan) strictly, from YAML or JSON, into a Go value, and reports every
// problem at once with its file, line, column and field path.
//
// Both formats end up as one tree of yaml.Node, which knows the line and
// column of every key and value, and one strict decoder walks that tree
// into the value:
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
package config

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// Options are what differs between the files one loads: the price book
// of billing, the plan of appraisal.
type Options struct {
	// Op is the Op of the *org.ValidationError, as "billing: load price
	// book".
	Op string
	// Noun names what the file holds, as "price book", in the messages
	// of an empty file or a second document.
	Noun string
	// MaxDecimalText is the longest text a decimal may be written in.
	MaxDecimalText int
	// DecimalExample is shown in the message of a decimal that does not
	// parse: "must be a decimal number such as 12.50".
	DecimalExample string
	// DecimalRange checks a parsed decimal: it returns the message of a
	// range problem, or "" when the decimal is within range. Nil accepts
	// every decimal. See [ExponentLimit] and [DigitLimit].
	DecimalRange func(decimal.Decimal) string
	// Maps lets a map with text keys be read from a mapping, each key a
	// path element ("bonus.by_grade.good").
	Maps bool
	// YAMLFallback decodes a type the decoder does not know, and one
	// that decodes itself (yaml.Unmarshaler, encoding.TextUnmarshaler),
	// through yaml. Without it such a type is a problem of its own:
	// "the loader cannot read a value of type T".
	YAMLFallback bool
	// Limits bound the document's bytes, lines and nesting before it is
	// parsed; a field of 0 or less is its default. See [Limits] and
	// [Options.WithLimits].
	Limits Limits
	// LimitNames name where each limit is set in the message of a
	// document beyond it.
	LimitNames LimitNames
}

// ExponentLimit accepts a decimal whose exponent is within ±limit.
func ExponentLimit(limit int32) func(decimal.Decimal) string {
	return func(d decimal.Decimal) string {
		if e := d.Exponent(); e < -limit || e > limit {
			return fmt.Sprintf("has more than %d decimal places or is too large", limit)
		}
		return ""
	}
}

// DigitLimit accepts a decimal with at most limit digits before the
// point and limit places after it, as written: 0.50 has two places, 5e3
// four digits.
func DigitLimit(limit int) func(decimal.Decimal) string {
	return func(d decimal.Decimal) string {
		whole, places := d.NumDigits()+int(d.Exponent()), -int(d.Exponent())
		if whole > limit || places > limit {
			return fmt.Sprintf("has more than %d digits before or after the point", limit)
		}
		return ""
	}
}

// IsJSON reports whether a file named name is read as JSON: its extension
// is .json. Anything else is YAML, which reads JSON too.
func IsJSON(name string) bool { return strings.EqualFold(filepath.Ext(name), ".json") }

// Load decodes data, the file called name, into v, a pointer to a struct,
// and then adds every problem that validate finds (an *org.ValidationError
// whose paths are field paths in JSON names), each at the line of its
// field or of its nearest parent written in the file. validate is called
// only when the file parses into a document; it should validate the value
// v points to.
//
// Before anything parses data, Load checks it against opt.Limits: a
// document beyond them is refused with the one or two problems of the
// limits it passes (see [Limits]), and nothing else.
//
// It returns nil when there is no problem. Otherwise it returns a
// *org.ValidationError (Op opt.Op) that lists every problem in file order,
// each FieldError.Path naming the file, line, column and field, as in
// "pricebooks/taipei.yaml:12:5: labor.rates[2].rate". It never panics.
func Load(name string, data []byte, v any, validate func() error, opt Options) error {
	l := &loader{name: name, json: IsJSON(name), opt: opt, pos: map[string]filePos{}}
	if !l.checkLimits(data) {
		return l.err()
	}
	var root *yaml.Node
	if l.json {
		root = l.parseJSON(data)
	} else {
		root = l.parseYAML(data)
	}
	if root != nil && isNullNode(root) {
		l.add(nodePos(root), "", org.CodeRequired, "the document is empty: it holds no "+opt.Noun)
		root = nil
	}
	if root != nil {
		// Each node is visited once, or once per alias that refers to it;
		// the budget stops a small file of aliases of aliases from
		// expanding without end.
		l.budget = 10_000 + 4*len(data)
		l.pos[""] = nodePos(root)
		l.decode(root, reflect.ValueOf(v).Elem(), "")
		if validate != nil {
			l.validate(validate())
		}
	}
	return l.err()
}
