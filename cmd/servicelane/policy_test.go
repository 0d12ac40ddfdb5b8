package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/policy"
)

var (
	defaultPolicy = filepath.Join("..", "..", "policy", "default.yaml")
	defaultTests  = filepath.Join("..", "..", "policy", "default.tests.yaml")
)

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "policy", "check", defaultPolicy)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, defaultPolicy+": ok: policy default version 1 in TWD: 16 rules, 2 ladders\n", stdout)

	bad := writeFile(t, "bad.yaml", "id: shop\nversion: 0\ncurrency: TWD\nrules:\n  - id: r\n    title: {en: R, zh: R}\n    period: month\n    when: {fact: {name: appraisal.mood, op: \"==\", value: good}}\n    then: [{kind: hug}]\n")
	code, stdout, _ = cli(t, "policy", "check", defaultPolicy, bad)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, stdout, bad+":2:1: version: must be 1 or more")
	assert.Contains(t, stdout, bad+":8:19: rules[0].when.fact.name: \"appraisal.mood\" is not a fact")
	assert.Contains(t, stdout, bad+":9:13: rules[0].then[0].kind: must be one of")

	code, stdout, _ = cli(t, "policy", "check", "-json", bad)
	assert.Equal(t, exitProblem, code)
	var r fileReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &r))
	assert.False(t, r.OK)
	assert.Len(t, r.Problems, 3)
}

func TestPolicyTestPasses(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "policy", "test", "-min-coverage", "100", defaultPolicy, defaultTests)
	assert.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `^ok  \d+ cases, coverage 100%\n$`, stdout)
	assert.Empty(t, stderr)

	code, stdout, _ = cli(t, "policy", "test", "-v", "-run", "leak", defaultPolicy, defaultTests)
	assert.Equal(t, exitOK, code)
	assert.Equal(t, `=== RUN   a leak is dismissal and legal action, with approval
--- PASS: a leak is dismissal and legal action, with approval
    chen confidentiality_breach: dismissal, legal_action [needs approval]
ok  1 case, coverage 6.2% (uncovered: monthly_excellent_advisor, annual_excellent_advisor, special_contribution, excellent_appraisal, failed_appraisal, two_consecutive_fails, training_failed, retake_failed, attendance, conduct, complaint_warning, loss_minor, loss_moderate, loss_major, loss_severe)
`, stdout)
}

func TestPolicyTestRunAndCoverageThreshold(t *testing.T) {
	t.Parallel()
	uncovered := "(uncovered: monthly_excellent_advisor, annual_excellent_advisor, special_contribution, excellent_appraisal, " +
		"failed_appraisal, two_consecutive_fails, training_failed, retake_failed, attendance, conduct, complaint_warning, confidentiality_breach)"
	code, stdout, _ := cli(t, "policy", "test", "-run", "^a loss", defaultPolicy, defaultTests)
	assert.Equal(t, exitOK, code, "no threshold")
	assert.Equal(t, "ok  6 cases, coverage 25% "+uncovered+"\n", stdout)

	code, stdout, _ = cli(t, "policy", "test", "-run", "^a loss", "-min-coverage", "25", defaultPolicy, defaultTests)
	assert.Equal(t, exitOK, code, "at the threshold")
	assert.True(t, strings.HasPrefix(stdout, "ok  6 cases"), stdout)

	code, stdout, _ = cli(t, "policy", "test", "-run", "^a loss", "-min-coverage", "25.1%", defaultPolicy, defaultTests)
	assert.Equal(t, exitProblem, code, "below the threshold")
	assert.Equal(t, "FAIL  6 cases passed, but coverage 25% is below -min-coverage 25.1% "+uncovered+"\n", stdout)

	code, stdout, stderr := cli(t, "policy", "test", "-run", "no such case", defaultPolicy, defaultTests)
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(stdout, "ok  0 cases, coverage 0% "), stdout)
	assert.Contains(t, stderr, `warning: no case matches -run "no such case"`)
}

