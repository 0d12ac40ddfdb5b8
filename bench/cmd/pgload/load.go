package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
)

var (
	admin = org.Admin("pgload")
	lin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	// base is Monday 2 November 2026, 08:30 in Taipei: the services' clock
	// stands there for the whole run, as in internal/faults.
	base   = time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC)
	taipei *time.Location
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// world is the services on one store, as a host wires them (the
// quickstart's wiring: org, billing, servicedesk with the price book as
// its pricer).
type world struct {
	st    *sqlstore.Store
	desk  *servicedesk.Service
	bills *billing.Service
	orgs  *org.Service
}

func wire(st *sqlstore.Store) (*world, error) {
	clock := org.NewManualClock(base)
	orgs, err := org.NewService(org.Config{Store: st, Clock: clock})
	if err != nil {
		return nil, err
	}
	bills, err := billing.NewService(billing.Config{Store: st.Billing(), Roster: orgs.Directory(), Clock: clock})
	if err != nil {
		return nil, err
	}
	desk, err := servicedesk.NewService(servicedesk.Config{Store: st.ServiceDesk(), Roster: orgs.Directory(), Clock: clock,
		Billing: bills, Pricer: servicedesk.BookPricer{Billing: bills}})
	if err != nil {
		return nil, err
	}
	return &world{st: st, desk: desk, bills: bills, orgs: orgs}, nil
}

// advisors of every dealer; an order's advisor receives, estimates and
// settles it. Notes come from them and the supervisor.
var advisors = []org.Actor{{ID: "chen", Role: org.RoleAdvisor}, {ID: "wang", Role: org.RoleAdvisor}, {ID: "lee", Role: org.RoleAdvisor}, {ID: "kao", Role: org.RoleAdvisor}}

func techID(w int) org.EmployeeID { return org.EmployeeID(fmt.Sprintf("tech%02d", w)) }

// seedDealer creates a dealer, its roster (a supervisor, four advisors,
// a technician per writer of the dealer) and its active price book.
func (wd *world) seedDealer(ctx context.Context, dealer org.DealerID, writers []int, book *billing.PriceBook) error {
	if _, err := wd.orgs.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors " + string(dealer), TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		return err
	}
	emps := []org.NewEmployee{{ID: "lin", Name: "Lin Mei-hua", Role: org.RoleSupervisor}}
	for _, a := range advisors {
		emps = append(emps, org.NewEmployee{ID: a.ID, Name: "Advisor " + string(a.ID), Role: org.RoleAdvisor})
	}
	for _, w := range writers {
		emps = append(emps, org.NewEmployee{ID: techID(w), Name: "Technician " + string(techID(w)), Role: org.RoleTechnician})
	}
	for _, e := range emps {
		if _, err := wd.orgs.AddEmployee(ctx, dealer, admin, e); err != nil {
			return fmt.Errorf("add %s: %w", e.ID, err)
		}
	}
	_, err := wd.bills.SavePriceBook(ctx, dealer, admin, book, true)
	return err
}

func reception(id servicedesk.WorkOrderID) servicedesk.Reception {
	return servicedesk.Reception{ID: id, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao " + string(id), Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"oil change due"}}
}

func oilChange() servicedesk.EstimateInput {
	return servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "Oil", Hours: dec("0.5"),
		Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: dec("0.5")}}}}}
}

// workingDay is the i-th day from Monday 2 November 2026 that is not a
// Sunday, at midnight in Taipei.
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

// slotsPerDay of 30 minutes from 08:30; a writer's technician takes them
// in turn from the next working day on, so bookings never collide.
const slotsPerDay = 8

// opStats are one kind of command's measures.
type opStats struct {
	n        int
	retries  int
	failures int
	lat      []time.Duration
}

// writer is one goroutine of the load, on one dealer. It owns some of
// the dealer's floor orders (in repair: it alone pauses and resumes
// them; every writer of the dealer adds notes to them) and its lane
// orders (it alone drives them to ready and settles them).
type writer struct {
	id      int
	dealer  org.DealerID
	tech    org.Actor
	wd      *world
	rng     *rand.Rand
	floor   []servicedesk.WorkOrderID // the dealer's floor orders
	owned   []servicedesk.WorkOrderID // the floor orders this writer pauses and resumes
	paused  map[servicedesk.WorkOrderID]bool
	ready   []servicedesk.WorkOrder // lane orders ready to settle
	lane    *servicedesk.WorkOrder  // the lane order being driven, nil for none
	orders  int                     // lane orders received
	slots   int                     // bookings taken
	maxSlot int

	notes   map[servicedesk.WorkOrderID]int // notes this writer added, per order
	writes  map[servicedesk.WorkOrderID]int // commands that succeeded, per floor order
	settled map[servicedesk.WorkOrderID][]billing.DocumentID
	stats   map[string]*opStats
	errs    []string // the first failures
}

