package appraisal

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/exact"
	"github.com/servicelane/servicelane/org"
)

// Rating is one rater's rating of one KPI of the employee being appraised.
type Rating struct {
	Rater  org.EmployeeID  `json:"rater"`
	Source Source          `json:"source"`
	KPI    string          `json:"kpi"`
	Value  decimal.Decimal `json:"value"`
}

// Measure is a measured figure of the month. None means there was nothing
// to measure (no appointments, no surveys): the source is missing, never
// zero.
type Measure struct {
	Value decimal.Decimal `json:"value"`
	None  bool            `json:"none"`
}

// Inputs are everything that scores one employee's month.
type Inputs struct {
	Employee org.EmployeeID     `json:"employee"`
	Ratings  []Rating           `json:"ratings"`
	Measured map[Metric]Measure `json:"measured"`
	// BonusBase is the bonus at a share of 1 (org.Employee.BonusBase).
	BonusBase decimal.Decimal `json:"bonus_base"`
}

// Result is one employee's scored month: the score, grade, bonus, and the
// breakdown per KPI and source with the inputs and weights used (R6.4,
// R1.3). Individual peer ratings and who gave them are never in it: only
// their mean and count.
type Result struct {
	Employee    org.EmployeeID `json:"employee"`
	PlanVersion string         `json:"plan_version"`
	// Score is 0 to 100 at the plan's places, rounded half up.
	Score     decimal.Decimal `json:"score"`
	Grade     string          `json:"grade"`
	Pass      bool            `json:"pass"`
	Excellent bool            `json:"excellent"`
	// BonusShare is the share of the base the score earns; Bonus the
	// amount.
	BonusShare decimal.Decimal `json:"bonus_share"`
	Bonus      decimal.Decimal `json:"bonus"`
	// Incomplete is set when a KPI had to be left out (MissingPolicy
	// Incomplete); the score is then over the KPIs that were complete.
	Incomplete bool        `json:"incomplete"`
	KPIs       []KPIResult `json:"kpis"`
}

// KPIResult is one KPI's part of a result.
type KPIResult struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Weight is the plan's; Share is its part of the score after KPIs left
	// out were shared out (the Shares of the KPIs counted sum to 1).
	Weight decimal.Decimal `json:"weight"`
	Share  decimal.Decimal `json:"share"`
	// Score is 0 to 100 at the plan's places.
	Score      decimal.Decimal `json:"score"`
	Incomplete bool            `json:"incomplete"`
	// Missing lists the sources that had no input.
	Missing []Source       `json:"missing,omitempty"`
	Sources []SourceResult `json:"sources"`
}

// SourceResult is one source's part of a KPI.
type SourceResult struct {
	Source Source `json:"source"`
	Metric Metric `json:"metric,omitempty"`
	// Weight is the plan's; Share the part it had of the KPI after missing
	// sources were dropped (the Shares of present sources sum to 1; a
	// missing source's is 0).
	Weight  decimal.Decimal `json:"weight"`
	Share   decimal.Decimal `json:"share"`
	Present bool            `json:"present"`
	// Raw is the rating's value (for several raters, their mean) or the
	// measured figure; Points its 0 to 100 points.
	Raw    decimal.Decimal `json:"raw"`
	Points decimal.Decimal `json:"points"`
	// Raters counts the ratings that counted; Trimmed those dropped as the
	// highest and lowest peer rating; TooFew is set when peers were fewer
	// than the plan's minimum.
	Raters  int  `json:"raters"`
	Trimmed int  `json:"trimmed"`
	TooFew  bool `json:"too_few,omitempty"`
}

// work is the precision of everything before the final rounding: far
// beyond any printed digit, so a result does not depend on the order of
// operations (R1.3).
const work = 16

// sharePlaces is the precision of reported shares.
const sharePlaces = 8

var hundred = decimal.NewFromInt(100)

