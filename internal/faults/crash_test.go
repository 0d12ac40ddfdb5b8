package faults_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/servicedesk"
)

// The child process of TestCrash_killed_while_settling runs
// TestCrashChild: it opens the SQLite file named by crashEnv and takes
// orders through the lane and settles them, without end, until the parent
// kills it.
const crashEnv = "SERVICELANE_FAULTS_CRASH_CHILD"

const (
	// readyOrders is how many orders the parent leaves ready to settle
	// before each trial.
	readyOrders = 3
	// slotsPerDay is how many half-hour bookings of the crash test fit in
	// one of wu's days.
	slotsPerDay = 16
)

// orderID is the n-th order of the crash test, from 1.
func orderID(n int) servicedesk.WorkOrderID {
	return servicedesk.WorkOrderID(fmt.Sprintf("RO-%05d", n))
}

func orderNumber(id servicedesk.WorkOrderID) int {
	n, err := strconv.Atoi(strings.TrimPrefix(string(id), "RO-"))
	if err != nil {
		panic(fmt.Sprintf("order %s is not RO-nnnnn", id))
	}
	return n
}

// workingDay is the i-th working day (Monday to Saturday) from base, from
// 0, as a local date in Taipei.
func workingDay(i int) time.Time {
	d := time.Date(2026, 11, 2, 0, 0, 0, 0, taipei)
	for {
		if d.Weekday() != time.Sunday {
			if i == 0 {
				return d
			}
			i--
		}
		d = d.AddDate(0, 0, 1)
	}
}

// slotFor is the booking of the crash test's n-th order: its own half
// hour with wu, so that no booking of the crash test is ever refused.
func slotFor(n int) servicedesk.BookingInput {
	day, slot := (n-1)/slotsPerDay, (n-1)%slotsPerDay
	start := workingDay(day).Add(8*time.Hour + 30*time.Minute + time.Duration(slot)*30*time.Minute)
	return servicedesk.BookingInput{Technician: "wu", Start: start, End: start.Add(30 * time.Minute)}
}

func settleKey(id servicedesk.WorkOrderID) string { return "settle-" + string(id) }

// listOrders returns every order, ordered by ID.
func listOrders(ctx context.Context, st stores) ([]servicedesk.WorkOrder, error) {
	var out []servicedesk.WorkOrder
	for q := (servicedesk.WorkOrderQuery{Limit: 1000}); ; {
		page, err := st.desk.WorkOrders(ctx, dealer, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			return out, nil
		}
		q.After = page[len(page)-1].ID
	}
}

// drive moves the open orders, oldest first, one command at a time: to
// ready when settle is false, to settled when it is set. When every order
// is where it should be it receives a new one, until want orders are
// ready (settle false) or forever (settle true, the child). report gets
// each command done.
func drive(ctx context.Context, w *world, orders []servicedesk.WorkOrder, settle bool, want int, report func(stepResult)) ([]servicedesk.WorkOrder, error) {
	done := func(wo servicedesk.WorkOrder) bool {
		if settle {
			return settledOrLater(wo.State)
		}
		return wo.State == servicedesk.StateReady || settledOrLater(wo.State)
	}
	for {
		i := slices.IndexFunc(orders, func(wo servicedesk.WorkOrder) bool { return !done(wo) })
		if i < 0 {
			ready := 0
			for _, wo := range orders {
				if wo.State == servicedesk.StateReady {
					ready++
				}
			}
			if !settle && ready >= want {
				return orders, nil
			}
			if err := ctx.Err(); err != nil {
				return orders, err
			}
			id := orderID(len(orders) + 1)
			wo, err := w.desk.Receive(ctx, dealer, chen, reception(id))
			if err != nil {
				return orders, fmt.Errorf("receive %s: %w", id, err)
			}
			orders = append(orders, wo)
			report(stepResult{cmd: servicedesk.CmdReceive, wo: wo})
			continue
		}
		wo := orders[i]
		r := w.advance(ctx, wo, slotFor(orderNumber(wo.ID)), settleKey(wo.ID))
		if r.err != nil {
			return orders, fmt.Errorf("%s on %s in %s: %w", r.cmd, wo.ID, wo.State, r.err)
		}
		if r.replay {
			return orders, fmt.Errorf("%s on %s in %s: replayed a settlement of an order that was not settled", r.cmd, wo.ID, wo.State)
		}
		orders[i] = r.wo
		report(r)
	}
}

// TestCrashChild is the child process of TestCrash_killed_while_settling.
// It says STARTED once the file is open, then one line per command,
// SETTLED <order> <document> <total> for each settlement, until the
// parent kills it.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the child process of TestCrash_killed_while_settling")
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	st, db, err := openFile(ctx, path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	w, err := wire(st)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := listOrders(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("STARTED")
	_, err = drive(ctx, w, orders, true, 0, func(r stepResult) {
		// One write(2) per line: a line is whole in the pipe, or absent.
		if r.cmd == servicedesk.CmdSettle {
			fmt.Printf("SETTLED %s %s %s\n", r.wo.ID, strings.Join(docIDs(r.docs), ","), r.wo.SettledTotal)
		} else {
			fmt.Printf("STEP %s %s\n", r.wo.ID, r.cmd)
		}
	})
	t.Fatalf("the child ran until %v: it was not killed", err)
}

func docIDs(ds []billing.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d.ID)
	}
	return out
}

