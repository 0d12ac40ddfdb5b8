package policytest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // a case's zone means the same on every machine, with or without a zone database

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/config"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

// Suite is a file of test cases for a policy: given facts, the decisions
// the policy must (or must not) propose. [Load] reads one; a suite built in
// Go runs the same way.
type Suite struct {
	// Name is the file's name as given to Load; results name it.
	Name string `json:"name"`
	// Policy is the policy file the suite tests, as written in the file,
	// relative to the suite's own directory (see [Suite.PolicyPath]); empty
	// when the caller names the policy.
	Policy string `json:"policy,omitempty"`
	Cases  []Case `json:"cases"`
}

// PolicyPath is the file that Policy names, relative to the directory of
// the suite's Name (an absolute Policy as it is), or "" when Policy is
// empty.
func (s *Suite) PolicyPath() string {
	if s.Policy == "" || filepath.IsAbs(s.Policy) {
		return s.Policy
	}
	return filepath.Join(filepath.Dir(s.Name), filepath.FromSlash(s.Policy))
}

// Case is one test case: the facts of some employees for one period and
// what the policy must propose for them.
type Case struct {
	// Name is unique in its suite; a subtest and a -run filter use it.
	Name   string        `json:"name"`
	Period policy.Period `json:"period"`
	// Location is the dealer's time zone the case is evaluated in; nil is
	// UTC.
	Location *time.Location `json:"-"`
	Facts    []policy.Facts `json:"facts"`
	Expect   Expect         `json:"expect"`
}

// Expect is what a case expects of the proposals. With Exact, Decisions
// are every proposal: each matches one proposal and no proposal is left
// over (Exact with no Decisions: no proposal at all). Otherwise each of
// Includes matches a proposal of its own, and no proposal matches any of
// Excludes.
type Expect struct {
	Exact     bool       `json:"exact,omitempty"`
	Decisions []Expected `json:"decisions,omitempty"`
	Includes  []Expected `json:"includes,omitempty"`
	Excludes  []Expected `json:"excludes,omitempty"`
}

// Expected describes a proposal. It matches a proposal when every field it
// gives is equal (a field left out, zero or nil, matches anything):
// Employee and Rule; Offence and Incident, a ladder's offence number and
// incident; Actions, the proposal's actions in any order, none missing and
// none more; NeedsApproval; and Reason and ReasonZH, text that the
// proposal's explanation contains in English and in Traditional Chinese.
// An expectation of Decisions or Includes gives Employee and Rule; one of
// Excludes gives at least one of them ({employee: chen} excludes every
// proposal for chen, {rule: confidentiality_breach} every proposal of that
// rule).
type Expected struct {
	Employee      org.EmployeeID   `json:"employee,omitempty" yaml:"employee,omitempty"`
	Rule          string           `json:"rule,omitempty" yaml:"rule,omitempty"`
	Offence       int              `json:"offence,omitempty" yaml:"offence,omitempty"`
	Incident      string           `json:"incident,omitempty" yaml:"incident,omitempty"`
	Actions       []ExpectedAction `json:"actions,omitempty" yaml:"actions,omitempty"`
	NeedsApproval *bool            `json:"needs_approval,omitempty" yaml:"needs_approval,omitempty"`
	Reason        string           `json:"reason,omitempty" yaml:"reason,omitempty"`
	ReasonZH      string           `json:"reason_zh,omitempty" yaml:"reason_zh,omitempty"`
}

// ExpectedAction is an action of an expected proposal: its kind and, when
// given, its amount, compared as a number (500 equals 500.00).
type ExpectedAction struct {
	Kind   policy.ActionKind `json:"kind" yaml:"kind"`
	Amount *decimal.Decimal  `json:"amount,omitempty" yaml:"amount,omitempty"`
}

// The file as written: the loader decodes it into these, with every field
// named in both formats, and resolve turns them into a Suite. The facts
// are written here rather than decoded into policy.Facts so that an
// incident's time can be written in the case's zone ("2026-11-03
// 09:10") and the YAML keys are the JSON names (consecutive_fails).

