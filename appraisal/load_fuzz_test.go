package appraisal_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// FuzzLoadPlan: whatever the bytes, LoadPlan returns a plan that passes
// Validate and loads again, as the same plan, when written as JSON; or a
// *org.ValidationError whose every path starts with the file's name. It
// never panics.
func FuzzLoadPlan(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(lpDir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed plans in %s: %v", lpDir, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(file, ".json"))
	}
	for _, s := range []string{
		lpPlan, lpJSON,
		strings.Replace(lpPlan, "target: 95", "target: 12345678901234567890123456789012.5", 1),
		strings.Replace(lpPlan, "target: 95", "target: 0e-2147483648", 1),
		strings.Replace(lpPlan, "target: 95", "target: 1e2147483647", 1),
		strings.Replace(lpPlan, "target: 95", "target: [95, {a: b}]", 1),
		strings.Replace(lpPlan, "weight: 40", "weight: 35", 1),
		strings.Replace(lpPlan, "{pass: 1, fail: 0}", "{pass: 1, fail: 0, ~: 2, [a]: 1, 1.5: 0, pass: 3}", 1),
		strings.Replace(lpPlan, "by_grade: {pass: 1, fail: 0}", "linear: {from: {score: 60}, to: {score: 100, share: 1}}", 1),
		strings.Replace(lpPlan, "curve: {floor: 60, target: 95}", "curve: {bands: [{from: 1, points: 50}, {from: 1.0, points: 101}]}", 1),
		strings.Replace(lpPlan, "curve: {floor: 60, target: 95}", "curve: {bands: []}", 1),
		strings.Replace(lpPlan, "  - {code: fail, min: 0}", "  - {code: fail, min: 0", 1),
		lpPlan + "grades2: &g [*g]\n",
		lpPlan + "---\n" + lpPlan,
		"kpis: [&k {code: a, weight: 1, sources: [&s {source: peer, weight: 1}, *s, *s, *s]}, *k, *k, *k]\n",
		"kpis:\n  - &k\n    code: a\n  - <<: [*k, {weight: 100}]\n    sources: [{<<: {source: self}}]\n",
		"bonus: {by_grade: {a: 1}, linear: {}}\n",
		"a: &a [*a, *a]\nversion: *a\n",
		"{\"version\": \"1\", \"places\": 1e999, \"bonus\": {\"by_grade\": {\"\": \"-0\"}}}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"{\"version\": \"\\ud800\", \"missing\": \"renormalize\",}",
		"\xef\xbb\xbfversion: 1\n",
		"version: !!binary aGVsbG8=\nplaces: !!int 0x2\nmin_peers: -0o7\n",
		"? [a]\n: b\n",
		"",
		// Issue 15: nesting past MaxPlanDepth, flow and indented; a line
		// past MaxPlanBytes, and one just within it; more lines than
		// MaxPlanLines; more KPIs than MaxPlanKPIs.
		lpPlan + "x: " + alNested(40) + "\n",
		lpPlan + "x:\n" + strings.Repeat("- ", 40) + "x\n",
		`version: "` + strings.Repeat("v", appraisal.MaxPlanBytes) + "\"\n",
		alPad(lpPlan, appraisal.MaxPlanBytes),
		lpPlan + strings.Repeat("\n", appraisal.MaxPlanLines),
		alKPIs(appraisal.MaxPlanKPIs + 1),
		// Found by fuzzing: 31 digits before the point loads and goes
		// through JSON unchanged; tags, anchors and aliases on the
		// document itself; a carriage return in a flow mapping.
		strings.Replace(lpPlan, "target: 95", "target: 2345678901234567890123456789012.5", 1),
		"!!0 0: \n1: !!00",
		"!!binary 0",
		"*00000000000000000000",
		"&00000000000000000000000000000000",
		"0: \n 0:\r, {0",
		"01e700: 1e700",
		"  - 0\n  - <<\n  ",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz/plan.yaml"
		if asJSON {
			name = "fuzz/plan.json"
		}
		plan, err := appraisal.LoadPlan(name, data)
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
			again, aerr := appraisal.LoadPlan("again.json", out)
			if aerr != nil {
				t.Fatalf("the plan written as JSON does not load: %v\n%s", aerr, out)
			}
			// Text that is not UTF-8 is written as U+FFFD; anything
			// else comes back as it was.
			if strings.ToValidUTF8(string(data), "") == string(data) {
				if diff := lpDiff(*plan, *again); len(diff) > 0 {
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
