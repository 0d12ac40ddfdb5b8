package org_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// The fixtures below are shared by every test of package org_test.

const d1 org.DealerID = "d1"

var (
	admin = org.Admin("root")
	start = time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
)

func ptr[T any](v T) *T { return &v }

// fixture is a Service on a new memstore with a manual clock and
// sequential IDs, so every test is isolated and reproducible.
type fixture struct {
	store org.Store
	clock *org.ManualClock
	svc   *org.Service
}

// newService builds a Service from cfg on a new memstore (or on cfg.Store,
// when set).
func newService(t *testing.T, cfg org.Config) *fixture {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = memstore.New()
	}
	clock := org.NewManualClock(start)
	cfg.Clock, cfg.IDs = clock, org.SequentialIDs("id-")
	svc, err := org.NewService(cfg)
	require.NoError(t, err)
	return &fixture{store: cfg.Store, clock: clock, svc: svc}
}

// newDealer is newService with dealer d1 and an empty roster.
func newDealer(t *testing.T, cfg org.Config) *fixture {
	t.Helper()
	f := newService(t, cfg)
	_, err := f.svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: d1, Name: "East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	return f
}

// newFixture is dealer d1 with supervisor sup and advisors a1 and a2 in
// service_advisor (a2 reports to a1 explicitly, a1 to sup through the
// department), and technician t1 in a workshop without a supervisor.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := newDealer(t, org.Config{})
	f.add(t, admin, org.NewEmployee{ID: "sup", Name: "Lin Supervisor", Role: org.RoleSupervisor})
	f.add(t, admin, org.NewEmployee{ID: "a1", Name: "Chen Advisor", Role: org.RoleAdvisor})
	f.add(t, admin, org.NewEmployee{ID: "a2", Name: "Wang Advisor", Role: org.RoleAdvisor, SupervisorID: "a1"})
	f.add(t, admin, org.NewEmployee{ID: "t1", Name: "Huang Technician", Role: org.RoleTechnician})
	return f
}

func (f *fixture) add(t *testing.T, actor org.Actor, in org.NewEmployee) org.Employee {
	t.Helper()
	e, err := f.svc.AddEmployee(t.Context(), d1, actor, in)
	require.NoError(t, err, "add %s", in.ID)
	return e
}

func (f *fixture) change(t *testing.T, actor org.Actor, in org.EmployeeChange) org.Employee {
	t.Helper()
	e, err := f.svc.ChangeEmployee(t.Context(), d1, actor, in)
	require.NoError(t, err, "change %s", in.ID)
	return e
}

func (f *fixture) deactivate(t *testing.T, id org.EmployeeID) org.Employee {
	t.Helper()
	e, err := f.svc.DeactivateEmployee(t.Context(), d1, admin, org.StatusChange{ID: id, Reason: "left"})
	require.NoError(t, err, "deactivate %s", id)
	return e
}

func (f *fixture) reactivate(t *testing.T, id org.EmployeeID) org.Employee {
	t.Helper()
	e, err := f.svc.ReactivateEmployee(t.Context(), d1, admin, org.StatusChange{ID: id, Reason: "back"})
	require.NoError(t, err, "reactivate %s", id)
	return e
}

func (f *fixture) employee(t *testing.T, id org.EmployeeID) org.Employee {
	t.Helper()
	e, err := f.svc.Directory().Employee(t.Context(), d1, id)
	require.NoError(t, err)
	return e
}

func (f *fixture) dealer(t *testing.T) org.Dealer {
	t.Helper()
	d, err := f.svc.Directory().Dealer(t.Context(), d1)
	require.NoError(t, err)
	return d
}

// state is everything the store holds for d1, one JSON document a record,
// so that a failed comparison prints a readable diff.
type state struct {
	Dealer string
	Roster []string
	Events []string
}

func (f *fixture) state(t *testing.T) state {
	t.Helper()
	var s state
	d, err := f.svc.Directory().Dealer(t.Context(), d1)
	if !errors.Is(err, org.ErrNotFound) {
		require.NoError(t, err)
		s.Dealer = jsonOf(t, d)
	}
	roster, err := f.svc.Directory().Roster(t.Context(), d1)
	require.NoError(t, err)
	for _, e := range roster {
		s.Roster = append(s.Roster, jsonOf(t, e))
	}
	for _, ev := range f.events(t) {
		s.Events = append(s.Events, jsonOf(t, ev))
	}
	return s
}

func (f *fixture) events(t *testing.T) []org.Event {
	t.Helper()
	evs, err := f.svc.Events(t.Context(), d1, admin, 0, org.MaxPage)
	require.NoError(t, err)
	return evs
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// unchanged runs cmd, asserts that it wrote nothing, and returns its error.
func (f *fixture) unchanged(t *testing.T, cmd func() error) error {
	t.Helper()
	before := f.state(t)
	err := cmd()
	assert.Equal(t, before, f.state(t), "the refused command changed the store")
	return err
}

// requireFields asserts that err is a *ValidationError of op naming exactly
// the paths of want, each once, with its code.
func requireFields(t *testing.T, err error, op string, want map[string]string) {
	t.Helper()
	require.ErrorIs(t, err, org.ErrInvalid)
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, op, ve.Op)
	got := make([]string, 0, len(ve.Fields))
	for _, fe := range ve.Fields {
		got = append(got, fe.Path+": "+fe.Code)
		assert.NotEmpty(t, fe.Message, "field %s has no message", fe.Path)
	}
	exp := make([]string, 0, len(want))
	for path, code := range want {
		exp = append(exp, path+": "+code)
	}
	assert.ElementsMatch(t, exp, got, "fields of %v", err)
}

// A command of the roster, as a table entry runs it.
type command func(ctx context.Context, f *fixture) error

func addCmd(actor org.Actor, in org.NewEmployee) command {
	return func(ctx context.Context, f *fixture) error {
		_, err := f.svc.AddEmployee(ctx, d1, actor, in)
		return err
	}
}

func changeCmd(actor org.Actor, in org.EmployeeChange) command {
	return func(ctx context.Context, f *fixture) error {
		_, err := f.svc.ChangeEmployee(ctx, d1, actor, in)
		return err
	}
}

func deactivateCmd(actor org.Actor, in org.StatusChange) command {
	return func(ctx context.Context, f *fixture) error {
		_, err := f.svc.DeactivateEmployee(ctx, d1, actor, in)
		return err
	}
}

func reactivateCmd(actor org.Actor, in org.StatusChange) command {
	return func(ctx context.Context, f *fixture) error {
		_, err := f.svc.ReactivateEmployee(ctx, d1, actor, in)
		return err
	}
}

// invalidCase is a command the service must refuse with a ValidationError
// naming exactly want, writing nothing.
type invalidCase struct {
	name  string
	setup func(t *testing.T, f *fixture)
	run   command
	want  map[string]string
}

func runInvalid(t *testing.T, op string, cases []invalidCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			err := f.unchanged(t, func() error { return c.run(t.Context(), f) })
			requireFields(t, err, op, c.want)
		})
	}
}

var (
	sup = org.Actor{ID: "sup", Role: org.RoleSupervisor}
	a1  = org.Actor{ID: "a1", Role: org.RoleAdvisor}
)

