package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/billing"
	"github.com/servicelane/servicelane/monthend"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
	"github.com/servicelane/servicelane/training"
)

const base = "/v1/dealers/{dealer}"

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// woCommand is a work-order command with an input: POST
// .../work-orders/{id}/{name}, the body its input, If-Match its expected
// version, the new order its answer.
func woCommand[In any](name, summary string, f func(*servicedesk.Service, context.Context, org.DealerID, org.Actor, servicedesk.Ref, In) (servicedesk.WorkOrder, error)) func(*Server) Route {
	return func(s *Server) Route {
		return Route{Method: http.MethodPost, Pattern: base + "/work-orders/{id}/" + name, ID: camel(name), Tag: "work orders", Summary: summary,
			Body: typeOf[In](), Result: typeOf[servicedesk.WorkOrder](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[In](c)
				if err != nil {
					return nil, err
				}
				return f(s.svc.Desk, c.ctx, c.dealer, c.actor, woRef(c), in)
			}}
	}
}

// woCommand0 is a work-order command without an input.
func woCommand0(name, summary string, f func(*servicedesk.Service, context.Context, org.DealerID, org.Actor, servicedesk.Ref) (servicedesk.WorkOrder, error)) func(*Server) Route {
	return func(s *Server) Route {
		return Route{Method: http.MethodPost, Pattern: base + "/work-orders/{id}/" + name, ID: camel(name), Tag: "work orders", Summary: summary,
			Result: typeOf[servicedesk.WorkOrder](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				return f(s.svc.Desk, c.ctx, c.dealer, c.actor, woRef(c))
			}}
	}
}

func woRef(c *call) servicedesk.Ref {
	return servicedesk.Ref{ID: servicedesk.WorkOrderID(c.r.PathValue("id")), ExpectedVersion: c.version}
}

// complaintCommand is a complaint command with an input.
func complaintCommand[In any](name, summary string, f func(*servicedesk.Service, context.Context, org.DealerID, org.Actor, servicedesk.ComplaintRef, In) (servicedesk.Complaint, error)) func(*Server) Route {
	return func(s *Server) Route {
		return Route{Method: http.MethodPost, Pattern: base + "/complaints/{id}/" + name, ID: camel(name + "_complaint"), Tag: "complaints", Summary: summary,
			Body: typeOf[In](), Result: typeOf[servicedesk.Complaint](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[In](c)
				if err != nil {
					return nil, err
				}
				return f(s.svc.Desk, c.ctx, c.dealer, c.actor, servicedesk.ComplaintRef{ID: servicedesk.ComplaintID(c.r.PathValue("id")), ExpectedVersion: c.version}, in)
			}}
	}
}

// create is a command that makes a record from its input: POST to a
// collection, 201 with the record.
func create[In, Out any](pattern, id, tag, summary string, f func(context.Context, org.DealerID, org.Actor, In) (Out, error)) Route {
	return Route{Method: http.MethodPost, Pattern: base + pattern, ID: id, Tag: tag, Summary: summary,
		Body: typeOf[In](), Result: typeOf[Out](), Status: http.StatusCreated, Idempotent: true,
		handle: func(c *call) (any, error) {
			in, err := decode[In](c)
			if err != nil {
				return nil, err
			}
			return f(c.ctx, c.dealer, c.actor, in)
		}}
}

// command is a command whose input names its record: POST, 200.
func command[In, Out any](pattern, id, tag, summary string, f func(context.Context, org.DealerID, org.Actor, In) (Out, error)) Route {
	rt := create(pattern, id, tag, summary, f)
	rt.Status = http.StatusOK
	return rt
}

// read is a GET answered by f.
func read[Out any](pattern, id, tag, summary string, query []Param, f func(c *call) (Out, error)) Route {
	return Route{Method: http.MethodGet, Pattern: base + pattern, ID: id, Tag: tag, Summary: summary, Result: typeOf[Out](), Query: query,
		handle: func(c *call) (any, error) { return f(c) }}
}

// monthParam reads the month query parameter ("2026-11"); a missing month
// is refused rather than guessed.
var monthParam = Param{Name: "month", Type: "string", Description: `the month, "YYYY-MM"`, Required: true}

