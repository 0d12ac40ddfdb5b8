package servicedesk_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// TestProperty_R3_2c_settlement_bills_exactly_the_consented_work drives
// random orders through random estimates, revisions, approvals and
// declines, supplements consented or refused, technicians' reports and
// cancellations, and then settles each with random host input: payer
// splits naming any job (declined, unknown, cancelled), override reasons,
// coupons, settling actors. Whatever the host passes, a settlement that
// succeeds invoices exactly the jobs the customer consented to and the
// technician finished, each line priced by the active book as an
// independent pricing of those jobs gives, and every total is the sum of
// its parts; a settlement that fails writes nothing. It runs on memory
// (CI runs 2,000 checks); the settlement rule tests run on every store
// servicelane ships.
func TestProperty_R3_2c_settlement_bills_exactly_the_consented_work(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		f := newSBFixtureOn(propTB{TB: t, rt: rt}, "memory", servicedesk.Options{ExpressLane: true})
		desk, err := servicedesk.NewService(servicedesk.Config{Store: f.deskStore(), Roster: f.roster.Directory(), Clock: f.clock,
			IDs: org.SequentialIDs("pp"), Billing: f.bills, Options: servicedesk.Options{ExpressLane: true},
			Pricer: servicedesk.BookPricer{Billing: f.bills}})
		require.NoError(rt, err)
		f.desk = desk
		propSettle(rt, f, "wo1")
	})
}

// propOps are the book's operations and parts a random job is made of.
var (
	propOps   = []string{"BRK-01", "OIL-01", "AC-02", "SUS-07", "BRK-04"}
	propParts = []string{"PAD-F", "OIL-5W30", "ROT-R", "CAB-F"}
)

func propJobs(rt *rapid.T, label string) []servicedesk.JobInput {
	jobs := make([]servicedesk.JobInput, rapid.IntRange(1, 3).Draw(rt, label+" jobs"))
	for i := range jobs {
		lines := []servicedesk.LineInput{{Kind: servicedesk.LineLabor, Code: rapid.SampledFrom(propOps).Draw(rt, label+" op"),
			Description: "labor", Quantity: dec(rapid.SampledFrom([]string{"0.5", "1", "1.5", "2"}).Draw(rt, label+" hours"))}}
		for range rapid.IntRange(0, 2).Draw(rt, label+" parts") {
			lines = append(lines, servicedesk.LineInput{Kind: servicedesk.LinePart, Code: rapid.SampledFrom(propParts).Draw(rt, label+" part"),
				Description: "part", Quantity: dec(fmt.Sprint(rapid.IntRange(1, 4).Draw(rt, label+" qty"))),
				UnitPrice: dec(fmt.Sprint(rapid.IntRange(1, 40).Draw(rt, label+" price") * 50))})
		}
		jobs[i] = servicedesk.JobInput{Title: fmt.Sprintf("%s job %d", label, i), Lines: lines}
	}
	return jobs
}

// propDecide splits the jobs awaiting a decision into approved and
// declined; at least one is approved when mustApprove is set.
func propDecide(rt *rapid.T, w servicedesk.WorkOrder, supplement int, mustApprove bool, label string) servicedesk.Consent {
	c := servicedesk.Consent{By: "Mr. Kao", Method: servicedesk.ApprovalSignature, Evidence: servicedesk.ConsentEvidence{Reference: "signatures/" + label + ".png"}}
	for _, j := range w.Jobs {
		if j.Supplement != supplement || j.Status != servicedesk.JobProposed {
			continue
		}
		if rapid.Bool().Draw(rt, label+" approve "+j.ID) {
			c.Approved = append(c.Approved, j.ID)
		} else {
			c.Declined = append(c.Declined, j.ID)
		}
	}
	if mustApprove && len(c.Approved) == 0 {
		c.Approved, c.Declined = c.Declined[:1], c.Declined[1:]
	}
	return c
}

