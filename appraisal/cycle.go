package appraisal

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// CycleState is where a month's appraisal stands (R6.2).
type CycleState string

// Cycle states: inputs are collected while open; scoring computes the
// results, which a supervisor may calibrate; finalised results are
// immutable; published results are shown to the employees.
const (
	CycleOpen      CycleState = "open"
	CycleScored    CycleState = "scored"
	CycleFinalized CycleState = "finalized"
	CyclePublished CycleState = "published"
)

// Cycle is one dealer month's appraisal (R6.2), scored with the plan it
// was opened with.
type Cycle struct {
	DealerID org.DealerID `json:"dealer_id"`
	Month    org.Month    `json:"month"`
	State    CycleState   `json:"state"`
	Plan     Plan         `json:"plan"`
	// Deadlines close each source's input; a rating after its source's
	// deadline is refused. A source without one closes when the cycle is
	// scored.
	Deadlines   map[Source]time.Time `json:"deadlines,omitempty"`
	OpenedAt    time.Time            `json:"opened_at"`
	OpenedBy    org.Actor            `json:"opened_by"`
	ScoredAt    time.Time            `json:"scored_at,omitzero"`
	FinalizedAt time.Time            `json:"finalized_at,omitzero"`
	PublishedAt time.Time            `json:"published_at,omitzero"`
	// Reopenings are the audited re-openings of finalised results.
	Reopenings []Reopening `json:"reopenings,omitempty"`
	Version    int64       `json:"version"`
}

// Reopening is a supervisor's re-opening of a finalised month, with the
// reason.
type Reopening struct {
	By     org.EmployeeID `json:"by"`
	Reason string         `json:"reason"`
	At     time.Time      `json:"at"`
}

// Clone returns a deep copy of c.
func (c Cycle) Clone() Cycle {
	c.Plan = c.Plan.Clone()
	if c.Deadlines != nil {
		d := make(map[Source]time.Time, len(c.Deadlines))
		for k, v := range c.Deadlines {
			d[k] = v
		}
		c.Deadlines = d
	}
	c.Reopenings = slices.Clone(c.Reopenings)
	return c
}

// Clone returns a deep copy of p.
func (p Plan) Clone() Plan {
	p.KPIs = slices.Clone(p.KPIs)
	for i := range p.KPIs {
		p.KPIs[i].Sources = slices.Clone(p.KPIs[i].Sources)
		for k := range p.KPIs[i].Sources {
			p.KPIs[i].Sources[k].Curve.Bands = slices.Clone(p.KPIs[i].Sources[k].Curve.Bands)
		}
	}
	p.Grades = slices.Clone(p.Grades)
	if p.Bonus.ByGrade != nil {
		m := make(map[string]decimal.Decimal, len(p.Bonus.ByGrade))
		for k, v := range p.Bonus.ByGrade {
			m[k] = v
		}
		p.Bonus.ByGrade = m
	}
	if p.Bonus.Linear != nil {
		l := *p.Bonus.Linear
		p.Bonus.Linear = &l
	}
	return p
}

// Input is one stored rating of a cycle. Its key is (ratee, rater,
// source, KPI): a rater rates a KPI of a ratee once per cycle.
type Input struct {
	DealerID org.DealerID    `json:"dealer_id"`
	Month    org.Month       `json:"month"`
	Ratee    org.EmployeeID  `json:"ratee"`
	Rater    org.EmployeeID  `json:"rater"`
	Source   Source          `json:"source"`
	KPI      string          `json:"kpi"`
	Value    decimal.Decimal `json:"value"`
	At       time.Time       `json:"at"`
	Version  int64           `json:"version"`
}

// Key is the input's identity within its dealer month.
func (in Input) Key() string {
	return string(in.Ratee) + "/" + string(in.Rater) + "/" + string(in.Source) + "/" + in.KPI
}

// Calibration is a supervisor's final score in place of the computed one,
// with the mandatory reason; both are kept and shown.
type Calibration struct {
	Score  decimal.Decimal `json:"score"`
	By     org.EmployeeID  `json:"by"`
	Reason string          `json:"reason"`
	At     time.Time       `json:"at"`
}

