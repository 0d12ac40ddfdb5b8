package policytest

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// Options change how suites run.
type Options struct {
	// Run, when set, runs only the cases whose name it matches, as go
	// test's -run does (without its / levels). Coverage counts only the
	// cases that ran.
	Run *regexp.Regexp
}

// Report is the result of running suites against a policy.
type Report struct {
	// PolicyID and PolicyVersion name the policy the suites ran against.
	PolicyID      string       `json:"policy_id"`
	PolicyVersion int          `json:"policy_version"`
	Cases         []CaseResult `json:"cases"`
	Coverage      Coverage     `json:"coverage"`
}

// Passed reports whether every case that ran passed (true when none ran).
func (r Report) Passed() bool { return len(r.Failed()) == 0 }

// Failed lists the cases that failed, in the order they ran.
func (r Report) Failed() []CaseResult {
	var out []CaseResult
	for _, c := range r.Cases {
		if !c.Passed {
			out = append(out, c)
		}
	}
	return out
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	// Suite is the Name of the case's suite.
	Suite  string `json:"suite"`
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	// Failures are what went wrong, in order: expectations naming rules
	// the policy lacks; then an evaluation that failed, or else the
	// proposals excluded or unexpected, in the policy's order, and the
	// expectations no proposal matched.
	Failures []Failure `json:"failures,omitempty"`
	// Got are the proposals the policy made, in its order (employee,
	// rule, offence).
	Got []Got `json:"got"`
	// Diff is the failure as a person reads it, empty when the case
	// passed: each failure that is not about a proposal on its own line,
	// then the expected and the proposed decisions one per line, "-" for
	// one expected and not proposed, "+" for one proposed and not expected
	// or excluded, each "+" followed by the proposal's reason in English:
	//
	//	-want +got:
	//	- chen attendance #3 (incident l3): fine TWD 500  (expect.decisions[2])
	//	+ chen attendance #3 (incident l3): fine TWD 1000
	//	      3rd lateness within 30 days (2026-11-03, ...): fine TWD 1,000 under rule attendance (R7.2a)
	//	  chen excellent_appraisal: commendation
	Diff string `json:"diff,omitempty"`
}

// Got is a proposal the policy made in a case.
type Got struct {
	// Line is the proposal on one line: "chen attendance #3: fine TWD 500"
	// (see [ProposalLine]).
	Line string `json:"line"`
	// Reason is the proposal's explanation in English.
	Reason   string          `json:"reason"`
	Key      string          `json:"key"`
	Proposal policy.Proposal `json:"-"`
}

// FailureKind says what went wrong in a case.
type FailureKind string

// Failure kinds.
const (
	// Missing: an expectation of decisions or includes that no proposal
	// matched.
	Missing FailureKind = "missing"
	// Unexpected: a proposal that exact decisions do not list.
	Unexpected FailureKind = "unexpected"
	// Excluded: a proposal that an exclude matched.
	Excluded FailureKind = "excluded"
	// UnknownRule: an expectation naming a rule the policy does not have.
	UnknownRule FailureKind = "unknown_rule"
	// EvalError: the policy could not be evaluated on the case's facts
	// (an invalid policy, an amount with more places than the policy's).
	EvalError FailureKind = "error"
)

// Failure is one thing that went wrong in a case.
type Failure struct {
	Kind FailureKind `json:"kind"`
	// Where is the expectation concerned, as "expect.includes[1]"; empty
	// for an unexpected proposal and an evaluation error.
	Where string `json:"where,omitempty"`
	// Expected is the expectation as a line, Got the proposal as a line,
	// when there is one.
	Expected string `json:"expected,omitempty"`
	Got      string `json:"got,omitempty"`
	Message  string `json:"message"`
}

// Run runs the suite's cases against p: see [Run].
func (s *Suite) Run(p *policy.Policy, opts Options) Report { return Run(p, opts, s) }

// Run runs the cases of the suites against p, in order, and reports each
// case and the rule coverage of them all. It is pure: it evaluates the
// policy and compares, with no testing.T; [Test] and [TestSuites] turn
// the report into subtests. A case passes when the policy evaluates its
// facts and every expectation holds (see [Expect]); an expectation that
// names a rule p does not have fails its case, so that a misspelt exclude
// cannot pass by matching nothing.
func Run(p *policy.Policy, opts Options, suites ...*Suite) Report {
	r := Report{Cases: []CaseResult{}}
	if p != nil {
		r.PolicyID, r.PolicyVersion = p.ID, p.Version
	}
	rules := ruleIndexOf(p)
	var ran []*Case
	for _, s := range suites {
		for i := range s.Cases {
			c := &s.Cases[i]
			if opts.Run != nil && !opts.Run.MatchString(c.Name) {
				continue
			}
			r.Cases = append(r.Cases, runCase(p, s.Name, c, rules))
			ran = append(ran, c)
		}
	}
	r.Coverage = coverageOf(p, r.Cases, ran)
	return r
}

