package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// desk is a migrated store's servicedesk view, on a database of its own.
func (b backend) desk(t *testing.T) sqlstore.DeskStore {
	t.Helper()
	return b.store(t).ServiceDesk()
}

// deskCommit writes c for dealer d and fails the test on error.
func deskCommit(t *testing.T, s servicedesk.Store, d org.DealerID, c servicedesk.Change) {
	t.Helper()
	require.NoError(t, s.Commit(t.Context(), d, c))
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// fullWorkOrder sets every field, nested ones included, with amounts a
// float64 would round and instants with microseconds.
func fullWorkOrder(d org.DealerID, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
	line := servicedesk.Line{Kind: servicedesk.LinePart, Code: "P-1", Description: "brake pads 對",
		Quantity: dec("2.50"), UnitPrice: dec("12345678901234567.89"), Amount: dec("30864197253086419.725")}
	return servicedesk.WorkOrder{
		DealerID: d, ID: id, State: servicedesk.StateInProgress, Advisor: "adv-1",
		Channel:  servicedesk.ChannelPhone,
		Customer: servicedesk.Customer{Name: "Lin", Phone: "+886 2 1234 5678", Email: "lin@example.com"},
		Vehicle: servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, VIN: "JTDBR32E720123456",
			Plate: "ABC-1234", MileageIn: 42000, MileageOut: 42007},
		Concerns:   []servicedesk.Concern{{ID: "c1", Text: "squeal when braking"}, {ID: "c2", Text: "AC weak"}},
		PromisedAt: at(600),
		Transport:  servicedesk.TransportLoaner,
		Condition: &servicedesk.ConditionReport{
			Items: []servicedesk.ConditionItem{{Area: "front bumper", Status: servicedesk.ConditionDamaged,
				Note: "scratch", Photos: []string{"p/1.jpg", "p/2.jpg"}}},
			RecordedBy: "adv-1", RecordedAt: at(1), AcknowledgedAt: at(2), AcknowledgedBy: "Lin",
		},
		Findings: []servicedesk.Finding{{ConcernID: "c1", Cause: "worn pads", Correction: "replace",
			Advisor: "adv-1", Technician: "tech-1", At: at(30)}},
		EstimateRevision: 2,
		Jobs: []servicedesk.Job{
			{ID: "j1", ConcernID: "c1", Title: "pads", Lines: []servicedesk.Line{line, {Kind: servicedesk.LineLabor,
				Code: "L-1", Quantity: dec("1.2500"), UnitPrice: dec("1800"), Amount: dec("2250.00")}},
				Hours: dec("1.25"), Total: dec("12345678901234567.89"), Status: servicedesk.JobApproved},
			{ID: "j2", Title: "AC gas", Hours: dec("0.5"), Total: dec("0"), Supplement: 1, Status: servicedesk.JobDeclined},
		},
		Approvals: []servicedesk.Approval{{Supplement: 0, Approved: []string{"j1"}, Declined: []string{"j2"},
			ApprovedBy: "Lin", Method: servicedesk.ApprovalSMS, Evidence: servicedesk.ConsentEvidence{Reference: "sms/77", Contact: "+886 912-345-678", At: at(39),
				WorkTold: "pads 對", TotalTold: dec("12345678901234567.890")},
			Total: dec("12345678901234567.89"), NewTotal: dec("12345678901234567.89"), RecordedBy: "adv-1", At: at(40)}},
		Booking: &servicedesk.Booking{Technician: "tech-1", Start: at(60), End: at(120), Notes: "bay 3",
			Outcome: servicedesk.OutcomeKept},
		PastBookings: []servicedesk.Booking{{Technician: "tech-2", Start: at(-1440), End: at(-1380),
			Outcome: servicedesk.OutcomeNoShow}},
		Notes:       []servicedesk.Note{{By: org.Actor{ID: "tech-1", Role: org.RoleTechnician}, At: at(70), Text: "started"}},
		PauseReason: "parts",
		Inspections: []servicedesk.Inspection{{By: "sup-1", At: at(200), Passed: false,
			Items: []servicedesk.InspectionCheck{{Item: "brakes", Passed: false, Note: "noise"}}}},
		Reworks:      1,
		Explanation:  "pads replaced",
		ReadyAt:      at(300),
		Settlement:   "inv-9",
		SettledTotal: dec("12345678901234567.89"),
		SettledAt:    at(400),
		DeliveredAt:  at(500),
		CancelReason: "none",
		Version:      1,
		OpenedAt:     t0,
		UpdatedAt:    at(500),
	}
}

func workOrder(d org.DealerID, id servicedesk.WorkOrderID, state servicedesk.State, advisor org.EmployeeID, opened time.Time) servicedesk.WorkOrder {
	return servicedesk.WorkOrder{DealerID: d, ID: id, State: state, Advisor: advisor,
		Concerns: []servicedesk.Concern{{ID: "c1", Text: "noise"}}, SettledTotal: dec("0"),
		Version: 1, OpenedAt: opened, UpdatedAt: opened}
}

