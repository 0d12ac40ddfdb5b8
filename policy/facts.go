package policy

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// Facts is what the other packages know about one employee for the
// evaluated period: the appraisal result (appraisal), training results
// (training), incidents recorded by supervisors, and nominations for a
// special contribution. The host gathers them; the policy only reads them.
type Facts struct {
	Employee org.EmployeeID `json:"employee"`
	// Appraisal is the period's appraisal result; nil when the employee
	// was not appraised. Tests of it are then unknown (see [Condition]).
	Appraisal *AppraisalFacts `json:"appraisal,omitempty"`
	// Training are the training results of the period (R5.4).
	Training []TrainingResult `json:"training,omitempty"`
	// Incidents are the incidents of the period and, for rolling windows,
	// those before it: only one inside the period can trigger a rule.
	// Incidents after the period are ignored.
	Incidents []Incident `json:"incidents,omitempty"`
	// Nominations for a special contribution in the period (R7.1).
	Nominations []Nomination `json:"nominations,omitempty"`
}

// AppraisalFacts is an appraisal result as the policy reads it: for a
// month, the monthly appraisal (R6); for a year, the annual one.
type AppraisalFacts struct {
	Score     decimal.Decimal `json:"score"`
	Grade     string          `json:"grade"`
	Passed    bool            `json:"passed"`
	Excellent bool            `json:"excellent,omitempty"`
	// Rank is 1 for the best score among Ranked employees; equal scores
	// share a rank. 0: not ranked.
	Rank   int `json:"rank,omitempty"`
	Ranked int `json:"ranked,omitempty"`
	// ConsecutiveFails is the run of failing periods that ends with this
	// one (0 when it passed), as appraisal counts it.
	ConsecutiveFails int `json:"consecutive_fails,omitempty"`
}

// TrainingResult is the outcome of one course's assessment in the period.
type TrainingResult struct {
	Course  string  `json:"course"`
	Outcome Outcome `json:"outcome"`
}

// Outcome is how an assessment ended (R5.4).
type Outcome string

// Outcomes.
const (
	Excellent    Outcome = "excellent"     // passed with an excellent result
	Passed       Outcome = "passed"        // passed
	Failed       Outcome = "failed"        // failed: a retake is due
	RetakeFailed Outcome = "retake_failed" // failed the retake too
	NeedsRetrain Outcome = "retraining"    // must take the course again
)

// Outcomes lists the outcomes.
func Outcomes() []Outcome { return slices.Clone(outcomes[:]) }

var outcomes = [...]Outcome{Excellent, Passed, Failed, RetakeFailed, NeedsRetrain}

func outcomeIndex(o Outcome) int {
	for i, c := range outcomes {
		if c == o {
			return i
		}
	}
	return -1
}

// Incident is something a supervisor recorded about an employee: an
// attendance or conduct incident, a complaint, a loss (R7.2).
type Incident struct {
	// ID is unique among the employee's incidents; a ladder's proposal is
	// keyed by it.
	ID   string       `json:"id"`
	Kind IncidentKind `json:"kind"`
	At   time.Time    `json:"at"`
	// Amount is the loss or the amount in dispute, in the policy's
	// currency; zero when there is none. Never negative.
	Amount decimal.Decimal `json:"amount,omitzero"`
	Note   string          `json:"note,omitempty"`
}

// IncidentKind is a kind of incident.
type IncidentKind string

// Incident kinds of R7.2.
const (
	Late                  IncidentKind = "late"                   // R7.2a
	LeftEarly             IncidentKind = "left_early"             // R7.2a
	Absent                IncidentKind = "absent"                 // R7.2a
	BadAttitude           IncidentKind = "bad_attitude"           // R7.2b
	CustomerQuarrel       IncidentKind = "customer_quarrel"       // R7.2b
	ImageHarm             IncidentKind = "image_harm"             // R7.2b
	Complaint             IncidentKind = "complaint"              // R7.2c
	Loss                  IncidentKind = "loss"                   // R7.2c
	Negligence            IncidentKind = "negligence"             // R7.2c
	ConfidentialityBreach IncidentKind = "confidentiality_breach" // R7.2d
)

// IncidentKinds lists the incident kinds.
func IncidentKinds() []IncidentKind { return slices.Clone(incidentKinds[:]) }

// incidentKinds is IncidentKinds, in the order the fact index keeps them.
var incidentKinds = [...]IncidentKind{Late, LeftEarly, Absent, BadAttitude, CustomerQuarrel, ImageHarm, Complaint,
	Loss, Negligence, ConfidentialityBreach}

// Valid reports whether IncidentKinds has k.
func (k IncidentKind) Valid() bool { return incidentIndex(k) >= 0 }

func incidentIndex(k IncidentKind) int {
	for i, c := range incidentKinds {
		if c == k {
			return i
		}
	}
	return -1
}

// Nomination is a nomination for a special contribution (R7.1).
type Nomination struct {
	ID     string         `json:"id"`
	Reason string         `json:"reason"`
	By     org.EmployeeID `json:"by"`
}
