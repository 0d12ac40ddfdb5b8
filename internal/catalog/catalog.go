// Package catalog is the message-catalogue engine that billing and policy
// share: it compiles templates with {name} placeholders, one per language of
// [org.Langs], checks them against the arguments each message declares,
// renders them with a formatter that each package supplies for its own
// argument kinds, and lists the messages.
//
// A catalogue is compiled once, when its package loads ([MustCompile]), and
// never changed afterwards, so it is safe for concurrent use.
package catalog

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/org"
)

// Errors of rendering, used when the [Config] names none of its own. Match
// them with errors.Is.
var (
	// ErrUnknownMessage: the catalogue has no message with the key.
	ErrUnknownMessage = errors.New("catalog: unknown message key")
	// ErrMissingArg: the arguments lack one the message declares.
	ErrMissingArg = errors.New("catalog: message argument missing")
)

// Def is a message as written: the arguments it declares and its template
// in every language.
//
// Args lists the arguments separated by spaces, each as name or name:kind
// ("op description hours rate:money"). A name is lower case letters, digits
// and underscores, starting with a letter; the kind, when present, must be
// one of [Config.Kinds] and tells the [Formatter] how to show the value.
//
// Text holds a template for every language of [org.Langs] and no other: plain
// text with {name} placeholders, each naming a declared argument. An
// argument may be declared and shown in no template: rendering still
// requires it.
type Def struct {
	Args string
	Text map[org.Lang]string
}

// Config says how a package's catalogue is checked and how its errors read.
type Config struct {
	// Name prefixes the errors of compiling: "billing: message ...".
	Name string
	// Kinds are the argument kinds a Def may declare. The empty kind (shown
	// as given) is always allowed.
	Kinds []string
	// ErrUnknownMessage and ErrMissingArg are the sentinels that rendering
	// errors wrap; nil means this package's [ErrUnknownMessage] and
	// [ErrMissingArg].
	ErrUnknownMessage error
	ErrMissingArg     error
}

// Formatter shows the value of an argument of a kind other than "" in lang,
// which is always [org.English] or [org.TraditionalChinese] (see [Lang]).
// A nil Formatter shows every value as given.
type Formatter func(kind, value string, lang org.Lang) string

// Message is one message of a catalogue, as [Catalog.Messages] lists it.
type Message struct {
	Key  string
	Args []string // the declared names, in order; nil when there are none
	Text map[org.Lang]string
}

// Catalog is a compiled catalogue. Build it with [Compile] or [MustCompile].
type Catalog struct {
	unknown, missing error
	keys             []string // sorted
	msgs             map[string]*message
}

type arg struct {
	name string
	kind string
}

// segment is literal text, or (arg >= 0) the value of an argument.
type segment struct {
	lit string
	arg int
}

type message struct {
	args []arg
	src  map[org.Lang]string
	tmpl map[org.Lang][]segment
}

var argName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// MustCompile is [Compile] for a catalogue written in the program: it
// panics when a message is wrong, so that a broken catalogue stops the
// program at start-up (and fails every test) rather than at render time.
func MustCompile(cfg Config, defs map[string]Def) *Catalog {
	c, err := Compile(cfg, defs)
	if err != nil {
		panic(err)
	}
	return c
}