func month(c *call) (org.Month, error) {
	m, err := org.ParseMonth(c.r.URL.Query().Get("month"))
	if err != nil {
		return org.Month{}, &org.ValidationError{Op: "http: query", Fields: []org.FieldError{{Path: "month", Code: org.CodeFormat, Message: `must be a month "YYYY-MM"`}}}
	}
	return m, nil
}

func intParam(c *call, name string, required bool) (int, error) {
	v := c.r.URL.Query().Get(name)
	if v == "" && !required {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, &org.ValidationError{Op: "http: query", Fields: []org.FieldError{{Path: name, Code: org.CodeFormat, Message: "must be a whole number"}}}
	}
	return n, nil
}

// OrderView is an order as GET returns it: the record, its history and
// the commands the caller may give now.
type OrderView struct {
	servicedesk.WorkOrder
	History   []org.Event           `json:"history"`
	Permitted []servicedesk.Command `json:"permitted"`
}

// SettlementResult is what settling answers: the settled order and the
// documents issued, each with its explanation in the caller's language.
type SettlementResult struct {
	WorkOrder servicedesk.WorkOrder `json:"work_order"`
	Documents []DocumentView        `json:"documents"`
}

// DocumentView is an invoice or receipt with its printed text.
type DocumentView struct {
	billing.Document
	Text string `json:"text"`
}

// BillPreviewView is a bill preview with the bill's printed text.
type BillPreviewView struct {
	servicedesk.BillPreview
	Text string `json:"text"`
}

// MonthEndView is the month-end's report with its text in the caller's
// language.
type MonthEndView struct {
	monthend.Report
	Text string `json:"text"`
}

// DecideInput is the body of a decision's approval or rejection; the key
// is in the query.
type DecideInput struct {
	Reason string `json:"reason"`
}

// ReasonInput is the body of a command that takes only a reason.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// documents renders docs in the caller's language, times in the dealer's
// zone.
func (s *Server) documents(c *call, docs []billing.Document) ([]DocumentView, error) {
	dl, err := s.svc.Org.Directory().Dealer(c.ctx, c.dealer)
	if err != nil {
		return nil, err
	}
	loc, err := dl.Location()
	if err != nil {
		return nil, err
	}
	out := make([]DocumentView, len(docs))
	for i, d := range docs {
		out[i] = DocumentView{Document: d, Text: d.Text(c.lang, loc)}
	}
	return out, nil
}

