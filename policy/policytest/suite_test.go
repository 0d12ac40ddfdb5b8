package policytest_test

import (
	"errors"
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
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

// problems loads a suite that must be invalid and returns its problems as
// "path: message (code)" lines.
func problems(t *testing.T, name, text string) []string {
	t.Helper()
	_, err := policytest.Load(name, []byte(text))
	require.Error(t, err)
	var ve *org.ValidationError
	require.True(t, errors.As(err, &ve), "a *org.ValidationError: %v", err)
	assert.Equal(t, "policytest: load tests", ve.Op)
	assert.ErrorIs(t, err, org.ErrInvalid)
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Where()+": "+f.Message+" ("+f.Code+")")
	}
	return out
}

// assertProblem asserts that one problem starts with prefix.
func assertProblem(t *testing.T, got []string, prefix string) {
	t.Helper()
	for _, g := range got {
		if strings.HasPrefix(g, prefix) {
			return
		}
	}
	t.Errorf("no problem starts with %q; the problems are:\n%s", prefix, strings.Join(got, "\n"))
}

func TestLoadReadsEveryField(t *testing.T) {
	t.Parallel()
	s, err := policytest.Load("dir/shop.tests.yaml", []byte(`
policy: ../policies/shop.yaml
cases:
  - name: everything
    period: 2026-11
    zone: Asia/Taipei
    facts:
      - employee: chen
        appraisal: {score: "54.5", grade: fail, passed: false, rank: 3, ranked: 3, consecutive_fails: 2}
        training: [{course: brakes, outcome: retake_failed}]
        incidents:
          - {id: a, kind: late, at: "2026-11-03T09:10:00+08:00"}
          - {id: b, kind: loss, at: "2026-11-04 10:30", amount: 12500.50, note: scratched a car}
          - {id: c, kind: absent, at: 2026-11-05}
          - {id: d, kind: left_early, at: 2026-11-06T17:00:00Z}
        nominations: [{id: n1, reason: fleet customer, by: wang}]
      - employee: lin
        appraisal: {score: 95, grade: excellent, passed: true, excellent: true, rank: 1, ranked: 3}
    expect:
      includes:
        - employee: chen
          rule: attendance
          offence: 1
          incident: a
          actions: [{kind: warning}, {kind: fine, amount: "500.00"}]
          needs_approval: false
          reason: lateness
          reason_zh: 遲到
      excludes:
        - {rule: dismissal}
        - {employee: lin}
  - name: a year in UTC
    period: "2026"
    facts: [{employee: chen}]
    expect: {decisions: []}
`))
	require.NoError(t, err)
	assert.Equal(t, "dir/shop.tests.yaml", s.Name)
	assert.Equal(t, filepath.FromSlash("policies/shop.yaml"), s.PolicyPath())
	require.Len(t, s.Cases, 2)

	c := s.Cases[0]
	taipei, err := time.LoadLocation("Asia/Taipei")
	require.NoError(t, err)
	assert.Equal(t, "everything", c.Name)
	assert.Equal(t, policy.Period{Year: 2026, Month: time.November}, c.Period)
	assert.Equal(t, "Asia/Taipei", c.Location.String())
	require.Len(t, c.Facts, 2)
	chen := c.Facts[0]
	assert.Equal(t, org.EmployeeID("chen"), chen.Employee)
	require.NotNil(t, chen.Appraisal)
	assert.True(t, chen.Appraisal.Score.Equal(decimal.RequireFromString("54.5")))
	assert.Equal(t, policy.AppraisalFacts{Score: chen.Appraisal.Score, Grade: "fail", Rank: 3, Ranked: 3, ConsecutiveFails: 2}, *chen.Appraisal)
	assert.Equal(t, []policy.TrainingResult{{Course: "brakes", Outcome: policy.RetakeFailed}}, chen.Training)
	require.Len(t, chen.Incidents, 4)
	assert.True(t, chen.Incidents[0].At.Equal(time.Date(2026, 11, 3, 9, 10, 0, 0, taipei)), "RFC 3339")
	assert.True(t, chen.Incidents[1].At.Equal(time.Date(2026, 11, 4, 10, 30, 0, 0, taipei)), "a local time in the zone")
	assert.True(t, chen.Incidents[2].At.Equal(time.Date(2026, 11, 5, 0, 0, 0, 0, taipei)), "a date in the zone")
	assert.True(t, chen.Incidents[3].At.Equal(time.Date(2026, 11, 6, 17, 0, 0, 0, time.UTC)), "a YAML timestamp")
	assert.Equal(t, "12500.5", chen.Incidents[1].Amount.String())
	assert.Equal(t, policy.Loss, chen.Incidents[1].Kind)
	assert.Equal(t, "scratched a car", chen.Incidents[1].Note)
	assert.Equal(t, []policy.Nomination{{ID: "n1", Reason: "fleet customer", By: "wang"}}, chen.Nominations)
	assert.True(t, c.Facts[1].Appraisal.Excellent)

	assert.False(t, c.Expect.Exact)
	require.Len(t, c.Expect.Includes, 1)
	x := c.Expect.Includes[0]
	assert.Equal(t, org.EmployeeID("chen"), x.Employee)
	assert.Equal(t, "attendance", x.Rule)
	assert.Equal(t, 1, x.Offence)
	assert.Equal(t, "a", x.Incident)
	require.Len(t, x.Actions, 2)
	assert.Nil(t, x.Actions[0].Amount)
	assert.Equal(t, "500", x.Actions[1].Amount.String())
	require.NotNil(t, x.NeedsApproval)
	assert.False(t, *x.NeedsApproval)
	assert.Equal(t, "lateness", x.Reason)
	assert.Equal(t, "遲到", x.ReasonZH)
	assert.Equal(t, []policytest.Expected{{Rule: "dismissal"}, {Employee: "lin"}}, c.Expect.Excludes)

	y := s.Cases[1]
	assert.Equal(t, policy.YearPeriod(2026), y.Period)
	assert.Equal(t, time.UTC, y.Location, "no zone: UTC")
	assert.True(t, y.Expect.Exact, "decisions: [] expects no proposal")
	assert.Empty(t, y.Expect.Decisions)
}

