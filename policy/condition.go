package policy

import (
	"github.com/shopspring/decimal"
)

// Condition is what a rule asks of an employee's facts for a period.
// Exactly one field is set: a combination (All, Any, Not) or a test (Fact,
// Count, Consecutive, Rank, Amount). Conditions are data, not code: they
// are type-checked when the policy loads, explained in both languages, and
// cheap to evaluate.
//
// A test of a fact the employee has no value for (a test of the
// appraisal when there is none) is unknown, neither true nor false: not
// keeps it unknown, all is false when any part is false and otherwise
// unknown when any part is, any is true when any part is true and
// otherwise unknown when any part is. A rule proposes only when its
// condition is true, so an employee without an appraisal gets nothing that
// depends on one, even under a not.
type Condition struct {
	All []Condition `json:"all,omitempty" yaml:"all,omitempty"`
	Any []Condition `json:"any,omitempty" yaml:"any,omitempty"`
	Not *Condition  `json:"not,omitempty" yaml:"not,omitempty"`
	// Fact compares a fact with a value: {name: appraisal.score, op:
	// ">=", value: 90}.
	Fact *Compare `json:"fact,omitempty" yaml:"fact,omitempty"`
	// Count asks for several incidents within a rolling window: the third
	// lateness in 30 days.
	Count *Count `json:"count,omitempty" yaml:"count,omitempty"`
	// Consecutive asks that a fact held for the last periods in a row:
	// two consecutive failing appraisals.
	Consecutive *Consecutive `json:"consecutive,omitempty" yaml:"consecutive,omitempty"`
	// Rank asks for a place among the ranked: top 1 with a score of at
	// least 90.
	Rank *Rank `json:"rank,omitempty" yaml:"rank,omitempty"`
	// Amount asks that the total amount of incidents in the period falls
	// in a bracket: a loss above 10,000 and at most 50,000.
	Amount *Bracket `json:"amount,omitempty" yaml:"amount,omitempty"`
}

// IsZero reports whether c sets no field: no condition.
func (c Condition) IsZero() bool {
	return c.All == nil && c.Any == nil && c.Not == nil && c.Fact == nil && c.Count == nil &&
		c.Consecutive == nil && c.Rank == nil && c.Amount == nil
}

// Compare compares the fact Name (see [Facts]) with Value by Op. A yes/no
// fact may leave out Op and Value: {name: appraisal.failed} asks that it
// is true.
type Compare struct {
	Name  string `json:"name" yaml:"name"`
	Op    Op     `json:"op,omitempty" yaml:"op,omitempty"`
	Value Value  `json:"value,omitempty" yaml:"value,omitempty"`
}

// Op is a comparison. A number fact takes all six; a text or yes/no fact
// == and != only.
type Op string

// Comparisons. In YAML quote them: op: ">=".
const (
	Eq Op = "=="
	Ne Op = "!="
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
)

// Ops lists the comparisons.
func Ops() []Op { return []Op{Eq, Ne, Lt, Le, Gt, Ge} }

// Value is the value a fact is compared with, as written: 90, 2.5, B,
// true. A policy file may write it as any scalar, a number, text or true
// and false, in YAML and JSON alike; the policy checks it against the
// fact's type when it loads.
type Value string

// UnmarshalText takes the value as written.
func (v *Value) UnmarshalText(b []byte) error {
	*v = Value(b)
	return nil
}

// Count holds when at least AtLeast incidents of the kinds fall in some
// window of WithinDays calendar days that ends on the day of an incident
// inside the period, counting the incidents of that day up to and
// including it: "the 3rd lateness in 30 days". Incidents before the
// period count in the window; only one inside the period can end it.
type Count struct {
	Incidents  []IncidentKind `json:"incidents" yaml:"incidents"`
	WithinDays int            `json:"within_days" yaml:"within_days"`
	AtLeast    int            `json:"at_least" yaml:"at_least"`
}

// Consecutive holds when the yes/no fact held for the last Periods periods
// in a row, the evaluated one included. Only a fact with a history has
// such a count: appraisal.failed, from the appraisal's consecutive fails.
type Consecutive struct {
	Fact    string `json:"fact" yaml:"fact"`
	Periods int    `json:"periods" yaml:"periods"`
}

// Rank holds when the employee's appraisal rank is Top or better (1 is
// the best; equal scores share a rank) and, when MinScore is set, the score
// is at least MinScore.
type Rank struct {
	Top      int              `json:"top" yaml:"top"`
	MinScore *decimal.Decimal `json:"min_score,omitempty" yaml:"min_score,omitempty"`
}

// Bracket holds when the total amount of the incidents of the kinds inside
// the period is above Above (0 when not written) and, when AtMost is set,
// at most AtMost: the bracket (above, at_most].
type Bracket struct {
	Incidents []IncidentKind   `json:"incidents" yaml:"incidents"`
	Above     decimal.Decimal  `json:"above,omitzero" yaml:"above,omitempty"`
	AtMost    *decimal.Decimal `json:"at_most,omitempty" yaml:"at_most,omitempty"`
}
