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

// The guards, named after the rules they enforce. Each is a condition (a
// predicate that allocates nothing, which [Allows] runs) and the message
// its Check builds when the condition does not hold; guardHolds maps the
// names to the conditions.
var (
	guardConditionRecorded = Guard{"R3.1d_walkaround_recorded", func(w *WorkOrder, a org.Actor) string {
		if !conditionRecorded(w, a) {
			return "the walk-around condition report has not been recorded"
		}
		return ""
	}}
	guardAllDiagnosed = Guard{"R3.2a_every_concern_diagnosed", func(w *WorkOrder, a org.Actor) string {
		if allDiagnosed(w, a) {
			return ""
		}
		var missing []string
		for _, c := range w.Concerns {
			if !diagnosed(w, c.ID) {
				missing = append(missing, c.ID)
			}
		}
		return "concerns without a diagnosis: " + strings.Join(missing, ", ")
	}}
	guardEstimateProposed = Guard{"R3.2c_estimate_has_jobs_to_decide", func(w *WorkOrder, a org.Actor) string {
		if !estimateProposed(w, a) {
			return "the estimate has no job awaiting the customer's decision"
		}
		return ""
	}}
	guardApprovedJob = Guard{"R3.2c_booking_needs_an_approved_job", func(w *WorkOrder, a org.Actor) string {
		if !hasApprovedJob(w, a) {
			return "no job has the customer's approval"
		}
		return ""
	}}
	guardBookedTechnician = Guard{"R3.2c_started_by_the_booked_technician", func(w *WorkOrder, a org.Actor) string {
		if w.Booking == nil {
			return "the repair is not booked"
		}
		if !bookedTechnician(w, a) {
			return fmt.Sprintf("the repair is booked for technician %s, not %s", w.Booking.Technician, a.ID)
		}
		return ""
	}}
	guardNoPendingSupplement = Guard{"R3.3b_added_work_decided", func(w *WorkOrder, a org.Actor) string {
		if !noPendingSupplement(w, a) {
			return "added work awaits the customer's decision"
		}
		return ""
	}}
	guardPendingSupplement = Guard{"R3.3b_added_work_to_decide", func(w *WorkOrder, a org.Actor) string {
		if !pendingSupplement(w, a) {
			return "no added work awaits the customer's decision"
		}
		return ""
	}}
	guardJobToWork = Guard{"R3.3b_an_approved_job_to_work", func(w *WorkOrder, a org.Actor) string {
		if !hasApprovedJob(w, a) {
			return "no job approved by the customer is left to work"
		}
		return ""
	}}
	guardJobsDone = Guard{"R3.3c_approved_jobs_done", func(w *WorkOrder, a org.Actor) string {
		if approvedJobsDone(w, a) {
			return ""
		}
		var open []string
		for _, j := range w.Jobs {
			if j.Status == JobApproved {
				open = append(open, j.ID)
			}
		}
		return "approved jobs not done: " + strings.Join(open, ", ")
	}}
	guardInspectionPassed = Guard{"R3.3c_final_inspection_passed", func(w *WorkOrder, a org.Actor) string {
		if !inspectionPassed(w, a) {
			return "the last final inspection did not pass"
		}
		return ""
	}}
)

// guardHolds is each guard's condition by name: what [Allows] runs instead
// of Check, so that a yes or no builds no message. A guard missing here is
// run through its Check (correct, but it may allocate when it fails).
var guardHolds = map[string]func(*WorkOrder, org.Actor) bool{
	guardConditionRecorded.Name:   conditionRecorded,
	guardAllDiagnosed.Name:        allDiagnosed,
	guardEstimateProposed.Name:    estimateProposed,
	guardApprovedJob.Name:         hasApprovedJob,
	guardBookedTechnician.Name:    bookedTechnician,
	guardNoPendingSupplement.Name: noPendingSupplement,
	guardPendingSupplement.Name:   pendingSupplement,
	guardJobToWork.Name:           hasApprovedJob,
	guardJobsDone.Name:            approvedJobsDone,
	guardInspectionPassed.Name:    inspectionPassed,
}

// The guards' conditions: true when the order meets the guard.

func conditionRecorded(w *WorkOrder, _ org.Actor) bool {
	return w.Condition != nil && len(w.Condition.Items) > 0
}

func diagnosed(w *WorkOrder, concern string) bool {
	for i := range w.Findings {
		if w.Findings[i].ConcernID == concern {
			return true
		}
	}
	return false
}

func allDiagnosed(w *WorkOrder, _ org.Actor) bool {
	for i := range w.Concerns {
		if !diagnosed(w, w.Concerns[i].ID) {
			return false
		}
	}
	return true
}

func estimateProposed(w *WorkOrder, _ org.Actor) bool {
	for i := range w.Jobs {
		if w.Jobs[i].Supplement == 0 && w.Jobs[i].Status == JobProposed {
			return true
		}
	}
	return false
}

