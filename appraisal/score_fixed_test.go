package appraisal_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// Score carries its fractions as pairs of int64s and falls back to big.Rat
// when one would overflow. These properties prove that changes nothing:
// on random valid plans and months, every field of every result (score,
// grade, pass, bonus share and bonus, each KPI's share and score, each
// source's share, raw figure, points, raters, what is missing) is the same
// as the big.Rat implementation it replaced (appraisal.ScoreOracle, kept
// unchanged in score_oracle_test.go) gives: reflect.DeepEqual, which sees
// each decimal's coefficient and exponent, and the JSON byte for byte. A
// "wide" month (figures of 20 places or 20 digits) makes the fast path
// give up, so the fallback is held to the same.
//
// go test ./appraisal -run Fixed -rapid.checks=100000

// fxUnits is a decimal of lo to hi units of 10^-places, written with any
// exponent that holds it exactly (1.5 as 15E-1, 150E-2 or 1500E-3): the
// fast path lines exponents up, and must line up any of them.
func fxUnits(t *rapid.T, label string, lo, hi int64, places int32) decimal.Decimal {
	v := rapid.Int64Range(lo, hi).Draw(t, label)
	d := decimal.New(v, -places)
	switch rapid.IntRange(0, 3).Draw(t, label+"_form") {
	case 0: // as few places as it needs
		return decimal.RequireFromString(d.String())
	case 1: // a trailing zero more
		return decimal.New(v*10, -places-1)
	}
	return d
}

// fxWide is a decimal far beyond int64 fractions: 20 places, or a
// coefficient of 20 digits.
func fxWide(t *rapid.T, label string, lo, hi int64) decimal.Decimal {
	base := decimal.New(rapid.Int64Range(lo, hi).Draw(t, label), 0)
	tail := decimal.New(rapid.Int64Range(1, 99999).Draw(t, label+"_tail"), -20)
	return base.Add(tail)
}

// fxSplit is n positive parts of 100 at places.
func fxSplit(t *rapid.T, label string, n int, places int32) []decimal.Decimal {
	units := 100 * int64(pow10(places))
	cuts := rapid.SliceOfNDistinct(rapid.Int64Range(1, units-1), n-1, n-1, rapid.ID[int64]).Draw(t, label)
	slices.Sort(cuts)
	cuts = append(append([]int64{0}, cuts...), units)
	out := make([]decimal.Decimal, n)
	for i := range n {
		out[i] = decimal.New(cuts[i+1]-cuts[i], -places)
	}
	return out
}

func pow10(n int32) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// fxCurve is a linear curve either way, or 1 to 5 bands of any points 0
// to 100 in any order, at up to 4 places.
func fxCurve(t *rapid.T, label string, wide bool) appraisal.Curve {
	pl := rapid.Int32Range(0, 4).Draw(t, label+"_places")
	if rapid.IntRange(0, 2).Draw(t, label+"_kind") < 2 {
		floor := fxUnits(t, label+"_floor", -1_000_000, 1_000_000, pl)
		target := fxUnits(t, label+"_target", -1_000_000, 1_000_000, pl)
		if wide && rapid.Bool().Draw(t, label+"_wide") {
			target = fxWide(t, label+"_target_wide", -100, 100)
		}
		if target.Equal(floor) {
			target = floor.Add(decimal.New(1, -pl))
		}
		return appraisal.Curve{Floor: floor, Target: target}
	}
	froms := rapid.SliceOfNDistinct(rapid.Int64Range(-1_000_000, 1_000_000), 1, 5, rapid.ID[int64]).Draw(t, label+"_froms")
	var c appraisal.Curve
	for i, f := range froms {
		pts := fxUnits(t, fmt.Sprintf("%s_points%d", label, i), 0, 100*pow10(pl), pl)
		if wide && rapid.Bool().Draw(t, fmt.Sprintf("%s_points%d_wide", label, i)) {
			pts = fxWide(t, fmt.Sprintf("%s_points%d_wide", label, i), 0, 99)
		}
		c.Bands = append(c.Bands, appraisal.Band{From: decimal.New(f, -pl), Points: pts})
	}
	return c
}

