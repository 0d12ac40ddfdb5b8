// A frozen copy of Policy.Evaluate as it was before the fast paths of
// issue 16 (evaluate.go, eval.go, phrases.go, award.go and view.go of that
// time, every unexported type, function, variable and constant renamed
// with the prefix frozen, comments as they were). TestEvaluate_Identical
// (evaluate_identity_test.go) checks that Evaluate gives every random input
// exactly the proposals this copy gives. Do not change it: it is the
// reference.

package policy

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// checkInput reports every bad fact of in. Paths are written only for a
// problem: a month of ten thousand employees checks without them.
func frozenCheckInput(in Input, places int32) error {
	ve := &org.ValidationError{Op: "policy: evaluate"}
	if !in.Period.Valid() {
		ve.Add("period", org.CodeRange, "must be a month (January to December) or a year (month 0) of years 1 to 9999")
	}
	seen := make(map[org.EmployeeID]int, len(in.Facts))
	for i, f := range in.Facts {
		at := func() string { return fmt.Sprintf("facts[%d]", i) }
		first, dup := seen[f.Employee]
		switch {
		case f.Employee == "":
			ve.Add(at()+".employee", org.CodeRequired, "is required")
		case dup:
			ve.Add(at()+".employee", org.CodeDuplicate, fmt.Sprintf("%s is already facts[%d]: give each employee once", f.Employee, first))
		default:
			seen[f.Employee] = i
		}
		if a := f.Appraisal; a != nil {
			frozenCheckAppraisal(at, a, ve)
		}
		for j, t := range f.Training {
			if outcomeIndex(t.Outcome) < 0 {
				ve.Add(fmt.Sprintf("%s.training[%d].outcome", at(), j), org.CodeUnknown,
					"must be one of excellent, passed, failed, retake_failed, retraining")
			}
		}
		frozenCheckIncidents(at, f.Incidents, places, ve)
	}
	return ve.Err()
}

func frozenCheckAppraisal(at func() string, a *AppraisalFacts, ve *org.ValidationError) {
	if a.Score.IsNegative() || a.Score.GreaterThan(hundred) || digits(a.Score) != "" {
		ve.Add(at()+".appraisal.score", org.CodeRange, "must be between 0 and 100")
	}
	switch {
	case a.Rank < 0:
		ve.Add(at()+".appraisal.rank", org.CodeRange, "must not be negative (0: not ranked)")
	case a.Ranked < 0:
		ve.Add(at()+".appraisal.ranked", org.CodeRange, "must not be negative")
	case a.Rank > a.Ranked:
		ve.Add(at()+".appraisal.rank", org.CodeRange, fmt.Sprintf("must be at most ranked (%d)", a.Ranked))
	}
	switch {
	case a.ConsecutiveFails < 0:
		ve.Add(at()+".appraisal.consecutive_fails", org.CodeRange, "must not be negative")
	case a.Passed && a.ConsecutiveFails > 0:
		ve.Add(at()+".appraisal.consecutive_fails", org.CodeInvalid, "must be 0 when the appraisal passed: the run of fails ends with this period")
	case !a.Passed && a.ConsecutiveFails == 0:
		ve.Add(at()+".appraisal.consecutive_fails", org.CodeInvalid, "must be 1 or more when the appraisal failed: the run of fails ends with this period")
	}
	if a.Excellent && !a.Passed {
		ve.Add(at()+".appraisal.excellent", org.CodeInvalid, "an excellent appraisal passes")
	}
}

func frozenCheckIncidents(at func() string, incs []Incident, places int32, ve *org.ValidationError) {
	var ids map[string]int // only for more than a few incidents
	if len(incs) > 16 {
		ids = make(map[string]int, len(incs))
	}
	for j, inc := range incs {
		iat := func() string { return fmt.Sprintf("%s.incidents[%d]", at(), j) }
		first, dup := -1, false
		if ids != nil {
			first, dup = ids[inc.ID]
		} else {
			for k := range j {
				if incs[k].ID == inc.ID {
					first, dup = k, true
					break
				}
			}
		}
		switch {
		case inc.ID == "":
			ve.Add(iat()+".id", org.CodeRequired, "is required: a proposal for an offence is keyed by it")
		case dup:
			ve.Add(iat()+".id", org.CodeDuplicate, fmt.Sprintf("%q is already %s.incidents[%d]", inc.ID, at(), first))
		case ids != nil:
			ids[inc.ID] = j
		}
		if !inc.Kind.Valid() {
			ve.Add(iat()+".kind", org.CodeUnknown, "must be one of "+kindList())
		}
		if inc.At.IsZero() {
			ve.Add(iat()+".at", org.CodeRequired, "is required: when it happened")
		}
		switch {
		case inc.Amount.IsZero():
		case inc.Amount.IsNegative() || digits(inc.Amount) != "":
			ve.Add(iat()+".amount", org.CodeRange, fmt.Sprintf("must not be negative, with at most %d digits", maxDigits))
		case !inc.Amount.Truncate(places).Equal(inc.Amount):
			ve.Add(iat()+".amount", org.CodeRange, fmt.Sprintf("has more decimal places than the policy's places (%d)", places))
		}
	}
}

