package policy

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// tri is the value of a condition: true, false, or unknown (a test of the
// appraisal when there is none).
type tri uint8

const (
	no tri = iota
	yes
	unknown
)

type condKind uint8

const (
	cAll condKind = iota
	cAny
	cNot
	cFact
	cCount
	cConsecutive
	cRank
	cAmount
)

// cond is a condition compiled: values parsed, kinds as a mask.
type cond struct {
	kind   condKind
	subs   []*cond
	fact   factRef
	op     Op
	val    operand
	target string // the value as written, for explanations
	kinds  []IncidentKind
	mask   uint16
	days   int
	n      int // at_least, periods, top
	min    *decimal.Decimal
	above  decimal.Decimal
	atMost *decimal.Decimal
	// The texts an explanation writes, once per evaluation (prepare).
	name       string // the fact's name; a count's or a total's in Used
	valText    string // the value, as its fact's type writes it
	kindsText  string
	minText    string
	aboveText  string
	atMostText string
	// The decimals compared, kept at the exponent of what they are
	// compared with.
	minAt, aboveAt, atMostAt scaled
}

// prepare writes the texts of c and its parts at the evaluator's places.
func (e *evaluator) prepare(c *cond) {
	for _, s := range c.subs {
		e.prepare(s)
	}
	switch c.kind {
	case cFact:
		c.name, c.valText = c.fact.name(), c.val.text(c.fact.typ)
	case cCount:
		c.name, c.kindsText = windowName(c.kinds, c.days), kindsText(c.kinds)
	case cRank:
		if c.min != nil {
			c.minText, c.minAt = c.min.String(), scaled{d: *c.min}
		}
	case cAmount:
		c.name, c.kindsText, c.aboveText = amountName(c.kinds), kindsText(c.kinds), c.above.StringFixed(e.places)
		c.aboveAt = scaled{d: c.above}
		if c.atMost != nil {
			c.atMostText, c.atMostAt = c.atMost.StringFixed(e.places), scaled{d: *c.atMost}
		}
	}
}

// compile compiles a valid condition.
func compile(c *Condition) *cond {
	switch {
	case c.All != nil || c.Any != nil:
		out := &cond{kind: cAll}
		list := c.All
		if c.Any != nil {
			out.kind, list = cAny, c.Any
		}
		for i := range list {
			out.subs = append(out.subs, compile(&list[i]))
		}
		return out
	case c.Not != nil:
		return &cond{kind: cNot, subs: []*cond{compile(c.Not)}}
	case c.Fact != nil:
		r, _ := resolveFact(c.Fact.Name)
		out := &cond{kind: cFact, fact: r, op: c.Fact.Op, target: string(c.Fact.Value)}
		if out.op == "" { // a yes/no fact alone: it is true
			out.op, out.val, out.target = Eq, operand{b: true}, "true"
		} else {
			out.val, _ = parseValue(r.typ, c.Fact.Value)
		}
		return out
	case c.Count != nil:
		return &cond{kind: cCount, kinds: c.Count.Incidents, mask: kindMask(c.Count.Incidents), days: c.Count.WithinDays, n: c.Count.AtLeast}
	case c.Consecutive != nil:
		r, _ := resolveFact(c.Consecutive.Fact)
		return &cond{kind: cConsecutive, fact: r, n: c.Consecutive.Periods}
	case c.Rank != nil:
		return &cond{kind: cRank, n: c.Rank.Top, min: c.Rank.MinScore}
	}
	return &cond{kind: cAmount, kinds: c.Amount.Incidents, mask: kindMask(c.Amount.Incidents), above: c.Amount.Above, atMost: c.Amount.AtMost}
}