func TestAddEmployee(t *testing.T) {
	t.Parallel()

	t.Run("stores_every_field", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		d := f.dealer(t)
		f.clock.Set(time.Date(2026, 11, 3, 9, 0, 0, 123456789, time.FixedZone("CST", 8*3600)))
		in := org.NewEmployee{
			ID: "a3", Name: "  Lee Advisor  ", Role: org.RoleAdvisor, SupervisorID: "a1",
			Email: "lee@example.com", Phone: "+886 912-345-678", Skills: []string{"EV", "hybrid"},
			BonusBase: decimal.RequireFromString("12000.50"),
		}
		got := f.add(t, sup, in)
		at := time.Date(2026, 11, 3, 1, 0, 0, 123456000, time.UTC)
		want := org.Employee{
			DealerID: d1, ID: "a3", Name: "Lee Advisor", Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor,
			SupervisorID: "a1", Email: in.Email, Phone: in.Phone, Skills: []string{"EV", "hybrid"},
			BonusBase: in.BonusBase, Active: true, Version: 1, CreatedAt: at, UpdatedAt: at,
		}
		assert.Equal(t, want, got)
		assert.Equal(t, want, f.employee(t, "a3"))
		in.Skills[0] = "changed"
		assert.Equal(t, []string{"EV", "hybrid"}, f.employee(t, "a3").Skills, "the stored record shares memory with the input")
		assert.Equal(t, d.Version+1, f.dealer(t).Version, "R2.1: adding an employee must advance the dealer's version")
	})

	t.Run("ID_from_the_IDSource_when_empty", func(t *testing.T) {
		t.Parallel()
		f := newDealer(t, org.Config{})
		// CreateDealer used id-1 for its event.
		e := f.add(t, admin, org.NewEmployee{Name: "Anon", Role: org.RoleAdvisor})
		assert.Equal(t, org.EmployeeID("id-2"), e.ID)
	})

	t.Run("bonus_base_with_trailing_zeros_beyond_four_places", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		e := f.add(t, admin, org.NewEmployee{ID: "a3", Name: "Lee", Role: org.RoleAdvisor, BonusBase: decimal.RequireFromString("1.500000")})
		assert.True(t, e.BonusBase.Equal(decimal.RequireFromString("1.5")))
	})

	t.Run("R2.1_supervisor_of_another_department", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		e := f.add(t, admin, org.NewEmployee{ID: "wsup", Name: "Workshop Lead", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
		assert.Equal(t, org.DeptWorkshop, e.Department)
	})

	t.Run("R2.1_new_supervisor_once_the_old_one_is_inactive", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.deactivate(t, "sup")
		f.add(t, admin, org.NewEmployee{ID: "sup2", Name: "New Lead", Role: org.RoleSupervisor})
	})

	t.Run("unknown_dealer", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.svc.AddEmployee(t.Context(), "nowhere", admin, org.NewEmployee{Name: "X", Role: org.RoleAdvisor})
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}

func TestDepartmentDefaultsFromRole(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		role org.Role
		dept org.Department
		want org.Department
	}{
		{"supervisor_in_service_advisor", org.RoleSupervisor, "", org.DeptServiceAdvisor},
		{"advisor_in_service_advisor", org.RoleAdvisor, "", org.DeptServiceAdvisor},
		{"technician_in_workshop", org.RoleTechnician, "", org.DeptWorkshop},
		{"extra_role_in_service_advisor", "foreman", "", org.DeptServiceAdvisor},
		{"explicit_department_kept", org.RoleAdvisor, org.DeptWorkshop, org.DeptWorkshop},
		{"explicit_extra_department_kept", org.RoleTechnician, "parts", "parts"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newDealer(t, org.Config{Roles: []org.Role{"foreman"}, Departments: []org.Department{"parts"}})
			e := f.add(t, admin, org.NewEmployee{ID: "e1", Name: "E", Role: c.role, Department: c.dept})
			assert.Equal(t, c.want, e.Department)
			assert.Equal(t, c.want, f.employee(t, "e1").Department)
		})
	}
}

func TestAddEmployeeInvalid(t *testing.T) {
	t.Parallel()
	add := func(in org.NewEmployee) command { return addCmd(admin, in) }
	runInvalid(t, "org: add employee", []invalidCase{
		{name: "every_bad_field_at_once", run: add(org.NewEmployee{Name: "  ", Role: "boss", Email: "not-mail", Phone: "call me"}),
			want: map[string]string{"name": org.CodeRequired, "role": org.CodeUnknown, "email": org.CodeFormat, "phone": org.CodeFormat}},
		{name: "role_required", run: add(org.NewEmployee{Name: "X"}),
			want: map[string]string{"role": org.CodeRequired}},
		{name: "department_unknown", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, Department: "sales"}),
			want: map[string]string{"department": org.CodeUnknown}},
		{name: "id_malformed", run: add(org.NewEmployee{ID: "a 3", Name: "X", Role: org.RoleAdvisor}),
			want: map[string]string{"id": org.CodeFormat}},
		{name: "id_too_long", run: add(org.NewEmployee{ID: org.EmployeeID(fmt.Sprintf("%065d", 0)), Name: "X", Role: org.RoleAdvisor}),
			want: map[string]string{"id": org.CodeTooLong}},
		{name: "id_duplicate", run: add(org.NewEmployee{ID: "a1", Name: "Twin", Role: org.RoleAdvisor}),
			want: map[string]string{"id": org.CodeDuplicate}},
		{name: "skills_repeated", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, Skills: []string{"EV", "EV"}}),
			want: map[string]string{"skills": org.CodeInvalid}},
		{name: "skill_blank", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, Skills: []string{" "}}),
			want: map[string]string{"skills[0]": org.CodeRequired}},
		{name: "bonus_base_negative", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, BonusBase: decimal.New(-1, 0)}),
			want: map[string]string{"bonus_base": org.CodeRange}},
		{name: "bonus_base_not_below_10^20", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, BonusBase: decimal.New(1, 20)}),
			want: map[string]string{"bonus_base": org.CodeRange}},
		{name: "bonus_base_five_decimal_places", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, BonusBase: decimal.RequireFromString("0.00001")}),
			want: map[string]string{"bonus_base": org.CodePlaces}},
		{name: "R2.1_second_supervisor_refused", run: add(org.NewEmployee{Name: "Another", Role: org.RoleSupervisor}),
			want: map[string]string{"role": org.CodeSecondHolder}},
		{name: "R2.1_second_supervisor_refused_with_explicit_department", run: add(org.NewEmployee{Name: "Another", Role: org.RoleSupervisor, Department: org.DeptServiceAdvisor}),
			want: map[string]string{"role": org.CodeSecondHolder}},
		{name: "supervisor_must_exist", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, SupervisorID: "nobody"}),
			want: map[string]string{"supervisor_id": org.CodeNotFound}},
		{name: "supervisor_must_be_active", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2") },
			run:  add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, SupervisorID: "a2"}),
			want: map[string]string{"supervisor_id": org.CodeInactive}},
		{name: "supervisor_not_self", run: add(org.NewEmployee{ID: "self", Name: "Self", Role: org.RoleAdvisor, SupervisorID: "self"}),
			want: map[string]string{"supervisor_id": org.CodeSelfReference}},
		// A malformed ID cannot be on the roster; saying so a second time
		// piles a message on a field already wrong (ValidationError.Has).
		{name: "supervisor_id_malformed_named_once", run: add(org.NewEmployee{Name: "X", Role: org.RoleAdvisor, SupervisorID: "no one!"}),
			want: map[string]string{"supervisor_id": org.CodeFormat}},
	})
}