func newWriter(id int, dealer org.DealerID, wd *world, seed uint64) *writer {
	return &writer{id: id, dealer: dealer, tech: org.Actor{ID: techID(id), Role: org.RoleTechnician}, wd: wd,
		rng: rand.New(rand.NewPCG(seed, uint64(id))), paused: map[servicedesk.WorkOrderID]bool{}, maxSlot: 240 * slotsPerDay,
		notes: map[servicedesk.WorkOrderID]int{}, writes: map[servicedesk.WorkOrderID]int{},
		settled: map[servicedesk.WorkOrderID][]billing.DocumentID{}, stats: map[string]*opStats{}}
}

func (w *writer) advisorOf(wo servicedesk.WorkOrder) org.Actor {
	return org.Actor{ID: wo.Advisor, Role: org.RoleAdvisor}
}

// do runs one command the way a host does: on ErrConflict (someone wrote
// the record since it was read) it runs it again, counting the retry.
// When measured, the latency (retries included) and the outcome are
// recorded under name. Any other error is a failure.
func (w *writer) do(measured bool, name string, f func() error) error {
	var st *opStats
	if measured {
		if st = w.stats[name]; st == nil {
			st = &opStats{}
			w.stats[name] = st
		}
	}
	start := time.Now()
	var err error
	for attempt := 0; ; attempt++ {
		if err = f(); err == nil || !errors.Is(err, org.ErrConflict) || attempt == 100 {
			break
		}
		if st != nil {
			st.retries++
		}
	}
	if st != nil {
		st.n++
		st.lat = append(st.lat, time.Since(start))
		if err != nil {
			st.failures++
		}
	}
	if err != nil && len(w.errs) < 5 {
		w.errs = append(w.errs, fmt.Sprintf("writer %d, %s: %v", w.id, name, err))
	}
	return err
}

// receive opens a new lane order for this writer.
func (w *writer) receive(ctx context.Context, measured bool, prefix string) (servicedesk.WorkOrder, error) {
	w.orders++
	id := servicedesk.WorkOrderID(fmt.Sprintf("%s-%s-W%02d-%05d", prefix, w.dealer, w.id, w.orders))
	adv := advisors[w.rng.IntN(len(advisors))]
	var wo servicedesk.WorkOrder
	err := w.do(measured, "receive", func() (err error) {
		wo, err = w.wd.desk.Receive(ctx, w.dealer, adv, reception(id))
		return err
	})
	return wo, err
}

