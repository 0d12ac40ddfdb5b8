package policy_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/store/memstore"
)

// Names of this file start with sv: the package's other tests share it.

// svTaipei is the dealer's zone; the roster's dealer names it too.
var svTaipei = time.FixedZone("CST", 8*3600)

// svNov is the month most tests evaluate.
var svNov = policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})

func svDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// svAt is a local time in Taipei: "2026-11-03 09:10".
func svAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, svTaipei)
	if err != nil {
		panic(err)
	}
	return t
}

// The actors: two supervisors, three advisors, the host.
var (
	svLin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	svWu    = org.Actor{ID: "wu", Role: org.RoleSupervisor}
	svChen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	svAdmin = org.Admin("dms")
	svClock = org.Admin("timeclock")
)

// svWorld is a dealer with its roster, a policy service on memstore, and
// the month's clock.
type svWorld struct {
	t      *testing.T
	store  *memstore.Store
	roster *org.Service
	svc    *policy.Service
	clock  *org.ManualClock
}

func svNew(t *testing.T, facts policy.FactSource) *svWorld {
	t.Helper()
	ctx := t.Context()
	w := &svWorld{t: t, store: memstore.New(), clock: org.NewManualClock(svAt("2026-12-01 09:00"))}
	var err error
	w.roster, err = org.NewService(org.Config{Store: w.store, Clock: w.clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	// The roster dates from January 2025: incidents are recorded after
	// the employees joined.
	w.clock.Set(svAt("2025-01-06 09:00"))
	defer w.clock.Set(svAt("2026-12-01 09:00"))
	_, err = w.roster.CreateDealer(ctx, svAdmin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	_, err = w.roster.AddEmployee(ctx, "d1", svAdmin, org.NewEmployee{ID: "lin", Name: "Lin", Role: org.RoleSupervisor})
	require.NoError(t, err)
	_, err = w.roster.AddEmployee(ctx, "d1", svAdmin, org.NewEmployee{ID: "wu", Name: "Wu", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
	require.NoError(t, err)
	for _, e := range []org.EmployeeID{"chen", "wang", "huang"} {
		_, err := w.roster.AddEmployee(ctx, "d1", svAdmin, org.NewEmployee{ID: e, Name: string(e), Role: org.RoleAdvisor})
		require.NoError(t, err)
	}
	w.svc, err = policy.NewService(policy.Config{Store: w.store.Policy(), Roster: w.roster.Directory(), Clock: w.clock, IDs: org.SequentialIDs("p"), Facts: facts})
	require.NoError(t, err)
	return w
}

// save saves p, active, as lin, and requires it to land.
func (w *svWorld) save(p *policy.Policy) policy.StoredPolicy {
	w.t.Helper()
	sp, err := w.svc.SavePolicy(w.t.Context(), "d1", svLin, p, true)
	require.NoError(w.t, err)
	return sp
}

// svDefault is the default policy at a version.
func svDefault(version int) *policy.Policy {
	p := policy.Default("TWD")
	p.Version = version
	return p
}

// incident records an incident and requires it to land.
func (w *svWorld) incident(actor org.Actor, in policy.IncidentInput) policy.IncidentRecord {
	w.t.Helper()
	r, err := w.svc.RecordIncident(w.t.Context(), "d1", actor, in)
	require.NoError(w.t, err)
	return r
}

func (w *svWorld) late(id string, e org.EmployeeID, when string) policy.IncidentRecord {
	w.t.Helper()
	return w.incident(svClock, policy.IncidentInput{ID: id, Employee: e, Kind: policy.Late, At: svAt(when)})
}

func (w *svWorld) evaluate(p policy.Period) policy.EvaluationResult {
	w.t.Helper()
	res, err := w.svc.Evaluate(w.t.Context(), "d1", svLin, p)
	require.NoError(w.t, err)
	return res
}

// events is the dealer's whole trail.
func (w *svWorld) events() []org.Event {
	w.t.Helper()
	evs, err := w.store.Events(w.t.Context(), "d1", 0, org.MaxPage)
	require.NoError(w.t, err)
	return evs
}

// svSummary writes decisions as "key state v<policy version> actions".
func svSummary(ds []policy.Decision) []string {
	out := []string{}
	for _, d := range ds {
		acts := ""
		for _, a := range d.Proposal.Actions {
			acts += " " + string(a.Kind)
			if !a.Amount.IsZero() {
				acts += ":" + a.Amount.String()
			}
		}
		out = append(out, fmt.Sprintf("%s %s v%d%s", d.Key, d.State, d.Proposal.PolicyVersion, acts))
	}
	return out
}

func TestService_New(t *testing.T) {
	t.Parallel()
	_, err := policy.NewService(policy.Config{})
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("store"))
	assert.True(t, ve.Has("roster"))
	assert.ErrorContains(t, err, "policy: new service")
}

// svFill sets every field reachable from v: pointers point, slices and
// maps hold one element, strings and numbers are not zero. Decimals and
// instants are values and are left alone; depth stops a condition inside
// a condition.
func svFill(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		svFill(v.Elem(), depth+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		svFill(v.Index(0), depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		svFill(k, depth+1)
		svFill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() || v.Type() == reflect.TypeFor[decimal.Decimal]() {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				svFill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	}
}

// svShared returns the path of the first slice, map or pointer that a and
// b share, or "".
func svShared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer, reflect.Map:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		if a.Kind() == reflect.Pointer {
			return svShared(a.Elem(), b.Elem(), path)
		}
		return ""
	case reflect.Slice:
		if a.Len() == 0 || b.Len() == 0 {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		for i := range min(a.Len(), b.Len()) {
			if p := svShared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Struct:
		if a.Type() == reflect.TypeFor[decimal.Decimal]() {
			return ""
		}
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := svShared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	}
	return ""
}

// TestService_ClonesShareNothing fills every field of a decision and of a
// stored policy, fields added later included, and wants their clones to
// share no slice, map or pointer with them: the stores copy records with
// Clone.
func TestService_ClonesShareNothing(t *testing.T) {
	t.Parallel()
	var d policy.Decision
	svFill(reflect.ValueOf(&d).Elem(), 0)
	d.Proposal.Period = svNov
	c := d.Clone()
	assert.Empty(t, svShared(reflect.ValueOf(d), reflect.ValueOf(c), "Decision"))
	assert.Equal(t, d, c)

	var sp policy.StoredPolicy
	svFill(reflect.ValueOf(&sp).Elem(), 0)
	cp := sp.Clone()
	assert.Empty(t, svShared(reflect.ValueOf(sp), reflect.ValueOf(cp), "StoredPolicy"))
	assert.Equal(t, sp.Policy.Rules[0].When.All[0].Fact, cp.Policy.Rules[0].When.All[0].Fact)
}

func TestService_SavePolicy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	v1 := w.save(svDefault(1))
	require.True(t, v1.Active)
	require.Equal(t, svLin, v1.SavedBy)

	usd := svDefault(2)
	usd.Currency = "USD"
	bad := svDefault(2)
	bad.Rules[0].Then = nil
	cases := []struct {
		name  string
		actor org.Actor
		p     *policy.Policy
		want  error
		path  string
	}{
		{"R7_advisor_may_not_save", svChen, svDefault(2), policy.ErrForbidden, ""},
		{"invalid_policy_refused", svLin, bad, policy.ErrInvalid, "rules[0]"},
		{"currency_is_the_dealers", svLin, usd, policy.ErrInvalid, "currency"},
		{"same_version_never_changes", svLin, svDefault(1), policy.ErrInvalid, "version"},
		{"versions_only_increase", svAdmin, svDefault(1), policy.ErrInvalid, "version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.events())
			_, err := w.svc.SavePolicy(ctx, "d1", c.actor, c.p, true)
			require.ErrorIs(t, err, c.want)
			if c.path != "" {
				var ve *org.ValidationError
				require.ErrorAs(t, err, &ve)
				require.NotEmpty(t, ve.Fields)
				assert.Contains(t, ve.Fields[0].Path, c.path)
			}
			assert.Len(t, w.events(), before, "a refused save writes nothing")
		})
	}

	// Version 3 saved inactive; version 2 is then below a saved version.
	_, err := w.svc.SavePolicy(ctx, "d1", svAdmin, svDefault(3), false)
	require.NoError(t, err)
	_, err = w.svc.SavePolicy(ctx, "d1", svLin, svDefault(2), true)
	require.ErrorIs(t, err, policy.ErrInvalid, "2 is below the saved 3")

	act, err := w.svc.ActivePolicy(ctx, "d1", svAdmin)
	require.NoError(t, err)
	require.Equal(t, 1, act.Policy.Version, "saving inactive leaves the active one")
	sp, err := w.svc.ActivatePolicy(ctx, "d1", svLin, 3)
	require.NoError(t, err)
	require.True(t, sp.Active)
	all, err := w.svc.Policies(ctx, "d1", svAdmin)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.False(t, all[0].Active)
	assert.True(t, all[1].Active)

	before := len(w.events())
	_, err = w.svc.ActivatePolicy(ctx, "d1", svLin, 3)
	require.NoError(t, err)
	assert.Len(t, w.events(), before, "activating the active version writes nothing")
	_, err = w.svc.ActivatePolicy(ctx, "d1", svChen, 1)
	require.ErrorIs(t, err, policy.ErrForbidden)
	_, err = w.svc.ActivatePolicy(ctx, "d1", svWu, 1)
	require.ErrorIs(t, err, policy.ErrForbidden, "R2.2: the workshop's supervisor does not set the advisors' policy")
	_, err = w.svc.ActivatePolicy(ctx, "d1", svAdmin, 9)
	require.ErrorIs(t, err, policy.ErrNotFound)
	back, err := w.svc.ActivatePolicy(ctx, "d1", svAdmin, 1)
	require.NoError(t, err, "going back to an earlier version")
	assert.Equal(t, 1, back.Policy.Version)

	evs := w.events()
	last := evs[len(evs)-1]
	assert.Equal(t, "policy.activated", last.Type)
	assert.Equal(t, "policy/policy/1", last.Subject)
	assert.JSONEq(t, `{"id":"default","version":1,"replaces":3}`, string(last.Data))
}

func TestService_RecordIncident(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	w.save(svDefault(1)) // places 0: whole dollars

	r := w.incident(svLin, policy.IncidentInput{ID: "loss-1", Employee: "chen", Kind: policy.Loss, At: svAt("2026-11-05 10:00"),
		Amount: svDec("12000"), Note: "scratched a car"})
	assert.Equal(t, svAt("2026-11-05 10:00").UTC(), r.At)
	assert.Equal(t, time.UTC, r.At.Location(), "stored in UTC")
	assert.Equal(t, svLin, r.RecordedBy)
	got, err := w.store.Policy().Incident(ctx, "d1", "loss-1")
	require.NoError(t, err)
	assert.True(t, got.Amount.Equal(svDec("12000")))
	evs := w.events()
	assert.Equal(t, "policy.incident_recorded", evs[len(evs)-1].Type)
	assert.Equal(t, "policy/incident/loss-1", evs[len(evs)-1].Subject)

	generated := w.late("", "wang", "2026-11-06 09:20")
	assert.NotEmpty(t, generated.ID, "an ID is made when none is given")

	in := func(f func(*policy.IncidentInput)) policy.IncidentInput {
		x := policy.IncidentInput{Employee: "chen", Kind: policy.Late, At: svAt("2026-11-07 09:10")}
		f(&x)
		return x
	}
	cases := []struct {
		name  string
		actor org.Actor
		in    policy.IncidentInput
		want  error
		path  string
	}{
		{"R7.2_advisor_records_no_incident", svChen, in(func(*policy.IncidentInput) {}), policy.ErrForbidden, ""},
		{"R7.2a_time_clock_records_attendance_only", svClock, in(func(x *policy.IncidentInput) { x.Kind = policy.CustomerQuarrel }), policy.ErrForbidden, ""},
		{"R1.3_no_one_records_about_themselves", svLin, in(func(x *policy.IncidentInput) { x.Employee = "lin" }), policy.ErrForbidden, ""},
		{"unknown_kind", svLin, in(func(x *policy.IncidentInput) { x.Kind = "nap" }), policy.ErrInvalid, "kind"},
		{"kind_required", svLin, in(func(x *policy.IncidentInput) { x.Kind = "" }), policy.ErrInvalid, "kind"},
		{"time_required", svLin, in(func(x *policy.IncidentInput) { x.At = time.Time{} }), policy.ErrInvalid, "at"},
		{"not_in_the_future", svLin, in(func(x *policy.IncidentInput) { x.At = svAt("2026-12-24 09:00") }), policy.ErrInvalid, "at"},
		{"amount_not_negative", svLin, in(func(x *policy.IncidentInput) { x.Kind, x.Amount = policy.Loss, svDec("-1") }), policy.ErrInvalid, "amount"},
		{"amount_in_the_policys_places", svLin, in(func(x *policy.IncidentInput) { x.Kind, x.Amount = policy.Loss, svDec("100.5") }), policy.ErrInvalid, "amount"},
		{"amount_at_most_20_digits", svLin, in(func(x *policy.IncidentInput) { x.Kind, x.Amount = policy.Loss, svDec("1e20") }), policy.ErrInvalid, "amount"},
		{"employee_on_the_roster", svLin, in(func(x *policy.IncidentInput) { x.Employee = "nobody" }), policy.ErrInvalid, "employee"},
		{"id_once", svLin, in(func(x *policy.IncidentInput) { x.ID = "loss-1" }), policy.ErrInvalid, "id"},
		{"id_an_identifier", svLin, in(func(x *policy.IncidentInput) { x.ID = "no spaces" }), policy.ErrInvalid, "id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.events())
			_, err := w.svc.RecordIncident(ctx, "d1", c.actor, c.in)
			require.ErrorIs(t, err, c.want)
			if c.path != "" {
				fe, ok := org.FieldErrorOf(err, c.path)
				require.True(t, ok, "%v names %s", err, c.path)
				assert.NotEmpty(t, fe.Code)
			}
			assert.Len(t, w.events(), before, "a refused incident writes nothing")
		})
	}
	// R2.2: a supervisor records nothing about another department's
	// supervisor; the clock records about anyone.
	_, err = w.svc.RecordIncident(ctx, "d1", svWu, policy.IncidentInput{ID: "lin-late", Employee: "lin", Kind: policy.Late, At: svAt("2026-11-03 09:40")})
	require.ErrorIs(t, err, policy.ErrForbidden)
	w.late("lin-late", "lin", "2026-11-03 09:40")
	w.late("wu-late", "wu", "2026-11-04 09:40")
}

func TestService_Nominate(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	n, err := w.svc.Nominate(ctx, "d1", svLin, policy.NominationInput{Employee: "chen", Period: svNov, Reason: "saved a customer's day"})
	require.NoError(t, err)
	assert.Equal(t, org.EmployeeID("lin"), n.By)
	in := func(f func(*policy.NominationInput)) policy.NominationInput {
		x := policy.NominationInput{Employee: "wang", Period: svNov, Reason: "a reason"}
		f(&x)
		return x
	}
	cases := []struct {
		name  string
		actor org.Actor
		in    policy.NominationInput
		want  error
		path  string
	}{
		{"R7.1_only_a_supervisor_nominates", svChen, in(func(*policy.NominationInput) {}), policy.ErrForbidden, ""},
		{"R7.1_not_the_host", svAdmin, in(func(*policy.NominationInput) {}), policy.ErrForbidden, ""},
		{"R1.3_no_one_nominates_themselves", svLin, in(func(x *policy.NominationInput) { x.Employee = "lin" }), policy.ErrForbidden, ""},
		{"R7.1_reason_required", svLin, in(func(x *policy.NominationInput) { x.Reason = "  " }), policy.ErrInvalid, "reason"},
		{"period_required", svLin, in(func(x *policy.NominationInput) { x.Period = policy.Period{} }), policy.ErrInvalid, "period"},
		{"employee_on_the_roster", svLin, in(func(x *policy.NominationInput) { x.Employee = "nobody" }), policy.ErrInvalid, "employee"},
		{"once_per_supervisor_and_period", svLin, in(func(x *policy.NominationInput) { x.Employee = "chen" }), policy.ErrInvalid, "employee"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.events())
			_, err := w.svc.Nominate(ctx, "d1", c.actor, c.in)
			require.ErrorIs(t, err, c.want)
			if c.path != "" {
				_, ok := org.FieldErrorOf(err, c.path)
				require.True(t, ok, "%v names %s", err, c.path)
			}
			assert.Len(t, w.events(), before)
		})
	}
	// Another supervisor may nominate the same employee.
	_, err = w.svc.Nominate(ctx, "d1", svWu, policy.NominationInput{Employee: "chen", Period: svNov, Reason: "helped the workshop"})
	require.NoError(t, err)
	ns, err := w.svc.Nominations(ctx, "d1", svAdmin, svNov)
	require.NoError(t, err)
	assert.Len(t, ns, 2)
}

// TestService_EvaluateIdempotent evaluates a month again and again while the
// facts and the policy change: each evaluation records exactly the change.
func TestService_EvaluateIdempotent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	w.save(svDefault(1))
	// Two lates in late October count in November's 30-day window.
	w.late("l1", "chen", "2026-10-20 09:10")
	w.late("l2", "chen", "2026-10-28 09:10")
	w.late("l3", "chen", "2026-11-03 09:10")
	w.late("l4", "chen", "2026-11-05 09:10")
	_, err := w.svc.Nominate(ctx, "d1", svLin, policy.NominationInput{Employee: "wang", Period: svNov, Reason: "stayed late for a customer"})
	require.NoError(t, err)

	res := w.evaluate(svNov)
	assert.Equal(t, []string{
		"default/attendance/chen/2026-11/l3 proposed v1 fine:500",
		"default/attendance/chen/2026-11/l4 proposed v1 fine:1000",
		"default/special_contribution/wang/2026-11 proposed v1 bonus:5000 training_opportunity trip",
	}, svSummary(res.Decisions))
	assert.Equal(t, [4]int{3, 0, 0, 0}, [4]int{res.New, res.Updated, res.Unchanged, res.Withdrawn})
	assert.Equal(t, "default", res.PolicyID)

	t.Run("R1.3_same_inputs_write_nothing", func(t *testing.T) {
		before := w.events()
		again := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 0, 3, 0}, [4]int{again.New, again.Updated, again.Unchanged, again.Withdrawn})
		assert.Equal(t, svSummary(res.Decisions), svSummary(again.Decisions))
		assert.Len(t, w.events(), len(before), "no event")
		for i, d := range again.Decisions {
			assert.Equal(t, res.Decisions[i].Version, d.Version)
		}
	})

	t.Run("new_facts_update_a_proposal", func(t *testing.T) {
		// l0 is 24 days before l3, which becomes the 4th lateness in 30
		// days; l4 was the 4th and is the 5th, with the same fine but
		// another window in the facts it used.
		w.late("l0", "chen", "2026-10-10 09:10")
		res := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 2, 1, 0}, [4]int{res.New, res.Updated, res.Unchanged, res.Withdrawn})
		assert.Equal(t, "default/attendance/chen/2026-11/l3 proposed v1 fine:1000", svSummary(res.Decisions)[0])
		assert.Equal(t, "default/attendance/chen/2026-11/l4 proposed v1 fine:1000", svSummary(res.Decisions)[1])
		assert.Equal(t, int64(2), res.Decisions[0].Version)
		assert.Contains(t, res.Decisions[1].Proposal.Used[0].Value, "5: l0 late 2026-10-10")
		evs := w.events()
		assert.Equal(t, "policy.decision_reproposed", evs[len(evs)-1].Type)
	})

	t.Run("changed_policy_version_recorded", func(t *testing.T) {
		w.save(svDefault(2))
		res := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 3, 0, 0}, [4]int{res.New, res.Updated, res.Unchanged, res.Withdrawn})
		for _, d := range res.Decisions {
			assert.Equal(t, 2, d.Proposal.PolicyVersion, d.Key)
			assert.Equal(t, policy.Proposed, d.State)
		}
	})

	t.Run("approved_decisions_untouched", func(t *testing.T) {
		d, err := w.svc.Approve(ctx, "d1", svLin, policy.DecideInput{Key: "default/attendance/chen/2026-11/l4"})
		require.NoError(t, err)
		v3 := svDefault(3)
		v3.Ladders[0].Steps[3][0].Amount = svDec("2000")
		w.save(v3)
		res := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 2, 1, 0}, [4]int{res.New, res.Updated, res.Unchanged, res.Withdrawn})
		got, err := w.svc.Decision(ctx, "d1", svAdmin, d.Key)
		require.NoError(t, err)
		assert.Equal(t, d.Version, got.Version)
		assert.Equal(t, policy.Approved, got.State)
		assert.Equal(t, 2, got.Proposal.PolicyVersion, "an approved decision keeps the proposal approved")
		assert.True(t, got.Proposal.Actions[0].Amount.Equal(svDec("1000")))
	})

	t.Run("no_longer_proposed_withdrawn", func(t *testing.T) {
		v4 := svDefault(4)
		v4.Rules = v4.Rules[:2] // only the excellent advisor awards remain
		w.save(v4)
		res := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 0, 1, 2}, [4]int{res.New, res.Updated, res.Unchanged, res.Withdrawn})
		assert.Equal(t, []string{
			"default/attendance/chen/2026-11/l3 withdrawn v3 fine:2000",
			"default/attendance/chen/2026-11/l4 approved v2 fine:1000",
			"default/special_contribution/wang/2026-11 withdrawn v3 bonus:5000 training_opportunity trip",
		}, svSummary(res.Decisions))
		assert.Equal(t, svLin, res.Decisions[0].DecidedBy)
		assert.Contains(t, res.Decisions[0].Reason, "no longer proposed by policy default version 4")
		_, err := w.svc.Approve(ctx, "d1", svLin, policy.DecideInput{Key: res.Decisions[0].Key})
		require.ErrorIs(t, err, policy.ErrInvalidTransition, "a withdrawn decision is decided by no one")

		again := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 0, 3, 0}, [4]int{again.New, again.Updated, again.Unchanged, again.Withdrawn}, "withdrawn stays withdrawn")
	})

	t.Run("withdrawn_proposed_again", func(t *testing.T) {
		w.save(svDefault(5))
		res := w.evaluate(svNov)
		assert.Equal(t, [4]int{0, 2, 1, 0}, [4]int{res.New, res.Updated, res.Unchanged, res.Withdrawn})
		assert.Equal(t, "default/attendance/chen/2026-11/l3 proposed v5 fine:1000", svSummary(res.Decisions)[0])
		assert.Zero(t, res.Decisions[0].DecidedBy)
		assert.Empty(t, res.Decisions[0].Reason)
	})

	t.Run("decisions_read_by_employee", func(t *testing.T) {
		ds, err := w.svc.Decisions(ctx, "d1", svAdmin, svNov, "wang")
		require.NoError(t, err)
		require.Len(t, ds, 1)
		_, err = w.svc.Decisions(ctx, "d1", svAdmin, policy.Period{}, "")
		require.ErrorIs(t, err, policy.ErrInvalid)
	})
}

