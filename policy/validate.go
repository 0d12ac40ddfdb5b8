package policy

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/config"
	"github.com/servicelane/servicelane/internal/validate"
	"github.com/servicelane/servicelane/org"
)

// Codes of FieldError that org does not have, for the problems only a
// policy has. The other codes are org's: CodeRequired, CodeFormat,
// CodeUnknown, CodeRange, CodeInvalid, CodeDuplicate, CodeNotFound.
const (
	// CodeType: a value of the wrong type for its fact, a comparison the
	// fact's type does not have, or a fact of a type the place cannot use.
	CodeType = "wrong_type"
	// CodeOverlap: compensation brackets that overlap.
	CodeOverlap = "overlap"
	// CodeGap: compensation brackets that leave a loss without a bracket.
	CodeGap = "gap"
)

// Limits of a policy, far beyond what a dealer writes, so that no policy
// makes evaluation slow.
const (
	maxPlaces         = 4
	maxDepth          = 16    // conditions inside conditions
	maxWithinDays     = 3660  // ten years
	maxCount          = 10000 // at_least, top, winners, periods
	maxDigits         = 32    // before or after the point of any decimal
	maxPercentPlaces  = 4
	maxListedProblems = 12 // names listed in one message
)

var (
	identRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:\-]*$`)
	citeRe  = regexp.MustCompile(`^R[0-9]+(\.[0-9]+)*[a-z]?$`)
	hundred = decimal.NewFromInt(100)
	digits  = config.DigitLimit(maxDigits)
)

// Validate reports every problem of the policy at once: nil, or a
// *org.ValidationError (Op "policy: policy") that names each bad field by
// its JSON path ("rules[2].when.all[0].fact.value", "ladders[0].steps[1][0].amount")
// with a code of org (CodeRequired, CodeFormat, CodeUnknown, CodeRange,
// CodeInvalid, CodeDuplicate, CodeNotFound, CodeTooLong, CodeControl,
// CodePlaces) or of this package (CodeType, CodeOverlap, CodeGap). [Load]
// validates on load; [Policy.Evaluate] refuses an invalid policy.
//
// A valid policy has:
//
//   - an id of letters, digits and . _ : -; a version of 1 or more; an ISO
//     4217 currency of three upper-case letters; places 0 to 4 (nil: 2);
//   - at least one rule, each with a unique id, cites like R7.2a, a title
//     in English and Chinese, a period (month or year), and exactly one of
//     then (at least one action) and ladder (the id of a ladder of the
//     policy); a rule with then has a condition, a ladder rule may;
//   - conditions with exactly one field set, at most 16 deep: all and any
//     with at least one condition; a fact that [KnownFacts] knows, an op
//     its type has and a value of its type (a yes/no fact may leave both
//     out); counts of known incident kinds, each once, within 1 to 3660
//     days, at least 1; consecutive of a fact with a history for 1 or more
//     periods; ranks top 1 or more with a min_score of 0 to 100; amount
//     brackets of known incident kinds whose above is not negative and
//     at_most, when written, above it;
//   - actions of a kind that [ActionKinds] knows; bonus and fine with an
//     amount above zero, raise, trip and training_opportunity with one
//     not negative if written, no other kind with one; amounts with at
//     most the policy's places; compensation only for kind compensation,
//     which needs it: incident kinds, and brackets that start at 0, each
//     where the last ended, the last without at_most, each with a
//     percent (above 0, at most 100) or an amount (not negative), not both;
//     a note in both languages or in neither;
//   - an award only on a rule with then: winners 1 or more, tie-break
//     keys of decimal or integer facts, asc or desc;
//   - ladders with a unique id, incident kinds each once, within_days 1 to
//     3660 and at least one step of at least one action;
//   - at most MaxPolicyRules rules, MaxPolicyLadders ladders and
//     MaxPolicyLadders steps in a ladder (a list beyond its bound is one
//     problem, code CodeTooLong, and its items are not checked), and ids
//     (the policy's, rules', ladders') of at most MaxPolicyIDLength
//     characters.
//
// Every text and every number of the policy is also held to the one
// input policy (docs/CONVENTIONS.md, "The one input policy"), as every
// input of a service is: each text (ids, cites, titles and notes in both
// languages, fact names, values, ladder names) valid UTF-8 (CodeFormat),
// one line with no NUL or other control character (CodeControl), at most
// 8,000 characters (CodeTooLong); each decimal (amounts, bracket bounds,
// percents, min_score) at most 20 digits before the point (CodeRange) and
// 4 places after it, trailing zeros aside (CodePlaces). Where a field
// breaks the input policy and a rule of the policy's own, the input
// policy's problem is the one reported (one problem per field), but a
// blank text stays CodeRequired and an id over MaxPolicyIDLength stays
// CodeTooLong for that bound.
//
// Decimals are checked in plain Go with decimal comparisons: validator tags
// panic on decimal.Decimal.
func (p *Policy) Validate() error {
	ve := &org.ValidationError{Op: "policy: policy"}
	if p == nil {
		ve.Add("", org.CodeRequired, "no policy")
		return ve
	}
	switch {
	case p.ID == "":
		ve.Add("id", org.CodeRequired, "is required: every proposal records the policy that made it")
	case tooLongID(ve, "id", p.ID): // reported
	case !identRe.MatchString(p.ID):
		ve.Add("id", org.CodeFormat, "must be letters, digits and . _ : - only, starting with a letter or digit")
	}
	if p.Version < 1 {
		ve.Add("version", org.CodeRange, "must be 1 or more: every proposal records the version of the policy that made it")
	}
	switch {
	case p.Currency == "":
		ve.Add("currency", org.CodeRequired, "is required: amounts are in the dealer's currency")
	case !isCurrency(p.Currency):
		ve.Add("currency", org.CodeFormat, "must be an ISO 4217 code: three upper-case letters such as TWD or USD")
	}
	c := &checker{ve: ve, places: p.places(), ladders: map[string]int{}}
	if c.places < 0 || c.places > maxPlaces {
		ve.Add("places", org.CodeRange, fmt.Sprintf("must be between 0 and %d decimal places (left out: %d)", maxPlaces, DefaultPlaces))
		c.places = maxPlaces // check amounts as loosely as can be: the places are wrong already
	}
	if config.TooMany(ve, "ladders", len(p.Ladders), MaxPolicyLadders, "policy.MaxPolicyLadders") {
		c.ladders = nil // unchecked: the rules' ladders are not looked up
	} else {
		c.checkLadders(p.Ladders)
	}
	if !config.TooMany(ve, "rules", len(p.Rules), MaxPolicyRules, "policy.MaxPolicyRules") {
		c.checkRules(p.Rules)
	}
	addInputPolicy(ve, p.inputProblems())
	return ve.Err()
}

// inputProblems holds the policy to the one input policy: its own fields,
// each ladder and each rule, with the paths of the policy. The items of a
// list too long to check are not walked, nor a condition nested more than
// maxDepth deep (checkCondition reports it): a policy built in Go may
// hold a condition that contains itself.
func (p *Policy) inputProblems() []validate.Problem {
	top := *p
	top.Rules, top.Ladders = nil, nil
	out := inputRules.Struct(&top, "")
	if len(p.Ladders) <= MaxPolicyLadders {
		for i := range p.Ladders {
			out = append(out, inputRules.Struct(&p.Ladders[i], fmt.Sprintf("ladders[%d]", i))...)
		}
	}
	if len(p.Rules) <= MaxPolicyRules {
		for i, r := range p.Rules {
			if tooDeep(r.When, 1) {
				r.When = Condition{}
			}
			out = append(out, inputRules.Struct(&r, fmt.Sprintf("rules[%d]", i))...)
		}
	}
	return out
}

// tooDeep reports whether c, at depth, nests conditions more than
// maxDepth deep, counted as checkCondition counts them. It stops at the
// first condition too deep, so a condition that contains itself ends.
func tooDeep(c Condition, depth int) bool {
	if depth > maxDepth {
		return true
	}
	if c.Not != nil && tooDeep(*c.Not, depth+1) {
		return true
	}
	for _, list := range [][]Condition{c.All, c.Any} {
		for _, sub := range list {
			if tooDeep(sub, depth+1) {
				return true
			}
		}
	}
	return false
}

// addInputPolicy adds to ve the problems the one input policy found
// (validate.Validator.Struct: the text, decimals and instants of a value,
// however deep), one problem per field, as validate.Merge says.
func addInputPolicy(ve *org.ValidationError, problems []validate.Problem) {
	if len(problems) == 0 {
		return
	}
	own := make([]validate.Problem, len(ve.Fields))
	for i, f := range ve.Fields {
		own[i] = validate.Problem(f)
	}
	ve.Fields = ve.Fields[:0]
	for _, p := range validate.Merge(own, problems) {
		ve.Fields = append(ve.Fields, org.FieldError(p))
	}
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range len(s) {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// checker carries what the checks of one policy share.
type checker struct {
	ve      *org.ValidationError
	places  int32
	ladders map[string]int // id -> index; nil when there are too many to check
}

func (c *checker) checkRules(rules []Rule) {
	if len(rules) == 0 {
		c.ve.Add("rules", org.CodeRequired, "at least one rule is required")
		return
	}
	ids := map[string]int{}
	for i, r := range rules {
		at := fmt.Sprintf("rules[%d]", i)
		first, dup := ids[r.ID]
		switch {
		case r.ID == "":
			c.ve.Add(at+".id", org.CodeRequired, "is required: proposals name the rule that made them")
		case tooLongID(c.ve, at+".id", r.ID): // reported
		case !identRe.MatchString(r.ID):
			c.ve.Add(at+".id", org.CodeFormat, "must be letters, digits and . _ : - only, starting with a letter or digit")
		case dup:
			c.ve.Add(at+".id", org.CodeDuplicate, fmt.Sprintf("%q is already the id of rules[%d]", r.ID, first))
		default:
			ids[r.ID] = i
		}
		for j, cite := range r.Cites {
			if !citeRe.MatchString(cite) {
				c.ve.Add(fmt.Sprintf("%s.cites[%d]", at, j), org.CodeFormat, "must be a rule of RULES.md such as R7.2a or R6.4")
			}
		}
		c.checkText(at+".title", r.Title, true)
		switch r.Period {
		case Monthly, Yearly:
		case "":
			c.ve.Add(at+".period", org.CodeRequired, "is required: month or year, the periods the rule is evaluated for")
		default:
			c.ve.Add(at+".period", org.CodeUnknown, "must be month or year")
		}
		c.checkRuleBody(at, r)
	}
	c.checkBracketRules(rules)
}

// checkBracketRules: rules of one period whose whole condition is an
// amount bracket of the same incident kinds are a table (loss up to
// 10,000, up to 50,000, ...): their brackets must not overlap, or one
// loss would be punished twice.
func (c *checker) checkBracketRules(rules []Rule) {
	type bracketRule struct {
		i      int
		key    string
		above  decimal.Decimal
		atMost *decimal.Decimal
	}
	var seen []bracketRule
	for i, r := range rules {
		b := r.When.Amount
		if b == nil || (b.AtMost != nil && !b.Above.LessThan(*b.AtMost)) {
			continue // none, or impossible and reported as such
		}
		kinds := make([]string, len(b.Incidents))
		for k, kind := range b.Incidents {
			kinds[k] = string(kind)
		}
		slices.Sort(kinds)
		x := bracketRule{i, string(r.Period) + "/" + strings.Join(slices.Compact(kinds), ","), b.Above, b.AtMost}
		for _, y := range seen {
			// (a1, b1] and (a2, b2] overlap when each starts below the
			// other's end; no at_most is no end.
			if y.key == x.key && (x.atMost == nil || y.above.LessThan(*x.atMost)) && (y.atMost == nil || x.above.LessThan(*y.atMost)) {
				c.ve.Add(fmt.Sprintf("rules[%d].when.amount", i), CodeOverlap,
					fmt.Sprintf("overlaps the bracket of rules[%d] (%s) for the same incidents: one amount would be punished by both", y.i, rules[y.i].ID))
				break
			}
		}
		seen = append(seen, x)
	}
}

// checkRuleBody: exactly one of then and ladder, the condition, the award.
func (c *checker) checkRuleBody(at string, r Rule) {
	switch {
	case r.Then != nil && r.Ladder != "":
		c.ve.Add(at, org.CodeInvalid, "set either then (actions) or ladder (progressive discipline), not both")
	case r.Then == nil && r.Ladder == "":
		c.ve.Add(at, org.CodeRequired, "set then (the actions to propose) or ladder (the id of a ladder)")
	}
	if r.Ladder != "" && c.ladders != nil {
		if _, ok := c.ladders[r.Ladder]; !ok {
			c.ve.Add(at+".ladder", org.CodeNotFound, "is not the id of a ladder of the policy; the ladders are "+c.ladderList())
		}
	}
	if r.Then != nil {
		if len(r.Then) == 0 {
			c.ve.Add(at+".then", org.CodeRequired, "at least one action is required")
		}
		c.checkActions(at+".then", r.Then)
		if r.When.IsZero() {
			c.ve.Add(at+".when", org.CodeRequired, "is required: the condition on which the rule proposes its actions")
		}
	}
	if !r.When.IsZero() {
		c.checkCondition(at+".when", r.When, 1)
	}
	if a := r.Award; a != nil {
		c.checkAward(at, a, r.Ladder != "")
	}
}

func (c *checker) ladderList() string {
	if len(c.ladders) == 0 {
		return "none"
	}
	ids := slices.Collect(maps.Keys(c.ladders))
	slices.SortFunc(ids, func(a, b string) int { return c.ladders[a] - c.ladders[b] }) // in the policy's order
	return strings.Join(trimList(ids), ", ")
}

// trimList keeps a message to a few names.
func trimList(names []string) []string {
	if len(names) > maxListedProblems {
		return append(names[:maxListedProblems:maxListedProblems], "...")
	}
	return names
}

func (c *checker) checkAward(at string, a *Award, ladder bool) {
	at += ".award"
	if ladder {
		c.ve.Add(at, org.CodeInvalid, "a ladder rule proposes for every offence; an award goes with then")
	}
	if a.Winners < 1 || a.Winners > maxCount {
		c.ve.Add(at+".winners", org.CodeRange, fmt.Sprintf("must be between 1 and %d", maxCount))
	}
	if len(a.TieBreak) == 0 {
		// Without keys the employee ID would choose among everyone who
		// meets the condition: the policy states how it chooses (R1.3).
		c.ve.Add(at+".tie_break", org.CodeRequired,
			"an award states how it chooses among those meeting its condition, e.g. {fact: appraisal.score, order: desc}; the employee ID only settles what every key leaves tied")
	}
	for i, k := range a.TieBreak {
		kat := fmt.Sprintf("%s.tie_break[%d]", at, i)
		c.checkNumberFact(kat+".fact", k.Fact)
		switch k.Order {
		case Ascending, Descending:
		case "":
			c.ve.Add(kat+".order", org.CodeRequired, "is required: asc (lowest first) or desc (highest first)")
		default:
			c.ve.Add(kat+".order", org.CodeUnknown, "must be asc or desc")
		}
	}
}

// checkNumberFact: a known fact of type decimal or integer.
func (c *checker) checkNumberFact(at, name string) {
	r, ok := resolveFact(name)
	switch {
	case name == "":
		c.ve.Add(at, org.CodeRequired, "is required: the name of a decimal or integer fact")
	case !ok:
		c.ve.Add(at, org.CodeUnknown, unknownFact(name))
	case r.typ != TypeDecimal && r.typ != TypeInteger:
		c.ve.Add(at, CodeType, fmt.Sprintf("%s is %s fact; sorting takes a decimal or integer one", name, r.typ.article()))
	}
}

func unknownFact(name string) string {
	return fmt.Sprintf("%q is not a fact; the facts are appraisal.score, appraisal.grade, appraisal.rank, appraisal.ranked, "+
		"appraisal.passed, appraisal.failed, appraisal.excellent, appraisal.consecutive_fails, training.<outcome>, "+
		"incidents.<kind>, incidents.<kind>.amount and nominations", name)
}

func (c *checker) checkText(at string, t Text, required bool) {
	if !required && t.IsZero() {
		return
	}
	if strings.TrimSpace(t.EN) == "" {
		c.ve.Add(at+".en", org.CodeRequired, "is required: the text in English")
	}
	if strings.TrimSpace(t.ZH) == "" {
		c.ve.Add(at+".zh", org.CodeRequired, "is required: the text in Traditional Chinese")
	}
}

func (c *checker) checkLadders(ls []Ladder) {
	for i, l := range ls {
		at := fmt.Sprintf("ladders[%d]", i)
		first, dup := c.ladders[l.ID]
		switch {
		case l.ID == "":
			c.ve.Add(at+".id", org.CodeRequired, "is required: rules name the ladder by its id")
		case tooLongID(c.ve, at+".id", l.ID): // reported
		case !identRe.MatchString(l.ID):
			c.ve.Add(at+".id", org.CodeFormat, "must be letters, digits and . _ : - only, starting with a letter or digit")
		case dup:
			c.ve.Add(at+".id", org.CodeDuplicate, fmt.Sprintf("%q is already the id of ladders[%d]", l.ID, first))
		default:
			c.ladders[l.ID] = i
		}
		c.checkKinds(at+".incidents", l.Incidents)
		c.checkDays(at+".within_days", l.WithinDays)
		steps := l.Steps
		if len(steps) == 0 {
			c.ve.Add(at+".steps", org.CodeRequired, "at least one step is required: the actions for the first offence")
		}
		if config.TooMany(c.ve, at+".steps", len(steps), MaxPolicyLadders, "policy.MaxPolicyLadders") {
			steps = nil
		}
		for j, step := range steps {
			sat := fmt.Sprintf("%s.steps[%d]", at, j)
			if len(step) == 0 {
				c.ve.Add(sat, org.CodeRequired, "at least one action is required")
			}
			c.checkActions(sat, step)
		}
	}
}

func (c *checker) checkDays(at string, days int) {
	if days < 1 || days > maxWithinDays {
		c.ve.Add(at, org.CodeRange, fmt.Sprintf("must be between 1 and %d days", maxWithinDays))
	}
}

// checkKinds: at least one known incident kind, each once.
func (c *checker) checkKinds(at string, kinds []IncidentKind) {
	if len(kinds) == 0 {
		c.ve.Add(at, org.CodeRequired, "at least one incident kind is required: "+kindList())
		return
	}
	seen := map[IncidentKind]int{}
	for i, k := range kinds {
		kat := fmt.Sprintf("%s[%d]", at, i)
		first, dup := seen[k]
		switch {
		case !k.Valid():
			c.ve.Add(kat, org.CodeUnknown, "must be one of "+kindList())
		case dup:
			c.ve.Add(kat, org.CodeDuplicate, fmt.Sprintf("%s is already %s[%d]", k, at, first))
		default:
			seen[k] = i
		}
	}
}

func kindList() string {
	names := make([]string, len(incidentKinds))
	for i, k := range incidentKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func actionList() string {
	names := make([]string, len(actionKinds))
	for i, k := range actionKinds {
		names[i] = string(k.kind)
	}
	return strings.Join(names, ", ")
}

func (c *checker) checkActions(at string, as []Action) {
	for i, a := range as {
		aat := fmt.Sprintf("%s[%d]", at, i)
		switch {
		case a.Kind == "":
			c.ve.Add(aat+".kind", org.CodeRequired, "is required: "+actionList())
		case !a.Kind.Valid():
			c.ve.Add(aat+".kind", org.CodeUnknown, "must be one of "+actionList())
		}
		switch rule := a.Kind.amount(); {
		case !a.Kind.Valid():
		case rule == amountRequired && !a.Amount.IsPositive():
			c.ve.Add(aat+".amount", org.CodeRequired, fmt.Sprintf("an action of kind %s needs an amount above zero", a.Kind))
		case rule == amountOptional && a.Amount.IsNegative():
			c.ve.Add(aat+".amount", org.CodeRange, "must not be negative")
		case rule == amountNone && !a.Amount.IsZero():
			c.ve.Add(aat+".amount", org.CodeInvalid, fmt.Sprintf("an action of kind %s takes no amount", a.Kind))
		default:
			c.checkMoney(aat+".amount", a.Amount)
		}
		switch {
		case a.Kind == CompensationAction && a.Compensation == nil:
			c.ve.Add(aat+".compensation", org.CodeRequired, "a compensation needs its table: of (the incident kinds of the loss) and brackets")
		case a.Kind != CompensationAction && a.Compensation != nil && a.Kind.Valid():
			c.ve.Add(aat+".compensation", org.CodeInvalid, "only an action of kind compensation has a compensation table")
		}
		if a.Compensation != nil {
			c.checkCompensation(aat+".compensation", a.Compensation)
		}
		c.checkText(aat+".note", a.Note, false)
	}
}

// checkMoney: an amount with at most the policy's places.
func (c *checker) checkMoney(at string, d decimal.Decimal) {
	if msg := digits(d); msg != "" {
		c.ve.Add(at, org.CodeRange, msg)
		return
	}
	if !d.Truncate(c.places).Equal(d) {
		c.ve.Add(at, org.CodeRange, fmt.Sprintf("has more decimal places than the policy's places (%d)", c.places))
	}
}

// checkCompensation: brackets from 0, each where the last ended, the
// last open.
func (c *checker) checkCompensation(at string, comp *Compensation) {
	c.checkKinds(at+".of", comp.Of)
	if len(comp.Brackets) == 0 {
		c.ve.Add(at+".brackets", org.CodeRequired, "at least one bracket is required: {above: 0, percent: 100} compensates every loss in full")
		return
	}
	var end *decimal.Decimal // where the last bracket ended
	for i, b := range comp.Brackets {
		bat := fmt.Sprintf("%s.brackets[%d]", at, i)
		c.checkMoney(bat+".above", b.Above)
		switch {
		case i == 0 && !b.Above.IsZero():
			c.ve.Add(bat+".above", CodeGap, fmt.Sprintf("the first bracket starts above 0, so a loss of at most %s has no bracket", b.Above))
		case i > 0 && end == nil:
			c.ve.Add(bat, CodeOverlap, fmt.Sprintf("%s.brackets[%d] has no at_most, so it covers every loss above its own; this bracket overlaps it", at, i-1))
		case i > 0 && b.Above.GreaterThan(*end):
			c.ve.Add(bat+".above", CodeGap, fmt.Sprintf("a loss above %s and at most %s has no bracket: start at %s", *end, b.Above, *end))
		case i > 0 && b.Above.LessThan(*end):
			c.ve.Add(bat+".above", CodeOverlap, fmt.Sprintf("a loss above %s and at most %s is in brackets[%d] too: start at %s", b.Above, *end, i-1, *end))
		}
		if b.AtMost != nil {
			switch {
			case b.AtMost.Cmp(b.Above) <= 0:
				c.ve.Add(bat+".at_most", org.CodeRange, fmt.Sprintf("must be above above (%s): the bracket is (above, at_most]", b.Above))
			case i == len(comp.Brackets)-1:
				// The last bracket is open, so that every loss has one.
				c.ve.Add(bat+".at_most", CodeGap, fmt.Sprintf("a loss above %s has no bracket: leave at_most out of the last bracket", *b.AtMost))
			default:
				c.checkMoney(bat+".at_most", *b.AtMost)
			}
		}
		switch pct, amt := !b.Percent.IsZero(), !b.Amount.IsZero(); {
		case pct && amt:
			c.ve.Add(bat, org.CodeInvalid, "set either percent (of the loss) or amount (fixed), not both")
		case pct:
			if !b.Percent.IsPositive() || b.Percent.GreaterThan(hundred) {
				c.ve.Add(bat+".percent", org.CodeRange, "must be above 0 and at most 100")
			} else if !b.Percent.Truncate(maxPercentPlaces).Equal(b.Percent) {
				c.ve.Add(bat+".percent", org.CodeRange, fmt.Sprintf("must have at most %d decimal places", maxPercentPlaces))
			}
		case amt:
			if b.Amount.IsNegative() {
				c.ve.Add(bat+".amount", org.CodeRange, "must not be negative")
			} else {
				c.checkMoney(bat+".amount", b.Amount)
			}
		}
		end = b.AtMost
	}
}

// checkCondition: exactly one field, each test type-checked.
func (c *checker) checkCondition(at string, cond Condition, depth int) {
	if depth > maxDepth {
		c.ve.Add(at, org.CodeRange, fmt.Sprintf("conditions are nested more than %d deep", maxDepth))
		return
	}
	var set []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"all", cond.All != nil}, {"any", cond.Any != nil}, {"not", cond.Not != nil}, {"fact", cond.Fact != nil},
		{"count", cond.Count != nil}, {"consecutive", cond.Consecutive != nil}, {"rank", cond.Rank != nil},
		{"amount", cond.Amount != nil},
	} {
		if f.set {
			set = append(set, f.name)
		}
	}
	switch len(set) {
	case 0:
		c.ve.Add(at, org.CodeRequired, "a condition sets one of all, any, not, fact, count, consecutive, rank, amount")
		return
	case 1:
	default:
		c.ve.Add(at, org.CodeInvalid, "a condition sets exactly one of all, any, not, fact, count, consecutive, rank, amount, not "+
			strings.Join(set, " and ")+": combine them with all or any")
		return
	}
	switch {
	case cond.All != nil:
		c.checkList(at+".all", cond.All, depth)
	case cond.Any != nil:
		c.checkList(at+".any", cond.Any, depth)
	case cond.Not != nil:
		c.checkCondition(at+".not", *cond.Not, depth+1)
	case cond.Fact != nil:
		c.checkCompare(at+".fact", *cond.Fact)
	case cond.Count != nil:
		n := cond.Count
		c.checkKinds(at+".count.incidents", n.Incidents)
		c.checkDays(at+".count.within_days", n.WithinDays)
		if n.AtLeast < 1 || n.AtLeast > maxCount {
			c.ve.Add(at+".count.at_least", org.CodeRange, fmt.Sprintf("must be between 1 and %d", maxCount))
		}
	case cond.Consecutive != nil:
		n := cond.Consecutive
		r, ok := resolveFact(n.Fact)
		switch {
		case n.Fact == "":
			c.ve.Add(at+".consecutive.fact", org.CodeRequired, "is required: appraisal.failed")
		case !ok:
			c.ve.Add(at+".consecutive.fact", org.CodeUnknown, unknownFact(n.Fact))
		case r.base != fFailed:
			c.ve.Add(at+".consecutive.fact", org.CodeInvalid, n.Fact+" has no history of periods; consecutive counts appraisal.failed")
		}
		if n.Periods < 1 || n.Periods > maxCount {
			c.ve.Add(at+".consecutive.periods", org.CodeRange, fmt.Sprintf("must be between 1 and %d", maxCount))
		}
	case cond.Rank != nil:
		n := cond.Rank
		if n.Top < 1 || n.Top > maxCount {
			c.ve.Add(at+".rank.top", org.CodeRange, fmt.Sprintf("must be between 1 and %d (1 is the best)", maxCount))
		}
		if n.MinScore != nil && (n.MinScore.IsNegative() || n.MinScore.GreaterThan(hundred)) {
			c.ve.Add(at+".rank.min_score", org.CodeRange, "must be between 0 and 100")
		}
	case cond.Amount != nil:
		n := cond.Amount
		c.checkKinds(at+".amount.incidents", n.Incidents)
		if n.Above.IsNegative() {
			c.ve.Add(at+".amount.above", org.CodeRange, "must not be negative")
		} else {
			c.checkMoney(at+".amount.above", n.Above)
		}
		if n.AtMost != nil {
			if n.AtMost.Cmp(n.Above) <= 0 {
				c.ve.Add(at+".amount.at_most", org.CodeRange, fmt.Sprintf("must be above above (%s): the bracket is (above, at_most]", n.Above))
			} else {
				c.checkMoney(at+".amount.at_most", *n.AtMost)
			}
		}
	}
}

func (c *checker) checkList(at string, cs []Condition, depth int) {
	if len(cs) == 0 {
		c.ve.Add(at, org.CodeRequired, "at least one condition is required")
	}
	for i, sub := range cs {
		c.checkCondition(fmt.Sprintf("%s[%d]", at, i), sub, depth+1)
	}
}

// checkCompare: a known fact, an op of its type, a value of its type.
func (c *checker) checkCompare(at string, f Compare) {
	r, ok := resolveFact(f.Name)
	switch {
	case f.Name == "":
		c.ve.Add(at+".name", org.CodeRequired, "is required: the name of a fact, such as appraisal.score")
		return
	case !ok:
		c.ve.Add(at+".name", org.CodeUnknown, unknownFact(f.Name))
		return
	}
	if r.typ == TypeBool && f.Op == "" && f.Value == "" {
		return // {name: appraisal.failed}: the fact is true
	}
	switch {
	case f.Op == "":
		c.ve.Add(at+".op", org.CodeRequired, "is required: one of == != < <= > >= (quote it in YAML: \">=\")")
	case !validOp(f.Op):
		c.ve.Add(at+".op", org.CodeUnknown, "must be one of == != < <= > >= (quote it in YAML: \">=\")")
	case (r.typ == TypeBool || r.typ == TypeText) && f.Op != Eq && f.Op != Ne:
		c.ve.Add(at+".op", CodeType, fmt.Sprintf("%s is %s fact: compare it with == or !=", f.Name, r.typ.article()))
	}
	if f.Value == "" {
		c.ve.Add(at+".value", org.CodeRequired, fmt.Sprintf("is required: %s value to compare %s with", r.typ.article(), f.Name))
		return
	}
	if _, err := parseValue(r.typ, f.Value); err != "" {
		c.ve.Add(at+".value", CodeType, fmt.Sprintf("%s is %s fact: the value must be %s, not %q", f.Name, r.typ.article(), err, string(f.Value)))
	}
}

// article writes the type with its article: "a decimal", "an integer".
func (t FactType) article() string {
	if t == TypeInteger {
		return "an " + string(t)
	}
	return "a " + string(t)
}

func validOp(op Op) bool {
	switch op {
	case Eq, Ne, Lt, Le, Gt, Ge:
		return true
	}
	return false
}

// operand is a value parsed for its fact's type.
type operand struct {
	d decimal.Decimal
	i int64
	b bool
	s string
}

// parseValue parses v as typ; on failure it returns what v must be.
func parseValue(typ FactType, v Value) (operand, string) {
	s := string(v)
	switch typ {
	case TypeDecimal:
		d, err := decimal.NewFromString(s)
		if err != nil || len(s) > 100 || digits(d) != "" {
			return operand{}, fmt.Sprintf("a decimal number such as 90 or 92.5 (at most %d digits before and after the point)", maxDigits)
		}
		return operand{d: d}, ""
	case TypeInteger:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || i < -1e12 || i > 1e12 {
			return operand{}, "a whole number such as 3"
		}
		return operand{i: i}, ""
	case TypeBool:
		switch s {
		case "true":
			return operand{b: true}, ""
		case "false":
			return operand{}, ""
		}
		return operand{}, "true or false"
	}
	return operand{s: s}, ""
}

// tooLongID reports an id of more than MaxPolicyIDLength characters.
func tooLongID(ve *org.ValidationError, path, id string) bool {
	return config.TooLong(ve, path, id, MaxPolicyIDLength, "policy.MaxPolicyIDLength")
}