// step gives an order this writer alone drives the next command of the
// lane, with its version as the version expected (on a conflict it reads
// the order again, as a host does). A ready order is not moved:
// settle settles it. It returns the order as the command left it.
func (w *writer) step(ctx context.Context, measured bool, wo servicedesk.WorkOrder) (servicedesk.WorkOrder, error) {
	cur := wo
	d, adv := w.dealer, w.advisorOf(wo)
	var name string
	var f func(ref servicedesk.Ref) (servicedesk.WorkOrder, error)
	switch wo.State {
	case servicedesk.StateReceived:
		if wo.Condition == nil || len(wo.Condition.Items) == 0 {
			name = "record_condition"
			f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
				return w.wd.desk.RecordCondition(ctx, d, adv, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
			}
		} else {
			name = "acknowledge"
			f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
				return w.wd.desk.Acknowledge(ctx, d, adv, ref, servicedesk.Acknowledgement{By: wo.Customer.Name})
			}
		}
	case servicedesk.StateInspected:
		name = "diagnose"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
			return w.wd.desk.Diagnose(ctx, d, adv, ref, servicedesk.DiagnosisInput{Technician: w.tech.ID,
				Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "due", Correction: "oil"}}})
		}
	case servicedesk.StateDiagnosed:
		name = "estimate"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
			return w.wd.desk.Estimate(ctx, d, adv, ref, oilChange())
		}
	case servicedesk.StateEstimated:
		var jobs []string
		for _, j := range wo.Jobs {
			if j.Supplement == 0 && j.Status == servicedesk.JobProposed {
				jobs = append(jobs, j.ID)
			}
		}
		name = "approve"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
			return w.wd.desk.Approve(ctx, d, adv, ref, servicedesk.Consent{Approved: jobs, By: wo.Customer.Name, Method: servicedesk.ApprovalSignature,
				Evidence: servicedesk.ConsentEvidence{Reference: "signed " + string(wo.ID)}})
		}
	case servicedesk.StateApproved:
		if w.slots >= w.maxSlot {
			return wo, fmt.Errorf("writer %d: the technician's calendar is full (%d bookings)", w.id, w.slots)
		}
		n := w.slots
		w.slots++
		start := workingDay(1 + n/slotsPerDay).Add(8*time.Hour + 30*time.Minute + time.Duration(n%slotsPerDay)*30*time.Minute)
		name = "book"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
			return w.wd.desk.Book(ctx, d, adv, ref, servicedesk.BookingInput{Technician: w.tech.ID, Start: start, End: start.Add(30 * time.Minute)})
		}
	case servicedesk.StateBooked:
		name = "start"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) { return w.wd.desk.Start(ctx, d, w.tech, ref) }
	case servicedesk.StatePaused:
		name = "resume"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) { return w.wd.desk.Resume(ctx, d, w.tech, ref) }
	case servicedesk.StateInProgress:
		job := ""
		for _, j := range wo.Jobs {
			if j.Status == servicedesk.JobApproved {
				job = j.ID
				break
			}
		}
		if job != "" {
			name = "complete_job"
			f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
				return w.wd.desk.CompleteJob(ctx, d, w.tech, ref, servicedesk.JobRef{Job: job})
			}
		} else {
			name = "complete_repair"
			f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
				return w.wd.desk.CompleteRepair(ctx, d, w.tech, ref)
			}
		}
	case servicedesk.StateRepaired:
		name = "inspect"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
			return w.wd.desk.Inspect(ctx, d, adv, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
		}
	case servicedesk.StatePassed:
		name = "notify_ready"
		f = func(ref servicedesk.Ref) (servicedesk.WorkOrder, error) {
			return w.wd.desk.NotifyReady(ctx, d, adv, ref, servicedesk.ReadyInput{Explanation: "Changed the oil."})
		}
	default:
		return wo, nil
	}
	err := w.do(measured, name, func() error {
		got, err := f(servicedesk.Ref{ID: cur.ID, ExpectedVersion: cur.Version})
		if err == nil {
			cur = got
		} else if errors.Is(err, org.ErrConflict) {
			if again, rerr := w.wd.st.ServiceDesk().WorkOrder(ctx, d, cur.ID); rerr == nil {
				cur = again
			}
		}
		return err
	})
	return cur, err
}

// toState drives an order this writer owns until it is in state (or fails).
func (w *writer) toState(ctx context.Context, wo servicedesk.WorkOrder, state servicedesk.State) (servicedesk.WorkOrder, error) {
	for wo.State != state {
		next, err := w.step(ctx, false, wo)
		if err != nil {
			return next, err
		}
		if next.Version == wo.Version {
			return next, fmt.Errorf("order %s stuck at %s", wo.ID, wo.State)
		}
		wo = next
	}
	return wo, nil
}

// settle previews a ready order's bill and settles it through SettleBill,
// paying in cash what the customer owes: one invoice is issued. Its
// latency is the preview's and the settlement's together, as a host
// settles what it previewed (and previews again before a retry); it
// counts as one command.
func (w *writer) settle(ctx context.Context, wo servicedesk.WorkOrder) error {
	adv := w.advisorOf(wo)
	key := "pl-" + string(wo.ID)
	cur := wo
	return w.do(true, "settle", func() error {
		p, err := w.wd.desk.PreviewBill(ctx, w.dealer, adv, servicedesk.Ref{ID: cur.ID, ExpectedVersion: cur.Version}, servicedesk.BillTerms{})
		if err != nil {
			return err
		}
		due, _ := p.Bill.Payer(billing.PayCustomer)
		got, docs, err := w.wd.desk.SettleBill(ctx, w.dealer, adv, servicedesk.Ref{ID: cur.ID, ExpectedVersion: cur.Version},
			servicedesk.SettleInput{Key: key, Confirmation: billing.Confirmation{By: wo.Customer.Name, Method: "signature"},
				Payments: []billing.Payment{{Method: billing.PayCash, Amount: due.Total}}})
		if err != nil {
			if errors.Is(err, org.ErrConflict) {
				if again, rerr := w.wd.st.ServiceDesk().WorkOrder(ctx, w.dealer, cur.ID); rerr == nil {
					cur = again
				}
			}
			return err
		}
		ids := make([]billing.DocumentID, len(docs))
		for i, d := range docs {
			ids[i] = d.ID
		}
		w.settled[got.ID] = ids
		return nil
	})
}

