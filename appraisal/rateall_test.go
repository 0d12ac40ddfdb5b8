package appraisal_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

func customer(ratee org.EmployeeID, kpi, value string) appraisal.RateInput {
	return appraisal.RateInput{Ratee: ratee, Source: appraisal.SourceCustomer, KPI: kpi, Value: dec(value), Customer: "surveys:2"}
}

// RateAll holds every rating to what Rate holds one to (R6.3), and writes
// all of them or none.
func TestRateAll_R6_3_every_rating_checked_all_or_nothing(t *testing.T) {
	count := func(t *testing.T, f *cycleFixture) (inputs, events int) {
		t.Helper()
		in, err := f.store.Appraisal().Inputs(f.ctx, "d1", nov, "")
		require.NoError(t, err)
		evs, err := f.store.Events(f.ctx, "d1", 0, org.MaxPage)
		require.NoError(t, err)
		return len(in), len(evs)
	}
	cases := []struct {
		name   string
		actor  org.Actor
		in     appraisal.RateAllInput
		want   error
		field  string // the failing rating's path, when want is ErrInvalid
		before func(*cycleFixture)
	}{
		{name: "R6.3_customer_ratings_come_from_the_host", actor: wang,
			in: appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("chen", "satisfaction", "4")}}, want: appraisal.ErrForbidden},
		{name: "one_bad_value_refuses_the_call", actor: host,
			in:   appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("chen", "satisfaction", "4"), customer("wang", "satisfaction", "9")}},
			want: appraisal.ErrInvalid, field: "ratings[1].value"},
		{name: "a_KPI_the_plan_lacks", actor: host,
			in:   appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("chen", "speed", "4")}},
			want: appraisal.ErrInvalid, field: "ratings[0].kpi"},
		{name: "the_same_rating_twice_in_the_call", actor: host,
			in:   appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("chen", "satisfaction", "4"), customer("chen", "satisfaction", "5")}},
			want: appraisal.ErrInvalid, field: "ratings[1].kpi"},
		{name: "another_month_in_a_rating", actor: host,
			in: appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{func() appraisal.RateInput {
				r := customer("chen", "satisfaction", "4")
				r.Month = dec26
				return r
			}()}}, want: appraisal.ErrInvalid, field: "ratings[0].month"},
		{name: "a_customer_rating_names_its_surveys", actor: host,
			in:   appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{{Ratee: "chen", Source: appraisal.SourceCustomer, KPI: "satisfaction", Value: dec("4")}}},
			want: appraisal.ErrInvalid, field: "ratings[0].customer"},
		{name: "no_ratings", actor: host, in: appraisal.RateAllInput{Month: nov}, want: appraisal.ErrInvalid, field: "ratings"},
		{name: "too_many_ratings", actor: host,
			in:   appraisal.RateAllInput{Month: nov, Ratings: make([]appraisal.RateInput, appraisal.MaxRatingsPerCall+1)},
			want: appraisal.ErrInvalid, field: "ratings"},
		{name: "an_unknown_ratee", actor: host,
			in: appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("chen", "satisfaction", "4"), customer("ghost", "satisfaction", "4")}}, want: org.ErrNotFound},
		{name: "rated_before_without_KeepExisting", actor: host,
			before: func(f *cycleFixture) {
				require.NoError(t, f.rate(host, nov, "chen", appraisal.SourceCustomer, "satisfaction", "3"))
			},
			in:   appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("wang", "satisfaction", "4"), {Ratee: "chen", Source: appraisal.SourceCustomer, KPI: "satisfaction", Value: dec("4"), Customer: "survey-chen"}}},
			want: appraisal.ErrInvalid, field: "ratings[1].kpi"},
		{name: "R6.3_ratings_before_their_deadline", actor: host,
			before: func(f *cycleFixture) { f.clock.Set(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) },
			in:     appraisal.RateAllInput{Month: nov, Ratings: []appraisal.RateInput{customer("chen", "satisfaction", "4")}}, want: appraisal.ErrInvalidTransition},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newCycleFixture(t)
			f.open(t, nov, map[appraisal.Source]time.Time{appraisal.SourceCustomer: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
			if c.before != nil {
				c.before(f)
			}
			inputs, events := count(t, f)
			_, err := f.svc.RateAll(f.ctx, "d1", c.actor, c.in)
			require.ErrorIs(t, err, c.want)
			if c.field != "" {
				_, ok := org.FieldErrorOf(err, c.field)
				assert.True(t, ok, "%s named: %v", c.field, err)
			}
			i, e := count(t, f)
			assert.Equal(t, []int{inputs, events}, []int{i, e}, "a refused call writes nothing")
		})
	}
}

func TestRateAll_enters_each_rating_with_its_event(t *testing.T) {
	f := newCycleFixture(t)
	f.open(t, nov, nil)
	require.NoError(t, f.rate(host, nov, "chen", appraisal.SourceCustomer, "satisfaction", "3"))
	in := appraisal.RateAllInput{Month: nov, KeepExisting: true, Ratings: []appraisal.RateInput{
		customer("wang", "satisfaction", "4.5"),
		{Ratee: "chen", Source: appraisal.SourceCustomer, KPI: "satisfaction", Value: dec("5"), Customer: "survey-chen"}, // entered before: kept
		customer("huang", "satisfaction", "2"),
	}}
	got, err := f.svc.RateAll(f.ctx, "d1", host, in)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []org.EmployeeID{"wang", "huang"}, []org.EmployeeID{got[0].Ratee, got[1].Ratee}, "in the order given")
	assert.Equal(t, org.EmployeeID("customer:surveys:2"), got[0].Rater)

	stored, err := f.store.Appraisal().Inputs(f.ctx, "d1", nov, "chen")
	require.NoError(t, err)
	require.Len(t, stored, 1)
	assert.Equal(t, "3", stored[0].Value.String(), "the rating entered before is kept as it was")

	evs, err := f.store.Events(f.ctx, "d1", 0, org.MaxPage)
	require.NoError(t, err)
	rated := 0
	for _, e := range evs {
		if e.Type == "appraisal.rated" {
			rated++
		}
	}
	assert.Equal(t, 3, rated, "one event per rating, as Rate records it (one before, two now)")

	again, err := f.svc.RateAll(f.ctx, "d1", host, in)
	require.NoError(t, err)
	assert.Empty(t, again, "run again: everything entered already, nothing written")
}