func propSettle(rt *rapid.T, f *sbFixture, id servicedesk.WorkOrderID) {
	tb := propTB{rt: rt}
	ctx, ref := f.ctx, servicedesk.Ref{ID: id}
	must := func(w servicedesk.WorkOrder, err error) servicedesk.WorkOrder {
		if err != nil {
			rt.Fatalf("%s: %v", id, err)
		}
		return w
	}
	f.receive(tb, id)
	must(f.desk.RecordCondition(ctx, dealer, chen, ref, servicedesk.ConditionInput{Items: []servicedesk.ConditionItem{{Area: "body", Status: servicedesk.ConditionOK}}}))
	must(f.desk.Acknowledge(ctx, dealer, chen, ref, servicedesk.Acknowledgement{By: "Mr. Kao"}))
	must(f.desk.Diagnose(ctx, dealer, chen, ref, servicedesk.DiagnosisInput{Technician: "wu", Findings: []servicedesk.FindingInput{
		{ConcernID: "c1", Cause: "worn", Correction: "replace"}, {ConcernID: "c2", Cause: "due", Correction: "service"}}}))
	for range rapid.IntRange(1, 2).Draw(rt, "estimate revisions") {
		must(f.desk.Estimate(ctx, dealer, chen, ref, servicedesk.EstimateInput{Jobs: propJobs(rt, "estimate")}))
	}
	w := must(f.desk.WorkOrder(ctx, dealer, admin, id))
	w = must(f.desk.Approve(ctx, dealer, chen, ref, propDecide(rt, w, 0, true, "estimate")))
	cancelled := rapid.IntRange(0, 9).Draw(rt, "cancel") == 0
	if cancelled && rapid.Bool().Draw(rt, "cancel before work") {
		must(f.desk.Cancel(ctx, dealer, chen, ref, servicedesk.CancelInput{Reason: "customer changed their mind"}))
	} else {
		must(f.desk.Start(ctx, dealer, wu, ref))
		for s := 1; s <= rapid.IntRange(0, 2).Draw(rt, "supplements"); s++ {
			w = must(f.desk.ProposeSupplement(ctx, dealer, wu, ref, servicedesk.SupplementInput{Reason: "found more", Jobs: propJobs(rt, "supplement")}))
			must(f.desk.DecideSupplement(ctx, dealer, chen, ref, propDecide(rt, w, s, false, "supplement")))
		}
		w = must(f.desk.WorkOrder(ctx, dealer, admin, id))
		for _, j := range w.Jobs {
			if j.Status != servicedesk.JobApproved {
				continue
			}
			var performed []servicedesk.PerformedLine
			if rapid.IntRange(0, 4).Draw(rt, "technician differs "+j.ID) == 0 {
				for _, l := range j.Lines {
					performed = append(performed, servicedesk.PerformedLine{Kind: l.Kind, Code: l.Code, Quantity: l.Quantity.Add(decimal.NewFromInt(1))})
				}
			}
			must(f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j.ID, Performed: performed}))
		}
		must(f.desk.CompleteRepair(ctx, dealer, wu, ref))
		if cancelled {
			must(f.desk.Cancel(ctx, dealer, sup, ref, servicedesk.CancelInput{Reason: "customer took the car elsewhere"}))
		} else {
			must(f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: true}}}))
			must(f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "done"}))
		}
	}
	w = must(f.desk.WorkOrder(ctx, dealer, admin, id))

	// The host's input: anything it may send.
	var jobIDs []string
	for _, j := range w.Jobs {
		jobIDs = append(jobIDs, j.ID)
	}
	jobIDs = append(jobIDs, "j99")
	in := servicedesk.SettleInput{Key: "settle-" + string(id), Confirmation: billing.Confirmation{By: "Mr. Kao", Method: "signature"}}
	if rapid.IntRange(0, 3).Draw(rt, "payer split") == 0 {
		in.Terms.PayTypes = map[string]billing.PayType{}
		for range rapid.IntRange(1, 2).Draw(rt, "split jobs") {
			in.Terms.PayTypes[rapid.SampledFrom(jobIDs).Draw(rt, "split job")] =
				rapid.SampledFrom([]billing.PayType{billing.PayWarranty, billing.PayInternal, billing.PayCustomer}).Draw(rt, "split payer")
		}
	}
	if rapid.IntRange(0, 3).Draw(rt, "override") == 0 {
		in.OverrideReason = "the host insists"
	}
	settler := rapid.SampledFrom([]org.Actor{chen, sup, wang, wu}).Draw(rt, "settler")
	preview, perr := f.desk.PreviewBill(ctx, dealer, chen, ref, in.Terms)
	if perr == nil {
		if cust, ok := preview.Bill.Payer(billing.PayCustomer); ok {
			in.Payments = []billing.Payment{{Method: billing.PayCash, Amount: cust.Total.Add(decimal.NewFromInt(int64(rapid.IntRange(0, 3).Draw(rt, "tip") * 100)))}}
		}
		if preview.Overrun.NeedsReapproval && rapid.Bool().Draw(rt, "accept overrun") {
			w = must(f.desk.ApproveOverrun(ctx, dealer, chen, ref, servicedesk.OverrunConsent{Total: preview.Overrun.Final, By: "Mr. Kao", Method: servicedesk.ApprovalSignature, Evidence: servicedesk.ConsentEvidence{Reference: "signatures/overrun.png"}}))
		}
	}

	before := f.snap(tb, id)
	got, docs, err := f.desk.SettleBill(ctx, dealer, settler, ref, in)
	if err != nil {
		if after := f.snap(tb, id); !propSameSnap(before, after) {
			rt.Fatalf("%s: a refused settlement (%v) wrote something", id, err)
		}
		for _, want := range []error{servicedesk.ErrInvalid, servicedesk.ErrInvalidTransition, servicedesk.ErrForbidden} {
			if errors.Is(err, want) {
				return
			}
		}
		rt.Fatalf("%s: refused with an unexpected error: %v", id, err)
	}
	if perr != nil {
		rt.Fatalf("%s: settled although the preview of the same terms failed: %v", id, perr)
	}
	if got.State != servicedesk.StateSettled {
		rt.Fatalf("%s: settled into %s", id, got.State)
	}

	// The consented, finished work, priced independently of the desk.
	var done []servicedesk.Job
	for _, j := range w.Jobs {
		if j.Status == servicedesk.JobDone {
			done = append(done, j)
		}
	}
	want := propPrice(rt, &f.book, w, done, in.Terms.PayTypes)
	var billed []billing.PayerBill
	for _, d := range docs {
		billed = append(billed, d.Bill)
	}
	if len(billed) != len(want.Payers) {
		rt.Fatalf("%s: %d documents, want one per payer of %d", id, len(billed), len(want.Payers))
	}
	total := decimal.Zero
	for i, pb := range billed {
		wp := want.Payers[i]
		if pb.PayType != wp.PayType || !pb.Total.Equal(wp.Total) || len(pb.Lines) != len(wp.Lines) {
			rt.Fatalf("%s: payer %s billed %s in %d lines, want %s %s in %d lines", id, pb.PayType, pb.Total, len(pb.Lines), wp.PayType, wp.Total, len(wp.Lines))
		}
		sum := decimal.Zero
		for k, l := range pb.Lines {
			if l.ID != wp.Lines[k].ID || !l.Amount.Equal(wp.Lines[k].Amount) || !l.UnitPrice.Equal(wp.Lines[k].UnitPrice) {
				rt.Fatalf("%s: line %s %s x %s = %s, want %s %s x %s = %s", id, l.ID, l.Quantity, l.UnitPrice, l.Amount,
					wp.Lines[k].ID, wp.Lines[k].Quantity, wp.Lines[k].UnitPrice, wp.Lines[k].Amount)
			}
			if l.Job != "" && !slices.ContainsFunc(done, func(j servicedesk.Job) bool { return j.ID == l.Job }) {
				rt.Fatalf("%s: job %s is billed but the customer did not consent to it or it was not done", id, l.Job)
			}
			sum = sum.Add(l.Amount)
		}
		if !sum.Equal(pb.Subtotal) {
			rt.Fatalf("%s: payer %s subtotal %s, its lines sum to %s", id, pb.PayType, pb.Subtotal, sum)
		}
		total = total.Add(pb.Total)
	}
	if !total.Equal(got.SettledTotal) || !total.Equal(preview.Bill.Total()) {
		rt.Fatalf("%s: documents total %s, order settled at %s, preview %s", id, total, got.SettledTotal, preview.Bill.Total())
	}
}