// Score scores one employee's month with a plan. It is pure: the same plan
// and inputs always give the same result (R1.3). A rating outside its
// KPI's scale, or of a KPI or source the plan does not have, is a
// *org.ValidationError naming it.
func Score(plan *Plan, in Inputs) (Result, error) {
	ve := &org.ValidationError{Op: "appraisal: score"}
	checkRatings(plan, in.Ratings, ve)
	if err := ve.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Employee: in.Employee, PlanVersion: plan.Version}
	var counted []int
	for _, k := range plan.KPIs {
		kr := scoreKPI(plan, k, in)
		res.KPIs = append(res.KPIs, kr)
		if !kr.Incomplete {
			counted = append(counted, len(res.KPIs)-1)
		}
	}
	weights := make([]decimal.Decimal, len(counted))
	for i, k := range counted {
		weights[i] = res.KPIs[k].Weight
	}
	shares := exact.Allocate(decimal.NewFromInt(1), weights, sharePlaces)
	total, sum := decimal.Zero, decimal.Zero
	for i, k := range counted {
		res.KPIs[k].Share = shares[i]
		total = total.Add(res.KPIs[k].Weight.Mul(res.KPIs[k].exact()))
		sum = sum.Add(res.KPIs[k].Weight)
	}
	res.Incomplete = len(counted) < len(plan.KPIs)
	if sum.IsPositive() {
		res.Score = total.DivRound(sum, work).Round(plan.places())
	}
	if g, ok := plan.grade(res.Score); ok {
		res.Grade, res.Pass, res.Excellent = g.Code, g.Pass, g.Excellent
	}
	res.BonusShare = plan.Bonus.share(res.Score, res.Grade)
	res.Bonus = in.BonusBase.Mul(res.BonusShare).Round(plan.Bonus.Places)
	for i := range res.KPIs {
		res.KPIs[i].Score = res.KPIs[i].Score.Round(plan.places())
	}
	return res, nil
}

// exact is the KPI's unrounded score, kept in Score until Score rounds it.
func (k KPIResult) exact() decimal.Decimal { return k.Score }

// scoreKPI scores one KPI from its sources; Score holds the exact value.
func scoreKPI(plan *Plan, k KPI, in Inputs) KPIResult {
	kr := KPIResult{Code: k.Code, Name: k.Name, Weight: k.Weight}
	var present []int
	for _, sw := range k.Sources {
		sr := scoreSource(plan, k, sw, in)
		kr.Sources = append(kr.Sources, sr)
		if sr.Present {
			present = append(present, len(kr.Sources)-1)
		} else {
			kr.Missing = append(kr.Missing, sw.Source)
		}
	}
	if len(present) == 0 || (len(kr.Missing) > 0 && plan.Missing == Incomplete) {
		kr.Incomplete = true
		return kr
	}
	weights := make([]decimal.Decimal, len(present))
	for i, s := range present {
		weights[i] = kr.Sources[s].Weight
	}
	shares := exact.Allocate(decimal.NewFromInt(1), weights, sharePlaces)
	total, sum := decimal.Zero, decimal.Zero
	for i, s := range present {
		kr.Sources[s].Share = shares[i]
		total = total.Add(kr.Sources[s].Weight.Mul(kr.Sources[s].Points))
		sum = sum.Add(kr.Sources[s].Weight)
	}
	kr.Score = total.DivRound(sum, work)
	return kr
}

