package policy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/store/memstore"
)

// Names of this file start with dp: the package's other tests share it.

// dpService is a dealer with the default policy active, on memstore.
func dpService(t require.TestingT) (*policy.Service, *memstore.Store) {
	ctx := context.Background()
	store := memstore.New()
	clock := org.NewManualClock(svAt("2026-12-01 09:00"))
	roster, err := org.NewService(org.Config{Store: store, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	clock.Set(svAt("2025-01-06 09:00")) // the roster dates from January 2025
	_, err = roster.CreateDealer(ctx, svAdmin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	_, err = roster.AddEmployee(ctx, "d1", svAdmin, org.NewEmployee{ID: "lin", Name: "Lin", Role: org.RoleSupervisor})
	require.NoError(t, err)
	for _, e := range dpEmployees {
		_, err := roster.AddEmployee(ctx, "d1", svAdmin, org.NewEmployee{ID: e, Name: string(e), Role: org.RoleAdvisor})
		require.NoError(t, err)
	}
	clock.Set(svAt("2026-12-01 09:00"))
	svc, err := policy.NewService(policy.Config{Store: store.Policy(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("p")})
	require.NoError(t, err)
	_, err = svc.SavePolicy(ctx, "d1", svLin, svDefault(1), true)
	require.NoError(t, err)
	return svc, store
}

var dpEmployees = []org.EmployeeID{"chen", "wang", "huang"}

// dpIncidents draws incidents of October and November: lateness and
// conduct that escalate, complaints and losses that fall in brackets.
func dpIncidents(t *rapid.T) []policy.IncidentInput {
	n := rapid.IntRange(1, 14).Draw(t, "n")
	kinds := []policy.IncidentKind{policy.Late, policy.LeftEarly, policy.Absent, policy.CustomerQuarrel, policy.Complaint, policy.Loss}
	out := make([]policy.IncidentInput, n)
	for i := range out {
		kind := rapid.SampledFrom(kinds).Draw(t, "kind")
		in := policy.IncidentInput{
			ID:       fmt.Sprintf("i%02d", i),
			Employee: rapid.SampledFrom(dpEmployees).Draw(t, "employee"),
			Kind:     kind,
			At: time.Date(2026, time.November, rapid.IntRange(-40, 30).Draw(t, "day"), rapid.IntRange(0, 23).Draw(t, "hour"),
				0, 0, 0, svTaipei),
		}
		if kind == policy.Loss || kind == policy.Complaint {
			in.Amount = svDec(rapid.SampledFrom([]string{"0", "800", "9999", "12000", "60000"}).Draw(t, "amount"))
		}
		out[i] = in
	}
	return out
}

// dpRecord records the incidents in the order given, evaluating November
// after those whose index is in evalAfter.
func dpRecord(t *rapid.T, svc *policy.Service, ins []policy.IncidentInput, order []int, evalAfter map[int]bool) policy.EvaluationResult {
	ctx := context.Background()
	for k, i := range order {
		actor := svLin
		if ins[i].Kind == policy.Late || ins[i].Kind == policy.LeftEarly || ins[i].Kind == policy.Absent {
			actor = svClock
		}
		_, err := svc.RecordIncident(ctx, "d1", actor, ins[i])
		require.NoError(t, err)
		if evalAfter[k] {
			_, err := svc.Evaluate(ctx, "d1", svLin, svNov)
			require.NoError(t, err)
		}
	}
	res, err := svc.Evaluate(ctx, "d1", svLin, svNov)
	require.NoError(t, err)
	return res
}

// dpProposed is the decisions still proposed, each with its whole
// proposal as JSON.
func dpProposed(t *rapid.T, ds []policy.Decision) map[string]string {
	out := map[string]string{}
	for _, d := range ds {
		if d.State != policy.Proposed {
			continue
		}
		b, err := json.Marshal(d.Proposal)
		require.NoError(t, err)
		out[d.Key] = string(b)
	}
	return out
}

// TestService_PropertyRecordingOrderIndependent: evaluating a month
// through the Service gives the same decisions, with the same proposals,
// whatever the order the incidents were recorded in (R1.3).
func TestService_PropertyRecordingOrderIndependent(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		ins := dpIncidents(t)
		order := make([]int, len(ins))
		for i := range order {
			order[i] = i
		}
		shuffled := rapid.Permutation(order).Draw(t, "order")
		a, _ := dpService(t)
		b, _ := dpService(t)
		ra := dpRecord(t, a, ins, order, nil)
		rb := dpRecord(t, b, ins, shuffled, nil)
		require.Equal(t, dpProposed(t, ra.Decisions), dpProposed(t, rb.Decisions))
		require.Equal(t, len(ra.Decisions), len(rb.Decisions), "no withdrawn decision without an evaluation between")
	})
}

// TestService_PropertyEvaluationsBetweenRecordings: evaluating after some
// of the recordings, in any order, leaves the same proposed decisions as
// one evaluation at the end; the others are withdrawn, never duplicated;
// and evaluating again writes nothing.
func TestService_PropertyEvaluationsBetweenRecordings(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		ins := dpIncidents(t)
		order := make([]int, len(ins))
		for i := range order {
			order[i] = i
		}
		shuffled := rapid.Permutation(order).Draw(t, "order")
		evalAfter := map[int]bool{}
		for k := range ins {
			evalAfter[k] = rapid.Bool().Draw(t, "evaluate")
		}
		once, _ := dpService(t)
		often, store := dpService(t)
		want := dpRecord(t, once, ins, order, nil)
		got := dpRecord(t, often, ins, shuffled, evalAfter)
		require.Equal(t, dpProposed(t, want.Decisions), dpProposed(t, got.Decisions))
		keys := map[string]bool{}
		for _, d := range got.Decisions {
			require.False(t, keys[d.Key], "decision %s twice", d.Key)
			keys[d.Key] = true
			require.Contains(t, []policy.DecisionState{policy.Proposed, policy.Withdrawn}, d.State)
		}
		ctx := context.Background()
		before, err := store.Events(ctx, "d1", 0, org.MaxPage)
		require.NoError(t, err)
		again, err := often.Evaluate(ctx, "d1", svAdmin, svNov)
		require.NoError(t, err)
		require.Zero(t, again.New+again.Updated+again.Withdrawn)
		after, err := store.Events(ctx, "d1", 0, org.MaxPage)
		require.NoError(t, err)
		require.Len(t, after, len(before), "evaluating the same inputs again appends no event")
	})
}
