package policy

import (
	"github.com/shopspring/decimal"
)

// Policy is a dealer's reward and penalty rules (R6.4, R7): versioned
// configuration that a dealer's team reads, changes and unit-tests. Every
// proposal records the ID and version of the policy that made it.
type Policy struct {
	// ID names the policy, as "taipei-east"; letters, digits and . _ : -.
	ID string `json:"id" yaml:"id"`
	// Version is 1 or more; bump it on every change.
	Version int `json:"version" yaml:"version"`
	// Currency is the ISO 4217 code of every amount, as TWD.
	Currency string `json:"currency" yaml:"currency"`
	// Places is the decimal places amounts are written with and computed
	// amounts (compensation) are rounded to, half up. Nil means 2; a
	// currency written in whole units, as TWD usually is, says 0.
	Places  *int32   `json:"places,omitempty" yaml:"places,omitempty"`
	Rules   []Rule   `json:"rules" yaml:"rules"`
	Ladders []Ladder `json:"ladders,omitempty" yaml:"ladders,omitempty"`
}

// DefaultPlaces is the places of a policy that does not state its own.
const DefaultPlaces = 2

// places is the policy's places, or DefaultPlaces.
func (p *Policy) places() int32 {
	if p.Places == nil {
		return DefaultPlaces
	}
	return *p.Places
}

// Rule is one rule of the policy: when its condition holds for an employee
// and period, it proposes its actions, or, with a ladder, the actions of
// the step each offence reaches. With an award, only the best employees
// meeting the condition get it.
type Rule struct {
	// ID is unique in the policy; proposals name it.
	ID string `json:"id" yaml:"id"`
	// Cites are the rules of RULES.md the rule enforces, as R7.2a.
	Cites []string `json:"cites,omitempty" yaml:"cites,omitempty"`
	// Title names the rule for people, in both languages.
	Title Text `json:"title" yaml:"title"`
	// Period is the kind of period the rule is evaluated for: month or
	// year. Evaluating a month runs the monthly rules only.
	Period PeriodKind `json:"period" yaml:"period"`
	// When is the condition. A rule with Then needs one; a ladder rule may
	// have one as a further guard (every offence counts otherwise).
	When Condition `json:"when,omitzero" yaml:"when,omitempty"`
	// Then are the actions proposed when the condition holds; or
	Then []Action `json:"then,omitempty" yaml:"then,omitempty"`
	// Ladder names a ladder of the policy: one proposal per offence inside
	// the period, with the actions of the step the offence reaches.
	Ladder string `json:"ladder,omitempty" yaml:"ladder,omitempty"`
	// Award, when set, gives Then only to the best of the employees that
	// meet the condition.
	Award *Award `json:"award,omitempty" yaml:"award,omitempty"`
}

// Text is a text for people in both languages of the dealership.
type Text struct {
	EN string `json:"en" yaml:"en"`
	ZH string `json:"zh" yaml:"zh"`
}

// IsZero reports whether t has no text in either language.
func (t Text) IsZero() bool { return t.EN == "" && t.ZH == "" }

// PeriodKind is the kind of a period: a month or a year.
type PeriodKind string

// Period kinds.
const (
	Monthly PeriodKind = "month"
	Yearly  PeriodKind = "year"
)

// Ladder is progressive discipline (R7.2): the nth offence of its incident
// kinds, counting the offences within WithinDays days up to and including
// it, gets Steps[n-1], and every offence past the last step gets the last.
type Ladder struct {
	ID        string         `json:"id" yaml:"id"`
	Incidents []IncidentKind `json:"incidents" yaml:"incidents"`
	// WithinDays is the window: the offence's date and the days before it,
	// WithinDays calendar days in all, in the dealer's time zone.
	WithinDays int        `json:"within_days" yaml:"within_days"`
	Steps      [][]Action `json:"steps" yaml:"steps"`
}

// Award limits a rule to its best employees: among those meeting the
// condition, the first Winners when sorted by TieBreak, then by employee
// ID ascending, which breaks every remaining tie. A proposal whose winner
// was tied with someone left out says so, and by what the tie was broken.
type Award struct {
	Winners  int       `json:"winners" yaml:"winners"`
	TieBreak []SortKey `json:"tie_break,omitempty" yaml:"tie_break,omitempty"`
}

// SortKey sorts candidates for an award by a number fact. An employee
// without the fact (not appraised) sorts after every one with it.
type SortKey struct {
	Fact  string `json:"fact" yaml:"fact"`
	Order Order  `json:"order" yaml:"order"`
}

// Order is the direction of a SortKey: desc puts the highest first.
type Order string

// Orders.
const (
	Ascending  Order = "asc"
	Descending Order = "desc"
)

