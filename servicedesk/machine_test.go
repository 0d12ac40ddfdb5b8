package servicedesk

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
)

// allCommands lists every command by hand: a command added to machine.go
// but not here (or to the table but not here) fails TestTable_commands.
var allCommands = []Command{
	CmdReceive, CmdRecordCondition, CmdAcknowledge, CmdDiagnose, CmdEstimate, CmdApprove, CmdBook, CmdReschedule,
	CmdNoShow, CmdStart, CmdNote, CmdPause, CmdResume, CmdProposeSupplement, CmdDecideSupplement, CmdCompleteJob,
	CmdCompleteRepair, CmdInspect, CmdNotifyReady, CmdApproveOverrun, CmdSettle, CmdDeliver, CmdClose, CmdCancel,
}

// machineActors gives one actor per role, plus the admin (the host, in no
// row) and a role nobody has.
var machineActors = []org.Actor{
	{ID: "sup", Role: org.RoleSupervisor},
	{ID: "chen", Role: org.RoleAdvisor},
	{ID: "wu", Role: org.RoleTechnician},
	{ID: "host", Role: org.RoleAdmin},
	{ID: "kao", Role: org.Role("customer")},
}

var allOptions = []Options{{}, {ExpressLane: true}}

// optionOn is the test's own reading of Option names.
func optionOn(t testing.TB, o Options, name string) bool {
	t.Helper()
	switch name {
	case "":
		return true
	case "express_lane":
		return o.ExpressLane
	}
	t.Fatalf("row with unknown option %q", name)
	return false
}

// machineCase is a work order in one state, with the guards of that
// state's rows it fails (for every actor of machineActors). Guards that
// cannot hold together (added work pending / decided) need two cases.
type machineCase struct {
	name  string
	w     WorkOrder
	fails []string
}

