package org_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// readsFixture is dealer d1 with supervisor sup over advisor a1, technician
// t1, a cashier in a role the dealer added, and a second dealer d2 with its
// own advisor; a1 has contact data and pay on record.
func readsFixture(t *testing.T) *fixture {
	t.Helper()
	f := newDealer(t, org.Config{Roles: []org.Role{"cashier"}})
	f.add(t, admin, org.NewEmployee{ID: "sup", Name: "Lin Supervisor", Role: org.RoleSupervisor})
	f.add(t, admin, org.NewEmployee{ID: "a1", Name: "Chen Advisor", Role: org.RoleAdvisor,
		Email: "chen@example.com", Phone: "+886912345678", BonusBase: decimal.RequireFromString("30000")})
	f.add(t, admin, org.NewEmployee{ID: "t1", Name: "Huang Technician", Role: org.RoleTechnician})
	f.add(t, admin, org.NewEmployee{ID: "c1", Name: "Wu Cashier", Role: "cashier", Department: org.DeptServiceAdvisor})
	_, err := f.svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: "d2", Name: "West Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	_, err = f.svc.AddEmployee(t.Context(), "d2", admin, org.NewEmployee{ID: "x1", Name: "Other Advisor", Role: org.RoleAdvisor})
	require.NoError(t, err)
	return f
}

// R7.2d: the roster is read by the dealer's own people; an employee's
// contact data and pay only by them, their supervisor (R2.2) and admins.
func TestRosterReads_who_sees_what(t *testing.T) {
	f := readsFixture(t)
	ctx := t.Context()
	full := func(t *testing.T, e org.Employee) {
		assert.Equal(t, "chen@example.com", e.Email)
		assert.Equal(t, "+886912345678", e.Phone)
		assert.Equal(t, "30000", e.BonusBase.String())
	}
	blank := func(t *testing.T, e org.Employee) {
		assert.Equal(t, "Chen Advisor", e.Name, "a colleague's name, role and department stay readable")
		assert.Equal(t, org.RoleAdvisor, e.Role)
		assert.Empty(t, e.Email)
		assert.Empty(t, e.Phone)
		assert.True(t, e.BonusBase.IsZero(), "pay is blank: %s", e.BonusBase)
	}
	cases := []struct {
		name  string
		actor org.Actor
		check func(*testing.T, org.Employee)
	}{
		{"admin", admin, full},
		{"themself", org.Actor{ID: "a1", Role: org.RoleAdvisor}, full},
		{"their_supervisor", org.Actor{ID: "sup", Role: org.RoleSupervisor}, full},
		{"R7.2d_technician_sees_no_contact_or_pay", org.Actor{ID: "t1", Role: org.RoleTechnician}, blank},
		{"R7.2d_dealer_role_sees_no_contact_or_pay", org.Actor{ID: "c1", Role: "cashier"}, blank},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := f.svc.Employee(ctx, d1, c.actor, "a1")
			require.NoError(t, err)
			c.check(t, e)
			list, err := f.svc.Employees(ctx, d1, c.actor, org.EmployeeQuery{})
			require.NoError(t, err)
			require.Len(t, list, 4)
			c.check(t, list[0])
			roster, err := f.svc.Roster(ctx, d1, c.actor)
			require.NoError(t, err)
			c.check(t, roster[0])
			reports, err := f.svc.Reports(ctx, d1, c.actor, "sup")
			require.NoError(t, err)
			require.NotEmpty(t, reports)
			c.check(t, reports[0])
			d, err := f.svc.Dealer(ctx, d1, c.actor)
			require.NoError(t, err)
			assert.Equal(t, "East Motors", d.Name)
		})
	}
	t.Run("the_store_keeps_the_full_record", func(t *testing.T) {
		e, err := f.svc.Directory().Employee(ctx, d1, "a1")
		require.NoError(t, err)
		full(t, e)
	})
	t.Run("supervisor_of_is_shown_as_the_actor_sees_it", func(t *testing.T) {
		sup, err := f.svc.SupervisorOf(ctx, d1, org.Actor{ID: "a1", Role: org.RoleAdvisor}, "a1")
		require.NoError(t, err)
		assert.Equal(t, org.EmployeeID("sup"), sup.ID)
	})
}

// Everyone not active on the dealer's roster in the role claimed is
// refused before anything is read, so they cannot tell who is employed.
func TestRosterReads_refuse_strangers(t *testing.T) {
	f := readsFixture(t)
	ctx := t.Context()
	for _, actor := range []org.Actor{
		{ID: "x1", Role: org.RoleAdvisor},    // another dealer's advisor
		{ID: "ghost", Role: org.RoleAdvisor}, // nobody
		{ID: "t1", Role: org.RoleSupervisor}, // a role they do not hold
		{ID: "a1", Role: "cashier"},          // a dealer role they do not hold
		{},                                   // no actor at all
	} {
		t.Run(actor.String(), func(t *testing.T) {
			_, err := f.svc.Employee(ctx, d1, actor, "a1")
			assert.ErrorIs(t, err, org.ErrForbidden)
			_, err = f.svc.Employee(ctx, d1, actor, "nobody")
			assert.ErrorIs(t, err, org.ErrForbidden, "an unknown employee is not revealed either")
			_, err = f.svc.Employees(ctx, d1, actor, org.EmployeeQuery{})
			assert.ErrorIs(t, err, org.ErrForbidden)
			_, err = f.svc.Roster(ctx, d1, actor)
			assert.ErrorIs(t, err, org.ErrForbidden)
			_, err = f.svc.Reports(ctx, d1, actor, "sup")
			assert.ErrorIs(t, err, org.ErrForbidden)
			_, err = f.svc.SupervisorOf(ctx, d1, actor, "a1")
			assert.ErrorIs(t, err, org.ErrForbidden)
			_, err = f.svc.Dealer(ctx, d1, actor)
			assert.ErrorIs(t, err, org.ErrForbidden)
		})
	}
	t.Run("deactivated_employee", func(t *testing.T) {
		_, err := f.svc.DeactivateEmployee(ctx, d1, admin, org.StatusChange{ID: "t1", Reason: "left"})
		require.NoError(t, err)
		_, err = f.svc.Roster(ctx, d1, org.Actor{ID: "t1", Role: org.RoleTechnician})
		assert.ErrorIs(t, err, org.ErrForbidden)
	})
}

// Redacted shares no memory with the record it came from.
func TestEmployeeRedacted_copies(t *testing.T) {
	e := org.Employee{ID: "a1", Email: "x@example.com", Skills: []string{"EV"}, BonusBase: decimal.NewFromInt(5)}
	r := e.Redacted()
	r.Skills[0] = "changed"
	assert.Equal(t, "EV", e.Skills[0])
	assert.Equal(t, "x@example.com", e.Email)
	assert.Empty(t, r.Email)
}
