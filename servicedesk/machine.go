package servicedesk

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/servicelane/servicelane/org"
)

// State is where a work order stands. The states and the commands between
// them are the table [Transitions]; nothing moves a work order except a
// command the table permits.
type State string

// The states of a work order, in the order of R3.1 to R3.4.
const (
	StateNone       State = ""                 // before Receive
	StateReceived   State = "received"         // R3.1c: customer, vehicle and concerns recorded
	StateInspected  State = "inspected"        // R3.1d: walk-around recorded and acknowledged
	StateDiagnosed  State = "diagnosed"        // R3.2a: findings recorded with a technician
	StateEstimated  State = "estimated"        // R3.2b: estimate given to the customer
	StateApproved   State = "approved"         // R3.2c: at least one job approved
	StateBooked     State = "booked"           // R3.2c: slot and technician booked
	StateInProgress State = "in_progress"      // R3.3a: being repaired
	StatePaused     State = "paused"           // R3.3a: waiting (for parts, for the customer)
	StateRepaired   State = "repaired"         // R3.3c: work complete, awaiting final inspection
	StatePassed     State = "passed"           // R3.3c: final inspection passed
	StateReady      State = "ready_for_pickup" // R3.3d: customer notified, work explained
	StateSettled    State = "settled"          // R3.4d: fees settled, invoice or receipt issued
	StateDelivered  State = "delivered"        // R3.4e: car handed over
	StateClosed     State = "closed"
	StateCancelled  State = "cancelled"
)

// States lists every state a work order can be in, in workflow order.
func States() []State {
	return []State{StateReceived, StateInspected, StateDiagnosed, StateEstimated, StateApproved, StateBooked,
		StateInProgress, StatePaused, StateRepaired, StatePassed, StateReady, StateSettled, StateDelivered,
		StateClosed, StateCancelled}
}

// Terminal reports whether nothing more can happen to an order in s.
func (s State) Terminal() bool { return s == StateClosed || s == StateCancelled }

// Command is something a person does to a work order.
type Command string

// The commands, one per step of R3.1 to R3.4.
const (
	CmdReceive           Command = "receive"                    // R3.1c
	CmdRecordCondition   Command = "record_condition"           // R3.1d
	CmdAcknowledge       Command = "acknowledge_condition"      // R3.1d
	CmdDiagnose          Command = "diagnose"                   // R3.2a
	CmdEstimate          Command = "estimate"                   // R3.2b
	CmdApprove           Command = "record_approval"            // R3.2c
	CmdBook              Command = "book"                       // R3.2c
	CmdReschedule        Command = "reschedule"                 // R3.2c
	CmdNoShow            Command = "record_no_show"             // R6.1 appointment success
	CmdStart             Command = "start_repair"               // R3.3a
	CmdNote              Command = "add_note"                   // R3.3a
	CmdPause             Command = "pause"                      // R3.3a
	CmdResume            Command = "resume"                     // R3.3a
	CmdProposeSupplement Command = "propose_supplement"         // R3.3b
	CmdDecideSupplement  Command = "record_supplement_decision" // R3.3b
	CmdCompleteJob       Command = "complete_job"               // R3.3a
	CmdCompleteRepair    Command = "complete_repair"            // R3.3c
	CmdInspect           Command = "final_inspection"           // R3.3c
	CmdNotifyReady       Command = "notify_ready"               // R3.3d
	CmdApproveOverrun    Command = "record_overrun_approval"    // R3.4: the customer accepts a bill above the estimate
	CmdSettle            Command = "settle"                     // R3.4
	CmdDeliver           Command = "deliver"                    // R3.4e
	CmdClose             Command = "close"
	CmdCancel            Command = "cancel"
)

// Guard is a named condition a transition needs. Check returns "" when the
// order meets it, or why not.
type Guard struct {
	// Name cites the rule: "R3.2c_booking_needs_an_approved_job".
	Name  string                                     `json:"name"`
	Check func(w *WorkOrder, actor org.Actor) string `json:"-"`
}

