package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

const lpDir = "testdata/policies"

var lpDecimal = reflect.TypeFor[decimal.Decimal]()

// lpDiff compares two policies field by field, decimals with Equal (1.5
// and 1.50 are alike), nil and empty lists alike (JSON leaves both out),
// and lists the differences.
func lpDiff(want, got any) []string {
	var out []string
	var walk func(w, g reflect.Value, path string)
	walk = func(w, g reflect.Value, path string) {
		switch {
		case w.Type() == lpDecimal:
			if wd, gd := w.Interface().(decimal.Decimal), g.Interface().(decimal.Decimal); !wd.Equal(gd) {
				out = append(out, fmt.Sprintf("%s: want %s, got %s", path, wd, gd))
			}
		case w.Kind() == reflect.Struct:
			for i := range w.NumField() {
				walk(w.Field(i), g.Field(i), path+"."+w.Type().Field(i).Name)
			}
		case w.Kind() == reflect.Slice:
			if w.Len() != g.Len() {
				out = append(out, fmt.Sprintf("%s: want %d items, got %d", path, w.Len(), g.Len()))
				return
			}
			for i := range w.Len() {
				walk(w.Index(i), g.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case w.Kind() == reflect.Pointer:
			if w.IsNil() || g.IsNil() {
				if w.IsNil() != g.IsNil() {
					out = append(out, fmt.Sprintf("%s: want nil %v, got nil %v", path, w.IsNil(), g.IsNil()))
				}
				return
			}
			walk(w.Elem(), g.Elem(), path)
		default:
			if !w.Equal(g) {
				out = append(out, fmt.Sprintf("%s: want %v, got %v", path, w, g))
			}
		}
	}
	walk(reflect.ValueOf(want), reflect.ValueOf(got), "policy")
	return out
}

// lpProblems loads data as name and returns its problems as "path code".
func lpProblems(t *testing.T, name, data string) []string {
	t.Helper()
	p, err := policy.Load(name, []byte(data))
	if err == nil {
		require.NotNil(t, p)
		return nil
	}
	assert.Nil(t, p)
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "%T %v", err, err)
	assert.Equal(t, "policy: load policy", ve.Op)
	assert.ErrorIs(t, err, org.ErrInvalid)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code
		assert.NotEmpty(t, f.Message, f.Where())
	}
	return out
}

func TestLoad_defaultFile(t *testing.T) {
	p, err := policy.Load("default.yaml", policy.DefaultFile())
	require.NoError(t, err)
	require.NoError(t, p.Validate())
	assert.Equal(t, "default", p.ID)
	assert.Equal(t, 1, p.Version)
	var ids []string
	for _, r := range p.Rules {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"monthly_excellent_advisor", "annual_excellent_advisor", "special_contribution",
		"excellent_appraisal", "failed_appraisal", "two_consecutive_fails", "training_failed", "retake_failed",
		"attendance", "conduct", "complaint_warning", "loss_minor", "loss_moderate", "loss_major", "loss_severe",
		"confidentiality_breach"}, ids)
	// The YAML anchor gives every loss rule the same table.
	comp := p.Rules[11].Then[0].Compensation
	require.NotNil(t, comp)
	for _, i := range []int{12, 13, 14} {
		assert.Empty(t, lpDiff(*comp, *p.Rules[i].Then[0].Compensation), p.Rules[i].ID)
	}
}

func TestDefault(t *testing.T) {
	p := policy.Default("USD")
	require.NoError(t, p.Validate())
	assert.Equal(t, "USD", p.Currency)
	// Each call is a new policy.
	p.Rules[0].ID = "changed"
	assert.Equal(t, "monthly_excellent_advisor", policy.Default("USD").Rules[0].ID)
	// A bad currency is the caller's to check.
	_, ok := org.FieldErrorOf(policy.Default("dollars").Validate(), "currency")
	assert.True(t, ok)
	// DefaultFile is a copy.
	f := policy.DefaultFile()
	f[0] = 'X'
	assert.NotEqual(t, f[0], policy.DefaultFile()[0])
}

