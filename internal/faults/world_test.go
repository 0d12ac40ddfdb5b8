// Package faults_test runs the services under faults (issue 15, "Faults
// in CI"): a process killed with SIGKILL while it settles orders on a
// SQLite file, and concurrent random commands on SQLite and PostgreSQL.
// After each fault it checks the invariants a dealer relies on: gapless
// document numbers, one document per settled order, a contiguous audit
// trail, every order in the state its last event says, no double booking,
// no lost update, no untyped error.
package faults_test

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/store/sqlstore"
)

const dealer org.DealerID = "d1"

var (
	admin = org.Admin("faults")
	lin   = org.Actor{ID: "lin", Role: org.RoleSupervisor}
	chen  = org.Actor{ID: "chen", Role: org.RoleAdvisor}
	wang  = org.Actor{ID: "wang", Role: org.RoleAdvisor}
	// techs are the technicians bookings go to.
	techs = []org.EmployeeID{"wu", "ho"}
	// base is Monday 2 November 2026, 08:30 in Taipei: every clock of
	// this package stands there.
	base   = time.Date(2026, 11, 2, 0, 30, 0, 0, time.UTC)
	taipei = func() *time.Location {
		loc, err := time.LoadLocation("Asia/Taipei")
		if err != nil {
			panic(err)
		}
		return loc
	}()
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// stores is what the services need, from one sqlstore.
type stores struct {
	sql  *sqlstore.Store
	org  org.Store
	desk servicedesk.Store
	bill billing.Store
}

func fromSQL(s *sqlstore.Store) stores { return stores{s, s, s.ServiceDesk(), s.Billing()} }

// openFile opens (and migrates) the SQLite file at path, as a host
// starting up does. The caller closes the *sql.DB.
func openFile(ctx context.Context, path string) (stores, *sql.DB, error) {
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	if err != nil {
		return stores{}, nil, err
	}
	s, err := sqlstore.New(db, sqlstore.SQLite)
	if err == nil {
		err = s.Migrate(ctx)
	}
	if err != nil {
		_ = db.Close()
		return stores{}, nil, err
	}
	return fromSQL(s), db, nil
}

// world is the services of one dealer on one store, as a host wires them.
type world struct {
	st    stores
	clock *org.ManualClock
	orgs  *org.Service
	bills *billing.Service
	desk  *servicedesk.Service
}

func wire(st stores) (*world, error) {
	clock := org.NewManualClock(base)
	orgs, err := org.NewService(org.Config{Store: st.org, Clock: clock})
	if err != nil {
		return nil, err
	}
	bills, err := billing.NewService(billing.Config{Store: st.bill, Roster: orgs.Directory(), Clock: clock})
	if err != nil {
		return nil, err
	}
	desk, err := servicedesk.NewService(servicedesk.Config{Store: st.desk, Roster: orgs.Directory(), Clock: clock,
		Billing: bills, Pricer: servicedesk.BookPricer{Billing: bills}})
	if err != nil {
		return nil, err
	}
	return &world{st: st, clock: clock, orgs: orgs, bills: bills, desk: desk}, nil
}

// seed creates the dealer, its roster and its active price book.
func (w *world) seed(ctx context.Context) error {
	if _, err := w.orgs.CreateDealer(ctx, admin, org.NewDealer{ID: dealer, Name: "Taipei Motors 台北汽車", TimeZone: "Asia/Taipei", Currency: "TWD"}); err != nil {
		return err
	}
	for _, e := range []org.NewEmployee{
		{ID: "lin", Name: "Lin Mei-hua 林美華", Role: org.RoleSupervisor},
		{ID: "chen", Name: "Chen Wei 陳偉", Role: org.RoleAdvisor},
		{ID: "wang", Name: "Wang Ling 王玲", Role: org.RoleAdvisor},
		{ID: "wu", Name: "Wu Da-wei 吳大偉", Role: org.RoleTechnician},
		{ID: "ho", Name: "Ho Chia-hao 何家豪", Role: org.RoleTechnician},
	} {
		if _, err := w.orgs.AddEmployee(ctx, dealer, admin, e); err != nil {
			return fmt.Errorf("add %s: %w", e.ID, err)
		}
	}
	book, err := billing.LoadPriceBookFile("../../billing/testdata/pricebooks/taipei.yaml")
	if err != nil {
		return err
	}
	// The shop fee is not on the estimate: let the bill exceed it.
	book.Overrun = billing.OverrunPolicy{Percent: dec("1")}
	_, err = w.bills.SavePriceBook(ctx, dealer, admin, book, true)
	return err
}

func reception(id servicedesk.WorkOrderID) servicedesk.Reception {
	return servicedesk.Reception{ID: id, Channel: servicedesk.ChannelWalkIn, Transport: servicedesk.TransportWaiter,
		Customer: servicedesk.Customer{Name: "Kao " + string(id), Phone: "0912-000-111"},
		Vehicle:  servicedesk.Vehicle{Make: "Toyota", Model: "Corolla", Year: 2021, Plate: "ABC-1234", MileageIn: 42000},
		Concerns: []string{"oil change due"}}
}

func oilChange(hours string) servicedesk.EstimateInput {
	return servicedesk.EstimateInput{Jobs: []servicedesk.JobInput{{ConcernID: "c1", Title: "Oil", Hours: dec(hours),
		Lines: []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: "OIL-01", Description: "oil change", Quantity: dec(hours)}}}}}
}

