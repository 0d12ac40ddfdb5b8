package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/sqlstore"
)

var (
	apNov = org.Month{Year: 2026, Month: time.November}
	apDec = org.Month{Year: 2026, Month: time.December}
)

// apCommit writes c for dealer d and fails the test on error.
func apCommit(t *testing.T, s appraisal.Store, d org.DealerID, c appraisal.Change) {
	t.Helper()
	require.NoError(t, s.Commit(t.Context(), d, c))
}

// apCycle is a cycle whose plan has every part: bands, a linear bonus and
// one by grade.
func apCycle(d org.DealerID, m org.Month) appraisal.Cycle {
	return appraisal.Cycle{
		DealerID: d, Month: m, State: appraisal.CycleScored,
		Plan: appraisal.Plan{Version: "2026.11", Missing: appraisal.Renormalize, MinPeers: 3, TrimPeers: true, Places: 2,
			KPIs: []appraisal.KPI{
				{Code: "CSI", Name: "顧客滿意", Weight: dec("60"), Sources: []appraisal.SourceWeight{
					{Source: appraisal.SourceCustomer, Weight: dec("1"), Scale: appraisal.Scale{Min: dec("1"), Max: dec("5")}}}},
				{Code: "RWK", Name: "reworks", Weight: dec("40"), Sources: []appraisal.SourceWeight{
					{Source: appraisal.SourceMeasured, Weight: dec("1"), Metric: appraisal.MetricReworks,
						Curve: appraisal.Curve{Bands: []appraisal.Band{{From: dec("0"), Points: dec("100")}, {From: dec("3"), Points: dec("12.50")}}}}}},
			},
			Grades: []appraisal.Grade{{Code: "A", Min: dec("90"), Pass: true, Excellent: true}, {Code: "F", Min: dec("0")}},
			Bonus: appraisal.Bonus{
				ByGrade: map[string]decimal.Decimal{"A": dec("1.5"), "F": dec("0")},
				Linear: &appraisal.LinearBonus{From: appraisal.BonusPoint{Score: dec("60"), Share: dec("0")},
					To: appraisal.BonusPoint{Score: dec("100"), Share: dec("1.25")}},
				Cap: dec("1.2"), Places: 2,
			}},
		Deadlines: map[appraisal.Source]time.Time{appraisal.SourceSelf: t0.Add(time.Hour), appraisal.SourcePeer: t0.Add(2 * time.Hour)},
		OpenedAt:  t0, OpenedBy: org.Actor{ID: "sup-1", Role: org.RoleSupervisor}, ScoredAt: t0.Add(24 * time.Hour),
		Reopenings: []appraisal.Reopening{{By: "sup-1", Reason: "late rating", At: t0.Add(48 * time.Hour)}},
		Version:    1,
	}
}

func apInput(d org.DealerID, m org.Month, ratee, rater org.EmployeeID, kpi string) appraisal.Input {
	return appraisal.Input{DealerID: d, Month: m, Ratee: ratee, Rater: rater, Source: appraisal.SourcePeer, KPI: kpi,
		Value: dec("4.5"), At: t0, Version: 1}
}

// apResult has decimals at the places the Service writes: a share at 8, a
// mean of ratings at 16, and an amount above 2^53.
func apResult(e org.EmployeeID) appraisal.Result {
	return appraisal.Result{Employee: e, PlanVersion: "2026.11", Score: dec("87.13"), Grade: "B", Pass: true,
		BonusShare: dec("0.65625"), Bonus: dec("12345678901234567.89"), Incomplete: true,
		KPIs: []appraisal.KPIResult{{Code: "CSI", Weight: dec("60"), Share: dec("0.61538462"), Score: dec("66.67"),
			Missing: []appraisal.Source{appraisal.SourceSelf},
			Sources: []appraisal.SourceResult{{Source: appraisal.SourcePeer, Weight: dec("1"), Share: dec("1"), Present: true,
				Raw: dec("3.6666666666666667"), Points: dec("66.6666666666666675"), Raters: 3, Trimmed: 2}}}}}
}