// The package doc's example as a file, YAML and JSON, is one policy.
func TestLoad_docExample(t *testing.T) {
	y, err := policy.LoadFile(filepath.Join(lpDir, "taipei.yaml"))
	require.NoError(t, err)
	j, err := policy.LoadFile(filepath.Join(lpDir, "taipei.json"))
	require.NoError(t, err)
	assert.Empty(t, lpDiff(*y, *j))
	assert.Equal(t, policy.Value("exempt"), y.Rules[2].When.All[1].Not.Fact.Value)
	assert.Equal(t, "600", y.Ladders[0].Steps[2][0].Amount.String())
	_, err = policy.LoadFile(filepath.Join(lpDir, "missing.yaml"))
	require.Error(t, err)
	assert.NotErrorIs(t, err, org.ErrInvalid)
}

// Every policy written as JSON loads again as itself.
func TestLoad_jsonRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(lpDir, "*"))
	require.NoError(t, err)
	policies := map[string]*policy.Policy{"default": policy.Default("TWD")}
	for _, f := range files {
		p, err := policy.LoadFile(f)
		require.NoError(t, err)
		policies[filepath.Base(f)] = p
	}
	p, err := policy.Load("p.yaml", []byte(lpPolicy))
	require.NoError(t, err)
	policies["lpPolicy"] = p
	for name, p := range policies {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(p)
			require.NoError(t, err)
			again, err := policy.Load("again.json", data)
			require.NoError(t, err, "%s", data)
			assert.Empty(t, lpDiff(*p, *again))
		})
	}
}

// Comparison values are any scalar, in YAML and JSON alike, kept as
// written.
func TestLoad_values(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"p.yaml", "value: 92.50", "92.50"},
		{"p.yaml", `value: "92.50"`, "92.50"},
		{"p.yaml", "value: 1e2", "1e2"},
		{"p.json", `"value": 92.50`, "92.50"},
		{"p.json", `"value": "92.50"`, "92.50"},
	} {
		doc := `id: t
version: 1
currency: TWD
rules: [{id: r, title: {en: R, zh: R}, period: month, then: [{kind: warning}],
  when: {fact: {name: appraisal.score, op: ">=", VALUE}}}]`
		if strings.HasSuffix(c.name, ".json") {
			doc = `{"id": "t", "version": 1, "currency": "TWD", "rules": [{"id": "r", "title": {"en": "R", "zh": "R"},
  "period": "month", "then": [{"kind": "warning"}], "when": {"fact": {"name": "appraisal.score", "op": ">=", VALUE}}}]}`
		}
		p, err := policy.Load(c.name, []byte(strings.Replace(doc, "VALUE", c.data, 1)))
		require.NoError(t, err, c.data)
		assert.Equal(t, policy.Value(c.want), p.Rules[0].When.Fact.Value, c.data)
	}
	// Yes/no and text values.
	doc := `id: t
version: 1
currency: TWD
rules:
  - {id: a, title: {en: A, zh: A}, period: month, then: [{kind: warning}], when: {fact: {name: appraisal.passed, op: "==", value: false}}}
  - {id: b, title: {en: B, zh: B}, period: month, then: [{kind: warning}], when: {fact: {name: appraisal.grade, op: "!=", value: 2026.1}}}
  - {id: c, title: {en: C, zh: C}, period: month, then: [{kind: warning}], when: {fact: {name: appraisal.failed}}}
`
	p, err := policy.Load("p.yaml", []byte(doc))
	require.NoError(t, err)
	assert.Equal(t, []policy.Value{"false", "2026.1", ""},
		[]policy.Value{p.Rules[0].When.Fact.Value, p.Rules[1].When.Fact.Value, p.Rules[2].When.Fact.Value})
}

// lpPolicy is a valid policy; cases edit it line by line. Line numbers
// matter: the cases name them.
const lpPolicy = `id: test
version: 1
currency: TWD
places: 0
ladders:
  - id: attendance
    incidents: [late, absent]
    within_days: 30
    steps:
      - [{kind: warning}]
      - [{kind: fine, amount: 500}]
rules:
  - id: top
    cites: [R7.1]
    title: {en: Top, zh: 第一}
    period: month
    when:
      rank: {top: 1, min_score: 90}
    then:
      - {kind: bonus, amount: 3000}
    award: {winners: 1, tie_break: [{fact: appraisal.score, order: desc}]}
  - id: late
    cites: [R7.2a]
    title: {en: Late, zh: 遲到}
    period: month
    ladder: attendance
  - id: loss
    cites: [R7.2c]
    title: {en: Loss, zh: 損失}
    period: month
    when:
      all:
        - fact: {name: appraisal.score, op: "<", value: 60}
        - amount: {incidents: [loss], above: 0, at_most: 10000}
        - count: {incidents: [late], within_days: 30, at_least: 2}
        - consecutive: {fact: appraisal.failed, periods: 2}
    then:
      - kind: compensation
        compensation:
          of: [loss]
          brackets:
            - {above: 0, at_most: 10000, percent: 10}
            - {above: 10000, percent: 20}
`

