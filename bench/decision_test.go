package bench_test

import (
	"slices"
	"testing"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// Goal "one decision: a command's table row and guards": may technician
// wu pause his order in repair? Issue 16 asks for it exported, with 0
// allocations and at most 0.2x looplab's Can.

// sdkAllows is the SDK's decision: servicedesk.Allows, the exported
// single decision (the command's row from the order's state, its roles
// and its guards, without building a refusal). Before Allows existed this
// was a loop over the exported rows (servicedesk.Transitions, read once),
// which is what the "41 ns" measured.
func sdkAllows(w *servicedesk.WorkOrder, cmd servicedesk.Command, actor org.Actor, opts servicedesk.Options) bool {
	return servicedesk.Allows(w, cmd, actor, opts)
}

// TestDecisionAgrees: for every command, every state and four actors
// (the booked technician, another technician, an advisor, a supervisor),
// the SDK's decision, servicedesk.Permitted, looplab (Can and the guard)
// and stateless (CanFire) all answer the same, on an order in repair
// whose state is set to each state in turn.
func TestDecisionAgrees(t *testing.T) {
	f := newDesk(t)
	base := f.inRepair(t, "wo-d")
	opts := servicedesk.Options{}
	rows := servicedesk.Transitions()
	pt := newPeerTable(opts)
	var state servicedesk.State
	sm := newStateless(&state, opts)
	lf := newLooplab(servicedesk.StateInProgress, pt)
	var cmds []servicedesk.Command
	for _, r := range rows {
		if !slices.Contains(cmds, r.Command) {
			cmds = append(cmds, r.Command)
		}
	}
	actors := []org.Actor{wu, {ID: "tsai", Role: org.RoleTechnician}, chen, {ID: "sup", Role: org.RoleSupervisor}}
	yes, no := 0, 0
	for _, s := range append([]servicedesk.State{servicedesk.StateNone}, servicedesk.States()...) {
		w := base
		w.State = s
		state = s
		lf.SetState(string(s))
		for _, actor := range actors {
			permitted := servicedesk.Permitted(&w, actor, opts)
			a := &fsmArgs{w: &w, actor: actor}
			for _, cmd := range cmds {
				want := slices.Contains(permitted, cmd)
				if got := sdkAllows(&w, cmd, actor, opts); got != want {
					t.Errorf("%s in %s by %s: sdk %v, Permitted %v", cmd, s, actor.Role, got, want)
				}
				if got := looplabAllows(lf, pt[cmd], cmd, a); got != want {
					t.Errorf("%s in %s by %s: looplab %v, Permitted %v", cmd, s, actor.Role, got, want)
				}
				got, err := sm.CanFire(cmd, a)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s in %s by %s: stateless %v, Permitted %v", cmd, s, actor.Role, got, want)
				}
				if want {
					yes++
				} else {
					no++
				}
			}
		}
	}
	if yes < 50 || no < 50 {
		t.Fatalf("%d decisions allowed, %d refused: too few of one to compare", yes, no)
	}
}

// BenchmarkDecision: may wu pause order wo-d, in repair?
func BenchmarkDecision(b *testing.B) {
	f := newDesk(b)
	w := f.inRepair(b, "wo-d")
	opts := servicedesk.Options{}
	cmd := servicedesk.CmdPause
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !sdkAllows(&w, cmd, wu, opts) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("looplab", func(b *testing.B) {
		pt := newPeerTable(opts)
		lf := newLooplab(w.State, pt)
		a := &fsmArgs{w: &w, actor: wu}
		guard := pt[cmd] // the pause guard, as a looplab user writes it
		b.ReportAllocs()
		for b.Loop() {
			if !looplabAllows(lf, guard, cmd, a) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("stateless", func(b *testing.B) {
		state := w.State
		sm := newStateless(&state, opts)
		a := &fsmArgs{w: &w, actor: wu}
		b.ReportAllocs()
		for b.Loop() {
			ok, err := sm.CanFire(cmd, a)
			if err != nil || !ok {
				b.Fatal("refused", err)
			}
		}
	})
}