type suiteFile struct {
	Policy string     `json:"policy" yaml:"policy"`
	Cases  []caseFile `json:"cases" yaml:"cases"`
}

type caseFile struct {
	Name   string      `json:"name" yaml:"name"`
	Period string      `json:"period" yaml:"period"`
	Zone   string      `json:"zone" yaml:"zone"`
	Facts  []factsFile `json:"facts" yaml:"facts"`
	Expect expectFile  `json:"expect" yaml:"expect"`
}

type expectFile struct {
	Decisions []Expected `json:"decisions" yaml:"decisions"`
	Includes  []Expected `json:"includes" yaml:"includes"`
	Excludes  []Expected `json:"excludes" yaml:"excludes"`
}

type factsFile struct {
	Employee    string           `json:"employee" yaml:"employee"`
	Appraisal   *appraisalFile   `json:"appraisal" yaml:"appraisal"`
	Training    []trainingFile   `json:"training" yaml:"training"`
	Incidents   []incidentFile   `json:"incidents" yaml:"incidents"`
	Nominations []nominationFile `json:"nominations" yaml:"nominations"`
}

type appraisalFile struct {
	Score            decimal.Decimal `json:"score" yaml:"score"`
	Grade            string          `json:"grade" yaml:"grade"`
	Passed           bool            `json:"passed" yaml:"passed"`
	Excellent        bool            `json:"excellent" yaml:"excellent"`
	Rank             int             `json:"rank" yaml:"rank"`
	Ranked           int             `json:"ranked" yaml:"ranked"`
	ConsecutiveFails int             `json:"consecutive_fails" yaml:"consecutive_fails"`
}

type trainingFile struct {
	Course  string `json:"course" yaml:"course"`
	Outcome string `json:"outcome" yaml:"outcome"`
}

type incidentFile struct {
	ID     string          `json:"id" yaml:"id"`
	Kind   string          `json:"kind" yaml:"kind"`
	At     string          `json:"at" yaml:"at"`
	Amount decimal.Decimal `json:"amount" yaml:"amount"`
	Note   string          `json:"note" yaml:"note"`
}

type nominationFile struct {
	ID     string `json:"id" yaml:"id"`
	Reason string `json:"reason" yaml:"reason"`
	By     string `json:"by" yaml:"by"`
}

// suiteOptions are the loader's rules for a test file: decimals as a
// policy's (at most 32 digits before and after the point).
var suiteOptions = config.Options{
	Op:             "policytest: load tests",
	Noun:           "test suite",
	MaxDecimalText: 100,
	DecimalExample: "500",
	DecimalRange:   config.DigitLimit(32),
}

// Limits of a test suite file, checked before it is parsed (see
// docs/CONVENTIONS.md, "Configuration limits"). A file beyond one is
// refused with a *org.ValidationError whose field names the file: code
// org.CodeTooLong for bytes and lines, org.CodeRange for the nesting, and
// a message naming the limit and the actual value. A host raises (or
// lowers) them for its own files with [LoadWith] and [LoadFileWith].
const (
	// MaxSuiteBytes is the largest suite file: 1 MiB.
	MaxSuiteBytes = 1 << 20
	// MaxSuiteLines is the most lines of a suite file.
	MaxSuiteLines = 20_000
	// MaxSuiteDepth is the deepest nesting of mappings and lists in a
	// suite file; a suite nests 7 levels.
	MaxSuiteDepth = 32
)

// MaxSuiteCases is the most cases of a suite, whatever the limits of its
// file: more are one problem at "cases" (code org.CodeTooLong), and the
// cases are not checked one by one.
const MaxSuiteCases = 10_000

// LoadLimits bound a suite file before it is parsed, for [LoadWith] and
// [LoadFileWith]. A field of 0 or less keeps its default (MaxSuiteBytes,
// MaxSuiteLines, MaxSuiteDepth); a message about a limit set here names it
// (policytest.LoadLimits.Bytes). MaxSuiteCases holds whatever these are.
type LoadLimits struct {
	// Bytes is the largest file, in bytes.
	Bytes int
	// Lines is the most lines.
	Lines int
	// Depth is the deepest nesting of mappings and lists.
	Depth int
}

