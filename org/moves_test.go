package org_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
)

// Career moves (R5.5) on every store: memstore, SQLite and PostgreSQL
// (skipped without SERVICELANE_POSTGRES_DSN).

var moveStores = []struct {
	name string
	open func(t *testing.T) org.Store
}{
	{"memstore", func(*testing.T) org.Store { return memstore.New() }},
	{"sqlite", func(t *testing.T) org.Store { return testdb.SQLite(t) }},
	{"postgres", func(t *testing.T) org.Store { return testdb.Postgres(t) }},
}

var (
	supA  = org.Actor{ID: "sup", Role: org.RoleSupervisor}
	a1A   = org.Actor{ID: "a1", Role: org.RoleAdvisor}
	a2A   = org.Actor{ID: "a2", Role: org.RoleAdvisor}
	kuoA  = org.Actor{ID: "kuo", Role: org.RoleSupervisor}
	t1A   = org.Actor{ID: "t1", Role: org.RoleTechnician}
	agree = org.MoveDecision{Approve: true, Reason: "agreed by management"}
)

// moveFixture is dealer d1 on st with supervisor sup and advisors a1 and
// a2 in service_advisor (a2 reports to a1 explicitly), technician t1 in the
// workshop, and a parts department (supervisor kuo) and a sales department
// without a supervisor.
func moveFixture(t *testing.T, st org.Store) *fixture {
	t.Helper()
	f := newService(t, org.Config{Store: st, Departments: []org.Department{"parts", "sales"}})
	_, err := f.svc.CreateDealer(t.Context(), admin, org.NewDealer{ID: d1, Name: "East Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	f.add(t, admin, org.NewEmployee{ID: "sup", Name: "Lin Supervisor", Role: org.RoleSupervisor})
	f.add(t, admin, org.NewEmployee{ID: "a1", Name: "Chen Advisor", Role: org.RoleAdvisor})
	f.add(t, admin, org.NewEmployee{ID: "a2", Name: "Wang Advisor", Role: org.RoleAdvisor, SupervisorID: "a1"})
	f.add(t, admin, org.NewEmployee{ID: "t1", Name: "Huang Technician", Role: org.RoleTechnician})
	f.add(t, admin, org.NewEmployee{ID: "kuo", Name: "Kuo Parts", Role: org.RoleSupervisor, Department: "parts"})
	return f
}

func (f *fixture) propose(t *testing.T, actor org.Actor, in org.MoveInput) org.CareerMove {
	t.Helper()
	m, err := f.svc.ProposeMove(t.Context(), d1, actor, in)
	require.NoError(t, err, "propose %+v", in)
	return m
}

func (f *fixture) history(t *testing.T, emp org.EmployeeID) []org.CareerMove {
	t.Helper()
	ms, err := f.svc.Moves(t.Context(), d1, admin, emp)
	require.NoError(t, err)
	return ms
}

func refusedBy(t *testing.T, err error, rule string) {
	t.Helper()
	var re *org.RefusalError
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, org.ErrInvalidTransition)
	rules := make([]string, len(re.Blockers))
	for i, b := range re.Blockers {
		rules[i] = b.Rule
	}
	assert.Contains(t, rules, rule)
}

func fieldCode(t *testing.T, err error, path, code string) {
	t.Helper()
	require.ErrorIs(t, err, org.ErrInvalid)
	fe, ok := org.FieldErrorOf(err, path)
	require.True(t, ok, "no problem at %s in %v", path, err)
	assert.Equal(t, code, fe.Code, "%s: %v", path, err)
}

func TestCareerMoves(t *testing.T) {
	t.Parallel()
	for _, st := range moveStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			testCareerMoves(t, st.open)
		})
	}
}