func calendarDay(d org.DealerID, tech org.EmployeeID, day string, slots ...servicedesk.Slot) servicedesk.CalendarDay {
	return servicedesk.CalendarDay{DealerID: d, Technician: tech, Day: day, Slots: slots, Version: 1}
}

func complaint(d org.DealerID, id servicedesk.ComplaintID) servicedesk.Complaint {
	return servicedesk.Complaint{DealerID: d, ID: id, State: servicedesk.ComplaintInvestigating,
		WorkOrder: "wo-1", Advisor: "adv-1", Customer: servicedesk.Customer{Name: "Lin", Phone: "0912"},
		Description: "car not ready on time", Channel: servicedesk.ChannelPhone,
		OpenedBy: org.Actor{ID: "sup-1", Role: org.RoleSupervisor}, OpenedAt: t0, DueAt: t0.Add(72 * time.Hour),
		Handler: "sup-1", Investigation: "parts late", Resolution: "discount", CustomerInformed: "phone",
		ResolvedAt: t0.Add(time.Hour), ClosedAt: t0.Add(2 * time.Hour), Version: 1}
}

func survey(d org.DealerID, wo servicedesk.WorkOrderID) servicedesk.Survey {
	return servicedesk.Survey{DealerID: d, WorkOrder: wo, Advisor: "adv-1", Score: dec("4.50"),
		ScaleMin: dec("1"), ScaleMax: dec("5.0000"), Comment: "fine", Source: "call", AnsweredAt: t0,
		RecordedBy: org.Actor{ID: "adv-1", Role: org.RoleAdvisor}, Version: 1}
}

func deskEvent(d org.DealerID, id, subject string) org.Event {
	ev := event(d, id)
	ev.Type, ev.Subject = "workorder.noted", subject
	return ev
}

// requireSame compares records through their JSON, where amounts are in
// canonical form (12.50 and 12.5 alike) and instants show their zone, and
// checks every instant is in UTC.
func requireSame(t *testing.T, want, got any, msg string) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(w), string(g), msg)
	eachInstant(reflect.ValueOf(got), msg, func(path string, at time.Time) {
		require.Equal(t, time.UTC, at.Location(), "%s: zone of %s", msg, path)
	})
}

// eachInstant calls fn with every time.Time reachable from v.
func eachInstant(v reflect.Value, path string, fn func(string, time.Time)) {
	switch v.Kind() {
	case reflect.Struct:
		if at, ok := v.Interface().(time.Time); ok {
			fn(path, at)
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				eachInstant(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			eachInstant(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			eachInstant(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}

// TestDeskRoundTrip reads back every field of every servicedesk record.
func TestDeskRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s, db := b.newStore(t, true)
		ds := s.ServiceDesk()
		ctx := t.Context()
		w := fullWorkOrder("d1", "wo-1")
		bare := workOrder("d1", "wo-2", servicedesk.StateReceived, "adv-1", t0)
		bare.Concerns = nil
		cd := calendarDay("d1", "tech-1", "2026-11-25",
			servicedesk.Slot{WorkOrder: "wo-1", Start: t0, End: t0.Add(time.Hour)},
			servicedesk.Slot{WorkOrder: "wo-2", Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour)})
		empty := calendarDay("d1", "tech-2", "2026-11-25")
		cp, sv := complaint("d1", "cp-1"), survey("d1", "wo-1")
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w, bare},
			Calendar: []servicedesk.CalendarDay{cd, empty}, Complaints: []servicedesk.Complaint{cp},
			Surveys: []servicedesk.Survey{sv}})

		got, err := ds.WorkOrder(ctx, "d1", "wo-1")
		require.NoError(t, err)
		requireSame(t, w, got, "full work order")
		require.True(t, got.Jobs[0].Lines[0].UnitPrice.Equal(dec("12345678901234567.89")), got.Jobs[0].Lines[0].UnitPrice.String())
		require.True(t, got.SettledTotal.Equal(dec("12345678901234567.89")), got.SettledTotal.String())
		require.Equal(t, t0, got.OpenedAt)
		gotBare, err := ds.WorkOrder(ctx, "d1", "wo-2")
		require.NoError(t, err)
		requireSame(t, bare, gotBare, "bare work order")
		require.Nil(t, gotBare.Condition)
		require.Nil(t, gotBare.Booking)
		require.Nil(t, gotBare.Concerns)

		gotCD, err := ds.CalendarDay(ctx, "d1", "tech-1", "2026-11-25")
		require.NoError(t, err)
		require.Equal(t, cd, gotCD)
		gotEmpty, err := ds.CalendarDay(ctx, "d1", "tech-2", "2026-11-25")
		require.NoError(t, err)
		require.Equal(t, empty, gotEmpty)
		gotCP, err := ds.Complaint(ctx, "d1", "cp-1")
		require.NoError(t, err)
		require.Equal(t, cp, gotCP)
		gotSV, err := ds.Survey(ctx, "d1", "wo-1")
		require.NoError(t, err)
		requireSame(t, sv, gotSV, "survey")

		// The document keeps amounts as exact strings, never numbers.
		var doc string
		require.NoError(t, db.QueryRowContext(ctx, `SELECT doc FROM work_orders WHERE id = 'wo-1'`).Scan(&doc))
		require.Contains(t, doc, `"unit_price":"12345678901234567.89"`)
		if b.dialect == sqlstore.SQLite {
			var opened string
			require.NoError(t, db.QueryRowContext(ctx, `SELECT opened_at FROM work_orders WHERE id = 'wo-1'`).Scan(&opened))
			require.Equal(t, "2026-11-25T09:30:15.123456Z", opened)
		}
	})
}

