package config

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// limitOptions are testOptions with small limits, named as a package
// names its constants.
var limitOptions = testOptions.WithLimits(Limits{Bytes: 200, Lines: 8, Depth: 3},
	LimitNames{Bytes: "test.MaxDocBytes", Lines: "test.MaxDocLines", Depth: "test.MaxDocDepth"}, Limits{}, "test.LoadLimits")

// loadErr loads text as name with opt and returns its problems, each as
// Where, code and message.
func loadErr(t *testing.T, name, text string, opt Options) []string {
	t.Helper()
	var d testDoc
	err := Load(name, []byte(text), &d, func() error { return d.Validate() }, opt)
	if err == nil {
		return nil
	}
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code + ": " + f.Message
	}
	return out
}

// nested is text nested n brackets deep: [[[...]]].
func nested(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// blockNested is a YAML mapping nested n levels deep by indentation.
func blockNested(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat("  ", i), i)
	}
	return b.String()
}

func TestLoad_issue15_limits(t *testing.T) {
	valid := "title: T\nitems: [{name: a}]\n" // 3 levels: the document, items, an item
	for _, c := range []struct {
		name, file, text string
		opt              Options
		want             []string // nil: loads
	}{{
		name: "1 byte over the size refused before parsing",
		file: "d.yaml", text: valid + "# " + strings.Repeat("x", 200-len(valid)-3) + "\n" + "{",
		opt:  limitOptions,
		want: []string{"d.yaml too_long: is 201 bytes; a doc is at most 200 bytes (test.MaxDocBytes)"},
	}, {
		name: "exactly the size accepted",
		file: "d.yaml", text: valid + "# " + strings.Repeat("x", 200-len(valid)-3) + "\n",
		opt: limitOptions,
	}, {
		name: "the default size",
		file: "d.json", text: `{"title": "` + strings.Repeat("x", DefaultMaxBytes) + `"}`,
		opt:  testOptions,
		want: []string{"d.json too_long: is 1,048,589 bytes; a doc is at most 1,048,576 bytes"},
	}, {
		name: "too many lines",
		file: "d.yaml", text: valid + strings.Repeat("\n", 7),
		opt:  limitOptions,
		want: []string{"d.yaml:9 too_long: has 9 lines; a doc has at most 8 lines (test.MaxDocLines)"},
	}, {
		name: "exactly the lines accepted, a last line without a break counted",
		file: "d.yaml", text: valid + strings.Repeat("\n", 5) + "# end",
		opt: limitOptions,
	}, {
		name: "lines ended by carriage returns alone count",
		file: "d.json", text: "{\r\r\r\r\r\r\r\r\"title\": \"T\"}",
		opt:  limitOptions,
		want: []string{"d.json:9 too_long: has 9 lines; a doc has at most 8 lines (test.MaxDocLines)"},
	}, {
		name: "CRLF is one break",
		file: "d.yaml", text: strings.ReplaceAll(valid+strings.Repeat("\n", 6), "\n", "\r\n"),
		opt: limitOptions,
	}, {
		name: "YAML's unicode line separators count",
		file: "d.yaml", text: valid + strings.Repeat("\u2028", 7),
		opt:  limitOptions,
		want: []string{"d.yaml:9 too_long: has 9 lines; a doc has at most 8 lines (test.MaxDocLines)"},
	}, {
		name: "too deep JSON",
		file: "d.json", text: `{"title": "T", "items": [{"name": "[[[["}, {"tags": ` + nested(2) + `}]}`,
		opt:  limitOptions,
		want: []string{"d.json:1:53 out_of_range: nests 5 levels deep; a doc nests at most 3 levels (test.MaxDocDepth)"},
	}, {
		name: "JSON at the depth accepted, brackets in strings not counted",
		file: "d.json", text: `{"title": "[[[\"{{", "items": [{"name": "]]]"}]}`,
		opt: limitOptions,
	}, {
		name: "too deep YAML flow",
		file: "d.yaml", text: "title: T\nitems: [{name: [x]}]\n",
		opt:  limitOptions,
		want: []string{"d.yaml:2:16 out_of_range: nests 4 levels deep; a doc nests at most 3 levels (test.MaxDocDepth)"},
	}, {
		name: "too deep YAML block",
		file: "d.yaml", text: "title: T\n" + blockNested(4),
		opt:  limitOptions,
		want: []string{"d.yaml:5:7 out_of_range: nests 4 levels deep; a doc nests at most 3 levels (test.MaxDocDepth)"},
	}, {
		name: "too deep YAML compact lists",
		file: "d.yaml", text: "items:\n- - - x\n",
		opt:  limitOptions,
		want: []string{"d.yaml:2:5 out_of_range: nests 4 levels deep; a doc nests at most 3 levels (test.MaxDocDepth)"},
	}, {
		name: "YAML at the depth accepted: brackets in scalars, comments and block scalars not counted",
		file: "d.yaml", text: "title: 'a [[[ {{'\n# [[[[\nitems:\n  - name: |\n      - [[[[\n        - - - {\n    count: 1 # [[[\n",
		opt: limitOptions,
	}, {
		name: "too deep UTF-16 YAML",
		file: "d.yaml", text: utf16LE("title: T\nitems: [[[[x]]]]\n"),
		opt:  limitOptions,
		want: []string{"d.yaml:2:10 out_of_range: nests 5 levels deep; a doc nests at most 3 levels (test.MaxDocDepth)"},
	}, {
		name: "too many lines and too deep at once",
		file: "d.yaml", text: "items: [[[[x]]]]\n" + strings.Repeat("\n", 8),
		opt: limitOptions,
		want: []string{
			"d.yaml:1:10 out_of_range: nests 5 levels deep; a doc nests at most 3 levels (test.MaxDocDepth)",
			"d.yaml:9 too_long: has 9 lines; a doc has at most 8 lines (test.MaxDocLines)",
		},
	}, {
		// Parsed, decoded and validated.
		name: "raised limits accept",
		file: "d.yaml", text: "items: [[[[x]]]]\n" + strings.Repeat("\n", 8),
		opt:  limitOptions.WithLimits(Limits{Bytes: 200, Lines: 8, Depth: 3}, LimitNames{}, Limits{Lines: 9, Depth: 5}, "test.LoadLimits"),
		want: []string{"d.yaml:1:1: title required: is required", "d.yaml:1:9: items[0] invalid_format: must be a mapping of fields, not a list"},
	}, {
		name: "lowered limits name the option",
		file: "d.yaml", text: valid,
		opt:  testOptions.WithLimits(Limits{}, LimitNames{}, Limits{Depth: 2}, "test.LoadLimits"),
		want: []string{"d.yaml:2:9 out_of_range: nests 3 levels deep; a doc nests at most 2 levels (test.LoadLimits.Depth)"},
	}, {
		// The text nests 2 deep; the alias brings a mapping a level
		// deeper, which the decoder counts.
		name: "deeper through an alias",
		file: "d.yaml", text: "note: &x {name: a}\ntitle: T\nitems: [*x]\n",
		opt: testOptions.WithLimits(Limits{Depth: 2}, LimitNames{Depth: "test.MaxDocDepth"}, Limits{}, ""),
		want: []string{
			"d.yaml:1:7: note invalid_format: must be text, not a mapping",
			"d.yaml:1:7 out_of_range: nests 3 levels deep here, counting what its aliases bring; a doc nests at most 2 levels (test.MaxDocDepth)",
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			got := loadErr(t, c.file, c.text, c.opt)
			assert.Equal(t, c.want, got)
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
}

// A document far beyond the size is refused by its length alone: nothing
// reads it, so it returns at once and reports no syntax error.
func TestLoad_issue15_sizeRefusedBeforeParsing(t *testing.T) {
	huge := []byte("{" + strings.Repeat(`"unclosed [`, 2_000_000)) // 22 MB of broken JSON
	for _, name := range []string{"d.json", "d.yaml"} {
		var d testDoc
		start := time.Now()
		err := Load(name, huge, &d, d.Validate, testOptions)
		elapsed := time.Since(start)
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, []org.FieldError{{Code: org.CodeTooLong, File: name,
			Message: "is 22,000,001 bytes; a doc is at most 1,048,576 bytes"}}, ve.Fields)
		assert.Less(t, elapsed, 50*time.Millisecond, "refused by its length, without reading it")
	}
}

func utf16LE(s string) string {
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func TestCountLines(t *testing.T) {
	for _, c := range []struct {
		text      string
		json, yml int
	}{
		{"", 0, 0},
		{"a", 1, 1},
		{"a\n", 1, 1},
		{"a\nb", 2, 2},
		{"\n\n", 2, 2},
		{"a\r\nb\r\n", 2, 2},
		{"a\rb\r", 2, 2},
		{"a\u2028b\u2029c\u0085d", 1, 4},
	} {
		assert.Equal(t, c.json, countLines([]byte(c.text), false), "JSON %q", c.text)
		assert.Equal(t, c.yml, countLines([]byte(c.text), true), "YAML %q", c.text)
	}
}

func TestJSONDepth(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
		at   filePos // where the depth first goes beyond 2
	}{
		{`1`, 0, filePos{}},
		{`{}`, 1, filePos{}},
		{`{"a": [1, {"b": 2}]}`, 3, filePos{1, 11}},
		{`["[[[", "\"[[", {"}}}": "\\"}]`, 2, filePos{}},
		{"[\n [\n  [\n  ]\n ]\n]", 3, filePos{3, 3}},
		{`]]]]]][[[`, 3, filePos{1, 9}}, // broken, and counted from 0 again
		{`["unclosed [[[[`, 1, filePos{}},
	} {
		got, at := jsonDepth([]byte(c.text), 2)
		assert.Equal(t, c.want, got, c.text)
		assert.Equal(t, c.at, at, c.text)
	}
}

func TestYAMLDepth(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"", 0},
		{"plain scalar", 0},
		{"a: 1\nb: 2\n", 1},
		{"a:\n  b:\n    c: 1\n", 3},
		{"a:\n- x\n- y\nb: 1\n", 2},
		{"a:\n  - x\n  - k: v\n    l: w\n", 3},
		{"- - - x\n", 3},
		{"- a: 1\n  b:\n  - c\n", 3},
		{"? [a, b]\n: [c, [d]]\n", 3},
		{"a: [1, {b: [2]}]\n", 4},
		{"a: {\n  b: [\n    1,\n  ]\n}\n", 3},
		{`{"a": {"b": [1]}}`, 3},
		{"a: 'it''s [['\nb: \"[[\\\" {{\"\n", 1},
		{"a: see [1 and {2\nb: x]]] }}\n", 1},
		{"a: 'two\n  lines [[['\nb: [1]\n", 2},
		{"a: |\n  - [[[\n    b: {{\nc: 1\n", 1},
		{"- >\n  [[[\n- x\n", 1},
		{"a: # [[[\n  b: 1 # {{\n", 2},
		{"a: &x [1]\nb: *x\nc: !!seq [2]\n", 2},
		{"url: http://x/[a]\n", 1},
		{"--- [[1]]\n...\n--- {a: 1}\n", 2},
		{"a:\n  b:\n \n# comment at column 0\n    c: 1\n", 3},
		{"a: b\n  continued\nc: [1]\n", 2},
		{"|\n  a:\n    b:\n", 0},
	} {
		var doc yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(c.text), &doc), c.text)
		got, _ := yamlDepth([]byte(c.text), 100)
		assert.Equal(t, c.want, got, "%q", c.text)
		assert.Equal(t, treeDepth(&doc), got, "%q: the scan and the parser", c.text)
	}
}

