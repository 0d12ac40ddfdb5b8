package servicedesk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// The property test drives random sequences of commands, by random
// people, with mostly valid inputs, on up to three orders of one
// dealership, and checks the rules' invariants after every step. It
// honours rapid's flags: go test ./servicedesk -run Property -rapid.checks=5000

// propTB lets newFixture (which takes testing.TB) report through rapid.
type propTB struct {
	testing.TB
	rt *rapid.T
}

func (p propTB) Helper()                        {}
func (p propTB) Error(args ...any)              { p.rt.Error(args...) }
func (p propTB) Errorf(format string, a ...any) { p.rt.Errorf(format, a...) }
func (p propTB) Fatal(args ...any)              { p.rt.Fatal(args...) }
func (p propTB) Fatalf(format string, a ...any) { p.rt.Fatalf(format, a...) }
func (p propTB) Fail()                          { p.rt.Fail() }
func (p propTB) FailNow()                       { p.rt.FailNow() }
func (p propTB) Failed() bool                   { return p.rt.Failed() }
func (p propTB) Log(args ...any)                { p.rt.Log(args...) }
func (p propTB) Logf(format string, a ...any)   { p.rt.Logf(format, a...) }
func (p propTB) Skip(args ...any)               { p.rt.Skip(args...) }
func (p propTB) Skipf(format string, a ...any)  { p.rt.Skipf(format, a...) }
func (p propTB) SkipNow()                       { p.rt.SkipNow() }
func (p propTB) Cleanup(f func())               { p.rt.Cleanup(f) }

var (
	ghost = org.Actor{ID: "ghost", Role: org.RoleTechnician} // not on the roster
	lee   = org.Actor{ID: "lee", Role: org.RoleAdvisor}      // deactivated
)

// propActors: the roster's people and two who may not act at all.
var propActors = []org.Actor{sup, chen, wang, wu, tsai, ghost, lee}

var propCommands = []servicedesk.Command{
	servicedesk.CmdReceive, servicedesk.CmdRecordCondition, servicedesk.CmdAcknowledge, servicedesk.CmdDiagnose,
	servicedesk.CmdEstimate, servicedesk.CmdApprove, servicedesk.CmdBook, servicedesk.CmdReschedule, servicedesk.CmdNoShow,
	servicedesk.CmdStart, servicedesk.CmdNote, servicedesk.CmdPause, servicedesk.CmdResume, servicedesk.CmdProposeSupplement,
	servicedesk.CmdDecideSupplement, servicedesk.CmdCompleteJob, servicedesk.CmdCompleteRepair, servicedesk.CmdInspect,
	servicedesk.CmdNotifyReady, servicedesk.CmdSettle, servicedesk.CmdDeliver, servicedesk.CmdClose, servicedesk.CmdCancel,
}

// propRare is true a few times in a hundred. (rapid draws small integers
// far more often than large ones: IntRange(0, 99) < 1 holds about one time
// in ten, >= 97 about one in twenty.)
func propRare(t *rapid.T, label string) bool { return rapid.IntRange(0, 99).Draw(t, label) >= 97 }

// propWorld is the dealership under test and what the test remembers of
// the orders' past.
type propWorld struct {
	f      *fixture
	opts   servicedesk.Options
	ids    []servicedesk.WorkOrderID
	hours  servicedesk.WorkingHours
	jobs   map[servicedesk.WorkOrderID]map[string]servicedesk.JobStatus // as last seen
	frozen map[servicedesk.WorkOrderID]int64                            // terminal orders' versions
	stats  map[servicedesk.State]bool                                   // states reached in this sequence
	// replayed is the version at which each order's timeline was last
	// replayed.
	replayed map[servicedesk.WorkOrderID]int64
	// seq and events: the last audit event read, and how many there are.
	seq    int64
	events int
}

// propSnapshot is everything a command could write.
type propSnapshot struct {
	orders   map[servicedesk.WorkOrderID]servicedesk.WorkOrder
	events   int
	calendar map[string]servicedesk.CalendarDay
}

const propDays = 4 // slots are drawn on Sunday 1 to Wednesday 4 November