func hasApprovedJob(w *WorkOrder, _ org.Actor) bool {
	for i := range w.Jobs {
		if w.Jobs[i].Status == JobApproved {
			return true
		}
	}
	return false
}

func approvedJobsDone(w *WorkOrder, a org.Actor) bool { return !hasApprovedJob(w, a) }

func bookedTechnician(w *WorkOrder, a org.Actor) bool {
	return w.Booking != nil && (a.Role != org.RoleTechnician || a.ID == w.Booking.Technician)
}

// pendingSupplement is w.PendingSupplement, reading the jobs in place.
func pendingSupplement(w *WorkOrder, _ org.Actor) bool {
	for i := range w.Jobs {
		if w.Jobs[i].Supplement > 0 && w.Jobs[i].Status == JobProposed {
			return true
		}
	}
	return false
}

func noPendingSupplement(w *WorkOrder, a org.Actor) bool { return !pendingSupplement(w, a) }

func inspectionPassed(w *WorkOrder, _ org.Actor) bool {
	return len(w.Inspections) > 0 && w.Inspections[len(w.Inspections)-1].Passed
}

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
// listing every blocker of every row for cmd. The row is found by the
// compiled table ([Allows]), without building anything; only a refusal
// runs [explain].
func check(w *WorkOrder, cmd Command, actor org.Actor, opts Options) (Transition, error) {
	if i := allowedRow(w, cmd, actor, opts); i >= 0 {
		return table[i], nil
	}
	return explain(w, cmd, actor, opts)
}

