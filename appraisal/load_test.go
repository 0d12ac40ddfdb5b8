package appraisal_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

const lpDir = "testdata/plans"

// lpLoad loads a shipped plan and requires it valid.
func lpLoad(t *testing.T, file string) *appraisal.Plan {
	t.Helper()
	p, err := appraisal.LoadPlanFile(filepath.Join(lpDir, file))
	require.NoError(t, err)
	require.NoError(t, p.Validate())
	return p
}

var lpDecimal = reflect.TypeFor[decimal.Decimal]()

// lpDiff compares two plans field by field, every field of every type,
// decimals with Equal (1.2 and 1.20 are alike), and lists the differences.
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
			if w.Len() != g.Len() { // nil and empty alike: JSON leaves both out
				out = append(out, fmt.Sprintf("%s: want %d items, got %d", path, w.Len(), g.Len()))
				return
			}
			for i := range w.Len() {
				walk(w.Index(i), g.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case w.Kind() == reflect.Map:
			wk, gk := lpKeys(w), lpKeys(g)
			if !slices.Equal(wk, gk) {
				out = append(out, fmt.Sprintf("%s: want keys %v, got %v", path, wk, gk))
				return
			}
			for _, k := range w.MapKeys() {
				walk(w.MapIndex(k), g.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
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
	walk(reflect.ValueOf(want), reflect.ValueOf(got), "plan")
	return out
}

func lpKeys(m reflect.Value) []string {
	var ks []string
	for _, k := range m.MapKeys() {
		ks = append(ks, k.String())
	}
	slices.Sort(ks)
	return ks
}

// The shipped default plan as a file, YAML or JSON, is DefaultPlan field by
// field.
func TestLoadPlan_defaultIsDefaultPlan(t *testing.T) {
	for _, file := range []string{"default.yaml", "default.json"} {
		t.Run(file, func(t *testing.T) {
			assert.Empty(t, lpDiff(appraisal.DefaultPlan(), *lpLoad(t, file)))
		})
	}
	// And the comparison sees a difference.
	p := lpLoad(t, "default.yaml")
	p.KPIs[1].Sources[2].Curve.Floor = pvDec("0.81")
	p.Bonus.ByGrade["good"] = pvDec("1.01")
	assert.Equal(t, []string{"plan.KPIs[1].Sources[2].Curve.Floor: want 0.8, got 0.81", "plan.Bonus.ByGrade[good]: want 1, got 1.01"},
		lpDiff(appraisal.DefaultPlan(), *p))
}

func TestLoadPlan_linearIncomplete(t *testing.T) {
	p := lpLoad(t, "linear.yaml")
	assert.Equal(t, "2026.2", p.Version)
	assert.Equal(t, appraisal.Incomplete, p.Missing)
	assert.Equal(t, 4, p.MinPeers)
	assert.True(t, p.TrimPeers)
	assert.EqualValues(t, 1, p.Places)
	var kpis []string
	for _, k := range p.KPIs {
		kpis = append(kpis, k.Code+" "+k.Weight.String())
	}
	assert.Equal(t, []string{"satisfaction 45.5", "business 30", "team-and-attitude 24.5"}, kpis)
	assert.Equal(t, "Customer satisfaction (客戶滿意度)", p.KPIs[0].Name)
	bands := p.KPIs[0].Sources[1].Curve.Bands
	require.Len(t, bands, 3)
	assert.Equal(t, []string{"0 100", "1 60", "3 0"}, []string{bands[0].From.String() + " " + bands[0].Points.String(),
		bands[1].From.String() + " " + bands[1].Points.String(), bands[2].From.String() + " " + bands[2].Points.String()})
	// Merge keys: the rating's scale comes from the supervisor's entry.
	var sources []string
	for _, s := range p.KPIs[2].Sources {
		sources = append(sources, fmt.Sprintf("%s %s %s-%s", s.Source, s.Weight, s.Scale.Min, s.Scale.Max))
	}
	assert.Equal(t, []string{"supervisor 0.5 0-10", "peer 0.3 0-10", "self 0.2 0-10"}, sources)
	assert.Equal(t, "55.5", p.Grades[2].Min.String())
	assert.Nil(t, p.Bonus.ByGrade)
	require.NotNil(t, p.Bonus.Linear)
	assert.Equal(t, "60 0 100 1.50", fmt.Sprintf("%s %s %s %s", p.Bonus.Linear.From.Score, p.Bonus.Linear.From.Share,
		p.Bonus.Linear.To.Score, p.Bonus.Linear.To.Share.StringFixed(2)))
	assert.Equal(t, "1.25 2", p.Bonus.Cap.String()+" "+fmt.Sprint(p.Bonus.Places))

	// It scores: satisfaction 90 (80 points) and no complaint (100) is
	// 86.67; business is incomplete (no appointments); supervisor 8 and
	// self 9 of 10 but only three peers (fewer than four) leave teamwork
	// incomplete too: the score is satisfaction's alone, 86.7, and the
	// bonus 1.5 x (86.7 - 60) / 40 = 1.00125, under the 1.25 cap.
	res, err := appraisal.Score(p, appraisal.Inputs{Employee: "e1", BonusBase: pvDec("1000"),
		Measured: map[appraisal.Metric]appraisal.Measure{
			appraisal.MetricSatisfaction: {Value: pvDec("90")}, appraisal.MetricComplaints: {Value: pvDec("0")},
			appraisal.MetricAppointmentSuccess: {None: true}, appraisal.MetricSettlementAccuracy: {Value: pvDec("1")}},
		Ratings: []appraisal.Rating{
			{Rater: "s", Source: appraisal.SourceSupervisor, KPI: "team-and-attitude", Value: pvDec("8")},
			{Rater: "e1", Source: appraisal.SourceSelf, KPI: "team-and-attitude", Value: pvDec("9")},
			{Rater: "p1", Source: appraisal.SourcePeer, KPI: "team-and-attitude", Value: pvDec("7")},
			{Rater: "p2", Source: appraisal.SourcePeer, KPI: "team-and-attitude", Value: pvDec("7")},
			{Rater: "p3", Source: appraisal.SourcePeer, KPI: "team-and-attitude", Value: pvDec("7")},
		}})
	require.NoError(t, err)
	assert.True(t, res.Incomplete)
	assert.Equal(t, []string{"86.7", "A", "1.00125", "1001.25"}, []string{res.Score.String(), res.Grade, res.BonusShare.String(), res.Bonus.String()})
}

// Every shipped plan written as JSON loads again as itself.
func TestLoadPlan_jsonRoundTrip(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(lpDir, "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p := lpLoad(t, filepath.Base(file))
			data, err := json.Marshal(p)
			require.NoError(t, err)
			again, err := appraisal.LoadPlan("again.json", data)
			require.NoError(t, err)
			assert.Empty(t, lpDiff(*p, *again))
		})
	}
}

// lpPlan is a valid YAML plan; cases edit it line by line.
const lpPlan = `version: "1"
missing: renormalize
kpis:
  - code: sat
    weight: 60
    sources:
      - {source: measured, weight: 1, metric: satisfaction, curve: {floor: 60, target: 95}}
      - source: customer
        weight: 1
        scale: {min: 1, max: 5}
  - code: team
    weight: 40
    sources:
      - {source: peer, weight: 1, scale: {min: 1, max: 5}}
grades:
  - {code: pass, min: 60, pass: true}
  - {code: fail, min: 0}
bonus:
  by_grade: {pass: 1, fail: 0}
`

// lpJSON is the same plan as JSON.
const lpJSON = `{
  "version": "1",
  "missing": "renormalize",
  "kpis": [
    {"code": "sat", "weight": 60, "sources": [
      {"source": "measured", "weight": 1, "metric": "satisfaction", "curve": {"floor": 60, "target": 95}},
      {"source": "customer", "weight": 1, "scale": {"min": 1, "max": 5}}
    ]},
    {"code": "team", "weight": 40, "sources": [{"source": "peer", "weight": 1, "scale": {"min": 1, "max": 5}}]}
  ],
  "grades": [{"code": "pass", "min": 60, "pass": true}, {"code": "fail", "min": 0}],
  "bonus": {"by_grade": {"pass": 1, "fail": 0}}
}
`

func TestLoadPlan_goodBases(t *testing.T) {
	for name, data := range map[string]string{"p.yaml": lpPlan, "p.json": lpJSON, "p.txt": lpJSON, "p.yml": lpPlan, "p.JSON": lpJSON} {
		p, err := appraisal.LoadPlan(name, []byte(data))
		require.NoError(t, err, name)
		assert.Equal(t, "1", p.Version)
		assert.Equal(t, []string{"1", "0"}, []string{p.Bonus.ByGrade["pass"].String(), p.Bonus.ByGrade["fail"].String()})
	}
}

func TestLoadPlan_problems(t *testing.T) {
	for _, c := range []struct {
		name string
		file string
		data string
		want []string // "path code", in this order
	}{
		{"yaml_validate_problem_at_its_line", "plans/p.yaml", strings.Replace(lpPlan, "    weight: 40", "    weight: -40", 1),
			[]string{"plans/p.yaml:3:1: kpis invalid", "plans/p.yaml:12:5: kpis[1].weight out_of_range"}},
		{"R6.1_weights_not_summing_to_100_at_the_kpis_line", "p.yaml", strings.Replace(lpPlan, "    weight: 40", "    weight: 35", 1),
			[]string{"p.yaml:3:1: kpis invalid"}},
		{"yaml_validate_problem_in_a_flow_mapping", "p.yaml", strings.Replace(lpPlan, "target: 95", "target: 60", 1),
			[]string{"p.yaml:7:80: kpis[0].sources[0].curve.target invalid"}},
		{"yaml_unknown_field_at_line_and_column", "p.yaml", strings.Replace(lpPlan, "        weight: 1\n", "        weight: 1\n        wieght: 2\n", 1),
			[]string{"p.yaml:10:9: kpis[0].sources[1].wieght unknown_value"}},
		{"yaml_unknown_top_field", "p.yaml", lpPlan + "bonuses: {}\n", []string{"p.yaml:20:1: bonuses unknown_value"}},
		{"yaml_wrong_type_hides_what_follows", "p.yaml", strings.Replace(lpPlan, "    weight: 40", "    weight: forty", 1),
			[]string{"p.yaml:12:13: kpis[1].weight invalid_format"}},
		{"yaml_wrong_type_list_for_text", "p.yaml", strings.Replace(lpPlan, "code: team", "code: [team]", 1),
			[]string{"p.yaml:11:11: kpis[1].code invalid_format"}},
		{"yaml_wrong_type_text_for_list", "p.yaml", strings.Replace(lpPlan, "      - {source: peer, weight: 1, scale: {min: 1, max: 5}}\n", "      peer\n", 1),
			[]string{"p.yaml:14:7: kpis[1].sources invalid_format"}},
		{"yaml_wrong_type_for_int", "p.yaml", lpPlan + "min_peers: 2.5\nplaces: 99999999999\n",
			[]string{"p.yaml:20:12: min_peers invalid_format", "p.yaml:21:9: places out_of_range"}},
		{"yaml_yes_is_not_a_bool", "p.yaml", strings.Replace(lpPlan, "pass: true", "pass: yes", 1),
			[]string{"p.yaml:16:33: grades[0].pass invalid_format"}},
		{"yaml_text_for_decimal_in_by_grade", "p.yaml", strings.Replace(lpPlan, "{pass: 1, fail: 0}", "{pass: 100%, fail: 0}", 1),
			[]string{"p.yaml:19:20: bonus.by_grade.pass invalid_format"}},
		{"yaml_by_grade_unknown_grade_at_its_key", "p.yaml", strings.Replace(lpPlan, "{pass: 1, fail: 0}", "{pass: 1, fail: 0, great: 2}", 1),
			[]string{"p.yaml:19:32: bonus.by_grade.great unknown_value"}},
		{"yaml_by_grade_grade_left_out", "p.yaml", strings.Replace(lpPlan, "{pass: 1, fail: 0}", "{pass: 1}", 1),
			[]string{"p.yaml:19:3: bonus.by_grade required"}},
		{"yaml_by_grade_duplicate_key", "p.yaml", strings.Replace(lpPlan, "{pass: 1, fail: 0}", "{pass: 1, fail: 0, pass: 2}", 1),
			[]string{"p.yaml:19:32: bonus.by_grade.pass duplicate"}},
		{"yaml_by_grade_key_not_text", "p.yaml", strings.Replace(lpPlan, "{pass: 1, fail: 0}", "{pass: 1, fail: 0, ~: 2}", 1),
			[]string{"p.yaml:19:32: bonus.by_grade invalid_format"}},
		{"yaml_by_grade_a_list", "p.yaml", strings.Replace(lpPlan, "{pass: 1, fail: 0}", "[1, 0]", 1),
			[]string{"p.yaml:19:13: bonus.by_grade invalid_format"}},
		{"yaml_decimal_too_fine", "p.yaml", strings.Replace(lpPlan, "target: 95", "target: 1e-40", 1),
			[]string{"p.yaml:7:88: kpis[0].sources[0].curve.target out_of_range"}},
		{"yaml_decimal_too_large", "p.yaml", strings.Replace(lpPlan, "target: 95", "target: 1e40", 1),
			[]string{"p.yaml:7:88: kpis[0].sources[0].curve.target out_of_range"}},
		{"yaml_infinity_is_not_a_decimal", "p.yaml", strings.Replace(lpPlan, "target: 95", "target: .inf", 1),
			[]string{"p.yaml:7:88: kpis[0].sources[0].curve.target invalid_format"}},
		{"yaml_duplicate_key", "p.yaml", lpPlan + "version: \"2\"\n", []string{"p.yaml:20:1: version duplicate"}},
		{"yaml_syntax_error_with_line", "p.yaml", strings.Replace(lpPlan, "  - {code: fail, min: 0}", "  - {code: fail, min: 0", 1),
			[]string{"p.yaml:17 invalid_format"}},
		{"yaml_scanner_error_line", "p.yaml", strings.Replace(lpPlan, "missing: renormalize", "missing: @renormalize", 1),
			[]string{"p.yaml:2 invalid_format"}},
		{"yaml_unknown_anchor", "p.yaml", lpPlan + "grades2: *g\n", []string{"p.yaml:20:10 invalid_format"}},
		{"yaml_empty", "p.yaml", "", []string{"p.yaml required"}},
		{"yaml_null_document", "p.yaml", "~\n", []string{"p.yaml:1:1 required"}},
		{"yaml_second_document", "p.yaml", lpPlan + "---\nversion: 2\n", []string{"p.yaml:20:1 invalid"}},
		{"yaml_root_is_a_list", "p.yaml", "- version: 1\n", []string{"p.yaml:1:1 invalid_format"}},
		{"yaml_missing_fields_at_their_parent", "p.yaml", strings.Replace(strings.Replace(lpPlan, "missing: renormalize\n", "", 1),
			"        scale: {min: 1, max: 5}\n", "", 1),
			[]string{"p.yaml:1:1: missing required", "p.yaml:7:9: kpis[0].sources[1].scale required"}},
		{"yaml_every_problem_at_once_in_file_order", "plans/taipei.yaml", `version: ""
missing: skip
kpis:
  - code: sat isfaction
    weight: 60
    sources:
      - {source: measured, weight: 1, metric: satisfaction, curve: {floor: 60, target: 95}, scale: {min: 1, max: 5}}
      - source: customers
        weight: 1
        colour: red
  - code: team
    weight: 35
    sources:
      - {source: peer, weight: 0, scale: {min: 5, max: 1}}
      - {source: peer, weight: 1, scale: {min: 1, max: 5}}
grades:
  - {code: pass, min: 60, pass: true}
  - {code: fail, min: 0, pass: "false"}
bonus:
  by_grade: {pass: 1, fail: 0}
  linear: {from: {score: 60, share: 0}, to: {score: 100, share: 1}}
  cap: -1
`, []string{
			"plans/taipei.yaml:1:1: version required",
			"plans/taipei.yaml:2:1: missing unknown_value",
			"plans/taipei.yaml:3:1: kpis invalid",
			"plans/taipei.yaml:4:5: kpis[0].code invalid_format",
			"plans/taipei.yaml:7:93: kpis[0].sources[0].scale invalid",
			"plans/taipei.yaml:8:9: kpis[0].sources[1].source unknown_value",
			"plans/taipei.yaml:10:9: kpis[0].sources[1].colour unknown_value",
			"plans/taipei.yaml:14:24: kpis[1].sources[0].weight out_of_range",
			"plans/taipei.yaml:14:51: kpis[1].sources[0].scale.max out_of_range",
			"plans/taipei.yaml:15:10: kpis[1].sources[1].source duplicate",
			"plans/taipei.yaml:18:32: grades[1].pass invalid_format",
			"plans/taipei.yaml:19:1: bonus invalid",
			"plans/taipei.yaml:22:3: bonus.cap out_of_range",
		}},

		{"json_validate_problem_at_its_line", "p.json", strings.Replace(lpJSON, `"min": 60`, `"min": 160`, 1),
			[]string{"p.json:11:31: grades[0].min out_of_range"}},
		{"R6.1_json_weights_not_summing_to_100", "p.json", strings.Replace(lpJSON, `"weight": 40`, `"weight": 45`, 1),
			[]string{"p.json:4:3: kpis invalid"}},
		{"json_unknown_field_at_line_and_column", "p.json", strings.Replace(lpJSON, `"code": "team",`, `"code": "team", "label": "x",`, 1),
			[]string{"p.json:9:22: kpis[1].label unknown_value"}},
		{"json_syntax_error_at_line_and_column", "p.json", strings.Replace(lpJSON, `"missing": "renormalize"`, `"missing" "renormalize"`, 1),
			[]string{"p.json:3:13 invalid_format"}},
		{"json_number_for_text", "p.json", strings.Replace(lpJSON, `"version": "1"`, `"version": 1`, 1),
			[]string{"p.json:2:14: version invalid_format"}},
		{"json_string_for_bool", "p.json", strings.Replace(lpJSON, `"pass": true`, `"pass": "true"`, 1),
			[]string{"p.json:11:50: grades[0].pass invalid_format"}},
		{"json_by_grade_string_share_is_fine_but_not_a_list", "p.json", strings.Replace(lpJSON, `{"pass": 1, "fail": 0}`, `{"pass": "1", "fail": [0]}`, 1),
			[]string{"p.json:12:47: bonus.by_grade.fail invalid_format"}},
		{"json_duplicate_key", "p.json", strings.Replace(lpJSON, `"version": "1",`, `"version": "1", "version": "2",`, 1),
			[]string{"p.json:2:19: version duplicate"}},
		{"json_empty", "p.json", " \n", []string{"p.json required"}},
		{"json_null", "p.json", "null", []string{"p.json:1:1 required"}},
		{"json_cut_short", "p.json", lpJSON[:30], []string{"p.json:3:11 invalid_format"}},
		{"json_yaml_is_not_json", "p.json", lpPlan, []string{"p.json:1:1 invalid_format"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := appraisal.LoadPlan(c.file, []byte(c.data))
			assert.Nil(t, p)
			got := pvFields(t, err, "appraisal: load plan")
			assert.Equal(t, c.want, got)
			for _, path := range got {
				assert.True(t, strings.HasPrefix(path, c.file+":") || strings.HasPrefix(path, c.file+" "), "%s does not name the file", path)
			}
		})
	}
}

// The issue: "weights must sum to 100 and the loader says which do not".
func TestLoadPlan_R6_1_weightsMessageListsEachWeight(t *testing.T) {
	_, err := appraisal.LoadPlan("p.yaml", []byte(strings.Replace(lpPlan, "    weight: 40", "    weight: 35", 1)))
	f, ok := org.FieldErrorOf(err, "p.yaml:3:1: kpis")
	require.True(t, ok, err)
	assert.Equal(t, org.CodeInvalid, f.Code)
	assert.Equal(t, "the KPI weights must sum to 100, not 95: sat 60 + team 35 = 95", f.Message)
	assert.Contains(t, err.Error(), "appraisal: load plan: invalid input: p.yaml:3:1: kpis: the KPI weights must sum to 100")
}

func TestLoadPlan_messages(t *testing.T) {
	_, err := appraisal.LoadPlan("p.yaml", []byte(strings.Replace(lpPlan, "code: team", "kode: team", 1)))
	f, ok := org.FieldErrorOf(err, "p.yaml:11:5: kpis[1].kode")
	require.True(t, ok, err)
	assert.Equal(t, "unknown field; the fields here are code, name, weight, sources", f.Message)

	_, err = appraisal.LoadPlan("p.yaml", []byte(strings.Replace(lpPlan, "    weight: 40", "    weight: [40]", 1)))
	f, ok = org.FieldErrorOf(err, "p.yaml:12:13: kpis[1].weight")
	require.True(t, ok, err)
	assert.Equal(t, "must be a decimal number, not a list", f.Message)

	_, err = appraisal.LoadPlan("p.yaml", []byte(strings.Replace(lpPlan, "  - {code: fail, min: 0}", "  - {code: fail, min: 0", 1)))
	f, ok = org.FieldErrorOf(err, "p.yaml:17")
	require.True(t, ok, err)
	assert.True(t, strings.HasPrefix(f.Message, "yaml: "), f.Message)
}

// Decimals are read from their text, as numbers or strings, never through
// a float: 12345678901234567.89 keeps its digits and 0.950 its places.
func TestLoadPlan_decimalsExact(t *testing.T) {
	for _, c := range []struct{ name, file, text, want string }{
		{"yaml_number_above_2^53", "p.yaml", "12345678901234567.89", "12345678901234567.89"},
		{"yaml_string_above_2^53", "p.yaml", `"12345678901234567.89"`, "12345678901234567.89"},
		{"yaml_single_quoted", "p.yaml", `'0.1'`, "0.1"},
		{"yaml_trailing_zero", "p.yaml", "0.950", "0.950"},
		{"yaml_exponent", "p.yaml", "1.25e3", "1250"},
		{"yaml_32_places", "p.yaml", "0.00000000000000000000000000000001", "0.00000000000000000000000000000001"},
		{"json_number_above_2^53", "p.json", "12345678901234567.89", "12345678901234567.89"},
		{"json_string", "p.json", `"12345678901234567.89"`, "12345678901234567.89"},
		{"json_trailing_zero", "p.json", "0.950", "0.950"},
		{"json_exponent", "p.json", "1.25E+3", "1250"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := strings.Replace(lpPlan, "target: 95", "target: "+c.text, 1)
			if c.file == "p.json" {
				data = strings.Replace(lpJSON, `"target": 95`, `"target": `+c.text, 1)
			}
			p, err := appraisal.LoadPlan(c.file, []byte(data))
			require.NoError(t, err)
			got, want := p.KPIs[0].Sources[0].Curve.Target, pvDec(c.want)
			assert.True(t, got.Equal(want), "got %s, want %s", got, want)
			assert.Equal(t, c.want, got.StringFixed(max(-want.Exponent(), 0)), "digits and places as written")
		})
	}
	// A weight of 59.99 and one of 40.01 sum to exactly 100.
	p, err := appraisal.LoadPlan("p.yaml", []byte(strings.Replace(strings.Replace(lpPlan, "weight: 60", "weight: 59.99", 1), "weight: 40", "weight: 40.01", 1)))
	require.NoError(t, err)
	assert.Equal(t, "100", p.KPIs[0].Weight.Add(p.KPIs[1].Weight).String())
}

