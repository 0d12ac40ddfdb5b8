package appraisal_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

var (
	nov   = org.Month{Year: 2026, Month: time.November}
	dec26 = org.Month{Year: 2026, Month: time.December}
	lin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang  = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	huang = org.Actor{ID: "huang", Role: org.RoleAdvisor}
	lee   = org.Actor{ID: "lee", Role: org.RoleAdvisor}
	host  = org.Admin("dms")
	kuo   = org.Actor{ID: "kuo", Role: org.RoleSupervisor} // the workshop's supervisor (R2.2)
)

type cycleFixture struct {
	ctx    context.Context
	clock  *org.ManualClock
	svc    *appraisal.Service
	store  *memstore.Store
	figure appraisal.Figures
}

func newCycleFixture(t *testing.T) *cycleFixture {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	clock := org.NewManualClock(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: st, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "huang", Name: "Huang", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "lee", Name: "Lee", Role: org.RoleAdvisor, BonusBase: dec("10000")},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
		// R2.2: the workshop's supervisor supervises no advisor.
		{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: org.DeptWorkshop},
	} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	f := &cycleFixture{ctx: ctx, clock: clock, store: st, figure: appraisal.Figures{}}
	f.svc, err = appraisal.NewService(appraisal.Config{Store: st.Appraisal(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("a"),
		Measurer: appraisal.MeasurerFunc(func(context.Context, org.DealerID, org.Month) (appraisal.Figures, error) { return f.figure, nil })})
	require.NoError(t, err)
	return f
}

func (f *cycleFixture) open(t *testing.T, m org.Month, deadlines map[appraisal.Source]time.Time) {
	t.Helper()
	_, err := f.svc.OpenCycle(f.ctx, "d1", lin, appraisal.OpenInput{Month: m, Plan: appraisal.DefaultPlan(), Deadlines: deadlines})
	require.NoError(t, err)
}

func (f *cycleFixture) rate(actor org.Actor, m org.Month, ratee org.EmployeeID, src appraisal.Source, kpi, value string) error {
	in := appraisal.RateInput{Month: m, Ratee: ratee, Source: src, KPI: kpi, Value: dec(value)}
	if src == appraisal.SourceCustomer {
		in.Customer = "survey-" + string(ratee)
	}
	_, err := f.svc.Rate(f.ctx, "d1", actor, in)
	return err
}

func TestRate_R6_3_who_rates_whom(t *testing.T) {
	f := newCycleFixture(t)
	f.open(t, nov, map[appraisal.Source]time.Time{appraisal.SourceSelf: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)})
	cases := []struct {
		name  string
		actor org.Actor
		ratee org.EmployeeID
		src   appraisal.Source
		kpi   string
		want  error
	}{
		{"R6.3_self_by_the_employee", chen, "chen", appraisal.SourceSelf, "attitude", nil},
		{"R6.3_self_of_someone_else_refused", chen, "wang", appraisal.SourceSelf, "attitude", appraisal.ErrForbidden},
		{"R6.3_supervisor_by_the_roster_supervisor", lin, "chen", appraisal.SourceSupervisor, "skill", nil},
		{"R6.3_supervisor_rating_by_an_advisor_refused", wang, "chen", appraisal.SourceSupervisor, "skill", appraisal.ErrForbidden},
		{"R6.3_peer_by_another_advisor", wang, "chen", appraisal.SourcePeer, "teamwork", nil},
		{"R6.3_nobody_rates_themselves_as_a_peer", chen, "chen", appraisal.SourcePeer, "teamwork", appraisal.ErrForbidden},
		{"R6.3_the_supervisor_is_no_peer", lin, "chen", appraisal.SourcePeer, "teamwork", appraisal.ErrForbidden},
		{"R6.3_technicians_are_no_peers_of_advisors", org.Actor{ID: "wu", Role: org.RoleTechnician}, "chen", appraisal.SourcePeer, "teamwork", appraisal.ErrForbidden},
		{"R6.3_customer_ratings_come_from_the_host", host, "chen", appraisal.SourceCustomer, "satisfaction", nil},
		{"R6.3_an_advisor_cannot_enter_a_customer_rating", wang, "chen", appraisal.SourceCustomer, "satisfaction", appraisal.ErrForbidden},
		{"a_customer_rating_of_no_one_on_the_roster", host, "ghost", appraisal.SourceCustomer, "satisfaction", org.ErrNotFound},
		{"R6.3_once_per_pair_per_cycle", wang, "chen", appraisal.SourcePeer, "teamwork", appraisal.ErrInvalid},
		{"a_KPI_the_plan_lacks", wang, "huang", appraisal.SourcePeer, "speed", appraisal.ErrInvalid},
		{"a_source_the_KPI_lacks", wang, "huang", appraisal.SourcePeer, "skill", appraisal.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := f.store.Appraisal().Inputs(f.ctx, "d1", nov, "")
			err := f.rate(c.actor, nov, c.ratee, c.src, c.kpi, "4")
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			after, _ := f.store.Appraisal().Inputs(f.ctx, "d1", nov, "")
			assert.Len(t, after, len(before), "a refused rating writes nothing")
		})
	}
	t.Run("out_of_scale", func(t *testing.T) {
		err := f.rate(huang, nov, "huang", appraisal.SourceSelf, "attitude", "6")
		fe, ok := org.FieldErrorOf(err, "value")
		require.True(t, ok, "%v", err)
		assert.Equal(t, org.CodeRange, fe.Code)
	})
	t.Run("R6.2_late_is_refused", func(t *testing.T) {
		f.clock.Set(time.Date(2026, 11, 30, 11, 0, 0, 0, time.UTC))
		require.ErrorIs(t, f.rate(wang, nov, "wang", appraisal.SourceSelf, "attitude", "4"), appraisal.ErrInvalidTransition)
		require.NoError(t, f.rate(lin, nov, "wang", appraisal.SourceSupervisor, "attitude", "4"), "other sources stay open")
	})
}

