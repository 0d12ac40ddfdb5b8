package catalog_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/catalog"
	"github.com/servicelane/servicelane/org"
)

func def(args, en, zh string) catalog.Def {
	return catalog.Def{Args: args, Text: map[org.Lang]string{org.English: en, org.TraditionalChinese: zh}}
}

var testDefs = map[string]catalog.Def{
	"greet":   def("name", "Hello {name}", "{name}，您好"),
	"price":   def("item amount:money", "{item} costs {amount}", "{item} 售價 {amount}"),
	"pay":     def("payer:pay", "paid by {payer}", "{payer}付款"),
	"total":   def("", "Total", "合計"),
	"twice":   def("n", "{n} and {n}", "{n}與{n}"),
	"hidden":  def("shown kept", "{shown}", "{shown}"),
	"pay.cus": def("", "Customer", "客戶"),
}

var testCfg = catalog.Config{Name: "test", Kinds: []string{"money", "pay"}}

// format is a formatter as a package writes one: it may render other
// messages of its own catalogue.
func format(c **catalog.Catalog) catalog.Formatter {
	var f catalog.Formatter
	f = func(kind, v string, lang org.Lang) string {
		switch kind {
		case "money":
			return catalog.GroupThousands(v)
		case "pay":
			return (*c).Term("pay."+v, lang, nil, f, v)
		}
		return "?" + v
	}
	return f
}