func (p *propWorld) snapshot(t *rapid.T) propSnapshot {
	ctx := p.f.ctx
	s := propSnapshot{orders: map[servicedesk.WorkOrderID]servicedesk.WorkOrder{}, calendar: map[string]servicedesk.CalendarDay{}}
	ws, err := p.f.desk.WorkOrders(ctx, dealer, admin, servicedesk.WorkOrderQuery{Limit: org.MaxPage})
	require.NoError(t, err)
	for _, w := range ws {
		s.orders[w.ID] = w
	}
	evs, err := p.f.roster.Events(ctx, dealer, org.Admin("test"), p.seq, org.MaxPage) // the new ones
	require.NoError(t, err)
	require.Less(t, len(evs), org.MaxPage, "the test reads the new events in one page")
	if len(evs) > 0 {
		p.seq = evs[len(evs)-1].Seq
	}
	p.events += len(evs)
	s.events = p.events
	for _, tech := range []org.EmployeeID{"wu", "tsai"} {
		for d := 1; d <= propDays; d++ {
			day := at(d, 12, 0).Format(time.DateOnly)
			c, err := p.f.desk.Calendar(ctx, dealer, admin, tech, day)
			require.NoError(t, err)
			s.calendar[string(tech)+"/"+day] = c
		}
	}
	return s
}

func TestProperty_workflowInvariants(t *testing.T) {
	reached := map[servicedesk.State]int{}
	rapid.Check(t, func(rt *rapid.T) {
		opts := servicedesk.Options{ExpressLane: rapid.Bool().Draw(rt, "express_lane")}
		f := newFixture(propTB{TB: t, rt: rt}, opts)
		_, err := f.roster.AddEmployee(f.ctx, dealer, admin, org.NewEmployee{ID: "lee", Name: "Lee", Role: org.RoleAdvisor})
		require.NoError(rt, err)
		_, err = f.roster.DeactivateEmployee(f.ctx, dealer, admin, org.StatusChange{ID: "lee", Reason: "left"})
		require.NoError(rt, err)
		p := &propWorld{f: f, opts: opts, hours: servicedesk.DefaultWorkingHours(),
			jobs: map[servicedesk.WorkOrderID]map[string]servicedesk.JobStatus{}, frozen: map[servicedesk.WorkOrderID]int64{},
			replayed: map[servicedesk.WorkOrderID]int64{}}
		for i := range rapid.IntRange(1, 3).Draw(rt, "orders") {
			p.ids = append(p.ids, servicedesk.WorkOrderID(fmt.Sprintf("wo%d", i+1)))
		}
		steps := rapid.IntRange(20, 120).Draw(rt, "steps")
		seen := map[servicedesk.State]bool{}
		p.stats = seen
		for i := range steps {
			p.step(rt, i)
		}
		for s := range seen {
			reached[s]++
		}
	})
	t.Logf("sequences that reached each state: %v", reached)
	// The generator must reach the end of the workflow, or the invariants
	// about inspections and settlement were never put to the test.
	for _, s := range []servicedesk.State{servicedesk.StateBooked, servicedesk.StateInProgress, servicedesk.StateRepaired} {
		if reached[s] == 0 {
			t.Errorf("no sequence reached %s: the generator is too weak", s)
		}
	}
}