func TestChangeEmployee(t *testing.T) {
	t.Parallel()

	t.Run("details_change_and_version_advances", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		d := f.dealer(t)
		before := f.employee(t, "a1")
		f.clock.Advance(time.Hour)
		got := f.change(t, admin, org.EmployeeChange{
			ID: "a1", ExpectedVersion: 1, Name: ptr("  Chen Senior  "), Email: ptr("chen@example.com"),
			Phone: ptr("02-2345-6789"), Skills: &[]string{"EV"}, BonusBase: ptr(decimal.RequireFromString("30000")),
		})
		want := before
		want.Name, want.Email, want.Phone, want.Skills = "Chen Senior", "chen@example.com", "02-2345-6789", []string{"EV"}
		want.BonusBase = decimal.RequireFromString("30000")
		want.Version, want.UpdatedAt = 2, start.Add(time.Hour)
		assert.Equal(t, want, got)
		assert.Equal(t, want, f.employee(t, "a1"))
		assert.Equal(t, d.Version, f.dealer(t).Version, "a change of details must not touch the dealer")
	})

	t.Run("nil_fields_stay_and_empty_strings_clear", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.change(t, admin, org.EmployeeChange{ID: "a2", Email: ptr("w@example.com"), Phone: ptr("0912345678")})
		got := f.change(t, admin, org.EmployeeChange{ID: "a2", SupervisorID: ptr[org.EmployeeID](""), Email: ptr(""), Phone: ptr("")})
		assert.Equal(t, org.EmployeeID(""), got.SupervisorID)
		assert.Empty(t, got.Email)
		assert.Empty(t, got.Phone)
		assert.Equal(t, "Wang Advisor", got.Name)
		boss, err := f.svc.Directory().SupervisorOf(t.Context(), d1, "a2")
		require.NoError(t, err)
		assert.Equal(t, org.EmployeeID("sup"), boss.ID, "with the explicit line cleared, a2 reports to the department supervisor")
	})

	t.Run("structural_change_advances_the_dealer", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		d := f.dealer(t)
		got := f.change(t, admin, org.EmployeeChange{ID: "a2", Department: ptr(org.DeptWorkshop), Role: ptr(org.RoleTechnician), SupervisorID: ptr[org.EmployeeID]("")})
		assert.Equal(t, org.DeptWorkshop, got.Department)
		assert.Equal(t, d.Version+1, f.dealer(t).Version)
	})

	t.Run("R2.1_promotion_when_the_department_has_no_supervisor", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		got := f.change(t, admin, org.EmployeeChange{ID: "t1", Role: ptr(org.RoleSupervisor)})
		assert.Equal(t, org.RoleSupervisor, got.Role)
	})

	t.Run("ExpectedVersion_current_succeeds", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.change(t, admin, org.EmployeeChange{ID: "t1", Name: ptr("v2")})
		got := f.change(t, admin, org.EmployeeChange{ID: "t1", ExpectedVersion: 2, Name: ptr("v3")})
		assert.Equal(t, int64(3), got.Version)
	})

	t.Run("ExpectedVersion_stale_conflicts", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		read := f.employee(t, "t1")
		f.change(t, admin, org.EmployeeChange{ID: "t1", Name: ptr("concurrent")})
		err := f.unchanged(t, changeCmd(admin, org.EmployeeChange{ID: "t1", ExpectedVersion: read.Version, Name: ptr("mine")}).bind(t, f))
		require.ErrorIs(t, err, org.ErrConflict)
	})

	t.Run("unknown_employee", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		err := f.unchanged(t, changeCmd(admin, org.EmployeeChange{ID: "nobody", Name: ptr("X")}).bind(t, f))
		require.ErrorIs(t, err, org.ErrNotFound)
	})

	t.Run("unknown_dealer", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.svc.ChangeEmployee(t.Context(), "nowhere", admin, org.EmployeeChange{ID: "a1", Name: ptr("X")})
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}

// bind fixes a command's context and fixture, for fixture.unchanged.
func (c command) bind(t *testing.T, f *fixture) func() error {
	return func() error { return c(t.Context(), f) }
}

func TestChangeEmployeeInvalid(t *testing.T) {
	t.Parallel()
	change := func(in org.EmployeeChange) command { return changeCmd(admin, in) }
	addA3 := func(boss org.EmployeeID) func(t *testing.T, f *fixture) {
		return func(t *testing.T, f *fixture) {
			f.add(t, admin, org.NewEmployee{ID: "a3", Name: "Lee", Role: org.RoleAdvisor, SupervisorID: boss})
		}
	}
	runInvalid(t, "org: change employee", []invalidCase{
		{name: "id_required_and_every_other_problem_listed", run: change(org.EmployeeChange{Email: ptr("@@"), Phone: ptr("12")}),
			want: map[string]string{"id": org.CodeRequired, "email": org.CodeFormat, "phone": org.CodeFormat}},
		{name: "name_blank", run: change(org.EmployeeChange{ID: "a1", Name: ptr(" ")}),
			want: map[string]string{"name": org.CodeRequired}},
		{name: "contact_malformed", run: change(org.EmployeeChange{ID: "a1", Email: ptr("not-mail"), Phone: ptr("call me")}),
			want: map[string]string{"email": org.CodeFormat, "phone": org.CodeFormat}},
		{name: "expected_version_negative", run: change(org.EmployeeChange{ID: "a1", ExpectedVersion: -1}),
			want: map[string]string{"expected_version": org.CodeRange}},
		{name: "role_unknown", run: change(org.EmployeeChange{ID: "a1", Role: ptr[org.Role]("boss")}),
			want: map[string]string{"role": org.CodeUnknown}},
		// A pointer to "" is not "leave as is": it would write an employee
		// with no role, or no department.
		{name: "role_empty_refused", run: change(org.EmployeeChange{ID: "a1", Role: ptr[org.Role]("")}),
			want: map[string]string{"role": org.CodeRequired}},
		{name: "department_empty_refused", run: change(org.EmployeeChange{ID: "a1", Department: ptr[org.Department]("")}),
			want: map[string]string{"department": org.CodeRequired}},
		{name: "department_unknown", run: change(org.EmployeeChange{ID: "a1", Department: ptr[org.Department]("sales")}),
			want: map[string]string{"department": org.CodeUnknown}},
		{name: "skills_repeated", run: change(org.EmployeeChange{ID: "a1", Skills: &[]string{"EV", "EV"}}),
			want: map[string]string{"skills": org.CodeInvalid}},
		{name: "bonus_base_negative", run: change(org.EmployeeChange{ID: "a1", BonusBase: ptr(decimal.New(-5, -1))}),
			want: map[string]string{"bonus_base": org.CodeRange}},
		{name: "reason_too_long", run: change(org.EmployeeChange{ID: "a1", Reason: fmt.Sprintf("%501s", "x")}),
			want: map[string]string{"reason": org.CodeTooLong}},
		{name: "R2.1_promotion_to_second_supervisor_refused", run: change(org.EmployeeChange{ID: "a1", Role: ptr(org.RoleSupervisor)}),
			want: map[string]string{"role": org.CodeSecondHolder}},
		{name: "R2.1_supervisor_moved_into_a_supervised_department_refused",
			setup: func(t *testing.T, f *fixture) {
				f.add(t, admin, org.NewEmployee{ID: "wsup", Name: "Workshop Lead", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
			},
			run:  change(org.EmployeeChange{ID: "wsup", Department: ptr(org.DeptServiceAdvisor)}),
			want: map[string]string{"role": org.CodeSecondHolder}},
		{name: "supervisor_must_exist", run: change(org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("nobody")}),
			want: map[string]string{"supervisor_id": org.CodeNotFound}},
		{name: "supervisor_must_be_active",
			setup: func(t *testing.T, f *fixture) { addA3("")(t, f); f.deactivate(t, "a3") },
			run:   change(org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("a3")}),
			want:  map[string]string{"supervisor_id": org.CodeInactive}},
		{name: "supervisor_not_self", run: change(org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("a1")}),
			want: map[string]string{"supervisor_id": org.CodeSelfReference}},
		{name: "no_reporting_cycle_of_two", run: change(org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("a2")}),
			want: map[string]string{"supervisor_id": org.CodeCycle}},
		// a3 -> a2 -> a1; a1 -> a3 would close a loop of three.
		{name: "no_reporting_cycle_of_three", setup: addA3("a2"),
			run:  change(org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("a3")}),
			want: map[string]string{"supervisor_id": org.CodeCycle}},
		// a1 reports to sup as its department's supervisor; sup -> a1
		// makes each the other's supervisor (see TestSupervisorOf).
		{name: "no_reporting_cycle_through_the_department_supervisor",
			run:  change(org.EmployeeChange{ID: "sup", SupervisorID: ptr[org.EmployeeID]("a1")}),
			want: map[string]string{"supervisor_id": org.CodeCycle}},
		{name: "supervisor_id_malformed_named_once", run: change(org.EmployeeChange{ID: "a1", SupervisorID: ptr[org.EmployeeID]("no one!")}),
			want: map[string]string{"supervisor_id": org.CodeFormat}},
	})
}

