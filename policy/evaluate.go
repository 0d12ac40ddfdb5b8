package policy

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Input is what a policy is evaluated on: one period and the facts of the
// employees evaluated together (an award is given among them: evaluate
// each department apart for an award per department).
type Input struct {
	Period Period `json:"period"`
	// Location is the dealer's time zone, in which the period, the days of
	// a window and the dates of an explanation are counted. Nil: UTC.
	Location *time.Location `json:"-"`
	Facts    []Facts        `json:"facts"`
}

// Proposal is a reward or a penalty a rule proposes for one employee and
// period. It is only a proposal: nothing is executed, and a supervisor
// approves or rejects it (NeedsApproval marks the severe ones, which no
// one may act on before that).
type Proposal struct {
	// Key identifies the proposal: the policy, the rule, the employee, the
	// period and, for a ladder, the incident, as
	// "default/attendance/chen/2026-11/late-1103". Evaluating the same
	// inputs again gives the same keys, whatever the policy's version, so
	// a store records each decision once.
	Key           string `json:"key"`
	PolicyID      string `json:"policy_id"`
	PolicyVersion int    `json:"policy_version"`
	RuleID        string `json:"rule_id"`
	// Cites and Title are the rule's.
	Cites    []string       `json:"cites,omitempty"`
	Title    Text           `json:"title"`
	Employee org.EmployeeID `json:"employee"`
	Period   Period         `json:"period"`
	// Incident and Offence are set for a ladder: the offence's incident and
	// its number within the ladder's window (1 for the first).
	Incident string `json:"incident,omitempty"`
	Offence  int    `json:"offence,omitempty"`
	// Currency is the policy's: every amount of Actions is in it.
	Currency string `json:"currency"`
	// Actions are the actions proposed, with their amounts at the
	// policy's places; a compensation's amount is computed from the loss.
	Actions       []Action `json:"actions"`
	NeedsApproval bool     `json:"needs_approval"`
	// Used lists every fact the rule read, with its value, in the order
	// read.
	Used        []FactValue `json:"used"`
	Explanation Explanation `json:"explanation"`
}

// Evaluate evaluates the policy's rules of the input's kind of period
// (monthly rules for a month, yearly ones for a year) for every employee of
// the input, and returns the proposals sorted by employee, then by the
// order of the rules in the policy, then (for a ladder) by offence.
//
// It is pure and deterministic: the same policy and input give the same
// proposals with the same keys, whatever the order of the employees and
// of the incidents, training results and nominations of each. It changes
// neither the policy nor the input, so one policy may be evaluated by
// many goroutines at once.
//
// It returns the *org.ValidationError of [Policy.Validate] for an invalid
// policy, and a *org.ValidationError (Op "policy: evaluate") listing every
// bad fact for an invalid input: a period that is not a month or a year;
// an employee without an ID or given twice; an appraisal whose score is
// not 0 to 100, whose rank is negative or above the number ranked, or
// whose consecutive fails disagree with its pass; an unknown training
// outcome; an incident without an ID or time, with an ID given twice, of
// an unknown kind, or with a negative amount or one finer than the
// policy's places.
func (p *Policy) Evaluate(in Input) ([]Proposal, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkInput(in, p.places()); err != nil {
		return nil, err
	}
	e := newEvaluator(p, in)
	return e.run(), nil
}