// A small document whose aliases expand to far more than its size stops
// with one problem instead of growing without end.
func TestLoadPlan_aliasBomb(t *testing.T) {
	data := "version: \"1\"\nkpis: [&k {code: a, weight: 1, sources: [&s {source: peer, weight: 1, scale: {min: 1, max: 5}}, " +
		strings.Repeat("*s, ", 300) + "]}, " + strings.Repeat("*k, ", 300) + "]\n"
	_, err := appraisal.LoadPlan("bomb.yaml", []byte(data))
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1, err)
	assert.True(t, strings.HasPrefix(ve.Fields[0].Where(), "bomb.yaml:2:"), ve.Fields[0].Where())
	assert.Equal(t, org.CodeInvalid, ve.Fields[0].Code)
	assert.Contains(t, ve.Fields[0].Message, "too much aliasing")
}

// A file with hundreds of problems lists the first 200 and counts the rest:
// here 250 unknown fields of 251 grades, which are also more than
// MaxPlanGrades.
func TestLoadPlan_manyProblems(t *testing.T) {
	data := strings.Replace(lpPlan, "  - {code: fail, min: 0}\n", strings.Repeat("  - {code: fail, min: 0, colour: red}\n", 250), 1)
	_, err := appraisal.LoadPlan("many.yaml", []byte(data))
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 201)
	assert.Equal(t, "many.yaml:15:1: grades", ve.Fields[0].Where())
	assert.Equal(t, org.CodeTooLong, ve.Fields[0].Code)
	assert.Equal(t, "many.yaml:17:26: grades[1].colour", ve.Fields[1].Where())
	assert.Equal(t, org.FieldError{File: "many.yaml", Code: org.CodeInvalid, Message: "51 more problems not listed"}, ve.Fields[200])
}

func TestLoadPlanFile(t *testing.T) {
	_, err := appraisal.LoadPlanFile(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.NotErrorIs(t, err, org.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), "appraisal: load plan: "), err.Error())

	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(lpPlan, "    weight: 40", "    weight: -40", 1)), 0o600))
	_, err = appraisal.LoadPlanFile(path)
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, path+":3:1: kpis", ve.Fields[0].Where())
	assert.Equal(t, path+":12:5: kpis[1].weight", ve.Fields[1].Where())
}
