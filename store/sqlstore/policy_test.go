package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/store/sqlstore"
)

var _ policy.Store = sqlstore.PolicyStore{}

var policyNov = policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})

// policyRoster creates dealer d1 with a supervisor and three advisors on
// s, and returns the roster and the clock at month end.
func policyRoster(t *testing.T, s org.Store) (*org.Service, *org.ManualClock) {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: s, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	clock.Set(time.Date(2025, 1, 6, 1, 0, 0, 0, time.UTC)) // the roster dates from January 2025
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor},
	} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	clock.Set(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	return roster, clock
}

// policyMonth runs a month of the policy through the Service on s and ps:
// two versions of the policy, lateness across the month boundary, a loss
// with cents, a quarrel twice (a severe demotion), a nomination, two
// evaluations and an approval; it returns what the store then holds.
func policyMonth(t *testing.T, s org.Store, ps policy.Store) ([]policy.StoredPolicy, []policy.IncidentRecord, []policy.NominationRecord, []policy.Decision) {
	t.Helper()
	ctx := context.Background()
	roster, clock := policyRoster(t, s)
	svc, err := policy.NewService(policy.Config{Store: ps, Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("p")})
	require.NoError(t, err)
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	v1 := policy.Default("TWD")
	places := int32(2)
	v1.Places = &places
	_, err = svc.SavePolicy(ctx, "d1", lin, v1, true)
	require.NoError(t, err)
	at := func(day, hour int) time.Time {
		return time.Date(2026, time.November, day, hour, 7, 30, 123456789, time.UTC)
	}
	for _, in := range []policy.IncidentInput{
		{ID: "l1", Employee: "chen", Kind: policy.Late, At: at(-2, 1)},
		{ID: "l2", Employee: "chen", Kind: policy.Late, At: at(3, 1)},
		{ID: "l3", Employee: "chen", Kind: policy.Absent, At: at(10, 1)},
		{ID: "loss-1", Employee: "wang", Kind: policy.Loss, At: at(12, 6), Amount: decimal.RequireFromString("12345.67"), Note: "刮傷客戶車輛"},
		{ID: "q1", Employee: "huang", Kind: policy.CustomerQuarrel, At: at(4, 7)},
		{ID: "q2", Employee: "huang", Kind: policy.CustomerQuarrel, At: at(20, 7)},
	} {
		_, err := svc.RecordIncident(ctx, "d1", lin, in)
		require.NoError(t, err)
	}
	_, err = svc.Nominate(ctx, "d1", lin, policy.NominationInput{ID: "n1", Employee: "wang", Period: policyNov, Reason: "stayed late for a customer"})
	require.NoError(t, err)
	res, err := svc.Evaluate(ctx, "d1", lin, policyNov)
	require.NoError(t, err)
	require.Equal(t, 6, res.New)
	_, err = svc.Approve(ctx, "d1", lin, policy.DecideInput{Key: "default/conduct/huang/2026-11/q2", Reason: "second quarrel", ExpectedVersion: 1})
	require.NoError(t, err)
	clock.Advance(time.Hour)
	v2 := policy.Default("TWD")
	v2.Version, v2.Places = 2, &places
	_, err = svc.SavePolicy(ctx, "d1", lin, v2, true)
	require.NoError(t, err)
	res, err = svc.Evaluate(ctx, "d1", lin, policyNov)
	require.NoError(t, err)
	require.Equal(t, 5, res.Updated, "every proposed decision records version 2")

	pols, err := ps.Policies(ctx, "d1")
	require.NoError(t, err)
	incs, err := ps.Incidents(ctx, "d1", time.Time{}, time.Time{})
	require.NoError(t, err)
	noms, err := ps.Nominations(ctx, "d1", policyNov)
	require.NoError(t, err)
	decs, err := ps.Decisions(ctx, "d1", policyNov, "")
	require.NoError(t, err)
	return pols, incs, noms, decs
}

// TestPolicyServiceSameOnEveryStore: a month of the policy through the
// Service leaves the same records in SQLite and PostgreSQL as in memory,
// decimals and instants included.
func TestPolicyServiceSameOnEveryStore(t *testing.T) {
	t.Parallel()
	mem := memstore.New()
	wantP, wantI, wantN, wantD := policyMonth(t, mem, mem.Policy())
	require.Len(t, wantD, 6)
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		gotP, gotI, gotN, gotD := policyMonth(t, s, s.Policy())
		requireSame(t, wantP, gotP, "policies")
		requireSame(t, wantI, gotI, "incidents")
		requireSame(t, wantN, gotN, "nominations")
		requireSame(t, wantD, gotD, "decisions")
		mine, err := s.Policy().Decisions(t.Context(), "d1", policyNov, "huang")
		require.NoError(t, err)
		require.Len(t, mine, 2)
		require.Equal(t, policy.Approved, mine[1].State)
		evs, err := s.Policy().Events(t.Context(), "d1", 0, org.MaxPage)
		require.NoError(t, err)
		memEvs, err := mem.Events(t.Context(), "d1", 0, org.MaxPage)
		require.NoError(t, err)
		require.Equal(t, len(memEvs), len(evs), "one trail with the roster's events")
	})
}