func (s *Server) apiRoutes() []Route {
	d, b, tr, ap, po, o, me := s.svc.Desk, s.svc.Billing, s.svc.Training, s.svc.Appraisal, s.svc.Policy, s.svc.Org, s.svc.MonthEnd
	rs := []Route{
		{Method: http.MethodGet, Pattern: "/openapi.json", ID: "openapi", Tag: "meta", Summary: "This API's OpenAPI 3.1 document", NoActor: true,
			Result: typeOf[json.RawMessage](), handle: func(*call) (any, error) { return openAPIDocument(), nil }},

		// Dealers and the roster (R2.1).
		{Method: http.MethodPost, Pattern: "/v1/dealers", ID: "createDealer", Tag: "roster", Summary: "Create a dealer (the host system: admin)",
			Body: typeOf[org.NewDealer](), Result: typeOf[org.Dealer](), Status: http.StatusCreated, Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[org.NewDealer](c)
				if err != nil {
					return nil, err
				}
				return o.CreateDealer(c.ctx, c.actor, in)
			}},
		{Method: http.MethodPatch, Pattern: base + "/employees/{employee}", ID: "changeEmployee", Tag: "roster",
			Summary: "Change an employee: role, department, reporting line, contact, skills, bonus base (R2.1); absent fields stay",
			Body:    typeOf[org.EmployeeChange](), Result: typeOf[org.Employee](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[org.EmployeeChange](c)
				if err != nil {
					return nil, err
				}
				if in.ID, in.ExpectedVersion, err = pathRecord(c, "employee", in.ID, in.ExpectedVersion); err != nil {
					return nil, err
				}
				return o.ChangeEmployee(c.ctx, c.dealer, c.actor, in)
			}},
		create("/career-moves", "proposeMove", "roster", "Propose a promotion or transfer (R5.5: the employee's supervisor)", o.ProposeMove),
		{Method: http.MethodPost, Pattern: base + "/career-moves/{move}/decision", ID: "decideMove", Tag: "roster",
			Summary: "Approve or reject a career move, with a reason (R5.5: management, an admin); an approval changes the roster",
			Body:    typeOf[org.MoveDecision](), Result: typeOf[org.CareerMove](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[org.MoveDecision](c)
				if err != nil {
					return nil, err
				}
				return o.DecideMove(c.ctx, c.dealer, c.actor, org.MoveRef{ID: org.MoveID(c.r.PathValue("move")), ExpectedVersion: c.version}, in)
			}},
		read("/employees/{employee}/career-moves", "listMoves", "roster", "An employee's career history, oldest first", nil, func(c *call) ([]org.CareerMove, error) {
			return o.Moves(c.ctx, c.dealer, c.actor, org.EmployeeID(c.r.PathValue("employee")))
		}),
		employeeStatus("deactivate", "An employee leaves (kept on record, inactive)", o.DeactivateEmployee),
		employeeStatus("reactivate", "A former employee returns", o.ReactivateEmployee),
		read("", "getDealer", "roster", "The dealer", nil, func(c *call) (org.Dealer, error) { return o.Dealer(c.ctx, c.dealer, c.actor) }),
		read("/employees", "listEmployees", "roster", "The dealer's roster, as the caller may see it (contact data and pay only for the employee, their supervisor, admins)",
			[]Param{{Name: "include_inactive", Type: "boolean", Description: "list former employees too"}},
			func(c *call) ([]org.Employee, error) {
				if c.r.URL.Query().Get("include_inactive") == "true" {
					return o.Roster(c.ctx, c.dealer, c.actor)
				}
				return o.Employees(c.ctx, c.dealer, c.actor, org.EmployeeQuery{Limit: org.MaxPage})
			}),
		read("/employees/{employee}", "getEmployee", "roster", "One employee", nil, func(c *call) (org.Employee, error) {
			return o.Employee(c.ctx, c.dealer, c.actor, org.EmployeeID(c.r.PathValue("employee")))
		}),
		create("/employees", "addEmployee", "roster", "Add an employee (R2.1)", o.AddEmployee),
		read("/events", "listEvents", "events", "The audit trail and outbox after a cursor, for the host's SMS and e-mail sender (admin only, R7.2d)",
			[]Param{{Name: "after", Type: "integer", Description: "the last Seq already handled (0 for the first)"}, {Name: "limit", Type: "integer", Description: "at most this many"}},
			func(c *call) ([]org.Event, error) {
				after, err := intParam(c, "after", false)
				if err != nil {
					return nil, err
				}
				limit, err := intParam(c, "limit", false)
				if err != nil {
					return nil, err
				}
				return o.Events(c.ctx, c.dealer, c.actor, int64(after), limit)
			}),

		// Work orders (R3).
		create("/work-orders", "receive", "work orders", "Receive a customer and their vehicle (R3.1)", d.Receive),
		read("/work-orders", "listWorkOrders", "work orders", "Work orders, oldest first",
			[]Param{{Name: "state", Type: "string", Description: "only this state"}, {Name: "advisor", Type: "string", Description: "only this advisor's"},
				{Name: "after", Type: "string", Description: "the last ID of the previous page"}, {Name: "limit", Type: "integer", Description: "at most this many"}},
			func(c *call) ([]servicedesk.WorkOrder, error) {
				q := c.r.URL.Query()
				limit, err := intParam(c, "limit", false)
				if err != nil {
					return nil, err
				}
				return d.WorkOrders(c.ctx, c.dealer, c.actor, servicedesk.WorkOrderQuery{State: servicedesk.State(q.Get("state")),
					Advisor: org.EmployeeID(q.Get("advisor")), After: servicedesk.WorkOrderID(q.Get("after")), Limit: limit})
			}),
		read("/work-orders/{id}", "getWorkOrder", "work orders", "A work order with its history and the commands the caller may give now", nil,
			func(c *call) (OrderView, error) {
				id := servicedesk.WorkOrderID(c.r.PathValue("id"))
				w, err := d.WorkOrder(c.ctx, c.dealer, c.actor, id)
				if err != nil {
					return OrderView{}, err
				}
				h, err := d.Timeline(c.ctx, c.dealer, c.actor, id)
				if err != nil {
					return OrderView{}, err
				}
				p, err := d.Permitted(c.ctx, c.dealer, c.actor, id)
				if err != nil {
					return OrderView{}, err
				}
				if p == nil {
					p = []servicedesk.Command{}
				}
				return OrderView{WorkOrder: w, History: h, Permitted: p}, nil
			}),
		woCommand("condition", "Record the walk-around (R3.1d)", (*servicedesk.Service).RecordCondition)(s),
		woCommand("acknowledge", "The customer acknowledges the condition report (R3.1d)", (*servicedesk.Service).Acknowledge)(s),
		woCommand("diagnose", "Record the diagnosis with the technician (R3.2a)", (*servicedesk.Service).Diagnose)(s),
		woCommand("estimate", "Estimate the jobs, priced by the dealer's book (R3.2b)", (*servicedesk.Service).Estimate)(s),
		woCommand("approve", "Record the customer's decision per job, with consent evidence (R3.2c)", (*servicedesk.Service).Approve)(s),
		woCommand("book", "Book the repair on a technician's calendar (R3.2c)", (*servicedesk.Service).Book)(s),
		woCommand("reschedule", "Move the booking", (*servicedesk.Service).Reschedule)(s),
		woCommand("no-show", "The customer did not come (R6.1)", (*servicedesk.Service).NoShow)(s),
		woCommand0("start", "Start the repair (R3.3a)", (*servicedesk.Service).Start)(s),
		woCommand("notes", "Add a progress note (R3.3a)", (*servicedesk.Service).AddNote)(s),
		woCommand("pause", "Pause the repair, with a reason (R3.3a)", (*servicedesk.Service).Pause)(s),
		woCommand0("resume", "Resume the repair", (*servicedesk.Service).Resume)(s),
		woCommand("supplements", "Propose added work (R3.3b)", (*servicedesk.Service).ProposeSupplement)(s),
		woCommand("supplements/decision", "Record the customer's decision on added work (R3.3b)", (*servicedesk.Service).DecideSupplement)(s),
		woCommand("jobs/complete", "Complete one job with what was done (R3.3a)", (*servicedesk.Service).CompleteJob)(s),
		woCommand0("complete", "Complete the repair (R3.3c)", (*servicedesk.Service).CompleteRepair)(s),
		woCommand("inspect", "Final inspection (R3.3c)", (*servicedesk.Service).Inspect)(s),
		woCommand("ready", "Tell the customer the car is ready (R3.3d)", (*servicedesk.Service).NotifyReady)(s),
		woCommand("overrun", "The customer accepts a bill above the estimate (R3.4)", (*servicedesk.Service).ApproveOverrun)(s),
		{Method: http.MethodPost, Pattern: base + "/work-orders/{id}/bill/preview", ID: "previewBill", Tag: "settlement",
			Summary: "The bill the order would be settled with, its reconciliation and what stops settling now (writes nothing)",
			Body:    typeOf[servicedesk.BillTerms](), Result: typeOf[BillPreviewView](),
			handle: func(c *call) (any, error) {
				var terms servicedesk.BillTerms
				if len(bytes.TrimSpace(c.body)) > 0 { // no body: no discounts, coupons or pay types
					var err error
					if terms, err = decode[servicedesk.BillTerms](c); err != nil {
						return nil, err
					}
				}
				p, err := d.PreviewBill(c.ctx, c.dealer, c.actor, woRef(c), terms)
				if err != nil {
					return nil, err
				}
				return BillPreviewView{BillPreview: p, Text: p.Bill.Text(c.lang)}, nil
			}},
		{Method: http.MethodPost, Pattern: base + "/work-orders/{id}/settle", ID: "settle", Tag: "settlement",
			Summary: "Settle the order: the SDK derives the bill; invoices or receipts are issued (R3.4). The Idempotency-Key is the settlement's key.",
			Body:    typeOf[servicedesk.SettleInput](), Result: typeOf[SettlementResult](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[servicedesk.SettleInput](c)
				if err != nil {
					return nil, err
				}
				if c.key != "" {
					if in.Key != "" && in.Key != c.key {
						return nil, &org.ValidationError{Op: "http: settle", Fields: []org.FieldError{{Path: "key", Code: org.CodeFormat, Message: "differs from the Idempotency-Key header; give one"}}}
					}
					in.Key = c.key
				}
				w, docs, err := d.SettleBill(c.ctx, c.dealer, c.actor, woRef(c), in)
				if err != nil {
					return nil, err
				}
				c.header.Set("ETag", etagOf(w)) // the order's: the next command's If-Match
				views, err := s.documents(c, docs)
				if err != nil {
					return nil, err
				}
				return SettlementResult{WorkOrder: w, Documents: views}, nil
			}},
		woCommand("deliver", "Hand the car over (R3.4e)", (*servicedesk.Service).Deliver)(s),
		woCommand0("close", "Close the order", (*servicedesk.Service).Close)(s),
		woCommand("cancel", "Cancel the order, with a reason", (*servicedesk.Service).Cancel)(s),
		read("/calendars/{technician}/{day}", "getCalendar", "work orders", "A technician's bookings on a day (YYYY-MM-DD)", nil,
			func(c *call) (servicedesk.CalendarDay, error) {
				return d.Calendar(c.ctx, c.dealer, c.actor, org.EmployeeID(c.r.PathValue("technician")), c.r.PathValue("day"))
			}),
		read("/documents/{doc}", "getDocument", "settlement", "An invoice, receipt or credit note with its printed text", nil,
			func(c *call) (DocumentView, error) {
				doc, err := b.Document(c.ctx, c.dealer, c.actor, billing.DocumentID(c.r.PathValue("doc")))
				if err != nil {
					return DocumentView{}, err
				}
				views, err := s.documents(c, []billing.Document{doc})
				if err != nil {
					return DocumentView{}, err
				}
				return views[0], nil
			}),
		read("/price-book", "getPriceBook", "settlement", "The active price book", nil, func(c *call) (billing.PriceBook, error) {
			return b.ActivePriceBook(c.ctx, c.dealer, c.actor)
		}),

		// Complaints and surveys (R4).
		create("/complaints", "openComplaint", "complaints", "Record a complaint (R4.1)", d.OpenComplaint),
		read("/complaints", "listComplaints", "complaints", "Complaints the caller may see", nil, func(c *call) ([]servicedesk.Complaint, error) {
			return d.Complaints(c.ctx, c.dealer, c.actor, servicedesk.ComplaintQuery{Limit: org.MaxPage})
		}),
		read("/complaints/{id}", "getComplaint", "complaints", "One complaint", nil, func(c *call) (servicedesk.Complaint, error) {
			return d.Complaint(c.ctx, c.dealer, c.actor, servicedesk.ComplaintID(c.r.PathValue("id")))
		}),
		complaintCommand("investigate", "Investigate (the supervisor, R2.2)", (*servicedesk.Service).InvestigateComplaint)(s),
		complaintCommand("resolve", "Resolve, with what the customer was told (R4.4)", (*servicedesk.Service).ResolveComplaint)(s),
		{Method: http.MethodPost, Pattern: base + "/complaints/{id}/close", ID: "closeComplaint", Tag: "complaints", Summary: "Close a resolved complaint",
			Result: typeOf[servicedesk.Complaint](), IfMatch: true, Idempotent: true,
			handle: func(c *call) (any, error) {
				return d.CloseComplaint(c.ctx, c.dealer, c.actor, servicedesk.ComplaintRef{ID: servicedesk.ComplaintID(c.r.PathValue("id")), ExpectedVersion: c.version})
			}},
		create("/surveys", "recordSurvey", "complaints", "Record a follow-up survey (R4.3)", d.RecordSurvey),
		read("/surveys", "listSurveys", "complaints", "Surveys the caller may see", nil, func(c *call) ([]servicedesk.Survey, error) {
			return d.Surveys(c.ctx, c.dealer, c.actor, servicedesk.SurveyQuery{Limit: org.MaxPage})
		}),

		// A customer's personal data (R7.2d): the host, on the customer's
		// request. POST, so that no phone or e-mail lands in a URL or an
		// access log.
		command("/customers/export", "exportCustomer", "privacy", "Everything held about one customer, named by phone, e-mail or one of their orders (R7.2d; admin only, audited)", d.ExportCustomer),
		command("/customers/erase", "eraseCustomer", "privacy", "Erase one customer's personal data across orders, complaints, surveys and events, keeping invoices as issued (R7.2d; admin only, audited)", d.EraseCustomer),
		read("/figures", "getFigures", "appraisal", "The month's measured figures per advisor (R6.1)", []Param{monthParam},
			func(c *call) ([]servicedesk.AdvisorFigures, error) {
				m, err := month(c)
				if err != nil {
					return nil, err
				}
				return d.Figures(c.ctx, c.dealer, c.actor, m)
			}),

		// Training (R5).
		read("/training/plans/{year}", "getTrainingPlan", "training", "The year's training plan", nil, func(c *call) (training.Plan, error) {
			y, err := strconv.Atoi(c.r.PathValue("year"))
			if err != nil {
				return training.Plan{}, &org.ValidationError{Op: "http: path", Fields: []org.FieldError{{Path: "year", Code: org.CodeFormat, Message: "must be a year"}}}
			}
			return tr.Plan(c.ctx, c.dealer, c.actor, y)
		}),
		create("/training/sessions", "scheduleSession", "training", "Schedule a course session (R5.2)", tr.ScheduleSession),
		command("/training/sessions/enrol", "enrol", "training", "Enrol an employee in a session", tr.Enrol),
		command("/training/sessions/attendance", "recordAttendance", "training", "Record attendance (R5.3)", tr.RecordAttendance),
		command("/training/assessments", "assess", "training", "Record an assessment result (R5.3)", tr.Assess),
		{Method: http.MethodPost, Pattern: base + "/training/sessions/{session}/close", ID: "closeSession", Tag: "training",
			Summary: "Close a session: absentees and failures become retakes or retraining (R5.3)",
			Result:  typeOf[training.Session](), Idempotent: true,
			handle: func(c *call) (any, error) {
				return tr.CloseSession(c.ctx, c.dealer, c.actor, c.r.PathValue("session"))
			}},
		command("/training/retakes", "retake", "training", "Record a retake's result (補考, R5.3)", tr.Retake),
		read("/training/reports/{employee}", "getTrainingReport", "training", "An employee's training year",
			[]Param{{Name: "year", Type: "integer", Description: "the year", Required: true}},
			func(c *call) (training.EmployeeReport, error) {
				y, err := intParam(c, "year", true)
				if err != nil {
					return training.EmployeeReport{}, err
				}
				return tr.Report(c.ctx, c.dealer, c.actor, org.EmployeeID(c.r.PathValue("employee")), y)
			}),

		// The month-end (R6.2, R6.4, R7), through the SDK's own call.
		{Method: http.MethodPost, Pattern: base + "/month-end", ID: "monthEnd", Tag: "appraisal",
			Summary: "Run the month-end: surveys become customer ratings, the appraisal is scored (through: scored leaves the calibration window), finalised, and the policy evaluated (R6.2); running again continues and writes nothing twice",
			Body:    typeOf[monthend.RunInput](), Result: typeOf[MonthEndView](), Idempotent: true,
			handle: func(c *call) (any, error) {
				in, err := decode[monthend.RunInput](c)
				if err != nil {
					return nil, err
				}
				rep, err := me.Run(c.ctx, c.dealer, c.actor, in)
				if err != nil {
					return nil, err
				}
				return MonthEndView{Report: rep, Text: rep.Text(c.lang)}, nil
			}},
		create("/appraisal/cycles", "openCycle", "appraisal", "Open the month's appraisal cycle", ap.OpenCycle),
		command("/appraisal/ratings", "rate", "appraisal", "Rate an advisor: self, supervisor, customer or peer (R6.3)", ap.Rate),
		command("/appraisal/ratings/batch", "rateAll", "appraisal", "Enter many ratings of a month in one commit, all or none (R6.3: each checked as one rating; keep_existing skips those entered before)", ap.RateAll),
		create("/promotions", "proposePromotion", "roster", "Propose the promotion an approved policy decision made an advisor eligible for (R5.5, R6.4): the employee is the decision's", me.ProposePromotion),
		read("/appraisals", "listAppraisals", "appraisal", "The month's appraisals the caller may see", []Param{monthParam},
			func(c *call) ([]appraisal.Appraisal, error) {
				m, err := month(c)
				if err != nil {
					return nil, err
				}
				return ap.Appraisals(c.ctx, c.dealer, c.actor, m)
			}),

		// Policy decisions (R7).
		create("/incidents", "recordIncident", "policy", "Record an incident the policy reads", po.RecordIncident),
		read("/decisions", "listDecisions", "policy", "The month's decisions the caller may see",
			[]Param{monthParam, {Name: "employee", Type: "string", Description: "only this employee's"}},
			func(c *call) ([]policy.Decision, error) {
				m, err := month(c)
				if err != nil {
					return nil, err
				}
				return po.Decisions(c.ctx, c.dealer, c.actor, policy.MonthPeriod(m), org.EmployeeID(c.r.URL.Query().Get("employee")))
			}),
		read("/decisions/{key...}", "getDecision", "policy", "One decision", nil, func(c *call) (policy.Decision, error) {
			return po.Decision(c.ctx, c.dealer, c.actor, c.r.PathValue("key"))
		}),
		decide("approve", "Approve a proposed decision (R7.2: its employee's supervisor)", po.Approve),
		decide("reject", "Reject a proposed decision, with a reason", po.Reject),
	}
	return rs
}

