package servicedesk

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
)

// permittedBefore is Permitted as it was before the compiled table: every
// command of the table, in table order, asked of the table itself through
// explain (check's refusal path, which reads the rows one by one and builds
// the whole TransitionError). It is the oracle of the new Permitted.
func permittedBefore(w *WorkOrder, actor org.Actor, opts Options) []Command {
	var out []Command
	for _, t := range table {
		if slices.Contains(out, t.Command) {
			continue
		}
		if _, err := explain(w, t.Command, actor, opts); err == nil {
			out = append(out, t.Command)
		}
	}
	return out
}

// oldGuards are the guards as they were before their conditions were split
// from their messages, verbatim: the oracle of the guards' Check (the same
// message on every order) and, through it, of their conditions.
var oldGuards = []Guard{
	{"R3.1d_walkaround_recorded", func(w *WorkOrder, _ org.Actor) string {
		if w.Condition == nil || len(w.Condition.Items) == 0 {
			return "the walk-around condition report has not been recorded"
		}
		return ""
	}},
	{"R3.2a_every_concern_diagnosed", func(w *WorkOrder, _ org.Actor) string {
		var missing []string
		for _, c := range w.Concerns {
			if !slices.ContainsFunc(w.Findings, func(f Finding) bool { return f.ConcernID == c.ID }) {
				missing = append(missing, c.ID)
			}
		}
		if len(missing) > 0 {
			return "concerns without a diagnosis: " + strings.Join(missing, ", ")
		}
		return ""
	}},
	{"R3.2c_estimate_has_jobs_to_decide", func(w *WorkOrder, _ org.Actor) string {
		if !slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Supplement == 0 && j.Status == JobProposed }) {
			return "the estimate has no job awaiting the customer's decision"
		}
		return ""
	}},
	{"R3.2c_booking_needs_an_approved_job", func(w *WorkOrder, _ org.Actor) string {
		if !slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Status == JobApproved }) {
			return "no job has the customer's approval"
		}
		return ""
	}},
	{"R3.2c_started_by_the_booked_technician", func(w *WorkOrder, a org.Actor) string {
		if w.Booking == nil {
			return "the repair is not booked"
		}
		if a.Role == org.RoleTechnician && a.ID != w.Booking.Technician {
			return fmt.Sprintf("the repair is booked for technician %s, not %s", w.Booking.Technician, a.ID)
		}
		return ""
	}},
	{"R3.3b_added_work_decided", func(w *WorkOrder, _ org.Actor) string {
		if w.PendingSupplement() {
			return "added work awaits the customer's decision"
		}
		return ""
	}},
	{"R3.3b_added_work_to_decide", func(w *WorkOrder, _ org.Actor) string {
		if !w.PendingSupplement() {
			return "no added work awaits the customer's decision"
		}
		return ""
	}},
	{"R3.3b_an_approved_job_to_work", func(w *WorkOrder, _ org.Actor) string {
		if !slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Status == JobApproved }) {
			return "no job approved by the customer is left to work"
		}
		return ""
	}},
	{"R3.3c_approved_jobs_done", func(w *WorkOrder, _ org.Actor) string {
		var open []string
		for _, j := range w.Jobs {
			if j.Status == JobApproved {
				open = append(open, j.ID)
			}
		}
		if len(open) > 0 {
			return "approved jobs not done: " + strings.Join(open, ", ")
		}
		return ""
	}},
	{"R3.3c_final_inspection_passed", func(w *WorkOrder, _ org.Actor) string {
		if last, ok := w.LastInspection(); !ok || !last.Passed {
			return "the last final inspection did not pass"
		}
		return ""
	}},
}

// rowJSON names a row of the table by its content (guards by name: their
// checks are functions, which reflect.DeepEqual never finds equal).
func rowJSON(t *testing.T, tr Transition) string {
	t.Helper()
	b, err := json.Marshal(tr)
	require.NoError(t, err)
	return string(b)
}

