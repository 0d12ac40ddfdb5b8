package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/org"
)

// Explaining a proposal (R1.3): why the rule fired, what it proposes and
// under which rule, in English or Traditional Chinese from the one message
// catalogue of policy (see [Messages]). Every method here takes an
// org.Lang: org.TraditionalChinese renders Traditional Chinese; any other
// Lang renders English, so an unknown language never fails.

// Phrase is one part of an explanation: a message of the catalogue and its
// arguments, kept as data so that a host can store it and render it later
// in either language.
type Phrase struct {
	Key  string            `json:"key"`
	Args map[string]string `json:"args,omitempty"`
}

// Render renders p in lang. It fails with [ErrUnknownMessage] when the
// catalogue lacks p.Key and with [ErrMissingArg] when p lacks an argument
// the message needs; arguments the message does not use are ignored.
func (p Phrase) Render(lang org.Lang) (string, error) { return msgRender(p.Key, lang, p.Args) }

// Text renders p in lang, or, when it cannot, writes its key and arguments
// as they are ("count{days=30, n=3}"), so nothing is silently lost.
func (p Phrase) Text(lang org.Lang) string {
	s, err := p.Render(lang)
	if err != nil {
		return p.raw()
	}
	return s
}

func (p Phrase) raw() string {
	var b strings.Builder
	b.WriteString(p.Key)
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(p.Args)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%s", k, p.Args[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Explanation says why a proposal was made: the reasons (what the
// condition found, the offence and its window, an award's place and how a
// tie was broken), the actions, and the rule with the rules of RULES.md it
// cites.
type Explanation struct {
	Reasons []Phrase `json:"reasons"`
	Actions []Phrase `json:"actions"`
	Rule    string   `json:"rule"`
	Cites   []string `json:"cites,omitempty"`
}

// Text renders e in lang as one sentence: "3rd lateness within 30 days
// (2026-11-03, 2026-11-10, 2026-11-24): fine TWD 500 under rule attendance
// (R7.2a)", "30 天內第 3 次遲到（2026-11-03、2026-11-10、2026-11-24）：罰款
// TWD 500（規則 attendance，R7.2a）".
func (e Explanation) Text(lang org.Lang) string {
	args := map[string]string{
		"reasons": joinPhrases(e.Reasons, "join.reasons", lang),
		"actions": joinPhrases(e.Actions, "join.actions", lang),
		"rule":    e.Rule,
	}
	if len(e.Cites) == 0 {
		return msgTerm("explain.uncited", lang, args, args["reasons"]+": "+args["actions"])
	}
	args["cites"] = strings.Join(e.Cites, msgTerm("join.list", lang, nil, ", "))
	return msgTerm("explain", lang, args, args["reasons"]+": "+args["actions"])
}

func joinPhrases(ps []Phrase, sep string, lang org.Lang) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Text(lang)
	}
	return strings.Join(parts, msgTerm(sep, lang, nil, ", "))
}

// FactValue is a fact a rule read, with its value as text: "92.5", "3",
// "true". Missing is set for a fact the employee has no value for (no
// appraisal); Value is then empty.
type FactValue struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Missing bool   `json:"missing,omitempty"`
}
