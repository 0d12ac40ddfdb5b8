package bench_test

import (
	"context"
	"errors"
	"slices"

	"github.com/looplab/fsm"
	"github.com/qmuntal/stateless"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// The peers of the decision and command goals are the SDK's own
// transition table (servicedesk.Transitions) loaded into looplab/fsm and
// qmuntal/stateless: the same states and events, and for each row a guard
// equivalent to the SDK's: the actor's role among the row's roles, and
// every guard of the row holding on the order. Rows an option enables
// (the express lane) are left out, as the SDK leaves them out with the
// default Options.

// fsmArgs is what a peer's guard reads: the order and who acts. It is
// passed by pointer so that boxing it allocates nothing.
type fsmArgs struct {
	w     *servicedesk.WorkOrder
	actor org.Actor
}

var errRefused = errors.New("refused by the guard")

// enabled is servicedesk.Options.enabled, which is unexported.
func enabled(t *servicedesk.Transition, opts servicedesk.Options) bool {
	switch t.Option {
	case "":
		return true
	case "express_lane":
		return opts.ExpressLane
	}
	return false
}

// rowAllows is the guard of one row: role and guards.
func rowAllows(t *servicedesk.Transition, w *servicedesk.WorkOrder, actor org.Actor) bool {
	if !slices.Contains(t.Roles, actor.Role) {
		return false
	}
	for _, g := range t.Guards {
		if g.Check(w, actor) != "" {
			return false
		}
	}
	return true
}

// dst is where a row moves an order from `from`: its first outcome, or
// nowhere (a note, a supplement) for a row without one.
func dst(t *servicedesk.Transition, from servicedesk.State) servicedesk.State {
	if len(t.To) == 0 {
		return from
	}
	return t.To[0]
}

// peerTable is the SDK's table by command, for looplab's guards: a
// looplab user writes one guard per event, which finds the event's row
// from the source state (two rows only for cancel).
type peerTable map[servicedesk.Command]peerRows

// peerRows are the rows of one command.
type peerRows []*servicedesk.Transition

func newPeerTable(opts servicedesk.Options) peerTable {
	rows := servicedesk.Transitions()
	pt := peerTable{}
	for i := range rows {
		t := &rows[i]
		if enabled(t, opts) {
			pt[t.Command] = append(pt[t.Command], t)
		}
	}
	return pt
}

// allows is the guard of the command's row from state from.
func (rs peerRows) allows(from servicedesk.State, a *fsmArgs) bool {
	for _, t := range rs {
		if slices.Contains(t.From, from) {
			return rowAllows(t, a.w, a.actor)
		}
	}
	return false
}

// newLooplab is the table as a looplab/fsm machine in state initial, its
// guards a before_event callback that cancels the event when the row's
// guard does not hold. Can does not run callbacks: a decision asks Can and
// then the guard.
func newLooplab(initial servicedesk.State, pt peerTable) *fsm.FSM {
	var events []fsm.EventDesc
	for _, rs := range pt {
		for _, t := range rs {
			for _, from := range t.From {
				events = append(events, fsm.EventDesc{Name: string(t.Command), Src: []string{string(from)}, Dst: string(dst(t, from))})
			}
		}
	}
	return fsm.NewFSM(string(initial), events, fsm.Callbacks{
		"before_event": func(_ context.Context, e *fsm.Event) {
			if !pt[servicedesk.Command(e.Event)].allows(servicedesk.State(e.Src), e.Args[0].(*fsmArgs)) {
				e.Cancel(errRefused)
			}
		},
	})
}

// looplabAllows is the looplab decision: the event exists from the
// current state, and the event's guard (rs, the command's rows) holds.
func looplabAllows(f *fsm.FSM, rs peerRows, cmd servicedesk.Command, a *fsmArgs) bool {
	return f.Can(string(cmd)) && rs.allows(servicedesk.State(f.Current()), a)
}

// newStateless is the table as a qmuntal/stateless machine whose state
// is read from and written to *state, each row's guard a guard of its
// permit. A row that leaves the state as it is is a reentry.
func newStateless(state *servicedesk.State, opts servicedesk.Options) *stateless.StateMachine {
	sm := stateless.NewStateMachineWithExternalStorage(
		func(context.Context) (stateless.State, error) { return *state, nil },
		func(_ context.Context, s stateless.State) error { *state = s.(servicedesk.State); return nil },
		stateless.FiringImmediate)
	rows := servicedesk.Transitions()
	for i := range rows {
		t := &rows[i]
		if !enabled(t, opts) {
			continue
		}
		guard := func(_ context.Context, args ...any) bool {
			a := args[0].(*fsmArgs)
			return rowAllows(t, a.w, a.actor)
		}
		for _, from := range t.From {
			to := dst(t, from)
			if to == from {
				sm.Configure(from).PermitReentry(t.Command, guard)
			} else {
				sm.Configure(from).Permit(t.Command, to, guard)
			}
		}
	}
	return sm
}