// scoreSource gives a source's points for a KPI, or marks it missing.
func scoreSource(plan *Plan, k KPI, sw SourceWeight, in Inputs) SourceResult {
	sr := SourceResult{Source: sw.Source, Metric: sw.Metric, Weight: sw.Weight}
	if sw.Source == SourceMeasured {
		m, ok := in.Measured[sw.Metric]
		if !ok || m.None {
			return sr
		}
		sr.Present, sr.Raw, sr.Points = true, m.Value, sw.Curve.points(m.Value)
		return sr
	}
	var vals []decimal.Decimal
	seen := map[org.EmployeeID]bool{}
	for _, r := range in.Ratings {
		if r.Source == sw.Source && r.KPI == k.Code && !seen[r.Rater] {
			seen[r.Rater] = true // one rating per rater and KPI counts
			vals = append(vals, r.Value)
		}
	}
	if sw.Source == SourcePeer {
		if len(vals) < plan.minPeers() {
			sr.TooFew = len(vals) > 0
			return sr
		}
		if plan.TrimPeers && len(vals) > 2 {
			slices.SortFunc(vals, decimal.Decimal.Cmp)
			vals = vals[1 : len(vals)-1]
			sr.Trimmed = 2
		}
	}
	if len(vals) == 0 {
		return sr
	}
	sum := decimal.Zero
	for _, v := range vals {
		sum = sum.Add(v)
	}
	sr.Present, sr.Raters = true, len(vals)
	sr.Raw = sum.DivRound(decimal.NewFromInt(int64(len(vals))), work)
	sr.Points = sw.Scale.points(sr.Raw)
	return sr
}

// points normalises a rating to 0 to 100.
func (s Scale) points(v decimal.Decimal) decimal.Decimal {
	span := s.Max.Sub(s.Min)
	if !span.IsPositive() {
		return decimal.Zero
	}
	return v.Sub(s.Min).Mul(hundred).DivRound(span, work)
}

// points turns a measured figure into 0 to 100 points.
func (c Curve) points(v decimal.Decimal) decimal.Decimal {
	if len(c.Bands) > 0 {
		best, found := decimal.Zero, false
		for _, b := range c.Bands {
			if v.Cmp(b.From) >= 0 && (!found || b.From.GreaterThan(best)) {
				best, found = b.From, true
			}
		}
		for _, b := range c.Bands {
			if found && b.From.Equal(best) {
				return b.Points
			}
		}
		return decimal.Zero
	}
	span := c.Target.Sub(c.Floor) // negative when lower is better
	if span.IsZero() {
		return decimal.Zero
	}
	p := v.Sub(c.Floor).Mul(hundred).DivRound(span, work)
	return decimal.Max(decimal.Zero, decimal.Min(hundred, p))
}

// share is the part of the bonus base a score earns.
func (b Bonus) share(score decimal.Decimal, grade string) decimal.Decimal {
	s := decimal.Zero
	switch {
	case b.Linear != nil:
		l := b.Linear
		switch {
		case score.Cmp(l.From.Score) <= 0:
			s = l.From.Share
		case score.Cmp(l.To.Score) >= 0:
			s = l.To.Share
		default:
			s = l.From.Share.Add(score.Sub(l.From.Score).Mul(l.To.Share.Sub(l.From.Share)).DivRound(l.To.Score.Sub(l.From.Score), work))
		}
	default:
		s = b.ByGrade[grade]
	}
	if b.Cap.IsPositive() && s.GreaterThan(b.Cap) {
		s = b.Cap
	}
	return decimal.Max(decimal.Zero, s)
}

// checkRatings: each rating names a KPI and a rating source of the plan,
// within that source's scale.
func checkRatings(plan *Plan, rs []Rating, ve *org.ValidationError) {
	for i, r := range rs {
		at := fmt.Sprintf("ratings[%d]", i)
		k := slices.IndexFunc(plan.KPIs, func(k KPI) bool { return k.Code == r.KPI })
		if k < 0 {
			ve.Add(at+".kpi", org.CodeNotFound, "no such KPI in the plan")
			continue
		}
		s := slices.IndexFunc(plan.KPIs[k].Sources, func(s SourceWeight) bool { return s.Source == r.Source })
		if s < 0 || r.Source == SourceMeasured {
			ve.Add(at+".source", org.CodeNotFound, fmt.Sprintf("KPI %s takes no %s rating", r.KPI, r.Source))
			continue
		}
		sc := plan.KPIs[k].Sources[s].Scale
		if r.Value.LessThan(sc.Min) || r.Value.GreaterThan(sc.Max) {
			ve.Add(at+".value", org.CodeRange, fmt.Sprintf("must be on the scale %s to %s", sc.Min, sc.Max))
		}
	}
}