// evaluator evaluates one policy on one input.
type frozenEvaluator struct {
	p          *Policy
	period     Period
	loc        *time.Location
	start, end time.Time
	places     int32
	rules      []frozenCrule
	views      []*frozenView // sorted by employee
}

// crule is a rule compiled: its condition and ladder resolved.
type frozenCrule struct {
	r      *Rule
	when   *frozenCond // nil: none
	ladder *Ladder
	mask   uint16 // the ladder's kinds
}

func frozenNewEvaluator(p *Policy, in Input) *frozenEvaluator {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	e := &frozenEvaluator{p: p, period: in.Period, loc: loc, start: in.Period.Start(loc), end: in.Period.End(loc), places: p.places()}
	ladders := map[string]*Ladder{}
	for i := range p.Ladders {
		ladders[p.Ladders[i].ID] = &p.Ladders[i]
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Period != in.Period.Kind() {
			continue
		}
		cr := frozenCrule{r: r}
		if !r.When.IsZero() {
			cr.when = frozenCompile(&r.When)
		}
		if r.Ladder != "" {
			cr.ladder = ladders[r.Ladder]
			cr.mask = frozenKindMask(cr.ladder.Incidents)
		}
		e.rules = append(e.rules, cr)
	}
	e.views = make([]*frozenView, len(in.Facts))
	for i := range in.Facts {
		e.views[i] = e.newView(&in.Facts[i])
	}
	slices.SortFunc(e.views, func(a, b *frozenView) int { return cmp.Compare(a.f.Employee, b.f.Employee) })
	return e
}

// run evaluates every rule, employee by employee and, for each, rule by
// rule and offence by offence, so that the proposals come out in order
// with no sort. Awards, which compare employees, are decided first.
func (e *frozenEvaluator) run() []Proposal {
	awards := make([]map[int]Proposal, len(e.rules))
	for ri, cr := range e.rules {
		if cr.ladder == nil && cr.r.Award != nil {
			awards[ri] = e.award(cr)
		}
	}
	out := make([]Proposal, 0, len(e.views))
	for ei, v := range e.views {
		for ri, cr := range e.rules {
			switch {
			case cr.ladder != nil:
				out = e.ladder(out, cr, v)
			case awards[ri] != nil:
				if p, ok := awards[ri][ei]; ok {
					out = append(out, p)
				}
			case frozenEval(cr.when, v) == frozenYes:
				var ex frozenExplainer
				ex.reasons(e, cr.when, v)
				ex.used(e, cr.when, v)
				out = append(out, e.propose(cr, v, &ex, "", 0))
			}
		}
	}
	return out
}

// ladder proposes for each offence of the ladder's kinds inside the
// period: the step its number within the window reaches.
func (e *frozenEvaluator) ladder(out []Proposal, cr frozenCrule, v *frozenView) []Proposal {
	if cr.when != nil && frozenEval(cr.when, v) != frozenYes {
		return out
	}
	l := cr.ladder
	for i, x := range v.incs {
		if !x.in || cr.mask&(1<<x.kind) == 0 {
			continue
		}
		n, window := v.window(i, cr.mask, l.WithinDays)
		var ex frozenExplainer
		ex.phrases = append(ex.phrases, e.countPhrase(v, window, n, l.Incidents, l.WithinDays))
		ex.add(FactValue{Name: frozenWindowName(l.Incidents, l.WithinDays), Value: e.windowValue(v, window, n)})
		if cr.when != nil {
			ex.reasons(e, cr.when, v)
			ex.used(e, cr.when, v)
		}
		step := l.Steps[min(n, len(l.Steps))-1]
		out = append(out, e.proposeActions(cr, v, &ex, step, x.inc.ID, n))
	}
	return out
}

func (e *frozenEvaluator) propose(cr frozenCrule, v *frozenView, ex *frozenExplainer, incident string, offence int) Proposal {
	return e.proposeActions(cr, v, ex, cr.r.Then, incident, offence)
}

