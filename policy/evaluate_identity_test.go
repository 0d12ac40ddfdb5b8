package policy

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
)

// identityWide is a policy that takes every path of an evaluation the
// default policy does not: places 2, every kind of test under all, any
// and not, text, decimal and yes/no facts, counts, ranks without a
// minimum, a ladder with a condition, an award of several winners with
// keys of both orders, fixed and capped compensations, notes, and rules
// of a year.
const identityWide = `id: wide
version: 7
currency: USD
places: 2
ladders:
  - id: attendance
    incidents: [late, absent]
    within_days: 10
    steps:
      - [{kind: warning, note: {en: see the handbook, zh: 請參閱員工手冊}}]
      - [{kind: fine, amount: 12.5}, {kind: demerit}]
  - id: quarrels
    incidents: [customer_quarrel]
    within_days: 3660
    steps:
      - [{kind: demotion}]
rules:
  - id: top3
    cites: [R7.1, R6.4]
    title: {en: Top three, zh: 前三}
    period: month
    when:
      any:
        - rank: {top: 3}
        - fact: {name: appraisal.score, op: ">", value: 97.5}
    then:
      - {kind: bonus, amount: 100.25}
      - {kind: raise}
    award:
      winners: 2
      tie_break:
        - {fact: incidents.complaint, order: asc}
        - {fact: appraisal.score, order: desc}
        - {fact: nominations, order: desc}
  - id: yearly_top
    title: {en: Year top, zh: 年度第一}
    period: year
    when: {rank: {top: 1}}
    then: [{kind: certificate}]
    award: {winners: 1, tie_break: [{fact: appraisal.rank, order: asc}]}
  - id: yearly_loss
    cites: [R7.2c]
    title: {en: Year loss, zh: 年度損失}
    period: year
    when: {amount: {incidents: [loss], above: 0}}
    then:
      - kind: compensation
        compensation:
          of: [loss, negligence]
          brackets:
            - {above: 0, at_most: 1000, amount: 400}
            - {above: 1000, percent: 12.5}
  - id: attendance
    cites: [R7.2a]
    title: {en: Attendance, zh: 出勤}
    period: month
    ladder: attendance
  - id: quarrels
    title: {en: Quarrels, zh: 爭吵}
    period: month
    ladder: quarrels
    when:
      not: {fact: {name: appraisal.grade, op: "==", value: exempt}}
  - id: mixed
    cites: [R6.4]
    title: {en: Mixed, zh: 混合}
    period: month
    when:
      all:
        - not: {rank: {top: 1, min_score: 90}}
        - any:
            - count: {incidents: [late, absent, image_harm], within_days: 7, at_least: 2}
            - consecutive: {fact: appraisal.failed, periods: 2}
            - fact: {name: appraisal.grade, op: "!=", value: A}
            - fact: {name: training.failed, op: ">=", value: 1}
            - fact: {name: nominations, op: ">=", value: 1}
            - fact: {name: incidents.late, op: "<", value: 3}
        - not: {fact: {name: incidents.loss.amount, op: ">", value: 5000}}
        - not: {amount: {incidents: [loss], above: 100, at_most: 500}}
    then:
      - {kind: warning, note: {en: see the handbook, zh: 請參閱員工手冊}}
      - kind: compensation
        compensation:
          of: [loss, complaint]
          brackets:
            - {above: 0, at_most: 300, amount: 500}
            - {above: 300, at_most: 3000, percent: 7.5}
            - {above: 3000, amount: 250}
  - id: failing
    title: {en: Failing, zh: 不合格}
    period: month
    when:
      all:
        - fact: {name: appraisal.failed}
        - fact: {name: appraisal.passed, op: "==", value: false}
        - fact: {name: appraisal.excellent, op: "!=", value: true}
        - fact: {name: appraisal.consecutive_fails, op: "<=", value: 2}
        - fact: {name: appraisal.ranked, op: ">=", value: 1}
    then: [{kind: interview}]
  - id: any_loss
    title: {en: Any loss, zh: 任何損失}
    period: month
    when: {amount: {incidents: [loss, complaint, negligence], above: 0}}
    then:
      - kind: compensation
        compensation:
          of: [loss, complaint, negligence]
          brackets:
            - {above: 0, at_most: 100, amount: 150}
            - {above: 100, percent: 33.33}
`

// identityZones are the zones the identity test evaluates in: nil (UTC),
// a fixed one, and one with summer time.
func identityZones(t *testing.T) []*time.Location {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*60*60)
	}
	return []*time.Location{nil, time.UTC, time.FixedZone("Asia/Taipei", 8*60*60), ny}
}