// Compile checks and compiles every message of defs. It reports every
// problem at once, joined, each naming its message (and language): an
// argument badly named, of an unknown kind or declared twice; a language
// missing, empty or not one of [org.Langs]; an unbalanced brace; a
// placeholder naming no declared argument.
func Compile(cfg Config, defs map[string]Def) (*Catalog, error) {
	c := &Catalog{unknown: cfg.ErrUnknownMessage, missing: cfg.ErrMissingArg, msgs: make(map[string]*message, len(defs))}
	if c.unknown == nil {
		c.unknown = ErrUnknownMessage
	}
	if c.missing == nil {
		c.missing = ErrMissingArg
	}
	prefix := ""
	if cfg.Name != "" {
		prefix = cfg.Name + ": "
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(defs)) {
		def := defs[key]
		m := &message{src: make(map[org.Lang]string, len(def.Text)), tmpl: make(map[org.Lang][]segment, len(def.Text))}
		ok := true
		for _, f := range strings.Fields(def.Args) {
			name, kind, _ := strings.Cut(f, ":")
			if !argName.MatchString(name) || (kind != "" && !slices.Contains(cfg.Kinds, kind)) ||
				slices.ContainsFunc(m.args, func(a arg) bool { return a.name == name }) {
				errs = append(errs, fmt.Errorf("%smessage %s: bad argument %q", prefix, key, f))
				ok = false
			}
			m.args = append(m.args, arg{name, kind})
		}
		for _, lang := range slices.Sorted(maps.Keys(def.Text)) {
			if !slices.Contains(org.Langs(), lang) {
				errs = append(errs, fmt.Errorf("%smessage %s: unknown language %q", prefix, key, lang))
				ok = false
			}
		}
		for _, lang := range org.Langs() {
			m.src[lang] = def.Text[lang]
			segs, err := parse(def.Text[lang], m.args)
			if err != nil {
				errs = append(errs, fmt.Errorf("%smessage %s [%s]: %w", prefix, key, lang, err))
				ok = false
			}
			m.tmpl[lang] = segs
		}
		if ok {
			c.msgs[key] = m
			c.keys = append(c.keys, key)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

// parse splits a template into literal text and placeholders, each of
// which must name a declared argument.
func parse(src string, args []arg) ([]segment, error) {
	if strings.TrimSpace(src) == "" {
		return nil, errors.New("empty template")
	}
	var segs []segment
	rest := src
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if end := strings.IndexByte(rest, '}'); end >= 0 && (open < 0 || end < open) {
			return nil, fmt.Errorf("%q: '}' without '{'", src)
		}
		if open < 0 {
			segs = append(segs, segment{lit: rest, arg: -1})
			break
		}
		if open > 0 {
			segs = append(segs, segment{lit: rest[:open], arg: -1})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("%q: '{' without '}'", src)
		}
		name := rest[open+1 : open+end]
		i := slices.IndexFunc(args, func(a arg) bool { return a.name == name })
		if i < 0 {
			return nil, fmt.Errorf("%q: {%s} is not a declared argument", src, name)
		}
		segs = append(segs, segment{arg: i})
		rest = rest[open+end+1:]
	}
	return segs, nil
}

// Lang is the language a message renders in: Traditional Chinese when asked
// for, English for English and for every other Lang.
func Lang(lang org.Lang) org.Lang {
	if lang == org.TraditionalChinese {
		return org.TraditionalChinese
	}
	return org.English
}

// Render renders the message key in [Lang](lang), showing each argument
// through format by its kind. Arguments the message does not declare are
// ignored. It fails, and renders nothing, with an error wrapping the
// configured ErrUnknownMessage when c has no message key, and ErrMissingArg
// (naming every missing argument) when args lacks a declared one.
func (c *Catalog) Render(key string, lang org.Lang, args map[string]string, format Formatter) (string, error) {
	m, ok := c.msgs[key]
	if !ok {
		return "", fmt.Errorf("%w: %q", c.unknown, key)
	}
	var missing []string
	for _, a := range m.args {
		if _, ok := args[a.name]; !ok {
			missing = append(missing, a.name)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%w: %s needs %s", c.missing, key, strings.Join(missing, ", "))
	}
	lang = Lang(lang)
	var b strings.Builder
	for _, s := range m.tmpl[lang] {
		if s.arg < 0 {
			b.WriteString(s.lit)
			continue
		}
		a := m.args[s.arg]
		v := args[a.name]
		if a.kind != "" && format != nil {
			v = format(a.kind, v, lang)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// Term is [Catalog.Render] that gives fallback instead of an error: for
// names and fragments that have a sensible text of their own.
func (c *Catalog) Term(key string, lang org.Lang, args map[string]string, format Formatter, fallback string) string {
	s, err := c.Render(key, lang, args, format)
	if err != nil {
		return fallback
	}
	return s
}

// Messages lists the catalogue, sorted by key. Every call returns new
// slices and maps, which the caller may change.
func (c *Catalog) Messages() []Message {
	out := make([]Message, 0, len(c.keys))
	for _, key := range c.keys {
		m := c.msgs[key]
		msg := Message{Key: key, Text: maps.Clone(m.src)}
		for _, a := range m.args {
			msg.Args = append(msg.Args, a.name)
		}
		out = append(out, msg)
	}
	return out
}

var number = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// GroupThousands writes a plain decimal number with a comma every three
// digits of its whole part, the same in every language: 1234567.50 ->
// 1,234,567.50, -1200 -> -1,200. Anything else is returned as given.
func GroupThousands(v string) string {
	if !number.MatchString(v) {
		return v
	}
	sign, digits := "", v
	if strings.HasPrefix(v, "-") {
		sign, digits = "-", v[1:]
	}
	whole, frac, hasFrac := strings.Cut(digits, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