// advisorOf is the order's advisor as an actor.
func advisorOf(wo servicedesk.WorkOrder) org.Actor {
	return org.Actor{ID: wo.Advisor, Role: org.RoleAdvisor}
}

// workerOf is who works on the order: its booked technician, else the
// supervisor.
func workerOf(wo servicedesk.WorkOrder) org.Actor {
	if wo.Booking != nil {
		return org.Actor{ID: wo.Booking.Technician, Role: org.RoleTechnician}
	}
	return lin
}

// stepResult is one command of the lane and what it returned.
type stepResult struct {
	cmd  servicedesk.Command
	wo   servicedesk.WorkOrder
	docs []billing.Document // of a settlement
	key  string             // of a settlement
	// replay is set when a settlement returned one made earlier with its
	// key: nothing was written.
	replay bool
	// unversioned is set when the command expected no version.
	unversioned bool
	err         error
}

// advance gives the next command of the lane to an order read at wo, with
// wo's version as the version expected: the order moves one step towards
// settled. book says where to book it; key is the settlement's key. A
// settled (or later) order is not moved: cmd is "".
func (w *world) advance(ctx context.Context, wo servicedesk.WorkOrder, book servicedesk.BookingInput, key string) stepResult {
	ref := servicedesk.Ref{ID: wo.ID, ExpectedVersion: wo.Version}
	adv := advisorOf(wo)
	var r stepResult
	switch wo.State {
	case servicedesk.StateReceived:
		if wo.Condition == nil || len(wo.Condition.Items) == 0 {
			r.cmd = servicedesk.CmdRecordCondition
			r.wo, r.err = w.desk.RecordCondition(ctx, dealer, adv, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}})
		} else {
			r.cmd = servicedesk.CmdAcknowledge
			r.wo, r.err = w.desk.Acknowledge(ctx, dealer, adv, ref, servicedesk.Acknowledgement{By: wo.Customer.Name})
		}
	case servicedesk.StateInspected:
		r.cmd = servicedesk.CmdDiagnose
		r.wo, r.err = w.desk.Diagnose(ctx, dealer, adv, ref, servicedesk.DiagnosisInput{Technician: "wu",
			Findings: []servicedesk.FindingInput{{ConcernID: "c1", Cause: "due", Correction: "oil"}}})
	case servicedesk.StateDiagnosed:
		r.cmd = servicedesk.CmdEstimate
		r.wo, r.err = w.desk.Estimate(ctx, dealer, adv, ref, oilChange("0.5"))
	case servicedesk.StateEstimated:
		var jobs []string
		for _, j := range wo.Jobs {
			if j.Supplement == 0 && j.Status == servicedesk.JobProposed {
				jobs = append(jobs, j.ID)
			}
		}
		r.cmd = servicedesk.CmdApprove
		r.wo, r.err = w.desk.Approve(ctx, dealer, adv, ref, servicedesk.Consent{Approved: jobs, By: wo.Customer.Name, Method: servicedesk.ApprovalSignature,
			Evidence: servicedesk.ConsentEvidence{Reference: "signed " + string(wo.ID)}})
	case servicedesk.StateApproved:
		r.cmd = servicedesk.CmdBook
		r.wo, r.err = w.desk.Book(ctx, dealer, adv, ref, book)
	case servicedesk.StateBooked:
		r.cmd = servicedesk.CmdStart
		r.wo, r.err = w.desk.Start(ctx, dealer, workerOf(wo), ref)
	case servicedesk.StatePaused:
		r.cmd = servicedesk.CmdResume
		r.wo, r.err = w.desk.Resume(ctx, dealer, workerOf(wo), ref)
	case servicedesk.StateInProgress:
		for _, j := range wo.Jobs {
			if j.Status == servicedesk.JobApproved {
				r.cmd = servicedesk.CmdCompleteJob
				r.wo, r.err = w.desk.CompleteJob(ctx, dealer, workerOf(wo), ref, servicedesk.JobRef{Job: j.ID})
				return r
			}
		}
		r.cmd = servicedesk.CmdCompleteRepair
		r.wo, r.err = w.desk.CompleteRepair(ctx, dealer, workerOf(wo), ref)
	case servicedesk.StateRepaired:
		r.cmd = servicedesk.CmdInspect
		r.wo, r.err = w.desk.Inspect(ctx, dealer, adv, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}})
	case servicedesk.StatePassed:
		r.cmd = servicedesk.CmdNotifyReady
		r.wo, r.err = w.desk.NotifyReady(ctx, dealer, adv, ref, servicedesk.ReadyInput{Explanation: "Changed the oil."})
	case servicedesk.StateReady:
		return w.settle(ctx, wo, key, true)
	}
	return r
}

