package org_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// newScopeFixture is newFixture with a parts department and its
// supervisor psup, a workshop lead wsup, and technician t2 who reports to
// sup explicitly across departments.
func newScopeFixture(t *testing.T) *fixture {
	t.Helper()
	f := newDealer(t, org.Config{Departments: []org.Department{"parts"}})
	f.add(t, admin, org.NewEmployee{ID: "sup", Name: "Lin Supervisor", Role: org.RoleSupervisor})
	f.add(t, admin, org.NewEmployee{ID: "a1", Name: "Chen Advisor", Role: org.RoleAdvisor})
	f.add(t, admin, org.NewEmployee{ID: "a2", Name: "Wang Advisor", Role: org.RoleAdvisor, SupervisorID: "a1"})
	f.add(t, admin, org.NewEmployee{ID: "t1", Name: "Huang Technician", Role: org.RoleTechnician})
	f.add(t, admin, org.NewEmployee{ID: "psup", Name: "Pan Parts", Role: org.RoleSupervisor, Department: "parts"})
	f.add(t, admin, org.NewEmployee{ID: "wsup", Name: "Wu Workshop", Role: org.RoleSupervisor, Department: org.DeptWorkshop})
	f.add(t, admin, org.NewEmployee{ID: "t2", Name: "Tsai Technician", Role: org.RoleTechnician, SupervisorID: "sup"})
	return f
}

func TestAuthorizeOver(t *testing.T) {
	t.Parallel()
	psup := org.Actor{ID: "psup", Role: org.RoleSupervisor}
	wsup := org.Actor{ID: "wsup", Role: org.RoleSupervisor}
	for _, c := range []struct {
		name    string
		setup   func(t *testing.T, f *fixture)
		actor   org.Actor
		subject org.EmployeeID
		want    error // nil: allowed
	}{
		{name: "R2.2_department_supervisor_over_advisor", actor: sup, subject: "a1"},
		{name: "R2.2_admin_over_anyone", actor: admin, subject: "a1"},
		{name: "R2.2_admin_over_a_supervisor", actor: admin, subject: "sup"},
		{name: "R2.2_other_department_supervisor_refused", actor: psup, subject: "a1", want: org.ErrForbidden},
		{name: "R2.2_workshop_supervisor_over_technician", actor: wsup, subject: "t1"},
		{name: "R2.2_service_supervisor_not_over_workshop_technician", actor: sup, subject: "t1", want: org.ErrForbidden},
		{name: "R2.2_explicit_supervisor_across_departments", actor: sup, subject: "t2"},
		{name: "R2.2_explicit_supervisor_replaces_the_department's", actor: wsup, subject: "t2", want: org.ErrForbidden},
		{name: "R2.2_explicit_line_to_an_advisor_leaves_the_department_supervisor_out", actor: sup, subject: "a2", want: org.ErrForbidden},
		{name: "R2.2_advisor_named_as_supervisor_still_acts_as_no_supervisor", actor: a1, subject: "a2", want: org.ErrForbidden},
		{name: "R1.3_never_over_oneself", actor: sup, subject: "sup", want: org.ErrForbidden},
		{name: "R2.2_supervisor_over_another_supervisor_refused", actor: psup, subject: "sup", want: org.ErrForbidden},
		{name: "R2.2_peer_advisor_refused", actor: org.Actor{ID: "a2", Role: org.RoleAdvisor}, subject: "a1", want: org.ErrForbidden},
		{name: "R2.2_technician_refused", actor: org.Actor{ID: "t1", Role: org.RoleTechnician}, subject: "a1", want: org.ErrForbidden},
		{name: "R2.2_the_employee_refused", actor: a1, subject: "a1", want: org.ErrForbidden},
		{name: "role_claimed_must_be_held", actor: org.Actor{ID: "a1", Role: org.RoleSupervisor}, subject: "a2", want: org.ErrForbidden},
		{name: "actor_not_on_the_roster", actor: org.Actor{ID: "ghost", Role: org.RoleSupervisor}, subject: "a1", want: org.ErrForbidden},
		{name: "unknown_subject_not_found", actor: sup, subject: "nobody", want: org.ErrNotFound},
		{name: "unknown_subject_not_found_for_admin", actor: admin, subject: "nobody", want: org.ErrNotFound},
		{name: "unknown_subject_forbidden_to_the_unauthorised", actor: a1, subject: "nobody", want: org.ErrForbidden},
		{name: "R2.2_former_employee_stays_with_the_department", actor: sup, subject: "a1",
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2"); f.deactivate(t, "a1") }},
		{name: "R2.2_former_employee_not_with_another_department", actor: psup, subject: "a1", want: org.ErrForbidden,
			setup: func(t *testing.T, f *fixture) { f.deactivate(t, "a2"); f.deactivate(t, "a1") }},
		{name: "R2.2_former_employee_whose_named_supervisor_left_goes_to_the_department", actor: sup, subject: "a2",
			setup: func(t *testing.T, f *fixture) {
				f.deactivate(t, "a2")
				f.deactivate(t, "a1")
			}},
		{name: "R2.2_inactive_supervisor_supervises_nobody", actor: sup, subject: "a1", want: org.ErrForbidden,
			setup: func(t *testing.T, f *fixture) {
				f.change(t, admin, org.EmployeeChange{ID: "t2", SupervisorID: ptr[org.EmployeeID]("")})
				f.deactivate(t, "sup")
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newScopeFixture(t)
			if c.setup != nil {
				c.setup(t, f)
			}
			got, err := f.svc.AuthorizeOver(t.Context(), d1, c.actor, c.subject)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
				if c.want == org.ErrForbidden {
					assert.Contains(t, err.Error(), "R2.2")
					assert.NotErrorIs(t, err, org.ErrNotFound)
				}
				assert.Equal(t, org.Employee{}, got)
				return
			}
			require.NoError(t, err)
			if c.actor.Role == org.RoleAdmin {
				assert.Equal(t, org.Employee{}, got, "an admin is no employee")
				return
			}
			assert.Equal(t, f.employee(t, c.actor.ID), got)
		})
	}

	t.Run("R2.2_consistent_with_SupervisorOf", func(t *testing.T) {
		t.Parallel()
		f := newScopeFixture(t)
		roster, err := f.svc.Directory().Roster(t.Context(), d1)
		require.NoError(t, err)
		for _, subject := range roster {
			boss, err := f.svc.Directory().SupervisorOf(t.Context(), d1, subject.ID)
			for _, e := range roster {
				if e.Role != org.RoleSupervisor {
					continue
				}
				_, aerr := f.svc.AuthorizeOver(t.Context(), d1, org.As(e), subject.ID)
				want := err == nil && boss.ID == e.ID
				assert.Equal(t, want, aerr == nil, "%s over %s", e.ID, subject.ID)
			}
		}
	})

	t.Run("another_dealer", func(t *testing.T) {
		t.Parallel()
		f := newScopeFixture(t)
		_, err := f.svc.AuthorizeOver(t.Context(), "d2", sup, "a1")
		require.ErrorIs(t, err, org.ErrForbidden)
	})
}

