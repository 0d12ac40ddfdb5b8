package policytest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

var taipei = time.FixedZone("Asia/Taipei", 8*60*60)

func nov(day, hour int) time.Time { return time.Date(2026, time.November, day, hour, 0, 0, 0, taipei) }

func amount(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// lateChen is chen's November: three latenesses (a warning, a warning,
// a fine of 500) and a loss of 12,500 (compensation 2,500 and a demerit).
func lateChen() policy.Facts {
	return policy.Facts{Employee: "chen", Incidents: []policy.Incident{
		{ID: "l1", Kind: policy.Late, At: nov(3, 9)},
		{ID: "l2", Kind: policy.Late, At: nov(10, 9)},
		{ID: "l3", Kind: policy.Late, At: nov(24, 9)},
		{ID: "x1", Kind: policy.Loss, At: nov(20, 15), Amount: decimal.RequireFromString("12500")},
	}}
}

// oneCase is a suite of one case of lateChen and lin (no facts but an
// appraisal) in November in Taipei.
func oneCase(e policytest.Expect) *policytest.Suite {
	lin := policy.Facts{Employee: "lin", Appraisal: &policy.AppraisalFacts{Score: decimal.RequireFromString("80"), Grade: "good", Passed: true}}
	return &policytest.Suite{Name: "mem.tests.yaml", Cases: []policytest.Case{{
		Name: "chen's november", Period: policy.MonthPeriod(org.Month{Year: 2026, Month: time.November}), Location: taipei,
		Facts: []policy.Facts{lateChen(), lin}, Expect: e,
	}}}
}

func runOne(t *testing.T, e policytest.Expect) policytest.CaseResult {
	t.Helper()
	r := oneCase(e).Run(policy.Default("TWD"), policytest.Options{})
	require.Len(t, r.Cases, 1)
	return r.Cases[0]
}

// Each field an expectation gives must be equal; those it leaves out
// match anything.
func TestExpectedMatchesByEveryFieldItGives(t *testing.T) {
	t.Parallel()
	fine := func(amt string) policytest.ExpectedAction {
		return policytest.ExpectedAction{Kind: policy.Fine, Amount: amount(amt)}
	}
	tests := []struct {
		name  string
		x     policytest.Expected
		match bool
	}{
		{"employee and rule", policytest.Expected{Employee: "chen", Rule: "attendance"}, true},
		{"another employee", policytest.Expected{Employee: "lin", Rule: "attendance"}, false},
		{"another rule", policytest.Expected{Employee: "chen", Rule: "conduct"}, false},
		{"offence", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3}, true},
		{"offence past the last", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 4}, false},
		{"incident", policytest.Expected{Employee: "chen", Rule: "attendance", Incident: "l3"}, true},
		{"unknown incident", policytest.Expected{Employee: "chen", Rule: "attendance", Incident: "l9"}, false},
		{"offence of another incident", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3, Incident: "l1"}, false},
		{"actions with amount", policytest.Expected{Employee: "chen", Rule: "attendance", Actions: []policytest.ExpectedAction{fine("500")}}, true},
		{"amount as a number", policytest.Expected{Employee: "chen", Rule: "attendance", Actions: []policytest.ExpectedAction{fine("500.00")}}, true},
		{"wrong amount", policytest.Expected{Employee: "chen", Rule: "attendance", Actions: []policytest.ExpectedAction{fine("600")}}, false},
		{"any amount", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3, Actions: []policytest.ExpectedAction{{Kind: policy.Fine}}}, true},
		{"an action more", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3,
			Actions: []policytest.ExpectedAction{fine("500"), {Kind: policy.Warning}}}, false},
		{"another action", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3,
			Actions: []policytest.ExpectedAction{{Kind: policy.Warning}}}, false},
		{"actions in another order", policytest.Expected{Employee: "chen", Rule: "loss_moderate",
			Actions: []policytest.ExpectedAction{{Kind: policy.Demerit}, {Kind: policy.CompensationAction, Amount: amount("2500")}}}, true},
		{"an action less", policytest.Expected{Employee: "chen", Rule: "loss_moderate",
			Actions: []policytest.ExpectedAction{{Kind: policy.Demerit}}}, false},
		{"no approval", policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 3, NeedsApproval: no()}, true},
		{"approval", policytest.Expected{Employee: "chen", Rule: "attendance", NeedsApproval: yes()}, false},
		{"reason", policytest.Expected{Employee: "chen", Rule: "attendance", Reason: "3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24)"}, true},
		{"another reason", policytest.Expected{Employee: "chen", Rule: "attendance", Reason: "4th lateness"}, false},
		{"reason in Chinese", policytest.Expected{Employee: "chen", Rule: "loss_moderate", ReasonZH: "損失 TWD 12,500 的 20%"}, true},
		{"reason in English is not Chinese", policytest.Expected{Employee: "chen", Rule: "loss_moderate", ReasonZH: "20% of the loss"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runOne(t, policytest.Expect{Includes: []policytest.Expected{tt.x}})
			assert.Equal(t, tt.match, res.Passed, res.Diff)
			if !tt.match {
				require.NotEmpty(t, res.Failures)
				assert.Equal(t, policytest.Missing, res.Failures[0].Kind)
				assert.Equal(t, "expect.includes[0]", res.Failures[0].Where)
			}
		})
	}
}

