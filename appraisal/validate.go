package appraisal

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/internal/config"
	"github.com/servicelane/servicelane/org"
)

// planMaxPlaces is the most decimal places of scores and bonus amounts.
const planMaxPlaces = 4

// maxListedWeights is the most KPI weights the message about their sum
// lists.
const maxListedWeights = 50

// Validate reports every problem of the plan at once: nil, or a
// *org.ValidationError (Op "appraisal: plan") that names each bad field by
// its JSON path ("kpis[1].sources[0].scale.max", "grades[2].min",
// "bonus.by_grade.good") with a code of org (CodeRequired, CodeFormat,
// CodeUnknown, CodeRange, CodeInvalid, CodeDuplicate). [Score] assumes a
// valid plan; [LoadPlan] validates on load.
//
// A valid plan has:
//
//   - a version, which every result records;
//   - at least one KPI, each with a unique code of letters, digits and
//     . _ : - (ratings name it), a weight above zero, and at least one
//     source; the KPI weights sum to exactly 100, or "kpis" is invalid
//     with a message that lists each KPI's weight (up to 50) and the sum;
//   - sources that [Sources] knows, each with a weight above zero. A rating
//     source (self, supervisor, customer, peer) has a scale whose max is
//     above its min, and no metric or curve; a KPI takes each rating
//     source once. A measured source names a metric that [Metrics] knows,
//     at most once per KPI, has no scale, and has a curve: either bands
//     (at least one, points 0 to 100, no two starting at the same from) or
//     a floor and a target that differ, not both;
//   - missing set to renormalize or incomplete. It is required, not
//     defaulted: whether a missing input drops a source or the whole KPI
//     changes scores, so a plan says which it does;
//   - min_peers not negative (0 means 3), places 0 to 4 (0 means 2);
//   - grades: at least one; codes present and unique; mins 0 to 100, no two
//     alike, one of them 0, so every score has a grade; at least one
//     failing grade (pass: false) and one passing, every failing grade
//     below every passing one; an excellent grade passes;
//   - a bonus by_grade or linear, exactly one of them. By grade: every key
//     a grade code, every grade listed (0 for no bonus; a grade left out
//     would silently earn nothing), shares not negative. Linear: scores 0
//     to 100, from.score below to.score, shares not negative. The cap is
//     not negative (0: no cap), places 0 to 4;
//   - at most MaxPlanKPIs KPIs and MaxPlanGrades grades (a list beyond its
//     bound is one problem, code CodeTooLong, and its items are not
//     checked), and a version, KPI codes and grade codes of at most
//     MaxPlanKeyLength characters.
//
// Decimals are checked in plain Go with decimal comparisons: validator tags
// panic on decimal.Decimal.
func (p *Plan) Validate() error {
	ve := &org.ValidationError{Op: "appraisal: plan"}
	if p == nil {
		ve.Add("", org.CodeRequired, "no plan")
		return ve
	}
	if strings.TrimSpace(p.Version) == "" {
		ve.Add("version", org.CodeRequired, "is required: every result records the version of the plan that scored it")
	} else {
		tooLongKey(ve, "version", p.Version)
	}
	if !config.TooMany(ve, "kpis", len(p.KPIs), MaxPlanKPIs, "appraisal.MaxPlanKPIs") {
		checkPlanKPIs(p.KPIs, ve)
	}
	switch p.Missing {
	case Renormalize, Incomplete:
	case "":
		ve.Add("missing", org.CodeRequired,
			"is required: renormalize (a missing source's weight is shared among the others) or incomplete (the KPI is left out)")
	default:
		ve.Add("missing", org.CodeUnknown, "must be one of renormalize, incomplete")
	}
	if p.MinPeers < 0 {
		ve.Add("min_peers", org.CodeRange, "must not be negative (0 means 3)")
	}
	if p.Places < 0 || p.Places > planMaxPlaces {
		ve.Add("places", org.CodeRange, fmt.Sprintf("must be between 0 and %d decimal places (0 means 2)", planMaxPlaces))
	}
	if !config.TooMany(ve, "grades", len(p.Grades), MaxPlanGrades, "appraisal.MaxPlanGrades") {
		checkPlanGrades(p.Grades, ve)
	}
	checkPlanBonus(p.Bonus, p.Grades, ve)
	return ve.Err()
}