func TestAuthorizeDepartment(t *testing.T) {
	t.Parallel()
	f := newScopeFixture(t)
	for _, c := range []struct {
		name  string
		actor org.Actor
		dept  org.Department
		ok    bool
	}{
		{"R2.2_the_department's_supervisor", sup, org.DeptServiceAdvisor, true},
		{"R2.2_admin", admin, org.DeptServiceAdvisor, true},
		{"R2.2_other_department_supervisor_refused", org.Actor{ID: "psup", Role: org.RoleSupervisor}, org.DeptServiceAdvisor, false},
		{"R2.2_parts_supervisor_in_parts", org.Actor{ID: "psup", Role: org.RoleSupervisor}, "parts", true},
		{"R2.2_advisor_refused", a1, org.DeptServiceAdvisor, false},
		{"R2.2_technician_refused", org.Actor{ID: "t1", Role: org.RoleTechnician}, org.DeptWorkshop, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.svc.AuthorizeDepartment(t.Context(), d1, c.actor, c.dept)
			if c.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, org.ErrForbidden)
			assert.Contains(t, err.Error(), "R2.2")
		})
	}
}

// scopeOnly hides Overseen: VisibleTo then asks AuthorizeOver per employee.
type scopeOnly struct{ org.Scope }

// VisibleTo through an Overseer (one read of the roster for a list) keeps
// exactly what Sees keeps employee by employee (R2.2), for every actor and
// every state of the roster the scope cases set up.
func TestVisibleTo_Overseer_agrees_with_Sees(t *testing.T) {
	t.Parallel()
	subjects := []org.EmployeeID{"sup", "a1", "a2", "t1", "psup", "wsup", "t2", "nobody", "a1"}
	actors := []org.Actor{sup, admin, a1,
		{ID: "psup", Role: org.RoleSupervisor}, {ID: "wsup", Role: org.RoleSupervisor},
		{ID: "a1", Role: org.RoleSupervisor}, {ID: "ghost", Role: org.RoleSupervisor},
		{ID: "t1", Role: org.RoleTechnician}}
	for name, setup := range map[string]func(t *testing.T, f *fixture){
		"as_added": func(*testing.T, *fixture) {},
		"advisors_left": func(t *testing.T, f *fixture) {
			f.deactivate(t, "a2")
			f.deactivate(t, "a1")
		},
		"supervisor_left": func(t *testing.T, f *fixture) {
			f.change(t, admin, org.EmployeeChange{ID: "t2", SupervisorID: ptr[org.EmployeeID]("")})
			f.deactivate(t, "sup")
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newScopeFixture(t)
			setup(t, f)
			_, isOverseer := any(f.svc).(org.Overseer)
			require.True(t, isOverseer)
			for _, a := range actors {
				for _, scope := range []org.Scope{f.svc, f.svc.Directory()} {
					fast, err := org.VisibleTo(t.Context(), scope, d1, a, subjects, func(e org.EmployeeID) org.EmployeeID { return e })
					require.NoError(t, err)
					slow, err := org.VisibleTo(t.Context(), scopeOnly{scope}, d1, a, subjects, func(e org.EmployeeID) org.EmployeeID { return e })
					require.NoError(t, err)
					assert.Equal(t, slow, fast, "%s sees", a)
				}
			}
		})
	}
}
