package appraisal

import (
	"slices"

	"github.com/shopspring/decimal"
)

// Source is where a KPI's input comes from (R6.3).
type Source string

// The sources of R6.3, and measured business figures (R6.1).
const (
	SourceSelf       Source = "self"
	SourceSupervisor Source = "supervisor"
	SourceCustomer   Source = "customer"
	SourcePeer       Source = "peer"
	SourceMeasured   Source = "measured"
)

// Sources lists the sources in the order results show them.
func Sources() []Source {
	return []Source{SourceSelf, SourceSupervisor, SourceCustomer, SourcePeer, SourceMeasured}
}

// Metric is a measured business figure (R6.1), computed from servicedesk,
// billing and training records by a [Measurer].
type Metric string

// Metrics the SDK measures.
const (
	MetricCustomersReceived  Metric = "customers_received"
	MetricAppointmentSuccess Metric = "appointment_success_rate" // 0 to 1
	MetricSettlementAccuracy Metric = "settlement_accuracy"      // 0 to 1
	MetricSatisfaction       Metric = "satisfaction"             // 0 to 100
	MetricComplaints         Metric = "complaints"
	MetricTrainingScore      Metric = "training_score" // 0 to 100
	MetricTrainingPassRate   Metric = "training_pass_rate"
	MetricReworks            Metric = "reworks"
)

// Metrics lists the metrics a plan may use.
func Metrics() []Metric {
	return []Metric{MetricCustomersReceived, MetricAppointmentSuccess, MetricSettlementAccuracy, MetricSatisfaction,
		MetricComplaints, MetricTrainingScore, MetricTrainingPassRate, MetricReworks}
}

// MissingPolicy says what happens when a source has no input.
type MissingPolicy string

// Missing-input policies. Neither ever counts a missing source as zero.
const (
	// Renormalize drops the missing source and shares its weight among the
	// sources present, in proportion to their weights.
	Renormalize MissingPolicy = "renormalize"
	// Incomplete marks the KPI incomplete: it is left out of the score,
	// the other KPIs' weights are shared out, and the result says so.
	Incomplete MissingPolicy = "incomplete"
)

// Plan is a dealer's appraisal plan: KPIs with weights summing to 100,
// each fed by weighted sources; grade bands; the bonus table. It is
// versioned configuration; every result records the version that scored it.
type Plan struct {
	Version string        `json:"version" yaml:"version"`
	KPIs    []KPI         `json:"kpis" yaml:"kpis"`
	Missing MissingPolicy `json:"missing" yaml:"missing"`
	// MinPeers is how many peers must rate before peer ratings count; zero
	// means 3.
	MinPeers int `json:"min_peers" yaml:"min_peers"`
	// TrimPeers drops the highest and the lowest peer rating (when more
	// than two remain).
	TrimPeers bool `json:"trim_peers" yaml:"trim_peers"`
	// Places is the precision of KPI scores and the final score (0 to 100);
	// rounding is half up. Zero means 2.
	Places int32   `json:"places" yaml:"places"`
	Grades []Grade `json:"grades" yaml:"grades"`
	Bonus  Bonus   `json:"bonus" yaml:"bonus"`
}

// KPI is one key performance indicator (R6.1) with its weight in the total
// (the plan's weights sum to 100) and its sources.
type KPI struct {
	Code    string          `json:"code" yaml:"code"`
	Name    string          `json:"name" yaml:"name"`
	Weight  decimal.Decimal `json:"weight" yaml:"weight"`
	Sources []SourceWeight  `json:"sources" yaml:"sources"`
}

// SourceWeight is one source's weight inside a KPI (any positive numbers;
// they are shared in proportion). A rating source has a Scale; a measured
// source names its Metric and the Curve that turns it into points.
type SourceWeight struct {
	Source Source          `json:"source" yaml:"source"`
	Weight decimal.Decimal `json:"weight" yaml:"weight"`
	Scale  Scale           `json:"scale,omitzero" yaml:"scale,omitempty"`
	Metric Metric          `json:"metric,omitempty" yaml:"metric,omitempty"`
	Curve  Curve           `json:"curve,omitzero" yaml:"curve,omitempty"`
}