func TestDeactivateReactivate(t *testing.T) {
	t.Parallel()

	t.Run("round_trip", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		d := f.dealer(t)
		off := f.deactivate(t, "t1")
		assert.False(t, off.Active)
		assert.Equal(t, int64(2), off.Version)
		assert.Equal(t, d.Version+1, f.dealer(t).Version)
		active, err := f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{})
		require.NoError(t, err)
		assert.Equal(t, []org.EmployeeID{"a1", "a2", "sup"}, ids(active), "an inactive employee is off the active roster")
		roster, err := f.svc.Directory().Roster(t.Context(), d1)
		require.NoError(t, err)
		assert.Equal(t, []org.EmployeeID{"a1", "a2", "sup", "t1"}, ids(roster), "the record stays")
		on := f.reactivate(t, "t1")
		assert.True(t, on.Active)
		assert.Equal(t, int64(3), on.Version)
		assert.Equal(t, d.Version+2, f.dealer(t).Version)
	})

	t.Run("ExpectedVersion_current_succeeds", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.svc.DeactivateEmployee(t.Context(), d1, admin, org.StatusChange{ID: "t1", ExpectedVersion: 1, Reason: "left"})
		require.NoError(t, err)
	})

	t.Run("inactive_explicit_reports_do_not_block", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.deactivate(t, "a2")
		f.deactivate(t, "a1")
	})

	t.Run("moved_reports_do_not_block", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.change(t, admin, org.EmployeeChange{ID: "a2", SupervisorID: ptr[org.EmployeeID]("")})
		f.deactivate(t, "a1")
	})

	t.Run("department_reports_do_not_block", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		f.deactivate(t, "sup")
		_, err := f.svc.Directory().SupervisorOf(t.Context(), d1, "a1")
		require.ErrorIs(t, err, org.ErrNotFound)
	})

	for _, c := range []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		run   command
		want  error
	}{
		{"deactivate_twice", func(t *testing.T, f *fixture) { f.deactivate(t, "t1") },
			deactivateCmd(admin, org.StatusChange{ID: "t1", Reason: "again"}), org.ErrInvalidTransition},
		{"reactivate_an_active_employee", nil,
			reactivateCmd(admin, org.StatusChange{ID: "t1", Reason: "again"}), org.ErrInvalidTransition},
		{"reactivate_twice", func(t *testing.T, f *fixture) { f.deactivate(t, "t1"); f.reactivate(t, "t1") },
			reactivateCmd(admin, org.StatusChange{ID: "t1", Reason: "again"}), org.ErrInvalidTransition},
		{"deactivate_ExpectedVersion_stale", func(t *testing.T, f *fixture) { f.change(t, admin, org.EmployeeChange{ID: "t1", Name: ptr("v2")}) },
			deactivateCmd(admin, org.StatusChange{ID: "t1", ExpectedVersion: 1, Reason: "left"}), org.ErrConflict},
		{"reactivate_ExpectedVersion_stale", func(t *testing.T, f *fixture) { f.deactivate(t, "t1") },
			reactivateCmd(admin, org.StatusChange{ID: "t1", ExpectedVersion: 1, Reason: "back"}), org.ErrConflict},
		{"deactivate_unknown", nil, deactivateCmd(admin, org.StatusChange{ID: "nobody", Reason: "left"}), org.ErrNotFound},
		{"reactivate_unknown", nil, reactivateCmd(admin, org.StatusChange{ID: "nobody", Reason: "back"}), org.ErrNotFound},
		{"nobody_deactivates_themselves", nil, deactivateCmd(sup, org.StatusChange{ID: "sup", Reason: "quit"}), org.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			err := f.unchanged(t, c.run.bind(t, f))
			require.ErrorIs(t, err, c.want)
			assert.NotErrorIs(t, err, org.ErrInvalid)
		})
	}
}

func TestDeactivateInvalid(t *testing.T) {
	t.Parallel()
	runInvalid(t, "org: deactivate employee", []invalidCase{
		{name: "id_and_reason_required", run: deactivateCmd(admin, org.StatusChange{Reason: " "}),
			want: map[string]string{"id": org.CodeRequired, "reason": org.CodeRequired}},
		{name: "expected_version_negative", run: deactivateCmd(admin, org.StatusChange{ID: "t1", ExpectedVersion: -2, Reason: "left"}),
			want: map[string]string{"expected_version": org.CodeRange}},
		{name: "refused_while_explicit_reports_exist", run: deactivateCmd(admin, org.StatusChange{ID: "a1", Reason: "left"}),
			want: map[string]string{"id": org.CodeHasReports}},
	})
}