// ruleIndex maps each rule's id to its place in p.
func ruleIndexOf(p *policy.Policy) map[string]int {
	out := map[string]int{}
	if p != nil {
		for i, r := range p.Rules {
			out[r.ID] = i
		}
	}
	return out
}

// expectation is one expectation of a case with where it is written.
type expectation struct {
	x     Expected
	where string // "expect.includes[1]"
}

func expectationsOf(name string, xs []Expected) []expectation {
	out := make([]expectation, len(xs))
	for i, x := range xs {
		out[i] = expectation{x, fmt.Sprintf("expect.%s[%d]", name, i)}
	}
	return out
}

func runCase(p *policy.Policy, suite string, c *Case, rules map[string]int) CaseResult {
	res := CaseResult{Suite: suite, Name: c.Name, Got: []Got{}}
	want := expectationsOf("decisions", c.Expect.Decisions)
	if !c.Expect.Exact {
		want = expectationsOf("includes", c.Expect.Includes)
	}
	excludes := expectationsOf("excludes", c.Expect.Excludes)
	var notes []string // failures that are not about one proposal
	for _, e := range append(append([]expectation{}, want...), excludes...) {
		if _, ok := rules[e.x.Rule]; e.x.Rule != "" && !ok {
			f := Failure{Kind: UnknownRule, Where: e.where, Message: fmt.Sprintf("%s.rule: %q is not a rule of policy %s",
				e.where, e.x.Rule, policyIDOf(p))}
			res.Failures = append(res.Failures, f)
			notes = append(notes, f.Message)
		}
	}
	props, err := p.Evaluate(policy.Input{Period: c.Period, Location: c.Location, Facts: c.Facts})
	if err != nil {
		f := Failure{Kind: EvalError, Message: err.Error()}
		res.Failures = append(res.Failures, f)
		res.Diff = strings.Join(append(notes, f.Message), "\n")
		return res
	}
	for _, pr := range props {
		res.Got = append(res.Got, Got{Line: ProposalLine(pr), Reason: pr.Explanation.Text(org.English), Key: pr.Key, Proposal: pr})
	}
	d := &differ{rules: rules}
	if p != nil {
		d.currency = p.Currency
	}
	res.Failures = append(res.Failures, compare(d, want, excludes, res.Got, c.Expect.Exact)...)
	res.Passed = len(res.Failures) == 0
	if !res.Passed {
		res.Diff = d.text(notes)
	}
	return res
}

// compare checks the proposals against the expectations and lays out the
// diff in d: the proposals excluded or, when exact, unexpected, in the
// policy's order, then the expectations no proposal matched.
func compare(d *differ, want, excludes []expectation, got []Got, exact bool) []Failure {
	var out []Failure
	matchedBy := pairExpected(want, got) // for each proposal, the expectation it matched, or -1
	matched := make([]bool, len(want))
	for gi, g := range got {
		if wi := matchedBy[gi]; wi >= 0 {
			matched[wi] = true
		}
		ei := slices.IndexFunc(excludes, func(e expectation) bool { return expectedMatches(e.x, g.Proposal) })
		switch {
		case ei >= 0:
			e, line := excludes[ei], ExpectedLine(excludes[ei].x, d.currency)
			out = append(out, Failure{Kind: Excluded, Where: e.where, Expected: line, Got: g.Line,
				Message: fmt.Sprintf("%s excludes %s, but the policy proposed %s", e.where, line, g.Line)})
			d.got(g, '+', "excluded by "+e.where)
		case matchedBy[gi] < 0 && exact:
			out = append(out, Failure{Kind: Unexpected, Got: g.Line,
				Message: "the policy proposed " + g.Line + ", which the decisions do not list"})
			d.got(g, '+', "")
		default:
			d.got(g, ' ', "")
		}
	}
	for wi, e := range want {
		if !matched[wi] {
			line := ExpectedLine(e.x, d.currency)
			out = append(out, Failure{Kind: Missing, Where: e.where, Expected: line,
				Message: fmt.Sprintf("%s: the policy did not propose %s", e.where, line)})
			d.want(e)
		}
	}
	return out
}

func policyIDOf(p *policy.Policy) string {
	if p == nil {
		return "(none)"
	}
	return p.ID
}

// pairExpected pairs expectations with proposals, each with at most one of the
// other, so that as many expectations as can be are matched: the largest
// matching of the bipartite graph of expectedMatches (Kuhn's augmenting paths),
// so that a loose expectation never takes the only proposal a precise one
// could match. It returns, for each proposal, the index of its
// expectation, or -1.
func pairExpected(want []expectation, got []Got) []int {
	byGot := make([]int, len(got))
	for i := range byGot {
		byGot[i] = -1
	}
	can := make([][]int, len(want)) // the proposals each expectation matches
	for wi, e := range want {
		for gi, g := range got {
			if expectedMatches(e.x, g.Proposal) {
				can[wi] = append(can[wi], gi)
			}
		}
	}
	var try func(wi int, seen []bool) bool
	try = func(wi int, seen []bool) bool {
		for _, gi := range can[wi] {
			if seen[gi] {
				continue
			}
			seen[gi] = true
			if byGot[gi] < 0 || try(byGot[gi], seen) {
				byGot[gi] = wi
				return true
			}
		}
		return false
	}
	for wi := range want {
		try(wi, make([]bool, len(got)))
	}
	return byGot
}

