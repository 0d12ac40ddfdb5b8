package main

// The policy commands: check reward and penalty policies (R6.4, R7) and run
// their test files, for teams that do not write Go.
//
//	servicelane policy check [-json] FILE...
//	servicelane policy test [-json] [-run REGEX] [-min-coverage PCT] [-v] POLICY TESTS...
//
// policy test prints what go test prints: "--- FAIL: name" and the
// case's diff for each failing case (every case with -v), then
// "ok  N cases, coverage 87.5% (uncovered: rule_a, rule_b)" or a FAIL line.
// It exits 0 when every case passes and the rule coverage is at least
// -min-coverage, 1 when a case fails or the coverage is below it, and 2
// when it cannot run: bad flags, a file it cannot read, an invalid policy
// or test file (whose problems it prints as policy check does). -json
// prints one JSON document with every case and the coverage instead.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

var policyKind = kind{"policy", func(name string, data []byte) (string, error) {
	p, err := policy.Load(name, data)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("policy %s version %d in %s: %s, %s", p.ID, p.Version, p.Currency, count(len(p.Rules), "rule"), count(len(p.Ladders), "ladder")), nil
}}

// policyTestReport is what policy test -json prints: the report of
// policytest with the files, the outcome and the threshold.
type policyTestReport struct {
	Policy      string          `json:"policy"`
	Tests       []string        `json:"tests"`
	OK          bool            `json:"ok"`
	Passed      int             `json:"passed"`
	Failed      int             `json:"failed"`
	MinCoverage decimal.Decimal `json:"min_coverage"`
	policytest.Report
}

// policyTestProblem is what policy test -json prints when it cannot run.
type policyTestProblem struct {
	OK       bool             `json:"ok"`
	File     string           `json:"file,omitempty"`
	Error    string           `json:"error"`
	Problems []org.FieldError `json:"problems"`
}

// policyTestCommand runs test files against a policy.
func policyTestCommand(args []string, stdout, stderr io.Writer) int {
	f, ok := parsePolicyTestFlags(args, stderr)
	if !ok {
		return exitUsage
	}
	if len(f.files) < 2 {
		fmt.Fprintln(stderr, "servicelane: policy test: name the policy file and at least one test file: POLICY TESTS...")
		return exitUsage
	}
	policyFile, testFiles := f.files[0], f.files[1:]
	p, err := policy.LoadFile(policyFile)
	if err != nil {
		return cannotTest(stdout, stderr, f.json, policyFile, err)
	}
	var suites []*policytest.Suite
	for _, file := range testFiles {
		s, err := policytest.LoadFile(file)
		if err != nil {
			return cannotTest(stdout, stderr, f.json, file, err)
		}
		suites = append(suites, s)
	}
	r := policytest.Run(p, f.opts, suites...)
	failed := len(r.Failed())
	out := policyTestReport{Policy: policyFile, Tests: testFiles, OK: failed == 0 && r.Coverage.AtLeast(f.minCoverage),
		Passed: len(r.Cases) - failed, Failed: failed, MinCoverage: f.minCoverage, Report: r}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return exitUsage
		}
	} else {
		printPolicyTest(stdout, out, f.verbose, len(suites) > 1)
	}
	if len(r.Cases) == 0 {
		fmt.Fprintf(stderr, "servicelane: policy test: warning: no case matches -run %q\n", f.run)
	}
	if !out.OK {
		return exitProblem
	}
	return exitOK
}

// parsedPolicyTest is the command line of policy test, parsed.
type parsedPolicyTest struct {
	json, verbose bool
	run           string
	opts          policytest.Options
	minCoverage   decimal.Decimal
	files         []string
}