func TestReactivateInvalid(t *testing.T) {
	t.Parallel()
	runInvalid(t, "org: reactivate employee", []invalidCase{
		{name: "reason_required", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "t1") },
			run:  reactivateCmd(admin, org.StatusChange{ID: "t1"}),
			want: map[string]string{"reason": org.CodeRequired}},
		{name: "R2.1_reactivating_a_second_supervisor_refused",
			setup: func(t *testing.T, f *fixture) {
				f.deactivate(t, "sup")
				f.add(t, admin, org.NewEmployee{ID: "sup2", Name: "New Lead", Role: org.RoleSupervisor})
			},
			run:  reactivateCmd(admin, org.StatusChange{ID: "sup", Reason: "back"}),
			want: map[string]string{"role": org.CodeSecondHolder}},
		{name: "supervisor_must_be_active",
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2"); f.deactivate(t, "a1") },
			run:   reactivateCmd(admin, org.StatusChange{ID: "a2", Reason: "back"}),
			want:  map[string]string{"supervisor_id": org.CodeInactive}},
	})
}

func ids(es []org.Employee) []org.EmployeeID {
	out := make([]org.EmployeeID, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// TestRosterActors: an admin manages anyone; a department's active
// supervisor manages the non-supervisors of that department, before and
// after the change; nobody else manages the roster.
func TestRosterActors(t *testing.T) {
	t.Parallel()
	wsup := org.Actor{ID: "wsup", Role: org.RoleSupervisor}
	t1 := org.Actor{ID: "t1", Role: org.RoleTechnician}
	rename := func(actor org.Actor, id org.EmployeeID) command {
		return changeCmd(actor, org.EmployeeChange{ID: id, Name: ptr("Renamed")})
	}
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		run   command
		want  error // nil: allowed
	}{
		{name: "admin_adds_anyone", run: addCmd(admin, org.NewEmployee{Name: "N", Role: org.RoleTechnician})},
		{name: "admin_adds_a_supervisor", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "sup") },
			run: addCmd(admin, org.NewEmployee{Name: "N", Role: org.RoleSupervisor})},
		{name: "admin_changes_a_supervisor", run: rename(admin, "wsup")},
		{name: "supervisor_adds_to_own_department", run: addCmd(sup, org.NewEmployee{Name: "N", Role: org.RoleAdvisor})},
		{name: "supervisor_adds_to_another_department", run: addCmd(sup, org.NewEmployee{Name: "N", Role: org.RoleTechnician}), want: org.ErrForbidden},
		{name: "supervisor_adds_a_supervisor", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "wsup") },
			run: addCmd(sup, org.NewEmployee{Name: "N", Role: org.RoleSupervisor, Department: org.DeptWorkshop}), want: org.ErrForbidden},
		{name: "supervisor_adds_a_supervisor_to_own_department", run: addCmd(sup, org.NewEmployee{Name: "N", Role: org.RoleSupervisor}), want: org.ErrForbidden},
		{name: "workshop_supervisor_adds_technician", run: addCmd(wsup, org.NewEmployee{Name: "N", Role: org.RoleTechnician})},
		{name: "advisor_adds", run: addCmd(a1, org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "technician_adds", run: addCmd(t1, org.NewEmployee{Name: "N", Role: org.RoleTechnician}), want: org.ErrForbidden},
		{name: "claimed_role_not_held", run: addCmd(org.Actor{ID: "a1", Role: org.RoleSupervisor}, org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "inactive_supervisor", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "sup") },
			run: addCmd(sup, org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "unknown_actor", run: addCmd(org.Actor{ID: "ghost", Role: org.RoleSupervisor}, org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "empty_actor", run: addCmd(org.Actor{}, org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "admin_without_ID", run: addCmd(org.Admin(""), org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "supervisor_of_another_dealer",
			setup: func(t *testing.T, f *fixture) {
				_, err := f.svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: "d2", Name: "West", TimeZone: "Asia/Taipei", Currency: "TWD"})
				require.NoError(t, err)
				_, err = f.svc.AddEmployee(t.Context(), "d2", admin, org.NewEmployee{ID: "boss", Name: "Boss", Role: org.RoleSupervisor})
				require.NoError(t, err)
			},
			run: addCmd(org.Actor{ID: "boss", Role: org.RoleSupervisor}, org.NewEmployee{Name: "N", Role: org.RoleAdvisor}), want: org.ErrForbidden},
		{name: "supervisor_changes_own_advisor", run: rename(sup, "a1")},
		{name: "supervisor_changes_another_department", run: rename(sup, "t1"), want: org.ErrForbidden},
		{name: "workshop_supervisor_changes_technician", run: rename(wsup, "t1")},
		{name: "supervisor_changes_themselves", run: rename(sup, "sup"), want: org.ErrForbidden},
		{name: "supervisor_changes_another_supervisor", run: rename(sup, "wsup"), want: org.ErrForbidden},
		{name: "supervisor_moves_advisor_out", run: changeCmd(sup, org.EmployeeChange{ID: "a1", Department: ptr(org.DeptWorkshop)}), want: org.ErrForbidden},
		{name: "supervisor_promotes_advisor", run: changeCmd(sup, org.EmployeeChange{ID: "a1", Role: ptr(org.RoleSupervisor)}), want: org.ErrForbidden},
		{name: "advisor_changes_themselves", run: rename(a1, "a1"), want: org.ErrForbidden},
		{name: "supervisor_deactivates_own_advisor", run: deactivateCmd(sup, org.StatusChange{ID: "a2", Reason: "left"})},
		{name: "supervisor_deactivates_another_department", run: deactivateCmd(sup, org.StatusChange{ID: "t1", Reason: "left"}), want: org.ErrForbidden},
		{name: "supervisor_deactivates_another_supervisor", run: deactivateCmd(sup, org.StatusChange{ID: "wsup", Reason: "left"}), want: org.ErrForbidden},
		{name: "nobody_deactivates_themselves", run: deactivateCmd(wsup, org.StatusChange{ID: "wsup", Reason: "quit"}), want: org.ErrForbidden},
		{name: "advisor_deactivates", run: deactivateCmd(a1, org.StatusChange{ID: "a2", Reason: "left"}), want: org.ErrForbidden},
		{name: "supervisor_reactivates_own_advisor", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2") },
			run: reactivateCmd(sup, org.StatusChange{ID: "a2", Reason: "back"})},
		{name: "supervisor_reactivates_another_department", setup: func(t *testing.T, f *fixture) { f.deactivate(t, "t1") },
			run: reactivateCmd(sup, org.StatusChange{ID: "t1", Reason: "back"}), want: org.ErrForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			// A second department with its own supervisor.
			f.add(t, admin, org.NewEmployee{ID: "wsup", Name: "Workshop Lead", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
			if c.setup != nil {
				c.setup(t, f)
			}
			if c.want == nil {
				require.NoError(t, c.run(t.Context(), f))
				return
			}
			err := f.unchanged(t, c.run.bind(t, f))
			require.ErrorIs(t, err, c.want)
		})
	}
}

func TestSupervisorOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		id    org.EmployeeID
		want  org.EmployeeID // "": ErrNotFound
	}{
		{name: "explicit_supervisor", id: "a2", want: "a1"},
		{name: "department_supervisor", id: "a1", want: "sup"},
		{name: "the_supervisor_has_none", id: "sup"},
		{name: "department_without_supervisor", id: "t1"},
		{name: "department_supervisor_added_later", id: "t1", want: "wsup",
			setup: func(t *testing.T, f *fixture) {
				f.add(t, admin, org.NewEmployee{ID: "wsup", Name: "Workshop Lead", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
			}},
		{name: "explicit_supervisor_across_departments", id: "t1", want: "a1",
			setup: func(t *testing.T, f *fixture) {
				f.change(t, admin, org.EmployeeChange{ID: "t1", SupervisorID: ptr[org.EmployeeID]("a1")})
			}},
		{name: "inactive_department_supervisor_is_none", id: "a1",
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "sup") }},
		{name: "inactive_employee_still_answered", id: "a2", want: "a1",
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2") }},
		{name: "unknown_employee", id: "nobody"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			got, err := f.svc.Directory().SupervisorOf(t.Context(), d1, c.id)
			if c.want == "" {
				require.ErrorIs(t, err, org.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got.ID)
		})
	}

	t.Run("unknown_dealer", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.svc.Directory().SupervisorOf(t.Context(), "nowhere", "a1")
		require.ErrorIs(t, err, org.ErrNotFound)
	})
}