func testCareerMoves(t *testing.T, open func(t *testing.T) org.Store) {
	t.Run("R5.5_promotion_applied_to_the_roster", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		ctx := t.Context()
		before := f.employee(t, "a1")
		m := f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MovePromotion,
			To: org.Position{Role: org.RoleSupervisor, Department: "sales"}, Reason: "  led the desk for a year  ",
			Source: "policy decision default/promotion_eligibility/a1/2026-11"})
		assert.Equal(t, org.MoveProposed, m.State)
		assert.Equal(t, org.Position{Role: org.RoleAdvisor, Department: org.DeptServiceAdvisor}, m.From, "From comes from the roster")
		assert.Equal(t, org.Position{Role: org.RoleSupervisor, Department: "sales"}, m.To)
		assert.Equal(t, "led the desk for a year", m.Reason)
		assert.Equal(t, supA, m.ProposedBy)
		assert.Equal(t, int64(1), m.Version)
		assert.Equal(t, before, f.employee(t, "a1"), "a proposal changes nothing on the roster")

		f.clock.Advance(time.Hour)
		dealerBefore := f.dealer(t)
		got, err := f.svc.DecideMove(ctx, d1, admin, org.MoveRef{ID: "mv1", ExpectedVersion: 1}, agree)
		require.NoError(t, err)
		assert.Equal(t, org.MoveApproved, got.State)
		assert.Equal(t, admin, got.DecidedBy)
		assert.Equal(t, "agreed by management", got.Decision)
		assert.Equal(t, f.clock.Now(), got.DecidedAt)
		assert.Equal(t, int64(2), got.Version)

		after := f.employee(t, "a1")
		assert.Equal(t, org.RoleSupervisor, after.Role)
		assert.Equal(t, org.Department("sales"), after.Department)
		assert.Equal(t, before.Version+1, after.Version)
		assert.Equal(t, dealerBefore.Version+1, f.dealer(t).Version, "R2.1: the dealer guards the roster")

		stored, err := f.svc.Move(ctx, d1, admin, "mv1")
		require.NoError(t, err)
		assert.Equal(t, got, stored)
		assert.Equal(t, []org.CareerMove{got}, f.history(t, "a1"))

		var types []string
		for _, ev := range f.events(t) {
			if strings.HasPrefix(ev.Type, "career_move.") || ev.Subject == "employee/a1" {
				types = append(types, ev.Type+" "+ev.Subject)
			}
		}
		assert.Equal(t, []string{"employee.added employee/a1", "career_move.proposed career_move/mv1",
			"career_move.approved career_move/mv1", "employee.changed employee/a1"}, types)
	})

	t.Run("R5.5_transfer_and_history_oldest_first", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.propose(t, supA, org.MoveInput{ID: "mv-b", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "sales"}, Reason: "x"})
		_, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv-b"}, org.MoveDecision{Reason: "not now"})
		require.NoError(t, err)
		f.clock.Advance(time.Hour)
		f.propose(t, supA, org.MoveInput{ID: "mv-a", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "y"})
		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv-a"}, agree)
		require.NoError(t, err)
		e := f.employee(t, "a1")
		assert.Equal(t, org.Department("parts"), e.Department)
		assert.Equal(t, org.RoleAdvisor, e.Role)
		sup, err := f.svc.Directory().SupervisorOf(t.Context(), d1, "a1")
		require.NoError(t, err)
		assert.Equal(t, org.EmployeeID("kuo"), sup.ID, "a1 now reports to the parts department's supervisor")
		hist := f.history(t, "a1")
		require.Len(t, hist, 2)
		assert.Equal(t, []org.MoveID{"mv-b", "mv-a"}, []org.MoveID{hist[0].ID, hist[1].ID})
		assert.Equal(t, []org.MoveState{org.MoveRejected, org.MoveApproved}, []org.MoveState{hist[0].State, hist[1].State})
	})

	t.Run("R2.1_second_supervisor_refused", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		// A succession may be proposed while the supervisor is still there;
		// management cannot approve it until the department has no other.
		f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MovePromotion, To: org.Position{Role: org.RoleSupervisor}, Reason: "succession"})
		before := f.employee(t, "a1")
		evs := len(f.events(t))
		_, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, agree)
		fieldCode(t, err, "role", org.CodeSecondHolder)
		assert.Contains(t, err.Error(), "R2.1")
		assert.Equal(t, before, f.employee(t, "a1"))
		assert.Len(t, f.events(t), evs)
		m, err := f.svc.Move(t.Context(), d1, admin, "mv1")
		require.NoError(t, err)
		assert.Equal(t, org.MoveProposed, m.State)

		// Once the supervisor leaves, the same move is approved.
		f.deactivate(t, "sup")
		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, agree)
		require.NoError(t, err)
		assert.Equal(t, org.RoleSupervisor, f.employee(t, "a1").Role)
	})

	t.Run("R2.1_cycle_refused", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		// kuo comes to report to sup; sup reporting to kuo would close a loop.
		f.propose(t, admin, org.MoveInput{ID: "mv1", Employee: "kuo", Kind: org.MoveTransfer, To: org.Position{SupervisorID: "sup"}, Reason: "x"})
		f.propose(t, admin, org.MoveInput{ID: "mv2", Employee: "sup", Kind: org.MoveTransfer, To: org.Position{SupervisorID: "kuo"}, Reason: "y"})
		_, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, agree)
		require.NoError(t, err)
		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv2"}, agree)
		fieldCode(t, err, "supervisor_id", org.CodeCycle)
	})

	t.Run("R1.3_never_about_themselves", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		_, err := f.svc.ProposeMove(t.Context(), d1, supA, org.MoveInput{Employee: "sup", Kind: org.MoveTransfer, To: org.Position{Department: "sales"}, Reason: "x"})
		require.ErrorIs(t, err, org.ErrForbidden)
		assert.Contains(t, err.Error(), "R1.3")
		_, err = f.svc.ProposeMove(t.Context(), d1, a1A, org.MoveInput{Employee: "a1", Kind: org.MovePromotion, To: org.Position{Role: org.RoleSupervisor, Department: "sales"}, Reason: "x"})
		require.ErrorIs(t, err, org.ErrForbidden)
		assert.Contains(t, err.Error(), "R2.2")
		_, err = f.svc.ProposeMove(t.Context(), d1, kuoA, org.MoveInput{Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		require.ErrorIs(t, err, org.ErrForbidden, "a supervisor of another department")
		assert.Contains(t, err.Error(), "R2.2")

		f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		_, err = f.svc.DecideMove(t.Context(), d1, org.Admin("a1"), org.MoveRef{ID: "mv1"}, agree)
		require.ErrorIs(t, err, org.ErrForbidden, "an admin acting under the employee's own ID")
		assert.Contains(t, err.Error(), "R1.3")
		assert.Empty(t, f.history(t, "sup"))
	})

	t.Run("R5.5_position_changed_since_proposed", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		f.change(t, admin, org.EmployeeChange{ID: "a1", Department: ptr(org.Department("sales"))})
		before := f.employee(t, "a1")
		_, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, agree)
		refusedBy(t, err, org.RulePositionChanged)
		assert.Equal(t, "R5.5_position_changed_since_proposed", org.RulePositionChanged)
		assert.Equal(t, before, f.employee(t, "a1"))
		// It may still be rejected.
		m, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, org.MoveDecision{Reason: "overtaken"})
		require.NoError(t, err)
		assert.Equal(t, org.MoveRejected, m.State)
	})

	t.Run("decided_only_by_admin_with_a_reason", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		for _, a := range []org.Actor{supA, a1A, a2A, kuoA, t1A, {ID: "ghost", Role: org.RoleSupervisor}} {
			_, err := f.svc.DecideMove(t.Context(), d1, a, org.MoveRef{ID: "mv1"}, agree)
			require.ErrorIs(t, err, org.ErrForbidden, "%s", a)
		}
		_, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, org.MoveDecision{Approve: true, Reason: "  "})
		fieldCode(t, err, "reason", org.CodeRequired)
		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1", ExpectedVersion: 7}, agree)
		require.ErrorIs(t, err, org.ErrStale)
		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "nope"}, agree)
		require.ErrorIs(t, err, org.ErrNotFound)

		before := f.employee(t, "a1")
		m, err := f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, org.MoveDecision{Reason: "budget"})
		require.NoError(t, err)
		assert.Equal(t, org.MoveRejected, m.State)
		assert.Equal(t, "budget", m.Decision)
		assert.Equal(t, before, f.employee(t, "a1"), "a rejection leaves the roster")

		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, agree)
		var re *org.RefusalError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "rejected", re.State)
		refusedBy(t, err, org.RuleState)
	})

	t.Run("one_proposed_move_at_a_time", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		_, err := f.svc.ProposeMove(t.Context(), d1, admin, org.MoveInput{ID: "mv2", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "sales"}, Reason: "y"})
		refusedBy(t, err, org.RuleOneProposedMove)
		assert.Len(t, f.history(t, "a1"), 1)
		// Another employee's move is not held up.
		f.propose(t, admin, org.MoveInput{ID: "mv3", Employee: "a2", Kind: org.MoveTransfer, To: org.Position{Department: "sales"}, Reason: "z"})
		_, err = f.svc.DecideMove(t.Context(), d1, admin, org.MoveRef{ID: "mv1"}, org.MoveDecision{Reason: "no"})
		require.NoError(t, err)
		f.propose(t, admin, org.MoveInput{ID: "mv2", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "sales"}, Reason: "y"})
	})

	t.Run("R5.5_inactive_employee_refused", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.deactivate(t, "t1")
		_, err := f.svc.ProposeMove(t.Context(), d1, admin, org.MoveInput{Employee: "t1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		refusedBy(t, err, org.RuleMoveInactive)
	})

	t.Run("bad_input_changes_nothing", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.propose(t, admin, org.MoveInput{ID: "taken", Employee: "a2", Kind: org.MoveTransfer, To: org.Position{Department: "sales"}, Reason: "x"})
		ok := org.MoveInput{Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"}
		with := func(fn func(in *org.MoveInput)) org.MoveInput { in := ok; fn(&in); return in }
		cases := []struct {
			name, path, code string
			in               org.MoveInput
		}{
			{"no_employee", "employee", org.CodeRequired, with(func(in *org.MoveInput) { in.Employee = "" })},
			{"unknown_employee", "employee", org.CodeNotFound, with(func(in *org.MoveInput) { in.Employee = "nobody" })},
			{"no_kind", "kind", org.CodeRequired, with(func(in *org.MoveInput) { in.Kind = "" })},
			{"unknown_kind", "kind", org.CodeUnknown, with(func(in *org.MoveInput) { in.Kind = "demotion" })},
			{"no_reason", "reason", org.CodeRequired, with(func(in *org.MoveInput) { in.Reason = " " })},
			{"reason_not_utf8", "reason", org.CodeFormat, with(func(in *org.MoveInput) { in.Reason = "ok\xff" })},
			{"source_too_long", "source", org.CodeTooLong, with(func(in *org.MoveInput) { in.Source = strings.Repeat("源", 201) })},
			{"source_not_utf8", "source", org.CodeFormat, with(func(in *org.MoveInput) { in.Source = "\xc3" })},
			{"bad_id", "id", org.CodeFormat, with(func(in *org.MoveInput) { in.ID = "has space" })},
			{"duplicate_id", "id", org.CodeDuplicate, with(func(in *org.MoveInput) { in.ID = "taken" })},
			{"unknown_role", "to.role", org.CodeUnknown, with(func(in *org.MoveInput) {
				in.Kind, in.To = org.MovePromotion, org.Position{Role: "manager"}
			})},
			{"admin_role", "to.role", org.CodeUnknown, with(func(in *org.MoveInput) {
				in.Kind, in.To = org.MovePromotion, org.Position{Role: org.RoleAdmin}
			})},
			{"unknown_department", "to.department", org.CodeUnknown, with(func(in *org.MoveInput) { in.To.Department = "moon" })},
			{"unknown_supervisor", "to.supervisor_id", org.CodeNotFound, with(func(in *org.MoveInput) { in.To = org.Position{SupervisorID: "ghost"} })},
			{"supervisor_not_a_supervisor", "to.supervisor_id", org.CodeInvalid, with(func(in *org.MoveInput) { in.To = org.Position{SupervisorID: "t1"} })},
			{"supervisor_themselves", "to.supervisor_id", org.CodeSelfReference, with(func(in *org.MoveInput) { in.To = org.Position{SupervisorID: "a1"} })},
			{"changes_nothing", "to", org.CodeInvalid, with(func(in *org.MoveInput) { in.To = org.Position{Department: org.DeptServiceAdvisor} })},
			{"promotion_without_new_role_or_line", "kind", org.CodeInvalid, with(func(in *org.MoveInput) { in.Kind = org.MovePromotion })},
			{"transfer_without_new_department_or_line", "kind", org.CodeInvalid, with(func(in *org.MoveInput) { in.To = org.Position{Role: org.RoleSupervisor} })},
		}
		before := f.events(t)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.svc.ProposeMove(t.Context(), d1, admin, c.in)
				fieldCode(t, err, c.path, c.code)
			})
		}
		f.deactivate(t, "sup")
		t.Run("inactive_supervisor", func(t *testing.T) {
			_, err := f.svc.ProposeMove(t.Context(), d1, admin, with(func(in *org.MoveInput) { in.To = org.Position{SupervisorID: "sup"} }))
			fieldCode(t, err, "to.supervisor_id", org.CodeInactive)
		})
		assert.Equal(t, len(before)+1, len(f.events(t)), "only the deactivation was written")
		assert.Empty(t, f.history(t, "a1"))
	})

	t.Run("reads_by_who_sees_the_employee", func(t *testing.T) {
		t.Parallel()
		f := moveFixture(t, open(t))
		f.propose(t, supA, org.MoveInput{ID: "mv1", Employee: "a1", Kind: org.MoveTransfer, To: org.Position{Department: "parts"}, Reason: "x"})
		for _, c := range []struct {
			actor org.Actor
			sees  bool
		}{
			{a1A, true}, {supA, true}, {admin, true},
			{a2A, false}, {kuoA, false}, {t1A, false},
			{org.Actor{ID: "ghost", Role: org.RoleAdvisor}, false}, {org.Actor{ID: "a1", Role: org.RoleSupervisor}, false},
		} {
			m, err := f.svc.Move(t.Context(), d1, c.actor, "mv1")
			ms, errs := f.svc.Moves(t.Context(), d1, c.actor, "a1")
			if c.sees {
				require.NoError(t, errors.Join(err, errs), "%s", c.actor)
				assert.Equal(t, org.MoveID("mv1"), m.ID)
				assert.Len(t, ms, 1)
				continue
			}
			require.ErrorIs(t, err, org.ErrForbidden, "Move by %s", c.actor)
			require.ErrorIs(t, errs, org.ErrForbidden, "Moves by %s", c.actor)
		}
		_, err := f.svc.Move(t.Context(), d1, admin, "nope")
		require.ErrorIs(t, err, org.ErrNotFound)
		_, err = f.svc.Move(t.Context(), "d2", admin, "mv1")
		require.ErrorIs(t, err, org.ErrNotFound, "another dealer's move")
		ms, err := f.svc.Moves(t.Context(), d1, a2A, "a2")
		require.NoError(t, err)
		assert.Empty(t, ms, "no moves is an empty history")
	})
}
