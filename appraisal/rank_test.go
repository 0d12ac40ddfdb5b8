package appraisal_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

func TestRank_R1_3_ties_share_a_rank(t *testing.T) {
	got := appraisal.Rank([]appraisal.Result{
		{Employee: "wang", Score: dec("80")}, {Employee: "chen", Score: dec("91.5")},
		{Employee: "huang", Score: dec("80.00")}, {Employee: "lee", Score: dec("70")},
	})
	var ids []org.EmployeeID
	var ranks []int
	for _, r := range got {
		ids, ranks = append(ids, r.Employee), append(ranks, r.Rank)
	}
	assert.Equal(t, []org.EmployeeID{"chen", "huang", "wang", "lee"}, ids)
	assert.Equal(t, []int{1, 2, 2, 4}, ranks)
}

func TestConsecutiveFails_R6_4(t *testing.T) {
	m := func(month time.Month, pass bool) appraisal.MonthResult {
		return appraisal.MonthResult{Month: org.Month{Year: 2026, Month: month}, Pass: pass}
	}
	cases := []struct {
		name    string
		history []appraisal.MonthResult
		want    int
	}{
		{"none", nil, 0},
		{"last passed", []appraisal.MonthResult{m(9, false), m(10, true)}, 0},
		{"one fail", []appraisal.MonthResult{m(9, true), m(10, false)}, 1},
		{"R6.4_two_consecutive_fails", []appraisal.MonthResult{m(9, false), m(10, false)}, 2},
		{"unordered input", []appraisal.MonthResult{m(10, false), m(8, true), m(9, false)}, 2},
		{"a month without appraisal breaks the run", []appraisal.MonthResult{m(8, false), m(10, false)}, 1},
		{"across the year end", []appraisal.MonthResult{{Month: org.Month{Year: 2025, Month: 12}}, {Month: org.Month{Year: 2026, Month: 1}}}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { assert.Equal(t, c.want, appraisal.ConsecutiveFails(c.history)) })
	}
}