// settle previews the order's bill and settles it with key, paying what
// the customer owes in cash, with wo's version as the version expected
// when versioned is set. replay is set when the order was settled already
// with key.
func (w *world) settle(ctx context.Context, wo servicedesk.WorkOrder, key string, versioned bool) stepResult {
	r := stepResult{cmd: servicedesk.CmdSettle, key: key, unversioned: !versioned}
	ref := servicedesk.Ref{ID: wo.ID}
	if versioned {
		ref.ExpectedVersion = wo.Version
	}
	p, err := w.desk.PreviewBill(ctx, dealer, advisorOf(wo), ref, servicedesk.BillTerms{})
	if err != nil {
		r.err = err
		return r
	}
	due, _ := p.Bill.Payer(billing.PayCustomer)
	r.wo, r.docs, r.err = w.desk.SettleBill(ctx, dealer, advisorOf(wo), ref, settleInput(key, due.Total))
	r.replay = r.err == nil && r.wo.Version == wo.Version
	return r
}

func settleInput(key string, due decimal.Decimal) servicedesk.SettleInput {
	return servicedesk.SettleInput{Key: key, Confirmation: billing.Confirmation{By: "Kao", Method: "signature"},
		Payments: []billing.Payment{{Method: billing.PayCash, Amount: due}}}
}

// snapshot is everything the invariants are checked on, read from the
// stores directly.
type snapshot struct {
	events      []org.Event
	orders      []servicedesk.WorkOrder
	documents   []billing.Document
	settlements []billing.Settlement
	series      map[string]billing.Series
}