// TestDeskInstantsNormalised: instants written in another zone or with
// nanoseconds come back in UTC at microseconds, nested ones included, and
// the caller's record is left as it was.
func TestDeskInstantsNormalised(t *testing.T) {
	t.Parallel()
	taipei := time.FixedZone("CST", 8*3600)
	local := time.Date(2026, 11, 25, 17, 30, 15, 123456789, taipei)
	want := time.Date(2026, 11, 25, 9, 30, 15, 123456000, time.UTC)
	eachBackend(t, func(t *testing.T, b backend) {
		ds := b.desk(t)
		w := fullWorkOrder("d1", "wo-1")
		w.OpenedAt, w.Condition.RecordedAt, w.Approvals[0].At = local, local, local
		cd := calendarDay("d1", "tech-1", "2026-11-25", servicedesk.Slot{WorkOrder: "wo-1", Start: local, End: local})
		sv := survey("d1", "wo-1")
		sv.AnsweredAt = local
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w},
			Calendar: []servicedesk.CalendarDay{cd}, Surveys: []servicedesk.Survey{sv}})
		require.Equal(t, taipei, w.Condition.RecordedAt.Location(), "the caller's record was changed")

		got, err := ds.WorkOrder(t.Context(), "d1", "wo-1")
		require.NoError(t, err)
		for _, at := range []time.Time{got.OpenedAt, got.Condition.RecordedAt, got.Approvals[0].At} {
			require.Equal(t, want, at) // same instant, UTC, microseconds
		}
		eachInstant(reflect.ValueOf(got), "work order", func(path string, at time.Time) {
			require.Equal(t, time.UTC, at.Location(), path)
		})
		gotCD, err := ds.CalendarDay(t.Context(), "d1", "tech-1", "2026-11-25")
		require.NoError(t, err)
		require.Equal(t, want, gotCD.Slots[0].Start)
		gotSV, err := ds.Survey(t.Context(), "d1", "wo-1")
		require.NoError(t, err)
		require.Equal(t, want, gotSV.AnsweredAt)
		list, err := ds.Surveys(t.Context(), "d1", servicedesk.SurveyQuery{AnsweredFrom: want, AnsweredBefore: want.Add(time.Microsecond)})
		require.NoError(t, err)
		require.Len(t, list, 1, "the answered_at column holds the same instant")
	})
}