func TestLoad_problems(t *testing.T) {
	edit := func(old, new string) string {
		if !strings.Contains(lpPolicy, old) {
			panic("no " + old)
		}
		return strings.Replace(lpPolicy, old, new, 1)
	}
	for _, c := range []struct {
		name string
		data string
		want []string // "path code", in file order
	}{
		{"unknown_fact_at_its_name", edit("name: appraisal.score", "name: appraisal.scor"),
			[]string{"p.yaml:33:18: rules[2].when.all[0].fact.name unknown_value"}},
		{"unknown_incident_fact", edit("name: appraisal.score", "name: incidents.lateness.amount"),
			[]string{"p.yaml:33:18: rules[2].when.all[0].fact.name unknown_value"}},
		{"text_for_a_decimal_fact_is_wrong_type", edit("value: 60", "value: sixty"),
			[]string{"p.yaml:33:50: rules[2].when.all[0].fact.value wrong_type"}},
		{"bool_for_a_decimal_fact_is_wrong_type", edit("value: 60", "value: true"),
			[]string{"p.yaml:33:50: rules[2].when.all[0].fact.value wrong_type"}},
		{"decimal_for_an_integer_fact_is_wrong_type", edit("name: appraisal.score", "name: appraisal.rank"),
			[]string{}},
		{"ordering_a_text_fact_is_wrong_type", edit(`name: appraisal.score, op: "<", value: 60`, `name: appraisal.grade, op: "<", value: B`),
			[]string{"p.yaml:33:41: rules[2].when.all[0].fact.op wrong_type"}},
		{"text_for_a_yes_no_fact_is_wrong_type", edit(`name: appraisal.score, op: "<", value: 60`, `name: appraisal.failed, op: "==", value: yes`),
			[]string{"p.yaml:33:52: rules[2].when.all[0].fact.value wrong_type"}},
		{"unknown_op", edit(`op: "<"`, `op: "=>"`),
			[]string{"p.yaml:33:41: rules[2].when.all[0].fact.op unknown_value"}},
		{"missing_op_and_value_of_a_number_fact", edit(`, op: "<", value: 60`, ``),
			[]string{"p.yaml:33:11: rules[2].when.all[0].fact.op required", "p.yaml:33:11: rules[2].when.all[0].fact.value required"}},
		{"a_list_for_a_value", edit(`value: 60`, `value: [60]`),
			[]string{"p.yaml:33:57: rules[2].when.all[0].fact.value invalid_format"}},
		{"R7.2c_impossible_amount_bracket", edit("above: 0, at_most: 10000}", "above: 20000, at_most: 10000}"),
			[]string{"p.yaml:34:53: rules[2].when.all[1].amount.at_most out_of_range"}},
		{"negative_amount_bracket", edit("above: 0, at_most: 10000}", "above: -1, at_most: 10000}"),
			[]string{"p.yaml:34:39: rules[2].when.all[1].amount.above out_of_range"}},
		{"R7.2c_compensation_brackets_overlap", edit("{above: 10000, percent: 20}", "{above: 5000, percent: 20}"),
			[]string{"p.yaml:43:16: rules[2].then[0].compensation.brackets[1].above overlap"}},
		{"R7.2c_compensation_brackets_gap", edit("{above: 10000, percent: 20}", "{above: 20000, percent: 20}"),
			[]string{"p.yaml:43:16: rules[2].then[0].compensation.brackets[1].above gap"}},
		{"R7.2c_compensation_first_bracket_not_at_0", edit("{above: 0, at_most: 10000, percent: 10}", "{above: 100, at_most: 10000, percent: 10}"),
			[]string{"p.yaml:42:16: rules[2].then[0].compensation.brackets[0].above gap"}},
		{"R7.2c_compensation_last_bracket_closed", edit("{above: 10000, percent: 20}", "{above: 10000, at_most: 90000, percent: 20}"),
			[]string{"p.yaml:43:30: rules[2].then[0].compensation.brackets[1].at_most gap"}},
		{"R7.2c_compensation_open_bracket_not_last", edit("{above: 0, at_most: 10000, percent: 10}", "{above: 0, percent: 10}"),
			[]string{"p.yaml:43:15: rules[2].then[0].compensation.brackets[1] overlap"}},
		{"compensation_percent_and_amount", edit("{above: 10000, percent: 20}", "{above: 10000, percent: 20, amount: 5000}"),
			[]string{"p.yaml:43:15: rules[2].then[0].compensation.brackets[1] invalid"}},
		{"compensation_percent_above_100", edit("{above: 10000, percent: 20}", "{above: 10000, percent: 120}"),
			[]string{"p.yaml:43:30: rules[2].then[0].compensation.brackets[1].percent out_of_range"}},
		{"compensation_without_its_table", edit("        compensation:\n          of: [loss]\n          brackets:\n            - {above: 0, at_most: 10000, percent: 10}\n            - {above: 10000, percent: 20}\n", ""),
			[]string{"p.yaml:38:9: rules[2].then[0].compensation required"}},
		{"compensation_table_on_a_warning", edit("      - kind: compensation\n", "      - kind: warning\n"),
			[]string{"p.yaml:39:9: rules[2].then[0].compensation invalid"}},
		{"unknown_action_kind", edit("{kind: bonus, amount: 3000}", "{kind: bonuss, amount: 3000}"),
			[]string{"p.yaml:20:10: rules[0].then[0].kind unknown_value"}},
		{"R7.2a_fine_without_amount", edit("{kind: fine, amount: 500}", "{kind: fine}"),
			[]string{"p.yaml:11:10: ladders[0].steps[1][0].amount required"}},
		{"bonus_with_a_negative_amount", edit("amount: 3000", "amount: -3000"),
			[]string{"p.yaml:20:23: rules[0].then[0].amount required"}},
		{"warning_with_an_amount", edit("- [{kind: warning}]", "- [{kind: warning, amount: 1}]"),
			[]string{"p.yaml:10:26: ladders[0].steps[0][0].amount invalid"}},
		{"amount_finer_than_places", edit("amount: 3000", "amount: 3000.5"),
			[]string{"p.yaml:20:23: rules[0].then[0].amount out_of_range"}},
		{"ladder_reference_to_no_ladder", edit("ladder: attendance", "ladder: attendence"),
			[]string{"p.yaml:26:5: rules[1].ladder not_found"}},
		{"then_and_ladder", edit("ladder: attendance", "ladder: attendance\n    then: [{kind: warning}]"),
			[]string{"p.yaml:22:5: rules[1] invalid", "p.yaml:22:5: rules[1].when required"}},
		{"neither_then_nor_ladder", edit("    ladder: attendance\n", ""),
			[]string{"p.yaml:22:5: rules[1] required"}},
		{"missing_currency", edit("currency: TWD\n", ""),
			[]string{"p.yaml:1:1: currency required"}},
		{"bad_currency", edit("currency: TWD", "currency: NT$"),
			[]string{"p.yaml:3:1: currency invalid_format"}},
		{"duplicate_rule_ids", edit("  - id: late", "  - id: top"),
			[]string{"p.yaml:22:5: rules[1].id duplicate"}},
		{"duplicate_ladder_ids", edit("ladders:\n", "ladders:\n  - {id: attendance, incidents: [late], within_days: 1, steps: [[{kind: warning}]]}\n"),
			[]string{"p.yaml:7:5: ladders[1].id duplicate"}},
		{"version_0", edit("version: 1", "version: 0"), []string{"p.yaml:2:1: version out_of_range"}},
		{"places_5", edit("places: 0", "places: 5"), []string{"p.yaml:4:1: places out_of_range"}},
		{"bad_cite", edit("cites: [R7.1]", "cites: [7.1]"), []string{"p.yaml:14:13: rules[0].cites[0] invalid_format"}},
		{"title_without_chinese", edit("title: {en: Top, zh: 第一}", "title: {en: Top}"), []string{"p.yaml:15:5: rules[0].title.zh required"}},
		{"unknown_period", edit("    period: month\n    ladder", "    period: week\n    ladder"), []string{"p.yaml:25:5: rules[1].period unknown_value"}},
		{"condition_with_two_tests", edit("      rank: {top: 1, min_score: 90}\n", "      rank: {top: 1, min_score: 90}\n      fact: {name: appraisal.passed}\n"),
			[]string{"p.yaml:17:5: rules[0].when invalid"}},
		{"empty_condition", edit("      rank: {top: 1, min_score: 90}\n", "      {}\n"),
			[]string{"p.yaml:17:5: rules[0].when required"}},
		{"empty_all", edit("      all:\n        - fact: {name: appraisal.score, op: \"<\", value: 60}\n        - amount: {incidents: [loss], above: 0, at_most: 10000}\n        - count: {incidents: [late], within_days: 30, at_least: 2}\n        - consecutive: {fact: appraisal.failed, periods: 2}\n", "      all: []\n"),
			[]string{"p.yaml:32:7: rules[2].when.all required"}},
		{"rank_top_0_and_min_score_101", edit("rank: {top: 1, min_score: 90}", "rank: {top: 0, min_score: 101}"),
			[]string{"p.yaml:18:14: rules[0].when.rank.top out_of_range", "p.yaml:18:22: rules[0].when.rank.min_score out_of_range"}},
		{"R7.2a_count_unknown_kind_and_zero_window", edit("count: {incidents: [late], within_days: 30, at_least: 2}", "count: {incidents: [tardy], within_days: 0, at_least: 0}"),
			[]string{"p.yaml:35:31: rules[2].when.all[2].count.incidents[0] unknown_value",
				"p.yaml:35:39: rules[2].when.all[2].count.within_days out_of_range",
				"p.yaml:35:55: rules[2].when.all[2].count.at_least out_of_range"}},
		{"R6.4_consecutive_of_a_fact_without_history", edit("consecutive: {fact: appraisal.failed", "consecutive: {fact: appraisal.passed"),
			[]string{"p.yaml:36:25: rules[2].when.all[3].consecutive.fact invalid"}},
		{"award_tie_break_on_a_yes_no_fact_and_unknown_order", edit("{fact: appraisal.score, order: desc}", "{fact: appraisal.passed, order: down}"),
			[]string{"p.yaml:21:38: rules[0].award.tie_break[0].fact wrong_type", "p.yaml:21:62: rules[0].award.tie_break[0].order unknown_value"}},
		{"award_without_winners", edit("award: {winners: 1, ", "award: {"), []string{"p.yaml:21:5: rules[0].award.winners out_of_range"}},
		{"award_on_a_ladder_rule", edit("    ladder: attendance\n", "    ladder: attendance\n    award: {winners: 1}\n"),
			[]string{"p.yaml:27:5: rules[1].award invalid", "p.yaml:27:5: rules[1].award.tie_break required"}},
		{"ladder_problems", edit("    incidents: [late, absent]\n    within_days: 30\n", "    incidents: [late, late]\n    within_days: 9999\n"),
			[]string{"p.yaml:7:23: ladders[0].incidents[1] duplicate", "p.yaml:8:5: ladders[0].within_days out_of_range"}},
		{"empty_ladder_step", edit("      - [{kind: warning}]\n", "      - []\n"), []string{"p.yaml:10:9: ladders[0].steps[0] required"}},
		{"unknown_field", edit("    period: month\n    ladder", "    period: month\n    colour: red\n    ladder"),
			[]string{"p.yaml:26:5: rules[1].colour unknown_value"}},
		{"wrong_type_of_field", edit("within_days: 30\n    steps", "within_days: thirty\n    steps"),
			[]string{"p.yaml:8:18: ladders[0].within_days invalid_format"}},
		{"yaml_syntax_error", edit("title: {en: Top, zh: 第一}", "title: {en: Top, zh: 第一"), []string{"p.yaml:15 invalid_format"}},
		{"no_rules", "id: t\nversion: 1\ncurrency: TWD\n", []string{"p.yaml:1:1: rules required"}},
		{"empty_file", "", []string{"p.yaml required"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := lpProblems(t, "p.yaml", c.data)
			if len(c.want) == 0 {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, c.want, got)
		})
	}
}

