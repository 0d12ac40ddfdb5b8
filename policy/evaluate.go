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

func checkAppraisal(at func() string, a *AppraisalFacts, ve *org.ValidationError) {
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
	loc        *time.Location
	start, end time.Time
	places     int32
	rules      []crule
	views      []*view // sorted by employee
}

// crule is a rule compiled: its condition and ladder resolved.
type crule struct {
	r      *Rule
	when   *cond // nil: none
	ladder *Ladder
	mask   uint16 // the ladder's kinds
}

func newEvaluator(p *Policy, in Input) *evaluator {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	e := &evaluator{p: p, period: in.Period, loc: loc, start: in.Period.Start(loc), end: in.Period.End(loc), places: p.places()}
	ladders := map[string]*Ladder{}
	for i := range p.Ladders {
		ladders[p.Ladders[i].ID] = &p.Ladders[i]
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.Period != in.Period.Kind() {
			continue
		}
		cr := crule{r: r}
		if !r.When.IsZero() {
			cr.when = compile(&r.When)
		}
		if r.Ladder != "" {
			cr.ladder = ladders[r.Ladder]
			cr.mask = kindMask(cr.ladder.Incidents)
		}
		e.rules = append(e.rules, cr)
	}
	e.views = make([]*view, len(in.Facts))
	for i := range in.Facts {
		e.views[i] = e.newView(&in.Facts[i])
	}
	slices.SortFunc(e.views, func(a, b *view) int { return cmp.Compare(a.f.Employee, b.f.Employee) })
	return e
}

// run evaluates every rule, employee by employee and, for each, rule by
// rule and offence by offence, so that the proposals come out in order
// with no sort. Awards, which compare employees, are decided first.
func (e *evaluator) run() []Proposal {
	awards := make([]map[int]Proposal, len(e.rules)) // by rule: the winners' proposals by employee
	for ri, cr := range e.rules {
		if cr.ladder == nil && cr.r.Award != nil {
			awards[ri] = e.award(cr)
		}
	}
	out := make([]Proposal, 0, len(e.views)) // about one a head, and it grows
	for ei, v := range e.views {
		for ri, cr := range e.rules {
			switch {
			case cr.ladder != nil:
				out = e.ladder(out, cr, v)
			case awards[ri] != nil:
				if p, ok := awards[ri][ei]; ok {
					out = append(out, p)
				}
			case eval(cr.when, v) == yes:
				var ex explainer
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
func (e *evaluator) ladder(out []Proposal, cr crule, v *view) []Proposal {
	if cr.when != nil && eval(cr.when, v) != yes {
		return out
	}
	l := cr.ladder
	for i, x := range v.incs {
		if !x.in || cr.mask&(1<<x.kind) == 0 {
			continue
		}
		n, window := v.window(i, cr.mask, l.WithinDays)
		var ex explainer
		ex.phrases = append(ex.phrases, e.countPhrase(v, window, n, l.Incidents, l.WithinDays))
		ex.add(FactValue{Name: windowName(l.Incidents, l.WithinDays), Value: e.windowValue(v, window, n)})
		if cr.when != nil {
			ex.reasons(e, cr.when, v)
			ex.used(e, cr.when, v)
		}
		step := l.Steps[min(n, len(l.Steps))-1]
		out = append(out, e.proposeActions(cr, v, &ex, step, x.inc.ID, n))
	}
	return out
}

func (e *evaluator) propose(cr crule, v *view, ex *explainer, incident string, offence int) Proposal {
	return e.proposeActions(cr, v, ex, cr.r.Then, incident, offence)
}

// proposeActions builds the proposal of one rule for one employee.
func (e *evaluator) proposeActions(cr crule, v *view, ex *explainer, then []Action, incident string, offence int) Proposal {
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
func (e *evaluator) action(a Action, v *view) (Action, []Phrase) {
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
func (e *evaluator) compensation(c *Compensation, v *view) (decimal.Decimal, Phrase) {
	loss := v.total(kindMask(c.Of))
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
	// Validate makes the brackets cover every loss above 0.
	return decimal.Zero, Phrase{Key: "act.compensation_none"}
}
