package sqlstore_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// roster mixes upper and lower case, digits and punctuation, so that only
// byte order gives the expected order (a locale collation would not).
func roster() []org.Employee {
	ids := []org.EmployeeID{"e10", "e2", "E1", "a", "B", "e1", "_x", "Zed", "e-3", "b"}
	out := make([]org.Employee, len(ids))
	for i, id := range ids {
		e := employee("d1", id)
		if i%3 == 0 {
			e.Role, e.Department = org.RoleTechnician, org.DeptWorkshop
		}
		e.Active = i%4 != 1
		out[i] = e
	}
	return out
}

// want lists the IDs of es that keep selects, in byte order.
func want(es []org.Employee, keep func(org.Employee) bool) []org.EmployeeID {
	var ids []org.EmployeeID
	for _, e := range es {
		if keep(e) {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func ids(es []org.Employee) []org.EmployeeID {
	out := []org.EmployeeID{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestEmployeesPages(t *testing.T) {
	t.Parallel()
	es := roster()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		commit(t, s, "d1", org.Change{Employees: es})
		commit(t, s, "d2", org.Change{Employees: []org.Employee{employee("d2", "a0")}})

		var got []org.EmployeeID
		q := org.EmployeeQuery{IncludeInactive: true, Limit: 3}
		for range len(es) {
			page, err := s.Employees(t.Context(), "d1", q)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), q.Limit)
			got = append(got, ids(page)...)
			if len(page) < q.Limit {
				break
			}
			q.After = page[len(page)-1].ID
		}
		require.Equal(t, want(es, func(org.Employee) bool { return true }), got)
	})
}

func TestEmployeesFilters(t *testing.T) {
	t.Parallel()
	es := roster()
	cases := []struct {
		name string
		q    org.EmployeeQuery
		keep func(org.Employee) bool
	}{
		{"active only by default", org.EmployeeQuery{},
			func(e org.Employee) bool { return e.Active }},
		{"with inactive", org.EmployeeQuery{IncludeInactive: true},
			func(org.Employee) bool { return true }},
		{"role", org.EmployeeQuery{Role: org.RoleTechnician},
			func(e org.Employee) bool { return e.Active && e.Role == org.RoleTechnician }},
		{"department with inactive", org.EmployeeQuery{Department: org.DeptServiceAdvisor, IncludeInactive: true},
			func(e org.Employee) bool { return e.Department == org.DeptServiceAdvisor }},
		{"role after an ID", org.EmployeeQuery{Role: org.RoleAdvisor, After: "_x"},
			func(e org.Employee) bool { return e.Active && e.Role == org.RoleAdvisor && e.ID > "_x" }},
		{"no match", org.EmployeeQuery{Role: org.RoleSupervisor},
			func(org.Employee) bool { return false }},
	}
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		commit(t, s, "d1", org.Change{Employees: es})
		for _, c := range cases {
			c.q.Limit = 100
			got, err := s.Employees(t.Context(), "d1", c.q)
			require.NoError(t, err, c.name)
			require.NotNil(t, got, c.name)
			require.Equal(t, append([]org.EmployeeID{}, want(es, c.keep)...), ids(got), c.name)
		}
		for _, limit := range []int{0, -1, 1001} {
			_, err := s.Employees(t.Context(), "d1", org.EmployeeQuery{Limit: limit})
			require.ErrorIs(t, err, org.ErrInvalid, "limit %d", limit)
			_, err = s.Events(t.Context(), "d1", 0, limit)
			require.ErrorIs(t, err, org.ErrInvalid, "limit %d", limit)
		}
	})
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b backend) {
		s := b.store(t)
		d := dealer("d1")
		commit(t, s, "d1", org.Change{Dealer: &d, Employees: []org.Employee{employee("d1", "e1")}})
		_, err := s.Dealer(t.Context(), "d2")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = s.Employee(t.Context(), "d1", "e2")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = s.Employee(t.Context(), "d2", "e1")
		require.ErrorIs(t, err, org.ErrNotFound, "employee of another dealer")
		require.ErrorContains(t, err, "sqlstore: ")
	})
}