// A policy that differs from what its tests expect fails them, each case
// with its diff, and exits 1.
func TestPolicyTestFails(t *testing.T) {
	t.Parallel()
	changed := strings.Replace(string(policy.DefaultFile()), "- [{kind: fine, amount: 500}]", "- [{kind: fine, amount: 600}]", 1)
	p := writeFile(t, "changed.yaml", changed)
	code, stdout, stderr := cli(t, "policy", "test", "-run", "third lateness|past the last step", p, defaultTests)
	assert.Equal(t, exitProblem, code, stderr)
	assert.Equal(t, `--- FAIL: the third lateness in 30 days is fined 500
    -want +got:
      chen attendance #1 (incident l1): warning
      chen attendance #2 (incident l2): warning
    - chen attendance #3 (incident l3): fine TWD 500 [no approval] reason "3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24)"  (expect.decisions[2])
    + chen attendance #3 (incident l3): fine TWD 600
          3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 600 under rule attendance (R7.2a)
--- FAIL: every attendance offence past the last step is fined 1,000
    -want +got:
      chen attendance #1 (incident a1): warning
      chen attendance #2 (incident a2): warning
    - chen attendance #3: fine TWD 500  (expect.includes[0])
      chen attendance #3 (incident a3): fine TWD 600
          3rd offence (lateness, leaving early or absence) within 30 days (2026-11-02 lateness, 2026-11-05 leaving early, 2026-11-09 absence): fine TWD 600 under rule attendance (R7.2a)
      chen attendance #4 (incident a4): fine TWD 1000
      chen attendance #5 (incident a5): fine TWD 1000
FAIL  2 of 2 cases failed, coverage 6.2% (uncovered: monthly_excellent_advisor, annual_excellent_advisor, special_contribution, excellent_appraisal, failed_appraisal, two_consecutive_fails, training_failed, retake_failed, conduct, complaint_warning, loss_minor, loss_moderate, loss_major, loss_severe, confidentiality_breach)
`, stdout)

	// Several test files: each failing case names its file.
	code, stdout, _ = cli(t, "policy", "test", "-run", "third lateness", p, defaultTests, defaultTests)
	assert.Equal(t, exitProblem, code)
	assert.Contains(t, stdout, "--- FAIL: the third lateness in 30 days is fined 500 ("+defaultTests+")\n")
	assert.Contains(t, stdout, "FAIL  2 of 2 cases failed")
}