// proposeActions builds the proposal of one rule for one employee.
func (e *frozenEvaluator) proposeActions(cr frozenCrule, v *frozenView, ex *frozenExplainer, then []Action, incident string, offence int) Proposal {
	r := cr.r
	key := e.p.ID + "/" + r.ID + "/" + url.PathEscape(string(v.f.Employee)) + "/" + e.period.String()
	if incident != "" {
		key += "/" + url.PathEscape(incident)
	}
	p := Proposal{Key: key, PolicyID: e.p.ID, PolicyVersion: e.p.Version, RuleID: r.ID, Cites: slices.Clone(r.Cites),
		Title: r.Title, Employee: v.f.Employee, Period: e.period, Incident: incident, Offence: offence,
		Currency: e.p.Currency, Used: ex.facts}
	var acts []Phrase
	for _, a := range then {
		act, phrases := e.action(a, v)
		p.Actions = append(p.Actions, act)
		acts = append(acts, phrases...)
		p.NeedsApproval = p.NeedsApproval || a.Kind.Severe()
	}
	p.Explanation = Explanation{Reasons: ex.phrases, Actions: acts, Rule: r.ID, Cites: slices.Clone(r.Cites)}
	return p
}

// action computes one action for an employee: its amount at the policy's
// places, and the phrases that say it.
func (e *frozenEvaluator) action(a Action, v *frozenView) (Action, []Phrase) {
	out := Action{Kind: a.Kind, Note: a.Note}
	var ph Phrase
	switch {
	case a.Kind == CompensationAction && a.Compensation != nil:
		out.Amount, ph = e.compensation(a.Compensation, v)
	case !a.Amount.IsZero():
		out.Amount = a.Amount.Round(e.places)
		ph = Phrase{Key: "act.amount", Args: map[string]string{"kind": string(a.Kind), "currency": e.p.Currency,
			"amount": out.Amount.StringFixed(e.places)}}
	default:
		ph = Phrase{Key: "act", Args: map[string]string{"kind": string(a.Kind)}}
	}
	phrases := []Phrase{ph}
	if !a.Note.IsZero() {
		phrases = append(phrases, Phrase{Key: "act.note", Args: map[string]string{"note_en": a.Note.EN, "note_zh": a.Note.ZH}})
	}
	return out, phrases
}

// compensation computes a compensation from the loss inside the period:
// the loss's bracket gives a percent of it, rounded half up to the
// policy's places, or a fixed amount, never more than the loss.
func (e *frozenEvaluator) compensation(c *Compensation, v *frozenView) (decimal.Decimal, Phrase) {
	loss := v.total(frozenKindMask(c.Of))
	if !loss.IsPositive() {
		return decimal.Zero, Phrase{Key: "act.compensation_none"}
	}
	money := func(d decimal.Decimal) string { return d.StringFixed(e.places) }
	for _, b := range c.Brackets {
		if loss.Cmp(b.Above) <= 0 || (b.AtMost != nil && loss.Cmp(*b.AtMost) > 0) {
			continue
		}
		if !b.Percent.IsZero() {
			amt := loss.Mul(b.Percent).Shift(-2).Round(e.places)
			return amt, Phrase{Key: "act.compensation_percent", Args: map[string]string{"currency": e.p.Currency,
				"amount": money(amt), "percent": b.Percent.String(), "loss": money(loss)}}
		}
		if b.Amount.GreaterThan(loss) {
			return loss, Phrase{Key: "act.compensation_capped", Args: map[string]string{"currency": e.p.Currency,
				"amount": money(loss), "fixed": money(b.Amount)}}
		}
		return b.Amount, Phrase{Key: "act.compensation_fixed", Args: map[string]string{"currency": e.p.Currency,
			"amount": money(b.Amount), "loss": money(loss)}}
	}

	return decimal.Zero, Phrase{Key: "act.compensation_none"}
}

// tri is the value of a condition: true, false, or unknown (a test of the
// appraisal when there is none).
type frozenTri uint8

const (
	frozenNo frozenTri = iota
	frozenYes
	frozenUnknown
)

type frozenCondKind uint8

const (
	frozenCAll frozenCondKind = iota
	frozenCAny
	frozenCNot
	frozenCFact
	frozenCCount
	frozenCConsecutive
	frozenCRank
	frozenCAmount
)

// cond is a condition compiled: values parsed, kinds as a mask.
type frozenCond struct {
	kind   frozenCondKind
	subs   []*frozenCond
	fact   factRef
	op     Op
	val    operand
	target string // the value as written, for explanations
	kinds  []IncidentKind
	mask   uint16
	days   int
	n      int // at_least, periods, top
	min    *decimal.Decimal
	above  decimal.Decimal
	atMost *decimal.Decimal
}

