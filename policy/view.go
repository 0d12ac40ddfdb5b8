package policy

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

const (
	nKinds    = len(incidentKinds)
	nOutcomes = len(outcomes)
)

// view is one employee's facts indexed for evaluation: incidents in order
// with their local day, and the counts and totals of the period.
type view struct {
	f *Facts
	// incs are the incidents up to the end of the period, sorted by time,
	// then ID, so that the order they were given in never matters.
	incs     []incRef
	count    [nKinds]int64
	sum      [nKinds]decimal.Decimal
	training [nOutcomes]int64
}

type incRef struct {
	inc  *Incident
	kind int
	day  int64 // the local date, as days since 1970-01-01
	in   bool  // inside the period
}

func (e *evaluator) newView(f *Facts) *view {
	v := &view{f: f, incs: make([]incRef, 0, len(f.Incidents))}
	for i := range f.Incidents {
		inc := &f.Incidents[i]
		if !inc.At.Before(e.end) {
			continue // after the period: not yet
		}
		x := incRef{inc: inc, kind: incidentIndex(inc.Kind), day: localDay(inc.At, e.loc), in: !inc.At.Before(e.start)}
		if x.in {
			v.count[x.kind]++
			if !inc.Amount.IsZero() {
				v.sum[x.kind] = v.sum[x.kind].Add(inc.Amount)
			}
		}
		v.incs = append(v.incs, x)
	}
	slices.SortFunc(v.incs, func(a, b incRef) int {
		if c := a.inc.At.Compare(b.inc.At); c != 0 {
			return c
		}
		return strings.Compare(a.inc.ID, b.inc.ID)
	})
	for _, t := range f.Training {
		v.training[outcomeIndex(t.Outcome)]++
	}
	return v
}

// localDay is the date of t in loc, as days since 1970-01-01.
func localDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func kindMask(kinds []IncidentKind) uint16 {
	var m uint16
	for _, k := range kinds {
		if i := incidentIndex(k); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// window counts the incidents of mask in the window that ends with
// incs[i]: on its date and the days-1 dates before it, up to and including
// it. It returns the count and, when asked, their indexes in order.
func (v *view) window(i int, mask uint16, days int) (int, []int) {
	n, idx := v.windowCount(i, mask, days, true)
	return n, idx
}

func (v *view) windowCount(i int, mask uint16, days int, list bool) (int, []int) {
	end := v.incs[i]
	lo := end.day - int64(days-1)
	// No zone moves a clock by a day and more, so nothing before this
	// instant falls on a date inside the window.
	limit := end.inc.At.Add(-time.Duration(days+2) * 24 * time.Hour)
	n := 0
	var idx []int
	for j := i; j >= 0; j-- {
		x := v.incs[j]
		if x.inc.At.Before(limit) {
			break
		}
		if mask&(1<<x.kind) != 0 && x.day >= lo && x.day <= end.day {
			n++
			if list {
				idx = append(idx, j)
			}
		}
	}
	slices.Reverse(idx)
	return n, idx
}

// total is the total amount of the incidents of mask inside the period.
func (v *view) total(mask uint16) decimal.Decimal {
	var t decimal.Decimal
	added := false
	for k := range nKinds {
		switch {
		case mask&(1<<k) == 0 || v.sum[k].IsZero():
		case !added:
			t, added = v.sum[k], true // one amount alone needs no addition
		default:
			t = t.Add(v.sum[k])
		}
	}
	if !added {
		return decimal.Zero
	}
	return t
}

// get is the value of a fact; false for an appraisal fact without an
// appraisal.
func (v *view) get(r factRef) (operand, bool) {
	a := v.f.Appraisal
	if r.appraisal() && a == nil {
		return operand{}, false
	}
	switch r.base {
	case fScore:
		return operand{d: a.Score}, true
	case fGrade:
		return operand{s: a.Grade}, true
	case fRank:
		return operand{i: int64(a.Rank)}, true
	case fRanked:
		return operand{i: int64(a.Ranked)}, true
	case fPassed:
		return operand{b: a.Passed}, true
	case fFailed:
		return operand{b: !a.Passed}, true
	case fExcellent:
		return operand{b: a.Excellent}, true
	case fConsecutiveFails:
		return operand{i: int64(a.ConsecutiveFails)}, true
	case fTraining:
		return operand{i: v.training[r.idx]}, true
	case fIncidents:
		return operand{i: v.count[r.idx]}, true
	case fIncidentAmount:
		return operand{d: v.sum[r.idx]}, true
	case fNominations:
		return operand{i: int64(len(v.f.Nominations))}, true
	}
	return operand{}, false
}

// text writes an operand of typ as text.
func (o operand) text(typ FactType) string {
	switch typ {
	case TypeDecimal:
		return o.d.String()
	case TypeInteger:
		return strconv.FormatInt(o.i, 10)
	case TypeBool:
		return strconv.FormatBool(o.b)
	}
	return o.s
}

// compareOperands compares a with b, both of typ: -1, 0 or 1 for numbers;
// for yes/no and text, 0 when equal and 1 when not.
func compareOperands(typ FactType, a, b operand) int {
	switch typ {
	case TypeDecimal:
		return a.d.Cmp(b.d)
	case TypeInteger:
		return cmp.Compare(a.i, b.i)
	case TypeBool:
		if a.b == b.b {
			return 0
		}
	default:
		if a.s == b.s {
			return 0
		}
	}
	return 1
}

// holds applies op to the result of compareOperands.
func holds(op Op, c int) bool {
	switch op {
	case Eq:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	case Ge:
		return c >= 0
	}
	return false
}
