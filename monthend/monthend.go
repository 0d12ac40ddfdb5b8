// Package monthend runs a dealer's month-end as one call (R6.2): it turns
// the month's surveys into customer ratings, scores the appraisal from the
// ratings and the figures servicedesk, billing and training measured,
// leaves a calibration window when asked, finalises the results, and
// evaluates the reward and penalty policy from them (R6.4, R7). It is the
// one package that joins the domains for the month-end; the domain
// packages know nothing of it.
//
// Every step is idempotent and the month's records say how far a run got
// (the cycle's state, the ratings entered, the decisions recorded), so a run
// that stops (the host's process dies between steps) is continued by
// running again: nothing is written twice. Steps never run out of order:
// the policy is evaluated only from finalised results.
//
//	me, _ := monthend.NewService(monthend.Config{Desk: desk, Appraisal: review, Policy: decide, Roster: orgs.Directory()})
//	report, err := me.Run(ctx, "d1", lin, monthend.RunInput{Month: nov})
//	fmt.Print(report.Text(org.TraditionalChinese))
package monthend

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/policy"
	"github.com/servicelane/servicelane/servicedesk"
)

// Roster is what the month-end needs of the roster: the dealer (its time
// zone), the advisors, and the actor's authority. *org.Directory has it.
type Roster interface {
	Dealer(ctx context.Context, id org.DealerID) (org.Dealer, error)
	Employees(ctx context.Context, dealer org.DealerID, q org.EmployeeQuery) ([]org.Employee, error)
	AuthorizeDepartment(ctx context.Context, dealer org.DealerID, actor org.Actor, dept org.Department) (org.Employee, error)
}

// Surveys says how the month's surveys become each advisor's customer
// rating (R6.3: customers rate through the host, from surveys).
type Surveys struct {
	// Min is the fewest surveys of an advisor's month that make a rating;
	// with fewer the advisor has "no customer rating" and the plan's
	// missing-input rule applies. Zero means 1.
	Min int
	// Places is the rating's decimal places on the plan's customer scale,
	// rounded half up. Zero means 2.
	Places int32
	// Off leaves customer ratings to the host: the month-end enters none.
	Off bool
}

// Config configures a Service. Roster, Desk, Appraisal and Policy are
// required: the month-end reads figures and surveys from the desk, scores
// and finalises through appraisal, and evaluates the policy.
type Config struct {
	Roster    Roster
	Desk      *servicedesk.Service
	Appraisal *appraisal.Service
	Policy    *policy.Service
	// Org, when set, lets the month-end propose the promotions the
	// policy's approved decisions make advisors eligible for
	// ([Service.ProposePromotion]).
	Org     *org.Service
	Surveys Surveys
	// Logger and Hook observe every run, as every package's Config does.
	Logger *slog.Logger
	Hook   org.Hook
}

// Service runs month-ends. It is safe for concurrent use.
type Service struct {
	roster  Roster
	desk    *servicedesk.Service
	apr     *appraisal.Service
	pol     *policy.Service
	org     *org.Service
	surveys Surveys
	obs     *org.Observer
}