// compile compiles a valid condition.
func frozenCompile(c *Condition) *frozenCond {
	switch {
	case c.All != nil || c.Any != nil:
		out := &frozenCond{kind: frozenCAll}
		list := c.All
		if c.Any != nil {
			out.kind, list = frozenCAny, c.Any
		}
		for i := range list {
			out.subs = append(out.subs, frozenCompile(&list[i]))
		}
		return out
	case c.Not != nil:
		return &frozenCond{kind: frozenCNot, subs: []*frozenCond{frozenCompile(c.Not)}}
	case c.Fact != nil:
		r, _ := resolveFact(c.Fact.Name)
		out := &frozenCond{kind: frozenCFact, fact: r, op: c.Fact.Op, target: string(c.Fact.Value)}
		if out.op == "" {
			out.op, out.val, out.target = Eq, operand{b: true}, "true"
		} else {
			out.val, _ = parseValue(r.typ, c.Fact.Value)
		}
		return out
	case c.Count != nil:
		return &frozenCond{kind: frozenCCount, kinds: c.Count.Incidents, mask: frozenKindMask(c.Count.Incidents), days: c.Count.WithinDays, n: c.Count.AtLeast}
	case c.Consecutive != nil:
		r, _ := resolveFact(c.Consecutive.Fact)
		return &frozenCond{kind: frozenCConsecutive, fact: r, n: c.Consecutive.Periods}
	case c.Rank != nil:
		return &frozenCond{kind: frozenCRank, n: c.Rank.Top, min: c.Rank.MinScore}
	}
	return &frozenCond{kind: frozenCAmount, kinds: c.Amount.Incidents, mask: frozenKindMask(c.Amount.Incidents), above: c.Amount.Above, atMost: c.Amount.AtMost}
}

// eval evaluates c for v; a nil condition is true. Every part is
// evaluated (no short cut), so that the facts a rule read are the same
// whatever the outcome.
func frozenEval(c *frozenCond, v *frozenView) frozenTri {
	if c == nil {
		return frozenYes
	}
	switch c.kind {
	case frozenCAll, frozenCAny:
		var sawYes, sawNo, sawUnknown bool
		for _, s := range c.subs {
			switch frozenEval(s, v) {
			case frozenYes:
				sawYes = true
			case frozenNo:
				sawNo = true
			default:
				sawUnknown = true
			}
		}
		switch {
		case c.kind == frozenCAll && sawNo, c.kind == frozenCAny && !sawYes && !sawUnknown:
			return frozenNo
		case c.kind == frozenCAll && sawUnknown, c.kind == frozenCAny && !sawYes:
			return frozenUnknown
		}
		return frozenYes
	case frozenCNot:
		switch frozenEval(c.subs[0], v) {
		case frozenYes:
			return frozenNo
		case frozenNo:
			return frozenYes
		}
		return frozenUnknown
	case frozenCFact:
		got, ok := v.get(c.fact)
		if !ok {
			return frozenUnknown
		}
		return frozenTriOf(frozenHolds(c.op, frozenCompareOperands(c.fact.typ, got, c.val)))
	case frozenCCount:
		first, _ := v.firstWindow(c.mask, c.days, c.n)
		return frozenTriOf(first >= 0)
	case frozenCConsecutive:
		if v.f.Appraisal == nil {
			return frozenUnknown
		}
		return frozenTriOf(v.f.Appraisal.ConsecutiveFails >= c.n)
	case frozenCRank:
		a := v.f.Appraisal
		if a == nil {
			return frozenUnknown
		}
		return frozenTriOf(a.Rank >= 1 && a.Rank <= c.n && (c.min == nil || a.Score.Cmp(*c.min) >= 0))
	}
	t := v.total(c.mask)
	return frozenTriOf(t.Cmp(c.above) > 0 && (c.atMost == nil || t.Cmp(*c.atMost) <= 0))
}

func frozenTriOf(b bool) frozenTri {
	if b {
		return frozenYes
	}
	return frozenNo
}

// firstWindow finds the first incident inside the period that ends a
// window of days with at least need incidents of mask. It returns its
// index, or -1, and the largest count of any window.
func (v *frozenView) firstWindow(mask uint16, days, need int) (int, int) {
	most := 0
	for i, x := range v.incs {
		if !x.in || mask&(1<<x.kind) == 0 {
			continue
		}
		n, _ := v.windowCount(i, mask, days, false)
		if n >= need {
			return i, n
		}
		most = max(most, n)
	}
	return -1, most
}

// explainer collects the reasons and the facts read for one proposal.
type frozenExplainer struct {
	phrases []Phrase
	facts   []FactValue
}

// add records a fact read, once.
func (x *frozenExplainer) add(f FactValue) {
	for _, g := range x.facts {
		if g.Name == f.Name {
			return
		}
	}
	x.facts = append(x.facts, f)
}