// TestMonthEnd is the whole cycle: ratings, scoring with measured figures,
// calibration, finalising, immutability, re-opening, two consecutive
// fails and the improvement plan (R6.2-R6.4).
func TestMonthEnd(t *testing.T) {
	f := newCycleFixture(t)
	for _, m := range []org.Month{nov, dec26} {
		f.open(t, m, nil)
		for _, adv := range []org.Actor{chen, wang, huang, lee} {
			require.NoError(t, f.rate(adv, m, adv.ID, appraisal.SourceSelf, "attitude", "5"))
			supScore := "4"
			if adv.ID == "lee" {
				supScore = "1"
			}
			require.NoError(t, f.rate(lin, m, adv.ID, appraisal.SourceSupervisor, "skill", supScore))
			for _, peer := range []org.Actor{chen, wang, huang, lee} {
				if peer.ID != adv.ID {
					require.NoError(t, f.rate(peer, m, adv.ID, appraisal.SourcePeer, "teamwork", map[bool]string{true: "2", false: "4"}[adv.ID == "lee"]))
				}
			}
		}
		f.figure = appraisal.Figures{
			"chen":  {appraisal.MetricSatisfaction: {Value: dec("95")}, appraisal.MetricCustomersReceived: {Value: dec("80")}},
			"wang":  {appraisal.MetricSatisfaction: {Value: dec("80")}, appraisal.MetricCustomersReceived: {Value: dec("50")}},
			"huang": {appraisal.MetricSatisfaction: {None: true}},
			"lee":   {appraisal.MetricSatisfaction: {Value: dec("60")}, appraisal.MetricComplaints: {Value: dec("3")}, appraisal.MetricCustomersReceived: {Value: dec("20")}},
		}
		as, err := f.svc.ScoreMonth(f.ctx, "d1", lin, m)
		require.NoError(t, err)
		require.Len(t, as, 4)
		_, err = f.svc.ScoreMonth(f.ctx, "d1", chen, m)
		require.ErrorIs(t, err, appraisal.ErrForbidden, "only a supervisor scores")
		if m == nov {
			// R6.3: calibration keeps the computed score and shows both.
			_, err = f.svc.Calibrate(f.ctx, "d1", lin, appraisal.CalibrateInput{Month: m, Employee: "wang", Score: dec("85")})
			require.ErrorIs(t, err, appraisal.ErrInvalid, "a calibration needs its reason")
			cal, err := f.svc.Calibrate(f.ctx, "d1", lin, appraisal.CalibrateInput{Month: m, Employee: "wang", Score: dec("85"), Reason: "covered two colleagues' customers"})
			require.NoError(t, err)
			assert.Equal(t, "85", cal.Final.Score.String())
			assert.False(t, cal.Computed.Score.Equal(cal.Final.Score))
			assert.Equal(t, "good", cal.Final.Grade)
		}
		_, err = f.svc.Finalize(f.ctx, "d1", lin, m)
		require.NoError(t, err)
		_, err = f.svc.Calibrate(f.ctx, "d1", lin, appraisal.CalibrateInput{Month: m, Employee: "chen", Score: dec("99"), Reason: "x"})
		require.ErrorIs(t, err, appraisal.ErrInvalidTransition, "finalised results are immutable")
		_, err = f.svc.ScoreMonth(f.ctx, "d1", lin, m)
		require.ErrorIs(t, err, appraisal.ErrInvalidTransition)
	}
	as, err := f.svc.Appraisals(f.ctx, "d1", host, dec26)
	require.NoError(t, err)
	byID := map[org.EmployeeID]appraisal.Appraisal{}
	for _, a := range as {
		byID[a.Final.Employee] = a
	}
	assert.Equal(t, 1, as[0].Rank)
	assert.False(t, byID["lee"].Final.Pass)
	assert.Equal(t, 2, byID["lee"].ConsecutiveFails, "R6.4: two consecutive fails are flagged")
	assert.Equal(t, 0, byID["chen"].ConsecutiveFails)
	for _, src := range byID["chen"].Final.KPIs[2].Sources {
		if src.Source == appraisal.SourcePeer {
			assert.Equal(t, 3, src.Raters, "R6.3: the ratee sees how many peers rated, not who")
		}
	}

	_, err = f.svc.Reopen(f.ctx, "d1", lin, dec26, "")
	require.ErrorIs(t, err, appraisal.ErrInvalid, "re-opening needs a reason")
	c, err := f.svc.Reopen(f.ctx, "d1", lin, dec26, "complaint against lee was withdrawn")
	require.NoError(t, err)
	assert.Equal(t, appraisal.CycleScored, c.State)
	assert.Len(t, c.Reopenings, 1)
	_, err = f.svc.Finalize(f.ctx, "d1", lin, dec26)
	require.NoError(t, err)

	_, err = f.svc.RecordImprovement(f.ctx, "d1", lin, appraisal.ImprovementInput{Month: dec26, Employee: "chen", Interview: "x",
		Goals: []appraisal.Goal{{Text: "y", Due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}}})
	require.ErrorIs(t, err, appraisal.ErrInvalid, "an improvement plan follows a fail")
	imp, err := f.svc.RecordImprovement(f.ctx, "d1", lin, appraisal.ImprovementInput{Month: dec26, Employee: "lee",
		Interview: "Customers waited for callbacks; agreed to a daily callback list.",
		Goals:     []appraisal.Goal{{Text: "call back every customer the same day", Due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}}})
	require.NoError(t, err)
	assert.Len(t, imp.Goals, 1)
}