// TestDeskVersionConflicts: the version rule for every kind of record; a
// refused commit writes nothing and takes no Seq.
func TestDeskVersionConflicts(t *testing.T) {
	t.Parallel()
	type bumped = servicedesk.Change
	wo := func(v int64, note string) servicedesk.WorkOrder {
		w := workOrder("d1", "wo-1", servicedesk.StateReceived, "adv-1", t0)
		w.Version, w.Explanation = v, note
		return w
	}
	day := func(v int64, tech org.EmployeeID) servicedesk.CalendarDay {
		cd := calendarDay("d1", tech, "2026-11-25")
		cd.Version = v
		return cd
	}
	cpl := func(v int64) servicedesk.Complaint {
		c := complaint("d1", "cp-1")
		c.Version, c.Resolution = v, fmt.Sprint("v", v)
		return c
	}
	srv := func(v int64) servicedesk.Survey {
		s := survey("d1", "wo-1")
		s.Version, s.Comment = v, fmt.Sprint("v", v)
		return s
	}
	ev := []org.Event{deskEvent("d1", "x", "workorder/wo-1")}
	missing := workOrder("d1", "wo-9", servicedesk.StateReceived, "adv-1", t0)
	missing.Version = 2
	cases := []struct {
		name string
		c    servicedesk.Change
	}{
		{"duplicate work order create", bumped{WorkOrders: []servicedesk.WorkOrder{wo(1, "again")}}},
		{"stale work order update", bumped{WorkOrders: []servicedesk.WorkOrder{wo(2, "stale")}}},
		{"work order version skipped", bumped{WorkOrders: []servicedesk.WorkOrder{wo(5, "skipped")}}},
		{"update of missing work order", bumped{WorkOrders: []servicedesk.WorkOrder{missing}}},
		{"duplicate calendar day create", bumped{Calendar: []servicedesk.CalendarDay{day(1, "tech-1")}}},
		{"stale calendar day", bumped{Calendar: []servicedesk.CalendarDay{day(2, "tech-1")}}},
		{"update of missing calendar day", bumped{Calendar: []servicedesk.CalendarDay{day(2, "tech-9")}}},
		{"duplicate complaint create", bumped{Complaints: []servicedesk.Complaint{cpl(1)}}},
		{"stale complaint", bumped{Complaints: []servicedesk.Complaint{cpl(2)}}},
		{"duplicate survey create", bumped{Surveys: []servicedesk.Survey{srv(1)}}},
		{"stale survey", bumped{Surveys: []servicedesk.Survey{srv(2)}}},
		{"good and stale together", bumped{
			WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-8", servicedesk.StateReceived, "adv-1", t0)},
			Calendar:   []servicedesk.CalendarDay{day(1, "tech-8")},
			Surveys:    []servicedesk.Survey{srv(2)},
			Events:     ev,
		}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ds := b.desk(t)
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{wo(1, "v1")},
			Calendar: []servicedesk.CalendarDay{day(1, "tech-1")}, Complaints: []servicedesk.Complaint{cpl(1)},
			Surveys: []servicedesk.Survey{srv(1)}})
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{wo(2, "v2")},
			Calendar: []servicedesk.CalendarDay{day(2, "tech-1")}, Complaints: []servicedesk.Complaint{cpl(2)},
			Surveys: []servicedesk.Survey{srv(2)}})
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{wo(3, "v3")},
			Calendar: []servicedesk.CalendarDay{day(3, "tech-1")}, Complaints: []servicedesk.Complaint{cpl(3)},
			Surveys: []servicedesk.Survey{srv(3)}})

		for _, c := range cases {
			err := ds.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrConflict, c.name)
			require.ErrorContains(t, err, "sqlstore: ", c.name)
		}
		w, err := ds.WorkOrder(ctx, "d1", "wo-1")
		require.NoError(t, err)
		require.Equal(t, int64(3), w.Version)
		require.Equal(t, "v3", w.Explanation)
		cd, err := ds.CalendarDay(ctx, "d1", "tech-1", "2026-11-25")
		require.NoError(t, err)
		require.Equal(t, int64(3), cd.Version)
		c, err := ds.Complaint(ctx, "d1", "cp-1")
		require.NoError(t, err)
		require.Equal(t, "v3", c.Resolution)
		sv, err := ds.Survey(ctx, "d1", "wo-1")
		require.NoError(t, err)
		require.Equal(t, "v3", sv.Comment)
		_, err = ds.WorkOrder(ctx, "d1", "wo-8")
		require.ErrorIs(t, err, org.ErrNotFound, "work order of a failed commit")
		_, err = ds.CalendarDay(ctx, "d1", "tech-8", "2026-11-25")
		require.ErrorIs(t, err, org.ErrNotFound, "calendar day of a failed commit")
		evs, err := ds.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Empty(t, evs, "events of a failed commit")

		// A failed commit takes no Seq.
		deskCommit(t, ds, "d1", servicedesk.Change{Events: ev})
		evs, err = ds.Events(ctx, "d1", 0, 10)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, int64(1), evs[0].Seq)
	})
}