// reasons explains the value c has for v: the parts that decided it.
func (x *frozenExplainer) reasons(e *frozenEvaluator, c *frozenCond, v *frozenView) {
	if c == nil {
		return
	}
	got := frozenEval(c, v)
	switch c.kind {
	case frozenCAll, frozenCAny:
		for _, s := range c.subs {

			if frozenEval(s, v) == got {
				x.reasons(e, s, v)
			}
		}
	case frozenCNot:
		x.reasons(e, c.subs[0], v)
	default:
		x.phrases = append(x.phrases, e.leafPhrase(c, v, got))
	}
}

// used records every fact c read, in order.
func (x *frozenExplainer) used(e *frozenEvaluator, c *frozenCond, v *frozenView) {
	if c == nil {
		return
	}
	switch c.kind {
	case frozenCAll, frozenCAny, frozenCNot:
		for _, s := range c.subs {
			x.used(e, s, v)
		}
	case frozenCFact:
		x.add(frozenFactValue(c.fact, v))
	case frozenCCount:
		first, n := v.firstWindow(c.mask, c.days, c.n)
		val := "at most " + strconv.Itoa(n)
		if first >= 0 {
			_, window := v.window(first, c.mask, c.days)
			val = e.windowValue(v, window, n)
		}
		x.add(FactValue{Name: frozenWindowName(c.kinds, c.days), Value: val})
	case frozenCConsecutive:
		x.add(frozenFactValue(factRef{fConsecutiveFails, 0, TypeInteger}, v))
	case frozenCRank:
		x.add(frozenFactValue(factRef{fRank, 0, TypeInteger}, v))
		x.add(frozenFactValue(factRef{fRanked, 0, TypeInteger}, v))
		if c.min != nil {
			x.add(frozenFactValue(factRef{fScore, 0, TypeDecimal}, v))
		}
	case frozenCAmount:
		x.add(FactValue{Name: frozenAmountName(c.kinds), Value: v.total(c.mask).String()})
	}
}

func frozenFactValue(r factRef, v *frozenView) FactValue {
	got, ok := v.get(r)
	if !ok {
		return FactValue{Name: r.name(), Missing: true}
	}
	return FactValue{Name: r.name(), Value: got.text(r.typ)}
}

func frozenKindsText(kinds []IncidentKind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

// windowName names the count of a window in Used:
// "incidents[late,absent] within 30 days".
func frozenWindowName(kinds []IncidentKind, days int) string {
	return fmt.Sprintf("incidents[%s] within %d days", frozenKindsText(kinds), days)
}

// amountName names a total in Used: "incidents[complaint,loss].amount".
func frozenAmountName(kinds []IncidentKind) string {
	return "incidents[" + frozenKindsText(kinds) + "].amount"
}

// windowValue writes a window's incidents: "3: a1 2026-11-03, a2
// 2026-11-10, a3 2026-11-24".
func (e *frozenEvaluator) windowValue(v *frozenView, window []int, n int) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(n))
	for i, j := range window {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		inc := v.incs[j].inc
		b.WriteString(inc.ID + " " + string(inc.Kind) + " " + e.date(inc))
	}
	return b.String()
}

func (e *frozenEvaluator) date(inc *Incident) string { return inc.At.In(e.loc).Format(time.DateOnly) }

// countPhrase says the nth offence and its window: "3rd lateness within
// 30 days (2026-11-03, 2026-11-10, 2026-11-24)"; with several kinds in the
// window, each date with its kind.
func (e *frozenEvaluator) countPhrase(v *frozenView, window []int, n int, kinds []IncidentKind, days int) Phrase {
	var dates, dated []string
	seen := map[IncidentKind]bool{}
	for _, j := range window {
		inc := v.incs[j].inc
		dates = append(dates, e.date(inc))
		dated = append(dated, e.date(inc)+" "+string(inc.Kind))
		seen[inc.Kind] = true
	}
	args := map[string]string{"n": strconv.Itoa(n), "days": strconv.Itoa(days)}
	if len(seen) == 1 {
		args["kind"], args["dates"] = string(v.incs[window[0]].inc.Kind), strings.Join(dates, "\n")
		return Phrase{Key: "count", Args: args}
	}
	var present []IncidentKind // the kinds in the window, in the ladder's order
	for _, k := range kinds {
		if seen[k] {
			present = append(present, k)
		}
	}
	args["kinds"], args["dates"] = frozenKindsText(present), strings.Join(dated, "\n")
	return Phrase{Key: "count.mixed", Args: args}
}

// maxDetails is the most dates, courses or reasons one phrase lists.
const frozenMaxDetails = 10

