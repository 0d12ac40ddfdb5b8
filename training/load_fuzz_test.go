package training_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

// FuzzLoadPlan: whatever the bytes, LoadPlan returns a plan that passes
// Validate and loads again, as the same plan, when written as JSON; or a
// *org.ValidationError with at least one field, every path starting with
// the file's name. It never panics.
func FuzzLoadPlan(f *testing.F) {
	var files []string
	for _, pattern := range []string{"testdata/*.yaml", "testdata/*.json", "testdata/bad/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		f.Fatalf("seed plans missing from testdata: %v", files)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(file, ".json"))
	}
	for _, s := range []string{
		lpYAML, lpJSON,
		strings.Replace(lpYAML, "hours: 4", "hours: 12345678901234567890123456789012.5", 1),
		strings.Replace(lpYAML, "hours: 4", "hours: 0e-2147483648", 1),
		strings.Replace(lpYAML, "hours: 4", "hours: 1e2147483647", 1),
		strings.Replace(lpYAML, "hours: 4", "hours: -0", 1),
		strings.Replace(lpYAML, "pass_mark: 60", "pass_mark: 59.99999999999999999999999999999999", 1),
		strings.Replace(lpYAML, "month: 2", "month: 9223372036854775808", 1),
		strings.Replace(lpYAML, "month: 2", "month: 0x0c", 1),
		strings.Replace(lpYAML, "target: {all_advisors: true}", "target: {employees: [&e chen, *e, *e]}", 1),
		strings.Replace(lpYAML, "id: talk", "id: diag", 1),
		strings.Replace(lpYAML, "  - id: talk", "  - <<: *nothing\n    id: talk", 1),
		strings.Replace(lpYAML, "    assessment: {", "    certificate: {name: x, valid_days: 36500}\n    assessment: {", 1),
		strings.Replace(lpYAML, "target: {role: advisor}", "target: {role: advisor", 1),
		lpYAML + "courses2: &c [*c]\n",
		lpYAML + "---\n" + lpYAML,
		"year: 2027\ncourses: [&c {id: a, title: t, category: company_rules, method: online, month: 1, hours: 1, target: {all_advisors: true}, " +
			"assessment: {kind: exam, pass_mark: 1, excellent: 1, max_attempts: 1, retake_window_days: 1, counts: first}}, *c, *c]\n",
		"year: 2027\ncourses:\n  - &k\n    id: a\n  - <<: [*k, {title: b}]\n    assessment: {<<: {kind: exam}}\n",
		"a: &a [*a, *a]\nyear: *a\n",
		`{"year": 2027, "courses": [{"hours": 1e999, "month": -1, "target": {"employees": ["\ud800"]}}]}`,
		`{"year": 2027, "courses": [],}`,
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"\xef\xbb\xbfyear: 2027\n",
		"year: !!int 0x7eb\ncourses: !!seq []\n",
		"? [a]\n: b\n",
		"",
		// Issue 15: nesting past MaxPlanDepth, flow and indented; a line
		// past MaxPlanBytes, and one just within it; more lines than
		// MaxPlanLines; more courses than MaxPlanCourses.
		lpYAML + "x: " + tlNested(40) + "\n",
		lpYAML + "x:\n" + strings.Repeat("- ", 40) + "x\n",
		"year: 2027\ncourses: [{title: \"" + strings.Repeat("t", training.MaxPlanBytes) + "\"}]\n",
		tlPad(lpYAML, training.MaxPlanBytes),
		lpYAML + strings.Repeat("\n", training.MaxPlanLines),
		tlCourses(training.MaxPlanCourses + 1),
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz/plan.yaml"
		if asJSON {
			name = "fuzz/plan.json"
		}
		plan, err := training.LoadPlan(name, data)
		if err == nil {
			if plan == nil {
				t.Fatal("no plan and no error")
			}
			if verr := plan.Validate(); verr != nil {
				t.Fatalf("loaded a plan that does not validate: %v", verr)
			}
			out, jerr := json.Marshal(plan)
			if jerr != nil {
				t.Fatalf("cannot write the plan as JSON: %v", jerr)
			}
			again, aerr := training.LoadPlan("again.json", out)
			if aerr != nil {
				t.Fatalf("the plan written as JSON does not load: %v\n%s", aerr, out)
			}
			// Text that is not UTF-8 is written as U+FFFD; anything else
			// comes back as it was.
			if strings.ToValidUTF8(string(data), "") == string(data) {
				if diff := loadDiff(*plan, *again); len(diff) > 0 {
					t.Fatalf("the plan changed through JSON: %v\n%s", diff, out)
				}
			}
			return
		}
		if plan != nil {
			t.Fatalf("a plan and an error: %v", err)
		}
		var ve *org.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("not a *org.ValidationError: %T %v", err, err)
		}
		if len(ve.Fields) == 0 {
			t.Fatal("a validation error with no fields")
		}
		if ve.Op != "training: load plan" {
			t.Fatalf("op %q", ve.Op)
		}
		for _, fe := range ve.Fields {
			if !strings.HasPrefix(fe.Where(), name) {
				t.Fatalf("path %q does not start with %q", fe.Where(), name)
			}
			if fe.Code == "" || fe.Message == "" {
				t.Fatalf("field %q without code or message", fe.Where())
			}
		}
	})
}
