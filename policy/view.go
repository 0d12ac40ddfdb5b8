package policy

import (
	"cmp"
	"net/url"
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
	// esc is the employee's ID as a key writes it, once per evaluation.
	esc string
	// exotic is set when an incident's time has a monotonic reading or
	// is millions of years away: its windows then compare times as
	// time.Time does, and not as seconds.
	exotic bool
	// dates are the local dates of incs ("2026-11-03"), written the first
	// time an explanation needs one: most employees need none.
	dates []string
}

type incRef struct {
	inc  *Incident
	sec  int64 // inc.At as Unix seconds and nanoseconds, for windows
	day  int64 // the local date, as days since 1970-01-01
	nsec int32
	kind int32
	in   bool // inside the period
}

// newView indexes f into v, its incidents into incs (cut from one slab
// for every employee: the caller sizes it).
func (e *evaluator) newView(v *view, f *Facts, incs []incRef) {
	v.f, v.incs, v.esc = f, incs, url.PathEscape(string(f.Employee))
	for i := range f.Incidents {
		inc := &f.Incidents[i]
		if !inc.At.Before(e.end) {
			continue // after the period: not yet
		}
		x := incRef{inc: inc, kind: int32(incidentIndex(inc.Kind)), day: localDay(inc.At, e.loc), in: !inc.At.Before(e.start),
			sec: inc.At.Unix(), nsec: int32(inc.At.Nanosecond())}
		v.exotic = v.exotic || x.sec <= -1<<50 || x.sec >= 1<<50 || inc.At != inc.At.Round(0)
		if x.in {
			v.count[x.kind]++
			if !inc.Amount.IsZero() {
				v.sum[x.kind] = v.sum[x.kind].Add(inc.Amount)
			}
		}
		v.incs = append(v.incs, x)
	}
	// Incident IDs are unique (checkInput), so the order is total and
	// incidents given in order need no sort.
	byTime := func(a, b incRef) int {
		if c := a.inc.At.Compare(b.inc.At); c != 0 {
			return c
		}
		return strings.Compare(a.inc.ID, b.inc.ID)
	}
	if !v.exotic {
		byTime = func(a, b incRef) int {
			if c := cmp.Or(cmp.Compare(a.sec, b.sec), cmp.Compare(a.nsec, b.nsec)); c != 0 {
				return c
			}
			return strings.Compare(a.inc.ID, b.inc.ID)
		}
	}
	if !slices.IsSortedFunc(v.incs, byTime) {
		slices.SortFunc(v.incs, byTime)
	}
	for _, t := range f.Training {
		v.training[outcomeIndex(t.Outcome)]++
	}
}

// date is the local date of v.incs[j] as time.DateOnly writes it. The
// dates of v are written together, the first time one is needed, into one
// string.
func (e *evaluator) date(v *view, j int) string {
	if v.dates == nil {
		v.dates = e.dates(v)
	}
	return v.dates[j]
}

func (e *evaluator) dates(v *view) []string {
	out := e.strs.take(len(v.incs))
	b := e.dateBuf[:0] // not buf: dates are written while a text is
	for _, x := range v.incs {
		y, m, d := time.Unix(x.day*86400, 0).UTC().Date()
		if y < 0 || y > 9999 {
			continue // written below, as ever
		}
		b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
			byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	}
	all, at := string(b), 0
	e.dateBuf = b
	for j, x := range v.incs {
		if y := time.Unix(x.day*86400, 0).UTC().Year(); y < 0 || y > 9999 {
			out[j] = x.inc.At.In(e.loc).Format(time.DateOnly)
			continue
		}
		out[j], at = all[at:at+10], at+10
	}
	return out
}

// localDay is the date of t in loc, as days since 1970-01-01.
func localDay(t time.Time, loc *time.Location) int64 {
	t = t.In(loc)
	// The local date's day is the local clock's seconds floored to days,
	// for every instant whose seconds cannot overflow (a million years
	// either side of 1970).
	if _, off := t.Zone(); t.Unix() > -1<<45 && t.Unix() < 1<<45 {
		s := t.Unix() + int64(off)
		if s < 0 {
			return (s - 86399) / 86400
		}
		return s / 86400
	}
	y, m, d := t.Date()
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
// it. It returns the count and, when asked, their indexes in order,
// appended to idx[:0] (scratch the caller reuses).
func (v *view) window(i int, mask uint16, days int, idx []int) (int, []int) {
	n, idx := v.windowCount(i, mask, days, true, idx[:0])
	return n, idx
}

func (v *view) windowCount(i int, mask uint16, days int, list bool, idx []int) (int, []int) {
	end := v.incs[i]
	lo := end.day - int64(days-1)
	// No zone moves a clock by a day and more, so nothing before this
	// instant falls on a date inside the window.
	var limit time.Time
	limitSec := end.sec - int64(days+2)*24*60*60 // with end.nsec
	if v.exotic {
		limit = end.inc.At.Add(-time.Duration(days+2) * 24 * time.Hour)
	}
	n := 0
	for j := i; j >= 0; j-- {
		x := &v.incs[j]
		if v.exotic && x.inc.At.Before(limit) || !v.exotic && (x.sec < limitSec || x.sec == limitSec && x.nsec < end.nsec) {
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