// leafPhrase says what a test found for v, given its value got.
func (e *frozenEvaluator) leafPhrase(c *frozenCond, v *frozenView, got frozenTri) Phrase {
	switch c.kind {
	case frozenCFact:
		return e.factPhrase(c, v, got)
	case frozenCCount:
		first, n := v.firstWindow(c.mask, c.days, c.n)
		if first < 0 {
			return Phrase{Key: "count_not", Args: map[string]string{"kinds": frozenKindsText(c.kinds), "days": strconv.Itoa(c.days),
				"need": strconv.Itoa(c.n), "most": strconv.Itoa(n)}}
		}
		_, window := v.window(first, c.mask, c.days)
		return e.countPhrase(v, window, n, c.kinds, c.days)
	case frozenCConsecutive:
		a := v.f.Appraisal
		switch {
		case a == nil:
			return Phrase{Key: "consecutive.unknown"}
		case got == frozenYes:
			return Phrase{Key: "consecutive", Args: map[string]string{"run": e.periods(a.ConsecutiveFails)}}
		}
		return Phrase{Key: "consecutive_not", Args: map[string]string{"run": e.periods(a.ConsecutiveFails), "need": e.periods(c.n)}}
	case frozenCRank:
		a := v.f.Appraisal
		switch {
		case a == nil:
			return Phrase{Key: "rank.unknown"}
		case a.Rank == 0:
			return Phrase{Key: "rank.unranked"}
		}
		args := map[string]string{"rank": strconv.Itoa(a.Rank), "ranked": strconv.Itoa(a.Ranked), "score": a.Score.String(),
			"top": strconv.Itoa(c.n)}
		key := "rank"
		if c.min != nil {
			key, args["min"] = "rank.min", c.min.String()
		}
		if got != frozenYes {
			key += "_not"
		}
		return Phrase{Key: key, Args: args}
	}
	t := v.total(c.mask)
	args := map[string]string{"kinds": frozenKindsText(c.kinds), "currency": e.p.Currency, "total": t.StringFixed(e.places),
		"above": c.above.StringFixed(e.places)}
	key := "amount.above"
	if c.atMost != nil {
		key, args["at_most"] = "amount.bracket", c.atMost.StringFixed(e.places)
	}
	if got != frozenYes {
		key += "_not"
	}
	return Phrase{Key: key, Args: args}
}

// periods writes a run of periods as the periods argument kind takes it:
// "2 month".
func (e *frozenEvaluator) periods(n int) string {
	return strconv.Itoa(n) + " " + string(e.period.Kind())
}

// factPhrase says a comparison: "appraisal score: 92 (at least 90)"; a
// yes/no fact by its value: "failed the appraisal"; with the dates,
// courses or reasons counted.
func (e *frozenEvaluator) factPhrase(c *frozenCond, v *frozenView, got frozenTri) Phrase {
	name := c.fact.name()
	val, ok := v.get(c.fact)
	switch {
	case !ok:
		return Phrase{Key: "fact.unknown", Args: map[string]string{"fact": name}}
	case c.fact.typ == TypeBool && val.b:
		return Phrase{Key: "fact.true", Args: map[string]string{"fact": name}}
	case c.fact.typ == TypeBool:
		return Phrase{Key: "fact.false", Args: map[string]string{"fact": name}}
	}
	args := map[string]string{"fact": name, "value": val.text(c.fact.typ), "op": string(c.op), "target": c.val.text(c.fact.typ)}
	key := "fact.compare"
	if d := e.details(c.fact, v); len(d) > 0 {
		key, args["detail"] = "fact.compare_detail", strings.Join(d, "\n")
	}
	if got != frozenYes {
		key += "_not"
	}
	return Phrase{Key: key, Args: args}
}

// details lists what a count counted: the dates of the incidents, the
// courses, the reasons of the nominations, in a stable order.
func (e *frozenEvaluator) details(r factRef, v *frozenView) []string {
	var out []string
	switch r.base {
	case fIncidents:
		for _, x := range v.incs {
			if x.in && x.kind == r.idx {
				out = append(out, e.date(x.inc))
			}
		}
	case fTraining:
		for _, t := range v.f.Training {
			if t.Outcome == outcomes[r.idx] {
				out = append(out, frozenOneLine(t.Course))
			}
		}
		slices.Sort(out)
	case fNominations:
		for _, n := range v.f.Nominations {
			out = append(out, frozenOneLine(n.Reason))
		}
		slices.Sort(out)
	}
	if len(out) > frozenMaxDetails {
		out = append(out[:frozenMaxDetails:frozenMaxDetails], "...")
	}
	return out
}

// oneLine keeps a text to one line of a list.
func frozenOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// sortRef is a tie-break key resolved.
type frozenSortRef struct {
	fact factRef
	desc bool
}

// candidate is an employee meeting an award's condition.
type frozenCandidate struct {
	ei int
	v  *frozenView
}

