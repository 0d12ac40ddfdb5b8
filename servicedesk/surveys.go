package servicedesk

import (
	"context"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/org"
)

// How a survey answer came in (Survey.Source).
const (
	SurveyByCall = "call" // the advisor's or supervisor's follow-up call
	SurveyByLink = "link" // the host's survey link, recorded by the host (org.RoleAdmin)
)

// SurveyInput is the input of [Service.RecordSurvey].
type SurveyInput struct {
	WorkOrder WorkOrderID `json:"work_order" validate:"required,max=64"`
	// Score is on the service's scale (Config.SurveyMin to SurveyMax), at
	// most 4 decimal places.
	Score   decimal.Decimal `json:"score"`
	Comment string          `json:"comment" validate:"max=4000"`
	Source  string          `json:"source" validate:"oneof=call link"`
}

// scorePlaces bounds a score's decimal places, so that every store keeps
// it exactly and Survey.Normalized is exact.
const scorePlaces = 4

// RecordSurvey records the customer's satisfaction with one work order
// (R2.3 collects feedback; R6.1 appraises on it): one answer per order,
// only after the car was delivered, on the configured scale. The order's
// advisor is the one it counts for. An advisor or supervisor records an
// answer from a follow-up call; the host (org.RoleAdmin) records one from
// its survey link.
func (s *Service) RecordSurvey(ctx context.Context, dealer org.DealerID, actor org.Actor, in SurveyInput) (_ Survey, err error) {
	ctx, ob := s.obs.Begin(ctx, "record_survey", dealer, actor)
	defer ob.End(&err)
	ve := shape("record survey", in)
	switch {
	case ve.Has("score"): // out of every input's bounds already
	case in.Score.Cmp(s.smin) < 0 || in.Score.Cmp(s.smax) > 0:
		ve.Add("score", org.CodeRange, fmt.Sprintf("must be from %s to %s", s.smin, s.smax))
	case !in.Score.Equal(in.Score.Round(scorePlaces)):
		ve.Add("score", org.CodeFormat, fmt.Sprintf("must have at most %d decimal places", scorePlaces))
	}
	if _, err := s.roster.Authorize(ctx, dealer, actor, org.RoleAdvisor, org.RoleSupervisor, org.RoleAdmin); err != nil {
		return Survey{}, err
	}
	// An employee can only have called the customer; a link answer comes
	// from the host, so no employee can pass one off as the customer's own.
	if actor.Role != org.RoleAdmin && in.Source == SurveyByLink {
		ve.Add("source", org.CodeInvalid, "a survey link answer is recorded by the host, not by an employee")
	}
	sv := Survey{DealerID: dealer, WorkOrder: in.WorkOrder, Score: in.Score, ScaleMin: s.smin, ScaleMax: s.smax,
		Comment: in.Comment, Source: in.Source, RecordedBy: actor, Version: 1}
	if !ve.Has("work_order") {
		if err := s.surveyedOrder(ctx, dealer, &sv, ve); err != nil {
			return Survey{}, err
		}
	}
	if err := ve.Err(); err != nil {
		return Survey{}, err
	}
	sv.AnsweredAt = org.Now(s.clock)
	ev := newEvent(s.ids, dealer, actor, sv.AnsweredAt, "survey.recorded", "survey/"+string(sv.WorkOrder), "", recordChange[Survey]{After: sv})
	if err := s.store.Commit(ctx, dealer, Change{Surveys: []Survey{sv}, Events: []org.Event{ev}}); err != nil {
		return Survey{}, fmt.Errorf("servicedesk: record survey of %s: %w", sv.WorkOrder, err)
	}
	return sv, nil
}

