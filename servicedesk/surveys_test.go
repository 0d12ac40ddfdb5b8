package servicedesk_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/servicedesk"
)

// driveToDelivered takes a new order of chen's through the whole workflow
// to delivered, booked for wu at slot (2 hours), with failed final
// inspections first when reworks > 0.
func (f *fixture) driveToDelivered(t testing.TB, id servicedesk.WorkOrderID, slot int, reworks int) servicedesk.WorkOrder {
	t.Helper()
	f.toApproved(t, id)
	ref := servicedesk.Ref{ID: id}
	ctx := f.ctx
	start := at(2+slot/4, 9+2*(slot%4), 0) // four slots a day from Monday 2 November
	_, err := f.desk.Book(ctx, dealer, chen, ref, servicedesk.BookingInput{Technician: "wu", Start: start, End: start.Add(2 * time.Hour)})
	require.NoError(t, err)
	_, err = f.desk.Start(ctx, dealer, wu, ref)
	require.NoError(t, err)
	for _, j := range []string{"j1", "j2"} {
		_, err = f.desk.CompleteJob(ctx, dealer, wu, ref, servicedesk.JobRef{Job: j})
		require.NoError(t, err)
	}
	for i := 0; ; i++ {
		_, err = f.desk.CompleteRepair(ctx, dealer, wu, ref)
		require.NoError(t, err)
		_, err = f.desk.Inspect(ctx, dealer, chen, ref, servicedesk.InspectionInput{Items: []servicedesk.InspectionCheck{{Item: "road test", Passed: i >= reworks}}})
		require.NoError(t, err)
		if i >= reworks {
			break
		}
	}
	_, err = f.desk.NotifyReady(ctx, dealer, chen, ref, servicedesk.ReadyInput{Explanation: "pads replaced, oil changed"})
	require.NoError(t, err)
	_, err = f.desk.Settle(ctx, dealer, chen, ref, servicedesk.Settlement{Document: "INV-" + string(id), Total: dec("6130")})
	require.NoError(t, err)
	w, err := f.desk.Deliver(ctx, dealer, chen, ref, servicedesk.DeliveryInput{MileageOut: 42003})
	require.NoError(t, err)
	return w
}

func surveyIn(wo servicedesk.WorkOrderID, score, source string) servicedesk.SurveyInput {
	return servicedesk.SurveyInput{WorkOrder: wo, Score: dec(score), Comment: "friendly", Source: source}
}

