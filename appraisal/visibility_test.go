package appraisal_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// readsOn scores November on a store: lin supervises the advisors chen,
// wang and huang, who rate each other as peers; kuo supervises the
// workshop, wu is a technician; boss is the supervisor of dealer d2.
func readsOn(t *testing.T, os org.Store, as appraisal.Store) *appraisal.Service {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: os, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	for _, d := range []org.DealerID{"d1", "d2"} {
		_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: d, Name: "Motors " + string(d), TimeZone: "Asia/Taipei", Currency: "TWD"})
		require.NoError(t, err)
	}
	_, err = roster.AddEmployee(ctx, "d2", admin, org.NewEmployee{ID: "boss", Name: "Boss", Role: org.RoleSupervisor})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
		{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: org.DeptWorkshop},
	} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	svc, err := appraisal.NewService(appraisal.Config{Store: as, Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("a")})
	require.NoError(t, err)
	_, err = svc.OpenCycle(ctx, "d1", lin, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()})
	require.NoError(t, err)
	advisors := []org.EmployeeID{"chen", "wang", "huang"}
	for _, ratee := range advisors {
		_, err := svc.Rate(ctx, "d1", lin, appraisal.RateInput{Month: nov, Ratee: ratee, Source: appraisal.SourceSupervisor, KPI: "skill", Value: dec("4")})
		require.NoError(t, err)
		for _, rater := range advisors {
			if rater != ratee {
				_, err := svc.Rate(ctx, "d1", org.Actor{ID: rater, Role: org.RoleAdvisor}, appraisal.RateInput{Month: nov, Ratee: ratee,
					Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec("3")})
				require.NoError(t, err)
			}
		}
	}
	_, err = svc.ScoreMonth(ctx, "d1", lin, nov)
	require.NoError(t, err)
	return svc
}