func machineCases() []machineCase {
	at := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
	order := func(s State, edit ...func(w *WorkOrder)) WorkOrder {
		w := WorkOrder{DealerID: "d1", ID: "wo1", State: s, Advisor: "chen", Version: 3,
			Concerns: []Concern{{ID: "c1", Text: "brakes squeal"}, {ID: "c2", Text: "oil change due"}}}
		for _, e := range edit {
			e(&w)
		}
		return w
	}
	condition := func(w *WorkOrder) {
		w.Condition = &ConditionReport{Items: []ConditionItem{{Area: "front bumper", Status: ConditionDamaged}}, RecordedBy: "chen", RecordedAt: at}
	}
	diagnosed := func(w *WorkOrder) {
		condition(w)
		w.Findings = []Finding{{ConcernID: "c1", Cause: "pads", Correction: "replace"}, {ConcernID: "c2", Cause: "due", Correction: "change"}}
	}
	jobs := func(js ...Job) func(w *WorkOrder) {
		return func(w *WorkOrder) { diagnosed(w); w.Jobs = js }
	}
	booked := func(w *WorkOrder) {
		w.Booking = &Booking{Technician: "wu", Start: at, End: at.Add(2 * time.Hour)}
	}
	started := func(w *WorkOrder) { booked(w); w.Booking.Outcome = OutcomeKept }
	inspected := func(passed ...bool) func(w *WorkOrder) {
		return func(w *WorkOrder) {
			for _, p := range passed {
				w.Inspections = append(w.Inspections, Inspection{By: "chen", At: at, Passed: p})
			}
		}
	}
	j1 := func(s JobStatus) Job { return Job{ID: "j1", ConcernID: "c1", Status: s} }
	j2 := func(s JobStatus) Job { return Job{ID: "j2", ConcernID: "c2", Status: s} }
	supp := func(s JobStatus) Job { return Job{ID: "j3", Supplement: 1, Status: s} }
	done := jobs(j1(JobDone), j2(JobDeclined))

	return []machineCase{
		{name: "new", w: order(StateNone)},
		{name: "received", w: order(StateReceived, condition)},
		{name: "received_without_walkaround", w: order(StateReceived), fails: []string{"R3.1d_walkaround_recorded"}},
		{name: "inspected", w: order(StateInspected, condition)},
		{name: "diagnosed", w: order(StateDiagnosed, diagnosed)},
		{name: "diagnosed_one_concern_missing", w: order(StateDiagnosed, condition, func(w *WorkOrder) {
			w.Findings = []Finding{{ConcernID: "c1", Cause: "pads", Correction: "replace"}}
		}), fails: []string{"R3.2a_every_concern_diagnosed"}},
		{name: "estimated", w: order(StateEstimated, jobs(j1(JobProposed), j2(JobProposed)))},
		{name: "estimated_all_declined", w: order(StateEstimated, jobs(j1(JobDeclined), j2(JobDeclined))),
			fails: []string{"R3.2c_estimate_has_jobs_to_decide"}},
		{name: "approved", w: order(StateApproved, jobs(j1(JobApproved), j2(JobDeclined)))},
		{name: "booked", w: order(StateBooked, jobs(j1(JobApproved), j2(JobDeclined)), booked)},
		{name: "in_progress_supplement_pending", w: order(StateInProgress, jobs(j1(JobDone), j2(JobDeclined), supp(JobProposed)), started),
			fails: []string{"R3.3b_added_work_decided", "R3.3b_an_approved_job_to_work"}},
		{name: "in_progress_all_done", w: order(StateInProgress, jobs(j1(JobDone), j2(JobDeclined), supp(JobDeclined)), started),
			fails: []string{"R3.3b_added_work_to_decide", "R3.3b_an_approved_job_to_work"}},
		{name: "in_progress_job_open", w: order(StateInProgress, jobs(j1(JobApproved), j2(JobDone)), started),
			fails: []string{"R3.3b_added_work_to_decide", "R3.3c_approved_jobs_done"}},
		{name: "paused_supplement_pending", w: order(StatePaused, jobs(j1(JobApproved), supp(JobProposed)), started),
			fails: []string{"R3.3b_added_work_decided"}},
		{name: "paused_all_decided", w: order(StatePaused, jobs(j1(JobApproved), supp(JobApproved)), started),
			fails: []string{"R3.3b_added_work_to_decide"}},
		{name: "repaired", w: order(StateRepaired, done, started)},
		{name: "repaired_after_rework", w: order(StateRepaired, done, started, inspected(false))},
		{name: "passed", w: order(StatePassed, done, started, inspected(false, true))},
		{name: "passed_last_inspection_failed", w: order(StatePassed, done, started, inspected(true, false)),
			fails: []string{"R3.3c_final_inspection_passed"}},
		{name: "ready_for_pickup", w: order(StateReady, done, started, inspected(true))},
		{name: "ready_for_pickup_never_inspected", w: order(StateReady, done, started),
			fails: []string{"R3.3c_final_inspection_passed"}},
		{name: "settled", w: order(StateSettled, done, started, inspected(true))},
		{name: "settled_last_inspection_failed", w: order(StateSettled, done, started, inspected(false)),
			fails: []string{"R3.3c_final_inspection_passed"}},
		{name: "delivered", w: order(StateDelivered, done, started, inspected(true))},
		{name: "closed", w: order(StateClosed, done, started, inspected(true))},
		{name: "cancelled", w: order(StateCancelled, jobs(j1(JobApproved)), booked)},
	}
}

// expectation is what the table says check must answer, worked out from
// the rows and the case's failing guards only.
type expectation struct {
	allowed bool
	// roleOnly: some row would allow the command in this state with these
	// guards; only the actor's role is wrong.
	roleOnly bool
	blockers []string // distinct guard names of the TransitionError, sorted
}

