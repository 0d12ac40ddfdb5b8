package policytest_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/policy/policytest"
)

// threeRules has three rules: one each case fires, one a case expects
// and does not get, one only excluded.
func threeRules(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := policy.Load("three.yaml", []byte(`
id: three
version: 2
currency: TWD
places: 0
rules:
  - id: late
    title: {en: Late, zh: 遲到}
    period: month
    when: {fact: {name: incidents.late, op: ">=", value: 1}}
    then: [{kind: warning}]
  - id: absent
    title: {en: Absent, zh: 曠工}
    period: month
    when: {fact: {name: incidents.absent, op: ">=", value: 1}}
    then: [{kind: warning}]
  - id: leak
    title: {en: Leak, zh: 洩密}
    period: month
    when: {fact: {name: incidents.confidentiality_breach, op: ">=", value: 1}}
    then: [{kind: dismissal}]
`))
	require.NoError(t, err)
	return p
}

func TestCoverage(t *testing.T) {
	t.Parallel()
	p := threeRules(t)
	suite := &policytest.Suite{Name: "three.tests.yaml", Cases: []policytest.Case{{
		Name: "late", Period: policy.MonthPeriod(org.Month{Year: 2026, Month: time.November}),
		Facts: []policy.Facts{{Employee: "chen", Incidents: []policy.Incident{{ID: "l1", Kind: policy.Late, At: nov(3, 9)}}}},
		Expect: policytest.Expect{
			Includes: []policytest.Expected{{Employee: "chen", Rule: "absent"}}, // fails, but exercises absent
			Excludes: []policytest.Expected{{Rule: "leak"}},
		},
	}}}
	r := suite.Run(p, policytest.Options{})
	assert.False(t, r.Passed())
	c := r.Coverage
	assert.Equal(t, []policytest.RuleCoverage{
		{Rule: "late", Period: policy.Monthly, Fired: 1},
		{Rule: "absent", Period: policy.Monthly, Expected: 1},
		{Rule: "leak", Period: policy.Monthly, Excluded: 1},
	}, c.Rules)
	assert.Equal(t, 2, c.Covered)
	assert.Equal(t, 3, c.Total)
	assert.Equal(t, []string{"leak"}, c.Uncovered, "a rule only excluded is not covered")
	assert.Equal(t, "66.6", c.Percent.String(), "truncated, never rounded up")
	assert.Equal(t, "66.6% of 3 rules (uncovered: leak)", c.String())

	for pct, want := range map[string]bool{"0": true, "66.6": true, "66.666666": true, "66.67": false, "67": false, "100": false} {
		assert.Equal(t, want, c.AtLeast(decimal.RequireFromString(pct)), pct)
	}

	rec := &tb{TB: t}
	assert.False(t, policytest.AssertCoverage(rec, c, 90))
	assert.Equal(t, []string{"policytest: rule coverage 66.6% (2 of 3 rules) is below 90%; no case exercised leak"}, rec.errors)
	rec = &tb{TB: t}
	assert.True(t, policytest.AssertCoverage(rec, c, 60))
	assert.Empty(t, rec.errors)

	full := policytest.Coverage{Covered: 0, Total: 0}
	assert.True(t, full.AtLeast(decimal.NewFromInt(100)), "nothing to cover")
}