// treeDepth is the nesting of the collections of a parsed node tree.
func treeDepth(n *yaml.Node) int {
	d := 0
	for _, c := range n.Content {
		d = max(d, treeDepth(c))
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		d++
	}
	return d
}

// The scan before parsing counts what the parser builds, on every shipped
// configuration and on thousands of generated documents that mix block and
// flow collections with scalars full of brackets, quotes and colons.
func TestYAMLDepthMatchesTheParser(t *testing.T) {
	files, err := filepath.Glob("../../*/testdata/*/*.yaml")
	require.NoError(t, err)
	more, err := filepath.Glob("../../*/*.yaml")
	require.NoError(t, err)
	files = append(files, more...)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			continue // a file of syntax errors
		}
		got, _ := yamlDepth(data, 100)
		assert.Equal(t, treeDepth(&doc), got, f)
	}
	parsed := 0
	for seed := range 3000 {
		g := &yamlGen{r: rand.New(rand.NewSource(int64(seed)))}
		text := g.mapping(0, 1+g.r.Intn(8))
		var doc yaml.Node
		if yaml.Unmarshal([]byte(text), &doc) != nil {
			continue
		}
		parsed++
		got, _ := yamlDepth([]byte(text), 100)
		if !assert.Equal(t, treeDepth(&doc), got, "seed %d:\n%s", seed, text) {
			return
		}
	}
	assert.Greater(t, parsed, 2000)
}