func TestReports(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		setup      func(t *testing.T, f *fixture)
		supervisor org.EmployeeID
		want       []org.EmployeeID
	}{
		{name: "department_supervisor_gets_implicit_reports", supervisor: "sup", want: []org.EmployeeID{"a1"}},
		{name: "explicit_reports", supervisor: "a1", want: []org.EmployeeID{"a2"}},
		{name: "nobody_reports", supervisor: "t1"},
		{name: "unknown_supervisor", supervisor: "nobody"},
		{name: "inactive_reports_left_out", supervisor: "a1",
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2") }},
		{name: "ordered_by_ID", supervisor: "sup", want: []org.EmployeeID{"a0", "a1", "a2", "a9"},
			setup: func(t *testing.T, f *fixture) {
				f.change(t, admin, org.EmployeeChange{ID: "a2", SupervisorID: ptr[org.EmployeeID]("")})
				f.add(t, admin, org.NewEmployee{ID: "a9", Name: "Nine", Role: org.RoleAdvisor})
				f.add(t, admin, org.NewEmployee{ID: "a0", Name: "Zero", Role: org.RoleAdvisor})
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			got, err := f.svc.Directory().Reports(t.Context(), d1, c.supervisor)
			require.NoError(t, err)
			assert.Equal(t, c.want, nilIfEmpty(ids(got)))
		})
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.deactivate(t, "a2")
	for _, c := range []struct {
		name  string
		actor org.Actor
		roles []org.Role
		want  org.EmployeeID // "" with ok: the zero employee (an admin)
		ok    bool
	}{
		{"admin_when_allowed", admin, []org.Role{org.RoleAdmin, org.RoleSupervisor}, "", true},
		{"admin_when_not_allowed", admin, []org.Role{org.RoleSupervisor}, "", false},
		{"active_employee_in_claimed_role", sup, []org.Role{org.RoleAdmin, org.RoleSupervisor}, "sup", true},
		{"advisor_among_several_roles", a1, []org.Role{org.RoleSupervisor, org.RoleAdvisor}, "a1", true},
		{"role_not_allowed", a1, []org.Role{org.RoleSupervisor}, "", false},
		{"claimed_role_not_held", org.Actor{ID: "a1", Role: org.RoleSupervisor}, []org.Role{org.RoleSupervisor}, "", false},
		{"inactive_employee", org.Actor{ID: "a2", Role: org.RoleAdvisor}, []org.Role{org.RoleAdvisor}, "", false},
		{"unknown_employee", org.Actor{ID: "ghost", Role: org.RoleAdvisor}, []org.Role{org.RoleAdvisor}, "", false},
		{"empty_actor", org.Actor{}, []org.Role{org.RoleAdvisor, org.RoleAdmin}, "", false},
		{"empty_ID", org.Actor{Role: org.RoleAdmin}, []org.Role{org.RoleAdmin}, "", false},
		{"empty_role", org.Actor{ID: "a1"}, []org.Role{org.RoleAdvisor, ""}, "", false},
		{"no_roles_allowed", sup, nil, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.svc.Authorize(t.Context(), d1, c.actor, c.roles...)
			if !c.ok {
				require.ErrorIs(t, err, org.ErrForbidden)
				assert.Equal(t, org.Employee{}, got)
				return
			}
			require.NoError(t, err)
			if c.want == "" {
				assert.Equal(t, org.Employee{}, got)
				return
			}
			assert.Equal(t, f.employee(t, c.want), got)
		})
	}

	t.Run("employee_of_another_dealer", func(t *testing.T) {
		t.Parallel()
		_, err := f.svc.Authorize(t.Context(), "d2", sup, org.RoleSupervisor)
		require.ErrorIs(t, err, org.ErrForbidden)
	})
}

// spyStore records the limits the service passes to the store.
type spyStore struct {
	org.Store
	mu             sync.Mutex
	employeeLimits []int
	eventLimits    []int
}

func (s *spyStore) Employees(ctx context.Context, d org.DealerID, q org.EmployeeQuery) ([]org.Employee, error) {
	s.mu.Lock()
	s.employeeLimits = append(s.employeeLimits, q.Limit)
	s.mu.Unlock()
	return s.Store.Employees(ctx, d, q)
}

func (s *spyStore) Events(ctx context.Context, d org.DealerID, after int64, limit int) ([]org.Event, error) {
	s.mu.Lock()
	s.eventLimits = append(s.eventLimits, limit)
	s.mu.Unlock()
	return s.Store.Events(ctx, d, after, limit)
}

func newSpy(t *testing.T) (*fixture, *spyStore) {
	t.Helper()
	spy := &spyStore{Store: memstore.New()}
	f := newDealer(t, org.Config{Store: spy})
	f.add(t, admin, org.NewEmployee{ID: "e1", Name: "One", Role: org.RoleAdvisor})
	f.add(t, admin, org.NewEmployee{ID: "e2", Name: "Two", Role: org.RoleTechnician})
	f.add(t, admin, org.NewEmployee{ID: "e3", Name: "Three", Role: org.RoleAdvisor})
	spy.mu.Lock()
	spy.employeeLimits, spy.eventLimits = nil, nil
	spy.mu.Unlock()
	return f, spy
}

func TestEmployeesLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		limit int
		want  int
	}{
		{"zero_means_DefaultPage", 0, org.DefaultPage},
		{"one", 1, 1},
		{"MaxPage", org.MaxPage, org.MaxPage},
		{"above_MaxPage_cut", org.MaxPage + 1, org.MaxPage},
		{"huge_cut", math.MaxInt, org.MaxPage},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, spy := newSpy(t)
			_, err := f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Limit: c.limit})
			require.NoError(t, err)
			assert.Equal(t, []int{c.want}, spy.employeeLimits)
		})
	}

	t.Run("negative_refused", func(t *testing.T) {
		t.Parallel()
		f, spy := newSpy(t)
		_, err := f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Limit: -1})
		requireFields(t, err, "org: list employees", map[string]string{"limit": org.CodeRange})
		assert.Empty(t, spy.employeeLimits, "the store was asked")
	})

	t.Run("pages_and_filters", func(t *testing.T) {
		t.Parallel()
		f, _ := newSpy(t)
		page, err := f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, []org.EmployeeID{"e1", "e2"}, ids(page))
		page, err = f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Limit: 2, After: "e2"})
		require.NoError(t, err)
		assert.Equal(t, []org.EmployeeID{"e3"}, ids(page))
		page, err = f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Role: org.RoleAdvisor})
		require.NoError(t, err)
		assert.Equal(t, []org.EmployeeID{"e1", "e3"}, ids(page))
		page, err = f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Department: org.DeptWorkshop})
		require.NoError(t, err)
		assert.Equal(t, []org.EmployeeID{"e2"}, ids(page))
	})
}

