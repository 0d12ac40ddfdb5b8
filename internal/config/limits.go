package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// Defaults of [Limits]: far above any configuration a dealer writes, far
// below what makes a load slow or large. A document of 1 MiB parses in
// tens of milliseconds into tens of megabytes.
const (
	// DefaultMaxBytes is the largest document: 1 MiB.
	DefaultMaxBytes = 1 << 20
	// DefaultMaxLines is the most lines of a document.
	DefaultMaxLines = 20_000
	// DefaultMaxDepth is the deepest nesting of a document's collections.
	DefaultMaxDepth = 32
)

// Limits bound a document before it is parsed. [Load] checks them first
// and refuses a document beyond any of them with an *org.ValidationError
// whose field names the file (Path "", File the name; Line and Column
// where the nesting first goes too deep), code org.CodeTooLong for bytes
// and lines and org.CodeRange for depth, and a message naming the limit
// and the actual value. A field of 0 or less is its default.
type Limits struct {
	// Bytes is the largest document, in bytes (DefaultMaxBytes).
	Bytes int
	// Lines is the most lines (DefaultMaxLines). A line ends at a line
	// feed, a carriage return not followed by one, and in YAML also at
	// U+0085, U+2028 and U+2029, as the YAML parser counts them; a last
	// line without an end counts too.
	Lines int
	// Depth is the deepest nesting of collections (DefaultMaxDepth): a
	// mapping or list inside another is one level deeper; the document's
	// top collection is level 1 and scalars add none. In JSON every [ and
	// { outside a string opens a level. In YAML a flow [ or { does, and a
	// block mapping or list opens a level at the column of its keys or
	// dashes; see yamlDepth for how exactly. A YAML alias brings the
	// nesting of what it refers to: a document that goes deeper through
	// its aliases than the file shows is refused when it is decoded.
	Depth int
}

// LimitNames name the constant or option that sets each of [Limits], as
// "billing.MaxPriceBookBytes", for the message of a document beyond it:
// what a reader looks up to learn the limit or to raise it. Empty names
// none.
type LimitNames struct{ Bytes, Lines, Depth string }

// WithLimits returns opt with the limits of one kind of file: def, its
// package's own limits (0 or less: the defaults of config) named by names,
// each replaced by the field of set above 0, which is then named
// setName+".Bytes" (".Lines", ".Depth"), as "billing.LoadLimits.Bytes".
func (opt Options) WithLimits(def Limits, names LimitNames, set Limits, setName string) Options {
	opt.Limits, opt.LimitNames = def, names
	if set.Bytes > 0 {
		opt.Limits.Bytes, opt.LimitNames.Bytes = set.Bytes, setName+".Bytes"
	}
	if set.Lines > 0 {
		opt.Limits.Lines, opt.LimitNames.Lines = set.Lines, setName+".Lines"
	}
	if set.Depth > 0 {
		opt.Limits.Depth, opt.LimitNames.Depth = set.Depth, setName+".Depth"
	}
	return opt
}

// limits are opt's limits with every default filled in.
func (opt Options) limits() Limits {
	l := opt.Limits
	if l.Bytes <= 0 {
		l.Bytes = DefaultMaxBytes
	}
	if l.Lines <= 0 {
		l.Lines = DefaultMaxLines
	}
	if l.Depth <= 0 {
		l.Depth = DefaultMaxDepth
	}
	return l
}

// named appends " (name)" to msg when name is given.
func named(msg, name string) string {
	if name == "" {
		return msg
	}
	return msg + " (" + name + ")"
}

// tooLarge is the message of a document of size bytes, or of more than
// limit bytes when exact is false (a stream cut off at the limit).
func (opt Options) tooLarge(size int64, exact bool) string {
	limit := opt.limits().Bytes
	is := "is " + Thousands(size)
	if !exact {
		is = "is more than " + Thousands(int64(limit))
	}
	return named(fmt.Sprintf("%s bytes; a %s is at most %s bytes", is, opt.Noun, Thousands(int64(limit))), opt.LimitNames.Bytes)
}

func (opt Options) tooDeep(depth int, through string) string {
	return named(fmt.Sprintf("nests %s levels deep%s; a %s nests at most %s levels", Thousands(int64(depth)), through,
		opt.Noun, Thousands(int64(opt.limits().Depth))), opt.LimitNames.Depth)
}