func TestExactDecisions(t *testing.T) {
	t.Parallel()
	all := []policytest.Expected{
		{Employee: "chen", Rule: "attendance", Offence: 1},
		{Employee: "chen", Rule: "attendance", Offence: 2},
		{Employee: "chen", Rule: "attendance", Offence: 3, Actions: []policytest.ExpectedAction{{Kind: policy.Fine, Amount: amount("500")}}},
		{Employee: "chen", Rule: "loss_moderate"},
	}
	res := runOne(t, policytest.Expect{Exact: true, Decisions: all})
	assert.True(t, res.Passed, res.Diff)
	assert.Empty(t, res.Diff)
	require.Len(t, res.Got, 4)
	assert.Equal(t, "chen attendance #3: fine TWD 500", res.Got[2].Line)
	assert.Equal(t, "default/attendance/chen/2026-11/l3", res.Got[2].Key)
	assert.Equal(t, "3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance (R7.2a)", res.Got[2].Reason)

	// In any order.
	res = runOne(t, policytest.Expect{Exact: true, Decisions: []policytest.Expected{all[3], all[2], all[1], all[0]}})
	assert.True(t, res.Passed, res.Diff)

	// One left out: an unexpected proposal; one wrong: missing and unexpected.
	wrong := []policytest.Expected{all[0], all[1],
		{Employee: "chen", Rule: "attendance", Offence: 3, Actions: []policytest.ExpectedAction{{Kind: policy.Fine, Amount: amount("600")}}}}
	res = runOne(t, policytest.Expect{Exact: true, Decisions: wrong})
	assert.False(t, res.Passed)
	assert.Equal(t, []policytest.Failure{
		{Kind: policytest.Unexpected, Got: "chen attendance #3: fine TWD 500",
			Message: "the policy proposed chen attendance #3: fine TWD 500, which the decisions do not list"},
		{Kind: policytest.Unexpected, Got: "chen loss_moderate: compensation TWD 2500, demerit",
			Message: "the policy proposed chen loss_moderate: compensation TWD 2500, demerit, which the decisions do not list"},
		{Kind: policytest.Missing, Where: "expect.decisions[2]", Expected: "chen attendance #3: fine TWD 600",
			Message: "expect.decisions[2]: the policy did not propose chen attendance #3: fine TWD 600"},
	}, res.Failures)
	assert.Equal(t, `-want +got:
  chen attendance #1 (incident l1): warning
  chen attendance #2 (incident l2): warning
- chen attendance #3: fine TWD 600  (expect.decisions[2])
+ chen attendance #3 (incident l3): fine TWD 500
      3rd lateness within 30 days (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance (R7.2a)
+ chen loss_moderate: compensation TWD 2500, demerit
      complaint, loss or negligence of TWD 12,500 in the period (above 10,000, at most 50,000): compensation TWD 2,500 (20% of the loss of TWD 12,500), demerit under rule loss_moderate (R7.2c)`, res.Diff)

	// decisions: [] expects nothing.
	res = runOne(t, policytest.Expect{Exact: true})
	assert.False(t, res.Passed)
	assert.Len(t, res.Failures, 4)
}

// An expectation that could match several proposals does not take the
// only one a more precise expectation matches.
func TestIncludesArePairedToMatchAsManyAsCan(t *testing.T) {
	t.Parallel()
	loose := policytest.Expected{Employee: "chen", Rule: "attendance"}
	first := policytest.Expected{Employee: "chen", Rule: "attendance", Offence: 1}
	res := runOne(t, policytest.Expect{Includes: []policytest.Expected{loose, loose, first}})
	assert.True(t, res.Passed, res.Diff)

	res = runOne(t, policytest.Expect{Includes: []policytest.Expected{loose, loose, loose, loose}})
	assert.False(t, res.Passed, "three offences, four expected")
	require.Len(t, res.Failures, 1)
	assert.Equal(t, "expect.includes[3]", res.Failures[0].Where)
	assert.Contains(t, res.Diff, "- chen attendance: ...  (expect.includes[3])")
}