// fxPlan is a random plan that Plan.Validate accepts: 1 to 8 KPIs with
// weights of up to 4 places summing to 100; each with 1 to 4 rating
// sources on scales of up to 4 places (negative ones too) and 0 to 3
// measured metrics; weights of up to 4 places; 2 to 6 grades; a bonus by
// grade or linear, capped or not; places 0 to 4.
func fxPlan(t *rapid.T, wide bool) appraisal.Plan {
	n := rapid.IntRange(1, 8).Draw(t, "kpis")
	p := appraisal.Plan{Version: "fx",
		Missing:   rapid.SampledFrom([]appraisal.MissingPolicy{appraisal.Renormalize, appraisal.Incomplete}).Draw(t, "missing"),
		MinPeers:  rapid.IntRange(0, 5).Draw(t, "min_peers"),
		TrimPeers: rapid.Bool().Draw(t, "trim_peers"),
		Places:    rapid.Int32Range(0, 4).Draw(t, "places")}
	weights := fxSplit(t, "kpi_weights", n, rapid.Int32Range(0, 4).Draw(t, "kpi_weight_places"))
	if wide && n > 1 && rapid.Bool().Draw(t, "kpi_weights_wide") { // still 100 in all
		eps := decimal.New(rapid.Int64Range(1, 99999).Draw(t, "kpi_weights_eps"), -22)
		weights[0], weights[1] = weights[0].Add(eps), weights[1].Sub(eps)
	}
	for k := range n {
		kpi := appraisal.KPI{Code: fmt.Sprintf("k%d", k), Name: fmt.Sprintf("KPI %d", k), Weight: weights[k]}
		var srcs []appraisal.SourceWeight
		for _, s := range propRatingSources {
			if !rapid.Bool().Draw(t, fmt.Sprintf("k%d_%s", k, s)) {
				continue
			}
			pl := rapid.Int32Range(0, 4).Draw(t, fmt.Sprintf("k%d_%s_places", k, s))
			lo := fxUnits(t, fmt.Sprintf("k%d_%s_min", k, s), -100*pow10(pl), 100*pow10(pl), pl)
			hi := lo.Add(fxUnits(t, fmt.Sprintf("k%d_%s_span", k, s), 1, 100*pow10(pl), pl))
			srcs = append(srcs, appraisal.SourceWeight{Source: s, Scale: appraisal.Scale{Min: lo, Max: hi}})
		}
		metrics := rapid.SliceOfNDistinct(rapid.SampledFrom(appraisal.Metrics()), 0, 3, rapid.ID[appraisal.Metric]).Draw(t, fmt.Sprintf("k%d_metrics", k))
		for _, m := range metrics {
			srcs = append(srcs, appraisal.SourceWeight{Source: appraisal.SourceMeasured, Metric: m, Curve: fxCurve(t, fmt.Sprintf("k%d_%s", k, m), wide)})
		}
		if len(srcs) == 0 {
			srcs = append(srcs, appraisal.SourceWeight{Source: appraisal.SourceSupervisor, Scale: propScales[0].scale})
		}
		for i := range srcs {
			pl := rapid.Int32Range(0, 4).Draw(t, fmt.Sprintf("k%d_w%d_places", k, i))
			srcs[i].Weight = fxUnits(t, fmt.Sprintf("k%d_w%d", k, i), 1, 1000*pow10(pl), pl)
			if wide && rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("k%d_w%d_wide", k, i)) == 0 {
				srcs[i].Weight = fxWide(t, fmt.Sprintf("k%d_w%d_wide", k, i), 0, 1000)
			}
		}
		kpi.Sources = rapid.Permutation(srcs).Draw(t, fmt.Sprintf("k%d_order", k))
		p.KPIs = append(p.KPIs, kpi)
	}
	fxGrades(t, &p)
	if err := p.Validate(); err != nil {
		t.Fatalf("fxPlan made an invalid plan: %v", err)
	}
	return p
}