var noteTexts = []string{"customer called", "parts ordered", "found a leak", "waiting for approval", "road tested"}

// command gives one command of the mix: half are notes on any of the
// dealer's floor orders (the writers of a dealer contend on them), a
// fifth pause or resume one of the writer's own floor orders, and the
// rest work the writer's lane: settle a ready order, else move its lane
// order one step (receiving a new one when it has none).
func (w *writer) command(ctx context.Context) {
	switch p := w.rng.IntN(100); {
	case p < 50:
		id := w.floor[w.rng.IntN(len(w.floor))]
		by := append(advisors[:len(advisors):len(advisors)], lin)[w.rng.IntN(len(advisors)+1)]
		text := noteTexts[w.rng.IntN(len(noteTexts))]
		if w.do(true, "add_note", func() error {
			_, err := w.wd.desk.AddNote(ctx, w.dealer, by, servicedesk.Ref{ID: id}, servicedesk.NoteInput{Text: text})
			return err
		}) == nil {
			w.notes[id]++
			w.writes[id]++
		}
	case p < 70:
		id := w.owned[w.rng.IntN(len(w.owned))]
		var err error
		if w.paused[id] {
			err = w.do(true, "resume", func() error { _, err := w.wd.desk.Resume(ctx, w.dealer, w.tech, servicedesk.Ref{ID: id}); return err })
		} else {
			err = w.do(true, "pause", func() error {
				_, err := w.wd.desk.Pause(ctx, w.dealer, w.tech, servicedesk.Ref{ID: id}, servicedesk.PauseInput{Reason: "waiting for parts"})
				return err
			})
		}
		if err == nil {
			w.paused[id] = !w.paused[id]
			w.writes[id]++
		} else if wo, rerr := w.wd.st.ServiceDesk().WorkOrder(ctx, w.dealer, id); rerr == nil {
			w.paused[id] = wo.State == servicedesk.StatePaused
		}
	default:
		if n := len(w.ready); n > 0 {
			wo := w.ready[n-1]
			w.ready = w.ready[:n-1]
			_ = w.settle(ctx, wo)
			return
		}
		if w.lane == nil {
			wo, err := w.receive(ctx, true, "RO")
			if err == nil {
				w.lane = &wo
			}
			return
		}
		next, err := w.step(ctx, true, *w.lane)
		if err != nil {
			if again, rerr := w.wd.st.ServiceDesk().WorkOrder(ctx, w.dealer, w.lane.ID); rerr == nil {
				next = again
			}
		}
		if next.State == servicedesk.StateReady {
			w.ready = append(w.ready, next)
			w.lane = nil
			return
		}
		w.lane = &next
	}
}

// pageEvents reads a dealer's whole audit trail.
func pageEvents(ctx context.Context, st *sqlstore.Store, dealer org.DealerID) ([]org.Event, error) {
	var all []org.Event
	for after := int64(0); ; {
		page, err := st.Events(ctx, dealer, after, org.MaxPage)
		if err != nil {
			return nil, fmt.Errorf("events after %d: %w", after, err)
		}
		all = append(all, page...)
		if len(page) < org.MaxPage {
			return all, nil
		}
		after = page[len(page)-1].Seq
	}
}

func pageDocuments(ctx context.Context, st *sqlstore.Store, dealer org.DealerID) ([]billing.Document, error) {
	var all []billing.Document
	for q := (billing.DocumentQuery{Limit: org.MaxPage}); ; {
		page, err := st.Billing().Documents(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("documents after %s: %w", q.After, err)
		}
		all = append(all, page...)
		if len(page) < q.Limit {
			return all, nil
		}
		q.After = page[len(page)-1].ID
	}
}