func TestExcludes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		x        policytest.Expected
		excluded string
	}{
		{"employee and rule", policytest.Expected{Employee: "chen", Rule: "loss_moderate"}, "chen loss_moderate: compensation TWD 2500, demerit"},
		{"employee", policytest.Expected{Employee: "chen"}, "chen attendance #1: warning"},
		{"rule", policytest.Expected{Rule: "attendance", Offence: 3}, "chen attendance #3: fine TWD 500"},
		{"nothing matches", policytest.Expected{Employee: "lin"}, ""},
		{"nothing matches the rule", policytest.Expected{Rule: "dismissal_never_written", Employee: "chen"}, "unknown"},
		{"another amount", policytest.Expected{Rule: "attendance", Actions: []policytest.ExpectedAction{{Kind: policy.Fine, Amount: amount("1000")}}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runOne(t, policytest.Expect{Excludes: []policytest.Expected{tt.x}})
			switch tt.excluded {
			case "":
				assert.True(t, res.Passed, res.Diff)
			case "unknown":
				assert.False(t, res.Passed, "a misspelt rule never passes by matching nothing")
				require.NotEmpty(t, res.Failures)
				assert.Equal(t, policytest.UnknownRule, res.Failures[0].Kind)
				assert.Equal(t, `expect.excludes[0].rule: "dismissal_never_written" is not a rule of policy default`, res.Failures[0].Message)
				assert.True(t, strings.HasPrefix(res.Diff, res.Failures[0].Message+"\n-want +got:\n"), res.Diff)
			default:
				assert.False(t, res.Passed)
				require.NotEmpty(t, res.Failures)
				f := res.Failures[0]
				assert.Equal(t, policytest.Excluded, f.Kind)
				assert.Equal(t, "expect.excludes[0]", f.Where)
				assert.Equal(t, tt.excluded, f.Got)
				assert.Contains(t, res.Diff, "(excluded by expect.excludes[0])")
			}
		})
	}
}

func TestAnInputThePolicyRefusesFailsTheCase(t *testing.T) {
	t.Parallel()
	s := oneCase(policytest.Expect{Exact: true})
	s.Cases[0].Facts[0].Incidents[3].Amount = decimal.RequireFromString("12500.5") // the default has places 0
	r := s.Run(policy.Default("TWD"), policytest.Options{})
	require.Len(t, r.Cases, 1)
	c := r.Cases[0]
	assert.False(t, c.Passed)
	require.Len(t, c.Failures, 1)
	assert.Equal(t, policytest.EvalError, c.Failures[0].Kind)
	assert.Contains(t, c.Failures[0].Message, "facts[0].incidents[3].amount: has more decimal places than the policy's places (0)")
	assert.Equal(t, c.Failures[0].Message, c.Diff)

	// An invalid policy fails every case, and covers nothing.
	bad := policy.Default("TWD")
	bad.Currency = ""
	r = oneCase(policytest.Expect{Exact: true}).Run(bad, policytest.Options{})
	assert.False(t, r.Passed())
	assert.Contains(t, r.Cases[0].Diff, "currency: is required")
	assert.Equal(t, 0, r.Coverage.Covered)
}

func TestRunFiltersCasesAndCoversOnlyThoseThatRan(t *testing.T) {
	t.Parallel()
	s, err := policytest.LoadFile(filepath.Join("..", "default.tests.yaml"))
	require.NoError(t, err)
	p := policy.Default("TWD")

	all := s.Run(p, policytest.Options{})
	assert.True(t, all.Passed())
	assert.Equal(t, "default", all.PolicyID)
	assert.Equal(t, 1, all.PolicyVersion)
	assert.Equal(t, len(s.Cases), len(all.Cases))

	r := s.Run(p, policytest.Options{Run: regexp.MustCompile(`^a loss`)})
	var names []string
	for _, c := range r.Cases {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{
		"a loss of exactly 10,000 is minor",
		"a loss just above 10,000 is moderate",
		"a loss of exactly 50,000 is moderate",
		"a loss just above 50,000 is major, with approval",
		"a loss of exactly 200,000 is major",
		"a loss above 200,000 is severe, dismissal with approval",
	}, names)
	assert.Equal(t, []string{"loss_minor", "loss_moderate", "loss_major", "loss_severe"}, covered(r.Coverage))
	assert.Equal(t, 4, r.Coverage.Covered)
	assert.Equal(t, 16, r.Coverage.Total)
	assert.Equal(t, "25", r.Coverage.Percent.String())

	none := s.Run(p, policytest.Options{Run: regexp.MustCompile(`no such case`)})
	assert.Empty(t, none.Cases)
	assert.True(t, none.Passed(), "no case ran: none failed")
	assert.Equal(t, "0", none.Coverage.Percent.String())
}