// checkLimits refuses data beyond the limits of l.opt before anything
// parses it, and reports whether data is within them. The size is checked
// first, without reading the data; the lines and the nesting then in one
// pass each, and both are reported when both are beyond.
func (l *loader) checkLimits(data []byte) bool {
	lim := l.opt.limits()
	if len(data) > lim.Bytes {
		l.add(filePos{}, "", org.CodeTooLong, l.opt.tooLarge(int64(len(data)), true))
		return false
	}
	text := data
	if !l.json {
		text = yamlText(data)
	}
	ok := true
	if n := countLines(text, !l.json); n > lim.Lines {
		l.add(filePos{line: lim.Lines + 1}, "", org.CodeTooLong, named(fmt.Sprintf("has %s lines; a %s has at most %s lines",
			Thousands(int64(n)), l.opt.Noun, Thousands(int64(lim.Lines))), l.opt.LimitNames.Lines))
		ok = false
	}
	var depth int
	var at filePos
	if l.json {
		depth, at = jsonDepth(text, lim.Depth)
	} else {
		depth, at = yamlDepth(text, lim.Depth)
	}
	if depth > lim.Depth {
		l.add(at, "", org.CodeRange, l.opt.tooDeep(depth, ""))
		ok = false
	}
	return ok
}

// yamlText is data as the YAML parser reads it, for counting its lines
// and nesting: without a byte order mark, and in UTF-8 when the mark says
// UTF-16, which the parser reads too.
func yamlText(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:]
	case bytes.HasPrefix(data, []byte("\xff\xfe")):
		return fromUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte("\xfe\xff")):
		return fromUTF16(data[2:], true)
	}
	return data
}

func fromUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	out := make([]byte, 0, len(b))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// lineBreak finds the first line break of b at or after i: where it
// starts and where the next line starts, or len(b) twice. A break is \n,
// \r\n or \r, and in YAML (unicode) also U+0085, U+2028 and U+2029.
func lineBreak(b []byte, i int, unicode bool) (end, next int) {
	for ; i < len(b); i++ {
		switch b[i] {
		case '\n':
			return i, i + 1
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				return i, i + 2
			}
			return i, i + 1
		case 0xC2:
			if unicode && i+1 < len(b) && b[i+1] == 0x85 {
				return i, i + 2
			}
		case 0xE2:
			if unicode && i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
				return i, i + 3
			}
		}
	}
	return len(b), len(b)
}

// countLines counts the lines of b: one per break, and one for a last line
// without one.
func countLines(b []byte, unicode bool) int {
	if !unicode && bytes.IndexByte(b, '\r') < 0 {
		n := bytes.Count(b, []byte{'\n'})
		if len(b) > 0 && b[len(b)-1] != '\n' {
			n++
		}
		return n
	}
	n := 0
	for i := 0; i < len(b); {
		_, i = lineBreak(b, i, unicode)
		n++
	}
	return n
}