func read(ctx context.Context, st stores) (snapshot, error) {
	var s snapshot
	for after := int64(0); ; {
		page, err := st.org.Events(ctx, dealer, after, org.MaxPage)
		if err != nil {
			return s, fmt.Errorf("events after %d: %w", after, err)
		}
		s.events = append(s.events, page...)
		if len(page) < org.MaxPage {
			break
		}
		after = page[len(page)-1].Seq
	}
	for q := (servicedesk.WorkOrderQuery{Limit: org.MaxPage}); ; {
		page, err := st.desk.WorkOrders(ctx, dealer, q)
		if err != nil {
			return s, fmt.Errorf("work orders after %s: %w", q.After, err)
		}
		s.orders = append(s.orders, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	for q := (billing.DocumentQuery{Limit: org.MaxPage}); ; {
		page, err := st.bill.Documents(ctx, dealer, q)
		if err != nil {
			return s, fmt.Errorf("documents after %s: %w", q.After, err)
		}
		s.documents = append(s.documents, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].ID
	}
	for q := (billing.SettlementQuery{Limit: org.MaxPage}); ; {
		page, err := st.bill.Settlements(ctx, dealer, q)
		if err != nil {
			return s, fmt.Errorf("settlements after %s: %w", q.After, err)
		}
		s.settlements = append(s.settlements, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].Key
	}
	s.series = map[string]billing.Series{}
	for _, d := range s.documents {
		if _, ok := s.series[d.Series]; ok {
			continue
		}
		sr, err := st.bill.Series(ctx, dealer, d.Series)
		if err != nil {
			return s, fmt.Errorf("series %s: %w", d.Series, err)
		}
		s.series[d.Series] = sr
	}
	return s, nil
}

func (s snapshot) order(id servicedesk.WorkOrderID) (servicedesk.WorkOrder, bool) {
	i := slices.IndexFunc(s.orders, func(w servicedesk.WorkOrder) bool { return w.ID == id })
	if i < 0 {
		return servicedesk.WorkOrder{}, false
	}
	return s.orders[i], true
}

// lastSeq is the Seq of the last event, 0 for none.
func (s snapshot) lastSeq() int64 {
	if len(s.events) == 0 {
		return 0
	}
	return s.events[len(s.events)-1].Seq
}

// transition is the Data of a work order's event: the state it left and
// the state it reached.
type transition struct {
	From servicedesk.State `json:"from"`
	To   servicedesk.State `json:"to"`
}

func settledOrLater(st servicedesk.State) bool {
	return st == servicedesk.StateSettled || st == servicedesk.StateDelivered || st == servicedesk.StateClosed
}

// invariants lists every broken invariant of s (none: nil):
//
//   - audit events have Seq 1..n, without gap or repeat;
//   - each numbering series holds the numbers 1..n, without gap or
//     repeat, and its Next is n+1;
//   - a settled order has exactly one document and one settlement (it is
//     billed to the customer alone), which name it and each other, and
//     one settlement.settled and document.issued event each; an order not
//     settled has none;
//   - each order has one "workorder.*" event per version, and the state
//     the last says it moved to is the order's state.
func (s snapshot) invariants() []string {
	var bad []string
	badf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	for i, e := range s.events {
		if e.Seq != int64(i+1) {
			badf("event %d of the trail has Seq %d (%s %s): the Seqs are not 1..n", i+1, e.Seq, e.Type, e.Subject)
			break
		}
	}
	numbers := map[string][]int64{}
	for _, d := range s.documents {
		numbers[d.Series] = append(numbers[d.Series], d.Number)
		if want := fmt.Sprintf("%s-%06d", d.Series, d.Number); string(d.ID) != want {
			badf("document %s has series %s number %d", d.ID, d.Series, d.Number)
		}
	}
	for series, ns := range numbers {
		slices.Sort(ns)
		for i, n := range ns {
			if n != int64(i+1) {
				badf("series %s: numbers %v are not 1..%d", series, ns, len(ns))
				break
			}
		}
		if next := s.series[series].Next; next != int64(len(ns)+1) {
			badf("series %s: Next is %d, after %d documents", series, next, len(ns))
		}
	}
	docsOf := map[string][]billing.Document{}
	for _, d := range s.documents {
		docsOf[d.WorkOrder] = append(docsOf[d.WorkOrder], d)
	}
	settlementsOf := map[string][]billing.Settlement{}
	for _, st := range s.settlements {
		settlementsOf[st.WorkOrder] = append(settlementsOf[st.WorkOrder], st)
	}
	eventsOf := map[string][]org.Event{}
	types := map[string]int{}
	for _, e := range s.events {
		eventsOf[e.Subject] = append(eventsOf[e.Subject], e)
		types[e.Type]++
	}
	for _, w := range s.orders {
		docs, sts := docsOf[string(w.ID)], settlementsOf[string(w.ID)]
		if settledOrLater(w.State) {
			switch {
			case len(docs) != 1 || len(sts) != 1:
				badf("order %s is %s with %d documents and %d settlements, not one each", w.ID, w.State, len(docs), len(sts))
			case w.Settlement != string(docs[0].ID) || !slices.Equal(sts[0].Documents, []billing.DocumentID{docs[0].ID}) || docs[0].Settlement != sts[0].Key:
				badf("order %s names document %q, its settlement %s names %v, its document %s names settlement %s",
					w.ID, w.Settlement, sts[0].Key, sts[0].Documents, docs[0].ID, docs[0].Settlement)
			case !docs[0].Total.Equal(w.SettledTotal):
				badf("order %s settled for %s, its document %s is for %s", w.ID, w.SettledTotal, docs[0].ID, docs[0].Total)
			}
		} else if len(docs)+len(sts) > 0 {
			badf("order %s is %s, not settled, yet has %d documents and %d settlements", w.ID, w.State, len(docs), len(sts))
		}
		var evs []org.Event
		for _, e := range eventsOf["workorder/"+string(w.ID)] {
			if strings.HasPrefix(e.Type, "workorder.") {
				evs = append(evs, e)
			}
		}
		if int64(len(evs)) != w.Version {
			badf("order %s is at version %d with %d events", w.ID, w.Version, len(evs))
		}
		if len(evs) == 0 {
			continue
		}
		last := evs[len(evs)-1]
		var tr transition
		if err := json.Unmarshal(last.Data, &tr); err != nil {
			badf("order %s: last event %d (%s): data %s: %v", w.ID, last.Seq, last.Type, last.Data, err)
		} else if tr.To != w.State {
			badf("order %s is %s, its last event %d (%s) says %s", w.ID, w.State, last.Seq, last.Type, tr.To)
		}
	}
	if n := types["settlement.settled"]; n != len(s.settlements) {
		badf("%d settlement.settled events for %d settlements", n, len(s.settlements))
	}
	if n := types["document.issued"]; n != len(s.documents) {
		badf("%d document.issued events for %d documents", n, len(s.documents))
	}
	return bad
}

// typed reports why err is not one a caller can act on (""; it is): every
// error must match an org sentinel or be a *org.ValidationError or
// *org.RefusalError. ErrUnavailable is not acceptable: no fault of the
// store was injected.
func typed(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "a context error, though nothing cancels the context"
	}
	if errors.Is(err, org.ErrUnavailable) {
		return "the store was unavailable, though no fault was injected"
	}
	if _, ok := errors.AsType[*org.ValidationError](err); ok {
		return ""
	}
	if _, ok := errors.AsType[*org.RefusalError](err); ok {
		return ""
	}
	for _, s := range []error{org.ErrNotFound, org.ErrConflict, org.ErrForbidden, org.ErrInvalid, org.ErrInvalidTransition} {
		if errors.Is(err, s) {
			return ""
		}
	}
	return "matches no org sentinel"
}

// envInt reads a positive integer from the environment, else def.
func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		tb.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// sortedKeys returns m's keys in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