// fxGrades gives the plan 2 to 6 grades from 0 (the lowest failing, at
// least one passing, the top one maybe excellent) in any order, and a
// bonus.
func fxGrades(t *rapid.T, p *appraisal.Plan) {
	n := rapid.IntRange(2, 6).Draw(t, "grades")
	pl := rapid.Int32Range(0, 4).Draw(t, "grade_places")
	mins := rapid.SliceOfNDistinct(rapid.Int64Range(1, 100*pow10(pl)), n-1, n-1, rapid.ID[int64]).Draw(t, "grade_mins")
	mins = append(mins, 0)
	slices.Sort(mins)
	fails := rapid.IntRange(1, n-1).Draw(t, "fails")
	var gs []appraisal.Grade
	for i, m := range mins {
		gs = append(gs, appraisal.Grade{Code: fmt.Sprintf("g%d", i), Name: fmt.Sprintf("Grade %d", i), Min: decimal.New(m, -pl), Pass: i >= fails})
	}
	gs[n-1].Excellent = rapid.Bool().Draw(t, "excellent")
	p.Grades = rapid.Permutation(gs).Draw(t, "grade_order")
	share := func(label string) decimal.Decimal {
		sp := rapid.Int32Range(0, 4).Draw(t, label+"_places")
		return fxUnits(t, label, 0, 2*pow10(sp), sp)
	}
	p.Bonus = appraisal.Bonus{Places: rapid.Int32Range(0, 4).Draw(t, "bonus_places")}
	if rapid.Bool().Draw(t, "capped") {
		p.Bonus.Cap = share("cap")
	}
	if rapid.Bool().Draw(t, "linear_bonus") {
		sp := rapid.Int32Range(0, 4).Draw(t, "bonus_score_places")
		ends := rapid.SliceOfNDistinct(rapid.Int64Range(0, 100*pow10(sp)), 2, 2, rapid.ID[int64]).Draw(t, "bonus_scores")
		slices.Sort(ends)
		p.Bonus.Linear = &appraisal.LinearBonus{
			From: appraisal.BonusPoint{Score: decimal.New(ends[0], -sp), Share: share("bonus_from_share")},
			To:   appraisal.BonusPoint{Score: decimal.New(ends[1], -sp), Share: share("bonus_to_share")},
		}
		return
	}
	p.Bonus.ByGrade = map[string]decimal.Decimal{}
	for _, g := range gs {
		p.Bonus.ByGrade[g.Code] = share("share_" + g.Code)
	}
}

// fxInputs is a random month for a plan: 0 to 7 raters per rating source,
// some rating twice (only the first counts), ratings of up to 4 places on
// the scale, and a few out of it or of no KPI when bad; each metric absent,
// None or a figure of up to 4 places; the ratings in any order.
func fxInputs(t *rapid.T, p *appraisal.Plan, wide, bad bool) appraisal.Inputs {
	in := appraisal.Inputs{Employee: "chen", BonusBase: fxUnits(t, "bonus_base", 0, 10_000_000, 2),
		Measured: map[appraisal.Metric]appraisal.Measure{}}
	for _, k := range p.KPIs {
		for _, sw := range k.Sources {
			if sw.Source == appraisal.SourceMeasured {
				if _, done := in.Measured[sw.Metric]; done {
					continue
				}
				switch rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("%s_state", sw.Metric)) {
				case 0: // absent
				case 1:
					in.Measured[sw.Metric] = appraisal.Measure{None: true}
				case 2: // on a band's edge or the curve's ends: ties and clamps
					edges := []decimal.Decimal{sw.Curve.Floor, sw.Curve.Target}
					for _, b := range sw.Curve.Bands {
						edges = append(edges, b.From)
					}
					in.Measured[sw.Metric] = appraisal.Measure{Value: rapid.SampledFrom(edges).Draw(t, string(sw.Metric)+"_edge")}
				default:
					pl := rapid.Int32Range(0, 4).Draw(t, string(sw.Metric)+"_places")
					v := fxUnits(t, string(sw.Metric), -2_000_000, 2_000_000, pl)
					if wide && rapid.Bool().Draw(t, string(sw.Metric)+"_wide") {
						v = fxWide(t, string(sw.Metric)+"_wide", -100, 100)
					}
					in.Measured[sw.Metric] = appraisal.Measure{Value: v}
				}
				continue
			}
			raters := rapid.IntRange(0, 7).Draw(t, fmt.Sprintf("%s_%s_raters", k.Code, sw.Source))
			for j := range raters {
				rater := org.EmployeeID(fmt.Sprintf("%s-%d", sw.Source, j))
				if j > 0 && rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("%s_%s_%d_again", k.Code, sw.Source, j)) == 0 {
					rater = org.EmployeeID(fmt.Sprintf("%s-%d", sw.Source, j-1)) // a second rating that does not count
				}
				in.Ratings = append(in.Ratings, appraisal.Rating{Rater: rater, Source: sw.Source, KPI: k.Code,
					Value: fxOnScale(t, fmt.Sprintf("%s_%s_%d", k.Code, sw.Source, j), sw.Scale, wide)})
			}
		}
	}
	if bad {
		k := rapid.SampledFrom(p.KPIs).Draw(t, "bad_kpi")
		switch rapid.IntRange(0, 2).Draw(t, "bad_kind") {
		case 0:
			in.Ratings = append(in.Ratings, appraisal.Rating{Rater: "x", Source: appraisal.SourceSelf, KPI: "nope", Value: decimal.NewFromInt(1)})
		case 1:
			in.Ratings = append(in.Ratings, appraisal.Rating{Rater: "x", Source: appraisal.SourceMeasured, KPI: k.Code, Value: decimal.NewFromInt(1)})
		default:
			for _, sw := range k.Sources {
				if sw.Source != appraisal.SourceMeasured {
					in.Ratings = append(in.Ratings, appraisal.Rating{Rater: "x", Source: sw.Source, KPI: k.Code, Value: sw.Scale.Max.Add(decimal.New(1, -4))})
					break
				}
			}
		}
	}
	in.Ratings = rapid.Permutation(in.Ratings).Draw(t, "ratings_order")
	return in
}