// employeeStatus is POST .../employees/{employee}/{verb} with a reason.
func employeeStatus(verb, summary string, f func(context.Context, org.DealerID, org.Actor, org.StatusChange) (org.Employee, error)) Route {
	return Route{Method: http.MethodPost, Pattern: base + "/employees/{employee}/" + verb, ID: verb + "Employee", Tag: "roster", Summary: summary,
		Body: typeOf[ReasonInput](), Result: typeOf[org.Employee](), IfMatch: true, Idempotent: true,
		handle: func(c *call) (any, error) {
			in, err := decode[ReasonInput](c)
			if err != nil {
				return nil, err
			}
			return f(c.ctx, c.dealer, c.actor, org.StatusChange{ID: org.EmployeeID(c.r.PathValue("employee")), ExpectedVersion: c.version, Reason: in.Reason})
		}}
}

// pathRecord reconciles a body's record ID and expected version with the
// path's and If-Match's: the path names the record; a body that names
// another, or a version other than If-Match's, is refused.
func pathRecord[ID ~string](c *call, param string, id ID, version int64) (ID, int64, error) {
	ve := &org.ValidationError{Op: "http: " + param}
	p := ID(c.r.PathValue(param))
	if id != "" && id != p {
		ve.Add("id", org.CodeFormat, "differs from the path; leave it out")
	}
	if version != 0 && c.version != 0 && version != c.version {
		ve.Add("expected_version", org.CodeFormat, "differs from If-Match; give one")
	}
	if c.version != 0 {
		version = c.version
	}
	return p, version, ve.Err()
}

