package appraisal

import (
	"fmt"
	"math/big"
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
	// Missing lists the sources that had no input; MissingMetrics names
	// the measured ones among them by their metric ("satisfaction", not
	// "measured" twice).
	Missing        []Source       `json:"missing,omitempty"`
	MissingMetrics []Metric       `json:"missing_metrics,omitempty"`
	Sources        []SourceResult `json:"sources"`
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
	var exacts []*big.Rat
	for _, k := range plan.KPIs {
		kr, ex := scoreKPI(plan, k, in)
		exacts = append(exacts, ex)
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
	total, sum := new(big.Rat), new(big.Rat)
	for i, k := range counted {
		res.KPIs[k].Share = shares[i]
		w := res.KPIs[k].Weight.Rat()
		total.Add(total, new(big.Rat).Mul(w, exacts[k]))
		sum.Add(sum, w)
	}
	res.Incomplete = len(counted) < len(plan.KPIs)
	if sum.Sign() > 0 {
		res.Score = decimal.NewFromBigRat(total.Quo(total, sum), plan.places())
		if g, ok := plan.grade(res.Score); ok {
			res.Grade, res.Pass, res.Excellent = g.Code, g.Pass, g.Excellent
		}
		res.BonusShare = plan.Bonus.share(res.Score, res.Grade)
	}
	res.Bonus = in.BonusBase.Mul(res.BonusShare).Round(plan.Bonus.Places)
	for i := range res.KPIs {
		if exacts[i] != nil {
			res.KPIs[i].Score = decimal.NewFromBigRat(exacts[i], plan.places())
		} else {
			res.KPIs[i].Score = res.KPIs[i].Score.Round(plan.places())
		}
	}
	return res, nil
}

// scoreKPI scores one KPI from its sources; Score holds the exact value.
func scoreKPI(plan *Plan, k KPI, in Inputs) (KPIResult, *big.Rat) {
	kr := KPIResult{Code: k.Code, Name: k.Name, Weight: k.Weight}
	var present []int
	var pts []*big.Rat
	for _, sw := range k.Sources {
		sr, p := scoreSource(plan, k, sw, in)
		pts = append(pts, p)
		kr.Sources = append(kr.Sources, sr)
		if sr.Present {
			present = append(present, len(kr.Sources)-1)
		} else {
			kr.Missing = append(kr.Missing, sw.Source)
			if sw.Metric != "" {
				kr.MissingMetrics = append(kr.MissingMetrics, sw.Metric)
			}
		}
	}
	if len(present) == 0 || (len(kr.Missing) > 0 && plan.Missing == Incomplete) {
		kr.Incomplete = true
		return kr, nil
	}
	weights := make([]decimal.Decimal, len(present))
	for i, s := range present {
		weights[i] = kr.Sources[s].Weight
	}
	shares := exact.Allocate(decimal.NewFromInt(1), weights, sharePlaces)
	total, sum := new(big.Rat), new(big.Rat)
	for i, s := range present {
		kr.Sources[s].Share = shares[i]
		w := kr.Sources[s].Weight.Rat()
		total.Add(total, new(big.Rat).Mul(w, pts[s]))
		sum.Add(sum, w)
	}
	return kr, total.Quo(total, sum)
}

// scoreSource gives a source's points for a KPI, or marks it missing.
func scoreSource(plan *Plan, k KPI, sw SourceWeight, in Inputs) (SourceResult, *big.Rat) {
	sr := SourceResult{Source: sw.Source, Metric: sw.Metric, Weight: sw.Weight}
	if sw.Source == SourceMeasured {
		m, ok := in.Measured[sw.Metric]
		if !ok || m.None {
			return sr, nil
		}
		p := sw.Curve.points(m.Value)
		sr.Present, sr.Raw, sr.Points = true, m.Value, decimal.NewFromBigRat(p, work)
		return sr, p
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
			return sr, nil
		}
		if plan.TrimPeers && len(vals) > 2 {
			slices.SortFunc(vals, decimal.Decimal.Cmp)
			vals = vals[1 : len(vals)-1]
			sr.Trimmed = 2
		}
	}
	if len(vals) == 0 {
		return sr, nil
	}
	sum := decimal.Zero
	for _, v := range vals {
		sum = sum.Add(v)
	}
	mean := new(big.Rat).Quo(sum.Rat(), big.NewRat(int64(len(vals)), 1))
	p := sw.Scale.points(mean)
	sr.Present, sr.Raters = true, len(vals)
	sr.Raw = decimal.NewFromBigRat(mean, work)
	sr.Points = decimal.NewFromBigRat(p, work)
	return sr, p
}

// points normalises a rating to 0 to 100.
func (s Scale) points(v *big.Rat) *big.Rat {
	span := s.Max.Sub(s.Min)
	if !span.IsPositive() {
		return new(big.Rat)
	}
	p := new(big.Rat).Sub(v, s.Min.Rat())
	p.Mul(p, big.NewRat(100, 1))
	return p.Quo(p, span.Rat())
}

// points turns a measured figure into 0 to 100 points.
func (c Curve) points(v decimal.Decimal) *big.Rat {
	if len(c.Bands) > 0 {
		best, found := decimal.Zero, false
		for _, b := range c.Bands {
			if v.Cmp(b.From) >= 0 && (!found || b.From.GreaterThan(best)) {
				best, found = b.From, true
			}
		}
		for _, b := range c.Bands {
			if found && b.From.Equal(best) {
				return b.Points.Rat()
			}
		}
		return new(big.Rat)
	}
	span := c.Target.Sub(c.Floor) // negative when lower is better
	if span.IsZero() {
		return new(big.Rat)
	}
	p := new(big.Rat).Sub(v.Rat(), c.Floor.Rat())
	p.Mul(p, big.NewRat(100, 1)).Quo(p, span.Rat())
	if p.Sign() < 0 {
		return new(big.Rat)
	}
	if p.Cmp(big.NewRat(100, 1)) > 0 {
		return big.NewRat(100, 1)
	}
	return p
}

// share is the part of the bonus base a score earns.
func (b Bonus) share(score decimal.Decimal, grade string) decimal.Decimal {
	var s decimal.Decimal
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