// sameDecision checks that on w, for cmd by actor under opts, Allows,
// check and Permitted give the answers of the table read row by row
// (explain, permittedBefore), and that none of them changes w.
func sameDecision(t *testing.T, w WorkOrder, cmd Command, actor org.Actor, opts Options, where string) {
	t.Helper()
	before := w.Clone()
	wantRow, wantErr := explain(&w, cmd, actor, opts)
	got := Allows(&w, cmd, actor, opts)
	if got != (wantErr == nil) {
		t.Fatalf("%s: Allows = %v, check's error %v", where, got, wantErr)
	}
	row, err := check(&w, cmd, actor, opts)
	if !reflect.DeepEqual(err, wantErr) {
		t.Fatalf("%s: check's error\n%#v\nwant\n%#v", where, err, wantErr)
	}
	if rowJSON(t, row) != rowJSON(t, wantRow) {
		t.Fatalf("%s: check's row %s, want %s", where, rowJSON(t, row), rowJSON(t, wantRow))
	}
	if p, want := Permitted(&w, actor, opts), permittedBefore(&w, actor, opts); !reflect.DeepEqual(p, want) {
		t.Fatalf("%s: Permitted = %#v, before %#v", where, p, want)
	}
	for _, tr := range table {
		for _, g := range tr.Guards {
			h, ok := guardHolds[g.Name]
			if !ok {
				t.Fatalf("guard %s has no condition in guardHolds: Allows would build its message", g.Name)
			}
			i := slices.IndexFunc(oldGuards, func(o Guard) bool { return o.Name == g.Name })
			if i < 0 {
				t.Fatalf("guard %s is new: add it to oldGuards", g.Name)
			}
			if got, want := g.Check(&w, actor), oldGuards[i].Check(&w, actor); got != want {
				t.Fatalf("%s: guard %s: Check %q, before %q", where, g.Name, got, want)
			}
			if h(&w, actor) != (g.Check(&w, actor) == "") {
				t.Fatalf("%s: guard %s: condition %v, Check %q", where, g.Name, h(&w, actor), g.Check(&w, actor))
			}
		}
	}
	if w.PendingSupplement() != pendingSupplement(&w, actor) {
		t.Fatalf("%s: pendingSupplement %v, PendingSupplement %v", where, pendingSupplement(&w, actor), w.PendingSupplement())
	}
	if !reflect.DeepEqual(w, before) {
		t.Fatalf("%s: the decision changed the order", where)
	}
}

// TestAllows_table: on the machine's cases (every state, the orders that
// fail each guard), every command (and two that are none) by every role
// (and a technician the repair is not booked for), with and without the
// express lane, Allows says what check says, check answers as the table
// read row by row, and Permitted lists what it listed before.
func TestAllows_table(t *testing.T) {
	actors := append(slices.Clone(machineActors), org.Actor{ID: "tsai", Role: org.RoleTechnician}, org.Actor{})
	n := 0
	for _, opts := range allOptions {
		for _, c := range machineCases() {
			for _, cmd := range append(slices.Clone(allCommands), "fly", "") {
				for _, actor := range actors {
					sameDecision(t, c.w, cmd, actor, opts, fmt.Sprintf("case %s, %s by %s, express lane %v", c.name, cmd, actor, opts.ExpressLane))
					if Allows(&c.w, cmd, actor, opts) {
						n++
					}
				}
			}
		}
	}
	assert.Greater(t, n, 100, "the cases allow some commands")
}

// drawOrder is a work order in any state (or in none the table knows),
// with anything the guards read drawn at random: the walk-around, concerns
// and findings, jobs of every status in the estimate and in supplements, a
// booking for one technician or another, final inspections.
func drawOrder(rt *rapid.T) WorkOrder {
	states := append(States(), StateNone, State("in_orbit"), State("Received"))
	w := WorkOrder{DealerID: "d1", ID: "wo1", State: rapid.SampledFrom(states).Draw(rt, "state"), Version: 2}
	concerns := []string{"c1", "c2", "c3"}
	for _, id := range concerns[:rapid.IntRange(0, 3).Draw(rt, "concerns")] {
		w.Concerns = append(w.Concerns, Concern{ID: id, Text: "noise"})
	}
	for range rapid.IntRange(0, 4).Draw(rt, "findings") {
		w.Findings = append(w.Findings, Finding{ConcernID: rapid.SampledFrom(append(concerns, "c9")).Draw(rt, "finding")})
	}
	switch rapid.IntRange(0, 2).Draw(rt, "condition") {
	case 1:
		w.Condition = &ConditionReport{}
	case 2:
		w.Condition = &ConditionReport{Items: []ConditionItem{{Area: "front bumper", Status: ConditionOK}}}
	}
	statuses := []JobStatus{JobProposed, JobApproved, JobDeclined, JobDone}
	for i := range rapid.IntRange(0, 4).Draw(rt, "jobs") {
		w.Jobs = append(w.Jobs, Job{ID: fmt.Sprintf("j%d", i+1), Supplement: rapid.IntRange(0, 2).Draw(rt, "supplement"),
			Status: rapid.SampledFrom(statuses).Draw(rt, "status")})
	}
	if rapid.Bool().Draw(rt, "booked") {
		w.Booking = &Booking{Technician: rapid.SampledFrom([]org.EmployeeID{"wu", "tsai", ""}).Draw(rt, "booked_for")}
	}
	for range rapid.IntRange(0, 3).Draw(rt, "inspections") {
		w.Inspections = append(w.Inspections, Inspection{By: "chen", Passed: rapid.Bool().Draw(rt, "passed")})
	}
	return w
}

func drawActor(rt *rapid.T) org.Actor {
	roles := []org.Role{org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician, org.RoleAdmin, "", "customer", "Advisor"}
	return org.Actor{
		ID:   rapid.SampledFrom([]org.EmployeeID{"wu", "tsai", "chen", "sup", ""}).Draw(rt, "actor_id"),
		Role: rapid.SampledFrom(roles).Draw(rt, "role"),
	}
}