// propPrice prices the finished jobs with the book the way a host reading
// the price book by hand would: its own mapping of lines to book items.
func propPrice(rt *rapid.T, book *billing.PriceBook, w servicedesk.WorkOrder, done []servicedesk.Job, payTypes map[string]billing.PayType) billing.Bill {
	o := billing.Order{WorkOrder: string(w.ID)}
	for _, j := range done {
		bj := billing.Job{ID: j.ID, Title: j.Title, PayType: billing.PayCustomer}
		if pt, ok := payTypes[j.ID]; ok {
			bj.PayType = pt
		}
		for _, l := range j.Lines {
			switch l.Kind {
			case servicedesk.LineLabor:
				bj.Labor = append(bj.Labor, billing.LaborItem{Op: l.Code, Description: l.Description, Hours: l.Quantity})
			case servicedesk.LinePart:
				bj.Parts = append(bj.Parts, billing.PartItem{Number: l.Code, Description: l.Description, Quantity: l.Quantity, Sell: l.UnitPrice})
			default:
				rt.Fatalf("line kind %s is not drawn here", l.Kind)
			}
		}
		o.Jobs = append(o.Jobs, bj)
	}
	bill, err := billing.Price(book, o)
	if err != nil {
		rt.Fatalf("pricing %s by hand: %v", w.ID, err)
	}
	return bill
}

func propSameSnap(a, b sbState) bool {
	return a.Order.Version == b.Order.Version && a.Order.State == b.Order.State && a.Events == b.Events && slices.Equal(a.Documents, b.Documents)
}
