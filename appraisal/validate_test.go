package appraisal_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

func pvDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// pvFields lists err's fields as "path code", requiring a
// *org.ValidationError of op.
func pvFields(t *testing.T, err error, op string) []string {
	t.Helper()
	var ve *org.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, org.ErrInvalid)
	assert.Equal(t, op, ve.Op)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Where() + " " + f.Code
		assert.NotEmpty(t, f.Message, "message of %s", f.Where())
	}
	return out
}

// pvLinear is a valid plan with a linear bonus, banded curve and the
// incomplete policy; DefaultPlan covers the rest.
func pvLinear() appraisal.Plan {
	p := appraisal.DefaultPlan()
	p.Missing = appraisal.Incomplete
	p.KPIs[0].Sources[2].Curve = appraisal.Curve{Bands: []appraisal.Band{
		{From: pvDec("0"), Points: pvDec("100")}, {From: pvDec("1"), Points: pvDec("60")}, {From: pvDec("3"), Points: pvDec("0")}}}
	p.Bonus = appraisal.Bonus{Linear: &appraisal.LinearBonus{
		From: appraisal.BonusPoint{Score: pvDec("60"), Share: pvDec("0")},
		To:   appraisal.BonusPoint{Score: pvDec("100"), Share: pvDec("1.5")}}, Cap: pvDec("1.25"), Places: 2}
	return p
}

func TestPlanValidate_valid(t *testing.T) {
	for name, p := range map[string]appraisal.Plan{
		"default": appraisal.DefaultPlan(),
		"linear":  pvLinear(),
		"R6.1_weights_as_decimals_summing_to_100": func() appraisal.Plan {
			p := appraisal.DefaultPlan()
			p.KPIs = p.KPIs[:3]
			p.KPIs[0].Weight, p.KPIs[1].Weight, p.KPIs[2].Weight = pvDec("33.33"), pvDec("33.33"), pvDec("33.340")
			return p
		}(),
		"measured_repeats_with_other_metrics_and_one_grade_each_side": func() appraisal.Plan {
			p := appraisal.DefaultPlan()
			p.Grades = []appraisal.Grade{{Code: "ok", Min: pvDec("50"), Pass: true}, {Code: "no", Min: pvDec("0")}}
			p.Bonus.ByGrade = map[string]decimal.Decimal{"ok": pvDec("1"), "no": pvDec("0")}
			p.Bonus.Cap = decimal.Zero
			return p
		}(),
		"zero_means_default_places_and_min_peers": func() appraisal.Plan {
			p := appraisal.DefaultPlan()
			p.Places, p.MinPeers = 0, 0
			return p
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			assert.NoError(t, p.Validate())
		})
	}
}

type pvCase struct {
	name   string
	change func(p *appraisal.Plan)
	want   []string // "path code", in this order
}

func pvRun(t *testing.T, base func() appraisal.Plan, cases []pvCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base()
			c.change(&p)
			assert.Equal(t, c.want, pvFields(t, p.Validate(), "appraisal: plan"))
		})
	}
}

func TestPlanValidate_plan(t *testing.T) {
	var nilPlan *appraisal.Plan
	assert.Equal(t, []string{" required"}, pvFields(t, nilPlan.Validate(), "appraisal: plan"))

	pvRun(t, appraisal.DefaultPlan, []pvCase{
		{"empty_plan_every_problem", func(p *appraisal.Plan) { *p = appraisal.Plan{} },
			[]string{"version required", "kpis required", "missing required", "grades required", "bonus required"}},
		{"R1.3_version_blank", func(p *appraisal.Plan) { p.Version = "  " }, []string{"version required"}},
		{"missing_policy_required", func(p *appraisal.Plan) { p.Missing = "" }, []string{"missing required"}},
		{"missing_policy_unknown", func(p *appraisal.Plan) { p.Missing = "zero" }, []string{"missing unknown_value"}},
		{"min_peers_negative", func(p *appraisal.Plan) { p.MinPeers = -1 }, []string{"min_peers out_of_range"}},
		{"places_negative", func(p *appraisal.Plan) { p.Places = -1 }, []string{"places out_of_range"}},
		{"places_above_4", func(p *appraisal.Plan) { p.Places = 5 }, []string{"places out_of_range"}},
	})
}