// checkPlanKPIs: codes, weights summing to 100, sources.
func checkPlanKPIs(kpis []KPI, ve *org.ValidationError) {
	if len(kpis) == 0 {
		ve.Add("kpis", org.CodeRequired, "at least one KPI is required")
		return
	}
	codes := map[string]int{}
	sum := decimal.Zero
	terms := make([]string, len(kpis))
	for i, k := range kpis {
		at := fmt.Sprintf("kpis[%d]", i)
		first, dup := codes[k.Code]
		switch {
		case k.Code == "":
			ve.Add(at+".code", org.CodeRequired, "is required: ratings name the KPI by its code")
		case !isPlanIdent(k.Code):
			ve.Add(at+".code", org.CodeFormat, "must be letters, digits and . _ : - only, starting with a letter or digit")
		case tooLongKey(ve, at+".code", k.Code): // reported
		case dup:
			ve.Add(at+".code", org.CodeDuplicate, fmt.Sprintf("%q is already the code of kpis[%d]", k.Code, first))
		default:
			codes[k.Code] = i
		}
		if !k.Weight.IsPositive() {
			ve.Add(at+".weight", org.CodeRange, "must be above zero")
		}
		sum = sum.Add(k.Weight)
		label := k.Code
		if label == "" {
			label = at
		}
		terms[i] = label + " " + k.Weight.String()
		checkPlanSources(at, k.Sources, ve)
	}
	if !sum.Equal(hundred) {
		if len(terms) > maxListedWeights { // a message lists a plan's KPIs, not thousands
			terms = append(terms[:maxListedWeights:maxListedWeights], fmt.Sprintf("%d more", len(terms)-maxListedWeights))
		}
		ve.Add("kpis", org.CodeInvalid, fmt.Sprintf("the KPI weights must sum to 100, not %s: %s = %s",
			sum, strings.Join(terms, " + "), sum))
	}
}

// checkPlanSources: a KPI's sources, each rating source once and each
// metric once.
func checkPlanSources(at string, ss []SourceWeight, ve *org.ValidationError) {
	if len(ss) == 0 {
		ve.Add(at+".sources", org.CodeRequired, "at least one source is required: "+planSourceList())
		return
	}
	rated := map[Source]int{}
	measured := map[Metric]int{}
	for j, s := range ss {
		sat := fmt.Sprintf("%s.sources[%d]", at, j)
		switch {
		case s.Source == "":
			ve.Add(sat+".source", org.CodeRequired, "is required: "+planSourceList())
		case s.Source == SourceMeasured:
			checkPlanMeasured(at, sat, s, measured, j, ve)
		case slices.Contains(Sources(), s.Source):
			checkPlanRated(at, sat, s, rated, j, ve)
		default:
			ve.Add(sat+".source", org.CodeUnknown, "must be one of "+planSourceList())
		}
		if !s.Weight.IsPositive() {
			ve.Add(sat+".weight", org.CodeRange, "must be above zero")
		}
	}
}

