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

// monthOn runs the same month on a store and returns its appraisals.
func monthOn(t *testing.T, os org.Store, as appraisal.Store) []appraisal.Appraisal {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC))
	roster, err := org.NewService(org.Config{Store: os, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	ids := []org.EmployeeID{"chen", "huang", "lee", "wang"}
	_, err = roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: "lin", Name: "Lin", Role: org.RoleSupervisor})
	require.NoError(t, err)
	for _, id := range ids {
		_, err := roster.AddEmployee(ctx, "d1", admin, org.NewEmployee{ID: id, Name: string(id), Role: org.RoleAdvisor, BonusBase: dec("12345.67")})
		require.NoError(t, err)
	}
	figs := appraisal.Figures{"chen": {appraisal.MetricSatisfaction: {Value: dec("91.2345")}}, "lee": {appraisal.MetricComplaints: {Value: dec("2")}}}
	svc, err := appraisal.NewService(appraisal.Config{Store: as, Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("a"),
		Measurer: appraisal.MeasurerFunc(func(context.Context, org.DealerID, org.Month) (appraisal.Figures, error) { return figs, nil })})
	require.NoError(t, err)
	_, err = svc.OpenCycle(ctx, "d1", lin, appraisal.OpenInput{Month: nov, Plan: appraisal.DefaultPlan()})
	require.NoError(t, err)
	for i, ratee := range ids {
		_, err := svc.Rate(ctx, "d1", lin, appraisal.RateInput{Month: nov, Ratee: ratee, Source: appraisal.SourceSupervisor, KPI: "skill", Value: dec([]string{"5", "3", "1", "4"}[i])})
		require.NoError(t, err)
		for _, peer := range ids {
			if peer != ratee {
				_, err := svc.Rate(ctx, "d1", org.Actor{ID: peer, Role: org.RoleAdvisor}, appraisal.RateInput{Month: nov, Ratee: ratee,
					Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec([]string{"4", "2", "5", "3"}[i])})
				require.NoError(t, err)
			}
		}
	}
	_, err = svc.ScoreMonth(ctx, "d1", lin, nov)
	require.NoError(t, err)
	_, err = svc.Calibrate(ctx, "d1", lin, appraisal.CalibrateInput{Month: nov, Employee: "huang", Score: dec("61.5"), Reason: "training week"})
	require.NoError(t, err)
	out, err := svc.Appraisals(ctx, "d1", admin, nov)
	require.NoError(t, err)
	return out
}

// TestSameResultsOnEveryStore (R1.3): the same inputs give the same
// results, byte for byte, whichever store keeps them.
func TestSameResultsOnEveryStore(t *testing.T) {
	mem := memstore.New()
	want, err := json.Marshal(monthOn(t, mem, mem.Appraisal()))
	require.NoError(t, err)
	t.Run("sqlite", func(t *testing.T) {
		st := testdb.SQLite(t)
		got, err := json.Marshal(monthOn(t, st, st.Appraisal()))
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got))
	})
	t.Run("postgres", func(t *testing.T) {
		st := testdb.Postgres(t)
		got, err := json.Marshal(monthOn(t, st, st.Appraisal()))
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got))
	})
}
