package config

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

type testItem struct {
	Name  string          `json:"name" yaml:"name"`
	Count int             `json:"count" yaml:"count"`
	On    bool            `json:"on" yaml:"on"`
	Rate  decimal.Decimal `json:"rate" yaml:"rate"`
}

type testDoc struct {
	Title string            `json:"title" yaml:"title"`
	Items []testItem        `json:"items" yaml:"items"`
	Tags  map[string]string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Note  *string           `json:"note,omitempty" yaml:"note,omitempty"`
}

func (d *testDoc) Validate() error {
	ve := &org.ValidationError{Op: "test"}
	if d.Title == "" {
		ve.Add("title", org.CodeRequired, "is required")
	}
	for i, it := range d.Items {
		if it.Count < 0 {
			ve.Add(fmt.Sprintf("items[%d].count", i), org.CodeRange, "must not be negative")
		}
	}
	if len(ve.Fields) == 0 {
		return nil
	}
	return ve
}

var testOptions = Options{
	Op:             "test: load doc",
	Noun:           "doc",
	MaxDecimalText: 20,
	DecimalExample: "1.5",
	DecimalRange:   ExponentLimit(4),
	Maps:           true,
}

func load(t *testing.T, name, text string, opt Options) (*testDoc, []org.FieldError) {
	t.Helper()
	var d testDoc
	err := Load(name, []byte(text), &d, func() error { return d.Validate() }, opt)
	if err == nil {
		return &d, nil
	}
	var ve *org.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Load: %v, want a *org.ValidationError", err)
	}
	if ve.Op != opt.Op {
		t.Errorf("Op = %q, want %q", ve.Op, opt.Op)
	}
	return nil, ve.Fields
}

func TestLoadValid(t *testing.T) {
	for name, text := range map[string]string{
		"d.yaml": "title: T\nitems:\n  - {name: a, count: 2, on: true, rate: 1.25}\ntags: {x: y}\nnote: hi\n",
		"d.json": `{"title":"T","items":[{"name":"a","count":2,"on":true,"rate":"1.25"}],"tags":{"x":"y"},"note":"hi"}`,
	} {
		d, probs := load(t, name, text, testOptions)
		if probs != nil {
			t.Fatalf("%s: %v", name, probs)
		}
		if d.Title != "T" || len(d.Items) != 1 || d.Items[0].Count != 2 || !d.Items[0].On ||
			d.Items[0].Rate.String() != "1.25" || d.Tags["x"] != "y" || d.Note == nil || *d.Note != "hi" {
			t.Errorf("%s: got %+v", name, d)
		}
	}
}