func (lim LoadLimits) options() config.Options {
	return suiteOptions.WithLimits(
		config.Limits{Bytes: MaxSuiteBytes, Lines: MaxSuiteLines, Depth: MaxSuiteDepth},
		config.LimitNames{Bytes: "policytest.MaxSuiteBytes", Lines: "policytest.MaxSuiteLines", Depth: "policytest.MaxSuiteDepth"},
		config.Limits(lim), "policytest.LoadLimits")
}

// LoadFile reads the suite in the file at path: see [Load], with path as
// the name. A file larger than MaxSuiteBytes is refused by its size before
// it is read. A file that cannot be read gives the error of os, wrapped.
func LoadFile(path string) (*Suite, error) {
	return LoadFileWith(path, LoadLimits{})
}

// LoadFileWith is [LoadFile] with the limits lim.
func LoadFileWith(path string, lim LoadLimits) (*Suite, error) {
	opt := lim.options()
	data, err := config.ReadFile(path, opt)
	if err != nil {
		return nil, err
	}
	return load(path, data, opt)
}

// Load decodes a suite of test cases from data, the file called name (.json
// is JSON; anything else YAML), and checks it. It returns a
// *org.ValidationError (Op "policytest: load tests") listing every problem
// at once, each path naming the file, line, column and field, as in
// "default.tests.yaml:41:17: cases[3].facts[0].incidents[1].at": syntax,
// unknown fields, wrong types; no case, more than MaxSuiteCases, a case
// without a name or with the name of another, a period that is not
// "2026-11" or "2026", an unknown zone; facts that [policy.Policy.Evaluate]
// would refuse (an employee twice, a score outside 0 to 100, an incident
// without an ID or time, of an unknown kind, ...); an incident time that
// does not parse; an expectation without decisions, includes or excludes,
// with decisions and includes or excludes together, without the employee
// and rule it needs, naming an employee the case has no facts for, or an
// action kind that does not exist. Data beyond the limits (MaxSuiteBytes,
// MaxSuiteLines, MaxSuiteDepth) is refused before it is parsed, with that
// problem only. It never panics.
//
// Whether each rule an expectation names is a rule of the policy is
// checked when the suite runs, since the file may be run against more than
// one policy.
func Load(name string, data []byte) (*Suite, error) {
	return LoadWith(name, data, LoadLimits{})
}

// LoadWith is [Load] with the limits lim.
func LoadWith(name string, data []byte, lim LoadLimits) (*Suite, error) {
	return load(name, data, lim.options())
}