// fxOnScale is a rating on the scale at up to 4 places (or 20 when wide).
func fxOnScale(t *rapid.T, label string, sc appraisal.Scale, wide bool) decimal.Decimal {
	switch rapid.IntRange(0, 5).Draw(t, label+"_where") {
	case 0:
		return sc.Min
	case 1:
		return sc.Max
	}
	if wide && rapid.Bool().Draw(t, label+"_wide") {
		tail := decimal.New(rapid.Int64Range(0, 99999).Draw(t, label+"_tail"), -20)
		if v := sc.Min.Add(tail); v.LessThanOrEqual(sc.Max) {
			return v
		}
		return sc.Min
	}
	lo, hi := sc.Min.Shift(4).IntPart(), sc.Max.Shift(4).IntPart() // the scale's ends have at most 4 places
	return fxUnits(t, label, lo, hi, 4)
}

// fxSame requires got to be want in every field and byte.
func fxSame(t *rapid.T, what string, got, want appraisal.Result) {
	gj, err := json.Marshal(got)
	require.NoError(t, err)
	wj, err := json.Marshal(want)
	require.NoError(t, err)
	require.Equal(t, string(wj), string(gj), "%s: the JSON differs", what)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: the results differ below the JSON:\n got %#v\nwant %#v", what, got, want)
	}
}

var fxFast, fxFallback atomic.Int64

// fxCheck scores a month every way there is and requires one result.
func fxCheck(t *rapid.T, p *appraisal.Plan, in appraisal.Inputs) {
	want, wantErr := appraisal.ScoreOracle(p, in)
	got, err := appraisal.Score(p, in)
	if wantErr != nil {
		require.Error(t, err)
		require.Equal(t, wantErr.Error(), err.Error())
		require.True(t, reflect.DeepEqual(want, got))
		return
	}
	require.NoError(t, err)
	fxSame(t, "Score", got, want)
	fxSame(t, "the big.Rat fallback", appraisal.ScoreRat(p, in), want)
	if fast, ok := appraisal.ScoreFast(p, in); ok {
		fxFast.Add(1)
		fxSame(t, "the fixed-point path", fast, want)
	} else {
		fxFallback.Add(1)
	}
	// Inputs and plan are read, never written.
	again, err := appraisal.ScoreOracle(p, in)
	require.NoError(t, err)
	fxSame(t, "the oracle again", again, want)
}

func TestScore_fixed_matches_big_rat(t *testing.T) {
	fxFast.Store(0)
	fxFallback.Store(0)
	rapid.Check(t, func(t *rapid.T) {
		p := fxPlan(t, false)
		fxCheck(t, &p, fxInputs(t, &p, false, rapid.IntRange(0, 9).Draw(t, "bad") == 0))
	})
	t.Logf("fixed-point path %d times, big.Rat fallback %d", fxFast.Load(), fxFallback.Load())
	require.Positive(t, fxFast.Load())
}

// fxShippedMonth is a random month for the default or the benchmark
// plan: ratings of up to 4 places on their scales, 0 to 7 raters, figures
// of up to 4 places in their ranges, some missing or None.
func fxShippedMonth(t *rapid.T, p *appraisal.Plan) appraisal.Inputs {
	in := appraisal.Inputs{Employee: "chen", BonusBase: fxUnits(t, "bonus_base", 0, 10_000_000, 2),
		Measured: map[appraisal.Metric]appraisal.Measure{}}
	for _, m := range appraisal.Metrics() {
		hi := int64(100) // satisfaction and training scores are 0 to 100
		switch m {
		case appraisal.MetricAppointmentSuccess, appraisal.MetricSettlementAccuracy, appraisal.MetricTrainingPassRate:
			hi = 1
		case appraisal.MetricCustomersReceived:
			hi = 500
		case appraisal.MetricComplaints, appraisal.MetricReworks:
			hi = 20
		}
		switch rapid.IntRange(0, 7).Draw(t, string(m)+"_state") {
		case 0: // absent
		case 1:
			in.Measured[m] = appraisal.Measure{None: true}
		default:
			pl := rapid.Int32Range(0, 4).Draw(t, string(m)+"_places")
			in.Measured[m] = appraisal.Measure{Value: fxUnits(t, string(m), 0, hi*pow10(pl), pl)}
		}
	}
	for _, k := range p.KPIs {
		for _, sw := range k.Sources {
			if sw.Source == appraisal.SourceMeasured {
				continue
			}
			for j := range rapid.IntRange(0, 7).Draw(t, fmt.Sprintf("%s_%s_raters", k.Code, sw.Source)) {
				in.Ratings = append(in.Ratings, appraisal.Rating{Rater: org.EmployeeID(fmt.Sprintf("%s-%d", sw.Source, j)), Source: sw.Source, KPI: k.Code,
					Value: fxOnScale(t, fmt.Sprintf("%s_%s_%d", k.Code, sw.Source, j), sw.Scale, false)})
			}
		}
	}
	in.Ratings = rapid.Permutation(in.Ratings).Draw(t, "ratings_order")
	return in
}

