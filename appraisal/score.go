package appraisal

import (
	"fmt"
	"math/bits"
	"slices"
	"sync"

	"github.com/shopspring/decimal"

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
//
// Every figure is carried as an exact fraction to the final rounding: a
// pair of int64s while it fits, as it does for plans like [DefaultPlan]
// and inputs of up to 4 places; where a step would overflow, the whole
// employee is scored with math/big fractions instead. Both give the same
// result to the last digit: only the speed differs.
func Score(plan *Plan, in Inputs) (Result, error) {
	ve := &org.ValidationError{Op: "appraisal: score"}
	checkRatings(plan, in.Ratings, ve)
	if err := ve.Err(); err != nil {
		return Result{}, err
	}
	if res, ok := scoreFast(plan, in); ok {
		return res, nil
	}
	return scoreRat(plan, in), nil
}

// scratch is one scoring's working buffers, pooled so that scoring a
// month does not allocate them employee after employee.
type scratch struct {
	raters []org.EmployeeID // who rated the source at hand
	vals   []int64          // their ratings' coefficients...
	exps   []int32          // ...and exponents
	pts    []frac           // the points of each source of the KPI at hand
	kpis   []frac           // each KPI's exact score
	idx    []int            // the sources present, or the KPIs counted
	wdec   []decimal.Decimal
	ws     []int64 // their weights, as coefficients of one power of ten
	wexps  []int32
	qs     []int64 // their shares, in units of 10^-sharePlaces
	rems   []int64 // the remainders that share out the last units
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// scoreFast is Score in int64 fractions: false when a step would not fit,
// and the result is then to be had from scoreRat.
func scoreFast(plan *Plan, in Inputs) (Result, bool) {
	st := scratches.Get().(*scratch)
	defer scratches.Put(st)
	places := plan.places()
	res := Result{Employee: in.Employee, PlanVersion: plan.Version}
	nsrc := 0
	for i := range plan.KPIs {
		nsrc += len(plan.KPIs[i].Sources)
	}
	var srcs []SourceResult
	if nsrc > 0 {
		srcs = make([]SourceResult, nsrc)
	}
	if len(plan.KPIs) > 0 {
		res.KPIs = make([]KPIResult, len(plan.KPIs))
	}
	st.kpis = st.kpis[:0]
	for i := range plan.KPIs {
		k, kr := &plan.KPIs[i], &res.KPIs[i]
		kr.Code, kr.Name, kr.Weight = k.Code, k.Name, k.Weight
		if n := len(k.Sources); n > 0 {
			kr.Sources, srcs = srcs[:n:n], srcs[n:]
		}
		ex, ok := st.scoreKPI(plan, k, kr, in)
		if !ok {
			return Result{}, false
		}
		st.kpis = append(st.kpis, ex)
	}
	st.idx, st.wdec = st.idx[:0], st.wdec[:0]
	for i := range res.KPIs {
		if !res.KPIs[i].Incomplete {
			st.idx = append(st.idx, i)
			st.wdec = append(st.wdec, res.KPIs[i].Weight)
		}
	}
	res.Incomplete = len(st.idx) < len(plan.KPIs)
	if len(st.idx) > 0 {
		sum, ok := st.share()
		if !ok {
			return Result{}, false
		}
		total := fracZero
		for i, k := range st.idx {
			res.KPIs[k].Share = decimal.New(st.qs[i], -sharePlaces)
			t, ok1 := st.kpis[k].mulInt(st.ws[i])
			total, ok = total.add(t)
			if !ok1 || !ok {
				return Result{}, false
			}
		}
		if total, ok = total.divInt(sum); !ok {
			return Result{}, false
		}
		res.Score = total.round(places)
		if g, ok := plan.grade(res.Score); ok {
			res.Grade, res.Pass, res.Excellent = g.Code, g.Pass, g.Excellent
		}
		res.BonusShare = plan.Bonus.share(res.Score, res.Grade)
	}
	res.Bonus = in.BonusBase.Mul(res.BonusShare).Round(plan.Bonus.Places)
	for i := range res.KPIs {
		if res.KPIs[i].Incomplete {
			res.KPIs[i].Score = res.KPIs[i].Score.Round(places)
		} else {
			res.KPIs[i].Score = st.kpis[i].round(places)
		}
	}
	return res, true
}

// scoreKPI scores one KPI from its sources into kr, whose Sources has a
// place for each; the fraction is the exact score (unset when the KPI is
// incomplete).
func (st *scratch) scoreKPI(plan *Plan, k *KPI, kr *KPIResult, in Inputs) (frac, bool) {
	st.pts = st.pts[:0]
	present := 0
	for j := range k.Sources {
		sw, sr := &k.Sources[j], &kr.Sources[j]
		sr.Source, sr.Metric, sr.Weight = sw.Source, sw.Metric, sw.Weight
		p, ok := st.scoreSource(plan, k, sw, sr, in)
		if !ok {
			return frac{}, false
		}
		st.pts = append(st.pts, p)
		if sr.Present {
			present++
			continue
		}
		kr.Missing = append(kr.Missing, sw.Source)
		if sw.Metric != "" {
			kr.MissingMetrics = append(kr.MissingMetrics, sw.Metric)
		}
	}
	if present == 0 || (len(kr.Missing) > 0 && plan.Missing == Incomplete) {
		kr.Incomplete = true
		return frac{}, true
	}
	st.idx, st.wdec = st.idx[:0], st.wdec[:0]
	for j := range kr.Sources {
		if kr.Sources[j].Present {
			st.idx = append(st.idx, j)
			st.wdec = append(st.wdec, kr.Sources[j].Weight)
		}
	}
	sum, ok := st.share()
	if !ok {
		return frac{}, false
	}
	total := fracZero
	for i, j := range st.idx {
		kr.Sources[j].Share = decimal.New(st.qs[i], -sharePlaces)
		t, ok1 := st.pts[j].mulInt(st.ws[i])
		total, ok = total.add(t)
		if !ok1 || !ok {
			return frac{}, false
		}
	}
	return total.divInt(sum)
}

// scoreSource gives a source's points for a KPI into sr, or marks it
// missing (the fraction is then unset).
func (st *scratch) scoreSource(plan *Plan, k *KPI, sw *SourceWeight, sr *SourceResult, in Inputs) (frac, bool) {
	if sw.Source == SourceMeasured {
		m, ok := in.Measured[sw.Metric]
		if !ok || m.None {
			return frac{}, true
		}
		p, ok := sw.Curve.points(m.Value)
		if !ok {
			return frac{}, false
		}
		sr.Present, sr.Raw, sr.Points = true, m.Value, p.round(work)
		return p, true
	}
	st.raters, st.vals, st.exps = st.raters[:0], st.vals[:0], st.exps[:0]
	for i := range in.Ratings {
		r := &in.Ratings[i]
		if r.Source != sw.Source || r.KPI != k.Code || slices.Contains(st.raters, r.Rater) {
			continue // one rating per rater and KPI counts
		}
		m, e, ok := fix(r.Value)
		if !ok {
			return frac{}, false
		}
		st.raters = append(st.raters, r.Rater)
		st.vals, st.exps = append(st.vals, m), append(st.exps, e)
	}
	n := len(st.vals)
	trim := false
	if sw.Source == SourcePeer {
		if n < plan.minPeers() {
			sr.TooFew = n > 0
			return frac{}, true
		}
		if plan.TrimPeers && n > 2 {
			trim, sr.Trimmed = true, 2
		}
	}
	if n == 0 {
		return frac{}, true
	}
	lo, loExp, ok1 := fix(sw.Scale.Min)
	hi, hiExp, ok2 := fix(sw.Scale.Max)
	if !ok1 || !ok2 {
		return frac{}, false
	}
	e := min(0, loExp, hiExp, slices.Min(st.exps))
	var sum, least, most int64
	for i, v := range st.vals {
		v, ok := rescaleTo(v, st.exps[i], e)
		if sum, ok1 = add64(sum, v); !ok || !ok1 {
			return frac{}, false
		}
		if i == 0 || v < least {
			least = v
		}
		if i == 0 || v > most {
			most = v
		}
	}
	if trim { // the highest and the lowest rating drop out
		sum, ok1 = sub64(sum, least)
		sum, ok2 = sub64(sum, most)
		if !ok1 || !ok2 {
			return frac{}, false
		}
		n -= 2
	}
	if int(-e) >= len(pow10) {
		return frac{}, false
	}
	lo, ok1 = rescaleTo(lo, loExp, e)
	hi, ok2 = rescaleTo(hi, hiExp, e)
	den, ok3 := mul64(int64(n), pow10[-e])
	if !ok1 || !ok2 || !ok3 {
		return frac{}, false
	}
	mean, ok := newFrac(sum, den)
	if !ok {
		return frac{}, false
	}
	p := fracZero
	if hi > lo { // points (mean - min) × 100 / (max - min)
		span, ok1 := sub64(hi, lo)
		nlo, ok2 := mul64(int64(n), lo)
		num, ok3 := sub64(sum, nlo)
		num, ok4 := mul64(num, 100)
		d, ok5 := mul64(int64(n), span)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			return frac{}, false
		}
		if p, ok = newFrac(num, d); !ok {
			return frac{}, false
		}
	}
	sr.Present, sr.Raters = true, n
	sr.Raw, sr.Points = mean.round(work), p.round(work)
	return p, true
}

// share shares 1 out over the weights in st.wdec to sharePlaces, exactly
// as exact.Allocate does (largest remainder, ties to the earlier): st.qs
// gets each share in units of 10^-sharePlaces, and st.ws the weights as
// coefficients of one power of ten; it returns their sum. False when a
// weight is not positive or a figure does not fit.
func (st *scratch) share() (int64, bool) {
	st.ws, st.wexps = st.ws[:0], st.wexps[:0]
	e := int32(0)
	for _, d := range st.wdec {
		m, me, ok := fix(d)
		if !ok || m <= 0 {
			return 0, false
		}
		st.ws, st.wexps = append(st.ws, m), append(st.wexps, me)
		e = min(e, me)
	}
	var sum int64
	for i, w := range st.ws {
		w, ok1 := rescaleTo(w, st.wexps[i], e)
		s, ok2 := add64(sum, w)
		if !ok1 || !ok2 {
			return 0, false
		}
		st.ws[i], sum = w, s
	}
	// Each weight gets w×units/sum units rounded down, and the units left
	// over go one each to the largest remainders (all over the one sum, so
	// they compare as the fractions do), ties to the earlier weight.
	const units = uint64(1e8)
	st.qs, st.rems = st.qs[:0], st.rems[:0]
	left := units
	for _, w := range st.ws {
		h, l := bits.Mul64(uint64(w), units)
		q, r := bits.Div64(h, l, uint64(sum)) // w <= sum, so q <= units
		st.qs, st.rems = append(st.qs, int64(q)), append(st.rems, int64(r))
		left -= q
	}
	for ; left > 0; left-- {
		best := -1
		for i, r := range st.rems {
			if r >= 0 && (best < 0 || r > st.rems[best]) {
				best = i
			}
		}
		st.qs[best]++
		st.rems[best] = -1
	}
	return sum, true
}

// points normalises a measured figure into 0 to 100 points: by the
// highest band whose From the figure reaches (0 below every band), or
// linearly from Floor to Target, clamped.
func (c Curve) points(v decimal.Decimal) (frac, bool) {
	if len(c.Bands) > 0 {
		best := -1
		for i := range c.Bands {
			from := c.Bands[i].From
			if cmpDec(v, from) >= 0 && (best < 0 || cmpDec(from, c.Bands[best].From) > 0) {
				best = i
			}
		}
		if best < 0 {
			return fracZero, true
		}
		return fracOf(c.Bands[best].Points)
	}
	vm, ve, ok1 := fix(v)
	fm, fe, ok2 := fix(c.Floor)
	tm, te, ok3 := fix(c.Target)
	if !ok1 || !ok2 || !ok3 {
		return frac{}, false
	}
	e := min(0, ve, fe, te)
	vm, ok1 = rescaleTo(vm, ve, e)
	fm, ok2 = rescaleTo(fm, fe, e)
	tm, ok3 = rescaleTo(tm, te, e)
	if !ok1 || !ok2 || !ok3 {
		return frac{}, false
	}
	if tm == fm {
		return fracZero, true
	}
	num, ok1 := sub64(vm, fm)
	num, ok2 = mul64(num, 100)
	span, ok3 := sub64(tm, fm) // negative when lower is better
	if !ok1 || !ok2 || !ok3 {
		return frac{}, false
	}
	p, ok := newFrac(num, span)
	switch {
	case !ok:
		return frac{}, false
	case p.n < 0:
		return fracZero, true
	}
	if top, ok := mul64(p.d, 100); ok && p.n > top {
		return frac{100, 1}, true
	}
	return p, true // p.d×100 overflowing is more than p.n: p is below 100
}

// share is the part of the bonus base a score earns.
func (b Bonus) share(score decimal.Decimal, grade string) decimal.Decimal {
	var s decimal.Decimal
	switch {
	case b.Linear != nil:
		l := b.Linear
		switch {
		case cmpDec(score, l.From.Score) <= 0:
			s = l.From.Share
		case cmpDec(score, l.To.Score) >= 0:
			s = l.To.Share
		default:
			s = l.From.Share.Add(score.Sub(l.From.Score).Mul(l.To.Share.Sub(l.From.Share)).DivRound(l.To.Score.Sub(l.From.Score), work))
		}
	default:
		s = b.ByGrade[grade]
	}
	if b.Cap.IsPositive() && cmpDec(s, b.Cap) > 0 {
		s = b.Cap
	}
	return decimal.Max(decimal.Zero, s)
}

// checkRatings: each rating names a KPI and a rating source of the plan,
// within that source's scale.
func checkRatings(plan *Plan, rs []Rating, ve *org.ValidationError) {
	for i := range rs {
		r := &rs[i]
		at := func() string { return fmt.Sprintf("ratings[%d]", i) } // only for a problem
		k := slices.IndexFunc(plan.KPIs, func(k KPI) bool { return k.Code == r.KPI })
		if k < 0 {
			ve.Add(at()+".kpi", org.CodeNotFound, "no such KPI in the plan")
			continue
		}
		s := slices.IndexFunc(plan.KPIs[k].Sources, func(s SourceWeight) bool { return s.Source == r.Source })
		if s < 0 || r.Source == SourceMeasured {
			ve.Add(at()+".source", org.CodeNotFound, fmt.Sprintf("KPI %s takes no %s rating", r.KPI, r.Source))
			continue
		}
		sc := &plan.KPIs[k].Sources[s].Scale
		if cmpDec(r.Value, sc.Min) < 0 || cmpDec(r.Value, sc.Max) > 0 {
			ve.Add(at()+".value", org.CodeRange, fmt.Sprintf("must be on the scale %s to %s", sc.Min, sc.Max))
		}
	}
}