func TestLoadJSON(t *testing.T) {
	t.Parallel()
	s, err := policytest.LoadFile(filepath.Join("testdata", "small.tests.json"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("..", "default.yaml"), s.PolicyPath())
	require.Len(t, s.Cases, 2)
	assert.True(t, s.Cases[0].Expect.Exact)
	assert.Equal(t, "500", s.Cases[0].Expect.Decisions[3].Actions[0].Amount.String())

	p := policy.Default("TWD")
	r := s.Run(p, policytest.Options{})
	assert.True(t, r.Passed(), "%+v", r.Failed())
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	got := problems(t, "bad.yaml", `
cases:
  - name: one
    period: 2026-13
    zone: Mars/Olympus
    surprise: 1
    facts:
      - employee: chen
        appraisal: {score: 101, grade: x, passed: true}
        incidents:
          - {id: a, kind: late, at: "yesterday"}
          - {id: a, kind: sneezed, at: 2026-11-03}
          - {kind: late, at: 2026-11-04, amount: -5}
      - employee: chen
    expect:
      decisions: []
      includes: [{employee: chen, rule: attendance}]
  - name: one
    period: 2026-11
    zone: Local
    facts: [{employee: chen, training: [{course: c, outcome: flunked}]}]
    expect: {}
  - period: 2026-11
    facts: [{employee: chen}]
    expect:
      includes:
        - {rule: attendance}
        - {employee: chen}
        - {employee: wang, rule: attendance}
        - {employee: chen, rule: attendance, offence: -1, actions: []}
        - {employee: chen, rule: attendance, actions: [{kind: flogging}, {amount: 5}]}
      excludes:
        - {offence: 2}
`)
	want := []string{
		"bad.yaml:4:5: cases[0].period: must be a month",
		`bad.yaml:5:5: cases[0].zone: "Mars/Olympus" is not a time zone`,
		"bad.yaml:6:5: cases[0].surprise: unknown field",
		"bad.yaml:9:21: cases[0].facts[0].appraisal.score: must be between 0 and 100 (out_of_range)",
		"bad.yaml:11:33: cases[0].facts[0].incidents[0].at: must be a time",
		`bad.yaml:12:14: cases[0].facts[0].incidents[1].id: "a" is already`,
		"bad.yaml:12:21: cases[0].facts[0].incidents[1].kind: must be one of late",
		"bad.yaml:13:13: cases[0].facts[0].incidents[2].id: is required", // not written: at the incident
		"bad.yaml:13:42: cases[0].facts[0].incidents[2].amount: must not be negative",
		"bad.yaml:14:9: cases[0].facts[1].employee: chen is already facts[0]",
		"bad.yaml:15:5: cases[0].expect: decisions are every proposal already",
		`bad.yaml:18:5: cases[1].name: "one" is already the name of cases[0] (duplicate)`,
		"bad.yaml:20:5: cases[1].zone: Local depends on the machine",
		"bad.yaml:21:53: cases[1].facts[0].training[0].outcome: must be one of",
		"bad.yaml:22:5: cases[1].expect: write decisions",
		"bad.yaml:23:5: cases[2].name: is required",
		"bad.yaml:27:11: cases[2].expect.includes[0].employee: is required",
		"bad.yaml:28:11: cases[2].expect.includes[1].rule: is required",
		"bad.yaml:29:12: cases[2].expect.includes[2].employee: wang has no facts in this case",
		"bad.yaml:30:46: cases[2].expect.includes[3].offence: must be 1 or more",
		"bad.yaml:30:59: cases[2].expect.includes[3].actions: a proposal has at least one action",
		"bad.yaml:31:57: cases[2].expect.includes[4].actions[0].kind: must be one of certificate",
		"bad.yaml:31:74: cases[2].expect.includes[4].actions[1].kind: is required",
		"bad.yaml:33:11: cases[2].expect.excludes[0]: an exclude names an employee, a rule or both",
	}
	require.Len(t, got, len(want), "every problem, once:\n%s", strings.Join(got, "\n"))
	for i, w := range want {
		assert.True(t, strings.HasPrefix(got[i], w), "problem %d:\n got %s\nwant %s...", i, got[i], w)
	}
}

func TestLoadRefusesEmptyAndBrokenFiles(t *testing.T) {
	t.Parallel()
	assertProblem(t, problems(t, "empty.yaml", ""), "empty.yaml: the file is empty: it holds no test suite")
	assertProblem(t, problems(t, "none.yaml", "cases: []\n"), "none.yaml:1:1: cases: at least one case is required")
	assertProblem(t, problems(t, "syntax.yaml", "cases: [\n"), "syntax.yaml:")
	assertProblem(t, problems(t, "list.json", `{"cases": {"name": "x"}}`), "list.json:1:11: cases: must be a list")
	assertProblem(t, problems(t, "text.json", `{"cases": [{"name": "x", "period": 202611, "facts": [], "expect": {"decisions": []}}]}`),
		"text.json:1:36: cases[0].period: must be a JSON string")

	_, err := policytest.LoadFile(filepath.Join("testdata", "no-such.tests.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policytest: load tests: ")
}

func TestPolicyPath(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, policy, want string }{
		{"a/b/t.yaml", "", ""},
		{"a/b/t.yaml", "p.yaml", filepath.Join("a", "b", "p.yaml")},
		{"t.yaml", "../p.yaml", filepath.Join("..", "p.yaml")},
		{"a/t.yaml", "/abs/p.yaml", filepath.FromSlash("/abs/p.yaml")},
	} {
		if tt.policy != "" && strings.HasPrefix(tt.policy, "/") && !filepath.IsAbs(tt.policy) {
			continue // not absolute on this system
		}
		s := policytest.Suite{Name: tt.name, Policy: tt.policy}
		assert.Equal(t, tt.want, s.PolicyPath(), tt.policy)
	}
}

// The test file writes the facts of policy.Facts with its own types (so
// that a time can be local and YAML keys are the JSON names): every field
// of policy's facts must have a key in the file, so that a fact added to
// policy cannot be forgotten here.
func TestFileWritesEveryFact(t *testing.T) {
	t.Parallel()
	jsonNames := func(typ reflect.Type) []string {
		var out []string
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
		return out
	}
	text := `
cases:
  - name: every fact
    period: 2026-11
    facts:
      - {FACTS}
    expect: {decisions: []}
`
	// A file that writes every field of each type loads: no field is
	// unknown to the file's types.
	fields := map[reflect.Type]string{
		reflect.TypeFor[policy.Facts]():          "employee: chen, appraisal: {APPRAISAL}, training: [{TRAINING}], incidents: [{INCIDENT}], nominations: [{NOMINATION}]",
		reflect.TypeFor[policy.AppraisalFacts](): "score: 50, grade: fail, passed: false, excellent: false, rank: 1, ranked: 1, consecutive_fails: 1",
		reflect.TypeFor[policy.TrainingResult](): "course: c, outcome: passed",
		reflect.TypeFor[policy.Incident]():       "id: i, kind: loss, at: 2026-11-02, amount: 5, note: n",
		reflect.TypeFor[policy.Nomination]():     "id: n, reason: r, by: wang",
	}
	for typ, written := range fields {
		for _, name := range jsonNames(typ) {
			assert.Contains(t, written, name+":", "%s.%s is not written by the test", typ, name)
		}
	}
	facts := strings.NewReplacer(
		"APPRAISAL", fields[reflect.TypeFor[policy.AppraisalFacts]()],
		"TRAINING", fields[reflect.TypeFor[policy.TrainingResult]()],
		"INCIDENT", fields[reflect.TypeFor[policy.Incident]()],
		"NOMINATION", fields[reflect.TypeFor[policy.Nomination]()],
	).Replace(fields[reflect.TypeFor[policy.Facts]()])
	s, err := policytest.Load("every.yaml", []byte(strings.Replace(text, "FACTS", facts, 1)))
	require.NoError(t, err)
	f := s.Cases[0].Facts[0]
	assert.Equal(t, 1, f.Appraisal.ConsecutiveFails)
	assert.Equal(t, "n", f.Incidents[0].Note)
	assert.Equal(t, org.EmployeeID("wang"), f.Nominations[0].By)
}

// Load never panics, and a suite it accepts has named, unique cases and
// runs against the default policy without panicking.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{filepath.Join("..", "default.tests.yaml"), filepath.Join("testdata", "small.tests.json")} {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(name, data)
	}
	f.Add("x.yaml", []byte("cases: [{name: a, period: 2026-11, facts: [{employee: c, incidents: [{id: i, kind: late, at: 2026-11-02}]}], expect: {decisions: []}}]"))
	f.Add("x.json", []byte(`{"cases": [{"name": "a", "period": "2026", "facts": [], "expect": {"excludes": [{"rule": "x"}]}}]}`))
	// Issue 15: nesting past MaxSuiteDepth, flow and indented; a line
	// past MaxSuiteBytes, and one just within it; more lines than
	// MaxSuiteLines; more cases than MaxSuiteCases.
	f.Add("x.yaml", []byte(slSuite+"x: "+slNested(40)+"\n"))
	f.Add("x.yaml", []byte(slSuite+"x:\n"+strings.Repeat("- ", 40)+"x\n"))
	f.Add("x.json", []byte(`{"cases": [{"name": "`+strings.Repeat("n", policytest.MaxSuiteBytes)+`"}]}`))
	f.Add("x.yaml", []byte(slPad(slSuite, policytest.MaxSuiteBytes)))
	f.Add("x.yaml", []byte(slSuite+strings.Repeat("\n", policytest.MaxSuiteLines)))
	f.Add("x.yaml", []byte(slCases(policytest.MaxSuiteCases+1)))
	p := policy.Default("TWD")
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		s, err := policytest.Load(name, data)
		if err != nil {
			var ve *org.ValidationError
			require.True(t, errors.As(err, &ve), "a *org.ValidationError: %v", err)
			require.NotEmpty(t, ve.Fields)
			return
		}
		names := map[string]bool{}
		for _, c := range s.Cases {
			require.NotEmpty(t, strings.TrimSpace(c.Name))
			require.False(t, names[c.Name], "case names are unique")
			names[c.Name] = true
			require.True(t, c.Period.Valid())
		}
		r := s.Run(p, policytest.Options{})
		require.Len(t, r.Cases, len(s.Cases))
	})
}
