package policy

import (
	"slices"
	"strconv"
	"strings"
)

// maxDetails is the most dates, courses or reasons one phrase lists.
const maxDetails = 10

// leafPhrase says what a test found for v, given its value got.
func (e *evaluator) leafPhrase(c *cond, v *view, got tri) Phrase {
	switch c.kind {
	case cFact:
		return e.factPhrase(c, v, got)
	case cCount:
		first, n := v.firstWindow(c.mask, c.days, c.n)
		if first < 0 {
			return Phrase{Key: "count_not", Args: map[string]string{"kinds": c.kindsText, "days": strconv.Itoa(c.days),
				"need": strconv.Itoa(c.n), "most": strconv.Itoa(n)}}
		}
		_, window := v.window(first, c.mask, c.days, e.win)
		e.win = window
		return e.countPhrase(v, window, n, c.kinds, c.days)
	case cConsecutive:
		a := v.f.Appraisal
		switch {
		case a == nil:
			return Phrase{Key: "consecutive.unknown"}
		case got == yes:
			return Phrase{Key: "consecutive", Args: map[string]string{"run": e.periods(a.ConsecutiveFails)}}
		}
		return Phrase{Key: "consecutive_not", Args: map[string]string{"run": e.periods(a.ConsecutiveFails), "need": e.periods(c.n)}}
	case cRank:
		a := v.f.Appraisal
		switch {
		case a == nil:
			return Phrase{Key: "rank.unknown"}
		case a.Rank == 0:
			return Phrase{Key: "rank.unranked"}
		}
		args := map[string]string{"rank": strconv.Itoa(a.Rank), "ranked": strconv.Itoa(a.Ranked), "score": a.Score.String(),
			"top": strconv.Itoa(c.n)}
		key := "rank"
		if c.min != nil {
			key, args["min"] = "rank.min", c.minText
		}
		if got != yes {
			key += "_not"
		}
		return Phrase{Key: key, Args: args}
	}
	t := v.total(c.mask)
	args := map[string]string{"kinds": c.kindsText, "currency": e.p.Currency, "total": fixedText(t, e.places),
		"above": c.aboveText}
	key := "amount.above"
	if c.atMost != nil {
		key, args["at_most"] = "amount.bracket", c.atMostText
	}
	if got != yes {
		key += "_not"
	}
	return Phrase{Key: key, Args: args}
}

// periods writes a run of periods as the periods argument kind takes it:
// "2 month".
func (e *evaluator) periods(n int) string { return strconv.Itoa(n) + " " + string(e.period.Kind()) }

// factPhrase says a comparison: "appraisal score: 92 (at least 90)"; a
// yes/no fact by its value: "failed the appraisal"; with the dates,
// courses or reasons counted.
func (e *evaluator) factPhrase(c *cond, v *view, got tri) Phrase {
	name := c.name
	val, ok := v.get(c.fact)
	switch {
	case !ok:
		return Phrase{Key: "fact.unknown", Args: map[string]string{"fact": name}}
	case c.fact.typ == TypeBool && val.b:
		return Phrase{Key: "fact.true", Args: map[string]string{"fact": name}}
	case c.fact.typ == TypeBool:
		return Phrase{Key: "fact.false", Args: map[string]string{"fact": name}}
	}
	args := map[string]string{"fact": name, "value": val.text(c.fact.typ), "op": string(c.op), "target": c.valText}
	key := "fact.compare"
	if d := e.detailsOf(c.fact, v); len(d) > 0 {
		key, args["detail"] = "fact.compare_detail", strings.Join(d, "\n")
		e.details = d[:0]
	}
	if got != yes {
		key += "_not"
	}
	return Phrase{Key: key, Args: args}
}

// details lists what a count counted: the dates of the incidents, the
// courses, the reasons of the nominations, in a stable order.
// They are appended to the evaluator's scratch.
func (e *evaluator) detailsOf(r factRef, v *view) []string {
	out := e.details[:0]
	switch r.base {
	case fIncidents:
		for j, x := range v.incs {
			if x.in && int(x.kind) == r.idx {
				out = append(out, e.date(v, j))
			}
		}
	case fTraining:
		for _, t := range v.f.Training {
			if t.Outcome == outcomes[r.idx] {
				out = append(out, oneLine(t.Course))
			}
		}
		slices.Sort(out)
	case fNominations:
		for _, n := range v.f.Nominations {
			out = append(out, oneLine(n.Reason))
		}
		slices.Sort(out)
	}
	if len(out) > maxDetails {
		out = append(out[:maxDetails:maxDetails], "...")
	}
	return out
}

// oneLine keeps a text to one line of a list.
func oneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether oneLine would give s back: ASCII with no space
// but single blanks between words.
func isOneLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80 || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		case c == ' ' && s[i+1] == ' ':
			return false
		}
	}
	return true
}