// childReport is what a child said before it was killed.
type childReport struct {
	steps   int
	last    string                                // the last line
	settled map[servicedesk.WorkOrderID][2]string // order: document IDs, total
}

// runChild starts the child on path, kills it with SIGKILL at a random
// moment 20 to 400 ms after it said it started, and returns what it said.
func runChild(t *testing.T, path string, rng *rand.Rand) (childReport, time.Duration) {
	t.Helper()
	rep := childReport{settled: map[servicedesk.WorkOrderID][2]string{}}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	lines := make(chan []string, 1)
	go func() {
		var all []string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			all = append(all, sc.Text())
			if sc.Text() == "STARTED" {
				close(started)
			}
		}
		lines <- all
	}()
	delay := 20*time.Millisecond + time.Duration(rng.Int64N(int64(381*time.Millisecond)))
	select {
	case <-started:
		time.Sleep(delay)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred function, no flush
			t.Logf("kill: %v", err)
		}
	case <-time.After(45 * time.Second):
		_ = cmd.Process.Kill()
		all := <-lines
		_ = cmd.Wait()
		t.Fatalf("the child did not start within 45 s:\n%s\n%s", strings.Join(all, "\n"), stderr.String())
	}
	all := <-lines
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the child must die by SIGKILL, it ended with %v:\n%s\n%s", err, strings.Join(all, "\n"), stderr.String())
	}
	if status, ok := exit.Sys().(syscall.WaitStatus); !ok || !status.Signaled() || status.Signal() != syscall.SIGKILL {
		t.Fatalf("the child must die by SIGKILL, it ended with %v:\n%s\n%s", exit, strings.Join(all, "\n"), stderr.String())
	}
	if strings.Contains(stderr.String(), "DATA RACE") {
		t.Fatalf("the child found a data race before it was killed:\n%s", stderr.String())
	}
	for _, l := range all {
		f := strings.Fields(l)
		switch {
		case l == "STARTED":
		case len(f) == 3 && f[0] == "STEP":
			rep.steps++
		case len(f) == 4 && f[0] == "SETTLED":
			rep.steps++
			rep.settled[servicedesk.WorkOrderID(f[1])] = [2]string{f[2], f[3]}
		default:
			continue
		}
		rep.last = l
	}
	return rep, delay
}