func TestLoad_jsonProblems(t *testing.T) {
	data := `{"id": "t", "version": 1, "currency": "TWD",
 "rules": [{"id": "r", "title": {"en": "R", "zh": "R"}, "period": "month", "then": [{"kind": "fine"}],
  "when": {"fact": {"name": "appraisal.score", "op": ">=", "value": "high"}}}]}`
	assert.Equal(t, []string{
		"p.json:2:85: rules[0].then[0].amount required",
		"p.json:3:60: rules[0].when.fact.value wrong_type",
	}, lpProblems(t, "p.json", data))
}

// Every problem at once, in file order.
func TestLoad_everyProblemAtOnce(t *testing.T) {
	data := `id: "bad id"
version: 0
rules:
  - id: a
    title: {en: A}
    period: month
    when: {fact: {name: appraisal.scores, op: ">=", value: 90}}
    then: [{kind: fine}, {kind: medal}]
  - id: a
    title: {en: B, zh: B}
    period: month
    ladder: none
`
	assert.Equal(t, []string{
		"p.yaml:1:1: id invalid_format",
		"p.yaml:1:1: currency required",
		"p.yaml:2:1: version out_of_range",
		"p.yaml:5:5: rules[0].title.zh required",
		"p.yaml:7:19: rules[0].when.fact.name unknown_value",
		"p.yaml:8:12: rules[0].then[0].amount required",
		"p.yaml:8:27: rules[0].then[1].kind unknown_value",
		"p.yaml:9:5: rules[1].id duplicate",
		"p.yaml:12:5: rules[1].ladder not_found",
	}, lpProblems(t, "p.yaml", data))
}

