package policy

import (
	"strings"
)

// FactType is the type of a fact, which decides the values and
// comparisons a condition may use with it.
type FactType string

// Fact types.
const (
	TypeDecimal FactType = "decimal" // a decimal number: 92.5
	TypeInteger FactType = "integer" // a whole number: 3
	TypeBool    FactType = "bool"    // true or false
	TypeText    FactType = "text"    // text, compared exactly: B
)

// FactInfo describes a fact a condition may name.
type FactInfo struct {
	Name string   `json:"name"`
	Type FactType `json:"type"`
	// History is set for a yes/no fact that [Consecutive] can count.
	History bool `json:"history,omitempty"`
}

// factBase is where a fact's value comes from.
type factBase int

const (
	fScore factBase = iota
	fGrade
	fRank
	fRanked
	fPassed
	fFailed
	fExcellent
	fConsecutiveFails
	fTraining       // the count of results of one outcome
	fIncidents      // the count of incidents of one kind inside the period
	fIncidentAmount // their total amount
	fNominations
)

// factRef is a fact resolved: its source and, for training and incident
// facts, the index of the outcome or kind.
type factRef struct {
	base factBase
	idx  int
	typ  FactType
}

// appraisalFacts are the facts of the appraisal, in the order KnownFacts
// lists them.
var appraisalFacts = [...]struct {
	name string
	ref  factRef
}{
	{"appraisal.score", factRef{fScore, 0, TypeDecimal}},
	{"appraisal.grade", factRef{fGrade, 0, TypeText}},
	{"appraisal.rank", factRef{fRank, 0, TypeInteger}},
	{"appraisal.ranked", factRef{fRanked, 0, TypeInteger}},
	{"appraisal.passed", factRef{fPassed, 0, TypeBool}},
	{"appraisal.failed", factRef{fFailed, 0, TypeBool}},
	{"appraisal.excellent", factRef{fExcellent, 0, TypeBool}},
	{"appraisal.consecutive_fails", factRef{fConsecutiveFails, 0, TypeInteger}},
}

// KnownFacts lists every fact a condition may name, with its type:
//
//	appraisal.score              decimal  the score, 0 to 100
//	appraisal.grade              text     the grade's code
//	appraisal.rank               integer  1 for the best; 0 when not ranked
//	appraisal.ranked             integer  how many were ranked
//	appraisal.passed             bool     the grade passes
//	appraisal.failed             bool     the grade fails (history: consecutive fails)
//	appraisal.excellent          bool     the grade is excellent
//	appraisal.consecutive_fails  integer  failing periods in a row, this one included
//	training.<outcome>           integer  results with the outcome: excellent, passed,
//	                                      failed, retake_failed, retraining
//	incidents.<kind>             integer  incidents of the kind inside the period
//	incidents.<kind>.amount      decimal  their total amount
//	nominations                  integer  nominations for a special contribution
//
// The appraisal facts are unknown for an employee without an appraisal;
// the others are 0 when there is nothing to count.
func KnownFacts() []FactInfo {
	var out []FactInfo
	for _, f := range appraisalFacts {
		out = append(out, FactInfo{Name: f.name, Type: f.ref.typ, History: f.ref.base == fFailed})
	}
	for _, o := range outcomes {
		out = append(out, FactInfo{Name: "training." + string(o), Type: TypeInteger})
	}
	for _, k := range incidentKinds {
		out = append(out, FactInfo{Name: "incidents." + string(k), Type: TypeInteger},
			FactInfo{Name: "incidents." + string(k) + ".amount", Type: TypeDecimal})
	}
	return append(out, FactInfo{Name: "nominations", Type: TypeInteger})
}

// LookupFact finds a fact by its name.
func LookupFact(name string) (FactInfo, bool) {
	r, ok := resolveFact(name)
	if !ok {
		return FactInfo{}, false
	}
	return FactInfo{Name: name, Type: r.typ, History: r.base == fFailed}, true
}

// resolveFact resolves a fact name.
func resolveFact(name string) (factRef, bool) {
	for _, f := range appraisalFacts {
		if f.name == name {
			return f.ref, true
		}
	}
	if name == "nominations" {
		return factRef{fNominations, 0, TypeInteger}, true
	}
	if o, ok := strings.CutPrefix(name, "training."); ok {
		for i, c := range outcomes {
			if string(c) == o {
				return factRef{fTraining, i, TypeInteger}, true
			}
		}
		return factRef{}, false
	}
	rest, ok := strings.CutPrefix(name, "incidents.")
	if !ok {
		return factRef{}, false
	}
	kind, amount := strings.CutSuffix(rest, ".amount")
	i := incidentIndex(IncidentKind(kind))
	switch {
	case i < 0:
		return factRef{}, false
	case amount:
		return factRef{fIncidentAmount, i, TypeDecimal}, true
	}
	return factRef{fIncidents, i, TypeInteger}, true
}

// appraisal reports whether the fact is the appraisal's, unknown without
// one.
func (r factRef) appraisal() bool { return r.base <= fConsecutiveFails }

// name writes the fact's name back.
func (r factRef) name() string {
	switch r.base {
	case fTraining:
		return "training." + string(outcomes[r.idx])
	case fIncidents:
		return "incidents." + string(incidentKinds[r.idx])
	case fIncidentAmount:
		return "incidents." + string(incidentKinds[r.idx]) + ".amount"
	case fNominations:
		return "nominations"
	}
	for _, f := range appraisalFacts {
		if f.ref.base == r.base {
			return f.name
		}
	}
	return ""
}