// Action is one action a rule proposes. Nothing is ever executed: every
// action is a proposal that a supervisor approves or rejects.
type Action struct {
	Kind ActionKind `json:"kind" yaml:"kind"`
	// Amount is required for bonus and fine, allowed for raise, trip and
	// training_opportunity, and not written for the others. In a proposal
	// it is the amount proposed, computed for compensation.
	Amount decimal.Decimal `json:"amount,omitzero" yaml:"amount,omitempty"`
	// Compensation says how a compensation is computed; only for kind
	// compensation, which requires it. Proposals leave it out: their
	// explanation names the bracket.
	Compensation *Compensation `json:"compensation,omitempty" yaml:"compensation,omitempty"`
	// Note is shown with the action, in both languages, when written.
	Note Text `json:"note,omitzero" yaml:"note,omitempty"`
}

// Compensation is compensation by the size of the loss (R7.2c): the loss is
// the sum of the amounts of the Of incidents inside the period, and the
// bracket it falls in gives the compensation, a percent of the whole loss
// or a fixed amount, never more than the loss. Brackets are (above,
// at_most], the first above 0, each starting where the one before ends, the
// last without at_most: every loss has exactly one bracket.
type Compensation struct {
	Of       []IncidentKind        `json:"of" yaml:"of"`
	Brackets []CompensationBracket `json:"brackets" yaml:"brackets"`
}

// CompensationBracket is one bracket of a compensation table: a loss above
// Above and at most AtMost (nil: no upper bound) pays Percent of the loss,
// or Amount; exactly one of them.
type CompensationBracket struct {
	Above   decimal.Decimal  `json:"above" yaml:"above"`
	AtMost  *decimal.Decimal `json:"at_most,omitempty" yaml:"at_most,omitempty"`
	Percent decimal.Decimal  `json:"percent,omitzero" yaml:"percent,omitempty"`
	Amount  decimal.Decimal  `json:"amount,omitzero" yaml:"amount,omitempty"`
}

// ActionKind is what an action does.
type ActionKind string

// Rewards (R6.4, R7.1).
const (
	Certificate          ActionKind = "certificate"
	Bonus                ActionKind = "bonus"
	PromotionEligibility ActionKind = "promotion_eligibility"
	Raise                ActionKind = "raise"
	TrainingOpportunity  ActionKind = "training_opportunity"
	Trip                 ActionKind = "trip"
	Commendation         ActionKind = "commendation"
)

// Penalties (R6.4, R7.2).
const (
	Warning                ActionKind = "warning"
	Fine                   ActionKind = "fine"
	Demerit                ActionKind = "demerit"
	Demotion               ActionKind = "demotion"
	CompensationAction     ActionKind = "compensation"
	TerminationEligibility ActionKind = "termination_eligibility"
	Dismissal              ActionKind = "dismissal"
	LegalAction            ActionKind = "legal_action"
)

// Development after a fail (R6.4, R5.4).
const (
	Interview       ActionKind = "interview"
	ImprovementPlan ActionKind = "improvement_plan"
	Retake          ActionKind = "retake"
	Retraining      ActionKind = "retraining"
)

// ActionClass groups action kinds.
type ActionClass string

// Action classes.
const (
	Reward      ActionClass = "reward"
	Penalty     ActionClass = "penalty"
	Development ActionClass = "development"
)

// actionKinds lists every kind with its class, in the order ActionKinds
// gives them.
var actionKinds = []struct {
	kind  ActionKind
	class ActionClass
}{
	{Certificate, Reward}, {Bonus, Reward}, {PromotionEligibility, Reward}, {Raise, Reward},
	{TrainingOpportunity, Reward}, {Trip, Reward}, {Commendation, Reward},
	{Warning, Penalty}, {Fine, Penalty}, {Demerit, Penalty}, {Demotion, Penalty}, {CompensationAction, Penalty},
	{TerminationEligibility, Penalty}, {Dismissal, Penalty}, {LegalAction, Penalty},
	{Interview, Development}, {ImprovementPlan, Development}, {Retake, Development}, {Retraining, Development},
}

// ActionKinds lists every action kind: rewards, penalties, development.
func ActionKinds() []ActionKind {
	out := make([]ActionKind, len(actionKinds))
	for i, k := range actionKinds {
		out[i] = k.kind
	}
	return out
}

// Class is the class of k, or "" for a kind that ActionKinds lacks.
func (k ActionKind) Class() ActionClass {
	for _, a := range actionKinds {
		if a.kind == k {
			return a.class
		}
	}
	return ""
}

// Valid reports whether ActionKinds has k.
func (k ActionKind) Valid() bool { return k.Class() != "" }

// Severe reports whether a proposal of k needs a supervisor's approval
// before anyone acts on it: demotion, termination eligibility, dismissal
// and legal action.
func (k ActionKind) Severe() bool {
	switch k {
	case Demotion, TerminationEligibility, Dismissal, LegalAction:
		return true
	}
	return false
}

// amountRule says whether an action of k takes an amount.
type amountRule int

const (
	amountNone amountRule = iota
	amountOptional
	amountRequired
)

func (k ActionKind) amount() amountRule {
	switch k {
	case Bonus, Fine:
		return amountRequired
	case Raise, Trip, TrainingOpportunity:
		return amountOptional
	}
	return amountNone
}