// checkDealer reads a dealer back after the run and lists every broken
// invariant:
//
//   - no lost update: each floor order holds exactly the notes the writers
//     added to it, and its version is its version after seeding plus the
//     commands that succeeded on it; each order has one workorder event
//     per version;
//   - the audit trail's Seq is 1..N, without gap or repeat;
//   - each document series holds the numbers 1..n, without gap or repeat,
//     and its Next is n+1;
//   - each order settled in the run is settled and has exactly one
//     document, the one SettleBill returned; no other order has one.
func checkDealer(ctx context.Context, st *sqlstore.Store, dealer org.DealerID, base map[servicedesk.WorkOrderID]servicedesk.WorkOrder,
	ws []*writer) (events, docs int, bad []string) {
	badf := func(format string, a ...any) {
		bad = append(bad, fmt.Sprintf("%s: ", dealer)+fmt.Sprintf(format, a...))
	}

	evs, err := pageEvents(ctx, st, dealer)
	if err != nil {
		badf("%v", err)
		return 0, 0, bad
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			badf("audit event %d of %d has Seq %d (%s %s): the Seqs are not 1..%d", i+1, len(evs), e.Seq, e.Type, e.Subject, len(evs))
			break
		}
	}
	versions := map[string]int64{}
	for _, e := range evs {
		if strings.HasPrefix(e.Type, "workorder.") {
			versions[strings.TrimPrefix(e.Subject, "workorder/")]++
		}
	}

	for id, b := range base {
		wo, err := st.ServiceDesk().WorkOrder(ctx, dealer, id)
		if err != nil {
			badf("floor order %s: %v", id, err)
			continue
		}
		notes, writes := 0, 0
		for _, w := range ws {
			notes += w.notes[id]
			writes += w.writes[id]
		}
		if got, want := len(wo.Notes), len(b.Notes)+notes; got != want {
			badf("floor order %s has %d notes; %d before the run and %d added since: an update was lost", id, got, len(b.Notes), notes)
		}
		if got, want := wo.Version, b.Version+int64(writes); got != want {
			badf("floor order %s is at version %d; %d before the run and %d commands succeeded since", id, got, b.Version, writes)
		}
		if wo.Version != versions[string(id)] {
			badf("floor order %s is at version %d with %d workorder events", id, wo.Version, versions[string(id)])
		}
	}

	ds, err := pageDocuments(ctx, st, dealer)
	if err != nil {
		badf("%v", err)
		return len(evs), 0, bad
	}
	numbers := map[string][]int64{}
	docsOf := map[string][]billing.DocumentID{}
	for _, d := range ds {
		numbers[d.Series] = append(numbers[d.Series], d.Number)
		docsOf[d.WorkOrder] = append(docsOf[d.WorkOrder], d.ID)
	}
	for series, ns := range numbers {
		slices.Sort(ns)
		for i, n := range ns {
			if n != int64(i+1) {
				badf("series %s: numbers %v are not 1..%d", series, ns, len(ns))
				break
			}
		}
		sr, err := st.Billing().Series(ctx, dealer, series)
		if err != nil {
			badf("series %s: %v", series, err)
		} else if sr.Next != int64(len(ns)+1) {
			badf("series %s: Next is %d after %d documents", series, sr.Next, len(ns))
		}
	}
	settled := map[string]bool{}
	for _, w := range ws {
		for id, docs := range w.settled {
			settled[string(id)] = true
			got := docsOf[string(id)]
			if len(got) != 1 || !slices.Equal(got, docs) {
				badf("order %s was settled with documents %v; the store has %v for it", id, docs, got)
			}
			wo, err := st.ServiceDesk().WorkOrder(ctx, dealer, id)
			if err != nil {
				badf("settled order %s: %v", id, err)
			} else if wo.State != servicedesk.StateSettled {
				badf("order %s was settled, it is %s", id, wo.State)
			}
			if wo.Version != versions[string(id)] {
				badf("order %s is at version %d with %d workorder events", id, wo.Version, versions[string(id)])
			}
		}
	}
	for wo, ids := range docsOf {
		if !settled[wo] {
			badf("order %s has documents %v, though the run settled it not", wo, ids)
		}
	}
	return len(evs), len(ds), bad
}

// result is one mode's run.
type result struct {
	mode            string
	dealers         int
	writers         int
	elapsed         time.Duration
	stats           map[string]*opStats
	all             opStats
	settled         int
	events, docs    int
	problems, fails []string
}