func TestService_EvaluateGuards(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	_, err := w.svc.Evaluate(ctx, "d1", svLin, svNov)
	require.ErrorIs(t, err, policy.ErrNotFound, "no active policy")
	w.save(svDefault(1))
	for name, c := range map[string]struct {
		actor  org.Actor
		period policy.Period
		want   error
	}{
		"R6.4_advisor_evaluates_nothing": {svChen, svNov, policy.ErrForbidden},
		"period_month_or_year":           {svLin, policy.Period{Year: 2026, Month: 13}, policy.ErrInvalid},
		"unknown_actor":                  {org.Actor{ID: "ghost", Role: org.RoleSupervisor}, svNov, policy.ErrForbidden},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := w.svc.Evaluate(ctx, "d1", c.actor, c.period)
			require.ErrorIs(t, err, c.want)
		})
	}
	res, err := w.svc.Evaluate(ctx, "d1", svAdmin, svNov)
	require.NoError(t, err, "the host evaluates at month end")
	assert.Empty(t, res.Decisions)
	assert.NotNil(t, res.Decisions)
}

// TestService_Decide tries to break every guard of Approve and Reject.
func TestService_Decide(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	w.save(svDefault(1))
	// A quarrel twice in a year: a demerit, then a demotion (severe).
	w.incident(svLin, policy.IncidentInput{ID: "q1", Employee: "chen", Kind: policy.CustomerQuarrel, At: svAt("2026-11-02 15:00")})
	w.incident(svLin, policy.IncidentInput{ID: "q2", Employee: "chen", Kind: policy.CustomerQuarrel, At: svAt("2026-11-20 15:00")})
	// A lateness of a supervisor, recorded by the clock.
	w.late("lin-1", "lin", "2026-11-04 09:30")
	res := w.evaluate(svNov)
	require.Equal(t, []string{
		"default/attendance/lin/2026-11/lin-1 proposed v1 warning",
		"default/conduct/chen/2026-11/q1 proposed v1 demerit",
		"default/conduct/chen/2026-11/q2 proposed v1 demotion",
	}, svSummary(res.Decisions))
	linKey, demerit, demotion := res.Decisions[0].Key, res.Decisions[1].Key, res.Decisions[2].Key
	require.True(t, res.Decisions[2].Proposal.NeedsApproval)

	cases := []struct {
		name    string
		reject  bool
		actor   org.Actor
		in      policy.DecideInput
		want    error
		path    string
		decided bool
	}{
		{name: "R7.2_advisor_decides_nothing", actor: svChen, in: policy.DecideInput{Key: demerit}, want: policy.ErrForbidden},
		{name: "R1.3_no_one_decides_about_themselves", actor: svLin, in: policy.DecideInput{Key: linKey, Reason: "I was stuck in traffic"}, want: policy.ErrForbidden},
		{name: "R1.3_no_one_rejects_about_themselves", reject: true, actor: svLin, in: policy.DecideInput{Key: linKey, Reason: "traffic"}, want: policy.ErrForbidden},
		{name: "R7.2_severe_needs_approval", actor: svLin, in: policy.DecideInput{Key: demotion}, want: policy.ErrInvalid, path: "reason"},
		{name: "R7.2_severe_needs_a_real_reason", actor: svLin, in: policy.DecideInput{Key: demotion, Reason: "   "}, want: policy.ErrInvalid, path: "reason"},
		{name: "rejection_needs_reason", reject: true, actor: svLin, in: policy.DecideInput{Key: demerit}, want: policy.ErrInvalid, path: "reason"},
		{name: "key_required", actor: svLin, in: policy.DecideInput{}, want: policy.ErrInvalid, path: "key"},
		{name: "unknown_key", actor: svLin, in: policy.DecideInput{Key: "default/x"}, want: policy.ErrNotFound},
		{name: "stale_version_conflicts", actor: svLin, in: policy.DecideInput{Key: demerit, ExpectedVersion: 7}, want: policy.ErrConflict},
		{name: "approve_minor_without_reason", actor: svLin, in: policy.DecideInput{Key: demerit, ExpectedVersion: 1}, decided: true},
		{name: "only_proposed_decisions", actor: svLin, in: policy.DecideInput{Key: demerit, Reason: "again"}, want: policy.ErrInvalidTransition},
		{name: "only_proposed_decisions_rejected", reject: true, actor: svLin, in: policy.DecideInput{Key: demerit, Reason: "again"}, want: policy.ErrInvalidTransition},
		{name: "R2.2_other_department_supervisor_cannot_decide_policy", actor: svWu, in: policy.DecideInput{Key: demotion, Reason: "second quarrel this month"}, want: policy.ErrForbidden},
		{name: "R7.2_severe_approved_with_reason", actor: svLin, in: policy.DecideInput{Key: demotion, Reason: "second quarrel this month"}, decided: true},
		{name: "R2.2_another_department's_supervisor_decides_nothing_about_a_supervisor", reject: true, actor: svWu, in: policy.DecideInput{Key: linKey, Reason: "the clock was wrong"}, want: policy.ErrForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.events())
			decide := w.svc.Approve
			if c.reject {
				decide = w.svc.Reject
			}
			d, err := decide(ctx, "d1", c.actor, c.in)
			if !c.decided {
				require.ErrorIs(t, err, c.want)
				if c.path != "" {
					_, ok := org.FieldErrorOf(err, c.path)
					require.True(t, ok, "%v names %s", err, c.path)
				}
				assert.Len(t, w.events(), before, "a refused decision writes nothing")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.actor, d.DecidedBy)
			assert.Equal(t, c.in.Reason, d.Reason)
			want := policy.Approved
			if c.reject {
				want = policy.Rejected
			}
			assert.Equal(t, want, d.State)
			evs := w.events()
			require.Len(t, evs, before+1)
			ev := evs[before]
			assert.Equal(t, "policy.decision_"+string(want), ev.Type)
			assert.Equal(t, "policy/decision/"+c.in.Key, ev.Subject)
			assert.Equal(t, c.actor, ev.Actor)
			var data struct{ Before, After policy.Decision }
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			assert.Equal(t, policy.Proposed, data.Before.State, "audited before")
			assert.Equal(t, want, data.After.State, "audited after")
		})
	}
	// An admin decides about anyone, a supervisor included (R2.2: a
	// supervisor reports to no one in this roster).
	w.late("lin-2", "lin", "2026-11-06 09:30")
	w.evaluate(svNov)
	_, err := w.svc.Approve(ctx, "d1", svAdmin, policy.DecideInput{Key: "default/attendance/lin/2026-11/lin-2"})
	require.NoError(t, err)
}

