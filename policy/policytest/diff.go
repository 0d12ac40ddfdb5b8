package policytest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/servicelane/servicelane/policy"
)

// ProposalLine writes a proposal on one line, as a diff shows it: the
// employee, the rule, a ladder's offence number, the actions with their
// amounts in the proposal's currency, and whether it needs a supervisor's
// approval:
//
//	chen attendance #3: fine TWD 500
//	lin loss_major: compensation TWD 15000, demotion [needs approval]
func ProposalLine(p policy.Proposal) string { return proposalLine(p, false) }

// proposalLine is ProposalLine, with a ladder's incident as ExpectedLine
// writes it when asked: the diff shows it, since two offences of a
// ladder may otherwise read the same.
func proposalLine(p policy.Proposal, incident bool) string {
	var b strings.Builder
	b.WriteString(string(p.Employee) + " " + p.RuleID)
	if p.Offence > 0 {
		b.WriteString(" #" + strconv.Itoa(p.Offence))
	}
	if incident && p.Incident != "" {
		b.WriteString(" (incident " + p.Incident + ")")
	}
	b.WriteString(": ")
	for i, a := range p.Actions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(a.Kind))
		if !a.Amount.IsZero() {
			b.WriteString(" " + p.Currency + " " + a.Amount.String())
		}
	}
	if p.NeedsApproval {
		b.WriteString(" [needs approval]")
	}
	return b.String()
}

// ExpectedLine writes an expectation the way [ProposalLine] writes the
// proposal it expects, with only the fields it gives: "*" for an employee
// or a rule it leaves out, "..." for actions it leaves out, an incident
// and the reasons when it gives them. Amounts are in currency.
//
//	chen attendance #3: fine TWD 500
//	* dismissal: ...
//	lin loss_major: compensation, demotion [needs approval] reason "20% of the loss"
func ExpectedLine(x Expected, currency string) string {
	var b strings.Builder
	b.WriteString(cmp.Or(string(x.Employee), "*") + " " + cmp.Or(x.Rule, "*"))
	if x.Offence > 0 {
		b.WriteString(" #" + strconv.Itoa(x.Offence))
	}
	if x.Incident != "" {
		b.WriteString(" (incident " + x.Incident + ")")
	}
	b.WriteString(": ")
	if x.Actions == nil {
		b.WriteString("...")
	}
	for i, a := range x.Actions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(a.Kind))
		if a.Amount != nil && !a.Amount.IsZero() {
			b.WriteString(" " + currency + " " + a.Amount.String())
		}
	}
	switch {
	case x.NeedsApproval == nil:
	case *x.NeedsApproval:
		b.WriteString(" [needs approval]")
	default:
		b.WriteString(" [no approval]")
	}
	if x.Reason != "" {
		b.WriteString(" reason " + strconv.Quote(x.Reason))
	}
	if x.ReasonZH != "" {
		b.WriteString(" reason_zh " + strconv.Quote(x.ReasonZH))
	}
	return b.String()
}

// differ builds the diff of a case: the proposals and the expectations
// none matched, sorted by employee, by the rule's place in the policy and
// by offence, an expectation before the proposals of its place.
type differ struct {
	rules    map[string]int
	currency string
	lines    []diffLine
	missing  []Expected // the expectations no proposal matched
}

type diffLine struct {
	employee string
	rule     int
	offence  int
	mark     byte // '-', '+' or ' '
	text     string
	note     string // where: the expectation concerned
	got      *Got
}

func (d *differ) place(rule string) int {
	if i, ok := d.rules[rule]; ok {
		return i
	}
	return len(d.rules)
}

func (d *differ) got(g Got, mark byte, note string) {
	p := g.Proposal
	d.lines = append(d.lines, diffLine{employee: string(p.Employee), rule: d.place(p.RuleID), offence: p.Offence,
		mark: mark, text: proposalLine(p, true), note: note, got: &g})
}

func (d *differ) want(e expectation) {
	d.missing = append(d.missing, e.x)
	d.lines = append(d.lines, diffLine{employee: string(e.x.Employee), rule: d.place(e.x.Rule), offence: e.x.Offence,
		mark: '-', text: ExpectedLine(e.x, d.currency), note: e.where})
}

// text writes the notes, then the diff. A proposal's reason is shown
// under it when it is wrong ("+"), or when an expectation for the same
// employee, rule and offence (or any offence, when it gives none) is
// missing, since it is most likely the one meant.
func (d *differ) text(notes []string) string {
	slices.SortStableFunc(d.lines, func(a, b diffLine) int {
		return cmp.Or(cmp.Compare(a.employee, b.employee), cmp.Compare(a.rule, b.rule), cmp.Compare(a.offence, b.offence),
			cmp.Compare(diffMarkOrder(a.mark), diffMarkOrder(b.mark)))
	})
	out := append([]string{}, notes...)
	if len(d.lines) > 0 {
		out = append(out, "-want +got:")
	}
	for _, l := range d.lines {
		s := string(l.mark) + " " + l.text
		if l.note != "" {
			s += "  (" + l.note + ")"
		}
		out = append(out, s)
		if g := l.got; g != nil && (l.mark == '+' || d.near(g.Proposal)) {
			out = append(out, "      "+g.Reason)
		}
	}
	return strings.Join(out, "\n")
}

func diffMarkOrder(m byte) int {
	if m == '-' {
		return 0
	}
	return 1
}

// near reports whether a missing expectation is about p's employee, rule
// and offence.
func (d *differ) near(p policy.Proposal) bool {
	for _, x := range d.missing {
		if x.Employee == p.Employee && x.Rule == p.RuleID && (x.Offence == 0 || x.Offence == p.Offence) {
			return true
		}
	}
	return false
}
