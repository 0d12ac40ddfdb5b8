package training_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

func TestSavePlan_R5_1_to_R5_3(t *testing.T) {
	bad := func(mut func(c *training.Course)) []training.Course {
		cs := courses()
		mut(&cs[0])
		return cs
	}
	cases := []struct {
		name    string
		actor   org.Actor
		courses []training.Course
		want    error
		path    string
	}{
		{"R5.1_an_advisor_writes_no_plan", chen, courses(), training.ErrForbidden, ""},
		{"R5.1_the_host_writes_no_plan", host, courses(), training.ErrForbidden, ""},
		{"R5.2_unknown_content_refused", lin, bad(func(c *training.Course) { c.Category = "cooking" }), training.ErrInvalid, "courses[0].category"},
		{"R5.3_unknown_method_refused", lin, bad(func(c *training.Course) { c.Method = "osmosis" }), training.ErrInvalid, "courses[0].method"},
		{"R5.3_internal_names_its_instructor", lin, bad(func(c *training.Course) { c.Instructor = "" }), training.ErrInvalid, "courses[0].instructor"},
		{"R5.3_external_names_its_provider", lin, bad(func(c *training.Course) { c.Method = training.MethodExternal }), training.ErrInvalid, "courses[0].provider"},
		{"R5.1_a_course_has_hours", lin, bad(func(c *training.Course) { c.Hours = dec("0") }), training.ErrInvalid, "courses[0].hours"},
		{"R5.1_a_course_has_a_target", lin, bad(func(c *training.Course) { c.Target = training.Target{} }), training.ErrInvalid, "courses[0].target"},
		{"R5.4_excellent_not_below_pass_mark", lin, bad(func(c *training.Course) { c.Assessment.Excellent = dec("50") }), training.ErrInvalid, "courses[0].assessment.excellent"},
		{"R5.4_unknown_counting_refused", lin, bad(func(c *training.Course) { c.Assessment.Counts = "best_of_three" }), training.ErrInvalid, "courses[0].assessment.counts"},
		{"course_ids_unique", lin, append(courses(), courses()[0]), training.ErrInvalid, "courses[3].id"},
		{"R5.1_the_supervisor_writes_the_plan", lin, courses(), nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.svc.SavePlan(f.ctx, "d1", c.actor, training.PlanInput{Year: 2027, Courses: c.courses})
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			if c.path != "" {
				_, ok := org.FieldErrorOf(err, c.path)
				assert.True(t, ok, "%v", err)
			}
			_, err = f.store.Training().Plan(f.ctx, "d1", 2027)
			require.ErrorIs(t, err, training.ErrNotFound, "a refused plan writes nothing")
		})
	}
	t.Run("every_bad_field_named", func(t *testing.T) {
		f := newFixture(t)
		cs := bad(func(c *training.Course) { c.Category, c.Instructor, c.Title = "x", "", "" })
		_, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: cs})
		for _, p := range []string{"courses[0].category", "courses[0].instructor", "courses[0].title"} {
			_, ok := org.FieldErrorOf(err, p)
			assert.True(t, ok, "%s: %v", p, err)
		}
	})
}

func TestPlan_R5_1_versioned_approved_audited(t *testing.T) {
	f := newFixture(t)
	p, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()})
	require.NoError(t, err)
	assert.Equal(t, training.PlanDraft, p.State)
	assert.Equal(t, 1, p.Revision)

	t.Run("R5.1_a_draft_changes_freely", func(t *testing.T) {
		p, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()[:2], ExpectedVersion: 1})
		require.NoError(t, err)
		assert.Equal(t, 2, p.Revision)
	})
	t.Run("stale_edit_conflicts", func(t *testing.T) {
		_, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses(), ExpectedVersion: 1})
		require.ErrorIs(t, err, training.ErrConflict)
	})
	t.Run("R5.1_an_advisor_does_not_approve", func(t *testing.T) {
		_, err := f.svc.ApprovePlan(f.ctx, "d1", chen, 2027)
		require.ErrorIs(t, err, training.ErrForbidden)
	})
	t.Run("R5.1_approve", func(t *testing.T) {
		p, err := f.svc.ApprovePlan(f.ctx, "d1", host, 2027)
		require.NoError(t, err)
		assert.Equal(t, training.PlanApproved, p.State)
		_, err = f.svc.ApprovePlan(f.ctx, "d1", host, 2027)
		require.ErrorIs(t, err, training.ErrInvalidTransition)
	})
	t.Run("R5.1_change_after_approval_needs_a_reason", func(t *testing.T) {
		_, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()})
		_, ok := org.FieldErrorOf(err, "reason")
		require.True(t, ok, "%v", err)
	})
	t.Run("R5.1_change_after_approval_is_audited", func(t *testing.T) {
		p, err := f.svc.SavePlan(f.ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses(), Reason: "add the rules course"})
		require.NoError(t, err)
		assert.Equal(t, training.PlanApproved, p.State, "stays approved")
		assert.Equal(t, 3, p.Revision)
		evs, err := f.store.Events(f.ctx, "d1", 0, 1000)
		require.NoError(t, err)
		last := evs[len(evs)-1]
		assert.Equal(t, "training.plan_changed", last.Type)
		assert.Equal(t, "add the rules course", last.Reason)
		assert.Equal(t, lin, last.Actor)
		var data struct{ Before, After training.Plan }
		require.NoError(t, json.Unmarshal(last.Data, &data))
		assert.Len(t, data.Before.Courses, 2)
		assert.Len(t, data.After.Courses, 3)
	})
}