// jsonDepth is the deepest nesting of brackets in JSON text, [ and {
// outside strings, and where it first goes beyond limit. It reads any
// bytes: the parser, which runs afterwards only when the nesting is within
// the limit, reports what is not JSON.
func jsonDepth(b []byte, limit int) (deepest int, at filePos) {
	depth, first := 0, -1
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
			if depth > deepest {
				deepest = depth
				if depth > limit && first < 0 {
					first = i
				}
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	if first >= 0 {
		at = offsetPosition(b, first)
	}
	return deepest, at
}

// yamlDepth is the deepest nesting of collections in YAML text, and where
// it first goes beyond limit. It reads the text line by line as YAML's
// scanner does, as far as nesting goes, without building anything:
//
//   - Flow collections: each [ or { that starts a node in block context
//     (after the indentation, a "- ", "? " or a key's ": "), and each one
//     inside a flow collection, opens a level; ] and } close one.
//     Quoted scalars ('...', "...", over several lines too) and comments
//     are skipped, and so are the brackets inside a plain scalar in block
//     context (note: see [1).
//   - Block collections: a block list is open at the column of its
//     dashes, a block mapping at the column of its keys (a plain or
//     quoted scalar followed by ": ", or a "? " or ": " of a complex key);
//     a list at the column of the keys of its mapping is nested in it.
//     A line less indented than an open collection closes it.
//   - Block scalars (| and >) are skipped: their lines are indented more
//     than the collection that holds them. A document marker (--- or ...)
//     at column 0 closes everything.
//
// Where it cannot tell, it counts more rather than less: a plain scalar's
// continuation line, or a key that YAML would refuse, may open a level
// that is not there. What it cannot see at all (the nesting an alias
// brings) the decoder counts: see [Limits].
func yamlDepth(b []byte, limit int) (deepest int, at filePos) {
	s := &yamlScanner{limit: limit, literal: noLiteral}
	for i, line := 0, 1; i < len(b); line++ {
		end, next := lineBreak(b, i, true)
		s.line, s.text = line, b[i:end]
		s.scanLine()
		i = next
	}
	return s.deepest, s.at
}

// noLiteral: the scanner is not skipping a block scalar.
const noLiteral = -2

// yamlScanner is the state of yamlDepth from one line to the next.
type yamlScanner struct {
	limit   int
	levels  []yamlLevel // the open block collections, outermost first
	flow    int         // the open flow collections
	quote   byte        // the quote of a quoted scalar that goes on to the next line
	literal int         // skipping the lines of a block scalar indented more than this; -1: all; noLiteral: none
	start   bool        // in flow context: the next character may start a node
	jsonKey bool        // in flow context: a quoted scalar or collection ended, so a : right after it is a key's

	line    int    // the line being read, from 1
	text    []byte // its text, without the break
	deepest int
	at      filePos
}

type yamlLevel struct {
	col int
	seq bool // a list; otherwise a mapping
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// blankAt: the end of the line or a blank at i.
func blankAt(b []byte, i int) bool { return i >= len(b) || isBlank(b[i]) }

func skipBlanks(b []byte, i int) int {
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	return i
}

// skipQuoted returns where the scalar quoted by q that goes on at i ends:
// after its closing quote, or -1 when it goes on to the next line.
func skipQuoted(b []byte, i int, q byte) int {
	for ; i < len(b); i++ {
		switch {
		case q == '"' && b[i] == '\\':
			i++
		case b[i] == q && q == '\'' && i+1 < len(b) && b[i+1] == '\'':
			i++ // '' is a quote inside '...'
		case b[i] == q:
			return i + 1
		}
	}
	return -1
}

// deeper records the nesting after a level opened at column col.
func (s *yamlScanner) deeper(col int) {
	depth := len(s.levels) + s.flow
	if depth > s.deepest {
		s.deepest = depth
		if depth > s.limit && s.at.line == 0 {
			s.at = filePos{line: s.line, col: utf8.RuneCount(s.text[:min(col, len(s.text))]) + 1}
		}
	}
}

// open notes a block list (seq) or mapping whose dash or key is at column
// col.
func (s *yamlScanner) open(col int, seq bool) {
	n := len(s.levels)
	for n > 0 && (s.levels[n-1].col > col || !seq && s.levels[n-1].seq && s.levels[n-1].col == col) {
		n-- // a key at the column of a list ends the list
	}
	s.levels = s.levels[:n]
	if n > 0 && s.levels[n-1].col == col && s.levels[n-1].seq == seq {
		return // one more entry of an open collection
	}
	s.levels = append(s.levels, yamlLevel{col: col, seq: seq})
	s.deeper(col)
}

func (s *yamlScanner) scanLine() {
	ln := s.text
	if s.quote != 0 {
		end := skipQuoted(ln, 0, s.quote)
		if end < 0 {
			return
		}
		s.quote = 0
		if s.flow > 0 {
			s.start, s.jsonKey = false, true
			s.flowScan(end)
		} else {
			s.block(end)
		}
		return
	}
	indent := 0
	for indent < len(ln) && ln[indent] == ' ' {
		indent++
	}
	marker := len(ln) >= 3 && (string(ln[:3]) == "---" || string(ln[:3]) == "...") && blankAt(ln, 3)
	if marker {
		s.levels, s.flow, s.literal, s.start = s.levels[:0], 0, noLiteral, false
		if ln[0] == '-' {
			s.block(3) // --- may be followed by the document's node
		}
		return
	}
	if s.literal != noLiteral {
		if skipBlanks(ln, 0) == len(ln) || indent > s.literal {
			return
		}
		s.literal = noLiteral
	}
	if s.flow > 0 {
		s.flowScan(0)
		return
	}
	if first := skipBlanks(ln, 0); first == len(ln) || ln[first] == '#' || indent == 0 && ln[0] == '%' {
		return // blank, a comment (at any indentation), a directive
	}
	n := len(s.levels)
	for n > 0 && s.levels[n-1].col > indent {
		n--
	}
	s.levels = s.levels[:n]
	s.block(indent)
}

// block reads the line from i in block context, at the start of a node.
func (s *yamlScanner) block(i int) {
	ln := s.text
	for {
		i = skipBlanks(ln, i)
		if i >= len(ln) || ln[i] == '#' {
			return
		}
		switch c := ln[i]; {
		case (c == '-' || c == '?' || c == ':') && blankAt(ln, i+1):
			s.open(i, c == '-')
			i++
		case c == '[' || c == '{':
			s.start, s.jsonKey = false, false
			s.flowScan(i)
			return
		case c == '"' || c == '\'':
			end := skipQuoted(ln, i+1, c)
			if end < 0 {
				s.quote = c
				return
			}
			colon := skipBlanks(ln, end)
			if colon >= len(ln) || ln[colon] != ':' || !blankAt(ln, colon+1) {
				return // a scalar; anything after it but a comment is a syntax error
			}
			s.open(i, false)
			i = colon + 1
		case c == '|' || c == '>':
			s.literal = -1
			if n := len(s.levels); n > 0 {
				s.literal = s.levels[n-1].col
			}
			return
		case c == '&' || c == '!':
			for i < len(ln) && !isBlank(ln[i]) {
				i++ // an anchor or a tag, before the node
			}
		default:
			colon := plainKeyEnd(ln, i)
			if colon < 0 {
				return // a plain scalar to the end of the line
			}
			s.open(i, false)
			i = colon + 1
		}
	}
}

// plainKeyEnd: where the : of a plain scalar at i that is a key is, or -1
// when the scalar runs to the end of the line or a comment.
func plainKeyEnd(ln []byte, i int) int {
	for j := i; j < len(ln); j++ {
		switch {
		case ln[j] == ':' && blankAt(ln, j+1):
			return j
		case ln[j] == '#' && j > i && isBlank(ln[j-1]):
			return -1
		}
	}
	return -1
}

// flowScan reads the line from i in flow context: i is a [ or { that
// opens it, or the line goes on inside one.
func (s *yamlScanner) flowScan(i int) {
	ln := s.text
	for ; i < len(ln); i++ {
		c := ln[i]
		switch {
		case isBlank(c):
			continue
		case c == '#' && (i == 0 || isBlank(ln[i-1])):
			return
		case c == '[' || c == '{':
			s.flow++
			s.deeper(i)
			s.start, s.jsonKey = true, false
		case c == ']' || c == '}':
			s.flow = max(s.flow-1, 0)
			s.start, s.jsonKey = false, true
			if s.flow == 0 {
				return // back in block context: a comment, or a flow key's value, which YAML rarely has
			}
		case c == ',':
			s.start, s.jsonKey = true, false
		case c == ':' && (s.jsonKey || blankAt(ln, i+1) || bytes.IndexByte([]byte(",[]{}"), ln[i+1]) >= 0):
			s.start, s.jsonKey = true, false
		case (c == '-' || c == '?') && s.start && blankAt(ln, i+1):
			// an indicator; a node may still start
		case (c == '"' || c == '\'') && s.start:
			end := skipQuoted(ln, i+1, c)
			if end < 0 {
				s.quote = c
				return
			}
			i = end - 1
			s.start, s.jsonKey = false, true
		default:
			s.start, s.jsonKey = false, false
		}
	}
}

// ReadFile reads the file at path for [Load], but refuses a file larger
// than opt's byte limit (see [Limits]) before reading it: a regular file
// by its size, anything else (a pipe) by reading at most one byte more
// than the limit. The refusal is the *org.ValidationError that Load gives
// a document too large; a file that cannot be read gives the error of os,
// wrapped as "Op: ...".
func ReadFile(path string, opt Options) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.Op, err)
	}
	defer f.Close()
	limit := int64(opt.limits().Bytes)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		return nil, opt.refuse(path, org.CodeTooLong, opt.tooLarge(fi.Size(), true))
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.Op, err)
	}
	if int64(len(data)) > limit {
		return nil, opt.refuse(path, org.CodeTooLong, opt.tooLarge(0, false))
	}
	return data, nil
}