// TestAllows_property: on random work orders in every state, for random
// commands and actors, Allows is check's answer, check answers as the table
// read row by row, Permitted lists what it listed before, and every guard's
// condition is its Check's verdict. Run longer with -rapid.checks=20000.
func TestAllows_property(t *testing.T) {
	commands := append(slices.Clone(allCommands), "fly", "", "Pause")
	rapid.Check(t, func(rt *rapid.T) {
		w := drawOrder(rt)
		actor := drawActor(rt)
		cmd := rapid.SampledFrom(commands).Draw(rt, "command")
		opts := Options{ExpressLane: rapid.Bool().Draw(rt, "express_lane")}
		sameDecision(t, w, cmd, actor, opts, fmt.Sprintf("%s on %s by %s, express lane %v", cmd, w.State, actor, opts.ExpressLane))
	})
}

// TestAllows_allocatesNothing: Allows allocates nothing, whether it allows
// or refuses and whichever guard fails (those whose messages are built
// with fmt or strings.Join included); Permitted allocates its list only.
func TestAllows_allocatesNothing(t *testing.T) {
	actors := append(slices.Clone(machineActors), org.Actor{ID: "tsai", Role: org.RoleTechnician})
	for _, c := range machineCases() {
		w := c.w
		for _, actor := range actors {
			for _, opts := range allOptions {
				allocs := testing.AllocsPerRun(20, func() {
					for _, cmd := range allCommands {
						Allows(&w, cmd, actor, opts)
					}
					Allows(&w, "fly", actor, opts)
				})
				assert.Zero(t, allocs, "case %s, actor %s: Allows allocates", c.name, actor)
				allocs = testing.AllocsPerRun(20, func() { Permitted(&w, actor, opts) })
				assert.LessOrEqual(t, allocs, 1.0, "case %s, actor %s: Permitted allocates more than its list", c.name, actor)
			}
		}
	}
}

// TestCompileTable: a row naming a state, a role or a command the compiled
// table has no bit or code for is a programming error found when the
// package loads, not a wrong answer; a guard without a condition is run
// through its Check, and an unknown option never holds.
func TestCompileTable(t *testing.T) {
	row := func(edit func(*Transition)) []Transition {
		tr := Transition{Command: CmdPause, From: []State{StateInProgress}, To: []State{StatePaused}, Roles: workers}
		edit(&tr)
		return []Transition{tr}
	}
	assert.Panics(t, func() { compileTable(row(func(tr *Transition) { tr.From = []State{"limbo"} }), guardHolds) })
	assert.Panics(t, func() { compileTable(row(func(tr *Transition) { tr.Roles = []org.Role{"customer"} }), guardHolds) })
	assert.Panics(t, func() { compileTable(row(func(tr *Transition) { tr.Command = "fly" }), guardHolds) })

	wu := org.Actor{ID: "wu", Role: org.RoleTechnician}
	pause := func(c *compiled, w WorkOrder, opts Options) bool {
		return allowed(c.rows[c.byCode[commandCode(CmdPause)]], &w, stateBit(w.State), roleBit(wu.Role), wu, opts) >= 0
	}
	c := compileTable(row(func(tr *Transition) {
		tr.Guards = []Guard{{Name: "not_on_sunday", Check: func(w *WorkOrder, _ org.Actor) string {
			if w.PauseReason == "sunday" {
				return "not on a sunday"
			}
			return ""
		}}}
	}), guardHolds)
	assert.True(t, pause(c, WorkOrder{State: StateInProgress}, Options{}))
	assert.False(t, pause(c, WorkOrder{State: StateInProgress, PauseReason: "sunday"}, Options{}))

	c = compileTable(row(func(tr *Transition) { tr.Option = "night_shift" }), guardHolds)
	assert.False(t, pause(c, WorkOrder{State: StateInProgress}, Options{ExpressLane: true}))
}

// TestCodes: every command, state and role has its own code or bit, and
// texts that are almost one (another case, a prefix, one more byte) have
// none.
func TestCodes(t *testing.T) {
	seen := map[int]bool{}
	for _, c := range allCommands {
		code := commandCode(c)
		require.True(t, code >= 0 && code < numCommands && !seen[code], "%s: code %d", c, code)
		seen[code] = true
		for _, near := range []string{strings.ToUpper(string(c)), string(c[:len(c)-1]), string(c) + " ", " " + string(c)} {
			assert.Equal(t, -1, commandCode(Command(near)), near)
		}
	}
	bits := uint32(0)
	for _, s := range append(States(), StateNone) {
		b := stateBit(s)
		require.True(t, b != 0 && b&bits == 0, "%s: bit %b", s, b)
		bits |= b
		if s != StateNone {
			for _, near := range []string{strings.ToUpper(string(s)), string(s[:len(s)-1]), string(s) + " "} {
				assert.Zero(t, stateBit(State(near)), near)
			}
		}
	}
	roles := uint8(0)
	for _, r := range []org.Role{org.RoleSupervisor, org.RoleAdvisor, org.RoleTechnician, org.RoleAdmin} {
		b := roleBit(r)
		require.True(t, b != 0 && b&roles == 0, "%s: bit %b", r, b)
		roles |= b
		assert.Zero(t, roleBit(org.Role(strings.ToUpper(string(r)))), r)
	}
	assert.Zero(t, stateBit(" "))
	assert.Zero(t, roleBit(""))
}
