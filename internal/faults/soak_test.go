package faults_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/internal/testdb"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
)

// liveOrders is how many orders the soak keeps in play: few, so that
// commands collide on them.
const liveOrders = 6

// TestSoak: 8 to 16 goroutines give random commands for a bounded time
// (SERVICELANE_SOAK_SECONDS, default 10) to a few orders on two
// technicians' crowded days, each with the version it last read: they
// book and reschedule over each other, add notes, pause and resume,
// estimate again, settle (and retry settlements), cancel. Nothing is
// cancelled and no fault injected, so afterwards:
//
//   - no technician is booked twice at once, and the calendars hold
//     exactly the orders' bookings;
//   - no update is lost: each order's version is the number of commands
//     that succeeded on it, each success got its own version, and its
//     audit trail has each success's event at that version;
//   - every error matches an org sentinel or is a *org.ValidationError or
//     *org.RefusalError, and none is ErrUnavailable or a context error;
//   - nothing panics, and the invariants of the crash test hold.
//
// SERVICELANE_SOAK_SEED replays the choices of a run (not its timing).
func TestSoak(t *testing.T) {
	for _, b := range []struct {
		name string
		open func(testing.TB) *sqlstore.Store
	}{
		{"sqlite", testdb.SQLite},
		{"postgres", testdb.Postgres},
	} {
		t.Run(b.name, func(t *testing.T) {
			soak(t, fromSQL(b.open(t)))
		})
	}
}

// write is one command that succeeded: the version it gave the order.
type write struct {
	version int64
	cmd     servicedesk.Command
	by      int // the goroutine
}

type soaker struct {
	t    *testing.T
	ctx  context.Context
	w    *world
	next atomic.Int64 // the last order number taken

	mu      sync.Mutex
	orders  []servicedesk.WorkOrderID
	out     map[servicedesk.WorkOrderID]bool // out of play: settled or cancelled
	writes  map[servicedesk.WorkOrderID][]write
	settled map[servicedesk.WorkOrderID]settledWith
	tally   map[string]int
	days    map[string]bool // every day a booking was tried on
}

// settledWith is a settlement that succeeded: its key and documents.
type settledWith struct {
	key  string
	docs []billing.DocumentID
}