// step gives one random command and checks what it did.
func (p *propWorld) step(t *rapid.T, i int) {
	id := rapid.SampledFrom(p.ids).Draw(t, "order")
	before := p.snapshot(t)
	w, exists := before.orders[id]

	// Mostly a command someone may give now, by someone who may; sometimes
	// anything by anyone.
	var cmd servicedesk.Command
	var actor org.Actor
	var permitted map[servicedesk.Command][]org.Actor
	if exists {
		permitted = map[servicedesk.Command][]org.Actor{}
		for _, a := range []org.Actor{sup, chen, wu, tsai} { // wang may do what chen may
			for _, c := range servicedesk.Permitted(&w, a, p.opts) {
				permitted[c] = append(permitted[c], a)
			}
		}
	}
	// Cancelling ends the sequence's interest in an order and notes change
	// little: offer them less often than the way forward.
	var cmds []servicedesk.Command
	for _, c := range propCommands {
		if len(permitted[c]) > 0 {
			cmds = append(cmds, c)
		}
	}
	if forward := slices.DeleteFunc(slices.Clone(cmds), func(c servicedesk.Command) bool {
		return c == servicedesk.CmdCancel || c == servicedesk.CmdNote
	}); len(forward) > 0 && !propRare(t, "cancel or note") {
		cmds = forward
	}
	// Pausing and added work are detours: take them half as often.
	if detour := slices.DeleteFunc(slices.Clone(cmds), func(c servicedesk.Command) bool {
		return c == servicedesk.CmdPause || c == servicedesk.CmdProposeSupplement
	}); len(detour) > 0 && len(detour) < len(cmds) && rapid.Bool().Draw(t, "no detour") {
		cmds = detour
	}
	switch {
	case !exists && rapid.IntRange(0, 9).Draw(t, "receive") < 8:
		cmd = servicedesk.CmdReceive
		actor = rapid.SampledFrom([]org.Actor{chen, wang, sup, chen, wu}).Draw(t, "actor")
	case len(cmds) > 0 && rapid.IntRange(0, 9).Draw(t, "valid") < 9:
		cmd = rapid.SampledFrom(cmds).Draw(t, "command")
		actor = rapid.SampledFrom(permitted[cmd]).Draw(t, "actor")
		if actor == chen && rapid.Bool().Draw(t, "the other advisor") {
			actor = wang
		}
	default:
		cmd = rapid.SampledFrom(propCommands).Draw(t, "any command")
		if cmd == servicedesk.CmdCancel && !propRare(t, "really cancel") {
			cmd = servicedesk.CmdNote
		}
		actor = rapid.SampledFrom(propActors).Draw(t, "any actor")
	}
	ref := servicedesk.Ref{ID: id}
	if exists && propRare(t, "stale") {
		ref.ExpectedVersion = w.Version - 1 // someone changed it meanwhile
	}
	got, err := p.give(t, cmd, actor, ref, w)
	t.Logf("step %d: %s on %s by %s -> %v", i, cmd, id, actor, err)
	after := p.snapshot(t)

	if err != nil {
		// A refused command writes nothing, anywhere.
		require.Equal(t, before.events, after.events, "refused %s wrote an event", cmd)
		require.Equal(t, before.orders, after.orders, "refused %s changed an order", cmd)
		require.Equal(t, before.calendar, after.calendar, "refused %s changed a calendar", cmd)
		known := []error{servicedesk.ErrInvalid, servicedesk.ErrInvalidTransition, servicedesk.ErrForbidden, servicedesk.ErrConflict, servicedesk.ErrNotFound}
		require.True(t, slices.ContainsFunc(known, func(e error) bool { return errors.Is(err, e) }), "unexpected error: %v", err)
		if (actor == ghost || actor == lee) && !errors.Is(err, servicedesk.ErrInvalid) {
			// R7.2d: an actor not active on the roster is refused before the
			// order is read (after only the input's shape is checked): it
			// learns nothing of whether the order exists.
			require.ErrorIs(t, err, servicedesk.ErrForbidden)
			require.NotErrorIs(t, err, servicedesk.ErrNotFound)
		} else if !exists && cmd != servicedesk.CmdReceive && !errors.Is(err, servicedesk.ErrInvalid) {
			require.ErrorIs(t, err, servicedesk.ErrNotFound)
		}
	} else {
		p.accepted(t, cmd, actor, w, exists, got, before, after)
	}
	p.invariants(t, after)
}

