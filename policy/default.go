package policy

import (
	_ "embed"
	"slices"
)

// defaultFile is the default policy as a file: the source of truth of
// Default.
//
//go:embed default.yaml
var defaultFile []byte

// DefaultFile is the default policy's file (YAML), to print, copy and
// change: see [Default].
func DefaultFile() []byte { return slices.Clone(defaultFile) }

// Default is the shipped policy, R6.4 and R7 as written, in currency
// (amounts in whole units, sized for TWD):
//
//   - R7.1: the monthly excellent advisor (rank 1 with a score of at least
//     90; ties to fewer complaints, then more nominations, then the
//     employee ID) gets a certificate and a bonus of 3,000; the annual one
//     (rank 1 of the year) a certificate, 20,000 and promotion
//     eligibility; a nomination for a special contribution earns 5,000, a
//     training opportunity and a trip;
//   - R6.4: an excellent appraisal is commended; a failed one leads to an
//     interview and an improvement plan; two in a row make the contract
//     terminable (severe); a failed course is retaken, a failed retake
//     retrained (R5.4);
//   - R7.2a: late, left early and absent within 30 days: warning, warning,
//     fine 500, then fine 1,000 for every further offence;
//   - R7.2b: bad attitude, a quarrel with a customer, harm to the image
//     within a year: demerit, then demotion (severe);
//   - R7.2c: a complaint without a loss is a warning; a loss is compensated
//     by bracket (10% up to 10,000, 20% up to 50,000, 30% above), with a
//     warning up to 10,000, a demerit up to 50,000, demotion up to
//     200,000 and dismissal above (severe);
//   - R7.2d: a leak of secrets or customer information: dismissal and
//     legal action (severe).
//
// The bonus that follows the appraisal score (R6.4) is the appraisal's:
// its plan's bonus table computes it, so no rule here pays it again.
//
// Default loads [DefaultFile] through [Load], as any policy file, and sets
// the currency; call Validate for a currency given by someone else. Each
// call returns a new policy, free to change.
func Default(currency string) *Policy {
	p, err := Load("default.yaml", defaultFile)
	if err != nil {
		panic("policy: the shipped default.yaml does not load: " + err.Error())
	}
	p.Currency = currency
	return p
}