// yamlGen writes random YAML documents.
type yamlGen struct{ r *rand.Rand }

var genScalars = []string{"plain", "'q: [x'", `"d: {y\" #"`, "a [b", "x]]]", "'it''s'", "\"multi\n  line [ \"",
	"'multi\n  line {'", "~", "-5", "a:b", "http://x", "a #c"}

func (g *yamlGen) scalar() string { return genScalars[g.r.Intn(len(genScalars))] }

// flow writes a flow node at most d deep.
func (g *yamlGen) flow(d int) string {
	if d == 0 || g.r.Intn(3) == 0 {
		s := g.scalar()
		if s[0] != '\'' && s[0] != '"' && strings.ContainsAny(s, "[]{},#") {
			return "x" // a plain scalar in flow context takes no flow indicator
		}
		return s
	}
	var parts []string
	if g.r.Intn(2) == 0 {
		for range g.r.Intn(3) {
			parts = append(parts, g.flow(d-1))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	for i := range g.r.Intn(3) {
		parts = append(parts, fmt.Sprintf("k%d: %s", i, g.flow(d-1)))
	}
	return "{" + strings.Join(parts, ",\n ") + "}"
}

// value writes what follows "key:" or "-" at indentation ind, at most d
// deep.
func (g *yamlGen) value(ind, d int) string {
	switch r := g.r.Intn(6); {
	case d == 0 || r == 0:
		return " " + g.scalar() + "\n"
	case r == 1:
		return " " + g.flow(d) + "\n"
	case r == 2:
		return " |\n" + strings.Repeat(" ", ind+2) + "- [[[ {{ 'x\n" + strings.Repeat(" ", ind+3) + "\"y: z\n"
	case r == 3:
		return "\n" + g.seq(ind+2*g.r.Intn(2), d) // at the key's indentation or deeper
	default:
		return "\n" + g.mapping(ind+2, d)
	}
}

func (g *yamlGen) seq(ind, d int) string {
	var b strings.Builder
	for range 1 + g.r.Intn(2) {
		if g.r.Intn(3) == 0 {
			b.WriteString(strings.Repeat(" ", ind) + "# a comment [\n")
		}
		if g.r.Intn(3) == 0 && d > 1 {
			b.WriteString(strings.Repeat(" ", ind) + "- k:" + g.value(ind+2, d-2))
			continue
		}
		b.WriteString(strings.Repeat(" ", ind) + "-" + g.value(ind, d-1))
	}
	return b.String()
}

func (g *yamlGen) mapping(ind, d int) string {
	var b strings.Builder
	for i := range 1 + g.r.Intn(3) {
		key := fmt.Sprintf("k%d", i)
		if g.r.Intn(4) == 0 {
			key = fmt.Sprintf("'k: %d'", i)
		}
		b.WriteString(strings.Repeat(" ", ind) + key + ":" + g.value(ind, d-1))
	}
	return b.String()
}

func TestReadFile_issue15(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	require.NoError(t, os.WriteFile(small, []byte("title: T\n"), 0o600))
	data, err := ReadFile(small, limitOptions)
	require.NoError(t, err)
	assert.Equal(t, "title: T\n", string(data))

	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, make([]byte, 201), 0o600))
	_, err = ReadFile(big, limitOptions)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, testOptions.Op, ve.Op)
	assert.Equal(t, []org.FieldError{{Code: org.CodeTooLong, File: big,
		Message: "is 201 bytes; a doc is at most 200 bytes (test.MaxDocBytes)"}}, ve.Fields)

	_, err = ReadFile(filepath.Join(dir, "missing.yaml"), limitOptions)
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.NotErrorIs(t, err, org.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), testOptions.Op+": open "), err.Error())

	// A file of no size of its own is read up to the limit and no further.
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err = ReadFile("/dev/zero", limitOptions)
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "is more than 200 bytes; a doc is at most 200 bytes (test.MaxDocBytes)", ve.Fields[0].Message)
	}
}