// TestService_EvaluateConcurrent: evaluations of one month at once never record
// a decision twice; each either lands or sees the other's and writes
// nothing (a loser that keeps conflicting returns ErrConflict).
func TestService_EvaluateConcurrent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	w.save(svDefault(1))
	for i := range 6 {
		w.late(fmt.Sprintf("l%d", i), []org.EmployeeID{"chen", "wang", "huang"}[i%3], fmt.Sprintf("2026-11-%02d 09:10", 2+i))
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			actor := svLin
			if i%2 == 1 {
				actor = svAdmin
			}
			_, errs[i] = w.svc.Evaluate(ctx, "d1", actor, svNov)
		})
	}
	close(start)
	wg.Wait()
	landed := 0
	for _, err := range errs {
		if err == nil {
			landed++
			continue
		}
		require.ErrorIs(t, err, policy.ErrConflict, "a loser reports a conflict, nothing else")
	}
	require.Positive(t, landed)
	ds, err := w.svc.Decisions(ctx, "d1", svAdmin, svNov, "")
	require.NoError(t, err)
	require.Len(t, ds, 6, "every lateness proposed once")
	proposed := 0
	for _, ev := range w.events() {
		if ev.Type == "policy.decision_proposed" {
			proposed++
		}
	}
	assert.Equal(t, 6, proposed, "each decision proposed by one evaluation only")
	for _, d := range ds {
		assert.Equal(t, int64(1), d.Version, d.Key)
	}
}

