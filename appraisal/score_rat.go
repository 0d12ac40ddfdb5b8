package appraisal

import (
	"math/big"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/exact"
	"github.com/servicelane/servicelane/org"
)

// scoreRat scores with big.Rat from every input to the final rounding.
// It is what [Score] falls back to when an input does not fit the
// fixed-point path (a figure of more than 18 digits, a fraction whose
// numerator or denominator outgrows 64 bits, a weight that is not
// positive): slower, and exactly the same results.
func scoreRat(plan *Plan, in Inputs) Result {
	res := Result{Employee: in.Employee, PlanVersion: plan.Version}
	var counted []int
	var exacts []*big.Rat
	for _, k := range plan.KPIs {
		kr, ex := scoreKPIRat(plan, k, in)
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
	return res
}

// scoreKPIRat scores one KPI from its sources; the *big.Rat is the exact
// score, nil when the KPI is incomplete.
func scoreKPIRat(plan *Plan, k KPI, in Inputs) (KPIResult, *big.Rat) {
	kr := KPIResult{Code: k.Code, Name: k.Name, Weight: k.Weight}
	var present []int
	var pts []*big.Rat
	for _, sw := range k.Sources {
		sr, p := scoreSourceRat(plan, k, sw, in)
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

// scoreSourceRat gives a source's points for a KPI, or marks it missing.
func scoreSourceRat(plan *Plan, k KPI, sw SourceWeight, in Inputs) (SourceResult, *big.Rat) {
	sr := SourceResult{Source: sw.Source, Metric: sw.Metric, Weight: sw.Weight}
	if sw.Source == SourceMeasured {
		m, ok := in.Measured[sw.Metric]
		if !ok || m.None {
			return sr, nil
		}
		p := sw.Curve.pointsRat(m.Value)
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
	p := sw.Scale.pointsRat(mean)
	sr.Present, sr.Raters = true, len(vals)
	sr.Raw = decimal.NewFromBigRat(mean, work)
	sr.Points = decimal.NewFromBigRat(p, work)
	return sr, p
}

// pointsRat normalises a rating to 0 to 100.
func (s Scale) pointsRat(v *big.Rat) *big.Rat {
	span := s.Max.Sub(s.Min)
	if !span.IsPositive() {
		return new(big.Rat)
	}
	p := new(big.Rat).Sub(v, s.Min.Rat())
	p.Mul(p, big.NewRat(100, 1))
	return p.Quo(p, span.Rat())
}

// pointsRat turns a measured figure into 0 to 100 points.
func (c Curve) pointsRat(v decimal.Decimal) *big.Rat {
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