func load(name string, data []byte, opt config.Options) (*Suite, error) {
	var f suiteFile
	var s *Suite
	err := config.Load(name, data, &f, func() error {
		var err error
		s, err = f.resolve(name)
		return err
	}, opt)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// resolve checks the file and builds its suite; problems are at JSON
// paths, which the loader places in the file.
func (f *suiteFile) resolve(name string) (*Suite, error) {
	ve := &org.ValidationError{Op: suiteOptions.Op}
	s := &Suite{Name: name, Policy: f.Policy}
	if len(f.Cases) == 0 {
		ve.Add("cases", org.CodeRequired, "at least one case is required")
	}
	if config.TooMany(ve, "cases", len(f.Cases), MaxSuiteCases, "policytest.MaxSuiteCases") {
		return s, ve.Err()
	}
	names := map[string]int{}
	for i := range f.Cases {
		at := fmt.Sprintf("cases[%d]", i)
		c := f.Cases[i].resolve(at, ve)
		first, dup := names[c.Name]
		switch {
		case strings.TrimSpace(c.Name) == "":
			ve.Add(at+".name", org.CodeRequired, "is required: results and -run name the case by it")
		case dup:
			ve.Add(at+".name", org.CodeDuplicate, fmt.Sprintf("%q is already the name of cases[%d]", c.Name, first))
		default:
			names[c.Name] = i
		}
		s.Cases = append(s.Cases, c)
	}
	return s, ve.Err()
}

func (f *caseFile) resolve(at string, ve *org.ValidationError) Case {
	c := Case{Name: f.Name}
	var err error
	if f.Period == "" {
		ve.Add(at+".period", org.CodeRequired, `is required: the month ("2026-11") or the year ("2026") the case evaluates`)
	} else if c.Period, err = policy.ParsePeriod(f.Period); err != nil {
		ve.Add(at+".period", org.CodeFormat, `must be a month such as "2026-11" or a year such as "2026"`)
	}
	switch f.Zone {
	case "", "UTC":
		c.Location = time.UTC
	case "Local":
		ve.Add(at+".zone", org.CodeInvalid, "Local depends on the machine: name the dealer's zone, as Asia/Taipei")
	default:
		if c.Location, err = time.LoadLocation(f.Zone); err != nil {
			ve.Add(at+".zone", org.CodeUnknown, fmt.Sprintf("%q is not a time zone; write an IANA name such as Asia/Taipei", f.Zone))
		}
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	for j, ff := range f.Facts {
		c.Facts = append(c.Facts, ff.resolve(fmt.Sprintf("%s.facts[%d]", at, j), loc, ve))
	}
	checkCaseFacts(at, c, ve)
	c.Expect = f.Expect.resolve(at+".expect", c.Facts, ve)
	return c
}

func (f *factsFile) resolve(at string, loc *time.Location, ve *org.ValidationError) policy.Facts {
	out := policy.Facts{Employee: org.EmployeeID(f.Employee)}
	if a := f.Appraisal; a != nil {
		out.Appraisal = &policy.AppraisalFacts{Score: a.Score, Grade: a.Grade, Passed: a.Passed, Excellent: a.Excellent,
			Rank: a.Rank, Ranked: a.Ranked, ConsecutiveFails: a.ConsecutiveFails}
	}
	for _, t := range f.Training {
		out.Training = append(out.Training, policy.TrainingResult{Course: t.Course, Outcome: policy.Outcome(t.Outcome)})
	}
	for k, inc := range f.Incidents {
		when, ok := parseIncidentTime(inc.At, loc)
		if !ok && inc.At != "" {
			ve.Add(fmt.Sprintf("%s.incidents[%d].at", at, k), org.CodeFormat,
				`must be a time such as "2026-11-03T09:10:00+08:00", or "2026-11-03 09:10" or "2026-11-03" in the case's zone`)
		}
		out.Incidents = append(out.Incidents, policy.Incident{ID: inc.ID, Kind: policy.IncidentKind(inc.Kind), At: when,
			Amount: inc.Amount, Note: inc.Note})
	}
	for _, n := range f.Nominations {
		out.Nominations = append(out.Nominations, policy.Nomination{ID: n.ID, Reason: n.Reason, By: org.EmployeeID(n.By)})
	}
	return out
}

// incidentTimeLayouts are the times an incident may be written in without a zone:
// in the case's zone.
var incidentTimeLayouts = []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly}

// parseIncidentTime reads an RFC 3339 time, or a local time or date in loc.
func parseIncidentTime(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	for _, layout := range incidentTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// checkCaseFacts checks the case's facts exactly as Evaluate does, by
// evaluating a policy that proposes nothing on them, and adds what it
// refuses at the case's paths ("facts[0].appraisal.score" becomes
// "cases[2].facts[0].appraisal.score"). A field with a problem of its own
// already (an incident time that does not parse) gets no second one.
func checkCaseFacts(at string, c Case, ve *org.ValidationError) {
	period := c.Period
	if !period.Valid() {
		period = policy.YearPeriod(2000) // reported already; the facts are checked all the same
	}
	_, err := probePolicy().Evaluate(policy.Input{Period: period, Location: c.Location, Facts: c.Facts})
	if err == nil {
		return
	}
	var eve *org.ValidationError
	if !errors.As(err, &eve) {
		ve.Add(at, org.CodeInvalid, err.Error())
		return
	}
	for _, fe := range eve.Fields {
		path := at + "." + fe.Path
		if fe.Path == "" {
			path = at
		}
		if !ve.Has(path) {
			ve.Add(path, fe.Code, fe.Message)
		}
	}
}

// probePolicy is a valid policy that proposes nothing, with the most
// places a policy may have, so that only the policy a suite runs against
// decides whether an amount has too many.
func probePolicy() *policy.Policy {
	places := int32(4)
	return &policy.Policy{ID: "policytest.probe", Version: 1, Currency: "XXX", Places: &places, Rules: []policy.Rule{{
		ID: "never", Title: policy.Text{EN: "never", ZH: "never"}, Period: policy.Monthly,
		When: policy.Condition{Fact: &policy.Compare{Name: "nominations", Op: policy.Lt, Value: "0"}},
		Then: []policy.Action{{Kind: policy.Certificate}},
	}}}
}

func (f *expectFile) resolve(at string, facts []policy.Facts, ve *org.ValidationError) Expect {
	e := Expect{Exact: f.Decisions != nil, Decisions: f.Decisions, Includes: f.Includes, Excludes: f.Excludes}
	switch {
	case e.Exact && (f.Includes != nil || f.Excludes != nil):
		ve.Add(at, org.CodeInvalid, "decisions are every proposal already: write either decisions, or includes and excludes")
	case !e.Exact && f.Includes == nil && f.Excludes == nil:
		ve.Add(at, org.CodeRequired, "write decisions (exactly these proposals; [] for none), includes (at least these) or excludes (none of these)")
	}
	employees := map[org.EmployeeID]bool{}
	for _, f := range facts {
		employees[f.Employee] = true
	}
	for _, list := range []struct {
		name     string
		es       []Expected
		excludes bool
	}{{"decisions", f.Decisions, false}, {"includes", f.Includes, false}, {"excludes", f.Excludes, true}} {
		for i, x := range list.es {
			x.check(fmt.Sprintf("%s.%s[%d]", at, list.name, i), list.excludes, employees, ve)
		}
	}
	return e
}

func (x Expected) check(at string, exclude bool, employees map[org.EmployeeID]bool, ve *org.ValidationError) {
	switch {
	case exclude && x.Employee == "" && x.Rule == "":
		ve.Add(at, org.CodeRequired, "an exclude names an employee, a rule or both")
	case !exclude && x.Employee == "":
		ve.Add(at+".employee", org.CodeRequired, "is required: whose proposal is expected")
	case !exclude && x.Rule == "":
		ve.Add(at+".rule", org.CodeRequired, "is required: the id of the rule that proposes it")
	}
	if x.Employee != "" && !employees[x.Employee] {
		ve.Add(at+".employee", org.CodeNotFound, fmt.Sprintf("%s has no facts in this case, so no proposal can be about them", x.Employee))
	}
	if x.Offence < 0 {
		ve.Add(at+".offence", org.CodeRange, "must be 1 or more: the offence's number within the ladder's window")
	}
	if x.Actions != nil && len(x.Actions) == 0 {
		ve.Add(at+".actions", org.CodeRequired, "a proposal has at least one action: list them, or leave actions out to match any")
	}
	for i, a := range x.Actions {
		aat := fmt.Sprintf("%s.actions[%d]", at, i)
		switch {
		case a.Kind == "":
			ve.Add(aat+".kind", org.CodeRequired, "is required: "+actionKindList())
		case !a.Kind.Valid():
			ve.Add(aat+".kind", org.CodeUnknown, "must be one of "+actionKindList())
		}
		if a.Amount != nil && a.Amount.IsNegative() {
			ve.Add(aat+".amount", org.CodeRange, "must not be negative")
		}
	}
}

func actionKindList() string {
	kinds := policy.ActionKinds()
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