func expect(t *testing.T, c machineCase, cmd Command, actor org.Actor, opts Options) expectation {
	t.Helper()
	var e expectation
	rows := 0
	// A row of cmd that starts from the state makes the other rows' states
	// no reason: only that row's roles and guards block.
	stateMatched := slices.ContainsFunc(Transitions(), func(tr Transition) bool {
		return tr.Command == cmd && optionOn(t, opts, tr.Option) && slices.Contains(tr.From, c.w.State)
	})
	for _, tr := range Transitions() {
		if tr.Command != cmd || !optionOn(t, opts, tr.Option) {
			continue
		}
		rows++
		stateOK := slices.Contains(tr.From, c.w.State)
		if !stateOK && stateMatched {
			continue
		}
		roleOK := slices.Contains(tr.Roles, actor.Role)
		guardsOK := true
		if !stateOK {
			e.blockers = append(e.blockers, "state")
		}
		if !roleOK {
			e.blockers = append(e.blockers, "role")
		}
		for _, g := range tr.Guards {
			switch {
			case stateOK && slices.Contains(c.fails, g.Name):
				e.blockers = append(e.blockers, g.Name)
				guardsOK = false
			case !stateOK:
				// The state is wrong too: every blocker at once, so the
				// guards of the row are named as well, when they fail on
				// this order (the fixture declares failures only for its
				// own state's rows; the guard itself says for the others).
				w := c.w.Clone()
				if g.Check(&w, actor) != "" {
					e.blockers = append(e.blockers, g.Name)
				}
			}
		}
		e.allowed = e.allowed || stateOK && roleOK && guardsOK
		e.roleOnly = e.roleOnly || stateOK && guardsOK && !roleOK
	}
	if rows == 0 {
		e.blockers = append(e.blockers, "command")
	}
	slices.Sort(e.blockers)
	e.blockers = slices.Compact(e.blockers)
	return e
}