func TestEventsPaging(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		limit int
		want  int
	}{
		{"zero_means_DefaultPage", 0, org.DefaultPage},
		{"seven", 7, 7},
		{"above_MaxPage_cut", org.MaxPage + 1, org.MaxPage},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, spy := newSpy(t)
			_, err := f.svc.Events(t.Context(), d1, admin, 0, c.limit)
			require.NoError(t, err)
			assert.Equal(t, []int{c.want}, spy.eventLimits)
		})
	}

	t.Run("cursor", func(t *testing.T) {
		t.Parallel()
		f, _ := newSpy(t)
		all, err := f.svc.Events(t.Context(), d1, admin, 0, 0)
		require.NoError(t, err)
		require.Len(t, all, 4) // dealer.created and three employee.added
		page, err := f.svc.Events(t.Context(), d1, admin, all[1].Seq, 2)
		require.NoError(t, err)
		assert.Equal(t, all[2:4], page)
		page, err = f.svc.Events(t.Context(), d1, admin, all[3].Seq, 2)
		require.NoError(t, err)
		assert.Empty(t, page)
	})

	for _, c := range []struct {
		name         string
		after, limit int
		want         map[string]string
	}{
		{"negative_limit", 0, -1, map[string]string{"limit": org.CodeRange}},
		// The field named must be the one that is wrong.
		{"negative_cursor", -1, 10, map[string]string{"after": org.CodeRange}},
		{"negative_limit_and_cursor", -1, -1, map[string]string{"after": org.CodeRange, "limit": org.CodeRange}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, spy := newSpy(t)
			_, err := f.svc.Events(t.Context(), d1, admin, int64(c.after), c.limit)
			requireFields(t, err, "org: list events", c.want)
			assert.Empty(t, spy.eventLimits, "the store was asked")
		})
	}
}

// TestEventsPerCommand: every roster command appends one event naming what
// happened, to whom, by whom and why, with the record before and after
// (R1.3: every decision can be audited).
func TestEventsPerCommand(t *testing.T) {
	t.Parallel()
	taipei := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 11, 3, 9, 15, 0, 123456789, taipei)
	wantAt := at.UTC().Truncate(time.Microsecond)
	for _, c := range []struct {
		name    string
		actor   org.Actor
		setup   func(t *testing.T, f *fixture)
		run     func(t *testing.T, f *fixture, actor org.Actor) (before, after any)
		typ     string
		subject string
		reason  string
	}{
		{name: "add", actor: sup, typ: "employee.added", subject: "employee/a3",
			run: func(t *testing.T, f *fixture, actor org.Actor) (any, any) {
				return nil, f.add(t, actor, org.NewEmployee{ID: "a3", Name: "Lee", Role: org.RoleAdvisor, Skills: []string{"EV"}, BonusBase: decimal.RequireFromString("1.50")})
			}},
		{name: "change", actor: admin, typ: "employee.changed", subject: "employee/t1", reason: "EV course passed",
			run: func(t *testing.T, f *fixture, actor org.Actor) (any, any) {
				before := f.employee(t, "t1")
				return before, f.change(t, actor, org.EmployeeChange{ID: "t1", Skills: &[]string{"EV"}, Reason: "EV course passed"})
			}},
		{name: "structural_change", actor: admin, typ: "employee.changed", subject: "employee/a2", reason: "moved",
			run: func(t *testing.T, f *fixture, actor org.Actor) (any, any) {
				before := f.employee(t, "a2")
				return before, f.change(t, actor, org.EmployeeChange{ID: "a2", SupervisorID: ptr[org.EmployeeID](""), Reason: "moved"})
			}},
		{name: "deactivate", actor: sup, typ: "employee.deactivated", subject: "employee/a2", reason: "resigned",
			run: func(t *testing.T, f *fixture, actor org.Actor) (any, any) {
				before := f.employee(t, "a2")
				after, err := f.svc.DeactivateEmployee(t.Context(), d1, actor, org.StatusChange{ID: "a2", Reason: "resigned"})
				require.NoError(t, err)
				return before, after
			}},
		{name: "reactivate", actor: sup, typ: "employee.reactivated", subject: "employee/a2", reason: "rehired",
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2") },
			run: func(t *testing.T, f *fixture, actor org.Actor) (any, any) {
				before := f.employee(t, "a2")
				after, err := f.svc.ReactivateEmployee(t.Context(), d1, actor, org.StatusChange{ID: "a2", Reason: "rehired"})
				require.NoError(t, err)
				return before, after
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			prev := f.events(t)
			f.clock.Set(at)
			before, after := c.run(t, f, c.actor)
			evs := f.events(t)
			require.Len(t, evs, len(prev)+1, "one command, one event")
			ev := evs[len(evs)-1]
			assert.Equal(t, prev, evs[:len(prev)], "older events changed")
			assert.Greater(t, ev.Seq, prev[len(prev)-1].Seq)
			assert.Equal(t, d1, ev.DealerID)
			assert.Equal(t, fmt.Sprintf("id-%d", len(prev)+1), ev.ID, "the event ID comes from the IDSource")
			assert.Equal(t, c.actor, ev.Actor)
			assert.Equal(t, c.typ, ev.Type)
			assert.Equal(t, c.subject, ev.Subject)
			assert.Equal(t, c.reason, ev.Reason)
			assert.Equal(t, wantAt, ev.At, "At is the clock in UTC to the microsecond")
			assert.Equal(t, wantAt, after.(org.Employee).UpdatedAt)
			want := map[string]any{"after": after}
			if before != nil {
				want["before"] = before
			}
			wantData, err := json.Marshal(want)
			require.NoError(t, err)
			assert.JSONEq(t, string(wantData), string(ev.Data))
		})
	}
}

// TestDealerVersionGuardsRosterStructure: the dealer's version moves with
// every change to the roster's structure, so two concurrent changes that
// together would break R2.1 cannot both land.
func TestDealerVersionGuardsRosterStructure(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := f.dealer(t).Version
	step := func(name string, structural bool, cmd func()) {
		cmd()
		if structural {
			v++
		}
		assert.Equal(t, v, f.dealer(t).Version, name)
	}
	step("add", true, func() { f.add(t, admin, org.NewEmployee{ID: "a3", Name: "Lee", Role: org.RoleAdvisor}) })
	step("rename", false, func() { f.change(t, admin, org.EmployeeChange{ID: "a3", Name: ptr("Lee Senior")}) })
	step("new supervisor line", true, func() { f.change(t, admin, org.EmployeeChange{ID: "a3", SupervisorID: ptr[org.EmployeeID]("a1")}) })
	step("new department", true, func() {
		f.change(t, admin, org.EmployeeChange{ID: "a3", Department: ptr(org.DeptWorkshop), SupervisorID: ptr[org.EmployeeID]("")})
	})
	step("new role", true, func() { f.change(t, admin, org.EmployeeChange{ID: "a3", Role: ptr(org.RoleTechnician)}) })
	step("deactivate", true, func() { f.deactivate(t, "a3") })
	step("reactivate", true, func() { f.reactivate(t, "a3") })
}