func TestRecordSurvey(t *testing.T) {
	tests := []struct {
		name  string
		actor org.Actor
		in    servicedesk.SurveyInput
		close bool
	}{
		{"R2.3_follow_up_call_by_a_colleague", wang, surveyIn("wo1", "4", servicedesk.SurveyByCall), false},
		{"R2.3_follow_up_call_by_another_advisor", wang, surveyIn("wo1", "2.5", servicedesk.SurveyByCall), false},
		{"R2.3_follow_up_call_by_the_supervisor", sup, surveyIn("wo1", "3", servicedesk.SurveyByCall), false},
		{"R6.1_survey_link_by_the_host", admin, surveyIn("wo1", "4.5", servicedesk.SurveyByLink), false},
		{"R6.1_host_may_record_a_call_too", admin, surveyIn("wo1", "4", servicedesk.SurveyByCall), false},
		{"R6.1_scale_minimum_included", wang, surveyIn("wo1", "1", servicedesk.SurveyByCall), false},
		{"R6.1_scale_maximum_included", wang, surveyIn("wo1", "5.0000", servicedesk.SurveyByCall), false},
		{"R2.3_closed_order", wang, surveyIn("wo1", "4", servicedesk.SurveyByCall), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.driveToDelivered(t, "wo1", 0, 0)
			if tt.close {
				_, err := f.desk.Close(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo1"})
				require.NoError(t, err)
			}
			f.clock.Advance(24 * time.Hour)
			before := f.snapDesk(t)
			sv, err := f.desk.RecordSurvey(f.ctx, dealer, tt.actor, tt.in)
			require.NoError(t, err)
			assert.Equal(t, dealer, sv.DealerID)
			assert.Equal(t, servicedesk.WorkOrderID("wo1"), sv.WorkOrder)
			assert.Equal(t, org.EmployeeID("chen"), sv.Advisor, "R6.1: counts for the order's advisor, whoever records it")
			assert.True(t, tt.in.Score.Equal(sv.Score))
			assert.True(t, dec("1").Equal(sv.ScaleMin), "the scale is copied onto the record")
			assert.True(t, dec("5").Equal(sv.ScaleMax))
			assert.Equal(t, tt.in.Source, sv.Source)
			assert.Equal(t, "friendly", sv.Comment)
			assert.Equal(t, tt.actor, sv.RecordedBy)
			assert.Equal(t, f.clock.Now().UTC(), sv.AnsweredAt)
			assert.Equal(t, int64(1), sv.Version)

			stored, err := f.desk.Survey(f.ctx, dealer, admin, "wo1")
			require.NoError(t, err)
			assert.Equal(t, sv.AnsweredAt, stored.AnsweredAt)
			assert.True(t, sv.Score.Equal(stored.Score))

			after := f.snapDesk(t)
			assert.Equal(t, before.Events+1, after.Events)
			assert.Equal(t, before.Orders, after.Orders, "recording a survey leaves the order alone")
			ev := f.lastEvent(t)
			assert.Equal(t, "survey.recorded", ev.Type)
			assert.Equal(t, "survey/wo1", ev.Subject)
			assert.Equal(t, tt.actor, ev.Actor)
			var data struct {
				After servicedesk.Survey `json:"after"`
			}
			require.NoError(t, json.Unmarshal(ev.Data, &data))
			assert.True(t, tt.in.Score.Equal(data.After.Score))
			assert.Equal(t, org.EmployeeID("chen"), data.After.Advisor)
		})
	}
}

func TestRecordSurvey_invalid(t *testing.T) {
	tests := []struct {
		name  string
		actor org.Actor
		setup func(t *testing.T, f *fixture)
		in    servicedesk.SurveyInput
		want  []string
	}{
		{"R2.3_one_answer_per_order", wang, func(t *testing.T, f *fixture) {
			_, err := f.desk.RecordSurvey(f.ctx, dealer, admin, surveyIn("wo1", "5", servicedesk.SurveyByLink))
			require.NoError(t, err)
		}, surveyIn("wo1", "2", servicedesk.SurveyByCall), []string{"work_order:duplicate"}},
		{"R6.1_score_below_scale", wang, nil, surveyIn("wo1", "0", servicedesk.SurveyByCall), []string{"score:out_of_range"}},
		{"R6.1_score_missing_is_below_scale", wang, nil, servicedesk.SurveyInput{WorkOrder: "wo1", Source: "call"}, []string{"score:out_of_range"}},
		{"R6.1_score_above_scale", wang, nil, surveyIn("wo1", "6", servicedesk.SurveyByCall), []string{"score:out_of_range"}},
		{"R6.1_score_just_above_scale", wang, nil, surveyIn("wo1", "5.0001", servicedesk.SurveyByCall), []string{"score:out_of_range"}},
		{"R6.1_score_negative", wang, nil, surveyIn("wo1", "-3", servicedesk.SurveyByCall), []string{"score:out_of_range"}},
		{"R6.1_score_at_most_4_places", wang, nil, surveyIn("wo1", "4.12345", servicedesk.SurveyByCall), []string{"score:too_many_places"}},
		{"R2.3_source_known", wang, nil, surveyIn("wo1", "4", "email"), []string{"source:unknown_value"}},
		{"R2.3_link_answers_come_from_the_host", wang, nil, surveyIn("wo1", "5", servicedesk.SurveyByLink), []string{"source:invalid"}},
		{"R2.3_survey_follows_delivery", wang, func(t *testing.T, f *fixture) {
			f.toApproved(t, "wo2")
		}, surveyIn("wo2", "4", servicedesk.SurveyByCall), []string{"work_order:invalid"}},
		{"R2.3_not_for_a_cancelled_order", wang, func(t *testing.T, f *fixture) {
			f.receive(t, "wo2")
			_, err := f.desk.Cancel(f.ctx, dealer, chen, servicedesk.Ref{ID: "wo2"}, servicedesk.CancelInput{Reason: "customer left"})
			require.NoError(t, err)
		}, surveyIn("wo2", "4", servicedesk.SurveyByCall), []string{"work_order:invalid"}},
		{"order_must_exist", wang, nil, surveyIn("wo-nope", "4", servicedesk.SurveyByCall), []string{"work_order:not_found"}},
		{"order_required", wang, nil, surveyIn("", "4", servicedesk.SurveyByCall), []string{"work_order:required"}},
		{"comment_bounded", wang, nil, servicedesk.SurveyInput{WorkOrder: "wo1", Score: dec("4"), Source: "call", Comment: strings.Repeat("x", 4001)},
			[]string{"comment:too_long"}},
		{"every_problem_at_once", wang, func(t *testing.T, f *fixture) {
			f.toApproved(t, "wo2")
		}, servicedesk.SurveyInput{WorkOrder: "wo2", Score: dec("9"), Source: "link"}, []string{"score:out_of_range", "source:invalid", "work_order:invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.driveToDelivered(t, "wo1", 0, 0)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			before := f.snapDesk(t)
			_, err := f.desk.RecordSurvey(f.ctx, dealer, tt.actor, tt.in)
			assert.ElementsMatch(t, tt.want, problems(t, err))
			assert.Contains(t, err.Error(), "servicedesk: record survey")
			assert.Equal(t, before, f.snapDesk(t), "a rejected command writes nothing")
		})
	}
}