func TestPlanValidate_kpis(t *testing.T) {
	pvRun(t, appraisal.DefaultPlan, []pvCase{
		{"R6.1_no_kpis", func(p *appraisal.Plan) { p.KPIs = nil }, []string{"kpis required"}},
		{"R6.1_code_required_identifier_unique", func(p *appraisal.Plan) {
			p.KPIs[1].Code, p.KPIs[2].Code, p.KPIs[3].Code, p.KPIs[4].Code = "", "team work", "satisfaction", "-skill"
		}, []string{"kpis[1].code required", "kpis[2].code invalid_format", "kpis[3].code duplicate", "kpis[4].code invalid_format"}},
		{"R6.1_identifier_characters", func(p *appraisal.Plan) {
			p.KPIs[0].Code, p.KPIs[1].Code, p.KPIs[2].Code = "a.b_c:d-e", "客戶", "9x"
		}, []string{"kpis[1].code invalid_format"}},
		{"R6.1_weight_zero_and_negative_and_the_sum", func(p *appraisal.Plan) {
			p.KPIs[0].Weight, p.KPIs[1].Weight = decimal.Decimal{}, pvDec("-25")
		}, []string{"kpis[0].weight out_of_range", "kpis[1].weight out_of_range", "kpis invalid"}},
		{"R6.1_weights_not_summing_to_100", func(p *appraisal.Plan) { p.KPIs[4].Weight = pvDec("10") }, []string{"kpis invalid"}},
		{"R6.1_weights_above_100", func(p *appraisal.Plan) { p.KPIs[4].Weight = pvDec("15.01") }, []string{"kpis invalid"}},
		{"R6.3_no_sources", func(p *appraisal.Plan) { p.KPIs[2].Sources = nil }, []string{"kpis[2].sources required"}},
		{"R6.3_source_required_and_known", func(p *appraisal.Plan) {
			p.KPIs[2].Sources[0].Source, p.KPIs[2].Sources[1].Source = "", "manager"
		}, []string{"kpis[2].sources[0].source required", "kpis[2].sources[1].source unknown_value"}},
		{"R6.3_source_weight_above_zero", func(p *appraisal.Plan) {
			p.KPIs[2].Sources[0].Weight, p.KPIs[0].Sources[0].Weight = pvDec("0"), pvDec("-1")
		}, []string{"kpis[0].sources[0].weight out_of_range", "kpis[2].sources[0].weight out_of_range"}},
		{"R6.3_rating_needs_a_scale", func(p *appraisal.Plan) {
			p.KPIs[2].Sources[0].Scale = appraisal.Scale{}
			p.KPIs[2].Sources[1].Scale = appraisal.Scale{Min: pvDec("5"), Max: pvDec("5")}
			p.KPIs[4].Sources[0].Scale = appraisal.Scale{Min: pvDec("10"), Max: pvDec("0")}
		}, []string{"kpis[2].sources[0].scale required", "kpis[2].sources[1].scale.max out_of_range", "kpis[4].sources[0].scale.max out_of_range"}},
		{"R6.3_rating_has_no_metric_or_curve", func(p *appraisal.Plan) {
			p.KPIs[2].Sources[0].Metric = appraisal.MetricSatisfaction
			p.KPIs[2].Sources[1].Curve = appraisal.Curve{Floor: pvDec("1"), Target: pvDec("5")}
			p.KPIs[4].Sources[0].Curve = appraisal.Curve{Bands: []appraisal.Band{{From: pvDec("1"), Points: pvDec("50")}}}
		}, []string{"kpis[2].sources[0].metric invalid", "kpis[2].sources[1].curve invalid", "kpis[4].sources[0].curve invalid"}},
		{"R6.3_same_rating_source_twice", func(p *appraisal.Plan) {
			p.KPIs[2].Sources = append(p.KPIs[2].Sources, p.KPIs[2].Sources[0])
		}, []string{"kpis[2].sources[2].source duplicate"}},
		{"R6.1_measured_metric_required_known_once", func(p *appraisal.Plan) {
			p.KPIs[1].Sources[0].Metric = ""
			p.KPIs[1].Sources[1].Metric = "profit"
			p.KPIs[1].Sources[2].Metric = appraisal.MetricCustomersReceived // sources[0] no longer has it
			p.KPIs[0].Sources[2].Metric = appraisal.MetricSatisfaction
		}, []string{"kpis[0].sources[2].metric duplicate", "kpis[1].sources[0].metric required", "kpis[1].sources[1].metric unknown_value"}},
		{"R6.1_measured_has_no_scale", func(p *appraisal.Plan) {
			p.KPIs[0].Sources[0].Scale = appraisal.Scale{Min: pvDec("1"), Max: pvDec("5")}
		}, []string{"kpis[0].sources[0].scale invalid"}},
		{"R6.1_measured_needs_a_curve", func(p *appraisal.Plan) {
			p.KPIs[0].Sources[0].Curve = appraisal.Curve{}
			p.KPIs[0].Sources[2].Curve = appraisal.Curve{Floor: pvDec("3"), Target: pvDec("3.0")}
			p.KPIs[1].Sources[0].Curve.Bands = []appraisal.Band{{From: pvDec("0"), Points: pvDec("0")}}
		}, []string{"kpis[0].sources[0].curve required", "kpis[0].sources[2].curve.target invalid", "kpis[1].sources[0].curve invalid"}},
		{"R6.1_bands", func(p *appraisal.Plan) {
			p.KPIs[0].Sources[0].Curve = appraisal.Curve{Bands: []appraisal.Band{}}
			p.KPIs[0].Sources[2].Curve = appraisal.Curve{Bands: []appraisal.Band{
				{From: pvDec("0"), Points: pvDec("100")}, {From: pvDec("1"), Points: pvDec("-1")},
				{From: pvDec("1.00"), Points: pvDec("100.5")}, {From: pvDec("2"), Points: pvDec("0")}, {From: pvDec("0.0"), Points: pvDec("0")}}}
		}, []string{"kpis[0].sources[0].curve.bands required",
			"kpis[0].sources[2].curve.bands[1].points out_of_range",
			"kpis[0].sources[2].curve.bands[2].from duplicate", "kpis[0].sources[2].curve.bands[2].points out_of_range",
			"kpis[0].sources[2].curve.bands[4].from duplicate"}},
	})
}