// The shipped plan and the benchmark's, with months of ratings and
// figures of up to 4 places (the input policy's most), never leave the
// fast path.
func TestScore_fixed_shipped_plans_stay_on_the_fast_path(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := appraisal.DefaultPlan()
		if rapid.Bool().Draw(t, "bench_plan") {
			p = benchPlan()
		}
		p.Missing = rapid.SampledFrom([]appraisal.MissingPolicy{appraisal.Renormalize, appraisal.Incomplete}).Draw(t, "missing")
		p.MinPeers = rapid.IntRange(0, 5).Draw(t, "min_peers")
		p.TrimPeers = rapid.Bool().Draw(t, "trim_peers")
		p.Places = rapid.Int32Range(0, 4).Draw(t, "places")
		in := fxShippedMonth(t, &p)
		fast, ok := appraisal.ScoreFast(&p, in)
		require.True(t, ok, "the fast path gave up")
		want, err := appraisal.ScoreOracle(&p, in)
		require.NoError(t, err)
		fxSame(t, "the fixed-point path", fast, want)
	})
	p := benchPlan()
	for _, in := range benchMonth(&p, 200) {
		_, ok := appraisal.ScoreFast(&p, in)
		require.True(t, ok)
	}
}

func TestScore_fixed_wide_figures_fall_back_alike(t *testing.T) {
	fxFast.Store(0)
	fxFallback.Store(0)
	rapid.Check(t, func(t *rapid.T) {
		p := fxPlan(t, true)
		fxCheck(t, &p, fxInputs(t, &p, true, false))
	})
	t.Logf("fixed-point path %d times, big.Rat fallback %d", fxFast.Load(), fxFallback.Load())
	require.Positive(t, fxFallback.Load())
}

// Half-way scores are where 16 working digits used to go wrong: whatever
// the path, they round up from the exact fraction.
func TestScore_fixed_halves_round_up(t *testing.T) {
	p := appraisal.DefaultPlan()
	hundred := appraisal.Scale{Min: decimal.Zero, Max: decimal.NewFromInt(100)}
	p.KPIs = []appraisal.KPI{{Code: "k", Name: "K", Weight: decimal.NewFromInt(100), Sources: []appraisal.SourceWeight{
		{Source: appraisal.SourceSupervisor, Weight: decimal.NewFromInt(1), Scale: hundred},
		{Source: appraisal.SourceSelf, Weight: decimal.NewFromInt(1), Scale: hundred},
	}}}
	for v := range 4000 { // v = 10 (mod 20): the exact score ends in 5 at the third place

		x, y := decimal.New(int64(v), -3), decimal.NewFromInt(int64(v%7))
		in := appraisal.Inputs{Employee: "e", BonusBase: decimal.NewFromInt(100), Ratings: []appraisal.Rating{
			{Rater: "s", Source: appraisal.SourceSupervisor, KPI: "k", Value: x},
			{Rater: "e", Source: appraisal.SourceSelf, KPI: "k", Value: y},
		}}
		got, err := appraisal.Score(&p, in)
		require.NoError(t, err)
		want, err := appraisal.ScoreOracle(&p, in)
		require.NoError(t, err)
		require.True(t, reflect.DeepEqual(got, want), "%s: %v, want %v", x, got.Score, want.Score)
		exact := new(big.Rat).Quo(x.Add(y).Rat(), big.NewRat(2, 1)) // points = rating on 0 to 100
		require.Equal(t, propHalfUp(exact, 2).String(), got.Score.String(), "%s and %s", x, y)
	}
}