func covered(c policytest.Coverage) []string {
	var out []string
	for _, r := range c.Rules {
		if r.Covered() {
			out = append(out, r.Rule)
		}
	}
	return out
}

// The suite's cases together with several suites: coverage is of them
// all, and each case names its suite.
func TestRunSeveralSuites(t *testing.T) {
	t.Parallel()
	a, err := policytest.LoadFile(filepath.Join("testdata", "small.tests.json"))
	require.NoError(t, err)
	b := oneCase(policytest.Expect{Includes: []policytest.Expected{{Employee: "chen", Rule: "loss_moderate"}}})
	r := policytest.Run(policy.Default("TWD"), policytest.Options{}, a, b)
	require.Len(t, r.Cases, 3)
	assert.Equal(t, filepath.Join("testdata", "small.tests.json"), r.Cases[0].Suite)
	assert.Equal(t, "mem.tests.yaml", r.Cases[2].Suite)
	assert.Equal(t, []string{"excellent_appraisal", "attendance", "loss_moderate", "confidentiality_breach"}, covered(r.Coverage))
}

// tb records what a helper reports, to test the helpers' failures.
type tb struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *tb) Helper() {}
func (r *tb) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *tb) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
}

func TestTestReportsEachFailingCaseWithItsDiff(t *testing.T) {
	t.Parallel()
	broken := strings.Replace(string(policy.DefaultFile()), "- [{kind: fine, amount: 500}]", "- [{kind: fine, amount: 600}]", 1)
	path := filepath.Join(t.TempDir(), "broken.yaml")
	require.NoError(t, os.WriteFile(path, []byte(broken), 0o600))

	rec := &tb{TB: t}
	r := policytest.Test(rec, path, filepath.Join("..", "default.tests.yaml"))
	assert.False(t, rec.fatal)
	assert.Len(t, r.Failed(), 3)
	require.Len(t, rec.errors, 3, "one error per failing case")
	assert.Contains(t, rec.errors[0], `policytest: case "the third lateness in 30 days is fined 500" of ../default.tests.yaml failed:`)
	assert.Contains(t, rec.errors[0], "+ chen attendance #3 (incident l3): fine TWD 600\n")
}

func TestTestFailsAtOnceOnAFileItCannotUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
		return path
	}
	good := filepath.Join("..", "default.tests.yaml")
	for _, tt := range []struct {
		name, policy, tests, want string
	}{
		{"invalid tests", "", write("bad.tests.yaml", "cases:\n  - name: x\n    period: soon\n"),
			"\n" + filepath.Join(dir, "bad.tests.yaml") + ":3:5: cases[0].period: must be a month"},
		{"no tests", "", filepath.Join(dir, "none.yaml"), "no such file"},
		{"no policy named", "", write("nopolicy.tests.yaml", "cases: [{name: x, period: 2026-11, facts: [], expect: {decisions: []}}]\n"),
			"names no policy (policy:), and none was given"},
		{"invalid policy", write("bad.yaml", "id: x\nversion: 0\n"), good,
			filepath.Join(dir, "bad.yaml") + ":2:1: version: must be 1 or more"},
		{"policy named by the tests missing", "", write("lost.tests.yaml", "policy: lost.yaml\ncases: [{name: x, period: 2026-11, facts: [], expect: {decisions: []}}]\n"),
			"no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &tb{TB: t}
			r := policytest.Test(rec, tt.policy, tt.tests)
			assert.True(t, rec.fatal)
			require.Len(t, rec.errors, 1)
			assert.Contains(t, rec.errors[0], tt.want)
			assert.Empty(t, r.Cases)
		})
	}
}

func TestSuitesAsSubtests(t *testing.T) {
	t.Parallel()
	a, err := policytest.LoadFile(filepath.Join("testdata", "small.tests.json"))
	require.NoError(t, err)
	b, err := policytest.LoadFile(filepath.Join("..", "default.tests.yaml"))
	require.NoError(t, err)
	r := policytest.TestSuites(t, policy.Default("TWD"), a, b)
	assert.Len(t, r.Cases, len(a.Cases)+len(b.Cases))
	assert.True(t, policytest.AssertCoverage(t, r.Coverage, 100))
}