func parsePolicyTestFlags(args []string, stderr io.Writer) (parsedPolicyTest, bool) {
	var f parsedPolicyTest
	fs := flag.NewFlagSet("policy test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&f.json, "json", false, "print one JSON document with every case and the coverage")
	fs.StringVar(&f.run, "run", "", "run only the cases whose name matches the regular expression")
	minText := fs.String("min-coverage", "0", "fail when less than this percent of the policy's rules are exercised")
	fs.BoolVar(&f.verbose, "v", false, "list every case, passing or not")
	files, err := parseArgs(fs, args)
	if err != nil {
		return f, false
	}
	f.files = files
	if f.run != "" {
		re, err := regexp.Compile(f.run)
		if err != nil {
			fmt.Fprintf(stderr, "servicelane: policy test: -run: %v\n", err)
			return f, false
		}
		f.opts.Run = re
	}
	f.minCoverage, err = decimal.NewFromString(strings.TrimSuffix(*minText, "%"))
	if err != nil || f.minCoverage.IsNegative() || f.minCoverage.GreaterThan(decimal.NewFromInt(100)) {
		fmt.Fprintf(stderr, "servicelane: policy test: -min-coverage is a percent from 0 to 100, not %q\n", *minText)
		return f, false
	}
	return f, true
}

// cannotTest reports a file that policy test cannot use: its problems as
// policy check prints them (or a JSON document), and why on stderr.
func cannotTest(stdout, stderr io.Writer, asJSON bool, file string, err error) int {
	out := policyTestProblem{File: file, Error: err.Error(), Problems: []org.FieldError{}}
	var ve *org.ValidationError
	if errors.As(err, &ve) {
		out.Problems = ve.Fields
		out.Error = fmt.Sprintf("%s has %d problem", file, len(ve.Fields))
		if len(ve.Fields) != 1 {
			out.Error += "s"
		}
	}
	if asJSON {
		_ = json.NewEncoder(stdout).Encode(out)
	} else {
		for _, p := range out.Problems {
			fmt.Fprintf(stdout, "%s: %s (%s)\n", p.Where(), p.Message, p.Code)
		}
	}
	fmt.Fprintf(stderr, "servicelane: policy test: cannot run: %s\n", out.Error)
	return exitUsage
}

// printPolicyTest prints the report as go test does: the failing cases
// (every case with verbose) with their diffs, then one summary line.
func printPolicyTest(w io.Writer, r policyTestReport, verbose, suiteNames bool) {
	for _, c := range r.Cases {
		name := c.Name
		if suiteNames {
			name += " (" + c.Suite + ")"
		}
		if verbose {
			fmt.Fprintf(w, "=== RUN   %s\n", name)
		}
		switch {
		case c.Passed && verbose:
			fmt.Fprintf(w, "--- PASS: %s\n", name)
			for _, g := range c.Got {
				fmt.Fprintf(w, "    %s\n", g.Line)
			}
		case !c.Passed:
			fmt.Fprintf(w, "--- FAIL: %s\n", name)
			for line := range strings.Lines(c.Diff) {
				fmt.Fprintf(w, "    %s", line)
			}
			fmt.Fprintln(w)
		}
	}
	cov := r.Coverage
	uncovered := ""
	if len(cov.Uncovered) > 0 {
		uncovered = " (uncovered: " + strings.Join(cov.Uncovered, ", ") + ")"
	}
	switch {
	case r.Failed > 0:
		fmt.Fprintf(w, "FAIL  %d of %s failed, coverage %s%%%s\n", r.Failed, cases(len(r.Cases)), cov.Percent, uncovered)
	case !r.OK:
		fmt.Fprintf(w, "FAIL  %s passed, but coverage %s%% is below -min-coverage %s%%%s\n", cases(r.Passed), cov.Percent,
			r.MinCoverage, uncovered)
	default:
		fmt.Fprintf(w, "ok  %s, coverage %s%%%s\n", cases(len(r.Cases)), cov.Percent, uncovered)
	}
}

// cases writes "1 case", "3 cases".
func cases(n int) string {
	if n == 1 {
		return "1 case"
	}
	return fmt.Sprintf("%d cases", n)
}
