package policy

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/servicelane/servicelane/org"
)

// The issue asks how the structured conditions compare with the same
// conditions written in an expression language, expr-lang/expr (a test
// dependency only). Both sides evaluate every monthly condition of the
// default policy for every employee, ladders included (each offence's
// count in its window), from the same facts: the structured side through
// the compiled conditions and the employee's view, the expr side through
// compiled programs over an environment built from the facts. Neither
// builds proposals or explanations; TestExprConditionsAgree proves both
// reach the same answers.

// exprIncident and exprEnv are the facts as expr sees them. Amounts become
// float64 here, which is one reason money never goes through expr.
type exprIncident struct {
	Kind   string
	Day    int
	In     bool
	Amount float64
}

type exprEnv struct {
	HasAppraisal     bool
	Score            float64
	Rank             int
	Passed           bool
	Excellent        bool
	ConsecutiveFails int
	Training         []string
	Nominations      int
	Incidents        []exprIncident
}

// exprRules are the default policy's monthly conditions as expressions,
// by rule ID; a ladder's gives each in-period offence's number in its
// window.
var exprRules = []struct{ id, src string }{
	{"monthly_excellent_advisor", `HasAppraisal && Rank >= 1 && Rank <= 1 && Score >= 90`},
	{"special_contribution", `Nominations >= 1`},
	{"excellent_appraisal", `HasAppraisal && Excellent`},
	{"failed_appraisal", `HasAppraisal && !Passed`},
	{"two_consecutive_fails", `HasAppraisal && ConsecutiveFails >= 2`},
	{"training_failed", `count(Training, # == "failed") >= 1`},
	{"retake_failed", `count(Training, # == "retake_failed") >= 1 || count(Training, # == "retraining") >= 1`},
	{"attendance", `map(filter(Incidents, .In && .Kind in ["late", "left_early", "absent"]), {let d = .Day;
		count(Incidents, .Kind in ["late", "left_early", "absent"] && .Day >= d - 29 && .Day <= d)})`},
	{"conduct", `map(filter(Incidents, .In && .Kind in ["bad_attitude", "customer_quarrel", "image_harm"]), {let d = .Day;
		count(Incidents, .Kind in ["bad_attitude", "customer_quarrel", "image_harm"] && .Day >= d - 364 && .Day <= d)})`},
	{"complaint_warning", `count(Incidents, .In && .Kind == "complaint") >= 1 &&
		!(sum(filter(Incidents, .In && .Kind in ["complaint", "loss", "negligence"]), .Amount) > 0)`},
	{"loss_minor", `let t = sum(filter(Incidents, .In && .Kind in ["complaint", "loss", "negligence"]), .Amount); t > 0 && t <= 10000`},
	{"loss_moderate", `let t = sum(filter(Incidents, .In && .Kind in ["complaint", "loss", "negligence"]), .Amount); t > 10000 && t <= 50000`},
	{"loss_major", `let t = sum(filter(Incidents, .In && .Kind in ["complaint", "loss", "negligence"]), .Amount); t > 50000 && t <= 200000`},
	{"loss_severe", `let t = sum(filter(Incidents, .In && .Kind in ["complaint", "loss", "negligence"]), .Amount); t > 200000`},
	{"confidentiality_breach", `count(Incidents, .In && .Kind == "confidentiality_breach") >= 1`},
}

func compileExprRules(tb testing.TB) []*vm.Program {
	tb.Helper()
	out := make([]*vm.Program, len(exprRules))
	for i, r := range exprRules {
		prog, err := expr.Compile(r.src, expr.Env(exprEnv{}))
		if err != nil {
			tb.Fatalf("%s: %v", r.id, err)
		}
		out[i] = prog
	}
	return out
}