// accepted checks a command that went through against the table.
func (p *propWorld) accepted(t *rapid.T, cmd servicedesk.Command, actor org.Actor, w servicedesk.WorkOrder, existed bool, got servicedesk.WorkOrder,
	before, after propSnapshot) {
	stored := after.orders[got.ID]
	require.Equal(t, got, stored, "the command returned what it stored")
	require.Equal(t, before.events+1, after.events, "one event per command")
	for id, o := range before.orders {
		if id != got.ID {
			require.Equal(t, o, after.orders[id], "%s changed another order", cmd)
		}
	}
	if !existed {
		require.Equal(t, servicedesk.CmdReceive, cmd)
		require.Equal(t, servicedesk.StateReceived, got.State)
		require.Equal(t, int64(1), got.Version)
		return
	}
	require.NotEqual(t, servicedesk.CmdReceive, cmd, "receive over an existing order")
	require.Contains(t, servicedesk.Permitted(&w, actor, p.opts), cmd, "%s by %s in %s went through but was not permitted", cmd, actor, w.State)
	require.Equal(t, w.Version+1, got.Version)
	ok := false
	for _, tr := range servicedesk.Transitions() {
		if tr.Command != cmd || !slices.Contains(tr.From, w.State) || (tr.Option == "express_lane" && !p.opts.ExpressLane) {
			continue
		}
		ok = ok || (len(tr.To) == 0 && got.State == w.State) || slices.Contains(tr.To, got.State)
	}
	require.True(t, ok, "%s moved %s to %s: no row of the table does that", cmd, w.State, got.State)
}