// Validate checks a policy built in code the same way, by JSON path.
func TestValidate(t *testing.T) {
	var nilPolicy *policy.Policy
	_, ok := org.FieldErrorOf(nilPolicy.Validate(), "")
	assert.True(t, ok)

	p := policy.Default("TWD")
	p.Rules[2].When = policy.Condition{Fact: &policy.Compare{Name: "nominations", Op: policy.Ge, Value: "1.5"}}
	p.Rules[0].Award.TieBreak[0].Order = ""
	deep := policy.Condition{Fact: &policy.Compare{Name: "appraisal.failed"}}
	for range 16 {
		deep = policy.Condition{Not: &deep}
	}
	p.Rules[3].When = deep
	err := p.Validate()
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "policy: policy", ve.Op)
	var got []string
	for _, f := range ve.Fields {
		got = append(got, f.Where()+" "+f.Code)
	}
	assert.Equal(t, []string{
		"rules[0].award.tie_break[0].order required",
		"rules[2].when.fact.value wrong_type",
		"rules[3].when" + strings.Repeat(".not", 16) + " out_of_range",
	}, got)
	assert.True(t, slices.ContainsFunc(ve.Fields, func(f org.FieldError) bool {
		return strings.Contains(f.Message, "nominations is an integer fact")
	}), "%v", ve)
}

