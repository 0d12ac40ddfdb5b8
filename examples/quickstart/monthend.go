package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/textwidth"
	"github.com/servicelane/servicelane/org"
)

// appraisalMonth rates the appraisal (R6): October is already finalised
// (Huang failed it); November is rated by the advisors themselves, their
// supervisor and their peers. The customers' ratings come from the
// month's surveys, and the month-end (monthend.Run) scores, ranks and
// finalises it.
func appraisalMonth(ctx context.Context, svc *appraisal.Service, clock *org.ManualClock, dealer org.DealerID, nov org.Month) error {
	plan := appraisal.DefaultPlan()
	// Three advisors give each other two peer ratings; the dealer counts
	// peers from two (the shipped default is three).
	plan.MinPeers = 2
	advisors := []org.EmployeeID{"chen", "wang", "huang"}
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	rate := func(actor org.Actor, m org.Month, ratee org.EmployeeID, src appraisal.Source, kpi, value string) error {
		in := appraisal.RateInput{Month: m, Ratee: ratee, Source: src, KPI: kpi, Value: amount(value)}
		if src == appraisal.SourceCustomer {
			in.Customer = "survey"
		}
		_, err := svc.Rate(ctx, dealer, actor, in)
		return err
	}
	// low gives Huang the ratings that fail him; the others rate well.
	score := func(ratee org.EmployeeID, good, low string) string {
		if ratee == "huang" {
			return low
		}
		return good
	}
	for _, m := range []org.Month{nov.Prev(), nov} {
		if _, err := svc.OpenCycle(ctx, dealer, lin, appraisal.OpenInput{Month: m, Plan: plan}); err != nil {
			return err
		}
		for _, ratee := range advisors {
			self := org.Actor{ID: ratee, Role: org.RoleAdvisor}
			steps := []error{
				rate(self, m, ratee, appraisal.SourceSelf, "attitude", "4"),
				rate(lin, m, ratee, appraisal.SourceSupervisor, "teamwork", score(ratee, "4", "2")),
				rate(lin, m, ratee, appraisal.SourceSupervisor, "skill", score(ratee, "4", "1")),
				rate(lin, m, ratee, appraisal.SourceSupervisor, "attitude", score(ratee, "5", "2")),
			}
			if m != nov { // November's come from its surveys, at the month-end
				steps = append(steps, rate(org.Admin("dms"), m, ratee, appraisal.SourceCustomer, "satisfaction", score(ratee, "5", "2")))
			}
			for _, peer := range advisors {
				if peer != ratee {
					p := org.Actor{ID: peer, Role: org.RoleAdvisor}
					steps = append(steps, rate(p, m, ratee, appraisal.SourcePeer, "teamwork", score(ratee, "4", "2")),
						rate(p, m, ratee, appraisal.SourcePeer, "attitude", score(ratee, "4", "2")))
				}
			}
			for _, err := range steps {
				if err != nil {
					return err
				}
			}
		}
		if m == nov {
			break
		}
		if _, err := svc.ScoreMonth(ctx, dealer, lin, m); err != nil {
			return err
		}
		if _, err := svc.Finalize(ctx, dealer, lin, m); err != nil {
			return err
		}
		clock.Advance(24 * time.Hour)
	}
	return nil
}

// printAppraisal prints November's final results: ranks, scores, grades,
// bonuses, and how the best score was made (R1.3).
func printAppraisal(ctx context.Context, svc *appraisal.Service, dealer org.DealerID, nov org.Month, out io.Writer) error {
	lin := org.Actor{ID: "lin", Role: org.RoleSupervisor}
	c, err := svc.Cycle(ctx, dealer, lin, nov)
	if err != nil {
		return err
	}
	plan := c.Plan
	as, err := svc.Appraisals(ctx, dealer, lin, nov)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nAppraisal for %s (R6), plan %s\n", nov, plan.Version)
	// Columns by display width, so a Chinese name or grade keeps its column.
	ranks := textwidth.Table{Columns: []textwidth.Column{{Width: 4}, {Width: 7, Gap: 1}, {Align: textwidth.Right, Width: 6, Gap: 1},
		{Width: 9, Gap: 2}, {Align: textwidth.Right, Width: 6, Gap: 1}, {Gap: 2}}}
	ranks.Row("RANK", "ADVISOR", "SCORE", "GRADE", "BONUS", "KPIs (points)")
	for _, a := range as {
		r := a.Final
		var kpis []string
		for _, k := range r.KPIs {
			if k.Incomplete {
				kpis = append(kpis, k.Code+" -")
				continue
			}
			kpis = append(kpis, fmt.Sprintf("%s %s", k.Code, k.Score.StringFixed(1)))
		}
		ranks.Row(strconv.Itoa(a.Rank), string(r.Employee), r.Score.StringFixed(2), string(r.Grade), r.Bonus.StringFixed(0), strings.Join(kpis, ", "))
		if a.ConsecutiveFails >= 2 { // a note under the advisor's name
			ranks.Row("", fmt.Sprintf("! %s failed %d months in a row (R6.4): performance interview and improvement plan; the contract may be ended",
				r.Employee, a.ConsecutiveFails))
		}
	}
	if _, err := ranks.WriteTo(out); err != nil {
		return err
	}
	// Training results count toward the skill KPI (R5.4, R6.1): the
	// month's counted exam score through the training Measurer.
	var effect []string
	for _, a := range as {
		for _, k := range a.Final.KPIs {
			for _, s := range k.Sources {
				if s.Metric == appraisal.MetricTrainingScore && s.Present {
					effect = append(effect, fmt.Sprintf("%s %s -> %s pts", a.Final.Employee, s.Raw.StringFixed(0), s.Points.StringFixed(1)))
				}
			}
		}
	}
	fmt.Fprintf(out, "Training in the skill KPI (R5.4): %s\n", strings.Join(effect, "; "))
	// How one score was made (R1.3): every source's points and share.
	best := as[0].Final
	fmt.Fprintf(out, "\nHow %s's %s was made:\n", best.Employee, best.Score.StringFixed(2))
	made := textwidth.Table{Columns: []textwidth.Column{{Width: 13, Gap: 2}, {Gap: 1}}}
	for _, k := range best.KPIs {
		var how strings.Builder
		fmt.Fprintf(&how, "weight %3s  score %6s:", k.Weight, k.Score.StringFixed(2))
		for _, s := range k.Sources {
			name := string(s.Source)
			if s.Metric != "" {
				name = string(s.Metric)
			}
			if !s.Present {
				fmt.Fprintf(&how, " %s missing;", name)
				continue
			}
			fmt.Fprintf(&how, " %s %s pts x %s;", name, s.Points.StringFixed(1), s.Share.StringFixed(2))
		}
		made.Row(k.Code, how.String())
	}
	_, err = made.WriteTo(out)
	return err
}