func TestTrendAndFollowUp_R6_4(t *testing.T) {
	f := newCycleFixture(t)
	for _, m := range []org.Month{nov, dec26} {
		f.open(t, m, nil)
		require.NoError(t, f.rate(lin, m, "lee", appraisal.SourceSupervisor, "skill", "1"))
		_, err := f.svc.ScoreMonth(f.ctx, "d1", lin, m)
		require.NoError(t, err)
		_, err = f.svc.Finalize(f.ctx, "d1", lin, m)
		require.NoError(t, err)
	}
	trend, err := f.svc.Trend(f.ctx, "d1", host, "lee", 2026)
	require.NoError(t, err)
	require.Len(t, trend, 2)
	assert.Equal(t, nov, trend[0].Month)
	assert.Equal(t, "fail", trend[1].Grade)

	_, err = f.svc.RecordImprovement(f.ctx, "d1", lin, appraisal.ImprovementInput{Month: dec26, Employee: "lee", Interview: "agreed a plan",
		Goals: []appraisal.Goal{{Text: "daily callbacks", Due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}, {Text: "diagnosis course", Due: time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)}}})
	require.NoError(t, err)
	_, err = f.svc.FollowUp(f.ctx, "d1", lin, appraisal.FollowUpInput{Month: dec26, Employee: "lee", Note: "x", Done: []int{5}})
	fe, ok := org.FieldErrorOf(err, "done[0]")
	require.True(t, ok, "%v", err)
	assert.Equal(t, org.CodeRange, fe.Code)
	imp, err := f.svc.FollowUp(f.ctx, "d1", lin, appraisal.FollowUpInput{Month: dec26, Employee: "lee", Note: "callbacks done daily since 5 Jan", Done: []int{0}})
	require.NoError(t, err)
	assert.True(t, imp.Goals[0].Done)
	assert.False(t, imp.Goals[1].Done)
	assert.Len(t, imp.FollowUps, 1)
	_, err = f.svc.FollowUp(f.ctx, "d1", chen, appraisal.FollowUpInput{Month: dec26, Employee: "lee", Note: "x"})
	require.ErrorIs(t, err, appraisal.ErrForbidden)
}