// MarshalJSON writes the guard as its name and the rule it cites
// ({"name":"R3.2c_booking_needs_an_approved_job","rule":"R3.2c"}): the
// check is code, and stays out.
func (g Guard) MarshalJSON() ([]byte, error) {
	rule, _, _ := strings.Cut(g.Name, "_")
	return json.Marshal(struct {
		Name string `json:"name"`
		Rule string `json:"rule"`
	}{g.Name, rule})
}

// Transition is one row of the table: Command, given by one of Roles on an
// order in one of From, moves it to one of To (the command's outcome picks
// which) if every Guard holds.
type Transition struct {
	Command Command    `json:"command"`
	From    []State    `json:"from"`
	To      []State    `json:"to"`
	Roles   []org.Role `json:"roles"`
	Guards  []Guard    `json:"guards"`
	// Option, when set, names the Config switch that enables this row (an
	// express lane). No option can remove a consent guard, the final
	// inspection or the audit trail: those rows have no Option.
	Option string `json:"option,omitempty"`
}

var (
	advisors   = []org.Role{org.RoleAdvisor, org.RoleSupervisor}
	workers    = []org.Role{org.RoleTechnician, org.RoleAdvisor, org.RoleSupervisor}
	supervisor = []org.Role{org.RoleSupervisor}
	open       = []State{StateReceived, StateInspected, StateDiagnosed, StateEstimated, StateApproved, StateBooked,
		StateInProgress, StatePaused, StateRepaired, StatePassed, StateReady, StateSettled, StateDelivered}
)

// The guards, named after the rules they enforce.
var (
	guardConditionRecorded = Guard{"R3.1d_walkaround_recorded", func(w *WorkOrder, _ org.Actor) string {
		if w.Condition == nil || len(w.Condition.Items) == 0 {
			return "the walk-around condition report has not been recorded"
		}
		return ""
	}}
	guardAllDiagnosed = Guard{"R3.2a_every_concern_diagnosed", func(w *WorkOrder, _ org.Actor) string {
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
	}}
	guardEstimateProposed = Guard{"R3.2c_estimate_has_jobs_to_decide", func(w *WorkOrder, _ org.Actor) string {
		if !slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Supplement == 0 && j.Status == JobProposed }) {
			return "the estimate has no job awaiting the customer's decision"
		}
		return ""
	}}
	guardApprovedJob = Guard{"R3.2c_booking_needs_an_approved_job", func(w *WorkOrder, _ org.Actor) string {
		if !slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Status == JobApproved }) {
			return "no job has the customer's approval"
		}
		return ""
	}}
	guardBookedTechnician = Guard{"R3.2c_started_by_the_booked_technician", func(w *WorkOrder, a org.Actor) string {
		if w.Booking == nil {
			return "the repair is not booked"
		}
		if a.Role == org.RoleTechnician && a.ID != w.Booking.Technician {
			return fmt.Sprintf("the repair is booked for technician %s, not %s", w.Booking.Technician, a.ID)
		}
		return ""
	}}
	guardNoPendingSupplement = Guard{"R3.3b_added_work_decided", func(w *WorkOrder, _ org.Actor) string {
		if w.PendingSupplement() {
			return "added work awaits the customer's decision"
		}
		return ""
	}}
	guardPendingSupplement = Guard{"R3.3b_added_work_to_decide", func(w *WorkOrder, _ org.Actor) string {
		if !w.PendingSupplement() {
			return "no added work awaits the customer's decision"
		}
		return ""
	}}
	guardJobToWork = Guard{"R3.3b_an_approved_job_to_work", func(w *WorkOrder, _ org.Actor) string {
		if !slices.ContainsFunc(w.Jobs, func(j Job) bool { return j.Status == JobApproved }) {
			return "no job approved by the customer is left to work"
		}
		return ""
	}}
	guardJobsDone = Guard{"R3.3c_approved_jobs_done", func(w *WorkOrder, _ org.Actor) string {
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
	}}
	guardInspectionPassed = Guard{"R3.3c_final_inspection_passed", func(w *WorkOrder, _ org.Actor) string {
		if last, ok := w.LastInspection(); !ok || !last.Passed {
			return "the last final inspection did not pass"
		}
		return ""
	}}
)