// TestService_SupervisionScope_R2_2: decisions and incidents about an
// employee belong to that employee's supervisor (or an admin); the policy
// and its evaluation to the service advisor department's supervisor (or
// an admin). Wu supervises the workshop, not the advisors (R2.2).
func TestService_SupervisionScope_R2_2(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	w := svNew(t, nil)
	w.save(svDefault(1))
	w.incident(svLin, policy.IncidentInput{ID: "q1", Employee: "chen", Kind: policy.CustomerQuarrel, At: svAt("2026-11-02 15:00")})
	w.incident(svLin, policy.IncidentInput{ID: "q2", Employee: "wang", Kind: policy.CustomerQuarrel, At: svAt("2026-11-03 15:00")})
	res := w.evaluate(svNov)
	require.Len(t, res.Decisions, 2)
	chenKey, wangKey := res.Decisions[0].Key, res.Decisions[1].Key
	steps := []struct {
		name string
		run  func() error
		want error
	}{
		{"R2.2_other_department_supervisor_cannot_decide_policy", func() error {
			_, err := w.svc.Approve(ctx, "d1", svWu, policy.DecideInput{Key: chenKey, Reason: "x"})
			return err
		}, policy.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_reject_policy", func() error {
			_, err := w.svc.Reject(ctx, "d1", svWu, policy.DecideInput{Key: chenKey, Reason: "x"})
			return err
		}, policy.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_record_an_incident", func() error {
			_, err := w.svc.RecordIncident(ctx, "d1", svWu, policy.IncidentInput{Employee: "chen", Kind: policy.CustomerQuarrel, At: svAt("2026-11-04 15:00")})
			return err
		}, policy.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_evaluate", func() error {
			_, err := w.svc.Evaluate(ctx, "d1", svWu, svNov)
			return err
		}, policy.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_save_the_policy", func() error {
			_, err := w.svc.SavePolicy(ctx, "d1", svWu, svDefault(2), true)
			return err
		}, policy.ErrForbidden},
		{"R2.2_other_department_supervisor_cannot_activate_a_policy", func() error {
			_, err := w.svc.ActivatePolicy(ctx, "d1", svWu, 1)
			return err
		}, policy.ErrForbidden},
		{"R2.2_supervisor_decides_about_their_advisor", func() error {
			_, err := w.svc.Approve(ctx, "d1", svLin, policy.DecideInput{Key: chenKey})
			return err
		}, nil},
		{"R2.2_admin_decides_about_anyone", func() error {
			_, err := w.svc.Reject(ctx, "d1", svAdmin, policy.DecideInput{Key: wangKey, Reason: "the customer withdrew"})
			return err
		}, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := len(w.events())
			err := st.run()
			if st.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, st.want)
			assert.Contains(t, err.Error(), "R2.2")
			assert.Len(t, w.events(), before, "a refused command writes nothing")
		})
	}
}