func apAppraisal(d org.DealerID, m org.Month, e org.EmployeeID) appraisal.Appraisal {
	return appraisal.Appraisal{DealerID: d, Month: m, Computed: apResult(e), Final: apResult(e), Rank: 1, Version: 1}
}

func apImprovement(d org.DealerID, m org.Month, e org.EmployeeID) appraisal.Improvement {
	return appraisal.Improvement{DealerID: d, Month: m, Employee: e, Interview: "two reworks",
		Goals:     []appraisal.Goal{{Text: "EV course", Due: t0.Add(30 * 24 * time.Hour)}},
		FollowUps: []appraisal.FollowUp{{By: "sup-1", At: t0.Add(7 * 24 * time.Hour), Note: "booked"}},
		By:        "sup-1", At: t0, Version: 1}
}

func apEvent(d org.DealerID, id string) org.Event {
	ev := event(d, id)
	ev.Type, ev.Subject = "appraisal.scored", "appraisal/2026-11"
	return ev
}

// TestAppraisalRoundTrip reads back every kind of appraisal record, and
// looks at what the database holds: exact decimal strings, the month as
// "2026-11", the columns the reads select on.
func TestAppraisalRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, db := b.newStore(t, true)
		as := s.Appraisal()
		ctx := t.Context()
		cy := apCycle("d1", apNov)
		calibrated := apAppraisal("d1", apNov, "adv-1")
		calibrated.Calibration = &appraisal.Calibration{Score: dec("91"), By: "sup-1", Reason: "covered two bays", At: t0}
		calibrated.Final.Score, calibrated.Final.Grade = dec("91"), "A"
		plain := apAppraisal("d1", apNov, "adv-2")
		in := apInput("d1", apNov, "adv-1", "adv-2", "CSI")
		im := apImprovement("d1", apNov, "adv-1")
		apCommit(t, as, "d1", appraisal.Change{Cycles: []appraisal.Cycle{cy}, Inputs: []appraisal.Input{in},
			Appraisals: []appraisal.Appraisal{plain, calibrated}, Improvements: []appraisal.Improvement{im},
			Events: []org.Event{apEvent("d1", "a1")}})

		gotCy, err := as.Cycle(ctx, "d1", apNov)
		require.NoError(t, err)
		requireSame(t, cy, gotCy, "cycle")
		require.NotNil(t, gotCy.Plan.Bonus.Linear)
		require.Equal(t, t0.Add(time.Hour), gotCy.Deadlines[appraisal.SourceSelf])
		ins, err := as.Inputs(ctx, "d1", apNov, "adv-1")
		require.NoError(t, err)
		require.Len(t, ins, 1)
		requireSame(t, in, ins[0], "input")
		list, err := as.Appraisals(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Len(t, list, 2)
		requireSame(t, calibrated, list[0], "calibrated appraisal")
		requireSame(t, plain, list[1], "plain appraisal")
		require.NotNil(t, list[0].Calibration)
		require.Nil(t, list[1].Calibration)
		require.Equal(t, "3.6666666666666667", list[0].Computed.KPIs[0].Sources[0].Raw.String())
		hist, err := as.History(ctx, "d1", "adv-2", apDec)
		require.NoError(t, err)
		require.Len(t, hist, 1)
		requireSame(t, plain, hist[0], "history")
		gotIm, err := as.Improvement(ctx, "d1", apNov, "adv-1")
		require.NoError(t, err)
		requireSame(t, im, gotIm, "improvement plan")
		evs, err := as.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a1"}, eventIDs(evs))

		// Decimals stay exact strings at their own precision; the keys are
		// the month's text and the records' own.
		var doc, month, employee string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT doc, month, employee FROM appraisals WHERE employee = 'adv-1'`).Scan(&doc, &month, &employee))
		require.Equal(t, "2026-11", month)
		require.Contains(t, doc, `"bonus":"12345678901234567.89"`)
		require.Contains(t, doc, `"share":"0.61538462"`)
		require.Contains(t, doc, `"raw":"3.6666666666666667"`)
		require.Contains(t, doc, `"month":"2026-11"`)
		var key, ratee string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT key, ratee FROM appraisal_inputs`).Scan(&key, &ratee))
		require.Equal(t, in.Key(), key)
		require.Equal(t, "adv-1", ratee)
		var state string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT state FROM appraisal_cycles`).Scan(&state))
		require.Equal(t, "scored", state)
	})
}

// TestAppraisalInstantsNormalised: instants written in another zone or
// with nanoseconds, in a map of deadlines too, come back in UTC at
// microseconds; the caller's records are left as they were.
func TestAppraisalInstantsNormalised(t *testing.T) {
	t.Parallel()
	taipei := time.FixedZone("CST", 8*3600)
	local := time.Date(2026, 11, 25, 17, 30, 15, 123456789, taipei)
	want := time.Date(2026, 11, 25, 9, 30, 15, 123456000, time.UTC)
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		as := b.store(t).Appraisal()
		cy := apCycle("d1", apNov)
		cy.OpenedAt, cy.Deadlines[appraisal.SourceSelf] = local, local
		a := apAppraisal("d1", apNov, "adv-1")
		a.Calibration = &appraisal.Calibration{Score: dec("90"), By: "sup-1", Reason: "r", At: local}
		im := apImprovement("d1", apNov, "adv-1")
		im.Goals[0].Due = local
		in := apInput("d1", apNov, "adv-1", "adv-2", "CSI")
		in.At = local
		apCommit(t, as, "d1", appraisal.Change{Cycles: []appraisal.Cycle{cy}, Inputs: []appraisal.Input{in},
			Appraisals: []appraisal.Appraisal{a}, Improvements: []appraisal.Improvement{im}})
		require.Equal(t, taipei, cy.Deadlines[appraisal.SourceSelf].Location(), "the caller's deadlines were changed")
		require.Equal(t, taipei, a.Calibration.At.Location(), "the caller's calibration was changed")

		gotCy, err := as.Cycle(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Equal(t, want, gotCy.OpenedAt)
		require.Equal(t, want, gotCy.Deadlines[appraisal.SourceSelf])
		list, err := as.Appraisals(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Equal(t, want, list[0].Calibration.At)
		gotIm, err := as.Improvement(ctx, "d1", apNov, "adv-1")
		require.NoError(t, err)
		require.Equal(t, want, gotIm.Goals[0].Due)
		ins, err := as.Inputs(ctx, "d1", apNov, "")
		require.NoError(t, err)
		require.Equal(t, want, ins[0].At)
	})
}

// TestAppraisalVersionConflicts: the version rule for every kind of
// appraisal record; a refused commit writes nothing and takes no Seq.
func TestAppraisalVersionConflicts(t *testing.T) {
	t.Parallel()
	cyc := func(v int64, plan string) appraisal.Cycle {
		c := apCycle("d1", apNov)
		c.Version, c.Plan.Version = v, plan
		return c
	}
	inp := func(v int64, value string) appraisal.Input {
		in := apInput("d1", apNov, "adv-1", "adv-2", "CSI")
		in.Version, in.Value = v, dec(value)
		return in
	}
	apr := func(v int64, rank int) appraisal.Appraisal {
		a := apAppraisal("d1", apNov, "adv-1")
		a.Version, a.Rank = v, rank
		return a
	}
	imp := func(v int64, note string) appraisal.Improvement {
		i := apImprovement("d1", apNov, "adv-1")
		i.Version, i.Interview = v, note
		return i
	}
	ev := []org.Event{apEvent("d1", "x")}
	type change = appraisal.Change
	cases := []struct {
		name string
		c    change
	}{
		{"duplicate cycle create", change{Cycles: []appraisal.Cycle{cyc(1, "again")}}},
		{"stale cycle", change{Cycles: []appraisal.Cycle{cyc(2, "stale")}}},
		{"cycle version skipped", change{Cycles: []appraisal.Cycle{cyc(5, "skipped")}}},
		{"update of a missing cycle", change{Cycles: []appraisal.Cycle{func() appraisal.Cycle { c := cyc(2, "x"); c.Month = apDec; return c }()}}},
		{"duplicate input create", change{Inputs: []appraisal.Input{inp(1, "1")}}},
		{"stale input", change{Inputs: []appraisal.Input{inp(2, "1")}}},
		{"duplicate appraisal create", change{Appraisals: []appraisal.Appraisal{apr(1, 9)}}},
		{"stale appraisal", change{Appraisals: []appraisal.Appraisal{apr(2, 9)}}},
		{"update of a missing appraisal", change{Appraisals: []appraisal.Appraisal{func() appraisal.Appraisal {
			a := apAppraisal("d1", apDec, "adv-1")
			a.Version = 2
			return a
		}()}}},
		{"duplicate improvement create", change{Improvements: []appraisal.Improvement{imp(1, "again")}}},
		{"stale improvement", change{Improvements: []appraisal.Improvement{imp(2, "stale")}}},
		{"one new input twice in a change", change{Inputs: []appraisal.Input{apInput("d1", apNov, "adv-9", "adv-2", "CSI"), apInput("d1", apNov, "adv-9", "adv-2", "CSI")}}},
		{"good records and a stale improvement", change{
			Cycles:       []appraisal.Cycle{apCycle("d1", apDec)},
			Inputs:       []appraisal.Input{apInput("d1", apNov, "adv-3", "adv-2", "CSI")},
			Appraisals:   []appraisal.Appraisal{apAppraisal("d1", apNov, "adv-3")},
			Improvements: []appraisal.Improvement{apImprovement("d1", apDec, "adv-1"), imp(2, "stale")},
			Events:       ev,
		}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		as := b.store(t).Appraisal()
		for v := int64(1); v <= 3; v++ {
			apCommit(t, as, "d1", change{Cycles: []appraisal.Cycle{cyc(v, fmt.Sprint("v", v))}, Inputs: []appraisal.Input{inp(v, fmt.Sprint(v))},
				Appraisals: []appraisal.Appraisal{apr(v, int(v))}, Improvements: []appraisal.Improvement{imp(v, fmt.Sprint("v", v))}})
		}
		for _, c := range cases {
			err := as.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrConflict, c.name)
			require.ErrorContains(t, err, "sqlstore: ", c.name)
		}
		cy, err := as.Cycle(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Equal(t, "v3", cy.Plan.Version)
		require.Equal(t, int64(3), cy.Version)
		ins, err := as.Inputs(ctx, "d1", apNov, "")
		require.NoError(t, err)
		require.Len(t, ins, 1, "inputs of failed commits")
		require.Equal(t, "3", ins[0].Value.String())
		list, err := as.Appraisals(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Len(t, list, 1, "appraisals of failed commits")
		require.Equal(t, 3, list[0].Rank)
		im, err := as.Improvement(ctx, "d1", apNov, "adv-1")
		require.NoError(t, err)
		require.Equal(t, "v3", im.Interview)
		_, err = as.Cycle(ctx, "d1", apDec)
		require.ErrorIs(t, err, org.ErrNotFound, "cycle of a failed commit")
		_, err = as.Improvement(ctx, "d1", apDec, "adv-1")
		require.ErrorIs(t, err, org.ErrNotFound, "improvement plan of a failed commit")

		// A failed commit takes no Seq.
		apCommit(t, as, "d1", change{Events: ev})
		evs, err := as.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, int64(1), evs[0].Seq)
	})
}

// TestAppraisalBadCommitRejected: another dealer's record or event, a
// Version below 1, a month that is not one, or an instant the store cannot
// keep fails with ErrInvalid, names the field and the record, and writes
// nothing.
func TestAppraisalBadCommitRejected(t *testing.T) {
	t.Parallel()
	good := apInput("d1", apNov, "adv-1", "adv-2", "CSI")
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	type change = appraisal.Change
	cases := []struct {
		name, path, record string
		c                  change
	}{
		{"cycle of another dealer", "cycles[0].dealer_id", "appraisal cycle 2026-11",
			change{Inputs: []appraisal.Input{good}, Cycles: []appraisal.Cycle{apCycle("d2", apNov)}}},
		{"input of another dealer", "inputs[1].dealer_id", "appraisal input adv-1/adv-3/peer/CSI",
			change{Inputs: []appraisal.Input{good, apInput("d2", apNov, "adv-1", "adv-3", "CSI")}}},
		{"appraisal of another dealer", "appraisals[0].dealer_id", "appraisal of adv-1 for 2026-11",
			change{Inputs: []appraisal.Input{good}, Appraisals: []appraisal.Appraisal{apAppraisal("d2", apNov, "adv-1")}}},
		{"improvement plan of another dealer", "improvements[0].dealer_id", "improvement plan of adv-1 for 2026-11",
			change{Inputs: []appraisal.Input{good}, Improvements: []appraisal.Improvement{apImprovement("d2", apNov, "adv-1")}}},
		{"event of another dealer", "events[0].dealer_id", "", change{Inputs: []appraisal.Input{good}, Events: []org.Event{apEvent("d2", "x")}}},
		{"appraisal version 0", "appraisals[0].version", "", change{Inputs: []appraisal.Input{good},
			Appraisals: []appraisal.Appraisal{func() appraisal.Appraisal { a := apAppraisal("d1", apNov, "adv-1"); a.Version = 0; return a }()}}},
		{"a month 13", "inputs[1].month", "", change{Inputs: []appraisal.Input{good,
			func() appraisal.Input { in := good; in.Month = org.Month{Year: 2026, Month: 13}; return in }()}}},
		{"the zero month", "cycles[0].month", "", change{Inputs: []appraisal.Input{good},
			Cycles: []appraisal.Cycle{func() appraisal.Cycle { c := apCycle("d1", apNov); c.Month = org.Month{}; return c }()}}},
		{"a deadline past 9999", "cycles[0].deadlines.peer", "", change{Inputs: []appraisal.Input{good},
			Cycles: []appraisal.Cycle{func() appraisal.Cycle { c := apCycle("d1", apNov); c.Deadlines[appraisal.SourcePeer] = far; return c }()}}},
		{"a calibration past 9999", "appraisals[0].calibration.at", "", change{Inputs: []appraisal.Input{good},
			Appraisals: []appraisal.Appraisal{func() appraisal.Appraisal {
				a := apAppraisal("d1", apNov, "adv-1")
				a.Calibration = &appraisal.Calibration{At: far}
				return a
			}()}}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		as := b.store(t).Appraisal()
		for _, c := range cases {
			err := as.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrInvalid, c.name)
			fe, ok := org.FieldErrorOf(err, c.path)
			require.True(t, ok, "%s: %v does not name %s", c.name, err, c.path)
			require.Contains(t, fe.Message, c.record, c.name)
		}
		for _, d := range []org.DealerID{"d1", "d2"} {
			ins, err := as.Inputs(ctx, d, apNov, "")
			require.NoError(t, err)
			require.Empty(t, ins)
			list, err := as.Appraisals(ctx, d, apNov)
			require.NoError(t, err)
			require.Empty(t, list)
			_, err = as.Cycle(ctx, d, apNov)
			require.ErrorIs(t, err, org.ErrNotFound)
			_, err = as.Improvement(ctx, d, apNov, "adv-1")
			require.ErrorIs(t, err, org.ErrNotFound)
			evs, err := as.Events(ctx, d, 0, 10)
			require.NoError(t, err)
			require.Empty(t, evs)
		}
	})
}

// TestAppraisalTenancy: the same keys under two dealers are two records; no
// call for one dealer reads, lists or changes the other's.
func TestAppraisalTenancy(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		as := b.store(t).Appraisal()
		for _, d := range []org.DealerID{"d1", "d2"} {
			a := apAppraisal(d, apNov, "adv-1")
			a.Final.Grade = "of " + string(d)
			apCommit(t, as, d, appraisal.Change{Cycles: []appraisal.Cycle{apCycle(d, apNov)},
				Inputs: []appraisal.Input{apInput(d, apNov, "adv-1", "adv-2", "CSI")}, Appraisals: []appraisal.Appraisal{a},
				Improvements: []appraisal.Improvement{apImprovement(d, apNov, "adv-1")}, Events: []org.Event{apEvent(d, "e-"+string(d))}})
		}
		// d2 moves on: its cycle at version 2, another month of adv-1.
		cy := apCycle("d2", apNov)
		cy.Version, cy.State = 2, appraisal.CycleFinalized
		apCommit(t, as, "d2", appraisal.Change{Cycles: []appraisal.Cycle{cy}, Appraisals: []appraisal.Appraisal{apAppraisal("d2", apDec, "adv-1")}})

		got, err := as.Cycle(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Equal(t, appraisal.CycleScored, got.State)
		require.Equal(t, org.DealerID("d1"), got.DealerID)
		hist, err := as.History(ctx, "d1", "adv-1", apDec)
		require.NoError(t, err)
		require.Len(t, hist, 1)
		require.Equal(t, "of d1", hist[0].Final.Grade)
		ins, err := as.Inputs(ctx, "d1", apNov, "")
		require.NoError(t, err)
		require.Len(t, ins, 1)
		require.Equal(t, org.DealerID("d1"), ins[0].DealerID)
		for _, read := range []func() error{
			func() error { _, err := as.Cycle(ctx, "d3", apNov); return err },
			func() error { _, err := as.Improvement(ctx, "d3", apNov, "adv-1"); return err },
		} {
			require.ErrorIs(t, read(), org.ErrNotFound)
		}
		evs, err := as.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"e-d1"}, eventIDs(evs))
	})
}

// TestAppraisalSharedTrail: events committed through the roster, billing
// and appraisal views are numbered from one per-dealer counter, in commit
// order.
func TestAppraisalSharedTrail(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		as, bs := s.Appraisal(), s.Billing()
		commit(t, s, "d1", org.Change{Events: []org.Event{event("d1", "o1")}})
		apCommit(t, as, "d1", appraisal.Change{Cycles: []appraisal.Cycle{apCycle("d1", apNov)},
			Events: []org.Event{apEvent("d1", "a1"), apEvent("d1", "a2")}})
		billCommit(t, bs, "d1", billing.Change{Events: []org.Event{billEvent("d1", "b1", "settlement/st-1")}})
		apCommit(t, as, "d2", appraisal.Change{Events: []org.Event{apEvent("d2", "z1")}})
		apCommit(t, as, "d1", appraisal.Change{Events: []org.Event{apEvent("d1", "a3")}})

		all, err := s.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		require.Equal(t, []string{"o1", "a1", "a2", "b1", "a3"}, eventIDs(all))
		for i, ev := range all {
			require.Equal(t, int64(i+1), ev.Seq)
		}
		via, err := as.Events(ctx, "d1", 3, 100)
		require.NoError(t, err)
		require.Equal(t, all[3:], via)
	})
}

// TestAppraisalConcurrentScoring: writers score a month at once the way
// the Service does, each committing the cycle at the version it read plus
// one with every advisor's appraisal, the advisors listed in an order of
// its own; they retry on ErrConflict. Rows are written in one order
// whatever the Change's, so PostgreSQL finds no deadlock: every error is
// a conflict and every writer lands.
func TestAppraisalConcurrentScoring(t *testing.T) {
	t.Parallel()
	const writers, advisors = 8, 12
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		as := b.store(t).Appraisal()
		apCommit(t, as, "d1", appraisal.Change{Cycles: []appraisal.Cycle{apCycle("d1", apNov)}})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for {
					cy, err := as.Cycle(ctx, "d1", apNov)
					if err != nil {
						t.Errorf("writer %d: %v", w, err)
						return
					}
					old, err := as.Appraisals(ctx, "d1", apNov)
					if err != nil {
						t.Errorf("writer %d: %v", w, err)
						return
					}
					version := map[org.EmployeeID]int64{}
					for _, a := range old {
						version[a.Computed.Employee] = a.Version
					}
					c := appraisal.Change{Events: []org.Event{apEvent("d1", fmt.Sprintf("scored-%d", w))}}
					cy.Version++
					c.Cycles = []appraisal.Cycle{cy}
					for i := range advisors {
						e := org.EmployeeID(fmt.Sprintf("adv-%02d", (i+w*5)%advisors)) // each writer its own order
						a := apAppraisal("d1", apNov, e)
						a.Version, a.Rank = version[e]+1, w
						c.Appraisals = append(c.Appraisals, a)
					}
					err = as.Commit(ctx, "d1", c)
					if err == nil {
						return
					}
					if !errors.Is(err, org.ErrConflict) {
						t.Errorf("writer %d: want nil or ErrConflict, got %v", w, err)
						return
					}
				}
			})
		}
		wg.Wait()
		cy, err := as.Cycle(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Equal(t, int64(writers+1), cy.Version)
		list, err := as.Appraisals(ctx, "d1", apNov)
		require.NoError(t, err)
		require.Len(t, list, advisors)
		for _, a := range list {
			require.Equal(t, int64(writers), a.Version, string(a.Computed.Employee))
		}
		evs, err := as.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		require.Len(t, evs, writers)
	})
}

// TestAppraisalContextDone: a done context fails reads and commits, which
// write nothing.
func TestAppraisalContextDone(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		as := b.store(t).Appraisal()
		done, cancel := context.WithCancel(t.Context())
		cancel()
		err := as.Commit(done, "d1", appraisal.Change{Cycles: []appraisal.Cycle{apCycle("d1", apNov)}})
		require.ErrorIs(t, err, context.Canceled)
		require.ErrorIs(t, as.Commit(done, "d1", appraisal.Change{}), context.Canceled)
		for _, read := range []func() error{
			func() error { _, err := as.Cycle(done, "d1", apNov); return err },
			func() error { _, err := as.Inputs(done, "d1", apNov, ""); return err },
			func() error { _, err := as.Appraisals(done, "d1", apNov); return err },
			func() error { _, err := as.History(done, "d1", "adv-1", apNov); return err },
			func() error { _, err := as.Improvement(done, "d1", apNov, "adv-1"); return err },
			func() error { _, err := as.Events(done, "d1", 0, 10); return err },
		} {
			require.ErrorIs(t, read(), context.Canceled)
		}
		_, err = as.Cycle(t.Context(), "d1", apNov)
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}

// TestAppraisalMigrationDown: 0004 rolls back to the billing schema, which
// keeps working, and comes back empty.
func TestAppraisalMigrationDown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		as := s.Appraisal()
		apCommit(t, as, "d1", appraisal.Change{Cycles: []appraisal.Cycle{apCycle("d1", apNov)}, Events: []org.Event{apEvent("d1", "a1")}})
		require.NoError(t, s.MigrateDown(ctx, 3))
		v, err := s.SchemaVersion(ctx)
		require.NoError(t, err)
		require.Equal(t, 3, v)
		_, err = as.Cycle(ctx, "d1", apNov)
		require.Error(t, err)
		require.NotErrorIs(t, err, org.ErrNotFound, "cycle after rolling 0004 back")
		_, err = as.History(ctx, "d1", "adv-1", apNov)
		require.Error(t, err, "appraisals table after rolling 0004 back")
		billCommit(t, s.Billing(), "d1", billing.Change{Series: []billing.Series{series("d1", "INV", 2, 1)}})
		evs, err := s.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a1"}, eventIDs(evs), "the shared trail outlives the appraisal tables")

		require.NoError(t, s.Migrate(ctx))
		_, err = as.Cycle(ctx, "d1", apNov)
		require.ErrorIs(t, err, org.ErrNotFound, "a new, empty cycles table")
		apCommit(t, as, "d1", appraisal.Change{Cycles: []appraisal.Cycle{apCycle("d1", apNov)}, Events: []org.Event{apEvent("d1", "a2")}})
		evs, err = as.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Equal(t, []string{"a1", "a2"}, eventIDs(evs))
		require.Equal(t, int64(2), evs[1].Seq)
	})
}

var _ appraisal.Store = sqlstore.AppraisalStore{}