// refuse is the error of a whole file refused.
func (opt Options) refuse(name, code, msg string) error {
	return &org.ValidationError{Op: opt.Op, Fields: []org.FieldError{{Code: code, Message: msg, File: name}}}
}

// TooMany adds a problem at path to ve when a list there has n items,
// more than most: code org.CodeTooLong, "has 400,000 items; at most 20,000
// items are allowed (name)". It reports whether it did, so that a
// caller can skip checking each item of a list far too long.
func TooMany(ve *org.ValidationError, path string, n, most int, name string) bool {
	if n <= most {
		return false
	}
	ve.Add(path, org.CodeTooLong, named(fmt.Sprintf("has %s items; at most %s items are allowed",
		Thousands(int64(n)), Thousands(int64(most))), name))
	return true
}

// TooLong adds a problem at path to ve when s has more than most
// characters: code org.CodeTooLong, "has 102,400 characters; at most 64
// characters are allowed (name)". It reports whether it did.
func TooLong(ve *org.ValidationError, path, s string, most int, name string) bool {
	if len(s) <= most { // a character is at least one byte
		return false
	}
	n := utf8.RuneCountInString(s)
	if n <= most {
		return false
	}
	ve.Add(path, org.CodeTooLong, named(fmt.Sprintf("has %s characters; at most %s characters are allowed",
		Thousands(int64(n)), Thousands(int64(most))), name))
	return true
}

// Thousands writes n with a comma between thousands: 1,048,576.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// deepCollection reports a collection node the decoder reaches deeper than
// the limit, through aliases, which the scan of the text before parsing
// cannot see; once per load. The whole document is refused: the problem
// has no field path, so Validate's problems are not listed.
func (l *loader) deepCollection(n *yaml.Node) {
	if l.tooDeep {
		return
	}
	l.tooDeep = true
	l.zeroed(n, "", org.CodeRange, l.opt.tooDeep(l.depth, " here, counting what its aliases bring"))
}