// TestLoad_bracketRulesOverlap: rules whose conditions are amount brackets
// of the same incidents are a table; an overlap would punish one loss
// twice (R7.2c), so it is refused at load, naming both rules.
func TestLoad_bracketRulesOverlap(t *testing.T) {
	text := string(policy.DefaultFile())
	for _, c := range []struct{ name, old, new string }{
		{"R7.2c_overlapping_brackets", "above: 10000, at_most: 50000}", "above: 9999, at_most: 50000}"},
		{"R7.2c_open_bracket_over_the_next", "above: 200000}", "above: 100000}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, text, c.old)
			_, err := policy.Load("default.yaml", []byte(strings.Replace(text, c.old, c.new, 1)))
			var ve *org.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, "%v", err)
			assert.Equal(t, policy.CodeOverlap, ve.Fields[0].Code)
			assert.Contains(t, ve.Fields[0].Where(), ".when.amount")
			assert.Contains(t, ve.Fields[0].Message, "one amount would be punished by both")
		})
	}
	t.Run("R7.2c_different_incidents_may_overlap", func(t *testing.T) {
		edited := strings.Replace(text, "amount: {incidents: [complaint, loss, negligence], above: 10000, at_most: 50000}",
			"amount: {incidents: [loss], above: 9999, at_most: 50000}", 1)
		require.NotEqual(t, text, edited)
		_, err := policy.Load("default.yaml", []byte(edited))
		require.NoError(t, err)
	})
}
