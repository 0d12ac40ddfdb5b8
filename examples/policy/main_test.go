package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/policy/policytest"
)

// The example's policy passes its tests with every rule exercised, as
// go test runs them.
func TestPolicyFile(t *testing.T) {
	t.Parallel()
	r := policytest.Test(t, "policy.yaml", "policy.tests.yaml")
	policytest.AssertCoverage(t, r.Coverage, 100)
}

func TestRun(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run(&out))
	got := out.String()
	for _, line := range []string{
		"policy taipei-east version 3 in TWD: 16 rules, 2 ladders\n",
		"  ok    the second lateness in 60 days is fined 800\n",
		"20 of 20 cases passed, coverage 100% of 16 rules\n",
		"2026-11 in Asia/Taipei: 9 proposals\n",
		"chen monthly_excellent_advisor: certificate, bonus TWD 5000\n",
		"chen special_contribution: bonus TWD 6000, training_opportunity\n",
		"lin attendance #2: fine TWD 800\n",
		"  en: 2nd lateness within 60 days (2026-10-15, 2026-11-03): fine TWD 800 under rule attendance (R7.2a)\n",
		"  zh: 60 天內第 2 次遲到（2026-10-15、2026-11-03）：罰款 TWD 800（規則 attendance，R7.2a）\n",
		"lin attendance #3: fine TWD 1500, demerit\n",
		"lin loss_moderate: compensation TWD 1200, demerit\n",
		"  zh: 本期客戶投訴、經濟損失或工作失職共 TWD 8,000（超過 5,000，不超過 30,000）：賠償 TWD 1,200（損失 TWD 8,000 的 15%）、記過（規則 loss_moderate，R7.2c）\n",
		"wang two_consecutive_fails: termination_eligibility [needs approval]\n",
		"  en: failed the appraisal 2 months in a row: the contract may be ended under rule two_consecutive_fails (R6.4)\n",
		"wang training_failed: retraining\n",
	} {
		assert.Contains(t, got, line)
	}
	assert.NotContains(t, got, "FAIL")
	assert.NotContains(t, got, "inc-12", "October's lateness counts in the window but is not proposed again")
}