// eval evaluates c for v; a nil condition is true. Every part is
// evaluated (no short cut), so that the facts a rule read are the same
// whatever the outcome.
func eval(c *cond, v *view) tri {
	if c == nil {
		return yes
	}
	switch c.kind {
	case cAll, cAny:
		var sawYes, sawNo, sawUnknown bool
		for _, s := range c.subs {
			switch eval(s, v) {
			case yes:
				sawYes = true
			case no:
				sawNo = true
			default:
				sawUnknown = true
			}
		}
		switch {
		case c.kind == cAll && sawNo, c.kind == cAny && !sawYes && !sawUnknown:
			return no
		case c.kind == cAll && sawUnknown, c.kind == cAny && !sawYes:
			return unknown
		}
		return yes
	case cNot:
		switch eval(c.subs[0], v) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	case cFact:
		got, ok := v.get(c.fact)
		if !ok {
			return unknown
		}
		return triOf(holds(c.op, compareOperands(c.fact.typ, got, c.val)))
	case cCount:
		first, _ := v.firstWindow(c.mask, c.days, c.n)
		return triOf(first >= 0)
	case cConsecutive:
		if v.f.Appraisal == nil {
			return unknown
		}
		return triOf(v.f.Appraisal.ConsecutiveFails >= c.n)
	case cRank:
		a := v.f.Appraisal
		if a == nil {
			return unknown
		}
		return triOf(a.Rank >= 1 && a.Rank <= c.n && (c.min == nil || c.minAt.cmp(a.Score) >= 0))
	}
	t := v.total(c.mask)
	return triOf(c.aboveAt.cmp(t) > 0 && (c.atMost == nil || c.atMostAt.cmp(t) <= 0))
}

func triOf(b bool) tri {
	if b {
		return yes
	}
	return no
}

// firstWindow finds the first incident inside the period that ends a
// window of days with at least need incidents of mask. It returns its
// index, or -1, and the largest count of any window.
func (v *view) firstWindow(mask uint16, days, need int) (int, int) {
	most := 0
	for i, x := range v.incs {
		if !x.in || mask&(1<<x.kind) == 0 {
			continue
		}
		n, _ := v.windowCount(i, mask, days, false, nil)
		if n >= need {
			return i, n
		}
		most = max(most, n)
	}
	return -1, most
}

// explainer collects the reasons and the facts read for one proposal.
type explainer struct {
	phrases []Phrase
	facts   []FactValue
}

// add records a fact read, once.
func (x *explainer) add(f FactValue) {
	for _, g := range x.facts {
		if g.Name == f.Name {
			return
		}
	}
	x.facts = append(x.facts, f)
}

// reasons explains the value c has for v: the parts that decided it.
func (x *explainer) reasons(e *evaluator, c *cond, v *view) {
	if c == nil {
		return
	}
	got := eval(c, v)
	switch c.kind {
	case cAll, cAny:
		for _, s := range c.subs {
			// A true any is explained by its true parts; a false all by
			// its false parts; otherwise by the parts with its value.
			if eval(s, v) == got {
				x.reasons(e, s, v)
			}
		}
	case cNot:
		x.reasons(e, c.subs[0], v)
	default:
		x.phrases = append(x.phrases, e.leafPhrase(c, v, got))
	}
}

// used records every fact c read, in order.
func (x *explainer) used(e *evaluator, c *cond, v *view) {
	if c == nil {
		return
	}
	switch c.kind {
	case cAll, cAny, cNot:
		for _, s := range c.subs {
			x.used(e, s, v)
		}
	case cFact:
		x.add(factValueNamed(c.fact, c.name, v))
	case cCount:
		first, n := v.firstWindow(c.mask, c.days, c.n)
		val := "at most " + strconv.Itoa(n)
		if first >= 0 {
			_, window := v.window(first, c.mask, c.days, e.win)
			val = e.windowValue(v, window, n)
			e.win = window
		}
		x.add(FactValue{Name: c.name, Value: val})
	case cConsecutive:
		x.add(factValue(factRef{fConsecutiveFails, 0, TypeInteger}, v))
	case cRank:
		x.add(factValue(factRef{fRank, 0, TypeInteger}, v))
		x.add(factValue(factRef{fRanked, 0, TypeInteger}, v))
		if c.min != nil {
			x.add(factValue(factRef{fScore, 0, TypeDecimal}, v))
		}
	case cAmount:
		x.add(FactValue{Name: c.name, Value: plainText(v.total(c.mask))})
	}
}