var table = []Transition{
	{Command: CmdReceive, From: []State{StateNone}, To: []State{StateReceived}, Roles: advisors},
	{Command: CmdRecordCondition, From: []State{StateReceived}, To: []State{StateReceived}, Roles: advisors},
	{Command: CmdAcknowledge, From: []State{StateReceived}, To: []State{StateInspected}, Roles: advisors, Guards: []Guard{guardConditionRecorded}},
	{Command: CmdDiagnose, From: []State{StateInspected, StateDiagnosed}, To: []State{StateDiagnosed}, Roles: workers},
	{Command: CmdEstimate, From: []State{StateDiagnosed, StateEstimated}, To: []State{StateEstimated}, Roles: advisors, Guards: []Guard{guardAllDiagnosed}},
	{Command: CmdApprove, From: []State{StateEstimated}, To: []State{StateApproved, StateEstimated}, Roles: advisors, Guards: []Guard{guardEstimateProposed}},
	{Command: CmdBook, From: []State{StateApproved}, To: []State{StateBooked}, Roles: advisors, Guards: []Guard{guardApprovedJob}},
	{Command: CmdReschedule, From: []State{StateBooked}, To: []State{StateBooked}, Roles: advisors},
	{Command: CmdNoShow, From: []State{StateBooked}, To: []State{StateApproved}, Roles: advisors},
	{Command: CmdStart, From: []State{StateBooked}, To: []State{StateInProgress}, Roles: []org.Role{org.RoleTechnician, org.RoleSupervisor}, Guards: []Guard{guardApprovedJob, guardBookedTechnician}},
	{Command: CmdStart, From: []State{StateApproved}, To: []State{StateInProgress}, Roles: []org.Role{org.RoleTechnician, org.RoleSupervisor}, Guards: []Guard{guardApprovedJob}, Option: "express_lane"},
	{Command: CmdNote, From: open, To: nil, Roles: workers},
	{Command: CmdPause, From: []State{StateInProgress}, To: []State{StatePaused}, Roles: workers},
	{Command: CmdResume, From: []State{StatePaused}, To: []State{StateInProgress}, Roles: workers},
	{Command: CmdProposeSupplement, From: []State{StateInProgress, StatePaused}, To: nil, Roles: workers, Guards: []Guard{guardNoPendingSupplement}},
	{Command: CmdDecideSupplement, From: []State{StateInProgress, StatePaused}, To: nil, Roles: advisors, Guards: []Guard{guardPendingSupplement}},
	{Command: CmdCompleteJob, From: []State{StateInProgress}, To: nil, Roles: []org.Role{org.RoleTechnician, org.RoleSupervisor}, Guards: []Guard{guardJobToWork}},
	{Command: CmdCompleteRepair, From: []State{StateInProgress}, To: []State{StateRepaired}, Roles: []org.Role{org.RoleTechnician, org.RoleSupervisor}, Guards: []Guard{guardNoPendingSupplement, guardJobsDone}},
	{Command: CmdInspect, From: []State{StateRepaired}, To: []State{StatePassed, StateInProgress}, Roles: advisors},
	{Command: CmdNotifyReady, From: []State{StatePassed}, To: []State{StateReady}, Roles: advisors, Guards: []Guard{guardInspectionPassed}},
	{Command: CmdApproveOverrun, From: []State{StateReady}, To: nil, Roles: advisors},
	{Command: CmdSettle, From: []State{StateReady}, To: []State{StateSettled}, Roles: advisors, Guards: []Guard{guardInspectionPassed}},
	{Command: CmdDeliver, From: []State{StateSettled}, To: []State{StateDelivered}, Roles: advisors, Guards: []Guard{guardInspectionPassed}},
	{Command: CmdClose, From: []State{StateDelivered}, To: []State{StateClosed}, Roles: advisors},
	{Command: CmdCancel, From: []State{StateReceived, StateInspected, StateDiagnosed, StateEstimated, StateApproved, StateBooked}, To: []State{StateCancelled}, Roles: advisors},
	{Command: CmdCancel, From: []State{StateInProgress, StatePaused, StateRepaired}, To: []State{StateCancelled}, Roles: supervisor},
}