func TestPolicyTestJSON(t *testing.T) {
	t.Parallel()
	changed := strings.Replace(string(policy.DefaultFile()), "- [{kind: fine, amount: 500}]", "- [{kind: fine, amount: 600}]", 1)
	p := writeFile(t, "changed.yaml", changed)
	code, stdout, _ := cli(t, "policy", "test", "-json", "-run", "third lateness|a leak", p, defaultTests)
	assert.Equal(t, exitProblem, code)

	var doc struct {
		Policy        string   `json:"policy"`
		Tests         []string `json:"tests"`
		OK            bool     `json:"ok"`
		Passed        int      `json:"passed"`
		Failed        int      `json:"failed"`
		MinCoverage   string   `json:"min_coverage"`
		PolicyID      string   `json:"policy_id"`
		PolicyVersion int      `json:"policy_version"`
		Cases         []struct {
			Suite    string `json:"suite"`
			Name     string `json:"name"`
			Passed   bool   `json:"passed"`
			Diff     string `json:"diff"`
			Failures []struct {
				Kind, Where, Expected, Got, Message string
			} `json:"failures"`
			Got []struct {
				Line, Reason, Key string
			} `json:"got"`
		} `json:"cases"`
		Coverage struct {
			Rules []struct {
				Rule     string `json:"rule"`
				Period   string `json:"period"`
				Fired    int    `json:"fired"`
				Expected int    `json:"expected"`
				Excluded int    `json:"excluded"`
			} `json:"rules"`
			Covered   int      `json:"covered"`
			Total     int      `json:"total"`
			Percent   string   `json:"percent"`
			Uncovered []string `json:"uncovered"`
		} `json:"coverage"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&doc), "one JSON document of known fields")
	assert.False(t, dec.More(), "one document only")

	assert.Equal(t, p, doc.Policy)
	assert.Equal(t, []string{defaultTests}, doc.Tests)
	assert.False(t, doc.OK)
	assert.Equal(t, 1, doc.Passed)
	assert.Equal(t, 1, doc.Failed)
	assert.Equal(t, "0", doc.MinCoverage)
	assert.Equal(t, "default", doc.PolicyID)
	assert.Equal(t, 1, doc.PolicyVersion)
	require.Len(t, doc.Cases, 2)

	fail := doc.Cases[0]
	assert.Equal(t, "the third lateness in 30 days is fined 500", fail.Name)
	assert.Equal(t, defaultTests, fail.Suite)
	assert.False(t, fail.Passed)
	require.Len(t, fail.Failures, 2)
	assert.Equal(t, "unexpected", fail.Failures[0].Kind)
	assert.Equal(t, "chen attendance #3: fine TWD 600", fail.Failures[0].Got)
	assert.Equal(t, "missing", fail.Failures[1].Kind)
	assert.Equal(t, "expect.decisions[2]", fail.Failures[1].Where)
	assert.Contains(t, fail.Diff, "+ chen attendance #3 (incident l3): fine TWD 600")
	require.Len(t, fail.Got, 3)
	assert.Equal(t, "default/attendance/chen/2026-11/l3", fail.Got[2].Key)
	assert.Contains(t, fail.Got[2].Reason, "3rd lateness within 30 days")

	pass := doc.Cases[1]
	assert.True(t, pass.Passed)
	assert.Empty(t, pass.Diff)
	assert.Empty(t, pass.Failures)

	assert.Equal(t, 16, doc.Coverage.Total)
	assert.Equal(t, 2, doc.Coverage.Covered)
	assert.Equal(t, "12.5", doc.Coverage.Percent)
	assert.Len(t, doc.Coverage.Rules, 16)
	assert.Len(t, doc.Coverage.Uncovered, 14)
	assert.Equal(t, "attendance", doc.Coverage.Rules[8].Rule)
	assert.Equal(t, 1, doc.Coverage.Rules[8].Fired)
	assert.Equal(t, 1, doc.Coverage.Rules[8].Expected)
}

func TestPolicyTestCannotRun(t *testing.T) {
	t.Parallel()
	badPolicy := writeFile(t, "bad.yaml", "id: shop\nversion: 1\ncurrency: twd\nrules: []\nextra: 1\n")
	badTests := writeFile(t, "bad.tests.yaml", "cases:\n  - name: x\n    period: 2026-11\n    facts: [{employee: chen}]\n    expect: {includes: [{employee: lin, rule: attendance}]}\n")
	tests := []struct {
		name   string
		args   []string
		stdout []string
		stderr string
	}{
		{"no files", []string{}, nil, "name the policy file and at least one test file"},
		{"no tests", []string{defaultPolicy}, nil, "name the policy file and at least one test file"},
		{"bad flag", []string{"-nope", defaultPolicy, defaultTests}, nil, "flag provided but not defined: -nope"},
		{"bad -run", []string{"-run", "(", defaultPolicy, defaultTests}, nil, "-run: error parsing regexp"},
		{"bad -min-coverage", []string{"-min-coverage", "lots", defaultPolicy, defaultTests}, nil, "-min-coverage is a percent from 0 to 100"},
		{"-min-coverage above 100", []string{"-min-coverage", "101", defaultPolicy, defaultTests}, nil, "-min-coverage is a percent"},
		{"missing policy", []string{"no/such/policy.yaml", defaultTests}, nil, "no such file"},
		{"missing tests", []string{defaultPolicy, "no/such/tests.yaml"}, nil, "no such file"},
		{"invalid policy", []string{badPolicy, defaultTests}, []string{
			badPolicy + ":3:1: currency: must be an ISO 4217 code",
			badPolicy + ":4:1: rules: at least one rule is required (required)",
			badPolicy + ":5:1: extra: unknown field",
		}, "cannot run: " + badPolicy + " has 3 problems"},
		{"invalid tests", []string{defaultPolicy, badTests}, []string{
			badTests + ":5:26: cases[0].expect.includes[0].employee: lin has no facts in this case",
		}, "cannot run: " + badTests + " has 1 problem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := cli(t, append([]string{"policy", "test"}, tt.args...)...)
			assert.Equal(t, exitUsage, code)
			for _, want := range tt.stdout {
				assert.Contains(t, stdout, want)
			}
			if tt.stdout == nil {
				assert.Empty(t, stdout)
			}
			assert.Contains(t, stderr, tt.stderr)
		})
	}

	// With -json, the problems are a JSON document too.
	code, stdout, _ := cli(t, "policy", "test", "-json", badPolicy, defaultTests)
	assert.Equal(t, exitUsage, code)
	var doc policyTestProblem
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.False(t, doc.OK)
	assert.Equal(t, badPolicy, doc.File)
	require.Len(t, doc.Problems, 3)
	assert.Regexp(t, regexp.MustCompile(`bad\.yaml:3:1: currency$`), doc.Problems[0].Where())
	assert.Equal(t, "invalid_format", doc.Problems[0].Code)
}