func TestReads_who_sees_what(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) *appraisal.Service
	}{
		{"memstore", func(t *testing.T) *appraisal.Service { ms := memstore.New(); return readsOn(t, ms, ms.Appraisal()) }},
		{"sqlite", func(t *testing.T) *appraisal.Service { st := testdb.SQLite(t); return readsOn(t, st, st.Appraisal()) }},
		{"postgres", func(t *testing.T) *appraisal.Service { st := testdb.Postgres(t); return readsOn(t, st, st.Appraisal()) }},
	}
	ghost := org.Actor{ID: "ghost", Role: org.RoleSupervisor}
	boss := org.Actor{ID: "boss", Role: org.RoleSupervisor}
	wu := org.Actor{ID: "wu", Role: org.RoleTechnician}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			svc := st.open(t)
			ctx := context.Background()
			results := func(a org.Actor) ([]org.EmployeeID, error) {
				as, err := svc.Appraisals(ctx, "d1", a, nov)
				var ids []org.EmployeeID
				for _, x := range as {
					ids = append(ids, x.Final.Employee)
				}
				return ids, err
			}
			lists := []struct {
				name  string
				actor org.Actor
				want  []org.EmployeeID // nil with forbidden
				is    error
			}{
				{"R2.2_stranger_refused", ghost, nil, appraisal.ErrForbidden},
				{"R2.2_other_dealer_refused", boss, nil, appraisal.ErrForbidden},
				{"R2.2_technician_has_no_need", wu, nil, appraisal.ErrForbidden},
				{"R2.2_results_visible_to_employee_only_their_own", chen, []org.EmployeeID{"chen"}, nil},
				{"R2.2_results_visible_to_employee_only_their_own", wang, []org.EmployeeID{"wang"}, nil},
				{"R2.2_results_visible_to_their_supervisor", lin, []org.EmployeeID{"chen", "huang", "wang"}, nil},
				{"R2.2_results_not_to_another_departments_supervisor", kuo, nil, nil},
				{"R2.2_results_visible_to_admin", host, []org.EmployeeID{"chen", "huang", "wang"}, nil},
			}
			for _, c := range lists {
				t.Run(c.name+"/Appraisals/"+string(c.actor.ID), func(t *testing.T) {
					got, err := results(c.actor)
					if c.is != nil {
						require.ErrorIs(t, err, c.is)
						return
					}
					require.NoError(t, err)
					assert.ElementsMatch(t, c.want, got)
				})
			}
			trend := []struct {
				name  string
				actor org.Actor
				is    error
			}{
				{"R2.2_stranger_refused", ghost, appraisal.ErrForbidden},
				{"R2.2_other_dealer_refused", boss, appraisal.ErrForbidden},
				{"R2.2_technician_has_no_need", wu, appraisal.ErrForbidden},
				{"R2.2_peer_refused", wang, appraisal.ErrForbidden},
				{"R2.2_other_departments_supervisor_refused", kuo, appraisal.ErrForbidden},
				{"R2.2_results_visible_to_employee_and_supervisor", chen, nil},
				{"R2.2_results_visible_to_employee_and_supervisor", lin, nil},
				{"R2.2_results_visible_to_admin", host, nil},
			}
			for _, c := range trend {
				t.Run(c.name+"/Trend/"+string(c.actor.ID), func(t *testing.T) {
					got, err := svc.Trend(ctx, "d1", c.actor, "chen", 2026)
					if c.is != nil {
						require.ErrorIs(t, err, c.is)
						return
					}
					require.NoError(t, err)
					require.Len(t, got, 1)
					assert.Equal(t, nov, got[0].Month)
				})
			}
			t.Run("R6.3_peer_rating_never_attributable", func(t *testing.T) {
				// chen was rated by wang and huang as peers: no reader, the
				// admin included, learns who; only a mean and a count.
				for _, a := range []org.Actor{chen, lin, host} {
					as, err := svc.Appraisals(ctx, "d1", a, nov)
					require.NoError(t, err)
					for _, x := range as {
						if x.Final.Employee != "chen" {
							continue
						}
						raw, err := json.Marshal(x)
						require.NoError(t, err)
						assert.NotContains(t, string(raw), `"wang"`, "%s reads a peer rater of chen", a)
						assert.NotContains(t, string(raw), `"huang"`, "%s reads a peer rater of chen", a)
						counted := false
						for _, k := range x.Final.KPIs {
							for _, s := range k.Sources {
								if k.Code == "teamwork" && s.Source == appraisal.SourcePeer {
									counted = true
								}
							}
						}
						assert.True(t, counted, "the peer source is in the result")
					}
					tr, err := svc.Trend(ctx, "d1", a, "chen", 2026)
					require.NoError(t, err)
					raw, err := json.Marshal(tr)
					require.NoError(t, err)
					assert.NotContains(t, string(raw), "wang")
					assert.NotContains(t, string(raw), "huang")
				}
			})
		})
	}
}

// Cycle is read by everyone the results concern; a stranger, another
// dealer's supervisor and a technician are refused.
func TestCycleRead(t *testing.T) {
	ms := memstore.New()
	svc := readsOn(t, ms, ms.Appraisal())
	chen := org.Actor{ID: "chen", Role: org.RoleAdvisor}
	for _, c := range []struct {
		actor org.Actor
		ok    bool
	}{
		{chen, true}, {lin, true}, {org.Admin("dms"), true},
		{org.Actor{ID: "wu", Role: org.RoleTechnician}, false}, {org.Actor{ID: "ghost", Role: org.RoleAdvisor}, false},
		{org.Actor{ID: "boss", Role: org.RoleSupervisor}, false},
	} {
		cy, err := svc.Cycle(t.Context(), "d1", c.actor, nov)
		if !c.ok {
			assert.ErrorIs(t, err, org.ErrForbidden, "%s", c.actor)
			continue
		}
		require.NoError(t, err, "%s", c.actor)
		assert.Equal(t, nov, cy.Month)
		assert.Equal(t, appraisal.CycleScored, cy.State)
	}
	_, err := svc.Cycle(t.Context(), "d1", lin, nov.Add(-12))
	assert.ErrorIs(t, err, org.ErrNotFound)
}
