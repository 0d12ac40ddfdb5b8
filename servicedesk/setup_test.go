package servicedesk_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/memstore"
)

// The people of the test dealership.
var (
	admin  = org.Admin("test")
	sup    = org.Actor{ID: "sup", Role: org.RoleSupervisor}
	chen   = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang   = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	wu     = org.Actor{ID: "wu", Role: org.RoleTechnician}
	tsai   = org.Actor{ID: "tsai", Role: org.RoleTechnician}
	dealer = org.DealerID("d1")
	monday = time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC) // 08:30 in Taipei
	taipei = mustLoc("Asia/Taipei")
)

// dec reads a decimal literal in a test.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

type fixture struct {
	ctx    context.Context
	store  *memstore.Store // nil unless the fixture runs on memory
	roster *org.Service
	desk   *servicedesk.Service
	clock  *org.ManualClock
}

func newFixture(t testing.TB, opts servicedesk.Options) *fixture {
	t.Helper()
	store := memstore.New()
	f := newFixtureOn(t, store, store.ServiceDesk(), opts)
	f.store = store
	return f
}

// newFixtureOn seeds the test dealership on any pair of stores that share
// one database.
func newFixtureOn(t testing.TB, os org.Store, ds servicedesk.Store, opts servicedesk.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := org.NewManualClock(monday)
	roster, err := org.NewService(org.Config{Store: os, Clock: clock, IDs: org.SequentialIDs("ev")})
	require.NoError(t, err)
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "sup", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
		{ID: "tsai", Name: "Tsai", Role: org.RoleTechnician},
	} {
		_, err := roster.AddEmployee(ctx, dealer, admin, e)
		require.NoError(t, err)
	}
	desk, err := servicedesk.NewService(servicedesk.Config{Store: ds, Roster: roster.Directory(), Clock: clock,
		IDs: org.SequentialIDs("sd"), Options: opts})
	require.NoError(t, err)
	return &fixture{ctx: ctx, roster: roster, desk: desk, clock: clock}
}

// signature is the evidence of a consent signed at the desk: a reference
// to the signed document, all the default rules ask of it.
func signature(ref string) servicedesk.ConsentEvidence {
	return servicedesk.ConsentEvidence{Reference: ref}
}

// call is the evidence of a consent by phone, as the default rules ask:
// the number called, when (the fixture's clock, which rarely moves), the work
// and the total of the approved work as told ("" when nothing is
// approved).
func (f *fixture) call(work, total string) servicedesk.ConsentEvidence {
	ev := servicedesk.ConsentEvidence{Contact: "0912-000-111", At: f.clock.Now(), WorkTold: work}
	if total != "" {
		ev.TotalTold = dec(total)
	}
	return ev
}

// at is a Taipei wall-clock time on Monday 2 November 2026 (or later days).
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, taipei)
}

// receive opens an order for chen with two concerns.
func (f *fixture) receive(t testing.TB, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	t.Helper()
	w, err := f.desk.Receive(f.ctx, dealer, chen, servicedesk.Reception{
		ID: id, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Mr. Kao", Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, VIN: "JTDBR32E720123456", Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"brakes squeal", "oil change due"},
	})
	require.NoError(t, err)
	return w
}

// toApproved drives a new order to approved: walk-around, diagnosis,
// estimate of two jobs (j1 brakes, j2 oil), j1 and j2 approved.
func (f *fixture) toApproved(t testing.TB, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	t.Helper()
	f.toEstimate(t, id)
	w, err := f.desk.Approve(f.ctx, dealer, chen, servicedesk.Ref{ID: id}, servicedesk.Consent{Approved: []string{"j1", "j2"}, By: "Mr. Kao", Method: servicedesk.ApprovalSignature,
		Evidence: signature("signatures/" + string(id) + ".png")})
	require.NoError(t, err)
	return w
}

// toEstimate drives a new order to estimated: walk-around, diagnosis,
// estimate of two jobs (j1 brakes, j2 oil).
func (f *fixture) toEstimate(t testing.TB, id servicedesk.WorkOrderID) servicedesk.WorkOrder {
	t.Helper()
	f.receive(t, id)
	ref := servicedesk.Ref{ID: id}
	_, err := f.desk.RecordCondition(f.ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{
		{Area: "front bumper", Status: servicedesk.ConditionDamaged, Note: "scratch"}, {Area: "interior", Status: servicedesk.ConditionOK}}})
	require.NoError(t, err)
	_, err = f.desk.Acknowledge(f.ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Mr. Kao"})
	require.NoError(t, err)
	_, err = f.desk.Diagnose(f.ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{
		{ConcernID: "c1", Cause: "front pads worn", Correction: "replace front pads"},
		{ConcernID: "c2", Cause: "10,000 km since last change", Correction: "change oil and filter"}}})
	require.NoError(t, err)
	_, err = f.desk.Estimate(f.ctx, dealer, chen, ref, servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{
		{ConcernID: "c1", Title: "Front brake pads", Hours: dec("1.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "BRK-01", Description: "replace pads", Quantity: dec("1.5"), UnitPrice: dec("1200")},
			{Kind: servicedesk.LinePart, Code: "PAD-F", Description: "front pads", Quantity: dec("1"), UnitPrice: dec("2450")}}},
		{ConcernID: "c2", Title: "Oil change", Hours: dec("0.5"), Lines: []servicedesk.LineInput{
			{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: dec("0.5"), UnitPrice: dec("1200")},
			{Kind: servicedesk.LinePart, Code: "OIL-5W30", Description: "oil 5W-30", Quantity: dec("4"), UnitPrice: dec("320")}}}}})
	require.NoError(t, err)
	w, err := f.desk.WorkOrder(f.ctx, dealer, admin, id)
	require.NoError(t, err)
	return w
}
