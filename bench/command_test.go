package bench_test

import (
	"context"
	"errors"
	"testing"

	"github.com/looplab/fsm"
	"github.com/qmuntal/stateless"

	"github.com/servicelane/servicelane/servicedesk"
)

// Goal "one command on memstore": technician wu pauses and resumes his
// order in repair, in turn, so the order does not grow. The SDK validates
// the input, authorises wu against the roster, checks the table and
// guards, appends the audit event and commits to memstore. The peers fire
// the same event on the same table with the same guard (see
// peers_test.go) and persist nothing. The issue asks for at most 1x
// looplab's Event.

func sdkCommand(f *desk, i int) error {
	ref := servicedesk.Ref{ID: "wo-c"}
	var err error
	if i%2 == 0 {
		_, err = f.svc.Pause(f.ctx, dealer, wu, ref, servicedesk.PauseInput{Reason: "waiting for parts"})
	} else {
		_, err = f.svc.Resume(f.ctx, dealer, wu, ref)
	}
	return err
}

func looplabCommand(ctx context.Context, f *fsm.FSM, a *fsmArgs, i int) error {
	ev := servicedesk.CmdPause
	if i%2 == 1 {
		ev = servicedesk.CmdResume
	}
	return f.Event(ctx, string(ev), a)
}

func statelessCommand(ctx context.Context, sm *stateless.StateMachine, a *fsmArgs, i int) error {
	ev := servicedesk.CmdPause
	if i%2 == 1 {
		ev = servicedesk.CmdResume
	}
	return sm.FireCtx(ctx, ev, a)
}

// TestCommandAgrees: after each of the same commands the three are in the
// same state, and an actor whose role the row does not list (the admin)
// is refused by all three, the state unchanged.
func TestCommandAgrees(t *testing.T) {
	ctx := context.Background()
	f := newDesk(t)
	w := f.inRepair(t, "wo-c")
	opts := servicedesk.Options{}
	lf := newLooplab(w.State, newPeerTable(opts))
	state := w.State
	sm := newStateless(&state, opts)
	a := &fsmArgs{w: &w, actor: wu}
	same := func(step string) {
		t.Helper()
		got, err := f.svc.WorkOrder(ctx, dealer, admin, "wo-c")
		must(t, err)
		if got.State != servicedesk.State(lf.Current()) || got.State != state {
			t.Fatalf("%s: sdk %s, looplab %s, stateless %s", step, got.State, lf.Current(), state)
		}
	}
	for i := range 5 {
		must(t, sdkCommand(f, i))
		must(t, looplabCommand(ctx, lf, a, i))
		must(t, statelessCommand(ctx, sm, a, i))
		same("command " + string(rune('0'+i)))
	}
	// Paused now: resume by the admin is refused everywhere.
	other := &fsmArgs{w: &w, actor: admin}
	if _, err := f.svc.Resume(ctx, dealer, admin, servicedesk.Ref{ID: "wo-c"}); err == nil {
		t.Fatal("sdk: the admin resumed")
	}
	if err := lf.Event(ctx, string(servicedesk.CmdResume), other); !errors.As(err, new(fsm.CanceledError)) {
		t.Fatalf("looplab: %v, want canceled", err)
	}
	if err := sm.FireCtx(ctx, servicedesk.CmdResume, other); err == nil {
		t.Fatal("stateless: the admin resumed")
	}
	same("refused")
}

// BenchmarkCommand: one command per op, pause and resume in turn.
func BenchmarkCommand(b *testing.B) {
	ctx := context.Background()
	opts := servicedesk.Options{}
	b.Run("sdk", func(b *testing.B) {
		f := newDesk(b)
		f.inRepair(b, "wo-c")
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := sdkCommand(f, i); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("looplab", func(b *testing.B) {
		w := newDesk(b).inRepair(b, "wo-c")
		lf := newLooplab(w.State, newPeerTable(opts))
		a := &fsmArgs{w: &w, actor: wu}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := looplabCommand(ctx, lf, a, i); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("stateless", func(b *testing.B) {
		w := newDesk(b).inRepair(b, "wo-c")
		state := w.State
		sm := newStateless(&state, opts)
		a := &fsmArgs{w: &w, actor: wu}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := statelessCommand(ctx, sm, a, i); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
