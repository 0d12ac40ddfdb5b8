package policy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
)

func TestPeriod(t *testing.T) {
	for _, s := range []string{"2026-11", "2026", "0001-01", "9999"} {
		p, err := policy.ParsePeriod(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, p.String())
		b, err := p.MarshalText()
		require.NoError(t, err)
		var q policy.Period
		require.NoError(t, q.UnmarshalText(b))
		assert.Equal(t, p, q)
	}
	for _, s := range []string{"", "2026-13", "0000", "26", "2026-1", "abcd", "2026-11-01"} {
		_, err := policy.ParsePeriod(s)
		assert.ErrorIs(t, err, org.ErrInvalid, s)
	}
	_, err := policy.Period{Year: 2026, Month: 13}.MarshalText()
	assert.ErrorIs(t, err, org.ErrInvalid)

	assert.Equal(t, policy.Monthly, nov.Kind())
	assert.Equal(t, policy.Yearly, policy.YearPeriod(2026).Kind())
	// A month and a year in the dealer's zone, [start, end).
	assert.True(t, nov.Contains(at("2026-11-01 00:00"), taipei))
	assert.False(t, nov.Contains(at("2026-10-31 23:59"), taipei))
	assert.False(t, nov.Contains(at("2026-12-01 00:00"), taipei))
	y := policy.YearPeriod(2026)
	assert.True(t, y.Contains(at("2026-01-01 00:00"), taipei))
	assert.True(t, y.Contains(at("2026-12-31 23:59"), taipei))
	assert.False(t, y.Contains(at("2027-01-01 00:00"), taipei))
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, taipei).Unix(), y.Start(taipei).Unix())
}

func TestKnownFacts(t *testing.T) {
	facts := policy.KnownFacts()
	assert.Len(t, facts, 8+len(policy.Outcomes())+2*len(policy.IncidentKinds())+1)
	for _, f := range facts {
		got, ok := policy.LookupFact(f.Name)
		require.True(t, ok, f.Name)
		assert.Equal(t, f, got)
	}
	for _, name := range []string{"", "appraisal", "training.", "incidents.late.total", "incidents..amount", "nomination"} {
		_, ok := policy.LookupFact(name)
		assert.False(t, ok, name)
	}
	f, _ := policy.LookupFact("appraisal.failed")
	assert.Equal(t, policy.FactInfo{Name: "appraisal.failed", Type: policy.TypeBool, History: true}, f)
	f, _ = policy.LookupFact("incidents.loss.amount")
	assert.Equal(t, policy.TypeDecimal, f.Type)
}

func TestActionKinds(t *testing.T) {
	var severe []policy.ActionKind
	classes := map[policy.ActionClass]int{}
	for _, k := range policy.ActionKinds() {
		assert.True(t, k.Valid(), k)
		classes[k.Class()]++
		if k.Severe() {
			severe = append(severe, k)
		}
	}
	assert.Equal(t, []policy.ActionKind{policy.Demotion, policy.TerminationEligibility, policy.Dismissal, policy.LegalAction}, severe)
	assert.Equal(t, map[policy.ActionClass]int{policy.Reward: 7, policy.Penalty: 8, policy.Development: 4}, classes)
	assert.False(t, policy.ActionKind("medal").Valid())
	assert.Equal(t, policy.ActionClass(""), policy.ActionKind("medal").Class())
}