// TestDeskBadCommitRejected: another dealer's record or event, a Version
// below 1, or an instant the store cannot keep fails with ErrInvalid,
// names the field and the record, and writes nothing.
func TestDeskBadCommitRejected(t *testing.T) {
	t.Parallel()
	good := workOrder("d1", "wo-1", servicedesk.StateReceived, "adv-1", t0)
	zero := workOrder("d1", "wo-0", servicedesk.StateReceived, "adv-1", t0)
	zero.Version = 0
	farOff := fullWorkOrder("d1", "wo-3")
	farOff.Approvals[0].At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	farSurvey := survey("d1", "wo-1")
	farSurvey.AnsweredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, path, record string
		c                  servicedesk.Change
	}{
		{"work order of another dealer", "work_orders[1].dealer_id", "work order wo-2", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good, workOrder("d2", "wo-2", servicedesk.StateReceived, "adv-1", t0)}}},
		{"calendar day of another dealer", "calendar[0].dealer_id", "calendar of tech-1 on 2026-11-25", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good}, Calendar: []servicedesk.CalendarDay{calendarDay("d2", "tech-1", "2026-11-25")}}},
		{"complaint of another dealer", "complaints[0].dealer_id", "complaint cp-1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good}, Complaints: []servicedesk.Complaint{complaint("d2", "cp-1")}}},
		{"survey of another dealer", "surveys[0].dealer_id", "survey of wo-1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good}, Surveys: []servicedesk.Survey{survey("d2", "wo-1")}}},
		{"event of another dealer", "events[0].dealer_id", "", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good}, Events: []org.Event{deskEvent("d2", "x", "workorder/wo-1")}}},
		{"version 0", "work_orders[0].version", "", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{zero}}},
		{"nested instant past 9999", "work_orders[1].approvals[0].at", "", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good, farOff}}},
		{"answered past 9999", "surveys[0].answered_at", "", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{good}, Surveys: []servicedesk.Survey{farSurvey}}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ds := b.desk(t)
		for _, c := range cases {
			err := ds.Commit(ctx, "d1", c.c)
			require.ErrorIs(t, err, org.ErrInvalid, c.name)
			fe, ok := org.FieldErrorOf(err, c.path)
			require.True(t, ok, "%s: %v does not name %s", c.name, err, c.path)
			require.Contains(t, fe.Message, c.record, c.name)
		}
		for _, d := range []org.DealerID{"d1", "d2"} {
			list, err := ds.WorkOrders(ctx, d, servicedesk.WorkOrderQuery{})
			require.NoError(t, err)
			require.Empty(t, list)
			_, err = ds.CalendarDay(ctx, d, "tech-1", "2026-11-25")
			require.ErrorIs(t, err, org.ErrNotFound)
			cs, err := ds.Complaints(ctx, d, servicedesk.ComplaintQuery{})
			require.NoError(t, err)
			require.Empty(t, cs)
			ss, err := ds.Surveys(ctx, d, servicedesk.SurveyQuery{})
			require.NoError(t, err)
			require.Empty(t, ss)
			evs, err := ds.Events(ctx, d, 0, 10)
			require.NoError(t, err)
			require.Empty(t, evs)
		}
	})
}

// TestDeskTenancy: the same IDs under two dealers are two records; no
// call for one dealer reads, lists or changes the other's.
func TestDeskTenancy(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ds := b.desk(t)
		for _, d := range []org.DealerID{"d1", "d2"} {
			w := workOrder(d, "wo-1", servicedesk.StateReceived, "adv-1", t0)
			w.Explanation = "of " + string(d)
			deskCommit(t, ds, d, servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w},
				Calendar:   []servicedesk.CalendarDay{calendarDay(d, "tech-1", "2026-11-25")},
				Complaints: []servicedesk.Complaint{complaint(d, "cp-1")}, Surveys: []servicedesk.Survey{survey(d, "wo-1")},
				Events: []org.Event{deskEvent(d, "x-"+string(d), "workorder/wo-1")}})
		}
		// d2 moves on; d1 stays at version 1.
		w2 := workOrder("d2", "wo-1", servicedesk.StateReceived, "adv-1", t0)
		w2.Version, w2.Explanation = 2, "d2 again"
		deskCommit(t, ds, "d2", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{w2}})

		w, err := ds.WorkOrder(ctx, "d1", "wo-1")
		require.NoError(t, err)
		require.Equal(t, "of d1", w.Explanation)
		require.Equal(t, int64(1), w.Version)
		list, err := ds.WorkOrders(ctx, "d1", servicedesk.WorkOrderQuery{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, org.DealerID("d1"), list[0].DealerID)
		_, err = ds.WorkOrder(ctx, "d3", "wo-1")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = ds.CalendarDay(ctx, "d3", "tech-1", "2026-11-25")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = ds.Complaint(ctx, "d3", "cp-1")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = ds.Survey(ctx, "d3", "wo-1")
		require.ErrorIs(t, err, org.ErrNotFound)
		evs, err := ds.SubjectEvents(ctx, "d1", "workorder/wo-1")
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, "x-d1", evs[0].ID)
	})
}

// TestDeskNotFound: every read of a missing record is ErrNotFound, and
// says it comes from sqlstore.
func TestDeskNotFound(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ds := b.desk(t)
		deskCommit(t, ds, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{calendarDay("d1", "tech-1", "2026-11-25")}})
		_, err := ds.WorkOrder(ctx, "d1", "wo-1")
		require.ErrorIs(t, err, org.ErrNotFound)
		require.ErrorContains(t, err, "sqlstore: ")
		_, err = ds.CalendarDay(ctx, "d1", "tech-1", "2026-11-26")
		require.ErrorIs(t, err, org.ErrNotFound, "another day of the same technician")
		_, err = ds.CalendarDay(ctx, "d1", "tech-2", "2026-11-25")
		require.ErrorIs(t, err, org.ErrNotFound, "the same day of another technician")
		_, err = ds.Complaint(ctx, "d1", "cp-1")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = ds.Survey(ctx, "d1", "wo-1")
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}