func soak(t *testing.T, st stores) {
	seconds := envInt(t, "SERVICELANE_SOAK_SECONDS", 10)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SERVICELANE_SOAK_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("SERVICELANE_SOAK_SEED=%q: %v", s, err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	workers := 8 + rng.IntN(9)
	t.Logf("SERVICELANE_SOAK_SEED=%d: %d goroutines for %d s", seed, workers, seconds)

	ctx := t.Context()
	w, err := wire(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.seed(ctx); err != nil {
		t.Fatal(err)
	}
	s := &soaker{t: t, ctx: ctx, w: w, out: map[servicedesk.WorkOrderID]bool{}, writes: map[servicedesk.WorkOrderID][]write{},
		settled: map[servicedesk.WorkOrderID]settledWith{}, tally: map[string]int{}, days: map[string]bool{}}

	// The first orders are spread along the lane, some ready to settle,
	// so that even a slow run (-race) settles concurrently from the start.
	for range liveOrders {
		s.take(-1, rng)
	}
	s.mu.Lock()
	first := slices.Clone(s.orders)
	s.mu.Unlock()
	for _, id := range first {
		for range rng.IntN(14) {
			wo, err := st.desk.WorkOrder(ctx, dealer, id)
			if err != nil {
				t.Fatal(err)
			}
			if wo.State == servicedesk.StateReady {
				break
			}
			r := w.advance(ctx, wo, s.slot(id, rng), "")
			if errors.Is(r.err, org.ErrInvalid) && r.cmd == servicedesk.CmdBook {
				continue // taken: another slot next time
			}
			s.done(-1, wo, r)
		}
	}
	if t.Failed() {
		return
	}

	end := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for g := range workers {
		rng := rand.New(rand.NewPCG(seed, uint64(g)+1))
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("goroutine %d panicked: %v\n%s", g, r, debug.Stack())
				}
			}()
			for time.Now().Before(end) && !t.Failed() {
				s.command(g, rng)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	s.check()
}

// take picks an order in play, receiving a new one when fewer than
// liveOrders are.
func (s *soaker) take(g int, rng *rand.Rand) (servicedesk.WorkOrderID, bool) {
	s.mu.Lock()
	var live []servicedesk.WorkOrderID
	for _, id := range s.orders {
		if !s.out[id] {
			live = append(live, id)
		}
	}
	s.mu.Unlock()
	if len(live) >= liveOrders {
		return live[rng.IntN(len(live))], true
	}
	id := servicedesk.WorkOrderID(fmt.Sprintf("RO-%05d", s.next.Add(1)))
	by := []org.Actor{chen, wang}[rng.IntN(2)]
	wo, err := s.w.desk.Receive(s.ctx, dealer, by, reception(id))
	s.done(g, servicedesk.WorkOrder{ID: id}, stepResult{cmd: servicedesk.CmdReceive, wo: wo, err: err})
	return "", false
}

// bookingDay is the working day (from base) the n-th order is booked on:
// four orders share a day, and may take the next, so that bookings crowd.
func bookingDay(id servicedesk.WorkOrderID, rng *rand.Rand) int {
	return (orderNumber(id)/4 + rng.IntN(2)) % 250 // 250 working days lie within the booking horizon
}

// slot is a random booking of 30 to 90 minutes in the first four hours of
// one of the order's days, with one of the two technicians. The day is
// kept: the calendars of every day tried are checked at the end.
func (s *soaker) slot(id servicedesk.WorkOrderID, rng *rand.Rand) servicedesk.BookingInput {
	day := workingDay(bookingDay(id, rng))
	s.mu.Lock()
	s.days[day.Format(time.DateOnly)] = true
	s.mu.Unlock()
	start := day.Add(8*time.Hour + 30*time.Minute + time.Duration(rng.IntN(8))*30*time.Minute)
	return servicedesk.BookingInput{Technician: techs[rng.IntN(len(techs))], Start: start, End: start.Add(time.Duration(1+rng.IntN(3)) * 30 * time.Minute)}
}

var notes = []string{"customer called", "parts ordered", "found a leak", "waiting for approval", "road tested"}

// command reads an order and gives it one random command with the version
// read.
func (s *soaker) command(g int, rng *rand.Rand) {
	id, ok := s.take(g, rng)
	if !ok {
		return
	}
	wo, err := s.w.st.desk.WorkOrder(s.ctx, dealer, id)
	if err != nil {
		s.done(g, wo, stepResult{cmd: "read", err: err})
		return
	}
	ref := servicedesk.Ref{ID: id, ExpectedVersion: wo.Version}
	r := stepResult{}
	switch p := rng.IntN(100); {
	case p < 55: // the next step of the lane: booking where it is crowded, settling with a key of its own
		key := fmt.Sprintf("s-%s-%d-%d", id, g, rng.IntN(1_000_000))
		if wo.State == servicedesk.StateReady && rng.IntN(3) == 0 {
			// Without a version, SettleBill retries when a concurrent
			// settlement took its document number.
			r = s.w.settle(s.ctx, wo, key, false)
			break
		}
		r = s.w.advance(s.ctx, wo, s.slot(id, rng), key)
		if r.cmd == "" {
			r.cmd, r.err = servicedesk.CmdNote, nil
			r.wo, r.err = s.w.desk.AddNote(s.ctx, dealer, advisorOf(wo), ref, servicedesk.NoteInput{Text: "done"})
		}
	case p < 65:
		r.cmd = servicedesk.CmdNote
		by := []org.Actor{chen, wang, lin, {ID: "wu", Role: org.RoleTechnician}}[rng.IntN(4)]
		r.wo, r.err = s.w.desk.AddNote(s.ctx, dealer, by, ref, servicedesk.NoteInput{Text: notes[rng.IntN(len(notes))]})
	case p < 75:
		r.cmd = servicedesk.CmdReschedule
		r.wo, r.err = s.w.desk.Reschedule(s.ctx, dealer, advisorOf(wo), ref, s.slot(id, rng))
	case p < 81:
		if wo.State == servicedesk.StatePaused || wo.State != servicedesk.StateInProgress && rng.IntN(2) == 0 {
			r.cmd = servicedesk.CmdResume
			r.wo, r.err = s.w.desk.Resume(s.ctx, dealer, workerOf(wo), ref)
		} else {
			r.cmd = servicedesk.CmdPause
			r.wo, r.err = s.w.desk.Pause(s.ctx, dealer, workerOf(wo), ref, servicedesk.PauseInput{Reason: "waiting for parts"})
		}
	case p < 87:
		r.cmd = servicedesk.CmdEstimate
		r.wo, r.err = s.w.desk.Estimate(s.ctx, dealer, advisorOf(wo), ref, oilChange([]string{"0.5", "1"}[rng.IntN(2)]))
	case p < 91:
		r.cmd = servicedesk.CmdNoShow
		r.wo, r.err = s.w.desk.NoShow(s.ctx, dealer, advisorOf(wo), ref, servicedesk.NoShowInput{Reason: "did not come"})
	case p < 93:
		r.cmd = servicedesk.CmdCancel
		r.wo, r.err = s.w.desk.Cancel(s.ctx, dealer, lin, ref, servicedesk.CancelInput{Reason: "customer withdrew"})
	default: // a settlement retried with its key, or settling an order not ready
		s.mu.Lock()
		var ids []servicedesk.WorkOrderID
		for id := range s.settled {
			ids = append(ids, id)
		}
		s.mu.Unlock()
		if len(ids) == 0 {
			r = s.w.settle(s.ctx, wo, fmt.Sprintf("s-%s-%d-%d", id, g, rng.IntN(1_000_000)), true)
			break
		}
		slices.Sort(ids)
		s.replay(g, ids[rng.IntN(len(ids))])
		return
	}
	s.done(g, wo, r)
}

// replay settles a settled order again with the key that settled it: the
// same documents, and nothing written (the versions at the end say so).
func (s *soaker) replay(g int, id servicedesk.WorkOrderID) {
	s.mu.Lock()
	first := s.settled[id]
	s.mu.Unlock()
	wo, err := s.w.st.desk.WorkOrder(s.ctx, dealer, id)
	if err != nil {
		s.done(g, wo, stepResult{cmd: "read", err: err})
		return
	}
	_, docs, err := s.w.desk.SettleBill(s.ctx, dealer, advisorOf(wo), servicedesk.Ref{ID: id, ExpectedVersion: wo.Version}, settleInput(first.key, wo.SettledTotal))
	switch {
	case err != nil:
		s.t.Errorf("goroutine %d: settling %s again with its key %s: %v", g, id, first.key, err)
	case !slices.Equal(billingIDs(docs), first.docs):
		s.t.Errorf("goroutine %d: settling %s again with its key %s gave %v, first %v", g, id, first.key, billingIDs(docs), first.docs)
	}
	s.count("settle again", err)
}

func billingIDs(ds []billing.Document) []billing.DocumentID {
	out := make([]billing.DocumentID, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// done records what a command on an order read at before gave.
func (s *soaker) done(g int, before servicedesk.WorkOrder, r stepResult) {
	if r.unversioned {
		s.count(string(r.cmd)+" (unversioned)", r.err)
	} else {
		s.count(string(r.cmd), r.err)
	}
	if r.err != nil {
		if why := typed(r.err); why != "" {
			s.t.Errorf("goroutine %d: %s on %s (read at v%d): %s: %v (%T)", g, r.cmd, before.ID, before.Version, why, r.err, errors.Unwrap(r.err))
		}
		return
	}
	if r.cmd == "read" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.replay {
		s.t.Errorf("goroutine %d: settling %s (read at v%d, %s) with a new key returned an earlier settlement", g, before.ID, before.Version, before.State)
		return
	}
	if r.cmd == servicedesk.CmdReceive {
		s.orders = append(s.orders, r.wo.ID)
	} else if !r.unversioned && r.wo.Version != before.Version+1 {
		s.t.Errorf("goroutine %d: %s on %s read at v%d gave v%d", g, r.cmd, before.ID, before.Version, r.wo.Version)
	}
	s.writes[r.wo.ID] = append(s.writes[r.wo.ID], write{r.wo.Version, r.cmd, g})
	if r.cmd == servicedesk.CmdSettle {
		s.settled[r.wo.ID] = settledWith{key: r.key, docs: billingIDs(r.docs)}
	}
	if settledOrLater(r.wo.State) || r.wo.State == servicedesk.StateCancelled {
		s.out[r.wo.ID] = true
	}
}

// count tallies an outcome: "book ok", "book stale", "book second_holder".
func (s *soaker) count(cmd string, err error) {
	outcome := "ok"
	var ve *org.ValidationError
	switch {
	case err == nil:
	case errors.Is(err, org.ErrStale):
		outcome = "stale"
	case errors.Is(err, org.ErrConflict):
		outcome = "conflict"
	case errors.As(err, &ve):
		var codes []string
		for _, f := range ve.Fields {
			codes = append(codes, f.Code)
		}
		outcome = "invalid(" + strings.Join(codes, ",") + ")"
	case errors.Is(err, org.ErrInvalidTransition):
		outcome = "refused"
	case errors.Is(err, org.ErrForbidden):
		outcome = "forbidden"
	default:
		outcome = "other"
	}
	s.mu.Lock()
	s.tally[cmd+" "+outcome]++
	s.mu.Unlock()
}

// check reads everything back once the goroutines are done.
func (s *soaker) check() {
	t, ctx := s.t, s.ctx
	snap, err := read(ctx, s.w.st)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range snap.invariants() {
		t.Error(b)
	}

	// No lost update: each order's version is its number of successes,
	// each success had a version of its own, and the order's audit trail
	// has each success's event at its version.
	eventsOf := map[string][]org.Event{}
	for _, e := range snap.events {
		if strings.HasPrefix(e.Type, "workorder.") {
			eventsOf[e.Subject] = append(eventsOf[e.Subject], e)
		}
	}
	if len(snap.orders) != len(s.writes) {
		t.Errorf("%d orders stored, %d received", len(snap.orders), len(s.writes))
	}
	successes := 0
	for _, wo := range snap.orders {
		ws := slices.Clone(s.writes[wo.ID])
		successes += len(ws)
		slices.SortFunc(ws, func(a, b write) int { return int(a.version - b.version) })
		if wo.Version != int64(len(ws)) {
			t.Errorf("order %s is at version %d after %d commands succeeded on it: %v", wo.ID, wo.Version, len(ws), ws)
		}
		evs := eventsOf["workorder/"+string(wo.ID)]
		for i, w := range ws {
			if w.version != int64(i+1) {
				t.Errorf("order %s: commands that succeeded got versions %v, not 1..%d: an update was lost", wo.ID, ws, len(ws))
				break
			}
			if i >= len(evs) || evs[i].Type != "workorder."+string(w.cmd) {
				t.Errorf("order %s: %s (goroutine %d) succeeded at v%d, the audit trail has %v there", wo.ID, w.cmd, w.by, w.version, eventAt(evs, i))
			}
		}
	}

	// No double booking: each technician's day holds slots that do not
	// overlap, and the calendars hold exactly the orders' bookings.
	want := map[string]servicedesk.WorkOrderID{}
	days := s.days
	for _, wo := range snap.orders {
		if b := wo.Booking; b != nil {
			day := b.Start.In(taipei).Format(time.DateOnly)
			want[fmt.Sprintf("%s %s %s-%s", b.Technician, day, b.Start.Format(time.RFC3339), b.End.Format(time.RFC3339))] = wo.ID
			if !days[day] {
				t.Errorf("order %s is booked on %s, a day no command tried", wo.ID, day)
			}
		}
	}
	booked := 0
	got := map[string]servicedesk.WorkOrderID{}
	for _, tech := range techs {
		for _, day := range sortedKeys(days) {
			cal, err := s.w.desk.Calendar(ctx, dealer, lin, tech, day)
			if err != nil {
				t.Fatal(err)
			}
			booked += len(cal.Slots)
			for i, sl := range cal.Slots {
				got[fmt.Sprintf("%s %s %s-%s", tech, day, sl.Start.Format(time.RFC3339), sl.End.Format(time.RFC3339))] = sl.WorkOrder
				if i > 0 && sl.Start.Before(cal.Slots[i-1].End) {
					t.Errorf("%s is booked twice on %s: %s %s-%s and %s %s-%s", tech, day, cal.Slots[i-1].WorkOrder,
						cal.Slots[i-1].Start.In(taipei).Format("15:04"), cal.Slots[i-1].End.In(taipei).Format("15:04"),
						sl.WorkOrder, sl.Start.In(taipei).Format("15:04"), sl.End.In(taipei).Format("15:04"))
				}
			}
		}
	}
	trail := 0
	for _, evs := range eventsOf {
		trail += len(evs)
	}
	if trail != successes {
		t.Errorf("%d commands succeeded, the audit trail has %d work-order events", successes, trail)
	}

	for k, id := range want {
		if got[k] != id {
			t.Errorf("order %s is booked %s, which its technician's calendar has for %q", id, k, got[k])
		}
	}
	for k, id := range got {
		if want[k] != id {
			t.Errorf("the calendar has %s for order %s, which is not booked there (%q is)", k, id, want[k])
		}
	}

	var lines []string
	for _, k := range sortedKeys(s.tally) {
		lines = append(lines, fmt.Sprintf("%s: %d", k, s.tally[k]))
	}
	settledN := 0
	for _, wo := range snap.orders {
		if settledOrLater(wo.State) {
			settledN++
		}
	}
	t.Logf("%d orders, %d settled, %d commands succeeded, %d slots booked on %d days, %d events; outcomes:\n%s",
		len(snap.orders), settledN, successes, booked, len(days), snap.lastSeq(), strings.Join(lines, "\n"))
}

func eventAt(evs []org.Event, i int) string {
	if i >= len(evs) {
		return "nothing"
	}
	return fmt.Sprintf("%s (Seq %d)", evs[i].Type, evs[i].Seq)
}