// Transitions returns the table, in workflow order. It is data: list it,
// review it, diff it, draw it ([Mermaid], [DOT]).
func Transitions() []Transition {
	out := slices.Clone(table)
	for i := range out {
		out[i].From = slices.Clone(out[i].From)
		out[i].To = slices.Clone(out[i].To)
		out[i].Roles = slices.Clone(out[i].Roles)
		out[i].Guards = slices.Clone(out[i].Guards)
	}
	return out
}

// Options are the switches a dealer may turn on. None of them removes a
// consent guard, the final inspection, or the audit trail.
type Options struct {
	// ExpressLane lets a technician start an approved order without a
	// booking (quick service while the customer waits).
	ExpressLane bool `json:"express_lane"`
}

func (o Options) enabled(name string) bool {
	switch name {
	case "":
		return true
	case "express_lane":
		return o.ExpressLane
	}
	return false
}

// Blocker is one reason a command is refused: the rule (a guard's name,
// or "state" or "role") and its message. It is org's.
type Blocker = org.Blocker

// TransitionError says why a command on a work order is not allowed: the
// current state, the command, and every blocking reason, not only the
// first (guards included when the state is also wrong). It is the one
// refusal type of every package, [org.RefusalError], with Record
// "work_order": it matches ErrInvalidTransition, or ErrForbidden when the
// only blockers are roles.
type TransitionError = org.RefusalError

// refusal is a TransitionError for cmd by actor on w, without blockers yet.
func refusal(w *WorkOrder, cmd Command, actor org.Actor) *TransitionError {
	return &TransitionError{Op: "servicedesk", Record: "work_order", ID: string(w.ID), State: string(w.State), Command: string(cmd), Actor: actor}
}

// check finds the row that lets actor give cmd on w, or a TransitionError
// listing every blocker of every row for cmd.
func check(w *WorkOrder, cmd Command, actor org.Actor, opts Options) (Transition, error) {
	terr := refusal(w, cmd, actor)
	seen := map[string]bool{}
	add := func(guard, msg string) {
		if !seen[guard+msg] {
			seen[guard+msg] = true
			terr.Blockers = append(terr.Blockers, Blocker{Rule: guard, Message: msg})
		}
	}
	// When some row of cmd starts from the current state, the other rows'
	// states are no reason: the blockers are that row's roles and guards.
	stateMatched := slices.ContainsFunc(table, func(t Transition) bool {
		return t.Command == cmd && opts.enabled(t.Option) && slices.Contains(t.From, w.State)
	})
	found := false
	for _, t := range table {
		if t.Command != cmd || !opts.enabled(t.Option) {
			continue
		}
		found = true
		var blocked bool
		if !slices.Contains(t.From, w.State) {
			if stateMatched {
				continue
			}
			add("state", fmt.Sprintf("%s is allowed only in %s", cmd, statesList(t.From)))
			blocked = true
		}
		if !slices.Contains(t.Roles, actor.Role) {
			add("role", fmt.Sprintf("%s needs the role %s", cmd, rolesList(t.Roles)))
			blocked = true
		}
		// Every blocker at once: the guards too when the state is also
		// wrong, so that a refusal names the rule the order breaks.
		for _, g := range t.Guards {
			if msg := g.Check(w, actor); msg != "" {
				add(g.Name, msg)
				blocked = true
			}
		}
		if !blocked {
			return t, nil
		}
	}
	if !found {
		add("command", fmt.Sprintf("unknown command %q", cmd))
	}
	return Transition{}, terr
}

// Permitted lists the commands actor may give on w now, in table order: a
// UI enables its buttons from it.
func Permitted(w *WorkOrder, actor org.Actor, opts Options) []Command {
	var out []Command
	for _, t := range table {
		if slices.Contains(out, t.Command) {
			continue
		}
		if _, err := check(w, t.Command, actor, opts); err == nil {
			out = append(out, t.Command)
		}
	}
	return out
}

func statesList(ss []State) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
		if s == StateNone {
			parts[i] = "(new)"
		}
	}
	return strings.Join(parts, ", ")
}

func rolesList(rs []org.Role) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, " or ")
}