// seedAll seeds every dealer, then each writer's floor orders (to in
// progress) and ready orders, writers in parallel.
func seedAll(ctx context.Context, wd *world, ws []*writer, dealers []org.DealerID, floorPer, readyPer int, book *billing.PriceBook) (map[org.DealerID]map[servicedesk.WorkOrderID]servicedesk.WorkOrder, error) {
	byDealer := map[org.DealerID][]*writer{}
	for _, w := range ws {
		byDealer[w.dealer] = append(byDealer[w.dealer], w)
	}
	for _, d := range dealers {
		var ids []int
		for _, w := range byDealer[d] {
			ids = append(ids, w.id)
		}
		if err := wd.seedDealer(ctx, d, ids, book); err != nil {
			return nil, fmt.Errorf("seed dealer %s: %w", d, err)
		}
	}
	var (
		mu    sync.Mutex
		floor = map[org.DealerID]map[servicedesk.WorkOrderID]servicedesk.WorkOrder{}
		errs  []error
		wg    sync.WaitGroup
	)
	for _, d := range dealers {
		floor[d] = map[servicedesk.WorkOrderID]servicedesk.WorkOrder{}
	}
	for _, w := range ws {
		wg.Go(func() {
			err := func() error {
				for range floorPer {
					wo, err := w.receive(ctx, false, "FL")
					if err == nil {
						wo, err = w.toState(ctx, wo, servicedesk.StateInProgress)
					}
					if err != nil {
						return err
					}
					w.owned = append(w.owned, wo.ID)
					mu.Lock()
					floor[w.dealer][wo.ID] = wo
					mu.Unlock()
				}
				for range readyPer {
					wo, err := w.receive(ctx, false, "RO")
					if err == nil {
						wo, err = w.toState(ctx, wo, servicedesk.StateReady)
					}
					if err != nil {
						return err
					}
					w.ready = append(w.ready, wo)
				}
				return nil
			}()
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("writer %d: seed: %w", w.id, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, w := range ws {
		for id := range floor[w.dealer] {
			w.floor = append(w.floor, id)
		}
		slices.Sort(w.floor)
	}
	return floor, nil
}

// runMode seeds dealers dealers for writers writers on wd's store, runs
// the writers for d, and checks every dealer.
func runMode(ctx context.Context, wd *world, mode string, dealers, writers int, d time.Duration, floorPer, readyPer int,
	book *billing.PriceBook, seed uint64, progress func(string)) (result, error) {
	var ds []org.DealerID
	for i := range dealers {
		ds = append(ds, org.DealerID(fmt.Sprintf("%s-d%02d", mode, i+1)))
	}
	ws := make([]*writer, writers)
	for i := range ws {
		ws[i] = newWriter(i+1, ds[i%dealers], wd, seed)
	}
	progress(fmt.Sprintf("%s: seeding %d dealer(s): %d floor orders in repair and %d ready orders per writer", mode, dealers, floorPer, readyPer))
	t0 := time.Now()
	floor, err := seedAll(ctx, wd, ws, ds, floorPer, readyPer, book)
	if err != nil {
		return result{}, err
	}
	progress(fmt.Sprintf("%s: seeded in %s; %d writers for %s", mode, time.Since(t0).Round(time.Millisecond), writers, d))

	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(end) {
				w.command(ctx)
			}
		})
	}
	wg.Wait()
	r := result{mode: mode, dealers: dealers, writers: writers, elapsed: time.Since(start), stats: map[string]*opStats{}}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	for _, w := range ws {
		for name, s := range w.stats {
			t := r.stats[name]
			if t == nil {
				t = &opStats{}
				r.stats[name] = t
			}
			t.n += s.n
			t.retries += s.retries
			t.failures += s.failures
			t.lat = append(t.lat, s.lat...)
			r.all.n += s.n
			r.all.retries += s.retries
			r.all.failures += s.failures
			r.all.lat = append(r.all.lat, s.lat...)
		}
		r.settled += len(w.settled)
		r.fails = append(r.fails, w.errs...)
	}
	progress(fmt.Sprintf("%s: %d commands in %s; checking", mode, r.all.n, r.elapsed.Round(time.Millisecond)))
	for _, dl := range ds {
		var mine []*writer
		for _, w := range ws {
			if w.dealer == dl {
				mine = append(mine, w)
			}
		}
		evs, docs, bad := checkDealer(ctx, wd.st, dl, floor[dl], mine)
		r.events += evs
		r.docs += docs
		r.problems = append(r.problems, bad...)
	}
	return r, nil
}