func woIDs(ws []servicedesk.WorkOrder) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, string(w.ID))
	}
	return out
}

// TestDeskWorkOrderQueries: filters, bounds [from, before) compared as
// instants whatever their zone and precision, byte order, pages.
func TestDeskWorkOrderQueries(t *testing.T) {
	t.Parallel()
	ids := []servicedesk.WorkOrderID{"wo-10", "wo-2", "WO-1", "a", "B", "wo-1", "_x", "Zed", "wo-3", "b"}
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }
	var orders []servicedesk.WorkOrder
	for i, id := range ids {
		state, adv := servicedesk.StateReceived, org.EmployeeID("adv-1")
		if i%3 == 0 {
			state = servicedesk.StateBooked
		}
		if i%2 == 0 {
			adv = "adv-2"
		}
		orders = append(orders, workOrder("d1", id, state, adv, at(i)))
	}
	sel := func(keep func(i int) bool) []string {
		out := []string{}
		for i, w := range orders {
			if keep(i) {
				out = append(out, string(w.ID))
			}
		}
		slices.Sort(out)
		return out
	}
	taipei := time.FixedZone("CST", 8*3600)
	cases := []struct {
		name string
		q    servicedesk.WorkOrderQuery
		want []string
	}{
		{"all", servicedesk.WorkOrderQuery{}, sel(func(int) bool { return true })},
		{"state", servicedesk.WorkOrderQuery{State: servicedesk.StateBooked}, sel(func(i int) bool { return i%3 == 0 })},
		{"advisor", servicedesk.WorkOrderQuery{Advisor: "adv-2"}, sel(func(i int) bool { return i%2 == 0 })},
		{"state and advisor", servicedesk.WorkOrderQuery{State: servicedesk.StateBooked, Advisor: "adv-1"},
			sel(func(i int) bool { return i%3 == 0 && i%2 == 1 })},
		{"from inclusive", servicedesk.WorkOrderQuery{OpenedFrom: at(7)}, sel(func(i int) bool { return i >= 7 })},
		{"before exclusive", servicedesk.WorkOrderQuery{OpenedBefore: at(3)}, sel(func(i int) bool { return i < 3 })},
		{"range", servicedesk.WorkOrderQuery{OpenedFrom: at(2), OpenedBefore: at(5)}, sel(func(i int) bool { return i >= 2 && i < 5 })},
		{"range in another zone", servicedesk.WorkOrderQuery{OpenedFrom: at(2).In(taipei), OpenedBefore: at(5).In(taipei)},
			sel(func(i int) bool { return i >= 2 && i < 5 })},
		{"from a nanosecond later", servicedesk.WorkOrderQuery{OpenedFrom: at(2).Add(time.Nanosecond)}, sel(func(i int) bool { return i > 2 })},
		{"before a nanosecond later", servicedesk.WorkOrderQuery{OpenedBefore: at(2).Add(time.Nanosecond)}, sel(func(i int) bool { return i <= 2 })},
		{"from after 9999", servicedesk.WorkOrderQuery{OpenedFrom: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{}},
		{"before after 9999", servicedesk.WorkOrderQuery{OpenedBefore: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, sel(func(int) bool { return true })},
		{"before year 1", servicedesk.WorkOrderQuery{OpenedBefore: time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC)}, []string{}},
		{"from before year 1", servicedesk.WorkOrderQuery{OpenedFrom: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}, sel(func(int) bool { return true })},
		{"empty range", servicedesk.WorkOrderQuery{OpenedFrom: at(5), OpenedBefore: at(5)}, []string{}},
		{"unknown state", servicedesk.WorkOrderQuery{State: "nope"}, []string{}},
		{"after and limit", servicedesk.WorkOrderQuery{After: "b", Limit: 2}, []string{"wo-1", "wo-10"}},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		ds := b.desk(t)
		deskCommit(t, ds, "d1", servicedesk.Change{WorkOrders: orders})
		deskCommit(t, ds, "d2", servicedesk.Change{WorkOrders: []servicedesk.WorkOrder{
			workOrder("d2", "a0", servicedesk.StateBooked, "adv-2", at(2))}})
		for _, c := range cases {
			got, err := ds.WorkOrders(t.Context(), "d1", c.q)
			require.NoError(t, err, c.name)
			require.NotNil(t, got, c.name)
			require.Equal(t, c.want, woIDs(got), c.name)
		}
		var paged []string
		q := servicedesk.WorkOrderQuery{Limit: 3}
		for range len(orders) {
			page, err := ds.WorkOrders(t.Context(), "d1", q)
			require.NoError(t, err)
			paged = append(paged, woIDs(page)...)
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1].ID
		}
		require.Equal(t, []string{"B", "WO-1", "Zed", "_x", "a", "b", "wo-1", "wo-10", "wo-2", "wo-3"}, paged, "byte order")
	})
}