// identityFacts draws the facts of n employees, IDs and texts that a key
// escapes included, incidents from a year before the period to after it.
func identityFacts(t *rapid.T, n int, places int32) []Facts {
	start := time.Date(2025, time.November, 1, 0, 0, 0, 0, time.UTC)
	ids := []string{"e%02d", "e %02d", "é/%02d", "E%02d?"}
	facts := make([]Facts, n)
	for i := range n {
		f := Facts{Employee: org.EmployeeID(fmt.Sprintf(rapid.SampledFrom(ids).Draw(t, "id"), i))}
		if rapid.IntRange(0, 5).Draw(t, "appraised") > 0 {
			score := decimal.New(rapid.Int64Range(0, 1000).Draw(t, "tenths"), -1)
			ranked := rapid.IntRange(0, n).Draw(t, "ranked")
			a := &AppraisalFacts{Score: score, Grade: rapid.SampledFrom([]string{"A", "B", "exempt", "fail"}).Draw(t, "grade"),
				Passed: score.GreaterThanOrEqual(decimal.NewFromInt(60)), Ranked: ranked, Rank: rapid.IntRange(0, ranked).Draw(t, "rank")}
			if a.Passed {
				a.Excellent = rapid.Bool().Draw(t, "excellent")
			} else {
				a.ConsecutiveFails = rapid.IntRange(1, 3).Draw(t, "consecutive_fails")
			}
			f.Appraisal = a
		}
		for j := range rapid.IntRange(0, 3).Draw(t, "training") {
			f.Training = append(f.Training, TrainingResult{Course: fmt.Sprintf(" course\t%d ", j%2),
				Outcome: rapid.SampledFrom(outcomes[:]).Draw(t, "outcome")})
		}
		for j := range rapid.IntRange(0, 14).Draw(t, "incidents") {
			inc := Incident{ID: fmt.Sprintf(rapid.SampledFrom([]string{"i%02d", "i %02d", "i/%d"}).Draw(t, "incident_id"), j),
				Kind: rapid.SampledFrom(incidentKinds[:]).Draw(t, "kind"),
				// Quarters of an hour over fourteen months, most of them in
				// the last three; some incidents share an instant.
				At: start.Add(time.Duration(rapid.IntRange(rapid.SampledFrom([]int{0, 334 * 24 * 4}).Draw(t, "from"),
					425*24*4).Draw(t, "quarter")) * 15 * time.Minute)}
			switch rapid.IntRange(0, 40).Draw(t, "odd_time") {
			case 0: // with a monotonic reading, around the periods
				now := time.Now()
				inc.At = now.Add(inc.At.Sub(now))
			case 1: // ages away
				inc.At = time.Date(rapid.SampledFrom([]int{-300000, 1, 1969, 10000, 292277026}).Draw(t, "year"), time.March, 1, 0, 0, 0, 0, time.UTC)
			}
			if rapid.Bool().Draw(t, "has_amount") {
				inc.Amount = decimal.New(rapid.Int64Range(0, 30000000).Draw(t, "amount"), -places)
			}
			f.Incidents = append(f.Incidents, inc)
		}
		for j := range rapid.IntRange(0, 12).Draw(t, "nominations") {
			f.Nominations = append(f.Nominations, Nomination{ID: fmt.Sprintf("n%d", j), Reason: fmt.Sprintf("reason  %d\n", j%3)})
		}
		facts[i] = f
	}
	return facts
}

// TestEvaluate_Identical: Evaluate gives every random input exactly what
// the frozen copy of the evaluation before the fast paths of issue 16
// gives (evaluate_frozen_test.go): the same proposals, deep-equal, in the
// same order, and the same explanations in English and Traditional
// Chinese; the same error for a bad input.
func TestEvaluate_Identical(t *testing.T) {
	wide, err := Load("wide.yaml", []byte(identityWide))
	if err != nil {
		t.Fatal(err)
	}
	taipei, err := LoadFile("testdata/policies/taipei.yaml")
	if err != nil {
		t.Fatal(err)
	}
	policies := []*Policy{Default("TWD"), wide, taipei}
	zones := identityZones(t)
	rapid.Check(t, func(rt *rapid.T) {
		p := rapid.SampledFrom(policies).Draw(rt, "policy")
		period := rapid.SampledFrom([]Period{{2026, time.November}, {2026, time.December}, {2026, time.January}, {Year: 2026}}).Draw(rt, "period")
		in := Input{Period: period, Location: rapid.SampledFrom(zones).Draw(rt, "zone"),
			Facts: identityFacts(rt, rapid.IntRange(0, 12).Draw(rt, "employees"), p.places())}
		if rapid.Bool().Draw(rt, "sorted") { // as a store gives them
			slices.SortFunc(in.Facts, func(a, b Facts) int { return cmp.Compare(a.Employee, b.Employee) })
		}
		if n := len(in.Facts); n > 0 {
			switch rapid.IntRange(0, 30).Draw(rt, "bad") {
			case 0:
				in.Facts[0].Incidents = append(in.Facts[0].Incidents, Incident{ID: "bad", Kind: "tardy"})
			case 1:
				in.Facts[rapid.IntRange(0, n-1).Draw(rt, "twice")].Employee = in.Facts[rapid.IntRange(0, n-1).Draw(rt, "once")].Employee
			case 2:
				in.Facts[rapid.IntRange(0, n-1).Draw(rt, "anonymous")].Employee = ""
			}
		}
		want, wantErr := frozenEvaluate(p, in)
		got, gotErr := p.Evaluate(in)
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			rt.Fatalf("error %v, frozen %v", gotErr, wantErr)
		}
		if !reflect.DeepEqual(want, got) {
			rt.Fatalf("proposals differ:\n got %#v\nwant %#v", got, want)
		}
		for i := range want {
			for _, lang := range org.Langs() {
				if w, g := want[i].Explanation.Text(lang), got[i].Explanation.Text(lang); w != g {
					rt.Fatalf("%s in %s: %q, frozen %q", want[i].Key, lang, g, w)
				}
			}
		}
	})
}