// Appraisal is one employee's month: the computed result, its rank, a
// calibration if any, the outcome that counts, and the run of failing
// months it ends (R6.4).
type Appraisal struct {
	DealerID org.DealerID `json:"dealer_id"`
	Month    org.Month    `json:"month"`
	// Computed is the score as the plan computes it; it never changes
	// after scoring, calibration or not.
	Computed    Result       `json:"computed"`
	Calibration *Calibration `json:"calibration,omitempty"`
	// Final is what counts: the computed score, or the calibrated one with
	// its grade and bonus.
	Final            Result `json:"final"`
	Rank             int    `json:"rank"`
	ConsecutiveFails int    `json:"consecutive_fails"`
	Version          int64  `json:"version"`
}

// Clone returns a deep copy of a.
func (a Appraisal) Clone() Appraisal {
	a.Computed = a.Computed.clone()
	a.Final = a.Final.clone()
	if a.Calibration != nil {
		c := *a.Calibration
		a.Calibration = &c
	}
	return a
}

func (r Result) clone() Result {
	r.KPIs = slices.Clone(r.KPIs)
	for i := range r.KPIs {
		r.KPIs[i].Missing = slices.Clone(r.KPIs[i].Missing)
		r.KPIs[i].MissingMetrics = slices.Clone(r.KPIs[i].MissingMetrics)
		r.KPIs[i].Sources = slices.Clone(r.KPIs[i].Sources)
	}
	return r
}

// Goal is one goal of an improvement plan.
type Goal struct {
	Text string    `json:"text"`
	Due  time.Time `json:"due"`
	Done bool      `json:"done"`
}

// FollowUp is a note on how an improvement plan goes.
type FollowUp struct {
	By   org.EmployeeID `json:"by"`
	At   time.Time      `json:"at"`
	Note string         `json:"note"`
}

// Improvement is the performance interview and improvement plan after a
// failing month (R6.4): causes analysed with the employee, goals with due
// dates, follow-ups.
type Improvement struct {
	DealerID  org.DealerID   `json:"dealer_id"`
	Month     org.Month      `json:"month"`
	Employee  org.EmployeeID `json:"employee"`
	Interview string         `json:"interview"`
	Goals     []Goal         `json:"goals"`
	FollowUps []FollowUp     `json:"follow_ups,omitempty"`
	By        org.EmployeeID `json:"by"`
	At        time.Time      `json:"at"`
	Version   int64          `json:"version"`
}

// Clone returns a deep copy of i.
func (i Improvement) Clone() Improvement {
	i.Goals = slices.Clone(i.Goals)
	i.FollowUps = slices.Clone(i.FollowUps)
	return i
}

// Change is everything one appraisal command writes, atomically.
type Change struct {
	Cycles       []Cycle
	Inputs       []Input
	Appraisals   []Appraisal
	Improvements []Improvement
	Events       []org.Event
}

// Store persists appraisal cycles, inputs, appraisals and improvement
// plans. The host implements it; the rules are in [Service]. The version
// rule, tenancy, copies, amounts, instants and context are as in
// [org.Store]. Keys: a cycle by month; an input by month and Key(); an
// appraisal and an improvement by month and employee.
type Store interface {
	// Cycle returns a month's cycle, or ErrNotFound.
	Cycle(ctx context.Context, dealer org.DealerID, m org.Month) (Cycle, error)
	// Inputs returns a month's inputs about ratee (all when empty),
	// ordered by Key.
	Inputs(ctx context.Context, dealer org.DealerID, m org.Month, ratee org.EmployeeID) ([]Input, error)
	// Appraisals returns a month's appraisals, ordered by employee.
	Appraisals(ctx context.Context, dealer org.DealerID, m org.Month) ([]Appraisal, error)
	// History returns an employee's appraisals of every month up to and
	// including m, oldest first.
	History(ctx context.Context, dealer org.DealerID, employee org.EmployeeID, upTo org.Month) ([]Appraisal, error)
	// Improvement returns the improvement plan of an employee's month, or
	// ErrNotFound.
	Improvement(ctx context.Context, dealer org.DealerID, m org.Month, employee org.EmployeeID) (Improvement, error)
	// Commit writes c atomically: every record and event, or nothing.
	Commit(ctx context.Context, dealer org.DealerID, c Change) error
}
