package policy_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// FuzzLoad: whatever the bytes, Load returns a policy that passes Validate
// and loads again, as the same policy, when written as JSON, and that
// evaluates without error; or a *org.ValidationError whose every path
// starts with the file's name. It never panics.
func FuzzLoad(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(lpDir, "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed policies in %s: %v", lpDir, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, strings.HasSuffix(file, ".json"))
	}
	def := string(policy.DefaultFile())
	for _, s := range []string{
		def, lpPolicy,
		strings.Replace(def, "percent: 20}", "percent: 20.5}", 1),
		strings.Replace(def, "{above: 10000, at_most: 50000, percent: 20}", "{above: 9000, at_most: 50000, percent: 20}", 1),
		strings.Replace(def, "{above: 50000, percent: 30}", "{above: 50000, at_most: 1e9, percent: 30}", 1),
		strings.Replace(def, "value: 1}", "value: 1e2147483647}", 1),
		strings.Replace(def, "value: 1}", "value: [1, {a: b}]}", 1),
		strings.Replace(def, "value: 1}", "value: !!binary aGVsbG8=}", 1),
		strings.Replace(def, "name: nominations", "name: incidents.late.amount.amount", 1),
		strings.Replace(def, "rank: {top: 1, min_score: 90}", "rank: {top: 1, min_score: 90}\n      fact: {name: appraisal.failed}", 1),
		strings.Replace(def, "ladder: attendance", "ladder: attendence", 1),
		strings.Replace(def, "currency: TWD\n", "", 1),
		strings.Replace(def, "amount: 500}", "amount: 500.5}", 1),
		strings.Replace(def, "within_days: 30", "within_days: 99999999999999999999", 1),
		strings.Replace(lpPolicy, "- id: late", "- id: top", 1),
		strings.Replace(lpPolicy, "      all:\n", "      all: &x\n", 1) + "  - {id: z, title: {en: z, zh: z}, period: month, when: {all: *x}, then: [{kind: warning}]}\n",
		"id: a\nversion: 1\ncurrency: TWD\nrules: [{id: r, title: {en: a, zh: b}, period: month, when: &c {not: {not: {fact: {name: appraisal.failed}}}}, then: [{kind: warning}]}]\n",
		"id: a\nversion: 1\ncurrency: TWD\nrules: [{id: r, title: {en: a, zh: b}, period: month, when: {not: &n {not: *n}}, then: [{kind: warning}]}]\n",
		"a: &a [*a, *a]\nid: *a\n",
		`{"id": "a", "version": 1, "currency": "TWD", "rules": [{"id": "r", "period": "year", "when": {"fact": {"name": "appraisal.grade", "op": "==", "value": null}}}]}`,
		`{"id": "a", "version": 1e999, "places": -0}`,
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"\xef\xbb\xbfid: a\n",
		"? [a]\n: b\n",
		"",
		// Found by fuzzing: a rule naming a ladder when the only ladder
		// with an id comes after one without.
		"ladders:\n  -\n  - id: 0\nrules: \n  - ladder: 00",
		// Issue 15: nesting past MaxPolicyDepth, flow and indented, and
		// conditions as deep as they go; a line past MaxPolicyBytes, and
		// one just within it; more lines than MaxPolicyLines; more rules
		// than MaxPolicyRules.
		lpPolicy + "x: " + plNested(70) + "\n",
		lpPolicy + "x:\n" + strings.Repeat("- ", 70) + "x\n",
		plDeepRule(16),
		plDeepRule(17),
		"id: " + strings.Repeat("i", policy.MaxPolicyBytes) + "\n",
		plPad(lpPolicy, policy.MaxPolicyBytes),
		lpPolicy + strings.Repeat("\n", policy.MaxPolicyLines),
		"id: a\nrules: [" + strings.Repeat("{id: r}, ", policy.MaxPolicyRules+1) + "]\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz/policy.yaml"
		if asJSON {
			name = "fuzz/policy.json"
		}
		p, err := policy.Load(name, data)
		if err == nil {
			if p == nil {
				t.Fatal("no policy and no error")
			}
			if verr := p.Validate(); verr != nil {
				t.Fatalf("loaded a policy that does not validate: %v", verr)
			}
			out, jerr := json.Marshal(p)
			if jerr != nil {
				t.Fatalf("cannot write the policy as JSON: %v", jerr)
			}
			again, aerr := policy.Load("again.json", out)
			if aerr != nil {
				t.Fatalf("the policy written as JSON does not load: %v\n%s", aerr, out)
			}
			// Text that is not UTF-8 is written as U+FFFD; anything
			// else comes back as it was.
			if strings.ToValidUTF8(string(data), "") == string(data) {
				if diff := lpDiff(*p, *again); len(diff) > 0 {
					t.Fatalf("the policy changed through JSON: %v\n%s", diff, out)
				}
			}
			for _, period := range []policy.Period{nov, policy.YearPeriod(2026)} {
				if _, eerr := p.Evaluate(policy.Input{Period: period, Location: taipei, Facts: explainMonth()}); eerr != nil {
					t.Fatalf("a valid policy does not evaluate: %v", eerr)
				}
			}
			return
		}
		if p != nil {
			t.Fatalf("a policy and an error: %v", err)
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