func TestLoadProblems(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		opt        Options
		want       []org.FieldError
	}{{
		name: "d.yaml",
		text: "title: T\nitems:\n  - name: a\n    cont: 2\n    count: x\n  - count: -1\n    rate: 1.23456\n",
		opt:  testOptions,
		want: []org.FieldError{
			{Path: "d.yaml:4:5: items[0].cont", Code: org.CodeUnknown, Message: "unknown field; the fields here are name, count, on, rate"},
			{Path: "d.yaml:5:12: items[0].count", Code: org.CodeFormat, Message: `must be a whole number, not "x"`},
			{Path: "d.yaml:6:5: items[1].count", Code: org.CodeRange, Message: "must not be negative"},
			{Path: "d.yaml:7:11: items[1].rate", Code: org.CodeRange, Message: "has more than 4 decimal places or is too large"},
		},
	}, {
		name: "d.json",
		text: "{\"title\": \"\",\n \"items\": [{\"rate\": \"abc\", \"name\": 5}]}",
		opt:  testOptions,
		want: []org.FieldError{
			{Path: "d.json:1:2: title", Code: org.CodeRequired, Message: "is required"},
			{Path: "d.json:2:21: items[0].rate", Code: org.CodeFormat, Message: `must be a decimal number such as 1.5, not "abc"`},
			{Path: "d.json:2:36: items[0].name", Code: org.CodeFormat, Message: `must be a JSON string, not "5"`},
		},
	}, {
		name: "d.yaml",
		text: "",
		opt:  testOptions,
		want: []org.FieldError{{Path: "d.yaml", Code: org.CodeRequired, Message: "the file is empty: it holds no doc"}},
	}, {
		name: "d.json",
		text: `{"title": "T"} {}`,
		opt:  testOptions,
		want: []org.FieldError{{Path: "d.json:1:16", Code: org.CodeFormat, Message: "json: unexpected data after the doc"}},
	}, {
		name: "d.yaml",
		text: "title: T\ntitle: U\nitems: []\n",
		opt:  testOptions,
		want: []org.FieldError{{Path: "d.yaml:2:1: title", Code: org.CodeDuplicate, Message: "is written twice in one mapping"}},
	}, {
		// Without Maps and without YAMLFallback a map is a type the
		// loader cannot read.
		name: "d.yaml",
		text: "title: T\ntags: {x: y}\n",
		opt:  Options{Op: "o", Noun: "doc", MaxDecimalText: 20},
		want: []org.FieldError{{Path: "d.yaml:2:7: tags", Code: org.CodeInvalid, Message: "the loader cannot read a value of type map[string]string"}},
	}, {
		name: "d.yaml",
		text: "title: T\nitems: [{rate: 12345678901234567890123}]\n",
		opt:  testOptions,
		want: []org.FieldError{{Path: "d.yaml:2:16: items[0].rate", Code: org.CodeFormat,
			Message: `must be a decimal number of at most 20 characters, not "12345678901234567890123"`}},
	}, {
		name: "d.yaml",
		text: "title: T\nitems: [{rate: 123456.5}]\n",
		opt:  Options{Op: "o", Noun: "doc", MaxDecimalText: 20, DecimalRange: DigitLimit(5)},
		want: []org.FieldError{{Path: "d.yaml:2:16: items[0].rate", Code: org.CodeRange,
			Message: "has more than 5 digits before or after the point"}},
	}} {
		_, fields := load(t, tc.name, tc.text, tc.opt)
		// Each field names its file and place; Where joins them as the
		// wanted paths are written.
		var got []org.FieldError
		for _, f := range fields {
			if f.File != tc.name {
				t.Errorf("%s: field %s names file %q", tc.name, f.Path, f.File)
			}
			got = append(got, org.FieldError{Path: f.Where(), Code: f.Code, Message: f.Message})
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s %q:\n got %v\nwant %v", tc.name, tc.text, got, tc.want)
		}
	}
}

func TestLoadYAMLFallback(t *testing.T) {
	opt := Options{Op: "o", Noun: "doc", MaxDecimalText: 20, YAMLFallback: true}
	d, probs := load(t, "d.yaml", "title: T\ntags: {x: y}\n", opt)
	if probs != nil || d.Tags["x"] != "y" {
		t.Errorf("got %+v, %v", d, probs)
	}
}

func TestLoadProblemLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: T\nitems:\n")
	for range maxLoadProblems + 5 {
		b.WriteString("  - {count: x}\n")
	}
	_, got := load(t, "d.yaml", b.String(), testOptions)
	if len(got) != maxLoadProblems+1 || got[maxLoadProblems].Message != "5 more problems not listed" {
		t.Errorf("got %d problems, last %v", len(got), got[len(got)-1])
	}
}

func TestLoadAliasBomb(t *testing.T) {
	text := "title: T\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'j'; i++ {
		text += fmt.Sprintf("%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	text += "items:\n  - {name: *j}\n"
	_, got := load(t, "d.yaml", text, testOptions)
	if len(got) == 0 {
		t.Fatal("no problems")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("d.yaml", "title: T\nitems: [{name: a, rate: 1.5}]\n")
	f.Add("d.json", `{"title":"T","tags":{"a":"b"}}`)
	// Issue 15: nesting past the depth limit, a line past the size limit,
	// more lines than the limit, and nesting an alias brings.
	f.Add("d.json", `{"title":"T","items":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+"}")
	f.Add("d.yaml", "title: T\nitems:\n"+strings.Repeat("- ", 40)+"x\n")
	f.Add("d.yaml", blockNested(40))
	f.Add("d.yaml", "title: "+strings.Repeat("x", DefaultMaxBytes)+"\n")
	f.Add("d.yaml", "title: T\n"+strings.Repeat("\n", DefaultMaxLines))
	f.Add("d.yaml", "a: &a [[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]\nb: &b [[[[[[[[[[[[[[*a]]]]]]]]]]]]]]\nitems: [[*b]]\n")
	f.Fuzz(func(t *testing.T, name, text string) {
		var d testDoc
		err := Load(name, []byte(text), &d, func() error { return d.Validate() }, testOptions)
		var ve *org.ValidationError
		if err != nil && !errors.As(err, &ve) {
			t.Fatalf("error %T: %v", err, err)
		}
	})
}