// exprEnvOf builds the environment of f for the period [start, end).
func exprEnvOf(f *Facts, start, end time.Time, loc *time.Location) exprEnv {
	env := exprEnv{Nominations: len(f.Nominations), Incidents: make([]exprIncident, 0, len(f.Incidents))}
	if a := f.Appraisal; a != nil {
		env.HasAppraisal, env.Rank, env.Passed, env.Excellent, env.ConsecutiveFails = true, a.Rank, a.Passed, a.Excellent, a.ConsecutiveFails
		env.Score = a.Score.InexactFloat64()
	}
	for _, t := range f.Training {
		env.Training = append(env.Training, string(t.Outcome))
	}
	incs := slices.Clone(f.Incidents) // in time order, as the view has them
	slices.SortFunc(incs, func(a, b Incident) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	for _, inc := range incs {
		if !inc.At.Before(end) {
			continue
		}
		env.Incidents = append(env.Incidents, exprIncident{Kind: string(inc.Kind), Day: int(localDay(inc.At, loc)),
			In: !inc.At.Before(start), Amount: inc.Amount.InexactFloat64()})
	}
	return env
}

// exprFired runs the programs for one employee: for a condition, the rule
// ID when true; for a ladder, "rule#n" per offence.
func exprFired(tb testing.TB, progs []*vm.Program, env exprEnv, fired []string) []string {
	for i, prog := range progs {
		out, err := expr.Run(prog, env)
		if err != nil {
			tb.Fatal(err)
		}
		switch v := out.(type) {
		case bool:
			if v {
				fired = append(fired, exprRules[i].id)
			}
		case []any:
			for _, n := range v {
				fired = append(fired, fmt.Sprintf("%s#%d", exprRules[i].id, n))
			}
		}
	}
	return fired
}

// structuredFired is exprFired through the compiled conditions and view.
func structuredFired(e *evaluator, v *view, fired []string) []string {
	for _, cr := range e.rules {
		if cr.ladder == nil {
			if eval(cr.when, v) == yes {
				fired = append(fired, cr.r.ID)
			}
			continue
		}
		for i, x := range v.incs {
			if x.in && cr.mask&(1<<x.kind) != 0 {
				n, _ := v.windowCount(i, cr.mask, cr.ladder.WithinDays, false)
				fired = append(fired, fmt.Sprintf("%s#%d", cr.r.ID, n))
			}
		}
	}
	return fired
}

func benchInput(n int) Input {
	return Input{Period: MonthPeriod(org.Month{Year: 2026, Month: time.November}),
		Location: time.FixedZone("Asia/Taipei", 8*60*60), Facts: BenchMonth(n)}
}

// TestExprConditionsAgree: the expressions are the same conditions, so
// the comparison is fair: every employee fires the same rules both ways.
func TestExprConditionsAgree(t *testing.T) {
	in := benchInput(2000)
	p := Default("TWD")
	e := newEvaluator(p, in)
	progs := compileExprRules(t)
	require := func(cond bool, format string, args ...any) {
		t.Helper()
		if !cond {
			t.Fatalf(format, args...)
		}
	}
	require(len(e.rules) == len(exprRules), "the default policy has %d monthly rules, the expressions %d", len(e.rules), len(exprRules))
	total := 0
	for _, v := range e.views {
		want := structuredFired(e, v, nil)
		got := exprFired(t, progs, exprEnvOf(v.f, e.start, e.end, e.loc), nil)
		require(fmt.Sprint(want) == fmt.Sprint(got), "%s: structured %v, expr %v", v.f.Employee, want, got)
		total += len(want)
	}
	require(total > 2000, "the month fires %d conditions: too few to compare", total)
}

// BenchmarkConditions compares the structured conditions with the same
// conditions in expr for 10,000 employees for one month: per employee,
// build the view (or the environment) and evaluate every monthly rule.
func BenchmarkConditions(b *testing.B) {
	in := benchInput(10000)
	p := Default("TWD")
	b.Run("structured", func(b *testing.B) {
		e := newEvaluator(p, in) // compiles the conditions once
		fired := make([]string, 0, 32)
		b.ReportAllocs()
		for b.Loop() {
			for i := range in.Facts {
				fired = structuredFired(e, e.newView(&in.Facts[i]), fired[:0])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in.Facts)), "ns/employee")
	})
	b.Run("expr", func(b *testing.B) {
		e := newEvaluator(p, in)
		progs := compileExprRules(b)
		fired := make([]string, 0, 32)
		b.ReportAllocs()
		for b.Loop() {
			for i := range in.Facts {
				fired = exprFired(b, progs, exprEnvOf(&in.Facts[i], e.start, e.end, e.loc), fired[:0])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(in.Facts)), "ns/employee")
	})
}
