package appraisal

// The oracle: Score as it was before the fixed-point fast path, kept here
// unchanged (big.Rat from every input to the final rounding) so that the
// property tests compare the shipped arithmetic against it field by field.
// Nothing but tests uses it; do not "improve" it.

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/exact"
	"github.com/servicelane/servicelane/org"
)

// ScoreOracle is the reference big.Rat Score, for the tests of
// appraisal_test.
var ScoreOracle = oracleScore

// ScoreFast is the fixed-point path alone: ok is false where it gives up
// to the big.Rat path. For the tests of appraisal_test.
func ScoreFast(plan *Plan, in Inputs) (Result, bool) { return scoreFast(plan, in) }

// ScoreRat is the big.Rat path Score falls back to. For the tests of
// appraisal_test.
func ScoreRat(plan *Plan, in Inputs) Result { return scoreRat(plan, in) }

func oracleScore(plan *Plan, in Inputs) (Result, error) {
	ve := &org.ValidationError{Op: "appraisal: score"}
	oracleCheckRatings(plan, in.Ratings, ve)
	if err := ve.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Employee: in.Employee, PlanVersion: plan.Version}
	var counted []int
	var exacts []*big.Rat
	for _, k := range plan.KPIs {
		kr, ex := oracleScoreKPI(plan, k, in)
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
		res.Score = decimal.NewFromBigRat(total.Quo(total, sum), oraclePlaces(plan))
		if g, ok := oracleGrade(plan, res.Score); ok {
			res.Grade, res.Pass, res.Excellent = g.Code, g.Pass, g.Excellent
		}
		res.BonusShare = oracleShare(plan.Bonus, res.Score, res.Grade)
	}
	res.Bonus = in.BonusBase.Mul(res.BonusShare).Round(plan.Bonus.Places)
	for i := range res.KPIs {
		if exacts[i] != nil {
			res.KPIs[i].Score = decimal.NewFromBigRat(exacts[i], oraclePlaces(plan))
		} else {
			res.KPIs[i].Score = res.KPIs[i].Score.Round(oraclePlaces(plan))
		}
	}
	return res, nil
}

func oracleScoreKPI(plan *Plan, k KPI, in Inputs) (KPIResult, *big.Rat) {
	kr := KPIResult{Code: k.Code, Name: k.Name, Weight: k.Weight}
	var present []int
	var pts []*big.Rat
	for _, sw := range k.Sources {
		sr, p := oracleScoreSource(plan, k, sw, in)
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

func oracleScoreSource(plan *Plan, k KPI, sw SourceWeight, in Inputs) (SourceResult, *big.Rat) {
	sr := SourceResult{Source: sw.Source, Metric: sw.Metric, Weight: sw.Weight}
	if sw.Source == SourceMeasured {
		m, ok := in.Measured[sw.Metric]
		if !ok || m.None {
			return sr, nil
		}
		p := oracleCurvePoints(sw.Curve, m.Value)
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
		minPeers := plan.MinPeers
		if minPeers == 0 {
			minPeers = 3
		}
		if len(vals) < minPeers {
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
	p := oracleScalePoints(sw.Scale, mean)
	sr.Present, sr.Raters = true, len(vals)
	sr.Raw = decimal.NewFromBigRat(mean, work)
	sr.Points = decimal.NewFromBigRat(p, work)
	return sr, p
}

func oracleScalePoints(s Scale, v *big.Rat) *big.Rat {
	span := s.Max.Sub(s.Min)
	if !span.IsPositive() {
		return new(big.Rat)
	}
	p := new(big.Rat).Sub(v, s.Min.Rat())
	p.Mul(p, big.NewRat(100, 1))
	return p.Quo(p, span.Rat())
}

func oracleCurvePoints(c Curve, v decimal.Decimal) *big.Rat {
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

func oraclePlaces(p *Plan) int32 {
	if p.Places == 0 {
		return 2
	}
	return p.Places
}

func oracleGrade(p *Plan, score decimal.Decimal) (Grade, bool) {
	gs := slices.Clone(p.Grades)
	slices.SortFunc(gs, func(a, b Grade) int { return b.Min.Cmp(a.Min) })
	for _, g := range gs {
		if score.Cmp(g.Min) >= 0 {
			return g, true
		}
	}
	return Grade{}, false
}

func oracleShare(b Bonus, score decimal.Decimal, grade string) decimal.Decimal {
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

func oracleCheckRatings(plan *Plan, rs []Rating, ve *org.ValidationError) {
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
