package training_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

// visRoster seeds dealer d1 (lin supervises the advisors chen and wang; kuo
// supervises the workshop, wu is a technician) and dealer d2 (boss).
func visRoster(t *testing.T, os org.Store) *org.Service {
	t.Helper()
	ctx := context.Background()
	roster, err := org.NewService(org.Config{Store: os, Clock: org.NewManualClock(time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)), IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	for _, d := range []org.DealerID{"d1", "d2"} {
		_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: d, Name: "Motors " + string(d), TimeZone: "Asia/Taipei", Currency: "TWD"})
		require.NoError(t, err)
	}
	_, err = roster.AddEmployee(ctx, "d2", admin, org.NewEmployee{ID: "boss", Name: "Boss", Role: org.RoleSupervisor})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu", Role: org.RoleTechnician},
		{ID: "kuo", Name: "Kuo", Role: org.RoleSupervisor, Department: org.DeptWorkshop},
	} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	return roster
}

// visActors are the columns of docs/AUTHORIZATION.md, "Reads: who sees
// what", for reads about chen.
var visActors = map[string]org.Actor{
	"stranger":         {ID: "ghost", Role: org.RoleSupervisor},
	"other dealer":     {ID: "boss", Role: org.RoleSupervisor},
	"employee":         {ID: "chen", Role: org.RoleAdvisor},
	"peer":             {ID: "wang", Role: org.RoleAdvisor},
	"their supervisor": {ID: "lin", Role: org.RoleSupervisor},
	"other supervisor": {ID: "kuo", Role: org.RoleSupervisor},
	"technician":       {ID: "wu", Role: org.RoleTechnician},
	"admin":            org.Admin("dms"),
}

// visCheck runs one read for every actor: want names the actors allowed
// (the others are refused with ErrForbidden). A read whose record may not
// exist yet counts as allowed when it is anything but forbidden.
func visCheck(t *testing.T, rule string, want []string, read func(org.Actor) error) {
	t.Helper()
	allowed := map[string]bool{}
	for _, w := range want {
		allowed[w] = true
	}
	for name, a := range visActors {
		t.Run(rule+"/"+name, func(t *testing.T) {
			err := read(a)
			if !allowed[name] {
				require.ErrorIs(t, err, org.ErrForbidden)
				return
			}
			assert.False(t, errors.Is(err, org.ErrForbidden), "%s: %v", name, err)
		})
	}
}

func TestReads_who_sees_what(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) (org.Store, training.Store)
	}{
		{"memstore", func(t *testing.T) (org.Store, training.Store) { ms := memstore.New(); return ms, ms.Training() }},
		{"sqlite", func(t *testing.T) (org.Store, training.Store) { st := testdb.SQLite(t); return st, st.Training() }},
		{"postgres", func(t *testing.T) (org.Store, training.Store) { st := testdb.Postgres(t); return st, st.Training() }},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			os, ts := st.open(t)
			roster := visRoster(t, os)
			now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
			svc, err := training.NewService(training.Config{Store: ts, Roster: roster.Directory(), Clock: org.NewManualClock(now), IDs: org.SequentialIDs("t")})
			require.NoError(t, err)
			var careers []training.Career
			for _, e := range []org.EmployeeID{"chen", "wu"} {
				careers = append(careers, training.Career{DealerID: "d1", Employee: e, Version: 1, Certificates: []training.HeldCertificate{{
					Name: "EV safety", Year: 2025, CourseID: "ev", IssuedAt: now.AddDate(-2, 0, 0), Expires: now.AddDate(0, 0, 10)}}})
			}
			require.NoError(t, ts.Commit(ctx, "d1", training.Change{Careers: careers}))

			visCheck(t, "R2.2_report_to_employee_their_supervisor_and_admin", []string{"employee", "their supervisor", "admin"},
				func(a org.Actor) error { _, err := svc.Report(ctx, "d1", a, "chen", 2027); return err })
			visCheck(t, "R5.1_plan_to_everyone_on_the_roster", []string{"employee", "peer", "their supervisor", "other supervisor", "technician", "admin"},
				func(a org.Actor) error { _, err := svc.Plan(ctx, "d1", a, 2027); return err })
			visCheck(t, "R5.1_completion_to_everyone_on_the_roster", []string{"employee", "peer", "their supervisor", "other supervisor", "technician", "admin"},
				func(a org.Actor) error { _, err := svc.Completion(ctx, "d1", a, 2027); return err })
			visCheck(t, "R5.5_expiring_to_supervisors_and_admins", []string{"their supervisor", "other supervisor", "admin"},
				func(a org.Actor) error { _, err := svc.ExpiringWithin(ctx, "d1", a, 30); return err })

			t.Run("R2.2_expiring_lists_only_their_employees", func(t *testing.T) {
				for actor, want := range map[org.Actor][]org.EmployeeID{
					visActors["their supervisor"]: {"chen"},
					visActors["other supervisor"]: {"wu"},
					visActors["admin"]:            {"chen", "wu"},
				} {
					got, err := svc.ExpiringWithin(ctx, "d1", actor, 30)
					require.NoError(t, err)
					var ids []org.EmployeeID
					for _, x := range got {
						ids = append(ids, x.Employee)
					}
					assert.ElementsMatch(t, want, ids, "%s", actor)
				}
			})
		})
	}
}