func TestTooManyTooLong(t *testing.T) {
	ve := &org.ValidationError{}
	assert.False(t, TooMany(ve, "ops", 20_000, 20_000, "x.MaxOps"))
	assert.True(t, TooMany(ve, "ops", 400_000, 20_000, "x.MaxOps"))
	assert.False(t, TooLong(ve, "version", strings.Repeat("é", 64), 64, ""))
	assert.True(t, TooLong(ve, "version", strings.Repeat("x", 102_400), 64, "x.MaxKey"))
	assert.Equal(t, []org.FieldError{
		{Path: "ops", Code: org.CodeTooLong, Message: "has 400,000 items; at most 20,000 items are allowed (x.MaxOps)"},
		{Path: "version", Code: org.CodeTooLong, Message: "has 102,400 characters; at most 64 characters are allowed (x.MaxKey)"},
	}, ve.Fields)
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1_048_576: "1,048,576", -21_400_000: "-21,400,000"} {
		assert.Equal(t, want, Thousands(n))
	}
}

func TestWithLimits(t *testing.T) {
	def := Limits{Bytes: 10, Lines: 20, Depth: 30}
	names := LimitNames{Bytes: "p.MaxBytes", Lines: "p.MaxLines", Depth: "p.MaxDepth"}
	opt := Options{}.WithLimits(def, names, Limits{Lines: 25, Depth: -1}, "p.LoadLimits")
	assert.Equal(t, Limits{Bytes: 10, Lines: 25, Depth: 30}, opt.Limits)
	assert.Equal(t, LimitNames{Bytes: "p.MaxBytes", Lines: "p.LoadLimits.Lines", Depth: "p.MaxDepth"}, opt.LimitNames)
	assert.Equal(t, Limits{Bytes: DefaultMaxBytes, Lines: DefaultMaxLines, Depth: DefaultMaxDepth}, Options{}.limits())
}