// surveyedOrder checks the order a survey is for and takes its advisor. The
// store is scoped by dealer: another dealer's order is not found.
func (s *Service) surveyedOrder(ctx context.Context, dealer org.DealerID, sv *Survey, ve *org.ValidationError) error {
	w, err := s.store.WorkOrder(ctx, dealer, sv.WorkOrder)
	switch {
	case errors.Is(err, ErrNotFound):
		ve.Add("work_order", org.CodeNotFound, "no work order with this ID")
		return nil
	case err != nil:
		return fmt.Errorf("servicedesk: record survey of %s: %w", sv.WorkOrder, err)
	case w.State != StateDelivered && w.State != StateClosed:
		ve.Add("work_order", org.CodeInvalid, fmt.Sprintf("the order is %s; a survey follows delivery", w.State))
		return nil
	}
	sv.Advisor = w.Advisor
	if sv.RecordedBy.Role != org.RoleAdmin && sv.RecordedBy.ID == w.Advisor {
		// R1.3: the score feeds the advisor's own appraisal (R6.1), so a
		// colleague or the supervisor makes the follow-up call.
		return fmt.Errorf("servicedesk: record survey of %s: advisor %s may not record the satisfaction score of their own order (R1.3): %w",
			sv.WorkOrder, w.Advisor, ErrForbidden)
	}
	_, err = s.store.Survey(ctx, dealer, sv.WorkOrder)
	switch {
	case err == nil:
		ve.Add("work_order", org.CodeDuplicate, "the customer has answered the survey of this order already")
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("servicedesk: record survey of %s: %w", sv.WorkOrder, err)
	}
	return nil
}

// Survey returns the answer for one work order (R2.3, R6.1): to the
// order's advisor, their supervisor and admins; anyone else gets
// ErrForbidden.
func (s *Service) Survey(ctx context.Context, dealer org.DealerID, actor org.Actor, wo WorkOrderID) (Survey, error) {
	op := "survey of " + string(wo)
	r, err := s.reader(ctx, dealer, actor, op, employeeRecordReaders...)
	if err != nil {
		return Survey{}, err
	}
	sv, err := s.store.Survey(ctx, dealer, wo)
	if err != nil {
		return Survey{}, fmt.Errorf("servicedesk: %s: %w", op, err)
	}
	ok, err := r.mayRead(ctx, sv.Advisor)
	if err != nil {
		return Survey{}, fmt.Errorf("servicedesk: %s: %w", op, err)
	}
	if !ok {
		return Survey{}, fmt.Errorf("servicedesk: %s: only the order's advisor, their supervisor or an admin may read it (R2.2): %w", op, ErrForbidden)
	}
	return sv, nil
}

// Surveys returns one page of survey answers, ordered by work order,
// keeping those actor may read (see [Service.Survey]): a page may hold
// fewer than Limit while more follow. A zero Limit means org.DefaultPage,
// and more than org.MaxPage is cut.
func (s *Service) Surveys(ctx context.Context, dealer org.DealerID, actor org.Actor, q SurveyQuery) ([]Survey, error) {
	r, err := s.reader(ctx, dealer, actor, "list surveys", employeeRecordReaders...)
	if err != nil {
		return nil, err
	}
	if q.Limit < 0 {
		return nil, &org.ValidationError{Op: "servicedesk: list surveys", Fields: []org.FieldError{{Path: "limit", Code: org.CodeRange, Message: "must not be negative"}}}
	}
	if q.Limit == 0 {
		q.Limit = org.DefaultPage
	}
	q.Limit = min(q.Limit, org.MaxPage)
	svs, err := s.store.Surveys(ctx, dealer, q)
	if err != nil {
		return nil, fmt.Errorf("servicedesk: list surveys: %w", err)
	}
	return r.surveys(ctx, svs)
}

// allSurveys pages through every answer q selects.
func (s *Service) allSurveys(ctx context.Context, dealer org.DealerID, q SurveyQuery) ([]Survey, error) {
	q.Limit = org.MaxPage
	var all []Survey
	for {
		page, err := s.store.Surveys(ctx, dealer, q)
		if err != nil {
			return nil, fmt.Errorf("servicedesk: list surveys: %w", err)
		}
		all = append(all, page...)
		if len(page) < q.Limit {
			return all, nil
		}
		q.After = page[len(page)-1].WorkOrder
	}
}