// decide is POST .../decisions:{verb}?key=... (a custom method in the
// style of Google's AIP-136): a decision's key holds slashes
// ("default/conduct/chen/2026-11/q1"), so it travels in the query.
func decide(verb, summary string, f func(context.Context, org.DealerID, org.Actor, policy.DecideInput) (policy.Decision, error)) Route {
	return Route{Method: http.MethodPost, Pattern: base + "/decisions:" + verb, ID: verb + "Decision", Tag: "policy", Summary: summary,
		Body: typeOf[DecideInput](), Result: typeOf[policy.Decision](), IfMatch: true, Idempotent: true,
		Query: []Param{{Name: "key", Type: "string", Description: "the decision's key", Required: true}},
		handle: func(c *call) (any, error) {
			in, err := decode[DecideInput](c)
			if err != nil {
				return nil, err
			}
			return f(c.ctx, c.dealer, c.actor, policy.DecideInput{Key: c.r.URL.Query().Get("key"), ExpectedVersion: c.version, Reason: in.Reason})
		}}
}

// camel turns "supplements/decision" or "no-show" into "supplementsDecision", "noShow".
func camel(s string) string {
	out := make([]byte, 0, len(s))
	up := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '/' || ch == '-' || ch == '_' {
			up = true
			continue
		}
		if up && ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		up = false
		out = append(out, ch)
	}
	return string(out)
}