func blockerNames(te *TransitionError) []string {
	var names []string
	for _, b := range te.Blockers {
		names = append(names, b.Rule)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TestMachineCases checks the fixture: each case's declared failing guards
// are exactly those of its state's rows that fail, for every actor.
func TestMachineCases(t *testing.T) {
	for _, c := range machineCases() {
		for _, actor := range machineActors {
			for _, tr := range Transitions() {
				if !slices.Contains(tr.From, c.w.State) {
					continue
				}
				for _, g := range tr.Guards {
					w := c.w.Clone()
					assert.Equal(t, slices.Contains(c.fails, g.Name), g.Check(&w, actor) != "",
						"case %s, actor %s, guard %s: declared failing?", c.name, actor, g.Name)
				}
			}
		}
	}
}

// TestCheck_everyStateCommandRole tries every command by every role on a
// work order in every state (and the guard-failing variants), with and
// without the express lane: check allows exactly what the table lists and
// refuses everything else with a TransitionError naming the state, the
// command and every blocker.
func TestCheck_everyStateCommandRole(t *testing.T) {
	covered := map[State]bool{}
	for _, opts := range allOptions {
		for _, c := range machineCases() {
			covered[c.w.State] = true
			for _, cmd := range append(slices.Clone(allCommands), Command("fly")) {
				for _, actor := range machineActors {
					want := expect(t, c, cmd, actor, opts)
					w := c.w.Clone()
					got, err := check(&w, cmd, actor, opts)
					where := []any{"case %s, %s by %s, express lane %v", c.name, cmd, actor, opts.ExpressLane}
					assert.Equal(t, c.w, w, where...) // check only reads
					if want.allowed {
						if !assert.NoError(t, err, where...) {
							continue
						}
						assert.Equal(t, cmd, got.Command, where...)
						assert.Contains(t, got.From, c.w.State, where...)
						assert.Contains(t, got.Roles, actor.Role, where...)
						assert.True(t, optionOn(t, opts, got.Option), where...)
						continue
					}
					var te *TransitionError
					if !assert.ErrorAs(t, err, &te, where...) {
						continue
					}
					assert.Equal(t, Transition{}, got, where...)
					assert.Equal(t, string(c.w.ID), te.ID, where...)
					assert.Equal(t, string(c.w.State), te.State, where...)
					assert.Equal(t, string(cmd), te.Command, where...)
					assert.Equal(t, actor, te.Actor, where...)
					assert.Equal(t, want.blockers, blockerNames(te), where...)
					for _, b := range te.Blockers {
						assert.NotEmpty(t, b.Message, where...)
					}
					onlyRoles := slices.Equal(want.blockers, []string{"role"})
					assert.Equal(t, onlyRoles, errors.Is(err, org.ErrForbidden), where...)
					assert.Equal(t, !onlyRoles, errors.Is(err, org.ErrInvalidTransition), where...)
					assert.Contains(t, err.Error(), string(cmd), where...)
				}
			}
		}
	}
	for _, s := range append(States(), StateNone) {
		assert.True(t, covered[s], "no case in state %q", s)
	}
}

// TestCheck_roleOnlyRefusalIsForbidden: when another role could give the
// command on this very order now, the refusal is about the role alone and
// must match ErrForbidden (a UI shows "ask a supervisor", an API answers
// 403), whatever other rows of the same command say about other states.
func TestCheck_roleOnlyRefusalIsForbidden(t *testing.T) {
	var wrong []string
	for _, opts := range allOptions {
		for _, c := range machineCases() {
			for _, cmd := range allCommands {
				for _, actor := range machineActors {
					want := expect(t, c, cmd, actor, opts)
					if want.allowed || !want.roleOnly {
						continue
					}
					w := c.w.Clone()
					_, err := check(&w, cmd, actor, opts)
					var te *TransitionError
					require.ErrorAs(t, err, &te)
					if !errors.Is(err, org.ErrForbidden) {
						wrong = append(wrong, fmt.Sprintf("%s by %s in %s (express lane %v): blockers %v",
							cmd, actor.Role, c.w.State, opts.ExpressLane, blockerNames(te)))
					}
				}
			}
		}
	}
	slices.Sort(wrong)
	wrong = slices.Compact(wrong)
	if len(wrong) > 0 {
		t.Errorf("%d refusals where only the role is wrong match ErrInvalidTransition, not ErrForbidden:\n%s",
			len(wrong), strings.Join(wrong, "\n"))
	}
}

// TestPermitted_matchesCheck: Permitted lists, in table order, exactly
// the commands check allows.
func TestPermitted_matchesCheck(t *testing.T) {
	for _, opts := range allOptions {
		for _, c := range machineCases() {
			for _, actor := range machineActors {
				var want []Command
				for _, tr := range Transitions() {
					if slices.Contains(want, tr.Command) {
						continue
					}
					if expect(t, c, tr.Command, actor, opts).allowed {
						want = append(want, tr.Command)
					}
				}
				w := c.w.Clone()
				assert.Equal(t, want, Permitted(&w, actor, opts), "case %s, actor %s, express lane %v", c.name, actor, opts.ExpressLane)
			}
		}
	}
}

// TestPermitted_spec is the workflow written out by hand from RULES.md §3,
// independently of the table: who may do what in each state.
func TestPermitted_spec(t *testing.T) {
	const (
		adv  = org.RoleAdvisor
		sup  = org.RoleSupervisor
		tech = org.RoleTechnician
	)
	type spec map[org.Role][]Command
	same := func(cmds ...Command) spec { return spec{adv: cmds, sup: cmds} }
	with := func(s spec, r org.Role, cmds ...Command) spec { s[r] = cmds; return s }
	note := []Command{CmdNote}
	specs := map[string]spec{
		"new":                              same(CmdReceive),
		"received":                         with(same(CmdRecordCondition, CmdAcknowledge, CmdNote, CmdCancel), tech, note...),
		"received_without_walkaround":      with(same(CmdRecordCondition, CmdNote, CmdCancel), tech, note...),
		"inspected":                        with(same(CmdDiagnose, CmdNote, CmdCancel), tech, CmdDiagnose, CmdNote),
		"diagnosed":                        with(same(CmdDiagnose, CmdEstimate, CmdNote, CmdCancel), tech, CmdDiagnose, CmdNote),
		"diagnosed_one_concern_missing":    with(same(CmdDiagnose, CmdNote, CmdCancel), tech, CmdDiagnose, CmdNote),
		"estimated":                        with(same(CmdEstimate, CmdApprove, CmdNote, CmdCancel), tech, note...),
		"estimated_all_declined":           with(same(CmdEstimate, CmdNote, CmdCancel), tech, note...),
		"approved":                         with(same(CmdBook, CmdNote, CmdCancel), tech, note...),
		"booked":                           {adv: {CmdReschedule, CmdNoShow, CmdNote, CmdCancel}, sup: {CmdReschedule, CmdNoShow, CmdStart, CmdNote, CmdCancel}, tech: {CmdStart, CmdNote}},
		"in_progress_supplement_pending":   {adv: {CmdNote, CmdPause, CmdDecideSupplement}, sup: {CmdNote, CmdPause, CmdDecideSupplement, CmdCancel}, tech: {CmdNote, CmdPause}},
		"in_progress_all_done":             {adv: {CmdNote, CmdPause, CmdProposeSupplement}, sup: {CmdNote, CmdPause, CmdProposeSupplement, CmdCompleteRepair, CmdCancel}, tech: {CmdNote, CmdPause, CmdProposeSupplement, CmdCompleteRepair}},
		"in_progress_job_open":             {adv: {CmdNote, CmdPause, CmdProposeSupplement}, sup: {CmdNote, CmdPause, CmdProposeSupplement, CmdCompleteJob, CmdCancel}, tech: {CmdNote, CmdPause, CmdProposeSupplement, CmdCompleteJob}},
		"paused_supplement_pending":        {adv: {CmdNote, CmdResume, CmdDecideSupplement}, sup: {CmdNote, CmdResume, CmdDecideSupplement, CmdCancel}, tech: {CmdNote, CmdResume}},
		"paused_all_decided":               {adv: {CmdNote, CmdResume, CmdProposeSupplement}, sup: {CmdNote, CmdResume, CmdProposeSupplement, CmdCancel}, tech: {CmdNote, CmdResume, CmdProposeSupplement}},
		"repaired":                         {adv: {CmdInspect, CmdNote}, sup: {CmdInspect, CmdNote, CmdCancel}, tech: note},
		"repaired_after_rework":            {adv: {CmdInspect, CmdNote}, sup: {CmdInspect, CmdNote, CmdCancel}, tech: note},
		"passed":                           with(same(CmdNotifyReady, CmdNote), tech, note...),
		"passed_last_inspection_failed":    with(same(CmdNote), tech, note...),
		"ready_for_pickup":                 with(same(CmdApproveOverrun, CmdSettle, CmdNote), tech, note...),
		"ready_for_pickup_never_inspected": with(same(CmdApproveOverrun, CmdNote), tech, note...),
		"settled":                          with(same(CmdDeliver, CmdNote), tech, note...),
		"settled_last_inspection_failed":   with(same(CmdNote), tech, note...),
		"delivered":                        with(same(CmdClose, CmdNote), tech, note...),
		"closed":                           {},
		"cancelled":                        {},
	}
	for _, opts := range allOptions {
		for _, c := range machineCases() {
			s, ok := specs[c.name]
			require.True(t, ok, "no spec for case %s", c.name)
			for _, actor := range machineActors {
				want := slices.Clone(s[actor.Role])
				if opts.ExpressLane && c.name == "approved" && (actor.Role == tech || actor.Role == sup) {
					want = append(want, CmdStart) // quick service without a booking
				}
				w := c.w.Clone()
				got := Permitted(&w, actor, opts)
				sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
				sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
				assert.Equal(t, want, got, "case %s, actor %s, express lane %v", c.name, actor, opts.ExpressLane)
			}
		}
	}
}

// TestCheck_bookedTechnician: a technician other than the booked one
// cannot start the repair; the supervisor can.
func TestCheck_bookedTechnician(t *testing.T) {
	for _, c := range machineCases() {
		if c.name != "booked" {
			continue
		}
		for _, opts := range allOptions {
			w := c.w.Clone()
			_, err := check(&w, CmdStart, org.Actor{ID: "tsai", Role: org.RoleTechnician}, opts)
			var te *TransitionError
			require.ErrorAs(t, err, &te)
			assert.ErrorIs(t, err, org.ErrInvalidTransition)
			assert.Contains(t, blockerNames(te), "R3.2c_started_by_the_booked_technician")
			_, err = check(&w, CmdStart, org.Actor{ID: "sup", Role: org.RoleSupervisor}, opts)
			assert.NoError(t, err)
		}
	}
}

func TestCheck_unknownCommand(t *testing.T) {
	w := machineCases()[1].w
	_, err := check(&w, "fly", org.Actor{ID: "chen", Role: org.RoleAdvisor}, Options{})
	var te *TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{"command"}, blockerNames(te))
	assert.ErrorIs(t, err, org.ErrInvalidTransition)
	assert.NotErrorIs(t, err, org.ErrForbidden)
}

// TestTable_commands: allCommands is the table's command set.
func TestTable_commands(t *testing.T) {
	var inTable []Command
	for _, tr := range Transitions() {
		if !slices.Contains(inTable, tr.Command) {
			inTable = append(inTable, tr.Command)
		}
	}
	assert.ElementsMatch(t, allCommands, inTable)
}

var guardName = regexp.MustCompile(`^R\d+\.\d+[a-z]?_[a-z0-9]+(_[a-z0-9]+)*$`)

// TestTable_guardNamesCiteRules: every guard's name starts with the rule
// it enforces ("R3.2c_...").
func TestTable_guardNamesCiteRules(t *testing.T) {
	n := 0
	for _, tr := range Transitions() {
		for _, g := range tr.Guards {
			n++
			assert.Regexp(t, guardName, g.Name, "guard of %s", tr.Command)
			assert.NotNil(t, g.Check, "guard %s", g.Name)
		}
	}
	assert.Positive(t, n)
}

// TestTable_consentAndInspectionRowsHaveNoOption: no Option can switch
// off a consent or the final inspection: the rows that record consent or
// inspect, and those after the inspection, are unconditional, and so is
// every row carrying a consent or inspection guard.
func TestTable_consentAndInspectionRowsHaveNoOption(t *testing.T) {
	fixed := []Command{CmdApprove, CmdDecideSupplement, CmdInspect, CmdNotifyReady, CmdSettle, CmdDeliver}
	seen := map[Command]bool{}
	for _, tr := range Transitions() {
		if slices.Contains(fixed, tr.Command) {
			seen[tr.Command] = true
			assert.Empty(t, tr.Option, "row %s", tr.Command)
		}
		if tr.Option != "" {
			assert.True(t, optionOn(t, Options{ExpressLane: true}, tr.Option), "option %s is not a switch of Options", tr.Option)
			assert.True(t, Options{ExpressLane: true}.enabled(tr.Option))
			assert.False(t, Options{}.enabled(tr.Option))
			// An option row may not skip a step: it still carries the
			// approval guard, and it may not lead past the inspection.
			assert.NotContains(t, tr.To, StatePassed)
			assert.NotContains(t, tr.To, StateReady)
			assert.NotContains(t, tr.To, StateSettled)
			assert.NotContains(t, tr.To, StateDelivered)
			for _, s := range tr.From {
				assert.Less(t, slices.Index(States(), StateApproved)-1, slices.Index(States(), s), "option row %s from %s: before approval", tr.Command, s)
			}
			assert.True(t, slices.ContainsFunc(tr.Guards, func(g Guard) bool { return g.Name == guardApprovedJob.Name }),
				"option row %s must keep %s", tr.Command, guardApprovedJob.Name)
		}
	}
	for _, c := range fixed {
		assert.True(t, seen[c], "no row for %s", c)
	}
	assert.False(t, Options{}.enabled("no_such_option"))
	assert.False(t, Options{ExpressLane: true}.enabled("no_such_option"))
}

// TestTable_unambiguous: for any options, two enabled rows of one command
// never share a state, so the outcome never depends on row order.
func TestTable_unambiguous(t *testing.T) {
	for _, opts := range allOptions {
		rows := Transitions()
		for i, a := range rows {
			for _, b := range rows[i+1:] {
				if a.Command != b.Command || !opts.enabled(a.Option) || !opts.enabled(b.Option) {
					continue
				}
				for _, s := range a.From {
					assert.NotContains(t, b.From, s, "%s from %s: two rows (express lane %v)", a.Command, s, opts.ExpressLane)
				}
			}
		}
	}
}

// TestTable_shape: every row is complete; terminal states have no way
// out; every state is reachable from reception and can reach an end.
func TestTable_shape(t *testing.T) {
	next := map[State][]State{}
	for _, tr := range Transitions() {
		assert.NotEmpty(t, tr.From, "row %s", tr.Command)
		assert.NotEmpty(t, tr.Roles, "row %s", tr.Command)
		for _, s := range tr.From {
			assert.False(t, s.Terminal(), "row %s leaves terminal %s", tr.Command, s)
			assert.True(t, s == StateNone || slices.Contains(States(), s), "row %s: unknown state %q", tr.Command, s)
			next[s] = append(next[s], tr.To...)
		}
		for _, s := range tr.To {
			assert.True(t, slices.Contains(States(), s), "row %s: unknown state %q", tr.Command, s)
		}
		for _, r := range tr.Roles {
			assert.Contains(t, []org.Role{org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician}, r, "row %s", tr.Command)
		}
	}
	reach := func(from State) map[State]bool {
		seen := map[State]bool{from: true}
		todo := []State{from}
		for len(todo) > 0 {
			s := todo[0]
			todo = todo[1:]
			for _, n := range next[s] {
				if !seen[n] {
					seen[n] = true
					todo = append(todo, n)
				}
			}
		}
		return seen
	}
	fromStart := reach(StateNone)
	for _, s := range States() {
		assert.True(t, fromStart[s], "%s unreachable from reception", s)
		r := reach(s)
		assert.True(t, r[StateClosed] || r[StateCancelled], "%s cannot end", s)
	}
	assert.Len(t, States(), 15)
}

// TestTransitions_deepCopy: what Transitions returns is the caller's to
// change; the table stays as it was.
func TestTransitions_deepCopy(t *testing.T) {
	before := Transitions()
	got := Transitions()
	for i := range got {
		got[i].Command = "tampered"
		got[i].Option = ""
		if len(got[i].From) > 0 {
			got[i].From[0] = StateClosed
		}
		if len(got[i].To) > 0 {
			got[i].To[0] = StateDelivered
		}
		if len(got[i].Roles) > 0 {
			got[i].Roles[0] = org.RoleAdmin
		}
		if len(got[i].Guards) > 0 {
			got[i].Guards[0].Name = "tampered"
			got[i].Guards[0].Check = nil
		}
		got[i].From = append(got[i].From, StateCancelled)
		got[i].Guards = append(got[i].Guards, Guard{Name: "extra"})
	}
	got = append(got[:0], Transition{Command: "only"})
	_ = got
	after := Transitions()
	require.Len(t, after, len(before))
	for i := range before {
		a, b := before[i], after[i]
		assert.Equal(t, a.Command, b.Command)
		assert.Equal(t, a.From, b.From)
		assert.Equal(t, a.To, b.To)
		assert.Equal(t, a.Roles, b.Roles)
		assert.Equal(t, a.Option, b.Option)
		require.Len(t, b.Guards, len(a.Guards))
		for k := range a.Guards {
			assert.Equal(t, a.Guards[k].Name, b.Guards[k].Name)
			assert.Equal(t, reflect.ValueOf(a.Guards[k].Check).Pointer(), reflect.ValueOf(b.Guards[k].Check).Pointer())
		}
	}
	// and check still works from the untouched table
	w := machineCases()[1].w
	_, err := check(&w, CmdAcknowledge, org.Actor{ID: "chen", Role: org.RoleAdvisor}, Options{})
	assert.NoError(t, err)
}

// TestTransitionError_text: the message names the order, the state, the
// command, the actor and every blocker.
func TestTransitionError_text(t *testing.T) {
	w := machineCases()[2].w // received, no walk-around
	_, err := check(&w, CmdAcknowledge, org.Actor{ID: "wu", Role: org.RoleTechnician}, Options{})
	var te *TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, []string{"R3.1d_walkaround_recorded", "role"}, blockerNames(te))
	for _, s := range []string{"wo1", `"received"`, "acknowledge_condition", "technician:wu", "R3.1d_walkaround_recorded", "role:"} {
		assert.Contains(t, te.Error(), s)
	}
	assert.ErrorIs(t, err, org.ErrInvalidTransition)
	assert.NotErrorIs(t, err, org.ErrForbidden)
	assert.False(t, (&TransitionError{}).Is(org.ErrForbidden), "no blockers is not a role refusal")
}

// TestTransitionsMarshal: the table marshals for a UI or an API: guards as
// their names and rule IDs, never their code.
func TestTransitionsMarshal(t *testing.T) {
	b, err := json.Marshal(Transitions())
	require.NoError(t, err)
	var rows []struct {
		Command string   `json:"command"`
		From    []string `json:"from"`
		Roles   []string `json:"roles"`
		Guards  []struct {
			Name string `json:"name"`
			Rule string `json:"rule"`
		} `json:"guards"`
	}
	require.NoError(t, json.Unmarshal(b, &rows))
	require.Len(t, rows, len(Transitions()))
	var book bool
	for _, r := range rows {
		if r.Command == string(CmdBook) {
			book = true
			assert.Equal(t, "R3.2c_booking_needs_an_approved_job", r.Guards[0].Name)
			assert.Equal(t, "R3.2c", r.Guards[0].Rule)
		}
		for _, g := range r.Guards {
			assert.Regexp(t, `^R\d+\.\d+[a-z]?$`, g.Rule, g.Name)
		}
	}
	assert.True(t, book)
}