func TestRecordSurvey_roles(t *testing.T) {
	tests := []struct {
		name  string
		actor org.Actor
	}{
		{"R2.3_not_a_technician", wu},
		{"not_on_the_roster", org.Actor{ID: "ghost", Role: org.RoleAdvisor}},
		{"role_claimed_must_be_held", org.Actor{ID: "wu", Role: org.RoleAdvisor}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, servicedesk.Options{})
			f.driveToDelivered(t, "wo1", 0, 0)
			before := f.snapDesk(t)
			_, err := f.desk.RecordSurvey(f.ctx, dealer, tt.actor, surveyIn("wo1", "4", servicedesk.SurveyByCall))
			require.ErrorIs(t, err, servicedesk.ErrForbidden)
			assert.Equal(t, before, f.snapDesk(t))
		})
	}
}

func TestRecordSurvey_tenancy(t *testing.T) {
	t.Run("R1.3_no_survey_of_another_dealers_order", func(t *testing.T) {
		f := newFixture(t, servicedesk.Options{})
		f.driveToDelivered(t, "wo1", 0, 0)
		_, err := f.roster.CreateDealer(f.ctx, admin, org.NewDealer{ID: "d2", Name: "Kaohsiung Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
		require.NoError(t, err)
		// d2 has an advisor with the same ID as d1's.
		_, err = f.roster.AddEmployee(f.ctx, "d2", admin, org.NewEmployee{ID: "chen", Name: "Chen", Role: org.RoleAdvisor})
		require.NoError(t, err)
		before := f.snapDesk(t)

		for _, actor := range []org.Actor{chen, admin} {
			_, err = f.desk.RecordSurvey(f.ctx, "d2", actor, surveyIn("wo1", "1", servicedesk.SurveyByCall))
			assert.Equal(t, []string{"work_order:not_found"}, problems(t, err))
		}
		assert.Equal(t, before, f.snapDesk(t), "d1 is untouched")
		svs, err := f.desk.Surveys(f.ctx, "d2", admin, servicedesk.SurveyQuery{})
		require.NoError(t, err)
		assert.Empty(t, svs)
		_, err = f.desk.Survey(f.ctx, "d2", admin, "wo1")
		require.ErrorIs(t, err, servicedesk.ErrNotFound)
	})
}

func TestRecordSurvey_configuredScale(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.driveToDelivered(t, "wo1", 0, 0)
	f.driveToDelivered(t, "wo2", 1, 0)
	desk, err := servicedesk.NewService(servicedesk.Config{Store: f.store.ServiceDesk(), Roster: f.roster.Directory(), Clock: f.clock,
		IDs: org.SequentialIDs("ten"), SurveyMin: dec("0"), SurveyMax: dec("10")})
	require.NoError(t, err)

	_, err = desk.RecordSurvey(f.ctx, dealer, wang, surveyIn("wo1", "11", servicedesk.SurveyByCall))
	assert.Equal(t, []string{"score:out_of_range"}, problems(t, err))
	sv, err := desk.RecordSurvey(f.ctx, dealer, wang, surveyIn("wo1", "0", servicedesk.SurveyByCall))
	require.NoError(t, err, "R6.1: 0 is on a 0-10 scale")
	assert.True(t, dec("0").Equal(sv.ScaleMin))
	assert.True(t, dec("10").Equal(sv.ScaleMax))
	assert.True(t, dec("0").Equal(sv.Normalized()))
	sv, err = desk.RecordSurvey(f.ctx, dealer, wang, surveyIn("wo2", "7.5", servicedesk.SurveyByCall))
	require.NoError(t, err)
	assert.Equal(t, "75", sv.Normalized().String())
}

func TestSurveys_list(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	for i, id := range []servicedesk.WorkOrderID{"wo1", "wo2", "wo3"} {
		f.driveToDelivered(t, id, i, 0)
		_, err := f.desk.RecordSurvey(f.ctx, dealer, wang, surveyIn(id, "4", servicedesk.SurveyByCall))
		require.NoError(t, err)
	}
	ids := func(svs []servicedesk.Survey) []servicedesk.WorkOrderID {
		out := []servicedesk.WorkOrderID{}
		for _, sv := range svs {
			out = append(out, sv.WorkOrder)
		}
		return out
	}
	tests := []struct {
		name string
		q    servicedesk.SurveyQuery
		want []servicedesk.WorkOrderID
	}{
		{"zero_limit_means_default_page", servicedesk.SurveyQuery{}, []servicedesk.WorkOrderID{"wo1", "wo2", "wo3"}},
		{"limit_and_after", servicedesk.SurveyQuery{After: "wo1", Limit: 1}, []servicedesk.WorkOrderID{"wo2"}},
		{"huge_limit_cut", servicedesk.SurveyQuery{Limit: org.MaxPage + 1}, []servicedesk.WorkOrderID{"wo1", "wo2", "wo3"}},
		{"by_advisor", servicedesk.SurveyQuery{Advisor: "wang"}, []servicedesk.WorkOrderID{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svs, err := f.desk.Surveys(f.ctx, dealer, admin, tt.q)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(svs))
		})
	}
	t.Run("negative_limit_refused", func(t *testing.T) {
		_, err := f.desk.Surveys(f.ctx, dealer, admin, servicedesk.SurveyQuery{Limit: -1})
		assert.Equal(t, []string{"limit:out_of_range"}, problems(t, err))
	})
}

func TestRecordSurvey_R1_3_not_by_the_orders_own_advisor(t *testing.T) {
	f := newFixture(t, servicedesk.Options{})
	f.driveToDelivered(t, "wo1", 0, 0)
	before, err := f.desk.Timeline(f.ctx, dealer, admin, "wo1")
	require.NoError(t, err)
	_, err = f.desk.RecordSurvey(f.ctx, dealer, chen, surveyIn("wo1", "5", servicedesk.SurveyByCall))
	require.ErrorIs(t, err, servicedesk.ErrForbidden, "R1.3: chen's score would feed chen's own appraisal")
	_, err = f.desk.Survey(f.ctx, dealer, admin, "wo1")
	require.ErrorIs(t, err, servicedesk.ErrNotFound, "a refused survey writes nothing")
	after, err := f.desk.Timeline(f.ctx, dealer, admin, "wo1")
	require.NoError(t, err)
	require.Len(t, after, len(before))
}