// NewService checks cfg and builds a Service.
func NewService(cfg Config) (*Service, error) {
	ve := &org.ValidationError{Op: "monthend: new service"}
	if cfg.Roster == nil {
		ve.Add("roster", org.CodeRequired, "is required")
	}
	if cfg.Desk == nil {
		ve.Add("desk", org.CodeRequired, "is required")
	}
	if cfg.Appraisal == nil {
		ve.Add("appraisal", org.CodeRequired, "is required")
	}
	if cfg.Policy == nil {
		ve.Add("policy", org.CodeRequired, "is required")
	}
	if cfg.Surveys.Min < 0 {
		ve.Add("surveys.min", org.CodeRange, "must not be negative")
	}
	if cfg.Surveys.Places < 0 || cfg.Surveys.Places > 8 {
		ve.Add("surveys.places", org.CodeRange, "must be 0 to 8")
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	sv := cfg.Surveys
	if sv.Min == 0 {
		sv.Min = 1
	}
	if sv.Places == 0 {
		sv.Places = 2
	}
	return &Service{roster: cfg.Roster, desk: cfg.Desk, apr: cfg.Appraisal, pol: cfg.Policy, org: cfg.Org, surveys: sv,
		obs: org.NewObserver("monthend", cfg.Hook, cfg.Logger)}, nil
}

// Step is a step of the month-end, in the order they run.
type Step string

// The steps. A run goes through Through and stops.
const (
	StepRated     Step = "rated"     // customer ratings entered from the month's surveys
	StepScored    Step = "scored"    // the appraisal scored and ranked (R6.2)
	StepFinalized Step = "finalized" // results final (after any calibration)
	StepEvaluated Step = "evaluated" // the policy evaluated from the final results (R6.4, R7)
)

// Steps lists the steps in order.
func Steps() []Step { return []Step{StepRated, StepScored, StepFinalized, StepEvaluated} }

func (s Step) index() int { return slices.Index(Steps(), s) }

// RunInput is the input of [Service.Run].
type RunInput struct {
	Month org.Month `json:"month"`
	// Through is the last step to run; empty means StepEvaluated. Through
	// StepScored leaves the calibration window: the supervisor calibrates
	// (appraisal.Service.Calibrate) and runs again to finalise.
	Through Step `json:"through,omitempty"`
}

// Run runs the month-end of m for dealer, from where the month's records
// stand through in.Through, and reports it. Only the service advisor
// department's supervisor (R2.2) runs it: the appraisal's scoring and
// finalising are theirs; an admin is refused. The month's appraisal cycle
// must be open (appraisal.Service.OpenCycle, with its plan and deadlines).
// Running again continues a run that stopped and writes nothing twice.
func (s *Service) Run(ctx context.Context, dealer org.DealerID, actor org.Actor, in RunInput) (_ Report, err error) {
	ctx, ob := s.obs.Begin(ctx, "run", dealer, actor)
	defer ob.End(&err)
	through := in.Through
	if through == "" {
		through = StepEvaluated
	}
	ve := &org.ValidationError{Op: "monthend: run"}
	if !in.Month.Valid() {
		ve.Add("month", org.CodeRange, "must be a month")
	}
	if through.index() < 0 {
		ve.Add("through", org.CodeUnknown, "must be one of: rated scored finalized evaluated")
	}
	if err := ve.Err(); err != nil {
		return Report{}, err
	}
	if actor.Role != org.RoleSupervisor {
		return Report{}, fmt.Errorf("monthend: run: the month-end is the service advisor department's supervisor's (R2.2, R6.2), not %s's: %w", actor, org.ErrForbidden)
	}
	if _, err := s.roster.AuthorizeDepartment(ctx, dealer, actor, org.DeptServiceAdvisor); err != nil {
		return Report{}, fmt.Errorf("monthend: run: %w", err)
	}
	r := &run{s: s, ctx: ctx, dealer: dealer, actor: actor, month: in.Month, rep: Report{Dealer: dealer, Month: in.Month}}
	if err := r.start(); err != nil {
		return Report{}, err
	}
	for _, step := range Steps()[:through.index()+1] {
		if err := r.do(step); err != nil {
			return Report{}, err
		}
	}
	if err := r.finish(); err != nil {
		return Report{}, err
	}
	return r.rep, nil
}

// run is one month-end on its way.
type run struct {
	s        *Service
	ctx      context.Context
	dealer   org.DealerID
	actor    org.Actor
	month    org.Month
	cycle    appraisal.Cycle
	figures  map[org.EmployeeID]servicedesk.AdvisorFigures
	advisors []org.Employee
	open     int // orders of the month still open
	loc      *time.Location
	rep      Report
}

// start reads what the month has: the cycle, the advisors, the figures.
// The figures are read once, here, and scored from the same read.
func (r *run) start() error {
	c, err := r.s.apr.Cycle(r.ctx, r.dealer, r.actor, r.month)
	if errors.Is(err, org.ErrNotFound) {
		return org.Refuse("monthend", "month_end", r.month.String(), "no_cycle", "run", r.actor, "R6.2_cycle_open",
			fmt.Sprintf("the appraisal cycle of %s is not open: open it with its plan first", r.month))
	}
	if err != nil {
		return err
	}
	r.cycle = c
	d, err := r.s.roster.Dealer(r.ctx, r.dealer)
	if err != nil {
		return err
	}
	loc, err := d.Location()
	if err != nil {
		return err
	}
	es, err := r.s.roster.Employees(r.ctx, r.dealer, org.EmployeeQuery{Role: org.RoleAdvisor, IncludeInactive: true, Limit: org.MaxPage})
	if err != nil {
		return err
	}
	// The actor was authorised over the department: every advisor's
	// figures are theirs to see (R2.2).
	src := r.s.desk.FigureSource()
	figs, err := src.Figures(r.ctx, r.dealer, r.month)
	if err != nil {
		return err
	}
	r.ctx = withMemo(r.ctx, &deskMemo{src: src, dealer: r.dealer, month: r.month, figs: figs})
	r.figures = map[org.EmployeeID]servicedesk.AdvisorFigures{}
	for _, f := range figs {
		r.figures[f.Advisor] = f
		r.open += f.OpenOrders
	}
	r.loc = loc
	from, before := r.month.Start(loc), r.month.End(loc)
	for _, e := range es {
		// Every advisor on the roster in the month (its joiners and
		// leavers), and a former one with figures in it.
		if _, measured := r.figures[e.ID]; e.InMonth(from, before) || measured {
			r.advisors = append(r.advisors, e)
		}
	}
	r.rep.Plan = c.Plan.Version
	return nil
}

// done reports whether the month's records show step done already.
func (r *run) done(step Step) bool {
	st := r.cycle.State
	switch step {
	case StepRated:
		return st != appraisal.CycleOpen // ratings close when the cycle is scored
	case StepScored:
		return st != appraisal.CycleOpen
	case StepFinalized:
		return st == appraisal.CycleFinalized || st == appraisal.CyclePublished
	}
	return false // evaluating is idempotent: it records only what changed
}

func (r *run) do(step Step) error {
	if r.done(step) {
		r.rep.Steps = append(r.rep.Steps, StepRecord{Step: step, Skipped: true})
		return nil
	}
	var err error
	switch step {
	case StepRated:
		err = r.rate()
	case StepScored:
		_, err = r.s.apr.ScoreMonth(r.ctx, r.dealer, r.actor, r.month)
	case StepFinalized:
		var c appraisal.Cycle
		if c, err = r.s.apr.Finalize(r.ctx, r.dealer, r.actor, r.month); err == nil {
			r.cycle = c
		} else if now, rerr := r.s.apr.Cycle(r.ctx, r.dealer, r.actor, r.month); rerr == nil &&
			(now.State == appraisal.CycleFinalized || now.State == appraisal.CyclePublished) {
			r.cycle, err = now, nil // a run beside this one finalised it
		}
	case StepEvaluated:
		// A dealer without an active policy has nothing to evaluate: the
		// report says so, and a run after one is saved evaluates.
		if _, perr := r.s.pol.ActivePolicy(r.ctx, r.dealer, r.actor); errors.Is(perr, org.ErrNotFound) {
			r.rep.Warnings = append(r.rep.Warnings, Note{Code: "no_policy"})
			r.rep.Steps = append(r.rep.Steps, StepRecord{Step: step, Skipped: true})
			return nil
		} else if perr != nil {
			return fmt.Errorf("monthend: %s: %w", step, perr)
		}
		var ev policy.EvaluationResult
		ev, err = r.s.pol.Evaluate(r.ctx, r.dealer, r.actor, policy.MonthPeriod(r.month))
		r.rep.Evaluation = &ev
	}
	if err != nil {
		return fmt.Errorf("monthend: %s: %w", step, err)
	}
	if step == StepScored {
		r.cycle.State = appraisal.CycleScored
	}
	r.rep.Steps = append(r.rep.Steps, StepRecord{Step: step})
	r.rep.Reached = step
	return nil
}

// customerKPIs are the plan's KPIs a customer rates, with the scale.
func customerKPIs(p appraisal.Plan) map[string]appraisal.Scale {
	out := map[string]appraisal.Scale{}
	for _, k := range p.KPIs {
		for _, sw := range k.Sources {
			if sw.Source == appraisal.SourceCustomer {
				out[k.Code] = sw.Scale
			}
		}
	}
	return out
}

// rate enters each advisor's customer rating from the month's surveys
// (R6.3): the mean of their answers (servicedesk's Satisfaction, 0 to 100)
// on the plan's customer scale, for every KPI a customer rates. The host
// is who enters customer ratings; the month-end enters them for the host,
// as admin "monthend", naming the surveys. A rating entered already (a run
// that stopped after it) is kept.
func (r *run) rate() error {
	if r.s.surveys.Off {
		return nil
	}
	kpis := customerKPIs(r.cycle.Plan)
	codes := make([]string, 0, len(kpis))
	for c := range kpis {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	host := org.Admin("monthend")
	var ratings []appraisal.RateInput
	for _, e := range r.advisors {
		f := r.figures[e.ID]
		if f.Surveys < r.s.surveys.Min {
			continue
		}
		for _, code := range codes {
			sc := kpis[code]
			v := sc.Min.Add(f.Satisfaction.Mul(sc.Max.Sub(sc.Min)).Div(decimal.NewFromInt(100))).Round(r.s.surveys.Places)
			ratings = append(ratings, appraisal.RateInput{Ratee: e.ID, Source: appraisal.SourceCustomer,
				KPI: code, Value: v, Customer: fmt.Sprintf("surveys:%d", f.Surveys)})
		}
	}
	if len(ratings) == 0 {
		return nil
	}
	// One commit for the dealer's month; a rating entered already (by a
	// run that stopped after it, or by the host) is kept.
	_, err := r.s.apr.RateAll(r.ctx, r.dealer, host, appraisal.RateAllInput{Month: r.month, Ratings: ratings, KeepExisting: true})
	if err != nil {
		return fmt.Errorf("customer ratings: %w", err)
	}
	return nil
}

// finish reads the results and writes the report's rows and warnings.
func (r *run) finish() error {
	as, err := r.s.apr.Appraisals(r.ctx, r.dealer, r.actor, r.month)
	if err != nil {
		return err
	}
	byEmp := map[org.EmployeeID]appraisal.Appraisal{}
	for _, a := range as {
		byEmp[a.Final.Employee] = a
	}
	var decisions []policy.Decision
	if r.rep.Evaluation != nil {
		decisions = r.rep.Evaluation.Decisions
	}
	for _, e := range r.advisors {
		row := AdvisorRow{Employee: e.ID, Name: e.Name, Active: e.Active}
		f, measured := r.figures[e.ID]
		row.Figures = f
		row.Figures.Advisor, row.Figures.Month = e.ID, r.month
		if !measured {
			row.Figures.NoAppointments, row.Figures.NoSurveys = true, true
		}
		// The month's joiners and leavers: counted for part of it.
		from, before := r.month.Start(r.loc), r.month.End(r.loc)
		if !e.CreatedAt.Before(from) && e.CreatedAt.Before(before) {
			row.Notes = append(row.Notes, Note{Code: "joined", Args: map[string]string{"date": e.CreatedAt.In(r.loc).Format(time.DateOnly)}})
		}
		if !e.Active && !e.LeftAt.Before(from) && e.LeftAt.Before(before) {
			row.Notes = append(row.Notes, Note{Code: "left", Args: map[string]string{"date": e.LeftAt.In(r.loc).Format(time.DateOnly)}})
		}
		if quiet := row.Figures; quiet.CustomersReceived == 0 && quiet.NoAppointments && quiet.NoSurveys && quiet.Complaints == 0 && quiet.Reworks == 0 {
			row.Notes = append(row.Notes, Note{Code: "no_orders"})
		}
		if f.Surveys < r.s.surveys.Min && !r.s.surveys.Off {
			row.Notes = append(row.Notes, Note{Code: "few_surveys", Args: map[string]string{"count": fmt.Sprint(f.Surveys), "min": fmt.Sprint(r.s.surveys.Min)}})
		}
		if a, ok := byEmp[e.ID]; ok {
			row.Appraisal = &a
			for _, k := range a.Final.KPIs {
				// One note per KPI, naming what had no input: a rating
				// source by its source, a measured one by its metric.
				var missing []string
				for _, src := range k.Sources {
					switch {
					case src.Present:
					case src.Metric != "":
						missing = append(missing, string(src.Metric))
					default:
						missing = append(missing, string(src.Source))
					}
				}
				if len(missing) == 0 {
					continue
				}
				code := "missing_renormalized"
				if k.Incomplete {
					code = "missing_incomplete"
				}
				row.Notes = append(row.Notes, Note{Code: code, Args: map[string]string{"kpi": k.Code, "missing": strings.Join(missing, ", ")}})
			}
		} else if r.rep.Reached.index() >= StepScored.index() || r.cycle.State != appraisal.CycleOpen {
			row.Notes = append(row.Notes, Note{Code: "not_scored"})
		}
		for _, d := range decisions {
			if d.Employee() == e.ID {
				row.Decisions = append(row.Decisions, d)
			}
		}
		if slices.ContainsFunc(row.Decisions, eligible) {
			row.Notes = append(row.Notes, Note{Code: "promotion_eligible"}) // R5.5: ProposePromotion
		}
		r.rep.Advisors = append(r.rep.Advisors, row)
	}
	r.rep.State = r.cycle.State
	return r.warn()
}

// warn adds what the dealer should know: orders of the month still open
// (counted in the figures the run read), a calibration window.
func (r *run) warn() error {
	if r.open > 0 {
		r.rep.Warnings = append(r.rep.Warnings, Note{Code: "orders_open", Args: map[string]string{"count": fmt.Sprint(r.open)}})
	}
	if r.cycle.State == appraisal.CycleScored {
		r.rep.Warnings = append(r.rep.Warnings, Note{Code: "calibration_window"})
	}
	return nil
}

// String names the step.
func (s Step) String() string { return strings.ReplaceAll(string(s), "_", " ") }