// checkInput reports every bad fact of in. Paths are written only for a
// problem: a month of ten thousand employees checks without them.
func checkInput(in Input, places int32) error {
	ve := &org.ValidationError{Op: "policy: evaluate"}
	if !in.Period.Valid() {
		ve.Add("period", org.CodeRange, "must be a month (January to December) or a year (month 0) of years 1 to 9999")
	}
	// Facts sorted by employee, as a store gives them, have no employee
	// twice: they need no map of the employees seen (issue 16).
	var seen map[org.EmployeeID]int
	if !strictlySorted(in.Facts) {
		seen = make(map[org.EmployeeID]int, len(in.Facts))
	}
	for i, f := range in.Facts {
		at := func() string { return fmt.Sprintf("facts[%d]", i) }
		first, dup := seen[f.Employee]
		switch {
		case f.Employee == "":
			ve.Add(at()+".employee", org.CodeRequired, "is required")
		case dup:
			ve.Add(at()+".employee", org.CodeDuplicate, fmt.Sprintf("%s is already facts[%d]: give each employee once", f.Employee, first))
		case seen != nil:
			seen[f.Employee] = i
		}
		if a := f.Appraisal; a != nil {
			checkAppraisal(at, a, ve)
		}
		for j, t := range f.Training {
			if outcomeIndex(t.Outcome) < 0 {
				ve.Add(fmt.Sprintf("%s.training[%d].outcome", at(), j), org.CodeUnknown,
					"must be one of excellent, passed, failed, retake_failed, retraining")
			}
		}
		checkIncidents(at, f.Incidents, places, ve)
	}
	return ve.Err()
}

// strictlySorted reports whether the facts are sorted by employee, none
// twice.
func strictlySorted(facts []Facts) bool {
	for i := 1; i < len(facts); i++ {
		if facts[i].Employee <= facts[i-1].Employee {
			return false
		}
	}
	return true
}