func TestConcurrentSupervisorsR2_1(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = f.svc.AddEmployee(t.Context(), d1, admin, org.NewEmployee{
				ID: org.EmployeeID(fmt.Sprintf("w%02d", i)), Name: "Lead", Role: org.RoleSupervisor, Department: org.DeptWorkshop,
			})
		})
	}
	wg.Wait()
	landed := 0
	for i, err := range errs {
		switch {
		case err == nil:
			landed++
		case errors.Is(err, org.ErrConflict):
		default:
			fe, ok := org.FieldErrorOf(err, "role")
			assert.True(t, ok && fe.Code == org.CodeSecondHolder, "writer %d: %v", i, err)
		}
	}
	assert.Equal(t, 1, landed, "R2.1: exactly one of %d concurrent supervisors lands", n)
	leads, err := f.svc.Directory().Employees(t.Context(), d1, org.EmployeeQuery{Role: org.RoleSupervisor, Department: org.DeptWorkshop})
	require.NoError(t, err)
	assert.Len(t, leads, 1)
}

func TestNewService(t *testing.T) {
	t.Parallel()
	st := memstore.New()
	for _, c := range []struct {
		name string
		cfg  org.Config
		want map[string]string
	}{
		{"store_required", org.Config{}, map[string]string{"store": org.CodeRequired}},
		{"role_names_must_be_identifiers", org.Config{Store: st, Roles: []org.Role{"foreman", "bad role", ""}},
			map[string]string{"roles[1]": org.CodeFormat, "roles[2]": org.CodeFormat}},
		{"admin_is_not_an_extra_role", org.Config{Store: st, Roles: []org.Role{org.RoleAdmin}},
			map[string]string{"roles[0]": org.CodeFormat}},
		{"department_names_must_be_identifiers", org.Config{Store: st, Departments: []org.Department{"parts", "-sales", "x/y"}},
			map[string]string{"departments[1]": org.CodeFormat, "departments[2]": org.CodeFormat}},
		{"every_problem_at_once", org.Config{Roles: []org.Role{"a b"}, Departments: []org.Department{""}},
			map[string]string{"store": org.CodeRequired, "roles[0]": org.CodeFormat, "departments[0]": org.CodeFormat}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			svc, err := org.NewService(c.cfg)
			requireFields(t, err, "org: new service", c.want)
			assert.Nil(t, svc)
		})
	}

	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		svc, err := org.NewService(org.Config{Store: memstore.New()})
		require.NoError(t, err)
		assert.Equal(t, []org.Role{org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician}, svc.Roles())
		assert.Equal(t, []org.Department{org.DeptServiceAdvisor, org.DeptWorkshop}, svc.Departments())
		// The system clock and random IDs: an event ID is made.
		_, err = svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: d1, Name: "D", TimeZone: "UTC", Currency: "USD"})
		require.NoError(t, err)
		e, err := svc.AddEmployee(t.Context(), d1, admin, org.NewEmployee{Name: "X", Role: org.RoleAdvisor})
		require.NoError(t, err)
		assert.NotEmpty(t, e.ID)
		assert.WithinDuration(t, time.Now(), e.CreatedAt, time.Minute)
	})

	t.Run("lists_are_copies", func(t *testing.T) {
		t.Parallel()
		svc, err := org.NewService(org.Config{Store: memstore.New(), Roles: []org.Role{"foreman"}, Departments: []org.Department{"parts"}})
		require.NoError(t, err)
		roles, depts := svc.Roles(), svc.Departments()
		assert.Equal(t, []org.Role{org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician, "foreman"}, roles)
		assert.Equal(t, []org.Department{org.DeptServiceAdvisor, org.DeptWorkshop, "parts"}, depts)
		roles[0], depts[0] = "x", "y"
		assert.Equal(t, org.RoleSupervisor, svc.Roles()[0])
		assert.Equal(t, org.DeptServiceAdvisor, svc.Departments()[0])
	})
}

// TestConfiguredRolesAndDepartments: a dealer's extra roles and departments
// are accepted, and R2.1 holds in an extra department too.
func TestConfiguredRolesAndDepartments(t *testing.T) {
	t.Parallel()
	cfg := org.Config{Roles: []org.Role{"foreman", "cashier"}, Departments: []org.Department{"parts", "sales"}}
	f := newDealer(t, cfg)
	e := f.add(t, admin, org.NewEmployee{ID: "f1", Name: "Foreman", Role: "foreman", Department: "parts"})
	assert.Equal(t, org.Department("parts"), e.Department)
	f.add(t, admin, org.NewEmployee{ID: "ps", Name: "Parts Lead", Role: org.RoleSupervisor, Department: "parts"})
	boss, err := f.svc.Directory().SupervisorOf(t.Context(), d1, "f1")
	require.NoError(t, err)
	assert.Equal(t, org.EmployeeID("ps"), boss.ID)
	err = f.unchanged(t, addCmd(admin, org.NewEmployee{Name: "Second", Role: org.RoleSupervisor, Department: "parts"}).bind(t, f))
	requireFields(t, err, "org: add employee", map[string]string{"role": org.CodeSecondHolder})
	f.change(t, admin, org.EmployeeChange{ID: "f1", Role: ptr[org.Role]("cashier"), Department: ptr[org.Department]("sales")})

	t.Run("not_configured", func(t *testing.T) {
		t.Parallel()
		f := newDealer(t, org.Config{})
		err := f.unchanged(t, addCmd(admin, org.NewEmployee{Name: "Foreman", Role: "foreman", Department: "parts"}).bind(t, f))
		requireFields(t, err, "org: add employee", map[string]string{"role": org.CodeUnknown, "department": org.CodeUnknown})
	})
}

func TestActor(t *testing.T) {
	t.Parallel()
	assert.Equal(t, org.Actor{ID: "dms", Role: org.RoleAdmin}, org.Admin("dms"))
	assert.Equal(t, "admin:dms", org.Admin("dms").String())
	e := org.Employee{ID: "e42", Role: org.RoleAdvisor}
	assert.Equal(t, org.Actor{ID: "e42", Role: org.RoleAdvisor}, org.As(e))
	assert.Equal(t, "advisor:e42", org.As(e).String())
}

func TestEmployeeClone(t *testing.T) {
	t.Parallel()
	e := org.Employee{ID: "e1", Skills: []string{"EV"}}
	c := e.Clone()
	c.Skills[0] = "changed"
	assert.Equal(t, []string{"EV"}, e.Skills)
	assert.Nil(t, org.Employee{}.Clone().Skills)
}
