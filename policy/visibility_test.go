package policy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/store/memstore"
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
		open func(t *testing.T) (org.Store, policy.Store)
	}{
		{"memstore", func(t *testing.T) (org.Store, policy.Store) { ms := memstore.New(); return ms, ms.Policy() }},
		{"sqlite", func(t *testing.T) (org.Store, policy.Store) { st := testdb.SQLite(t); return st, st.Policy() }},
		{"postgres", func(t *testing.T) (org.Store, policy.Store) { st := testdb.Postgres(t); return st, st.Policy() }},
	}
	nov := policy.MonthPeriod(org.Month{Year: 2026, Month: time.November})
	at := time.Date(2026, 11, 3, 1, 0, 0, 0, time.UTC)
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			os, ps := st.open(t)
			roster := visRoster(t, os)
			svc, err := policy.NewService(policy.Config{Store: ps, Roster: roster.Directory(), Clock: org.NewManualClock(at.AddDate(0, 1, 0)), IDs: org.SequentialIDs("p")})
			require.NoError(t, err)
			c := policy.Change{}
			for _, e := range []org.EmployeeID{"chen", "wang", "wu"} {
				c.Incidents = append(c.Incidents, policy.IncidentRecord{DealerID: "d1", ID: "late-" + string(e), Employee: e, Kind: policy.Late, At: at,
					RecordedBy: org.Admin("timeclock"), RecordedAt: at, Version: 1})
				key := "default/attendance/" + string(e) + "/2026-11"
				c.Decisions = append(c.Decisions, policy.Decision{DealerID: "d1", Key: key, State: policy.Proposed, ProposedAt: at, Version: 1,
					Proposal: policy.Proposal{Key: key, PolicyID: "default", PolicyVersion: 1, RuleID: "attendance", Employee: e, Period: nov}})
			}
			require.NoError(t, ps.Commit(ctx, "d1", c))

			everyone := []string{"employee", "peer", "their supervisor", "other supervisor", "technician", "admin"}
			visCheck(t, "R7_active_policy_to_everyone_on_the_roster", everyone,
				func(a org.Actor) error { _, err := svc.ActivePolicy(ctx, "d1", a); return err })
			visCheck(t, "R7_policies_to_everyone_on_the_roster", everyone,
				func(a org.Actor) error { _, err := svc.Policies(ctx, "d1", a); return err })
			visCheck(t, "R7.1_nominations_to_supervisors_and_admins", []string{"their supervisor", "other supervisor", "admin"},
				func(a org.Actor) error { _, err := svc.Nominations(ctx, "d1", a, nov); return err })
			visCheck(t, "R2.2_decision_to_employee_their_supervisor_and_admin", []string{"employee", "their supervisor", "admin"},
				func(a org.Actor) error {
					_, err := svc.Decision(ctx, "d1", a, "default/attendance/chen/2026-11")
					return err
				})
			visCheck(t, "R2.2_decisions_about_chen_to_chen_their_supervisor_and_admin", []string{"employee", "their supervisor", "admin"},
				func(a org.Actor) error { _, err := svc.Decisions(ctx, "d1", a, nov, "chen"); return err })

			lists := []struct {
				name  string
				actor string
				want  []org.EmployeeID
			}{
				{"R7.2_employee_sees_their_own_only", "employee", []org.EmployeeID{"chen"}},
				{"R7.2_employee_sees_their_own_only", "peer", []org.EmployeeID{"wang"}},
				{"R7.2_employee_sees_their_own_only", "technician", []org.EmployeeID{"wu"}},
				{"R2.2_supervisor_sees_their_employees", "their supervisor", []org.EmployeeID{"chen", "wang"}},
				{"R2.2_supervisor_sees_their_employees", "other supervisor", []org.EmployeeID{"wu"}},
				{"R2.2_admin_sees_all", "admin", []org.EmployeeID{"chen", "wang", "wu"}},
			}
			for _, l := range lists {
				t.Run(l.name+"/"+l.actor, func(t *testing.T) {
					a := visActors[l.actor]
					is, err := svc.Incidents(ctx, "d1", a, time.Time{}, time.Time{})
					require.NoError(t, err)
					var got []org.EmployeeID
					for _, r := range is {
						got = append(got, r.Employee)
					}
					assert.ElementsMatch(t, l.want, got, "incidents")
					ds, err := svc.Decisions(ctx, "d1", a, nov, "")
					require.NoError(t, err)
					got = nil
					for _, d := range ds {
						got = append(got, d.Employee())
					}
					assert.ElementsMatch(t, l.want, got, "decisions")
				})
			}
			for _, name := range []string{"stranger", "other dealer"} {
				t.Run("R2.2_"+name+"_refused/lists", func(t *testing.T) {
					_, err := svc.Incidents(ctx, "d1", visActors[name], time.Time{}, time.Time{})
					require.ErrorIs(t, err, policy.ErrForbidden)
					_, err = svc.Decisions(ctx, "d1", visActors[name], nov, "")
					require.ErrorIs(t, err, policy.ErrForbidden)
				})
			}
		})
	}
}