// invariants must hold after every step, accepted or refused.
func (p *propWorld) invariants(t *rapid.T, s propSnapshot) {
	ctx := p.f.ctx
	needApproval := []servicedesk.State{servicedesk.StateApproved, servicedesk.StateBooked, servicedesk.StateInProgress, servicedesk.StatePaused,
		servicedesk.StateRepaired, servicedesk.StatePassed, servicedesk.StateReady, servicedesk.StateSettled, servicedesk.StateDelivered, servicedesk.StateClosed}
	needPassed := []servicedesk.State{servicedesk.StatePassed, servicedesk.StateReady, servicedesk.StateSettled, servicedesk.StateDelivered, servicedesk.StateClosed}
	for id, w := range s.orders {
		p.stats[w.State] = true
		// R3.2c: nothing is booked or worked without an approved job.
		if slices.Contains(needApproval, w.State) {
			require.True(t, slices.ContainsFunc(w.Jobs, func(j servicedesk.Job) bool {
				return j.Status == servicedesk.JobApproved || j.Status == servicedesk.JobDone
			}), "%s is %s without an approved job", id, w.State)
		}
		if w.State == servicedesk.StateApproved || w.State == servicedesk.StateBooked {
			require.True(t, slices.ContainsFunc(w.Jobs, func(j servicedesk.Job) bool { return j.Status == servicedesk.JobApproved }),
				"%s is %s with no approved job left to do", id, w.State)
		}
		// R3.3b: a job is done only if the customer had approved it.
		seen := p.jobs[id]
		now := map[string]servicedesk.JobStatus{}
		for _, j := range w.Jobs {
			now[j.ID] = j.Status
			if j.Status == servicedesk.JobDone && seen[j.ID] != servicedesk.JobDone {
				require.Equal(t, servicedesk.JobApproved, seen[j.ID], "%s: job %s done without approval (was %q)", id, j.ID, seen[j.ID])
			}
			if old, ok := seen[j.ID]; ok && old != j.Status {
				// Decisions only move forward: proposed -> approved|declined, approved -> done.
				require.True(t, old == servicedesk.JobProposed || old == servicedesk.JobApproved && j.Status == servicedesk.JobDone,
					"%s: job %s went from %s to %s", id, j.ID, old, j.Status)
			}
		}
		for jid, st := range seen {
			if _, still := now[jid]; !still {
				require.Equal(t, servicedesk.JobProposed, st, "%s: job %s (%s) disappeared", id, jid, st)
			}
		}
		p.jobs[id] = now
		// R3.3c: past the inspection only with a passed last inspection.
		if slices.Contains(needPassed, w.State) {
			last, ok := w.LastInspection()
			require.True(t, ok && last.Passed, "%s is %s without a passed final inspection", id, w.State)
		}
		if w.State == servicedesk.StateRepaired {
			require.False(t, w.PendingSupplement(), "%s repaired with added work undecided", id)
			require.False(t, slices.ContainsFunc(w.Jobs, func(j servicedesk.Job) bool { return j.Status == servicedesk.JobApproved }),
				"%s repaired with approved work not done", id)
		}
		// Terminal orders never change again.
		if v, ok := p.frozen[id]; ok {
			require.Equal(t, v, w.Version, "%s changed after %s", id, w.State)
		} else if w.State.Terminal() {
			p.frozen[id] = w.Version
		}
		// The audit trail replays the order: from -> to chains, ends in the
		// state, one event per version. (Read again only when it changed.)
		if p.replayed[id] == w.Version {
			continue
		}
		p.replayed[id] = w.Version
		tl, err := p.f.desk.Timeline(ctx, dealer, admin, id)
		require.NoError(t, err)
		require.Len(t, tl, int(w.Version), "%s: one event per version", id)
		prev := servicedesk.StateNone
		for k, e := range tl {
			var d struct {
				From servicedesk.State `json:"from"`
				To   servicedesk.State `json:"to"`
			}
			require.NoError(t, json.Unmarshal(e.Data, &d))
			require.Equal(t, prev, d.From, "%s: event %d (%s) starts from %q, the previous ended in %q", id, k, e.Type, d.From, prev)
			prev = d.To
		}
		require.Equal(t, w.State, prev, "%s: the timeline ends in %q, the order is %q", id, prev, w.State)
	}
	// The calendar never double-books, stays in working hours and
	// capacity, and agrees with the orders' bookings.
	slots := 0
	for key, c := range s.calendar {
		total := time.Duration(0)
		for k, sl := range c.Slots {
			slots++
			require.True(t, sl.Start.Before(sl.End), "%s: empty slot", key)
			if k > 0 {
				require.False(t, sl.Start.Before(c.Slots[k-1].End), "%s: slots %v and %v overlap", key, c.Slots[k-1], sl)
			}
			start, end := sl.Start.In(taipei), sl.End.In(taipei)
			require.Contains(t, p.hours.Days, start.Weekday(), "%s: booked on a %s", key, start.Weekday())
			require.GreaterOrEqual(t, start.Hour()*60+start.Minute(), p.hours.Open, "%s: before opening", key)
			require.LessOrEqual(t, end.Hour()*60+end.Minute(), p.hours.Close, "%s: after closing", key)
			require.Equal(t, start.Format(time.DateOnly), c.Day, "%s: slot on another day", key)
			total += sl.End.Sub(sl.Start)
			w, ok := s.orders[sl.WorkOrder]
			require.True(t, ok, "%s: slot of unknown order %s", key, sl.WorkOrder)
			require.NotNil(t, w.Booking, "%s: slot of %s (%s), which has no booking", key, w.ID, w.State)
			require.Equal(t, c.Technician, w.Booking.Technician, "%s: slot of %s", key, w.ID)
			require.True(t, sl.Start.Equal(w.Booking.Start) && sl.End.Equal(w.Booking.End), "%s: slot %v, booking %v", key, sl, w.Booking)
		}
		require.LessOrEqual(t, total, time.Duration(p.hours.Close-p.hours.Open)*time.Minute, "%s: over capacity", key)
	}
	bookings := 0
	for _, w := range s.orders {
		if w.Booking != nil {
			bookings++
		}
	}
	require.Equal(t, bookings, slots, "every booking has exactly one slot")
}