// TestPolicyEvaluateConcurrently: evaluations of one month at once, on a
// database with real concurrent transactions, never record a decision
// twice.
func TestPolicyEvaluateConcurrently(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		roster, clock := policyRoster(t, s)
		svc, err := policy.NewService(policy.Config{Store: s.Policy(), Roster: roster.Directory(), Clock: clock, IDs: org.RandomIDs()})
		require.NoError(t, err)
		lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
		_, err = svc.SavePolicy(ctx, "d1", lin, policy.Default("TWD"), true)
		require.NoError(t, err)
		for i := range 9 {
			_, err := svc.RecordIncident(ctx, "d1", org.Admin("clock"), policy.IncidentInput{ID: fmt.Sprintf("l%d", i),
				Employee: []org.EmployeeID{"chen", "wang", "huang"}[i%3], Kind: policy.Late,
				At: time.Date(2026, time.November, 2+i, 1, 10, 0, 0, time.UTC)})
			require.NoError(t, err)
		}
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { _, errs[i] = svc.Evaluate(ctx, "d1", lin, policyNov) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				require.ErrorIs(t, err, org.ErrConflict)
			}
		}
		ds, err := s.Policy().Decisions(ctx, "d1", policyNov, "")
		require.NoError(t, err)
		require.Len(t, ds, 9)
		evs, err := s.Policy().Events(ctx, "d1", 0, org.MaxPage)
		require.NoError(t, err)
		proposed := 0
		for _, ev := range evs {
			if ev.Type == "policy.decision_proposed" {
				proposed++
			}
		}
		require.Equal(t, 9, proposed, "each decision proposed once")
	})
}

// TestPolicyActiveSwitch: a commit that would leave two active policies is
// refused as a conflict and writes nothing; a switch lands whatever order
// the Change lists its two versions in.
func TestPolicyActiveSwitch(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ps := b.store(t).Policy()
		stored := func(version int, row int64, active bool) policy.StoredPolicy {
			p := policy.Default("TWD")
			p.Version = version
			return policy.StoredPolicy{DealerID: "d1", Policy: *p, Active: active, SavedAt: t0, SavedBy: org.Admin("x"), Version: row}
		}
		require.NoError(t, ps.Commit(ctx, "d1", policy.Change{Policies: []policy.StoredPolicy{stored(1, 1, true)}}))
		for name, c := range map[string]policy.Change{
			"a second active version": {Policies: []policy.StoredPolicy{stored(2, 1, true)}},
			"two active together":     {Policies: []policy.StoredPolicy{stored(2, 1, true), stored(3, 1, true), stored(1, 2, false)}},
		} {
			c.Events = []org.Event{event("d1", "refused")}
			err := ps.Commit(ctx, "d1", c)
			require.ErrorIs(t, err, org.ErrConflict, name)
			require.ErrorContains(t, err, "policy version", name)
		}
		require.NoError(t, ps.Commit(ctx, "d1", policy.Change{Policies: []policy.StoredPolicy{stored(2, 1, true), stored(1, 2, false)},
			Events: []org.Event{event("d1", "switch")}}))
		act, err := ps.ActivePolicy(ctx, "d1")
		require.NoError(t, err)
		require.Equal(t, 2, act.Policy.Version)
		evs, err := ps.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"switch"}, eventIDs(evs))
		// A period the store cannot name is refused before anything is
		// written.
		bad := policy.Decision{DealerID: "d1", Key: "k", Proposal: policy.Proposal{Key: "k", Period: policy.Period{Year: 2026, Month: 13}}, Version: 1}
		require.ErrorIs(t, ps.Commit(ctx, "d1", policy.Change{Decisions: []policy.Decision{bad}}), org.ErrInvalid)
	})
}

// TestPolicyMigrationDown: 0006 rolls back to the training schema, which
// keeps working, and comes back empty.
func TestPolicyMigrationDown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		ps := s.Policy()
		inc := policy.IncidentRecord{DealerID: "d1", ID: "i1", Employee: "chen", Kind: policy.Late, At: t0, RecordedAt: t0, Version: 1}
		require.NoError(t, ps.Commit(ctx, "d1", policy.Change{Incidents: []policy.IncidentRecord{inc}, Events: []org.Event{event("d1", "p1")}}))
		require.NoError(t, s.MigrateDown(ctx, 5))
		_, err := ps.Incident(ctx, "d1", "i1")
		require.Error(t, err)
		require.NotErrorIs(t, err, org.ErrNotFound, "incident after rolling 0006 back")
		_, err = s.Training().Careers(ctx, "d1")
		require.NoError(t, err, "the training tables stay")
		evs, err := s.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"p1"}, eventIDs(evs), "the shared trail outlives the policy tables")

		require.NoError(t, s.Migrate(ctx))
		_, err = ps.Incident(ctx, "d1", "i1")
		require.ErrorIs(t, err, org.ErrNotFound, "a new, empty incidents table")
		require.NoError(t, ps.Commit(ctx, "d1", policy.Change{Incidents: []policy.IncidentRecord{inc}, Events: []org.Event{event("d1", "p2")}}))
		evs, err = ps.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"p1", "p2"}, eventIDs(evs))
	})
}