// TestCrash_killed_while_settling: a host settling orders on a SQLite file
// is killed with SIGKILL at random moments, trial after trial on the same
// file. After each kill the file, reopened, keeps every invariant: the
// document numbers of each series are 1..n; a settled order has exactly
// one document and an order not settled none; the audit trail's Seqs are
// 1..n; each order is in the state its last event says. Retrying a
// settlement with its key after the restart returns what the settlement
// returned (what the child reported, and what is stored) and writes
// nothing. The next trial carries on on the same file, so that damage
// would accumulate.
//
// SERVICELANE_CRASH_TRIALS sets the number of trials (default 20);
// SERVICELANE_CRASH_SEED replays the kill delays of a run.
func TestCrash_killed_while_settling(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("the child runs TestCrashChild only")
	}
	trials := envInt(t, "SERVICELANE_CRASH_TRIALS", 20)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SERVICELANE_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("SERVICELANE_CRASH_SEED=%q: %v", s, err)
		}
	}
	t.Logf("SERVICELANE_CRASH_SEED=%d, %d trials", seed, trials)
	rng := rand.New(rand.NewPCG(seed, 15))
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "lane.db")

	// open reopens the file as a host starting up does.
	open := func() (*world, func()) {
		t.Helper()
		st, db, err := openFile(ctx, path)
		if err != nil {
			t.Fatalf("reopen %s: %v", path, err)
		}
		var integrity string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
			t.Fatalf("integrity check of %s: %q, %v", path, integrity, err)
		}
		w, err := wire(st)
		if err != nil {
			t.Fatal(err)
		}
		return w, func() {
			if err := db.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		}
	}
	w, closeDB := open()
	if err := w.seed(ctx); err != nil {
		t.Fatal(err)
	}
	closeDB()

	var (
		checked            = map[servicedesk.WorkOrderID]bool{} // settled orders whose retry was checked
		steps, settlements int
		leftReady          int // kills that left an order ready to settle
		leftMidLane        int // kills that left an order mid-lane
	)
	began := time.Now()
	for trial := 1; trial <= trials; trial++ {
		// The orders the last child left mid-lane go on to ready, and new
		// ones are taken there, until readyOrders are ready to settle.
		w, closeDB := open()
		orders, err := listOrders(ctx, w.st)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := drive(ctx, w, orders, false, readyOrders, func(stepResult) {}); err != nil {
			t.Fatalf("trial %d: preparing orders: %v", trial, err)
		}
		closeDB()

		rep, delay := runChild(t, path, rng)
		steps += rep.steps
		settlements += len(rep.settled)

		w, closeDB = open()
		before, err := read(ctx, w.st)
		if err != nil {
			t.Fatalf("trial %d: read after the kill: %v", trial, err)
		}
		if bad := before.invariants(); len(bad) > 0 {
			t.Fatalf("trial %d, killed %v after start (last line %q): broken:\n%s", trial, delay, rep.last, strings.Join(bad, "\n"))
		}
		ready, midLane := false, false
		for _, wo := range before.orders {
			ready = ready || wo.State == servicedesk.StateReady
			midLane = midLane || wo.State != servicedesk.StateReady && !settledOrLater(wo.State)
		}
		if ready {
			leftReady++
		}
		if midLane {
			leftMidLane++
		}

		// Each settlement made since the last trial is retried with its
		// key, as a host does that did not see its answer.
		var retried []servicedesk.WorkOrderID
		for _, wo := range before.orders {
			if !settledOrLater(wo.State) || checked[wo.ID] {
				continue
			}
			checked[wo.ID] = true
			retried = append(retried, wo.ID)
			doc := documentOf(before, wo.ID)
			r := w.settleAgain(ctx, wo)
			switch {
			case r.err != nil:
				t.Errorf("trial %d: retrying the settlement of %s with its key: %v", trial, wo.ID, r.err)
				continue
			case r.wo.Version != wo.Version || r.wo.State != wo.State || r.wo.Settlement != wo.Settlement:
				t.Errorf("trial %d: retrying the settlement of %s: the order is %s v%d (%s), was %s v%d (%s)",
					trial, wo.ID, r.wo.State, r.wo.Version, r.wo.Settlement, wo.State, wo.Version, wo.Settlement)
			case len(r.docs) != 1 || r.docs[0].ID != doc.ID || r.docs[0].Number != doc.Number || !r.docs[0].Total.Equal(doc.Total):
				t.Errorf("trial %d: retrying the settlement of %s returned %v, not its document %s (%s)", trial, wo.ID, r.docs, doc.ID, doc.Total)
			}
			if said, ok := rep.settled[wo.ID]; ok && (said[0] != string(doc.ID) || said[1] != doc.Total.String()) {
				t.Errorf("trial %d: the child settled %s with %s for %s; after the restart it has %s for %s", trial, wo.ID, said[0], said[1], doc.ID, doc.Total)
			}
		}
		for id := range rep.settled {
			if !checked[id] {
				t.Errorf("trial %d: the child said it settled %s, but after the restart it is not settled", trial, id)
			}
		}
		after, err := read(ctx, w.st)
		if err != nil {
			t.Fatal(err)
		}
		if after.lastSeq() != before.lastSeq() || len(after.documents) != len(before.documents) || len(after.settlements) != len(before.settlements) {
			t.Errorf("trial %d: retrying %d settlements wrote: events %d -> %d, documents %d -> %d, settlements %d -> %d", trial, len(retried),
				before.lastSeq(), after.lastSeq(), len(before.documents), len(after.documents), len(before.settlements), len(after.settlements))
		}
		for _, wo := range after.orders {
			if b, ok := before.order(wo.ID); !ok || b.Version != wo.Version {
				t.Errorf("trial %d: order %s changed while settlements were retried: v%d -> v%d", trial, wo.ID, b.Version, wo.Version)
			}
		}
		closeDB()
		t.Logf("trial %2d: killed %3d ms after start, %3d commands, %2d settled; last %q; %d orders, %d documents, %d events",
			trial, delay.Milliseconds(), rep.steps, len(rep.settled), rep.last, len(after.orders), len(after.documents), after.lastSeq())
		if t.Failed() {
			return
		}
	}
	t.Logf("%d trials in %v: the children gave %d commands and settled %d orders; %d kills left an order ready to settle, %d an order mid-lane",
		trials, time.Since(began).Round(time.Millisecond), steps, settlements, leftReady, leftMidLane)
}

// documentOf is the document of a settled order (invariants checked there
// is exactly one).
func documentOf(s snapshot, id servicedesk.WorkOrderID) billing.Document {
	for _, d := range s.documents {
		if d.WorkOrder == string(id) {
			return d
		}
	}
	return billing.Document{}
}

// settleAgain settles a settled order again with its key.
func (w *world) settleAgain(ctx context.Context, wo servicedesk.WorkOrder) stepResult {
	r := stepResult{cmd: servicedesk.CmdSettle}
	r.wo, r.docs, r.err = w.desk.SettleBill(ctx, dealer, advisorOf(wo), servicedesk.Ref{ID: wo.ID, ExpectedVersion: wo.Version},
		settleInput(settleKey(wo.ID), wo.SettledTotal))
	return r
}