// TestSupervisionScope_R2_2: only the supervisor of the employee concerned
// (or, for the month as a whole, of the service advisor department)
// appraises; a supervisor of another department does not (R2.2).
func TestSupervisionScope_R2_2(t *testing.T) {
	f := newCycleFixture(t)
	goals := []appraisal.Goal{{Text: "daily callbacks", Due: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)}}
	steps := []struct {
		name string
		run  func() error
		want error
	}{
		{"R2.2_other_department_supervisor_cannot_open_the_cycle", func() error {
			_, err := f.svc.OpenCycle(f.ctx, "d1", kuo, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()})
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_department_supervisor_opens_the_cycle", func() error {
			_, err := f.svc.OpenCycle(f.ctx, "d1", lin, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()})
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_rate_as_supervisor", func() error {
			return f.rate(kuo, nov, "lee", appraisal.SourceSupervisor, "skill", "4")
		}, appraisal.ErrForbidden},
		{"R2.2_supervisor_rates_their_advisor", func() error { return f.rate(lin, nov, "lee", appraisal.SourceSupervisor, "skill", "1") }, nil},
		{"R2.2_other_department_supervisor_cannot_score_the_month", func() error {
			_, err := f.svc.ScoreMonth(f.ctx, "d1", kuo, nov)
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_department_supervisor_scores_the_month", func() error {
			_, err := f.svc.ScoreMonth(f.ctx, "d1", lin, nov)
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_calibrate", func() error {
			_, err := f.svc.Calibrate(f.ctx, "d1", kuo, appraisal.CalibrateInput{Month: nov, Employee: "lee", Score: dec("10"), Reason: "x"})
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_finalize", func() error {
			_, err := f.svc.Finalize(f.ctx, "d1", kuo, nov)
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_department_supervisor_finalizes", func() error {
			_, err := f.svc.Finalize(f.ctx, "d1", lin, nov)
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_publish", func() error {
			_, err := f.svc.Publish(f.ctx, "d1", kuo, nov)
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_reopen", func() error {
			_, err := f.svc.Reopen(f.ctx, "d1", kuo, nov, "x")
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_record_an_improvement_plan", func() error {
			_, err := f.svc.RecordImprovement(f.ctx, "d1", kuo, appraisal.ImprovementInput{Month: nov, Employee: "lee", Interview: "x", Goals: goals})
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_supervisor_records_the_improvement_plan", func() error {
			_, err := f.svc.RecordImprovement(f.ctx, "d1", lin, appraisal.ImprovementInput{Month: nov, Employee: "lee", Interview: "x", Goals: goals})
			return err
		}, nil},
		{"R2.2_other_department_supervisor_cannot_follow_up", func() error {
			_, err := f.svc.FollowUp(f.ctx, "d1", kuo, appraisal.FollowUpInput{Month: nov, Employee: "lee", Note: "x"})
			return err
		}, appraisal.ErrForbidden},
		{"R2.2_supervisor_follows_up", func() error {
			_, err := f.svc.FollowUp(f.ctx, "d1", lin, appraisal.FollowUpInput{Month: nov, Employee: "lee", Note: "x"})
			return err
		}, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, err := f.store.Events(f.ctx, "d1", 0, 10000)
			require.NoError(t, err)
			err = st.run()
			if st.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, st.want)
			assert.Contains(t, err.Error(), "R2.2")
			after, err := f.store.Events(f.ctx, "d1", 0, 10000)
			require.NoError(t, err)
			assert.Len(t, after, len(before), "a refused command writes nothing")
		})
	}
}