// expectedMatches reports whether proposal p has every field x gives.
func expectedMatches(x Expected, p policy.Proposal) bool {
	switch {
	case x.Employee != "" && x.Employee != p.Employee,
		x.Rule != "" && x.Rule != p.RuleID,
		x.Offence != 0 && x.Offence != p.Offence,
		x.Incident != "" && x.Incident != p.Incident,
		x.NeedsApproval != nil && *x.NeedsApproval != p.NeedsApproval,
		x.Actions != nil && !sameActions(x.Actions, p.Actions),
		x.Reason != "" && !strings.Contains(p.Explanation.Text(org.English), x.Reason),
		x.ReasonZH != "" && !strings.Contains(p.Explanation.Text(org.TraditionalChinese), x.ReasonZH):
		return false
	}
	return true
}

// sameActions reports whether the actions are the expected ones in some
// order, none more: those with an amount first take an action of their
// kind and amount, then those without one any left of their kind.
func sameActions(want []ExpectedAction, got []policy.Action) bool {
	if len(want) != len(got) {
		return false
	}
	used := make([]bool, len(got))
	take := func(w ExpectedAction) bool {
		for i, a := range got {
			if !used[i] && a.Kind == w.Kind && (w.Amount == nil || w.Amount.Equal(a.Amount)) {
				used[i] = true
				return true
			}
		}
		return false
	}
	for _, withAmount := range []bool{true, false} {
		for _, w := range want {
			if (w.Amount != nil) == withAmount && !take(w) {
				return false
			}
		}
	}
	return true
}

// Test runs a test file against a policy file inside go test: each case as
// a subtest named by the case (see [TestSuites]). An empty policyPath takes
// the policy the test file names (policy:, relative to the test file). A
// file that cannot be read or is invalid fails t at once with every
// problem, each on its own line with its file, line and column. It returns
// the report, for a coverage assertion:
//
//	func TestPolicy(t *testing.T) {
//		r := policytest.Test(t, "policy.yaml", "policy.tests.yaml")
//		policytest.AssertCoverage(t, r.Coverage, 100)
//	}
func Test(t testing.TB, policyPath, testsPath string) Report {
	t.Helper()
	s, err := LoadFile(testsPath)
	if err != nil {
		t.Fatalf("%s", Problems(err))
		return Report{}
	}
	if policyPath == "" {
		policyPath = s.PolicyPath()
	}
	if policyPath == "" {
		t.Fatalf("policytest: %s names no policy (policy:), and none was given", testsPath)
		return Report{}
	}
	p, err := policy.LoadFile(policyPath)
	if err != nil {
		t.Fatalf("%s", Problems(err))
		return Report{}
	}
	return TestSuites(t, p, s)
}

// TestSuites runs the suites against p (see [Run]) and reports each case
// through t: with a *testing.T, as a subtest named by the case (inside one
// per suite, named by its file, when there are several), so that go test
// -run picks cases and lists the failing ones; with any other testing.TB,
// as one error per failing case. A failing case's error is its diff
// ([CaseResult].Diff). An invalid policy fails t at once. It returns the
// report of every case.
func TestSuites(t testing.TB, p *policy.Policy, suites ...*Suite) Report {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatalf("%s", Problems(err))
		return Report{}
	}
	r := Run(p, Options{}, suites...)
	tt, ok := t.(*testing.T)
	if !ok {
		for _, c := range r.Failed() {
			t.Errorf("policytest: case %q of %s failed:\n%s", c.Name, c.Suite, c.Diff)
		}
		return r
	}
	runCases := func(t *testing.T, suite string) {
		for _, c := range r.Cases {
			if c.Suite != suite {
				continue
			}
			t.Run(c.Name, func(t *testing.T) {
				t.Helper()
				if !c.Passed {
					t.Errorf("the policy does not propose what the case expects:\n%s", c.Diff)
				}
			})
		}
	}
	seen := map[string]bool{}
	for _, s := range suites {
		if seen[s.Name] {
			continue
		}
		seen[s.Name] = true
		if len(suites) == 1 {
			runCases(tt, s.Name)
			continue
		}
		tt.Run(filepath.Base(s.Name), func(t *testing.T) { runCases(t, s.Name) })
	}
	return r
}

// Problems writes an error of Load, LoadFile, [policy.Load] or
// [policy.LoadFile] with each problem on its own line, as "file:line:col:
// field: message (code)"; any other error as it is.
func Problems(err error) string {
	var ve *org.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	n := fmt.Sprintf("%d problems", len(ve.Fields))
	if len(ve.Fields) == 1 {
		n = "1 problem"
	}
	lines := []string{ve.Op + ": " + n + ":"}
	for _, f := range ve.Fields {
		lines = append(lines, fmt.Sprintf("%s: %s (%s)", f.Where(), f.Message, f.Code))
	}
	return strings.Join(lines, "\n")
}