func TestCompileRejects(t *testing.T) {
	tests := []struct {
		name string
		def  catalog.Def
		want string
	}{
		{"arg_name_upper_case", def("Name", "{Name}", "{Name}"), `test: message m: bad argument "Name"`},
		{"arg_name_starts_with_digit", def("1a", "x", "x"), `bad argument "1a"`},
		{"arg_kind_unknown", def("a:euro", "{a}", "{a}"), `test: message m: bad argument "a:euro"`},
		{"arg_declared_twice", def("a a:money", "{a}", "{a}"), `bad argument "a:money"`},
		{"placeholder_undeclared", def("a", "{a} {b}", "{a}"), `test: message m [en]: "{a} {b}": {b} is not a declared argument`},
		{"placeholder_undeclared_in_one_language", def("a", "{a}", "{a}{c}"), `test: message m [zh-Hant]: "{a}{c}": {c} is not a declared argument`},
		{"placeholder_empty", def("a", "{}", "{a}"), `{} is not a declared argument`},
		{"open_brace_unclosed", def("a", "{a", "{a}"), `"{a": '{' without '}'`},
		{"close_brace_unopened", def("a", "a}", "{a}"), `"a}": '}' without '{'`},
		{"close_before_open", def("a", "}{a}", "{a}"), `'}' without '{'`},
		{"template_empty", def("", "x", "  "), `test: message m [zh-Hant]: empty template`},
		{"language_missing", catalog.Def{Text: map[org.Lang]string{org.English: "x"}}, `[zh-Hant]: empty template`},
		{"language_unknown", catalog.Def{Text: map[org.Lang]string{org.English: "x", org.TraditionalChinese: "x", "fr": "x"}}, `test: message m: unknown language "fr"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := catalog.Compile(testCfg, map[string]catalog.Def{"m": tt.def, "ok": def("", "ok", "好")})
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assert.Panics(t, func() { catalog.MustCompile(testCfg, map[string]catalog.Def{"m": tt.def}) })
		})
	}
}

func TestCompileReportsEveryProblem(t *testing.T) {
	_, err := catalog.Compile(catalog.Config{Name: "pkg"}, map[string]catalog.Def{
		"b": def("x:money", "{x}", "{x}"),
		"a": def("", "{y}", "y}"),
	})
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3, err.Error())
	assert.Contains(t, lines[0], "pkg: message a [en]")
	assert.Contains(t, lines[1], "pkg: message a [zh-Hant]")
	assert.Contains(t, lines[2], `pkg: message b: bad argument "x:money"`)
}

func TestCompileAccepts(t *testing.T) {
	tests := []struct {
		name string
		def  catalog.Def
	}{
		{"no_args", def("", "Total", "合計")},
		{"empty_kind_listed_or_not", def("a b:", "{a}{b}", "{b}{a}")},
		{"arg_declared_but_shown_nowhere", def("a b", "{a}", "{a}")},
		{"arg_shown_in_one_language", def("en zh", "{en}", "{zh}")},
		{"underscores_and_digits", def("a_1 b2", "{a_1} {b2}", "{b2} {a_1}")},
		{"unicode_text", def("n", "第 {n} 次", "第 {n} 次")},
		{"no_name_prefix", def("", "x", "x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Compile(catalog.Config{}, map[string]catalog.Def{"m": tt.def})
			require.NoError(t, err)
		})
	}
}

func TestRender(t *testing.T) {
	c := catalog.MustCompile(testCfg, testDefs)
	f := format(&c)
	tests := []struct {
		name, key string
		lang      org.Lang
		args      map[string]string
		want      string
	}{
		{"english", "greet", org.English, map[string]string{"name": "Ann"}, "Hello Ann"},
		{"chinese", "greet", org.TraditionalChinese, map[string]string{"name": "安"}, "安，您好"},
		{"other_language_is_english", "greet", "fr", map[string]string{"name": "Ann"}, "Hello Ann"},
		{"empty_language_is_english", "greet", "", map[string]string{"name": "Ann"}, "Hello Ann"},
		{"no_args", "total", org.TraditionalChinese, nil, "合計"},
		{"extra_args_ignored", "total", org.English, map[string]string{"x": "y"}, "Total"},
		{"kind_formatted", "price", org.English, map[string]string{"item": "1000", "amount": "1234567.5"}, "1000 costs 1,234,567.5"},
		{"formatter_gets_resolved_language", "pay", "fr", map[string]string{"payer": "cus"}, "paid by Customer"},
		{"formatter_renders_a_term", "pay", org.TraditionalChinese, map[string]string{"payer": "cus"}, "客戶付款"},
		{"formatter_falls_back", "pay", org.English, map[string]string{"payer": "bank"}, "paid by bank"},
		{"placeholder_twice", "twice", org.English, map[string]string{"n": "2"}, "2 and 2"},
		{"empty_value", "greet", org.English, map[string]string{"name": ""}, "Hello "},
		{"value_with_braces_not_expanded", "greet", org.English, map[string]string{"name": "{name}"}, "Hello {name}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Render(tt.key, tt.lang, tt.args, f)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("nil_formatter_shows_values_as_given", func(t *testing.T) {
		got, err := c.Render("price", org.English, map[string]string{"item": "x", "amount": "1200"}, nil)
		require.NoError(t, err)
		assert.Equal(t, "x costs 1200", got)
	})
}

func TestRenderErrors(t *testing.T) {
	errUnknown := errors.New("pkg: unknown")
	errMissing := errors.New("pkg: missing")
	own := catalog.MustCompile(catalog.Config{Kinds: testCfg.Kinds, ErrUnknownMessage: errUnknown, ErrMissingArg: errMissing}, testDefs)
	dflt := catalog.MustCompile(catalog.Config{Kinds: testCfg.Kinds}, testDefs)
	tests := []struct {
		name     string
		c        *catalog.Catalog
		key      string
		args     map[string]string
		is, isnt error
		text     string
	}{
		{"unknown_key_own_sentinel", own, "nope", nil, errUnknown, catalog.ErrUnknownMessage, `pkg: unknown: "nope"`},
		{"unknown_key_default_sentinel", dflt, "nope", nil, catalog.ErrUnknownMessage, errUnknown, `catalog: unknown message key: "nope"`},
		{"empty_key", own, "", nil, errUnknown, errMissing, `pkg: unknown: ""`},
		{"key_case_matters", own, "GREET", nil, errUnknown, errMissing, `pkg: unknown: "GREET"`},
		{"missing_arg_own_sentinel", own, "greet", nil, errMissing, catalog.ErrMissingArg, "pkg: missing: greet needs name"},
		{"missing_arg_default_sentinel", dflt, "greet", map[string]string{}, catalog.ErrMissingArg, errMissing, "catalog: message argument missing: greet needs name"},
		{"every_missing_arg_named", own, "price", map[string]string{"x": "1"}, errMissing, errUnknown, "pkg: missing: price needs item, amount"},
		{"arg_shown_nowhere_still_required", own, "hidden", map[string]string{"shown": "1"}, errMissing, errUnknown, "pkg: missing: hidden needs kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range org.Langs() {
				got, err := tt.c.Render(tt.key, lang, tt.args, nil)
				require.ErrorIs(t, err, tt.is)
				assert.NotErrorIs(t, err, tt.isnt)
				assert.Equal(t, tt.text, err.Error())
				assert.Empty(t, got)
				assert.Equal(t, "fallback", tt.c.Term(tt.key, lang, tt.args, nil, "fallback"))
			}
		})
	}
}

func TestTerm(t *testing.T) {
	c := catalog.MustCompile(testCfg, testDefs)
	assert.Equal(t, "合計", c.Term("total", org.TraditionalChinese, nil, nil, "fallback"))
	assert.Equal(t, "Hello Ann", c.Term("greet", org.English, map[string]string{"name": "Ann"}, nil, "fallback"))
	assert.Equal(t, "fallback", c.Term("greet", org.English, nil, nil, "fallback"))
	assert.Equal(t, "fallback", c.Term("nope", org.English, nil, nil, "fallback"))
}

func TestMessages(t *testing.T) {
	c := catalog.MustCompile(testCfg, testDefs)
	ms := c.Messages()
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.Key)
	}
	assert.Equal(t, []string{"greet", "hidden", "pay", "pay.cus", "price", "total", "twice"}, keys)
	byKey := map[string]catalog.Message{}
	for _, m := range ms {
		byKey[m.Key] = m
	}
	assert.Equal(t, catalog.Message{Key: "price", Args: []string{"item", "amount"},
		Text: map[org.Lang]string{org.English: "{item} costs {amount}", org.TraditionalChinese: "{item} 售價 {amount}"}}, byKey["price"])
	assert.Nil(t, byKey["total"].Args, "a message without arguments lists none")

	t.Run("each_call_returns_a_copy", func(t *testing.T) {
		ms[0].Text[org.English] = "changed"
		ms[0].Args = append(ms[0].Args, "x")
		again := c.Messages()
		assert.Equal(t, "Hello {name}", again[0].Text[org.English])
		assert.Equal(t, []string{"name"}, again[0].Args)
	})
	t.Run("empty_catalogue", func(t *testing.T) {
		e, err := catalog.Compile(catalog.Config{}, nil)
		require.NoError(t, err)
		assert.Empty(t, e.Messages())
		_, err = e.Render("x", org.English, nil, nil)
		assert.ErrorIs(t, err, catalog.ErrUnknownMessage)
	})
}

func TestLang(t *testing.T) {
	tests := []struct{ in, want org.Lang }{
		{org.English, org.English},
		{org.TraditionalChinese, org.TraditionalChinese},
		{"", org.English},
		{"zh", org.English},
		{"fr", org.English},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, catalog.Lang(tt.in), "%q", tt.in)
	}
}

func TestGroupThousands(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"},
		{"12", "12"},
		{"123", "123"},
		{"1234", "1,234"},
		{"12000", "12,000"},
		{"123456", "123,456"},
		{"1234567.50", "1,234,567.50"},
		{"-1200", "-1,200"},
		{"-123", "-123"},
		{"0.005", "0.005"},
		{"1000000000", "1,000,000,000"},
		{"", ""},
		{"abc", "abc"},
		{"1,234", "1,234"},
		{"1e6", "1e6"},
		{"+1200", "+1200"},
		{"12.", "12."},
		{".5", ".5"},
		{"１２３４", "１２３４"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, catalog.GroupThousands(tt.in), "%q", tt.in)
	}
}

func TestRenderConcurrently(t *testing.T) {
	c := catalog.MustCompile(testCfg, testDefs)
	f := format(&c)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			lang := org.Langs()[i%2]
			for range 100 {
				_, err := c.Render("pay", lang, map[string]string{"payer": "cus"}, f)
				assert.NoError(t, err)
				_ = c.Messages()
			}
		})
	}
	wg.Wait()
}