func TestPlanValidate_weightsMessage(t *testing.T) {
	p := appraisal.DefaultPlan()
	p.KPIs[4].Weight = pvDec("10")
	p.KPIs[3].Code = ""
	f, ok := org.FieldErrorOf(p.Validate(), "kpis")
	require.True(t, ok)
	assert.Equal(t, org.CodeInvalid, f.Code)
	assert.Equal(t, "the KPI weights must sum to 100, not 95: satisfaction 30 + business 25 + teamwork 15 + kpis[3] 15 + attitude 10 = 95", f.Message)

	// At most MaxPlanKPIs (50) KPIs, so the message lists every weight;
	// more are one problem (issue 15), and their weights are not summed.
	k := p.KPIs[0]
	p.KPIs = nil
	for i := range appraisal.MaxPlanKPIs {
		k.Code, k.Weight = fmt.Sprintf("k%d", i), pvDec("1")
		p.KPIs = append(p.KPIs, k)
	}
	f, ok = org.FieldErrorOf(p.Validate(), "kpis")
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(f.Message, "the KPI weights must sum to 100, not 50: k0 1 + k1 1 + "), f.Message)
	assert.True(t, strings.HasSuffix(f.Message, " + k49 1 = 50"), f.Message)
	p.KPIs = append(p.KPIs, k)
	f, ok = org.FieldErrorOf(p.Validate(), "kpis")
	require.True(t, ok)
	assert.Equal(t, org.FieldError{Path: "kpis", Code: org.CodeTooLong,
		Message: "has 51 items; at most 50 items are allowed (appraisal.MaxPlanKPIs)"}, f)
}

func TestPlanValidate_grades(t *testing.T) {
	pvRun(t, appraisal.DefaultPlan, []pvCase{
		{"R6.4_no_grades", func(p *appraisal.Plan) { p.Grades = nil; p.Bonus.ByGrade = map[string]decimal.Decimal{"x": pvDec("1")} },
			[]string{"grades required", "bonus.by_grade.x unknown_value"}},
		{"code_required_and_unique", func(p *appraisal.Plan) { p.Grades[1].Code, p.Grades[2].Code = " ", "excellent" },
			[]string{"grades[1].code required", "grades[2].code duplicate", "bonus.by_grade.good unknown_value", "bonus.by_grade.pass unknown_value"}},
		{"min_0_to_100", func(p *appraisal.Plan) { p.Grades[0].Min, p.Grades[1].Min = pvDec("100.01"), pvDec("-1") },
			[]string{"grades[0].min out_of_range", "grades[1].min out_of_range"}},
		{"mins_distinct", func(p *appraisal.Plan) { p.Grades[1].Min = pvDec("90.0") }, []string{"grades[1].min duplicate"}},
		{"two_grades_from_0", func(p *appraisal.Plan) { p.Grades[2].Min = pvDec("0") }, []string{"grades[3].min duplicate"}},
		{"every_score_has_a_grade", func(p *appraisal.Plan) { p.Grades[3].Min = pvDec("10") }, []string{"grades invalid"}},
		{"R6.4_a_failing_grade", func(p *appraisal.Plan) { p.Grades[3].Pass = true }, []string{"grades invalid"}},
		{"R6.4_a_passing_grade", func(p *appraisal.Plan) {
			for i := range p.Grades {
				p.Grades[i].Pass, p.Grades[i].Excellent = false, false
			}
		}, []string{"grades invalid"}},
		{"R6.4_failing_grades_below_passing", func(p *appraisal.Plan) { p.Grades[1].Pass = false },
			[]string{"grades[1].pass invalid"}},
		{"R7.1_excellent_passes", func(p *appraisal.Plan) { p.Grades[3].Excellent = true; p.Grades[1].Excellent = true },
			[]string{"grades[3].excellent invalid"}},
	})

	p := appraisal.DefaultPlan()
	p.Grades[3].Min = pvDec("10")
	f, _ := org.FieldErrorOf(p.Validate(), "grades")
	assert.Equal(t, "no grade starts at 0: every score needs a grade, so the lowest grade's min is 0", f.Message)
}