// Scale is a rating scale: 1 to 5, 0 to 10, 0 to 100. A rating v becomes
// (v - Min) / (Max - Min) x 100 points.
type Scale struct {
	Min decimal.Decimal `json:"min" yaml:"min"`
	Max decimal.Decimal `json:"max" yaml:"max"`
}

// Curve turns a measured figure into 0 to 100 points: linear from Floor (0
// points) to Target (100 points), clamped, where a Floor above the Target
// means lower is better (complaints); or by Bands, the highest band whose
// From the value reaches.
type Curve struct {
	Floor  decimal.Decimal `json:"floor,omitzero" yaml:"floor,omitempty"`
	Target decimal.Decimal `json:"target,omitzero" yaml:"target,omitempty"`
	Bands  []Band          `json:"bands,omitempty" yaml:"bands,omitempty"`
}

// Band gives Points to values from From up.
type Band struct {
	From   decimal.Decimal `json:"from" yaml:"from"`
	Points decimal.Decimal `json:"points" yaml:"points"`
}

// Grade is a grade band: scores from Min up (to the next grade's Min).
// Pass is false for the failing grade(s) (R6.4).
type Grade struct {
	Code string          `json:"code" yaml:"code"`
	Name string          `json:"name" yaml:"name"`
	Min  decimal.Decimal `json:"min" yaml:"min"`
	Pass bool            `json:"pass" yaml:"pass"`
	// Excellent marks the grade that earns commendation (R6.4, R7.1).
	Excellent bool `json:"excellent" yaml:"excellent"`
}

// Bonus is the bonus table (R6.4): the bonus follows the score, as a share
// of the employee's BonusBase, by grade or linear between two scores, never
// above Cap (a share; zero: no cap).
type Bonus struct {
	// ByGrade gives each grade code its share of the base (1 = 100%).
	ByGrade map[string]decimal.Decimal `json:"by_grade,omitempty" yaml:"by_grade,omitempty"`
	// Linear, when set, gives From.Share at From.Score and below, To.Share
	// at To.Score and above, and a straight line between.
	Linear *LinearBonus    `json:"linear,omitempty" yaml:"linear,omitempty"`
	Cap    decimal.Decimal `json:"cap,omitzero" yaml:"cap,omitempty"`
	// Places rounds bonus amounts (the currency's places); rounding is half
	// up.
	Places int32 `json:"places" yaml:"places"`
}

// LinearBonus is a straight line of shares between two scores.
type LinearBonus struct {
	From BonusPoint `json:"from" yaml:"from"`
	To   BonusPoint `json:"to" yaml:"to"`
}

// BonusPoint is a share of the base at a score.
type BonusPoint struct {
	Score decimal.Decimal `json:"score" yaml:"score"`
	Share decimal.Decimal `json:"share" yaml:"share"`
}

func (p *Plan) places() int32 {
	if p.Places == 0 {
		return 2
	}
	return p.Places
}

func (p *Plan) minPeers() int {
	if p.MinPeers == 0 {
		return 3
	}
	return p.MinPeers
}

// grade finds the grade of a score: the band with the highest Min the
// score reaches.
func (p *Plan) grade(score decimal.Decimal) (Grade, bool) {
	if len(p.Grades) <= 12 {
		// What sorting by Min, highest first, finds: slices.SortFunc sorts
		// up to 12 items by insertion, which keeps grades of one Min (an
		// invalid plan) in their order, so the earliest of them wins.
		best := -1
		for i := range p.Grades {
			if cmpDec(score, p.Grades[i].Min) >= 0 && (best < 0 || cmpDec(p.Grades[i].Min, p.Grades[best].Min) > 0) {
				best = i
			}
		}
		if best < 0 {
			return Grade{}, false
		}
		return p.Grades[best], true
	}
	gs := slices.Clone(p.Grades)
	slices.SortFunc(gs, func(a, b Grade) int { return b.Min.Cmp(a.Min) })
	for _, g := range gs {
		if score.Cmp(g.Min) >= 0 {
			return g, true
		}
	}
	return Grade{}, false
}