func factValue(r factRef, v *view) FactValue { return factValueNamed(r, r.name(), v) }

// factValueNamed is factValue with r's name written already.
func factValueNamed(r factRef, name string, v *view) FactValue {
	got, ok := v.get(r)
	if !ok {
		return FactValue{Name: name, Missing: true}
	}
	return FactValue{Name: name, Value: got.text(r.typ)}
}

func kindsText(kinds []IncidentKind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

// windowName names the count of a window in Used:
// "incidents[late,absent] within 30 days".
func windowName(kinds []IncidentKind, days int) string {
	return fmt.Sprintf("incidents[%s] within %d days", kindsText(kinds), days)
}

// amountName names a total in Used: "incidents[complaint,loss].amount".
func amountName(kinds []IncidentKind) string { return "incidents[" + kindsText(kinds) + "].amount" }

// windowValue writes a window's incidents: "3: a1 2026-11-03, a2
// 2026-11-10, a3 2026-11-24".
func (e *evaluator) windowValue(v *view, window []int, n int) string {
	b := strconv.AppendInt(e.buf[:0], int64(n), 10)
	for i, j := range window {
		if i == 0 {
			b = append(b, ": "...)
		} else {
			b = append(b, ", "...)
		}
		inc := v.incs[j].inc
		b = append(append(append(append(append(b, inc.ID...), ' '), inc.Kind...), ' '), e.date(v, j)...)
	}
	e.buf = b
	return string(b)
}

// countPhrase says the nth offence and its window: "3rd lateness within
// 30 days (2026-11-03, 2026-11-10, 2026-11-24)"; with several kinds in the
// window, each date with its kind.
func (e *evaluator) countPhrase(v *view, window []int, n int, kinds []IncidentKind, days int) Phrase {
	var seen uint16 // the kinds in the window
	for _, j := range window {
		seen |= 1 << v.incs[j].kind
	}
	b := e.buf[:0]
	mixed := bits.OnesCount16(seen) > 1
	for i, j := range window {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, e.date(v, j)...)
		if mixed {
			b = append(append(b, ' '), v.incs[j].inc.Kind...)
		}
	}
	e.buf = b
	if !mixed {
		dates := e.date(v, window[0]) // one date: the view's own
		if len(window) > 1 {
			dates = string(b)
		}
		return Phrase{Key: "count", Args: map[string]string{"n": strconv.Itoa(n), "days": e.itoa(days),
			"kind": string(v.incs[window[0]].inc.Kind), "dates": dates}}
	}
	return Phrase{Key: "count.mixed", Args: map[string]string{"n": strconv.Itoa(n), "days": e.itoa(days),
		"kinds": e.presentKinds(kinds, seen), "dates": string(b)}}
}

// presentKinds writes the kinds of seen, in the order of kinds, once per
// evaluation.
func (e *evaluator) presentKinds(kinds []IncidentKind, seen uint16) string {
	var key presentKey
	if len(kinds) > 0 {
		key = presentKey{&kinds[0], len(kinds), seen}
		if text, ok := e.present[key]; ok {
			return text
		}
	}
	var present []IncidentKind // the kinds in the window, in the ladder's order
	for _, k := range kinds {
		if i := incidentIndex(k); i >= 0 && seen&(1<<i) != 0 {
			present = append(present, k)
		}
	}
	text := kindsText(present)
	if key.kinds != nil {
		if e.present == nil {
			e.present = map[presentKey]string{}
		}
		e.present[key] = text
	}
	return text
}

// presentKey is some kinds of a list of kinds: the list by its first
// element and length, the kinds as a mask.
type presentKey struct {
	kinds *IncidentKind
	n     int
	seen  uint16
}

// itoa is strconv.Itoa, the numbers of 100 and more (which take an
// allocation) written once per evaluation.
func (e *evaluator) itoa(n int) string {
	if n < 100 {
		return strconv.Itoa(n)
	}
	text, ok := e.numbers[n]
	if !ok {
		if e.numbers == nil {
			e.numbers = map[int]string{}
		}
		text = strconv.Itoa(n)
		e.numbers[n] = text
	}
	return text
}