// give draws the command's input, mostly valid, and gives the command.
func (p *propWorld) give(t *rapid.T, cmd servicedesk.Command, actor org.Actor, ref servicedesk.Ref, w servicedesk.WorkOrder) (servicedesk.WorkOrder, error) {
	ctx, desk := p.f.ctx, p.f.desk
	often := func(label string) bool { return !propRare(t, label) }
	jobIDs := func(pred func(servicedesk.Job) bool) []string {
		var ids []string
		for _, j := range w.Jobs {
			if pred(j) {
				ids = append(ids, j.ID)
			}
		}
		return ids
	}
	consent := func(pending []string) servicedesk.Consent {
		c := servicedesk.Consent{By: "Mr. Kao", Method: servicedesk.ApprovalSignature, Evidence: signature("signatures/estimate.png")}
		for _, id := range pending {
			switch d := rapid.IntRange(0, 19).Draw(t, "decision"); {
			case d < 11:
				c.Approved = append(c.Approved, id)
			case d < 19:
				c.Declined = append(c.Declined, id)
			} // else: left undecided
		}
		if !often("known jobs") {
			c.Approved = append(c.Approved, "j99")
		}
		return c
	}
	jobs := func(label string, concerns bool) []servicedesk.JobInput {
		n := rapid.IntRange(1, 3).Draw(t, label+" count")
		out := make([]servicedesk.JobInput, n)
		for i := range out {
			out[i] = servicedesk.JobInput{Title: fmt.Sprintf("job %d", i), Hours: dec("1"), Lines: []servicedesk.LineInput{{
				Kind: servicedesk.LineLabor, Code: "OP", Description: "work",
				Quantity: dec(fmt.Sprint(rapid.IntRange(1, 3).Draw(t, "qty"))), UnitPrice: dec(fmt.Sprint(rapid.IntRange(0, 2000).Draw(t, "price")))}}}
			if concerns {
				out[i].ConcernID = rapid.SampledFrom([]string{"", "c1", "c2", "c1"}).Draw(t, "job concern")
			}
		}
		return out
	}
	slot := func() servicedesk.BookingInput {
		day := rapid.SampledFrom([]int{2, 3, 4, 1}).Draw(t, "day")         // Monday to Wednesday, or Sunday
		startMin := rapid.IntRange(17, 34).Draw(t, "start half-hour") * 30 // 08:30 to 17:00
		if propRare(t, "out of hours") {
			startMin = rapid.SampledFrom([]int{8 * 60, 17*60 + 30, 20 * 60}).Draw(t, "out of hours start")
		}
		dur := rapid.IntRange(1, 6).Draw(t, "half-hours") * 30
		start := at(day, 0, 0).Add(time.Duration(startMin) * time.Minute)
		tech := rapid.SampledFrom([]org.EmployeeID{"wu", "tsai", "wu", "tsai", "chen"}).Draw(t, "technician")
		return servicedesk.BookingInput{Technician: tech, Start: start, End: start.Add(time.Duration(dur) * time.Minute)}
	}
	reason := func() string {
		if often("reason given") {
			return "because"
		}
		return ""
	}

	switch cmd {
	case servicedesk.CmdReceive:
		in := servicedesk.Reception{ID: ref.ID, Channel: servicedesk.ChannelPhone, Transport: servicedesk.TransportDropOff,
			Customer: servicedesk.Customer{Name: "Ms. Lin", Phone: "0912-345-678"},
			Vehicle:  servicedesk.Vehicle{Make: "Honda", Model: "Fit", MileageIn: 42000}}
		for i := range rapid.IntRange(1, 3).Draw(t, "concerns") {
			in.Concerns = append(in.Concerns, fmt.Sprintf("concern %d", i+1))
		}
		if actor.Role == org.RoleSupervisor && often("names advisor") {
			in.Advisor = "wang"
		}
		return desk.Receive(ctx, dealer, actor, in)
	case servicedesk.CmdRecordCondition:
		var in servicedesk.ConditionInput
		n := rapid.IntRange(1, 2).Draw(t, "condition items")
		if propRare(t, "no condition items") {
			n = 0
		}
		for i := range n {
			in.Items = append(in.Items, servicedesk.ConditionItem{Area: fmt.Sprintf("area %d", i), Status: servicedesk.ConditionAttention})
		}
		return desk.RecordCondition(ctx, dealer, actor, ref, in)
	case servicedesk.CmdAcknowledge:
		return desk.Acknowledge(ctx, dealer, actor, ref, servicedesk.Acknowledgement{By: "Ms. Lin"})
	case servicedesk.CmdDiagnose:
		in := servicedesk.DiagnosisInput{Technician: rapid.SampledFrom([]org.EmployeeID{"wu", "tsai", "wu", "chen", ""}).Draw(t, "diagnosed with")}
		all := often("diagnose every concern")
		for _, c := range []string{"c1", "c2", "c3", "c4"} {
			known := slices.ContainsFunc(w.Concerns, func(x servicedesk.Concern) bool { return x.ID == c })
			if all && known || !all && rapid.Bool().Draw(t, "diagnose "+c) {
				in.Findings = append(in.Findings, servicedesk.FindingInput{ConcernID: c, Cause: "cause", Correction: "fix"})
			}
		}
		return desk.Diagnose(ctx, dealer, actor, ref, in)
	case servicedesk.CmdEstimate:
		return desk.Estimate(ctx, dealer, actor, ref, servicedesk.EstimateInput{Jobs: jobs("estimate", true)})
	case servicedesk.CmdApprove:
		return desk.Approve(ctx, dealer, actor, ref, consent(jobIDs(func(j servicedesk.Job) bool {
			return j.Supplement == 0 && j.Status == servicedesk.JobProposed
		})))
	case servicedesk.CmdBook:
		return desk.Book(ctx, dealer, actor, ref, slot())
	case servicedesk.CmdReschedule:
		return desk.Reschedule(ctx, dealer, actor, ref, slot())
	case servicedesk.CmdNoShow:
		return desk.NoShow(ctx, dealer, actor, ref, servicedesk.NoShowInput{Reason: reason()})
	case servicedesk.CmdStart:
		return desk.Start(ctx, dealer, actor, ref)
	case servicedesk.CmdNote:
		return desk.AddNote(ctx, dealer, actor, ref, servicedesk.NoteInput{Text: reason()})
	case servicedesk.CmdPause:
		return desk.Pause(ctx, dealer, actor, ref, servicedesk.PauseInput{Reason: reason()})
	case servicedesk.CmdResume:
		return desk.Resume(ctx, dealer, actor, ref)
	case servicedesk.CmdProposeSupplement:
		return desk.ProposeSupplement(ctx, dealer, actor, ref, servicedesk.SupplementInput{Reason: reason(), Jobs: jobs("supplement", false)})
	case servicedesk.CmdDecideSupplement:
		return desk.DecideSupplement(ctx, dealer, actor, ref, consent(jobIDs(func(j servicedesk.Job) bool {
			return j.Supplement > 0 && j.Status == servicedesk.JobProposed
		})))
	case servicedesk.CmdCompleteJob:
		ids := jobIDs(func(j servicedesk.Job) bool { return j.Status == servicedesk.JobApproved })
		if len(ids) == 0 || !often("an approved job") {
			ids = append(jobIDs(func(servicedesk.Job) bool { return true }), "j99")
		}
		return desk.CompleteJob(ctx, dealer, actor, ref, servicedesk.JobRef{Job: rapid.SampledFrom(ids).Draw(t, "job")})
	case servicedesk.CmdCompleteRepair:
		return desk.CompleteRepair(ctx, dealer, actor, ref)
	case servicedesk.CmdInspect:
		var in servicedesk.InspectionInput
		for i := range rapid.IntRange(1, 3).Draw(t, "inspection items") {
			in.Items = append(in.Items, servicedesk.InspectionCheck{Item: fmt.Sprintf("check %d", i), Passed: !propRare(t, "item fails")})
		}
		return desk.Inspect(ctx, dealer, actor, ref, in)
	case servicedesk.CmdNotifyReady:
		return desk.NotifyReady(ctx, dealer, actor, ref, servicedesk.ReadyInput{Explanation: reason()})
	case servicedesk.CmdSettle:
		return desk.Settle(ctx, dealer, actor, ref, servicedesk.Settlement{Document: "INV-" + string(ref.ID), Total: w.ApprovedTotal()})
	case servicedesk.CmdDeliver:
		km := int64(rapid.IntRange(0, 200).Draw(t, "km driven"))
		if propRare(t, "odometer below mileage in") {
			km = -1
		}
		return desk.Deliver(ctx, dealer, actor, ref, servicedesk.DeliveryInput{MileageOut: 42000 + km})
	case servicedesk.CmdClose:
		return desk.Close(ctx, dealer, actor, ref)
	case servicedesk.CmdCancel:
		return desk.Cancel(ctx, dealer, actor, ref, servicedesk.CancelInput{Reason: reason()})
	}
	t.Fatalf("no input for command %s", cmd)
	return servicedesk.WorkOrder{}, nil
}