// TestEvaluate_IdenticalMonth: the benchmark's month, whole.
func TestEvaluate_IdenticalMonth(t *testing.T) {
	p := Default("TWD")
	in := Input{Period: Period{2026, time.November}, Location: time.FixedZone("Asia/Taipei", 8*60*60), Facts: BenchMonth(3000)}
	want, err := frozenEvaluate(p, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Evaluate(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatal("the benchmark's month differs from the frozen evaluation")
	}
	for i := range want {
		for _, lang := range org.Langs() {
			if w, g := want[i].Explanation.Text(lang), got[i].Explanation.Text(lang); w != g {
				t.Fatalf("%s in %s: %q, frozen %q", want[i].Key, lang, g, w)
			}
		}
	}
}

// identityDecimal draws a decimal of up to 20 digits (beyond the fast
// paths' 18 too), of either sign, at exponents -6 to 2.
func identityDecimal(t *rapid.T, label string) decimal.Decimal {
	c := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64Range(-1e6, 1e6), rapid.Int64()).Draw(t, label)
	d := decimal.New(c, rapid.Int32Range(-6, 2).Draw(t, label+"_exp"))
	if rapid.IntRange(0, 9).Draw(t, label+"_big") == 0 {
		d = d.Mul(decimal.New(rapid.Int64Range(1, 1e6).Draw(t, label+"_factor"), 0))
	}
	return d
}

// The fast paths of decimals.go give exactly what shopspring gives:
// deep-equal decimals, the same texts, the same comparisons.
func TestDecimalFastPaths_Identical(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		d, x := identityDecimal(rt, "d"), identityDecimal(rt, "x")
		places := rapid.Int32Range(0, 6).Draw(rt, "places")
		if got, want := fixedText(d, places), d.StringFixed(places); got != want {
			rt.Fatalf("fixedText(%s, %d) = %q, StringFixed %q", d, places, got, want)
		}
		if got, want := fixedText(d.Round(places), places), d.Round(places).StringFixed(places); got != want {
			rt.Fatalf("fixedText(%s, %d) = %q, StringFixed %q", d.Round(places), places, got, want)
		}
		if got, want := plainText(d), d.String(); got != want {
			rt.Fatalf("plainText(%s) = %q, String %q", d, got, want)
		}
		s := scaled{d: d}
		for range 2 { // the second time from what the first kept
			if got, want := s.cmp(x), x.Cmp(d); got != want {
				rt.Fatalf("scaled{%s}.cmp(%s) = %d, Cmp %d", d, x, got, want)
			}
		}
		if got, want := cmpHundred(x), x.Cmp(hundred); got != want {
			rt.Fatalf("cmpHundred(%s) = %d, Cmp %d", x, got, want)
		}
		loss, percent := d.Abs(), x.Abs()
		if rapid.Bool().Draw(rt, "percent_of_a_policy") {
			percent = decimal.New(rapid.Int64Range(1, 10000).Draw(rt, "percent"), -rapid.Int32Range(0, 2).Draw(rt, "percent_places"))
		}
		if loss.IsZero() || percent.IsZero() {
			return // never asked: a compensation's loss and percent are above 0
		}
		got, want := percentOf(loss, percent, places), loss.Mul(percent).Shift(-2).Round(places)
		if !reflect.DeepEqual(got, want) {
			rt.Fatalf("percentOf(%s, %s, %d) = %#v, Mul, Shift, Round %#v", loss, percent, places, got, want)
		}
	})
}
