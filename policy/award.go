package policy

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// sortRef is a tie-break key resolved.
type sortRef struct {
	fact factRef
	desc bool
}

// candidate is an employee meeting an award's condition.
type candidate struct {
	ei int
	v  *view
}

// award gives the rule to the first Winners of the employees meeting its
// condition, sorted by the tie-break keys and then by employee ID: their
// proposals by the employee's index.
func (e *evaluator) award(cr *crule) map[int]*Proposal {
	a := cr.r.Award
	refs := make([]sortRef, len(a.TieBreak))
	for i, k := range a.TieBreak {
		r, _ := resolveFact(k.Fact)
		refs[i] = sortRef{fact: r, desc: k.Order == Descending}
	}
	var cands []candidate
	for ei, v := range e.views {
		if eval(cr.when, v) == yes {
			cands = append(cands, candidate{ei, v})
		}
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		for _, r := range refs {
			if c := keyCompare(r, x.v, y.v); c != 0 {
				return c
			}
		}
		return cmp.Compare(x.v.f.Employee, y.v.f.Employee)
	})
	winners := min(a.Winners, len(cands))
	out := make(map[int]*Proposal, winners)
	for place, w := range cands[:winners] {
		ex := e.explainer()
		ex.reasons(e, cr.when, w.v)
		ex.phrases = append(ex.phrases, Phrase{Key: "award.place", Args: map[string]string{
			"place": strconv.Itoa(place + 1), "candidates": strconv.Itoa(len(cands)), "winners": strconv.Itoa(a.Winners)}})
		if winners < len(cands) {
			ex.phrases = append(ex.phrases, tie(refs, w, cands[winners:]))
		}
		ex.used(e, cr.when, w.v)
		for _, r := range refs {
			ex.add(factValue(r.fact, w.v))
		}
		p := new(Proposal)
		e.propose(p, e.p.ID+"/"+cr.r.ID+"/"+w.v.esc+"/"+e.periodText, cr, w.v, &ex, "", 0)
		out[w.ei] = p
	}
	return out
}

// keyCompare orders two employees by one key: an employee without the
// fact after every one with it.
func keyCompare(r sortRef, x, y *view) int {
	a, okA := x.get(r.fact)
	b, okB := y.get(r.fact)
	switch {
	case !okA || !okB:
		return cmp.Compare(boolInt(!okA), boolInt(!okB))
	case r.desc:
		return compareOperands(r.fact.typ, b, a)
	}
	return compareOperands(r.fact.typ, a, b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tie says how winner w was set apart from the losers, who met the
// condition as w did: by the first key over all of them, or, when tied
// with the first loser on the first keys (or there are no keys), on which
// keys, with whom, and by which key (or the employee ID) it was broken.
func tie(refs []sortRef, w candidate, losers []candidate) Phrase {
	j := 0 // the keys w and the first loser share
	for j < len(refs) && keyCompare(refs[j], w.v, losers[0].v) == 0 {
		j++
	}
	chosen := j == 0 // the first key set w apart from every loser (an award has keys)
	var others []string
	for _, l := range losers {
		same := true
		for _, r := range refs[:j] {
			same = same && keyCompare(r, w.v, l.v) == 0
		}
		if !same {
			break // the losers are sorted: those tied with w come first
		}
		if len(others) == maxDetails {
			others = append(others, "...")
			break
		}
		others = append(others, string(l.v.f.Employee))
	}
	by := "employee"
	if j < len(refs) {
		by = refs[j].fact.name() + " asc"
		if refs[j].desc {
			by = refs[j].fact.name() + " desc"
		}
	}
	args := map[string]string{"others": strings.Join(others, "\n"), "by": by}
	if chosen {
		// Every candidate met the condition: the first key chose among
		// them, and the explanation says so (the issue: ties are broken by
		// a rule the policy states, and the explanation says so).
		return Phrase{Key: "award.chosen", Args: args}
	}
	on := make([]string, j)
	for i, r := range refs[:j] {
		if got, ok := w.v.get(r.fact); ok {
			on[i] = r.fact.name() + "=" + got.text(r.fact.typ)
		} else {
			on[i] = r.fact.name()
		}
	}
	args["on"] = strings.Join(on, "\n")
	return Phrase{Key: "award.tie", Args: args}
}