func planSourceList() string {
	names := make([]string, 0, len(Sources()))
	for _, s := range Sources() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

func planMetricList() string {
	names := make([]string, 0, len(Metrics()))
	for _, m := range Metrics() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

// checkPlanRated: a rating source has a scale, no metric and no curve.
func checkPlanRated(at, sat string, s SourceWeight, rated map[Source]int, j int, ve *org.ValidationError) {
	if first, dup := rated[s.Source]; dup {
		ve.Add(sat+".source", org.CodeDuplicate,
			fmt.Sprintf("a KPI takes one %s rating: it is already %s.sources[%d]", s.Source, at, first))
	} else {
		rated[s.Source] = j
	}
	switch {
	case s.Scale.Min.IsZero() && s.Scale.Max.IsZero():
		ve.Add(sat+".scale", org.CodeRequired, "a rating source needs a scale: min and max, such as 1 and 5")
	case s.Scale.Max.Cmp(s.Scale.Min) <= 0:
		ve.Add(sat+".scale.max", org.CodeRange, fmt.Sprintf("must be above scale.min (%s)", s.Scale.Min))
	}
	if s.Metric != "" {
		ve.Add(sat+".metric", org.CodeInvalid, "a rating source has no metric: only a measured source has one")
	}
	if !s.Curve.Floor.IsZero() || !s.Curve.Target.IsZero() || len(s.Curve.Bands) > 0 {
		ve.Add(sat+".curve", org.CodeInvalid, "a rating source has no curve: its scale turns ratings into points")
	}
}

// checkPlanMeasured: a measured source names a metric and has a curve, no
// scale.
func checkPlanMeasured(at, sat string, s SourceWeight, measured map[Metric]int, j int, ve *org.ValidationError) {
	first, dup := measured[s.Metric]
	switch {
	case s.Metric == "":
		ve.Add(sat+".metric", org.CodeRequired, "a measured source names its metric: one of "+planMetricList())
	case !slices.Contains(Metrics(), s.Metric):
		ve.Add(sat+".metric", org.CodeUnknown, "must be one of "+planMetricList())
	case dup:
		ve.Add(sat+".metric", org.CodeDuplicate, fmt.Sprintf("%s is already measured by %s.sources[%d]", s.Metric, at, first))
	default:
		measured[s.Metric] = j
	}
	if !s.Scale.Min.IsZero() || !s.Scale.Max.IsZero() {
		ve.Add(sat+".scale", org.CodeInvalid, "a measured source has no scale: its curve turns the figure into points")
	}
	c := s.Curve
	hasBands, hasLine := c.Bands != nil, !c.Floor.IsZero() || !c.Target.IsZero()
	switch {
	case !hasBands && !hasLine:
		ve.Add(sat+".curve", org.CodeRequired, "a measured source needs a curve: floor and target, or bands")
	case hasBands && hasLine:
		ve.Add(sat+".curve", org.CodeInvalid, "set either bands or floor and target, not both")
	case hasLine && c.Floor.Equal(c.Target):
		ve.Add(sat+".curve.target", org.CodeInvalid,
			fmt.Sprintf("must differ from floor (%s): the curve runs from floor (0 points) to target (100 points)", c.Floor))
	}
	if hasBands {
		checkPlanBands(sat+".curve.bands", c.Bands, ve)
	}
}

// checkPlanBands: at least one band, points 0 to 100, no two from alike.
func checkPlanBands(at string, bands []Band, ve *org.ValidationError) {
	if len(bands) == 0 {
		ve.Add(at, org.CodeRequired, "lists no band: list at least one, or leave bands out and set floor and target")
		return
	}
	froms := make([]decimal.Decimal, len(bands))
	all := make([]int, len(bands))
	for k, b := range bands {
		froms[k], all[k] = b.From, k
	}
	repeats := planRepeats(froms, all)
	for k, b := range bands {
		bat := fmt.Sprintf("%s[%d]", at, k)
		if first, dup := repeats[k]; dup {
			ve.Add(bat+".from", org.CodeDuplicate, fmt.Sprintf("%s[%d] starts at %s too", at, first, b.From))
		}
		if b.Points.IsNegative() || b.Points.GreaterThan(hundred) {
			ve.Add(bat+".points", org.CodeRange, "must be between 0 and 100")
		}
	}
}

// checkPlanGrades: every score from 0 to 100 has a grade, some fail and
// some pass, and failing grades are the lowest.
func checkPlanGrades(gs []Grade, ve *org.ValidationError) {
	if len(gs) == 0 {
		ve.Add("grades", org.CodeRequired, "at least one failing and one passing grade are required")
		return
	}
	codes := map[string]int{}
	mins := make([]decimal.Decimal, len(gs))
	inRange := make([]bool, len(gs))
	var idx []int
	for i, g := range gs {
		mins[i] = g.Min
		if !g.Min.IsNegative() && !g.Min.GreaterThan(hundred) {
			inRange[i], idx = true, append(idx, i)
		}
	}
	repeats := planRepeats(mins, idx)
	zero, passes, fails := false, false, false
	lowestPass := -1 // the passing grade with the lowest min in range
	for i, g := range gs {
		at := fmt.Sprintf("grades[%d]", i)
		first, dup := codes[g.Code]
		switch {
		case strings.TrimSpace(g.Code) == "":
			ve.Add(at+".code", org.CodeRequired, "is required: results and bonus.by_grade name the grade by its code")
		case tooLongKey(ve, at+".code", g.Code): // reported
		case dup:
			ve.Add(at+".code", org.CodeDuplicate, fmt.Sprintf("%q is already the code of grades[%d]", g.Code, first))
		default:
			codes[g.Code] = i
		}
		ok := inRange[i]
		if !ok {
			ve.Add(at+".min", org.CodeRange, "must be between 0 and 100")
		} else if first, dup := repeats[i]; dup {
			ve.Add(at+".min", org.CodeDuplicate, fmt.Sprintf("grades[%d] starts at %s too", first, g.Min))
		}
		zero = zero || g.Min.IsZero()
		passes = passes || g.Pass
		fails = fails || !g.Pass
		if g.Pass && ok && (lowestPass < 0 || g.Min.LessThan(gs[lowestPass].Min)) {
			lowestPass = i
		}
		if g.Excellent && !g.Pass {
			ve.Add(at+".excellent", org.CodeInvalid, "an excellent grade passes: set pass: true")
		}
	}
	if !zero {
		ve.Add("grades", org.CodeInvalid, "no grade starts at 0: every score needs a grade, so the lowest grade's min is 0")
	}
	if !fails {
		ve.Add("grades", org.CodeInvalid, "no failing grade (pass: false): a fail leads to an interview and an improvement plan (R6.4)")
	}
	if !passes {
		ve.Add("grades", org.CodeInvalid, "no passing grade (pass: true)")
	}
	if lowestPass < 0 {
		return
	}
	for i, g := range gs {
		if !g.Pass && inRange[i] && g.Min.GreaterThan(gs[lowestPass].Min) {
			ve.Add(fmt.Sprintf("grades[%d].pass", i), org.CodeInvalid, fmt.Sprintf(
				"a failing grade must start below every passing grade, but grades[%d] (%s) passes from %s",
				lowestPass, gs[lowestPass].Code, gs[lowestPass].Min))
		}
	}
}

// checkPlanBonus: exactly one of by_grade and linear, the cap and places.
func checkPlanBonus(b Bonus, gs []Grade, ve *org.ValidationError) {
	switch byGrade, linear := b.ByGrade != nil, b.Linear != nil; {
	case byGrade && linear:
		ve.Add("bonus", org.CodeInvalid, "set either by_grade or linear, not both")
	case !byGrade && !linear:
		ve.Add("bonus", org.CodeRequired, "set by_grade (a share of the base per grade) or linear (shares between two scores)")
	}
	if b.ByGrade != nil {
		checkPlanByGrade(b.ByGrade, gs, ve)
	}
	if l := b.Linear; l != nil {
		for _, e := range []struct {
			path  string
			point BonusPoint
		}{{"bonus.linear.from", l.From}, {"bonus.linear.to", l.To}} {
			if e.point.Score.IsNegative() || e.point.Score.GreaterThan(hundred) {
				ve.Add(e.path+".score", org.CodeRange, "must be between 0 and 100")
			}
			if e.point.Share.IsNegative() {
				ve.Add(e.path+".share", org.CodeRange, "must not be negative (1 = 100% of the base)")
			}
		}
		if !ve.Has("bonus.linear.to.score") && l.To.Score.Cmp(l.From.Score) <= 0 {
			ve.Add("bonus.linear.to.score", org.CodeRange, fmt.Sprintf("must be above from.score (%s)", l.From.Score))
		}
	}
	if b.Cap.IsNegative() {
		ve.Add("bonus.cap", org.CodeRange, "must not be negative (0: no cap)")
	}
	if b.Places < 0 || b.Places > planMaxPlaces {
		ve.Add("bonus.places", org.CodeRange, fmt.Sprintf("must be between 0 and %d decimal places", planMaxPlaces))
	}
}

// checkPlanByGrade: every key a grade, every grade a key, no negative
// share.
func checkPlanByGrade(shares map[string]decimal.Decimal, gs []Grade, ve *org.ValidationError) {
	if len(shares) == 0 {
		ve.Add("bonus.by_grade", org.CodeRequired, "lists no grade: give every grade its share of the base (0 for no bonus)")
		return
	}
	grades := make([]string, 0, len(gs)) // each code once, in the plan's order
	known := make(map[string]bool, len(gs))
	for _, g := range gs {
		if strings.TrimSpace(g.Code) != "" && !known[g.Code] {
			grades, known[g.Code] = append(grades, g.Code), true
		}
	}
	keys := make([]string, 0, len(shares))
	for k := range shares {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	list := grades
	if len(list) > 12 { // a message names a few, not thousands
		list = append(slices.Clip(list[:12]), "...")
	}
	for _, k := range keys {
		at := "bonus.by_grade." + k
		if !known[k] {
			ve.Add(at, org.CodeUnknown, "is not a grade code; the grades are "+strings.Join(list, ", "))
		}
		if shares[k].IsNegative() {
			ve.Add(at, org.CodeRange, "must not be negative (1 = 100% of the base)")
		}
	}
	var unlisted []string
	for _, g := range grades {
		if _, ok := shares[g]; !ok {
			unlisted = append(unlisted, g)
		}
	}
	if len(unlisted) > 0 {
		ve.Add("bonus.by_grade", org.CodeRequired, fmt.Sprintf(
			"has no share for %s: list every grade, with 0 for no bonus", strings.Join(unlisted, ", ")))
	}
}

// isPlanIdent: letters, digits and . _ : -, starting with a letter or
// digit, as the ident tag of internal/validate.
func isPlanIdent(s string) bool {
	for i := range len(s) {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || !strings.ContainsRune("._:-", rune(c))) {
			return false
		}
	}
	return s != ""
}

// planRepeats maps each index of idx (in increasing order) whose value
// equals that of an earlier one to the first index with that value. Values
// are compared with Cmp, so 1.50 and 1.5 are alike whatever the text.
func planRepeats(vals []decimal.Decimal, idx []int) map[int]int {
	sorted := slices.Clone(idx)
	slices.SortStableFunc(sorted, func(a, b int) int { return vals[a].Cmp(vals[b]) })
	out := map[int]int{}
	first := -1
	for k, i := range sorted {
		if k == 0 || !vals[i].Equal(vals[sorted[k-1]]) {
			first = i
			continue
		}
		out[i] = first
	}
	return out
}

// tooLongKey reports a version or code of more than MaxPlanKeyLength
// characters.
func tooLongKey(ve *org.ValidationError, path, s string) bool {
	return config.TooLong(ve, path, s, MaxPlanKeyLength, "appraisal.MaxPlanKeyLength")
}