// award gives the rule to the first Winners of the employees meeting its
// condition, sorted by the tie-break keys and then by employee ID: their
// proposals by the employee's index.
func (e *frozenEvaluator) award(cr frozenCrule) map[int]Proposal {
	a := cr.r.Award
	refs := make([]frozenSortRef, len(a.TieBreak))
	for i, k := range a.TieBreak {
		r, _ := resolveFact(k.Fact)
		refs[i] = frozenSortRef{fact: r, desc: k.Order == Descending}
	}
	var cands []frozenCandidate
	for ei, v := range e.views {
		if frozenEval(cr.when, v) == frozenYes {
			cands = append(cands, frozenCandidate{ei, v})
		}
	}
	slices.SortFunc(cands, func(x, y frozenCandidate) int {
		for _, r := range refs {
			if c := frozenKeyCompare(r, x.v, y.v); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.v.f.Employee, y.v.f.Employee)
	})
	winners := min(a.Winners, len(cands))
	out := make(map[int]Proposal, winners)
	for place, w := range cands[:winners] {
		var ex frozenExplainer
		ex.reasons(e, cr.when, w.v)
		ex.phrases = append(ex.phrases, Phrase{Key: "award.place", Args: map[string]string{
			"place": strconv.Itoa(place + 1), "candidates": strconv.Itoa(len(cands)), "winners": strconv.Itoa(a.Winners)}})
		if winners < len(cands) {
			ex.phrases = append(ex.phrases, frozenTie(refs, w, cands[winners:]))
		}
		ex.used(e, cr.when, w.v)
		for _, r := range refs {
			ex.add(frozenFactValue(r.fact, w.v))
		}
		out[w.ei] = e.propose(cr, w.v, &ex, "", 0)
	}
	return out
}

// keyCompare orders two employees by one key: an employee without the
// fact after every one with it.
func frozenKeyCompare(r frozenSortRef, x, y *frozenView) int {
	a, okA := x.get(r.fact)
	b, okB := y.get(r.fact)
	switch {
	case !okA || !okB:
		return cmp.Compare(frozenBoolInt(!okA), frozenBoolInt(!okB))
	case r.desc:
		return frozenCompareOperands(r.fact.typ, b, a)
	}
	return frozenCompareOperands(r.fact.typ, a, b)
}

func frozenBoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tie says how winner w was set apart from the losers, who met the
// condition as w did: by the first key over all of them, or, when tied
// with the first loser on the first keys (or there are no keys), on which
// keys, with whom, and by which key (or the employee ID) it was broken.
func frozenTie(refs []frozenSortRef, w frozenCandidate, losers []frozenCandidate) Phrase {
	j := 0
	for j < len(refs) && frozenKeyCompare(refs[j], w.v, losers[0].v) == 0 {
		j++
	}
	chosen := j == 0
	var others []string
	for _, l := range losers {
		same := true
		for _, r := range refs[:j] {
			same = same && frozenKeyCompare(r, w.v, l.v) == 0
		}
		if !same {
			break
		}
		if len(others) == frozenMaxDetails {
			others = append(others, "...")
			break
		}
		others = append(others, string(l.v.f.Employee))
	}
	by := "employee"
	if j < len(refs) {
		by = refs[j].fact.name() + " asc"
		if refs[j].desc {
			by = refs[j].fact.name() + " desc"
		}
	}
	args := map[string]string{"others": strings.Join(others, "\n"), "by": by}
	if chosen {

		return Phrase{Key: "award.chosen", Args: args}
	}
	on := make([]string, j)
	for i, r := range refs[:j] {
		if got, ok := w.v.get(r.fact); ok {
			on[i] = r.fact.name() + "=" + got.text(r.fact.typ)
		} else {
			on[i] = r.fact.name()
		}
	}
	args["on"] = strings.Join(on, "\n")
	return Phrase{Key: "award.tie", Args: args}
}

const (
	frozenNKinds    = len(incidentKinds)
	frozenNOutcomes = len(outcomes)
)

// view is one employee's facts indexed for evaluation: incidents in order
// with their local day, and the counts and totals of the period.
type frozenView struct {
	f *Facts
	// incs are the incidents up to the end of the period, sorted by time,
	// then ID, so that the order they were given in never matters.
	incs     []frozenIncRef
	count    [frozenNKinds]int64
	sum      [frozenNKinds]decimal.Decimal
	training [frozenNOutcomes]int64
}

type frozenIncRef struct {
	inc  *Incident
	kind int
	day  int64 // the local date, as days since 1970-01-01
	in   bool  // inside the period
}