func checkAppraisal(at func() string, a *AppraisalFacts, ve *org.ValidationError) {
	if a.Score.IsNegative() || cmpHundred(a.Score) > 0 || digits(a.Score) != "" {
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

func checkIncidents(at func() string, incs []Incident, places int32, ve *org.ValidationError) {
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
type evaluator struct {
	p          *Policy
	period     Period
	periodText string // period.String(), for the keys
	loc        *time.Location
	start, end time.Time
	places     int32
	rules      []crule
	views      []*view // sorted by employee
	// Scratch for one proposal's explanation, reused from one to the next.
	phrases, acts []Phrase
	facts         []FactValue
	win           []int    // a window's incidents
	details       []string // a count's details
	buf           []byte   // a text being written
	dateBuf       []byte   // the dates of a view being written
	present       map[presentKey]string
	numbers       map[int]string
	ends          []int // where the keys of an employee end
	// Slabs the slices of the proposals are cut from, capped, so that a
	// month of proposals takes a few allocations and not a few per
	// proposal (issue 16), while an append to one never reaches another.
	strs      slab[string]
	actions   slab[Action]
	phraseBuf slab[Phrase]
	factBuf   slab[FactValue]
}

// slab hands out slices of one backing array, each capped at its length.
// Its arrays grow from 32 elements to 1024, so that a few proposals take
// little.
type slab[T any] struct {
	buf  []T
	size int // of the last array
}

// take cuts n elements off s: nil for none, as an append to nil leaves
// it.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if len(s.buf) < n {
		s.size = min(max(2*s.size, 32), 1024)
		s.buf = make([]T, max(n, s.size))
	}
	out := s.buf[:n:n]
	s.buf = s.buf[n:]
	return out
}

// cut is a copy of from, scratch that an append to nil built, cut from
// the slab: nil for none.
func (s *slab[T]) cut(from []T) []T {
	out := s.take(len(from))
	copy(out, from)
	return out
}

// copyOf is s cut from the slab: nil for nil, empty for empty, as
// slices.Clone gives them.
func (s *slab[T]) copyOf(from []T) []T {
	if len(from) == 0 {
		if from == nil {
			return nil
		}
		return from[:0:0]
	}
	out := s.take(len(from))
	copy(out, from)
	return out
}

// crule is a rule compiled: its condition and ladder resolved, its
// actions' amounts rounded once.
type crule struct {
	r      *Rule
	when   *cond // nil: none
	ladder *Ladder
	mask   uint16 // the ladder's kinds
	then   []cact
	steps  [][]cact // the ladder's
	// windowName names the ladder's count in Used.
	windowName string
}

// cact is an action compiled: its amount at the policy's places and that
// amount as text, once per evaluation and not per proposal.
type cact struct {
	a      *Action
	amount decimal.Decimal
	text   string
	of     uint16 // a compensation's kinds
	// percents are the percents of a compensation's brackets as text.
	percents []string
}

func (e *evaluator) compileActions(as []Action) []cact {
	out := make([]cact, len(as))
	for i := range as {
		a := &as[i]
		out[i].a = a
		if a.Kind == CompensationAction && a.Compensation != nil {
			out[i].of = kindMask(a.Compensation.Of)
			for _, b := range a.Compensation.Brackets {
				out[i].percents = append(out[i].percents, b.Percent.String())
			}
		} else if !a.Amount.IsZero() {
			out[i].amount = a.Amount.Round(e.places)
			out[i].text = out[i].amount.StringFixed(e.places)
		}
	}
	return out
}

func newEvaluator(p *Policy, in Input) *evaluator {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	e := &evaluator{p: p, period: in.Period, periodText: in.Period.String(), loc: loc, start: in.Period.Start(loc),
		end: in.Period.End(loc), places: p.places()}
	ladders := map[string]*Ladder{}
	for i := range p.Ladders {
		ladders[p.Ladders[i].ID] = &p.Ladders[i]
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Period != in.Period.Kind() {
			continue
		}
		cr := crule{r: r, then: e.compileActions(r.Then)}
		if !r.When.IsZero() {
			cr.when = compile(&r.When)
			e.prepare(cr.when)
		}
		if r.Ladder != "" {
			cr.ladder = ladders[r.Ladder]
			cr.mask = kindMask(cr.ladder.Incidents)
			cr.windowName = windowName(cr.ladder.Incidents, cr.ladder.WithinDays)
			for _, step := range cr.ladder.Steps {
				cr.steps = append(cr.steps, e.compileActions(step))
			}
		}
		e.rules = append(e.rules, cr)
	}
	// One slab for the views and one for their incidents.
	n := 0
	for i := range in.Facts {
		n += len(in.Facts[i].Incidents)
	}
	views, incs := make([]view, len(in.Facts)), make([]incRef, n)
	e.views = make([]*view, len(in.Facts))
	for i := range in.Facts {
		k := len(in.Facts[i].Incidents)
		e.newView(&views[i], &in.Facts[i], incs[:0:k])
		incs = incs[k:]
		e.views[i] = &views[i]
	}
	// Employees are unique (checkInput): facts given in order need no sort.
	byEmployee := func(a, b *view) int { return cmp.Compare(a.f.Employee, b.f.Employee) }
	if !slices.IsSortedFunc(e.views, byEmployee) {
		slices.SortFunc(e.views, byEmployee)
	}
	return e
}

// firing is one proposal to make: rule e.rules[rule] for employee
// e.views[emp] and, for a ladder, the offence incs[inc], its nth. It
// holds no pointer, so that the list of a month costs the collector
// nothing.
type firing struct {
	emp, rule, inc, n int32
}

// run evaluates every rule, employee by employee and, for each, rule by
// rule and offence by offence, so that the proposals come out in order
// with no sort. Awards, which compare employees, are decided first. The
// rules fired are listed first and the proposals made after, into a slice
// of their number, so that no proposal is copied as it grows.
func (e *evaluator) run() []Proposal {
	awards := make([]map[int]*Proposal, len(e.rules)) // by rule: the winners' proposals by employee
	for ri := range e.rules {
		if cr := &e.rules[ri]; cr.ladder == nil && cr.r.Award != nil {
			awards[ri] = e.award(cr)
		}
	}
	fired := make([]firing, 0, 4*len(e.views)) // about three a head
	for ei, v := range e.views {
		for ri := range e.rules {
			cr := &e.rules[ri]
			switch {
			case cr.ladder != nil:
				fired = e.offences(fired, cr, ei, ri, v)
			case awards[ri] != nil:
				if _, ok := awards[ri][ei]; ok {
					fired = append(fired, firing{emp: int32(ei), rule: int32(ri)})
				}
			case eval(cr.when, v) == yes:
				fired = append(fired, firing{emp: int32(ei), rule: int32(ri)})
			}
		}
	}
	out := make([]Proposal, len(fired))
	var keys []string // the keys of an employee's proposals
	k := 0
	for i, f := range fired {
		if i == 0 || f.emp != fired[i-1].emp {
			keys, k = e.keys(fired[i:], keys[:0]), 0
		}
		v, cr, key := e.views[f.emp], &e.rules[f.rule], keys[k]
		k++
		switch {
		case cr.ladder != nil:
			e.ladder(&out[i], key, cr, v, int(f.inc), int(f.n))
		case awards[f.rule] != nil:
			out[i] = *awards[f.rule][int(f.emp)]
		default:
			ex := e.explainer()
			ex.reasons(e, cr.when, v)
			ex.used(e, cr.when, v)
			e.propose(&out[i], key, cr, v, &ex, "", 0)
		}
	}
	return out
}

// keys appends to out the keys of the proposals of fired[0]'s employee,
// the first ones of fired, all written into one string: a proposal's key
// is "policy/rule/employee/period", and "/incident" for a ladder's.
func (e *evaluator) keys(fired []firing, out []string) []string {
	b, ends := e.buf[:0], e.ends[:0] // ends: where each key ends in b
	for _, f := range fired {
		if f.emp != fired[0].emp {
			break
		}
		v, cr := e.views[f.emp], &e.rules[f.rule]
		b = append(append(append(append(append(append(append(b, e.p.ID...), '/'), cr.r.ID...), '/'), v.esc...), '/'), e.periodText...)
		if cr.ladder != nil {
			b = append(append(b, '/'), url.PathEscape(v.incs[f.inc].inc.ID)...)
		}
		ends = append(ends, len(b))
	}
	all, at := string(b), 0
	for _, end := range ends {
		out, at = append(out, all[at:end]), end
	}
	e.buf, e.ends = b, ends
	return out
}

// offences lists each offence of the ladder's kinds inside the period.
func (e *evaluator) offences(fired []firing, cr *crule, ei, ri int, v *view) []firing {
	if cr.when != nil && eval(cr.when, v) != yes {
		return fired
	}
	for i, x := range v.incs {
		if !x.in || cr.mask&(1<<x.kind) == 0 {
			continue
		}
		n, _ := v.windowCount(i, cr.mask, cr.ladder.WithinDays, false, nil)
		fired = append(fired, firing{emp: int32(ei), rule: int32(ri), inc: int32(i), n: int32(n)})
	}
	return fired
}

// ladder proposes for the nth offence v.incs[i] of the ladder's kinds
// inside the period: the step its number within the window reaches.
func (e *evaluator) ladder(p *Proposal, key string, cr *crule, v *view, i, n int) {
	l := cr.ladder
	_, window := v.window(i, cr.mask, l.WithinDays, e.win)
	ex := e.explainer()
	ex.phrases = append(ex.phrases, e.countPhrase(v, window, n, l.Incidents, l.WithinDays))
	ex.add(FactValue{Name: cr.windowName, Value: e.windowValue(v, window, n)})
	e.win = window
	if cr.when != nil {
		ex.reasons(e, cr.when, v)
		ex.used(e, cr.when, v)
	}
	step := min(n, len(cr.steps)) - 1
	e.proposeActions(p, key, cr, v, &ex, cr.steps[step], v.incs[i].inc.ID, n)
}

// explainer is an explainer on the evaluator's scratch.
func (e *evaluator) explainer() explainer {
	return explainer{phrases: e.phrases[:0], facts: e.facts[:0]}
}

func (e *evaluator) propose(p *Proposal, key string, cr *crule, v *view, ex *explainer, incident string, offence int) {
	e.proposeActions(p, key, cr, v, ex, cr.then, incident, offence)
}

// proposeActions builds the proposal of one rule for one employee into p,
// a zero Proposal, with its key (evaluator.keys).
func (e *evaluator) proposeActions(p *Proposal, key string, cr *crule, v *view, ex *explainer, then []cact, incident string, offence int) {
	r := cr.r
	p.Key = key
	p.PolicyID, p.PolicyVersion, p.RuleID, p.Cites = e.p.ID, e.p.Version, r.ID, e.strs.copyOf(r.Cites)
	p.Title, p.Employee, p.Period, p.Incident, p.Offence = r.Title, v.f.Employee, e.period, incident, offence
	p.Currency = e.p.Currency
	p.Actions = e.actions.take(len(then))
	acts := e.acts[:0]
	for i := range then {
		p.Actions[i], acts = e.action(&then[i], v, acts)
		p.NeedsApproval = p.NeedsApproval || then[i].a.Kind.Severe()
	}
	p.Used = e.factBuf.cut(ex.facts)
	p.Explanation = Explanation{Reasons: e.phraseBuf.cut(ex.phrases), Actions: e.phraseBuf.cut(acts), Rule: r.ID,
		Cites: e.strs.copyOf(r.Cites)}
	// The scratch, grown, for the next proposal.
	e.phrases, e.facts, e.acts = ex.phrases[:0], ex.facts[:0], acts[:0]
}

// action computes one action for an employee: its amount at the policy's
// places, and the phrases that say it, appended to phrases.
func (e *evaluator) action(ca *cact, v *view, phrases []Phrase) (Action, []Phrase) {
	a := ca.a
	out := Action{Kind: a.Kind, Note: a.Note}
	var ph Phrase
	switch {
	case a.Kind == CompensationAction && a.Compensation != nil:
		out.Amount, ph = e.compensation(a.Compensation, ca, v)
	case !a.Amount.IsZero():
		out.Amount = ca.amount
		ph = Phrase{Key: "act.amount", Args: map[string]string{"kind": string(a.Kind), "currency": e.p.Currency,
			"amount": ca.text}}
	default:
		ph = Phrase{Key: "act", Args: map[string]string{"kind": string(a.Kind)}}
	}
	phrases = append(phrases, ph)
	if !a.Note.IsZero() {
		phrases = append(phrases, Phrase{Key: "act.note", Args: map[string]string{"note_en": a.Note.EN, "note_zh": a.Note.ZH}})
	}
	return out, phrases
}

// compensation computes a compensation from the loss inside the period
// (the incidents of ca.of, c.Of's mask): the loss's bracket gives a
// percent of it, rounded half up to the policy's places, or a fixed
// amount, never more than the loss.
func (e *evaluator) compensation(c *Compensation, ca *cact, v *view) (decimal.Decimal, Phrase) {
	loss := v.total(ca.of)
	if !loss.IsPositive() {
		return decimal.Zero, Phrase{Key: "act.compensation_none"}
	}
	money := func(d decimal.Decimal) string { return fixedText(d, e.places) }
	for i, b := range c.Brackets {
		if loss.Cmp(b.Above) <= 0 || (b.AtMost != nil && loss.Cmp(*b.AtMost) > 0) {
			continue
		}
		if !b.Percent.IsZero() {
			amt := percentOf(loss, b.Percent, e.places)
			return amt, Phrase{Key: "act.compensation_percent", Args: map[string]string{"currency": e.p.Currency,
				"amount": money(amt), "percent": ca.percents[i], "loss": money(loss)}}
		}
		if b.Amount.GreaterThan(loss) {
			return loss, Phrase{Key: "act.compensation_capped", Args: map[string]string{"currency": e.p.Currency,
				"amount": money(loss), "fixed": money(b.Amount)}}
		}
		return b.Amount, Phrase{Key: "act.compensation_fixed", Args: map[string]string{"currency": e.p.Currency,
			"amount": money(b.Amount), "loss": money(loss)}}
	}
	// Validate makes the brackets cover every loss above 0.
	return decimal.Zero, Phrase{Key: "act.compensation_none"}
}