func TestPlanValidate_bonus(t *testing.T) {
	pvRun(t, appraisal.DefaultPlan, []pvCase{
		{"R6.4_by_grade_or_linear_required", func(p *appraisal.Plan) { p.Bonus.ByGrade = nil }, []string{"bonus required"}},
		{"R6.4_not_both", func(p *appraisal.Plan) { p.Bonus.Linear = pvLinear().Bonus.Linear }, []string{"bonus invalid"}},
		{"by_grade_empty", func(p *appraisal.Plan) { p.Bonus.ByGrade = map[string]decimal.Decimal{} }, []string{"bonus.by_grade required"}},
		{"by_grade_keys_are_grades_shares_not_negative_every_grade_listed", func(p *appraisal.Plan) {
			p.Bonus.ByGrade = map[string]decimal.Decimal{"excellent": pvDec("1.2"), "good": pvDec("-0.1"), "great": pvDec("2"), "Fail": pvDec("0")}
		}, []string{"bonus.by_grade.Fail unknown_value", "bonus.by_grade.good out_of_range", "bonus.by_grade.great unknown_value", "bonus.by_grade required"}},
		{"cap_not_negative", func(p *appraisal.Plan) { p.Bonus.Cap = pvDec("-1") }, []string{"bonus.cap out_of_range"}},
		{"places_0_to_4", func(p *appraisal.Plan) { p.Bonus.Places = 5 }, []string{"bonus.places out_of_range"}},
		{"places_not_negative", func(p *appraisal.Plan) { p.Bonus.Places = -1 }, []string{"bonus.places out_of_range"}},
	})
	pvRun(t, pvLinear, []pvCase{
		{"linear_from_below_to", func(p *appraisal.Plan) { p.Bonus.Linear.To.Score = pvDec("60.0") }, []string{"bonus.linear.to.score out_of_range"}},
		{"linear_scores_0_to_100_shares_not_negative", func(p *appraisal.Plan) {
			p.Bonus.Linear.From = appraisal.BonusPoint{Score: pvDec("-1"), Share: pvDec("-0.5")}
			p.Bonus.Linear.To = appraisal.BonusPoint{Score: pvDec("101"), Share: pvDec("-1")}
		}, []string{"bonus.linear.from.score out_of_range", "bonus.linear.from.share out_of_range",
			"bonus.linear.to.score out_of_range", "bonus.linear.to.share out_of_range"}},
		{"linear_empty", func(p *appraisal.Plan) { p.Bonus.Linear = &appraisal.LinearBonus{} }, []string{"bonus.linear.to.score out_of_range"}},
	})

	p := appraisal.DefaultPlan()
	delete(p.Bonus.ByGrade, "fail")
	delete(p.Bonus.ByGrade, "good")
	f, _ := org.FieldErrorOf(p.Validate(), "bonus.by_grade")
	assert.Equal(t, "has no share for good, fail: list every grade, with 0 for no bonus", f.Message)
}

// Every problem is reported at once, in the order of the plan's fields.
func TestPlanValidate_everyProblemAtOnce(t *testing.T) {
	p := appraisal.DefaultPlan()
	p.Version = ""
	p.KPIs[0].Code = "satisfaction!"
	p.KPIs[0].Sources[1].Scale.Max = pvDec("1")
	p.KPIs[1].Sources[1].Metric = "profit"
	p.KPIs[2].Weight = pvDec("20")
	p.Missing = "ignore"
	p.Places = 9
	p.Grades[2].Min = pvDec("80")
	p.Bonus.Cap = pvDec("-1")
	p.Bonus.Places = 7
	assert.Equal(t, []string{
		"version required",
		"kpis[0].code invalid_format",
		"kpis[0].sources[1].scale.max out_of_range",
		"kpis[1].sources[1].metric unknown_value",
		"kpis invalid",
		"missing unknown_value",
		"places out_of_range",
		"grades[2].min duplicate",
		"bonus.cap out_of_range",
		"bonus.places out_of_range",
	}, pvFields(t, p.Validate(), "appraisal: plan"))
}

// Validate reads the plan only, and a valid plan scores.
func TestPlanValidate_readsOnly(t *testing.T) {
	p := pvLinear()
	before := p.Bonus.Linear.To.Share
	require.NoError(t, p.Validate())
	assert.True(t, before.Equal(p.Bonus.Linear.To.Share))
	_, err := appraisal.Score(&p, appraisal.Inputs{Employee: "e1", BonusBase: pvDec("1000")})
	require.NoError(t, err)
}
