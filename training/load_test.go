package training_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// loadFields lists the fields of a load error as "path code", in order,
// and checks what every load error keeps: it is a *org.ValidationError
// with the loader's Op, matches ErrInvalid, and each field has a message.
func loadFields(t *testing.T, err error, op string) []string {
	t.Helper()
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, training.ErrInvalid)
	assert.Equal(t, op, ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code
		assert.NotEmpty(t, f.Message, "message of %s", f.Where())
	}
	return out
}

var loadDecimal = reflect.TypeFor[decimal.Decimal]()

// loadDiff compares two values field by field, decimals with Equal (1.5
// and 1.50 are alike), nil and empty lists alike (JSON leaves both out),
// and lists the differences.
func loadDiff(want, got any) []string {
	var out []string
	var walk func(w, g reflect.Value, path string)
	walk = func(w, g reflect.Value, path string) {
		switch {
		case w.Type() == loadDecimal:
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
	walk(reflect.ValueOf(want), reflect.ValueOf(got), "plan")
	return out
}

// shippedPlan is testdata/plan.yaml and testdata/plan.json written in Go.
func shippedPlan() training.PlanFile {
	exam := training.Assessment{Kind: training.KindExam, PassMark: dec("70"), Excellent: dec("90"), MaxAttempts: 2, RetakeWindowDays: 14, Counts: training.CountHighest}
	rules, warranty := exam, exam
	rules.PassMark, rules.Excellent, rules.MaxAttempts, rules.RetakeWindowDays = dec("80"), dec("100"), 3, 7
	warranty.PassMark, warranty.Excellent = dec("60.5"), dec("92.5")
	return training.PlanFile{Year: 2027, Courses: []training.Course{
		{ID: "hv-safety", Title: "High-voltage safety for hybrid and EV service 高壓電安全", Category: training.CategoryProfessional,
			Method: training.MethodInternal, Instructor: "Master Lo (senior technician)", Month: time.February, Hours: dec("6"),
			Target: training.Target{AllAdvisors: true, Role: org.RoleTechnician}, Mandatory: true, Assessment: exam,
			Certificate: &training.Certificate{Name: "HV Safety Level 1", ValidDays: 730}},
		{ID: "fault-diagnosis", Title: "Fault diagnosis from the customer's complaint", Category: training.CategoryProfessional,
			Method: training.MethodExternal, Provider: "Nankang Automotive Training Centre", Month: time.April, Hours: dec("12.50"),
			Target: training.Target{AllAdvisors: true}, Mandatory: true,
			Assessment: training.Assessment{Kind: training.KindPractical, PassMark: dec("75"), Excellent: dec("95"), MaxAttempts: 3, RetakeWindowDays: 21, Counts: training.CountLast}},
		{ID: "reception", Title: "Reception and the vehicle walk-around", Category: training.CategoryService,
			Method: training.MethodInternal, Instructor: "Lin (service supervisor)", Month: time.March, Hours: dec("3"),
			Target: training.Target{AllAdvisors: true}, SelfEnrol: true,
			Assessment: training.Assessment{Kind: training.KindCase, PassMark: dec("60"), Excellent: dec("85"), MaxAttempts: 2, RetakeWindowDays: 10, Counts: training.CountAverage}},
		{ID: "unhappy-customer", Title: "Calming an unhappy customer (R4.1)", Category: training.CategoryService,
			Method: training.MethodOnline, Month: time.May, Hours: dec("1.5"), Target: training.Target{AllAdvisors: true}, SelfEnrol: true,
			Assessment: training.Assessment{Kind: training.KindCase, PassMark: dec("65"), Excellent: dec("90"), MaxAttempts: 1, RetakeWindowDays: 7, Counts: training.CountFirst}},
		{ID: "company-rules", Title: "Company rules, conduct and culture", Category: training.CategoryRules,
			Method: training.MethodOnline, Month: time.January, Hours: dec("2"), Target: training.Target{AllAdvisors: true, Role: org.RoleTechnician},
			Mandatory: true, Assessment: rules},
		{ID: "warranty-settlement", Title: "Warranty claims and settlement policy", Category: training.CategoryRules,
			Method: training.MethodExternal, Provider: "Taiwan Dealers Association", Month: time.September, Hours: dec("4"),
			Target: training.Target{Employees: []org.EmployeeID{"chen", "wang"}}, Assessment: warranty,
			Certificate: &training.Certificate{Name: "Warranty Desk"}},
	}}
}

// The shipped plan, YAML or JSON, is shippedPlan field by field, and it
// covers every category (R5.2), method (R5.3) and assessment kind (R5.4).
func TestLoadPlan_R5_1_shippedPlan(t *testing.T) {
	for _, file := range []string{"plan.yaml", "plan.json"} {
		t.Run(file, func(t *testing.T) {
			p, err := training.LoadPlanFile(filepath.Join("testdata", file))
			require.NoError(t, err)
			require.NoError(t, p.Validate())
			assert.Empty(t, loadDiff(shippedPlan(), *p))
			cats, methods, kinds := map[training.Category]bool{}, map[training.Method]bool{}, map[training.AssessmentKind]bool{}
			for _, c := range p.Courses {
				cats[c.Category], methods[c.Method], kinds[c.Assessment.Kind] = true, true, true
			}
			assert.Len(t, cats, 3, "R5.2: every content category")
			assert.Len(t, methods, 3, "R5.3: every method")
			assert.Len(t, kinds, 3, "R5.4: every assessment kind")
		})
	}
	// And the comparison sees a difference.
	p, err := training.LoadPlanFile("testdata/plan.yaml")
	require.NoError(t, err)
	p.Courses[1].Hours = dec("12.51")
	p.Courses[5].Certificate = nil
	assert.Equal(t, []string{"plan.Courses[1].Hours: want 12.5, got 12.51", "plan.Courses[5].Certificate: want nil false, got nil true"},
		loadDiff(shippedPlan(), *p))
}

// The YAML file (with anchors and merge keys) and the JSON file are the
// same plan, decimal places included.
func TestLoadPlan_bothFormatsEqual(t *testing.T) {
	y, err := training.LoadPlanFile("testdata/plan.yaml")
	require.NoError(t, err)
	j, err := training.LoadPlanFile("testdata/plan.json")
	require.NoError(t, err)
	assert.Empty(t, loadDiff(*y, *j))
	// Written as JSON, the two are the same bytes: 12.50 hours keep their
	// two places in both.
	yb, err := json.Marshal(y)
	require.NoError(t, err)
	jb, err := json.Marshal(j)
	require.NoError(t, err)
	assert.JSONEq(t, string(yb), string(jb))
	assert.EqualValues(t, -2, y.Courses[1].Hours.Exponent())
	assert.EqualValues(t, -2, j.Courses[1].Hours.Exponent())
}

// Every shipped plan written as JSON loads again as itself.
func TestLoadPlan_jsonRoundTrip(t *testing.T) {
	for _, file := range []string{"plan.yaml", "plan.json"} {
		t.Run(file, func(t *testing.T) {
			p, err := training.LoadPlanFile(filepath.Join("testdata", file))
			require.NoError(t, err)
			data, err := json.Marshal(p)
			require.NoError(t, err)
			again, err := training.LoadPlan("again.json", data)
			require.NoError(t, err)
			assert.Empty(t, loadDiff(*p, *again))
		})
	}
}

// The file's plan is what SavePlan takes: it is saved and approved as
// written (R5.1), and Input gives SavePlan its own copy of the courses.
func TestLoadPlan_R5_1_inputSaves(t *testing.T) {
	f := newFixture(t)
	file, err := training.LoadPlanFile("testdata/plan.yaml")
	require.NoError(t, err)
	in := file.Input("")
	in.Courses[0].Target.Employees = append(in.Courses[0].Target.Employees, "x")
	in.Courses[0].Certificate.Name = "changed"
	assert.Empty(t, loadDiff(shippedPlan(), *file), "Input copies the courses")

	p, err := f.svc.SavePlan(f.ctx, "d1", lin, file.Input(""))
	require.NoError(t, err)
	assert.Equal(t, 2027, p.Year)
	assert.Empty(t, loadDiff(file.Courses, p.Courses))
	_, err = f.svc.ApprovePlan(f.ctx, "d1", host, 2027)
	require.NoError(t, err)

	t.Run("R5.1_a_change_to_an_approved_plan_states_its_reason", func(t *testing.T) {
		_, err := f.svc.SavePlan(f.ctx, "d1", lin, file.Input(""))
		_, ok := org.FieldErrorOf(err, "reason")
		require.True(t, ok, "%v", err)
		in := file.Input("add the warranty refresher")
		assert.Equal(t, "add the warranty refresher", in.Reason)
		p, err := f.svc.SavePlan(f.ctx, "d1", lin, in)
		require.NoError(t, err)
		assert.Equal(t, training.PlanApproved, p.State)
		assert.Equal(t, 2, p.Revision)
	})
}

// Validate says what SavePlan says, path for path: the file is checked by
// the rules of the command, not a copy of them.
func TestPlanFile_ValidateIsSavePlansCheck(t *testing.T) {
	cs := courses()
	cs[0].Category, cs[0].Instructor, cs[0].Hours = "cooking", "", dec("0")
	cs[1].Assessment.Excellent = dec("74.99")
	cs[2].ID = "diag"
	file := training.PlanFile{Year: 1999, Courses: cs}
	want := loadFields(t, file.Validate(), "training: plan")
	assert.Equal(t, []string{
		"year out_of_range",
		"courses[0].category unknown_value",
		"courses[0].hours out_of_range",
		"courses[0].instructor required",
		"courses[1].assessment.excellent out_of_range",
		"courses[2].id duplicate",
	}, want)
	f := newFixture(t)
	_, err := f.svc.SavePlan(f.ctx, "d1", lin, file.Input(""))
	assert.Equal(t, want, loadFields(t, err, "training: save plan"))

	var none *training.PlanFile
	assert.Equal(t, []string{" required"}, loadFields(t, none.Validate(), "training: plan"))
	assert.NoError(t, (&training.PlanFile{Year: 2027, Courses: courses()}).Validate())
}

func TestLoadPlanFile_unreadable(t *testing.T) {
	p, err := training.LoadPlanFile("testdata/no-such-plan.yaml")
	assert.Nil(t, p)
	require.ErrorIs(t, err, fs.ErrNotExist)
	assert.NotErrorIs(t, err, training.ErrInvalid)
	assert.True(t, strings.HasPrefix(err.Error(), "training: load plan: "), err.Error())
}

// lpYAML is a valid YAML plan; cases edit it line by line.
const lpYAML = `year: 2027
courses:
  - id: diag
    title: Fault diagnosis
    category: professional_knowledge
    method: internal
    instructor: Master Lo
    month: 2
    hours: 4
    target: {all_advisors: true}
    mandatory: true
    assessment: {kind: exam, pass_mark: 60, excellent: 90, max_attempts: 2, retake_window_days: 14, counts: highest}
  - id: talk
    title: Reception skills
    category: service_skills
    method: online
    month: 3
    hours: 2
    target: {role: advisor}
    assessment:
      kind: practical
      pass_mark: 75
      excellent: 100
      max_attempts: 1
      retake_window_days: 7
      counts: last
`

// lpJSON is the same plan as JSON.
const lpJSON = `{
  "year": 2027,
  "courses": [
    {"id": "diag", "title": "Fault diagnosis", "category": "professional_knowledge", "method": "internal",
     "instructor": "Master Lo", "month": 2, "hours": 4, "target": {"all_advisors": true}, "mandatory": true,
     "assessment": {"kind": "exam", "pass_mark": 60, "excellent": 90, "max_attempts": 2, "retake_window_days": 14, "counts": "highest"}},
    {"id": "talk", "title": "Reception skills", "category": "service_skills", "method": "online",
     "month": 3, "hours": 2, "target": {"role": "advisor"},
     "assessment": {"kind": "practical", "pass_mark": 75, "excellent": 100, "max_attempts": 1, "retake_window_days": 7, "counts": "last"}}
  ]
}
`

func TestLoadPlan_goodNames(t *testing.T) {
	for name, data := range map[string]string{"p.yaml": lpYAML, "p.yml": lpYAML, "p.json": lpJSON, "p.JSON": lpJSON, "p.txt": lpJSON} {
		p, err := training.LoadPlan(name, []byte(data))
		require.NoError(t, err, name)
		assert.Equal(t, 2027, p.Year, name)
		require.Len(t, p.Courses, 2, name)
		assert.Equal(t, org.Role("advisor"), p.Courses[1].Target.Role, name)
	}
	y, err := training.LoadPlan("p.yaml", []byte(lpYAML))
	require.NoError(t, err)
	j, err := training.LoadPlan("p.json", []byte(lpJSON))
	require.NoError(t, err)
	assert.Empty(t, loadDiff(*y, *j))
}

func lpEdit(old, new string) string { return lpEditIn(lpYAML, old, new) }

func lpEditIn(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("lpEdit: no " + old)
	}
	return strings.Replace(s, old, new, 1)
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

func TestLoadPlan_problems(t *testing.T) {
	cases := []struct {
		name string
		file string
		data string
		want []string // "path code", in this order
	}{
		// The rules of the plan (Validate), each at its field's line and
		// column, or its nearest parent's when the field is not written.
		{"R5.1_year_out_of_range", "p.yaml", lpEdit("year: 2027", "year: 1999"), []string{"p.yaml:1:1: year out_of_range"}},
		{"R5.1_year_missing_at_the_document", "p.yaml", lpEdit("year: 2027\n", ""), []string{"p.yaml:1:1: year out_of_range"}},
		{"R5.1_no_courses", "p.yaml", "year: 2027\ncourses: []\n", []string{"p.yaml:2:1: courses too_short"}},
		{"R5.1_courses_missing", "p.yaml", "year: 2027\n", []string{"p.yaml:1:1: courses too_short"}},
		{"R5.1_course_id_is_an_identifier", "p.yaml", lpEdit("id: diag", "id: fault diag"), []string{"p.yaml:3:5: courses[0].id invalid_format"}},
		{"R5.1_course_ids_unique", "p.yaml", lpEdit("id: talk", "id: diag"), []string{"p.yaml:13:5: courses[1].id duplicate"}},
		{"R5.1_title_not_blank", "p.yaml", lpEdit("title: Reception skills", `title: "  "`), []string{"p.yaml:14:5: courses[1].title required"}},
		{"R5.1_month_1_to_12", "p.yaml", lpEdit("month: 2", "month: 13"), []string{"p.yaml:8:5: courses[0].month out_of_range"}},
		{"R5.1_month_missing_at_its_course", "p.yaml", lpEdit("    month: 3\n", ""), []string{"p.yaml:13:5: courses[1].month out_of_range"}},
		{"R5.1_hours_above_zero", "p.yaml", lpEdit("hours: 4", "hours: 0"), []string{"p.yaml:9:5: courses[0].hours out_of_range"}},
		{"R5.1_hours_not_negative", "p.yaml", lpEdit("hours: 4", "hours: -1.5"), []string{"p.yaml:9:5: courses[0].hours out_of_range"}},
		{"R5.1_hours_at_most_1000", "p.yaml", lpEdit("hours: 4", "hours: 1000.01"), []string{"p.yaml:9:5: courses[0].hours out_of_range"}},
		{"R5.1_a_course_has_a_target", "p.yaml", lpEdit("target: {role: advisor}", "target: {}"), []string{"p.yaml:19:5: courses[1].target required"}},
		{"R5.1_target_employee_not_empty", "p.yaml", lpEdit("target: {role: advisor}", `target: {employees: [chen, ""]}`), []string{"p.yaml:19:32: courses[1].target.employees[1] required"}},
		{"R5.2_unknown_content", "p.yaml", lpEdit("category: service_skills", "category: cooking"), []string{"p.yaml:15:5: courses[1].category unknown_value"}},
		{"R5.3_unknown_method", "p.yaml", lpEdit("method: online", "method: osmosis"), []string{"p.yaml:16:5: courses[1].method unknown_value"}},
		{"R5.3_internal_names_its_instructor_at_the_course", "p.yaml", lpEdit("    instructor: Master Lo\n", ""), []string{"p.yaml:3:5: courses[0].instructor required"}},
		{"R5.3_external_names_its_provider", "p.yaml", lpEdit("method: online", "method: external"), []string{"p.yaml:13:5: courses[1].provider required"}},
		{"R5.4_unknown_kind", "p.yaml", lpEdit("kind: practical", "kind: quiz"), []string{"p.yaml:21:7: courses[1].assessment.kind unknown_value"}},
		{"R5.4_pass_mark_above_zero_in_a_flow_mapping", "p.yaml", lpEdit("pass_mark: 60", "pass_mark: 0"), []string{"p.yaml:12:30: courses[0].assessment.pass_mark out_of_range"}},
		{"R5.4_pass_mark_at_most_100", "p.yaml", lpEdit("pass_mark: 75", "pass_mark: 100.5"),
			[]string{"p.yaml:22:7: courses[1].assessment.pass_mark out_of_range", "p.yaml:23:7: courses[1].assessment.excellent out_of_range"}},
		{"R5.4_excellent_not_below_the_pass_mark", "p.yaml", lpEdit("excellent: 90", "excellent: 59.99"), []string{"p.yaml:12:45: courses[0].assessment.excellent out_of_range"}},
		{"R5.4_excellent_at_most_100", "p.yaml", lpEdit("excellent: 100", "excellent: 100.01"), []string{"p.yaml:23:7: courses[1].assessment.excellent out_of_range"}},
		{"R5.4_at_least_one_attempt", "p.yaml", lpEdit("max_attempts: 1", "max_attempts: 0"), []string{"p.yaml:24:7: courses[1].assessment.max_attempts out_of_range"}},
		{"R5.4_at_most_ten_attempts", "p.yaml", lpEdit("max_attempts: 1", "max_attempts: 11"), []string{"p.yaml:24:7: courses[1].assessment.max_attempts out_of_range"}},
		{"R5.4_retake_window_at_least_a_day", "p.yaml", lpEdit("retake_window_days: 7", "retake_window_days: 0"), []string{"p.yaml:25:7: courses[1].assessment.retake_window_days out_of_range"}},
		{"R5.4_unknown_counting", "p.yaml", lpEdit("counts: last", "counts: best_of_three"), []string{"p.yaml:26:7: courses[1].assessment.counts unknown_value"}},
		{"R5.4_assessment_missing_names_each_field_at_the_course", "p.yaml", lpEdit(lpYAML[strings.Index(lpYAML, "    assessment:\n"):], ""), []string{
			"p.yaml:13:5: courses[1].assessment.kind unknown_value",
			"p.yaml:13:5: courses[1].assessment.max_attempts out_of_range",
			"p.yaml:13:5: courses[1].assessment.retake_window_days out_of_range",
			"p.yaml:13:5: courses[1].assessment.counts unknown_value",
			"p.yaml:13:5: courses[1].assessment.pass_mark out_of_range",
		}},
		{"R5.5_certificate_named", "p.yaml", lpEdit("    mandatory: true\n", "    mandatory: true\n    certificate: {name: '', valid_days: -1}\n"),
			[]string{"p.yaml:12:19: courses[0].certificate.name required", "p.yaml:12:29: courses[0].certificate.valid_days out_of_range"}},

		// What the file says, before the rules: unknown fields, wrong
		// types, repeated keys. A wrong type leaves its field zero and
		// hides what the rules would say about it.
		{"yaml_unknown_field_at_line_and_column", "p.yaml", lpEdit("    mandatory: true\n", "    mandatory: true\n    self_enroll: true\n"), []string{"p.yaml:12:5: courses[0].self_enroll unknown_value"}},
		{"yaml_unknown_field_in_a_flow_mapping", "p.yaml", lpEdit("counts: highest}", "counts: highest, retakes: 1}"), []string{"p.yaml:12:118: courses[0].assessment.retakes unknown_value"}},
		{"yaml_unknown_top_field", "p.yaml", lpYAML + "reason: yearly plan\n", []string{"p.yaml:27:1: reason unknown_value"}},
		{"yaml_text_for_decimal_hides_its_range", "p.yaml", lpEdit("hours: 4", "hours: four"), []string{"p.yaml:9:12: courses[0].hours invalid_format"}},
		{"yaml_text_for_month", "p.yaml", lpEdit("month: 2", "month: February"), []string{"p.yaml:8:12: courses[0].month invalid_format"}},
		{"yaml_yes_is_not_a_bool", "p.yaml", lpEdit("mandatory: true", "mandatory: yes"), []string{"p.yaml:11:16: courses[0].mandatory invalid_format"}},
		{"yaml_fraction_for_whole_number", "p.yaml", lpEdit("max_attempts: 1", "max_attempts: 1.5"), []string{"p.yaml:24:21: courses[1].assessment.max_attempts invalid_format"}},
		{"yaml_whole_number_too_large", "p.yaml", lpEdit("year: 2027", "year: 99999999999999999999"), []string{"p.yaml:1:7: year invalid_format"}},
		{"yaml_list_for_decimal", "p.yaml", lpEdit("pass_mark: 75", "pass_mark: [75]"), []string{"p.yaml:22:18: courses[1].assessment.pass_mark invalid_format"}},
		{"yaml_text_for_mapping", "p.yaml", lpEdit("target: {role: advisor}", "target: advisors"), []string{"p.yaml:19:13: courses[1].target invalid_format"}},
		{"yaml_mapping_for_list", "p.yaml", "year: 2027\ncourses: {id: diag}\n", []string{"p.yaml:2:10: courses invalid_format"}},
		{"yaml_list_for_text", "p.yaml", lpEdit("id: talk", "id: [talk]"), []string{"p.yaml:13:9: courses[1].id invalid_format"}},
		{"yaml_duplicate_key", "p.yaml", lpEdit("    month: 3\n", "    month: 3\n    month: 4\n"), []string{"p.yaml:18:5: courses[1].month duplicate"}},
		{"yaml_decimal_too_fine", "p.yaml", lpEdit("hours: 4", "hours: 1e-40"), []string{"p.yaml:9:12: courses[0].hours out_of_range"}},
		{"yaml_infinity_is_not_a_decimal", "p.yaml", lpEdit("hours: 4", "hours: .inf"), []string{"p.yaml:9:12: courses[0].hours invalid_format"}},
		{"yaml_syntax_error_with_line", "p.yaml", lpEdit("target: {role: advisor}", "target: {role: advisor"), []string{"p.yaml:19 invalid_format"}},
		{"yaml_empty", "p.yaml", "", []string{"p.yaml required"}},
		{"yaml_null_document", "p.yaml", "~\n", []string{"p.yaml:1:1 required"}},
		{"yaml_second_document", "p.yaml", lpYAML + "---\nyear: 2028\n", []string{"p.yaml:27:1 invalid"}},
		{"yaml_root_is_a_list", "p.yaml", "- year: 2027\n", []string{"p.yaml:1:1 invalid_format"}},

		{"json_rule_at_its_line", "p.json", lpEditIn(lpJSON, `"pass_mark": 75`, `"pass_mark": 0`), []string{"p.json:9:42: courses[1].assessment.pass_mark out_of_range"}},
		{"json_unknown_field", "p.json", lpEditIn(lpJSON, `"month": 3,`, `"month": 3, "seats": 12,`), []string{"p.json:8:18: courses[1].seats unknown_value"}},
		{"json_number_for_text", "p.json", lpEditIn(lpJSON, `"id": "talk"`, `"id": 7`), []string{"p.json:7:12: courses[1].id invalid_format"}},
		{"json_string_for_bool", "p.json", lpEditIn(lpJSON, `"mandatory": true`, `"mandatory": "true"`), []string{"p.json:5:104: courses[0].mandatory invalid_format"}},
		{"json_string_for_whole_number", "p.json", lpEditIn(lpJSON, `"year": 2027`, `"year": "2027"`), []string{"p.json:2:11: year invalid_format"}},
		{"json_decimal_as_string_is_fine_but_not_as_bool", "p.json", lpEditIn(lpJSON, `"hours": 4,`, `"hours": "4", "self_enrol": 1,`), []string{"p.json:5:73: courses[0].self_enrol invalid_format"}},
		{"json_duplicate_key", "p.json", lpEditIn(lpJSON, `"year": 2027,`, `"year": 2027, "year": 2028,`), []string{"p.json:2:17: year duplicate"}},
		{"json_syntax_error_at_line_and_column", "p.json", lpEditIn(lpJSON, `"year": 2027`, `"year" 2027`), []string{"p.json:2:10 invalid_format"}},
		{"json_cut_short", "p.json", lpJSON[:40], []string{"p.json:4:8 invalid_format"}},
		{"json_empty", "p.json", " \n", []string{"p.json required"}},
		{"json_null", "p.json", "null", []string{"p.json:1:1 required"}},
		{"json_yaml_is_not_json", "p.json", lpYAML, []string{"p.json:1:1 invalid_format"}},

		// The bad files: every problem at once, in file order.
		{"R5_every_rule_broken_at_once", "testdata/bad/problems.yaml", readTestdata(t, "bad/problems.yaml"), []string{
			"testdata/bad/problems.yaml:2:1: year out_of_range",
			"testdata/bad/problems.yaml:4:5: courses[0].id invalid_format",
			"testdata/bad/problems.yaml:4:5: courses[0].instructor required",
			"testdata/bad/problems.yaml:5:5: courses[0].title required",
			"testdata/bad/problems.yaml:6:5: courses[0].category unknown_value",
			"testdata/bad/problems.yaml:8:5: courses[0].month out_of_range",
			"testdata/bad/problems.yaml:9:5: courses[0].hours out_of_range",
			"testdata/bad/problems.yaml:10:5: courses[0].target required",
			"testdata/bad/problems.yaml:12:7: courses[0].assessment.kind unknown_value",
			"testdata/bad/problems.yaml:13:7: courses[0].assessment.pass_mark out_of_range",
			"testdata/bad/problems.yaml:14:7: courses[0].assessment.excellent out_of_range",
			"testdata/bad/problems.yaml:15:7: courses[0].assessment.max_attempts out_of_range",
			"testdata/bad/problems.yaml:16:7: courses[0].assessment.retake_window_days out_of_range",
			"testdata/bad/problems.yaml:17:7: courses[0].assessment.counts unknown_value",
			"testdata/bad/problems.yaml:18:19: courses[0].certificate.name required",
			"testdata/bad/problems.yaml:18:29: courses[0].certificate.valid_days out_of_range",
			"testdata/bad/problems.yaml:19:5: courses[1].provider required",
			"testdata/bad/problems.yaml:24:5: courses[1].hours out_of_range",
			"testdata/bad/problems.yaml:25:32: courses[1].target.employees[1] required",
			"testdata/bad/problems.yaml:29:7: courses[1].assessment.excellent out_of_range",
			"testdata/bad/problems.yaml:30:7: courses[1].assessment.max_attempts out_of_range",
			"testdata/bad/problems.yaml:31:7: courses[1].assessment.retake_window_days out_of_range",
			"testdata/bad/problems.yaml:33:5: courses[2].id duplicate",
		}},
		{"every_wrong_type_at_once", "testdata/bad/types.json", readTestdata(t, "bad/types.json"), []string{
			"testdata/bad/types.json:2:11: year invalid_format",
			"testdata/bad/types.json:9:16: courses[0].month invalid_format",
			"testdata/bad/types.json:10:16: courses[0].hours invalid_format",
			"testdata/bad/types.json:11:34: courses[0].target.all_advisors invalid_format",
			"testdata/bad/types.json:12:20: courses[0].mandatory invalid_format",
			"testdata/bad/types.json:13:7: courses[0].self_enroll unknown_value",
			"testdata/bad/types.json:14:51: courses[0].assessment.pass_mark invalid_format",
			"testdata/bad/types.json:14:90: courses[0].assessment.max_attempts invalid_format",
			"testdata/bad/types.json:15:22: courses[0].certificate invalid_format",
			"testdata/bad/types.json:18:3: reason unknown_value",
		}},
		{"syntax_error_stops_the_reading", "testdata/bad/syntax.yaml", readTestdata(t, "bad/syntax.yaml"), []string{"testdata/bad/syntax.yaml:5 invalid_format"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := training.LoadPlan(c.file, []byte(c.data))
			assert.Nil(t, p)
			got := loadFields(t, err, "training: load plan")
			assert.Equal(t, c.want, got)
			for _, path := range got {
				assert.True(t, strings.HasPrefix(path, c.file+":") || strings.HasPrefix(path, c.file+" "), "%s does not name the file", path)
			}
		})
	}
}

// The bad files in testdata fail through LoadPlanFile as through LoadPlan.
func TestLoadPlanFile_badFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*")
	require.NoError(t, err)
	require.Len(t, files, 3)
	for _, file := range files {
		p, err := training.LoadPlanFile(file)
		assert.Nil(t, p, file)
		_, want := training.LoadPlan(file, []byte(readTestdata(t, strings.TrimPrefix(file, "testdata/"))))
		assert.Equal(t, loadFields(t, want, "training: load plan"), loadFields(t, err, "training: load plan"), file)
	}
}

func TestLoadPlan_messages(t *testing.T) {
	_, err := training.LoadPlan("p.yaml", []byte(lpEdit("    mandatory: true\n", "    mandatory: true\n    self_enroll: true\n")))
	f, ok := org.FieldErrorOf(err, "p.yaml:12:5: courses[0].self_enroll")
	require.True(t, ok, err)
	assert.Equal(t, "unknown field; the fields here are id, title, category, method, instructor, provider, month, hours, target, mandatory, self_enrol, assessment, certificate", f.Message)

	_, err = training.LoadPlan("p.yaml", []byte(lpEdit("hours: 4", "hours: four")))
	f, ok = org.FieldErrorOf(err, "p.yaml:9:12: courses[0].hours")
	require.True(t, ok, err)
	assert.Equal(t, `must be a decimal number such as 1.5, not "four"`, f.Message)

	_, err = training.LoadPlan("p.yaml", []byte(lpEdit("method: online", "method: external")))
	f, ok = org.FieldErrorOf(err, "p.yaml:13:5: courses[1].provider")
	require.True(t, ok, err)
	assert.Equal(t, "an external course names its provider (R5.3)", f.Message)
	assert.Equal(t, "training: load plan: invalid input: p.yaml:13:5: courses[1].provider: an external course names its provider (R5.3) (required)", err.Error())
}

// Decimals are read from their text, as numbers or strings, never through
// a float: digits a float64 cannot hold stay, and so do trailing zeros.
func TestLoadPlan_decimalsExact(t *testing.T) {
	for _, c := range []struct{ name, file, field, text, want string }{
		{"yaml_hours_trailing_zero", "p.yaml", "hours", "12.50", "1250e-2"},
		{"yaml_hours_digits_beyond_a_float", "p.yaml", "hours", "999.9999", "9999999e-4"},
		{"yaml_hours_string", "p.yaml", "hours", `"0.1"`, "1e-1"},
		{"yaml_hours_exponent", "p.yaml", "hours", "1.25e2", "125e0"},
		{"yaml_pass_mark_three_places", "p.yaml", "pass_mark", "59.995", "59995e-3"},
		{"yaml_excellent_just_below_100", "p.yaml", "excellent", "99.9999", "999999e-4"},
		{"json_hours_trailing_zero", "p.json", "hours", "12.50", "1250e-2"},
		{"json_hours_string", "p.json", "hours", `"999.9999"`, "9999999e-4"},
		{"json_pass_mark_exponent", "p.json", "pass_mark", "5.9995E+1", "59995e-3"},
		{"json_excellent_just_below_100", "p.json", "excellent", "99.9999", "999999e-4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := lpEdit(map[string]string{"hours": "hours: 4", "pass_mark": "pass_mark: 60", "excellent": "excellent: 90"}[c.field], c.field+": "+c.text)
			if c.file == "p.json" {
				data = lpEditIn(lpJSON, map[string]string{"hours": `"hours": 4`, "pass_mark": `"pass_mark": 60`, "excellent": `"excellent": 90`}[c.field], `"`+c.field+`": `+c.text)
			}
			p, err := training.LoadPlan(c.file, []byte(data))
			require.NoError(t, err)
			got := map[string]decimal.Decimal{"hours": p.Courses[0].Hours, "pass_mark": p.Courses[0].Assessment.PassMark, "excellent": p.Courses[0].Assessment.Excellent}[c.field]
			assert.Equal(t, c.want, fmt.Sprintf("%se%d", got.Coefficient(), got.Exponent()))
		})
	}
}

// Issue 15, finding 3: course hours and marks with 20 decimal places were
// accepted; every input decimal has at most 4 (docs/CONVENTIONS.md).
func TestLoadPlan_issue15_finding3_decimal_places(t *testing.T) {
	for _, field := range []string{"hours", "pass_mark", "excellent"} {
		data := lpEdit(map[string]string{"hours": "hours: 4", "pass_mark": "pass_mark: 60", "excellent": "excellent: 90"}[field], field+": 59.99999999999999999999")
		_, err := training.LoadPlan("p.yaml", []byte(data))
		require.Error(t, err, field)
		var ve *org.ValidationError
		require.ErrorAs(t, err, &ve)
		codes := []string{}
		for _, f := range ve.Fields {
			codes = append(codes, f.Code)
		}
		assert.Contains(t, codes, org.CodePlaces, "%s: %v", field, err)
	}
}