// explain is check read straight from the table: the first row that lets
// actor give cmd on w, or a TransitionError listing every blocker of every
// row for cmd.
func explain(w *WorkOrder, cmd Command, actor org.Actor, opts Options) (Transition, error) {
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

// Allows reports whether actor may give cmd on w now: the same answer as
// the command's own check (a row of the table for cmd, enabled by opts,
// from w's state, for the actor's role, every guard holding), without
// building the refusal. It allocates nothing: use it for buttons and in
// loops; the command itself says why not.
func Allows(w *WorkOrder, cmd Command, actor org.Actor, opts Options) bool {
	return allowedRow(w, cmd, actor, opts) >= 0
}

// Permitted lists the commands actor may give on w now, in table order: a
// UI enables its buttons from it. It allocates the list only (nil when
// nothing is permitted).
func Permitted(w *WorkOrder, actor org.Actor, opts Options) []Command {
	var yes uint64 // bit k: commands[k] is allowed
	n := 0
	sb, rb := stateBit(w.State), roleBit(actor.Role)
	for k, rows := range decision.rows {
		if allowed(rows, w, sb, rb, actor, opts) >= 0 {
			yes |= 1 << k
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Command, 0, n)
	for k, cmd := range decision.commands {
		if yes&(1<<k) != 0 {
			out = append(out, cmd)
		}
	}
	return out
}

// decision is the table compiled for Allows, Permitted and check: for each
// command, in the order of its first row, its rows in table order, with
// their states and roles as bit sets and their guards' conditions.
var decision = compileTable(table, guardHolds)

type compiled struct {
	commands []Command       // each command once, in table order
	names    []cmdNames      // names[k]: the texts of commands[k]
	rows     [][]compiledRow // rows[k]: the rows of commands[k]
	byCode   [numCommands]int8
}

type compiledRow struct {
	from   uint32 // stateBit of each state the row starts from
	roles  uint8  // roleBit of each role the row allows
	option uint8  // optionAlways, optionExpressLane or optionNever
	guards []func(*WorkOrder, org.Actor) bool
	index  int // the row in table
}

const (
	optionAlways uint8 = iota
	optionExpressLane
	optionNever // an option name Options does not know: never enabled, as Options.enabled says
)

// compileTable compiles rows. A command, a state or a role the switches
// below do not know is a programming error, found when the package loads.
func compileTable(rows []Transition, holds map[string]func(*WorkOrder, org.Actor) bool) *compiled {
	c := &compiled{}
	for i := range c.byCode {
		c.byCode[i] = -1
	}
	for i, t := range rows {
		code := commandCode(t.Command)
		if code < 0 {
			panic(fmt.Sprintf("servicedesk: command %q of the table has no code in commandCode", t.Command))
		}
		k := int(c.byCode[code])
		if k < 0 {
			k = len(c.commands)
			c.byCode[code] = int8(k)
			c.commands = append(c.commands, t.Command)
			c.names = append(c.names, cmdNames{op: "servicedesk: " + string(t.Command), event: "workorder." + string(t.Command)})
			c.rows = append(c.rows, nil)
		}
		r := compiledRow{index: i}
		for _, s := range t.From {
			b := stateBit(s)
			if b == 0 {
				panic(fmt.Sprintf("servicedesk: state %q of the table has no bit in stateBit", s))
			}
			r.from |= b
		}
		for _, role := range t.Roles {
			b := roleBit(role)
			if b == 0 {
				panic(fmt.Sprintf("servicedesk: role %q of the table has no bit in roleBit", role))
			}
			r.roles |= b
		}
		switch t.Option {
		case "":
			r.option = optionAlways
		case "express_lane":
			r.option = optionExpressLane
		default:
			r.option = optionNever
		}
		for _, g := range t.Guards {
			h := holds[g.Name]
			if h == nil {
				check := g.Check
				h = func(w *WorkOrder, a org.Actor) bool { return check(w, a) == "" }
			}
			r.guards = append(r.guards, h)
		}
		c.rows[k] = append(c.rows[k], r)
	}
	return c
}

// cmdNames are the texts a command's run writes: its errors' prefix and
// its event's type, built once.
type cmdNames struct {
	op    string // "servicedesk: pause"
	event string // "workorder.pause"
}

// commandNames are cmd's texts, from the compiled table for the table's
// commands.
func commandNames(cmd Command) cmdNames {
	if code := commandCode(cmd); code >= 0 {
		if k := decision.byCode[code]; k >= 0 {
			return decision.names[k]
		}
	}
	return cmdNames{op: "servicedesk: " + string(cmd), event: "workorder." + string(cmd)}
}

// allowedRow is the index in table of the row that lets actor give cmd on
// w, or -1.
func allowedRow(w *WorkOrder, cmd Command, actor org.Actor, opts Options) int {
	code := commandCode(cmd)
	if code < 0 {
		return -1
	}
	k := decision.byCode[code]
	if k < 0 {
		return -1
	}
	return allowed(decision.rows[k], w, stateBit(w.State), roleBit(actor.Role), actor, opts)
}

// allowed is the first of rows whose state set holds sb, whose role set
// holds rb and whose option and guards hold, as its index in table, or -1.
func allowed(rows []compiledRow, w *WorkOrder, sb uint32, rb uint8, actor org.Actor, opts Options) int {
next:
	for i := range rows {
		r := &rows[i]
		if r.from&sb == 0 || r.roles&rb == 0 {
			continue
		}
		switch r.option {
		case optionExpressLane:
			if !opts.ExpressLane {
				continue
			}
		case optionNever:
			continue
		}
		for _, g := range r.guards {
			if !g(w, actor) {
				continue next
			}
		}
		return r.index
	}
	return -1
}

// The switches below number the commands, states and roles: a switch on
// constant texts compares a few machine words, where a map or a hash reads
// the whole text. Each answers only for its exact texts; any other text has
// no code (-1) or no bit (0).

// numCommands bounds commandCode.
const numCommands = 24

// commandCode numbers the commands; -1 for any other text.
func commandCode(c Command) int {
	switch c {
	case CmdReceive:
		return 0
	case CmdRecordCondition:
		return 1
	case CmdAcknowledge:
		return 2
	case CmdDiagnose:
		return 3
	case CmdEstimate:
		return 4
	case CmdApprove:
		return 5
	case CmdBook:
		return 6
	case CmdReschedule:
		return 7
	case CmdNoShow:
		return 8
	case CmdStart:
		return 9
	case CmdNote:
		return 10
	case CmdPause:
		return 11
	case CmdResume:
		return 12
	case CmdProposeSupplement:
		return 13
	case CmdDecideSupplement:
		return 14
	case CmdCompleteJob:
		return 15
	case CmdCompleteRepair:
		return 16
	case CmdInspect:
		return 17
	case CmdNotifyReady:
		return 18
	case CmdApproveOverrun:
		return 19
	case CmdSettle:
		return 20
	case CmdDeliver:
		return 21
	case CmdClose:
		return 22
	case CmdCancel:
		return 23
	}
	return -1
}

// stateBit is one bit per state; 0 for any other text.
func stateBit(s State) uint32 {
	switch s {
	case StateNone:
		return 1 << 0
	case StateReceived:
		return 1 << 1
	case StateInspected:
		return 1 << 2
	case StateDiagnosed:
		return 1 << 3
	case StateEstimated:
		return 1 << 4
	case StateApproved:
		return 1 << 5
	case StateBooked:
		return 1 << 6
	case StateInProgress:
		return 1 << 7
	case StatePaused:
		return 1 << 8
	case StateRepaired:
		return 1 << 9
	case StatePassed:
		return 1 << 10
	case StateReady:
		return 1 << 11
	case StateSettled:
		return 1 << 12
	case StateDelivered:
		return 1 << 13
	case StateClosed:
		return 1 << 14
	case StateCancelled:
		return 1 << 15
	}
	return 0
}

// roleBit is one bit per role; 0 for any other text.
func roleBit(r org.Role) uint8 {
	switch r {
	case org.RoleSupervisor:
		return 1 << 0
	case org.RoleAdvisor:
		return 1 << 1
	case org.RoleTechnician:
		return 1 << 2
	case org.RoleAdmin:
		return 1 << 3
	}
	return 0
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