func (e *frozenEvaluator) newView(f *Facts) *frozenView {
	v := &frozenView{f: f, incs: make([]frozenIncRef, 0, len(f.Incidents))}
	for i := range f.Incidents {
		inc := &f.Incidents[i]
		if !inc.At.Before(e.end) {
			continue
		}
		x := frozenIncRef{inc: inc, kind: incidentIndex(inc.Kind), day: frozenLocalDay(inc.At, e.loc), in: !inc.At.Before(e.start)}
		if x.in {
			v.count[x.kind]++
			if !inc.Amount.IsZero() {
				v.sum[x.kind] = v.sum[x.kind].Add(inc.Amount)
			}
		}
		v.incs = append(v.incs, x)
	}
	slices.SortFunc(v.incs, func(a, b frozenIncRef) int {
		if c := a.inc.At.Compare(b.inc.At); c != 0 {
			return c
		}
		return strings.Compare(a.inc.ID, b.inc.ID)
	})
	for _, t := range f.Training {
		v.training[outcomeIndex(t.Outcome)]++
	}
	return v
}

// localDay is the date of t in loc, as days since 1970-01-01.
func frozenLocalDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func frozenKindMask(kinds []IncidentKind) uint16 {
	var m uint16
	for _, k := range kinds {
		if i := incidentIndex(k); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// window counts the incidents of mask in the window that ends with
// incs[i]: on its date and the days-1 dates before it, up to and including
// it. It returns the count and, when asked, their indexes in order.
func (v *frozenView) window(i int, mask uint16, days int) (int, []int) {
	n, idx := v.windowCount(i, mask, days, true)
	return n, idx
}

func (v *frozenView) windowCount(i int, mask uint16, days int, list bool) (int, []int) {
	end := v.incs[i]
	lo := end.day - int64(days-1)

	limit := end.inc.At.Add(-time.Duration(days+2) * 24 * time.Hour)
	n := 0
	var idx []int
	for j := i; j >= 0; j-- {
		x := v.incs[j]
		if x.inc.At.Before(limit) {
			break
		}
		if mask&(1<<x.kind) != 0 && x.day >= lo && x.day <= end.day {
			n++
			if list {
				idx = append(idx, j)
			}
		}
	}
	slices.Reverse(idx)
	return n, idx
}

// total is the total amount of the incidents of mask inside the period.
func (v *frozenView) total(mask uint16) decimal.Decimal {
	var t decimal.Decimal
	added := false
	for k := range frozenNKinds {
		switch {
		case mask&(1<<k) == 0 || v.sum[k].IsZero():
		case !added:
			t, added = v.sum[k], true
		default:
			t = t.Add(v.sum[k])
		}
	}
	if !added {
		return decimal.Zero
	}
	return t
}

// get is the value of a fact; false for an appraisal fact without an
// appraisal.
func (v *frozenView) get(r factRef) (operand, bool) {
	a := v.f.Appraisal
	if r.appraisal() && a == nil {
		return operand{}, false
	}
	switch r.base {
	case fScore:
		return operand{d: a.Score}, true
	case fGrade:
		return operand{s: a.Grade}, true
	case fRank:
		return operand{i: int64(a.Rank)}, true
	case fRanked:
		return operand{i: int64(a.Ranked)}, true
	case fPassed:
		return operand{b: a.Passed}, true
	case fFailed:
		return operand{b: !a.Passed}, true
	case fExcellent:
		return operand{b: a.Excellent}, true
	case fConsecutiveFails:
		return operand{i: int64(a.ConsecutiveFails)}, true
	case fTraining:
		return operand{i: v.training[r.idx]}, true
	case fIncidents:
		return operand{i: v.count[r.idx]}, true
	case fIncidentAmount:
		return operand{d: v.sum[r.idx]}, true
	case fNominations:
		return operand{i: int64(len(v.f.Nominations))}, true
	}
	return operand{}, false
}

// compareOperands compares a with b, both of typ: -1, 0 or 1 for numbers;
// for yes/no and text, 0 when equal and 1 when not.
func frozenCompareOperands(typ FactType, a, b operand) int {
	switch typ {
	case TypeDecimal:
		return a.d.Cmp(b.d)
	case TypeInteger:
		return cmp.Compare(a.i, b.i)
	case TypeBool:
		if a.b == b.b {
			return 0
		}
	default:
		if a.s == b.s {
			return 0
		}
	}
	return 1
}

// holds applies op to the result of compareOperands.
func frozenHolds(op Op, c int) bool {
	switch op {
	case Eq:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	case Ge:
		return c >= 0
	}
	return false
}

// frozenEvaluate is Policy.Evaluate as it was.
func frozenEvaluate(p *Policy, in Input) ([]Proposal, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := frozenCheckInput(in, p.places()); err != nil {
		return nil, err
	}
	e := frozenNewEvaluator(p, in)
	return e.run(), nil
}