// TestDeskComplaintAndSurveyQueries: the same filters on complaints and
// surveys.
func TestDeskComplaintAndSurveyQueries(t *testing.T) {
	t.Parallel()
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 24 * time.Hour) }
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ds := b.desk(t)
		var cs []servicedesk.Complaint
		var ss []servicedesk.Survey
		for i, id := range []string{"x3", "X1", "x2", "x10"} {
			c := complaint("d1", servicedesk.ComplaintID(id))
			c.OpenedAt = at(i)
			s := survey("d1", servicedesk.WorkOrderID(id))
			s.AnsweredAt = at(i)
			if i%2 == 0 {
				c.State, c.Advisor, s.Advisor = servicedesk.ComplaintOpen, "adv-2", "adv-2"
			}
			cs, ss = append(cs, c), append(ss, s)
		}
		deskCommit(t, ds, "d1", servicedesk.Change{Complaints: cs, Surveys: ss})
		deskCommit(t, ds, "d2", servicedesk.Change{Complaints: []servicedesk.Complaint{complaint("d2", "x0")},
			Surveys: []servicedesk.Survey{survey("d2", "x0")}})

		cids := func(q servicedesk.ComplaintQuery) []string {
			got, err := ds.Complaints(ctx, "d1", q)
			require.NoError(t, err)
			out := []string{}
			for _, c := range got {
				out = append(out, string(c.ID))
			}
			return out
		}
		sids := func(q servicedesk.SurveyQuery) []string {
			got, err := ds.Surveys(ctx, "d1", q)
			require.NoError(t, err)
			out := []string{}
			for _, s := range got {
				out = append(out, string(s.WorkOrder))
			}
			return out
		}
		require.Equal(t, []string{"X1", "x10", "x2", "x3"}, cids(servicedesk.ComplaintQuery{}))
		require.Equal(t, []string{"x2", "x3"}, cids(servicedesk.ComplaintQuery{State: servicedesk.ComplaintOpen}))
		require.Equal(t, []string{"X1", "x10"}, cids(servicedesk.ComplaintQuery{Advisor: "adv-1"}))
		require.Equal(t, []string{"X1", "x2"}, cids(servicedesk.ComplaintQuery{OpenedFrom: at(1), OpenedBefore: at(3)}))
		require.Equal(t, []string{"x2"}, cids(servicedesk.ComplaintQuery{After: "x10", Limit: 1}))

		require.Equal(t, []string{"X1", "x10", "x2", "x3"}, sids(servicedesk.SurveyQuery{}))
		require.Equal(t, []string{"x2", "x3"}, sids(servicedesk.SurveyQuery{Advisor: "adv-2"}))
		require.Equal(t, []string{"x10", "x2"}, sids(servicedesk.SurveyQuery{AnsweredFrom: at(2)}))
		require.Equal(t, []string{"x3"}, sids(servicedesk.SurveyQuery{AnsweredBefore: at(1)}))
		require.Equal(t, []string{"x10", "x2"}, sids(servicedesk.SurveyQuery{After: "X1", Limit: 2}))
	})
}

// TestDeskSharedTrail: events committed through org.Store and
// servicedesk.Store take Seqs from one counter, and SubjectEvents returns
// one subject's exactly, in Seq order.
func TestDeskSharedTrail(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		ds := s.ServiceDesk()
		commit(t, s, "d1", org.Change{Employees: []org.Employee{employee("d1", "e1")}, Events: []org.Event{event("d1", "o1")}})
		deskCommit(t, ds, "d1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-7", servicedesk.StateReceived, "e1", t0)},
			Events: []org.Event{deskEvent("d1", "s1", "workorder/wo-7"), deskEvent("d1", "s2", "workorder/wo-70"),
				deskEvent("d1", "s3", "workorder/wo-7")}})
		commit(t, s, "d1", org.Change{Events: []org.Event{event("d1", "o2")}})
		deskCommit(t, ds, "d2", servicedesk.Change{Events: []org.Event{deskEvent("d2", "t1", "workorder/wo-7")}})
		deskCommit(t, ds, "d1", servicedesk.Change{Events: []org.Event{deskEvent("d1", "s4", "workorder/wo-7")}})

		all, err := s.Events(ctx, "d1", 0, 100)
		require.NoError(t, err)
		var got []string
		for i, ev := range all {
			require.Equal(t, int64(i+1), ev.Seq)
			got = append(got, ev.ID)
		}
		require.Equal(t, []string{"o1", "s1", "s2", "s3", "o2", "s4"}, got)
		viaDesk, err := ds.Events(ctx, "d1", 2, 100)
		require.NoError(t, err)
		require.Equal(t, all[2:], viaDesk)

		sub, err := ds.SubjectEvents(ctx, "d1", "workorder/wo-7")
		require.NoError(t, err)
		require.Equal(t, []org.Event{all[1], all[3], all[5]}, sub)
		none, err := ds.SubjectEvents(ctx, "d1", "workorder/wo")
		require.NoError(t, err)
		require.NotNil(t, none)
		require.Empty(t, none, "no prefix match")
		other, err := ds.SubjectEvents(ctx, "d2", "workorder/wo-7")
		require.NoError(t, err)
		require.Len(t, other, 1)
		require.Equal(t, int64(1), other[0].Seq)
	})
}

// TestDeskNoDeadlock: writers commit the same two calendar days, listed in
// opposite orders, and retry on ErrConflict. Rows are written in key order
// whatever the Change's order, so PostgreSQL never finds a deadlock: every
// error is a conflict and every booking lands.
func TestDeskNoDeadlock(t *testing.T) {
	t.Parallel()
	const writers = 12
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		ds := b.desk(t)
		days := []string{"2026-11-25", "2026-11-26"}
		deskCommit(t, ds, "d1", servicedesk.Change{Calendar: []servicedesk.CalendarDay{
			calendarDay("d1", "tech-1", days[0]), calendarDay("d1", "tech-1", days[1])}})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for {
					var change servicedesk.Change
					for _, day := range days {
						cd, err := ds.CalendarDay(ctx, "d1", "tech-1", day)
						if err != nil {
							t.Errorf("writer %d: %v", w, err)
							return
						}
						cd.Slots = append(cd.Slots, servicedesk.Slot{WorkOrder: servicedesk.WorkOrderID(fmt.Sprint("wo-", w)), Start: t0, End: t0})
						cd.Version++
						change.Calendar = append(change.Calendar, cd)
					}
					if w%2 == 1 {
						change.Calendar[0], change.Calendar[1] = change.Calendar[1], change.Calendar[0]
					}
					change.Events = []org.Event{deskEvent("d1", fmt.Sprint("w", w), "calendar/tech-1")}
					err := ds.Commit(ctx, "d1", change)
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
		for _, day := range days {
			cd, err := ds.CalendarDay(ctx, "d1", "tech-1", day)
			require.NoError(t, err)
			require.Len(t, cd.Slots, writers, day)
			require.Equal(t, int64(writers+1), cd.Version, day)
		}
		evs, err := ds.SubjectEvents(ctx, "d1", "calendar/tech-1")
		require.NoError(t, err)
		require.Len(t, evs, writers)
	})
}

// TestDeskContextDone: a done context fails reads and commits, which
// write nothing.
func TestDeskContextDone(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ds := b.desk(t)
		done, cancel := context.WithCancel(t.Context())
		cancel()
		err := ds.Commit(done, "d1", servicedesk.Change{
			WorkOrders: []servicedesk.WorkOrder{workOrder("d1", "wo-1", servicedesk.StateReceived, "adv-1", t0)}})
		require.ErrorIs(t, err, done.Err())
		require.ErrorIs(t, ds.Commit(done, "d1", servicedesk.Change{}), done.Err())
		_, err = ds.WorkOrder(done, "d1", "wo-1")
		require.ErrorIs(t, err, done.Err())
		_, err = ds.WorkOrders(done, "d1", servicedesk.WorkOrderQuery{})
		require.ErrorIs(t, err, done.Err())
		_, err = ds.WorkOrders(done, "d1", servicedesk.WorkOrderQuery{OpenedFrom: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
		require.ErrorIs(t, err, done.Err(), "a query that needs no database")
		_, err = ds.SubjectEvents(done, "d1", "workorder/wo-1")
		require.ErrorIs(t, err, done.Err())
		list, err := ds.WorkOrders(t.Context(), "d1", servicedesk.WorkOrderQuery{})
		require.NoError(t, err)
		require.Empty(t, list)
	})
}

// TestDeskMigrationDown: 0002 rolls back to the org schema alone, which
// keeps working, and comes back.
func TestDeskMigrationDown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := t.Context()
		s := b.store(t)
		ds := s.ServiceDesk()
		require.NoError(t, s.MigrateDown(ctx, 1))
		_, err := ds.WorkOrder(ctx, "d1", "wo-1")
		require.Error(t, err)
		require.NotErrorIs(t, err, org.ErrNotFound, "work_orders after rolling 0002 back")
		commit(t, s, "d1", org.Change{Events: []org.Event{event("d1", "o1")}})
		require.NoError(t, s.Migrate(ctx))
		deskCommit(t, ds, "d1", servicedesk.Change{Events: []org.Event{deskEvent("d1", "s1", "workorder/wo-1")}})
		evs, err := ds.SubjectEvents(ctx, "d1", "workorder/wo-1")
		require.NoError(t, err)
		require.Len(t, evs, 1)
		require.Equal(t, int64(2), evs[0].Seq)
		require.True(t, strings.HasPrefix(evs[0].ID, "s1"))
	})
}
