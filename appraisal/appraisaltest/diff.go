package appraisaltest

import (
	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/internal/kit"
	"github.com/servicelane/servicelane/org"
)

// diffMonth compares two months, showing them as they are written: 2026-11.
func diffMonth(d *kit.Differ, path string, got, want org.Month) {
	if got != want {
		d.Add(path, "got %s, want %s", got, want)
	}
}

func diffPlan(d *kit.Differ, p string, g, w appraisal.Plan) {
	kit.Eq(d, p+".version", g.Version, w.Version)
	kit.Each(d, p+".kpis", g.KPIs, w.KPIs, func(d *kit.Differ, p string, g, w appraisal.KPI) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".name", g.Name, w.Name)
		d.Amount(p+".weight", g.Weight, w.Weight)
		kit.Each(d, p+".sources", g.Sources, w.Sources, func(d *kit.Differ, p string, g, w appraisal.SourceWeight) {
			kit.Eq(d, p+".source", g.Source, w.Source)
			d.Amount(p+".weight", g.Weight, w.Weight)
			d.Amount(p+".scale.min", g.Scale.Min, w.Scale.Min)
			d.Amount(p+".scale.max", g.Scale.Max, w.Scale.Max)
			kit.Eq(d, p+".metric", g.Metric, w.Metric)
			d.Amount(p+".curve.floor", g.Curve.Floor, w.Curve.Floor)
			d.Amount(p+".curve.target", g.Curve.Target, w.Curve.Target)
			kit.Each(d, p+".curve.bands", g.Curve.Bands, w.Curve.Bands, func(d *kit.Differ, p string, g, w appraisal.Band) {
				d.Amount(p+".from", g.From, w.From)
				d.Amount(p+".points", g.Points, w.Points)
			})
		})
	})
	kit.Eq(d, p+".missing", g.Missing, w.Missing)
	kit.Eq(d, p+".min_peers", g.MinPeers, w.MinPeers)
	kit.Eq(d, p+".trim_peers", g.TrimPeers, w.TrimPeers)
	kit.Eq(d, p+".places", g.Places, w.Places)
	kit.Each(d, p+".grades", g.Grades, w.Grades, func(d *kit.Differ, p string, g, w appraisal.Grade) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".name", g.Name, w.Name)
		d.Amount(p+".min", g.Min, w.Min)
		kit.Eq(d, p+".pass", g.Pass, w.Pass)
		kit.Eq(d, p+".excellent", g.Excellent, w.Excellent)
	})
	kit.EachKey(d, p+".bonus.by_grade", g.Bonus.ByGrade, w.Bonus.ByGrade, (*kit.Differ).Amount)
	switch gl, wl := g.Bonus.Linear, w.Bonus.Linear; {
	case (gl == nil) != (wl == nil):
		d.Add(p+".bonus.linear", "got %v, want %v", gl, wl)
	case wl != nil:
		d.Amount(p+".bonus.linear.from.score", gl.From.Score, wl.From.Score)
		d.Amount(p+".bonus.linear.from.share", gl.From.Share, wl.From.Share)
		d.Amount(p+".bonus.linear.to.score", gl.To.Score, wl.To.Score)
		d.Amount(p+".bonus.linear.to.share", gl.To.Share, wl.To.Share)
	}
	d.Amount(p+".bonus.cap", g.Bonus.Cap, w.Bonus.Cap)
	kit.Eq(d, p+".bonus.places", g.Bonus.Places, w.Bonus.Places)
}

func diffCycle(got, want appraisal.Cycle) error {
	d := kit.NewDiffer("cycle %s/%s", want.DealerID, want.Month)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	diffMonth(d, "month", got.Month, want.Month)
	kit.Eq(d, "state", got.State, want.State)
	diffPlan(d, "plan", got.Plan, want.Plan)
	kit.EachKey(d, "deadlines", got.Deadlines, want.Deadlines, (*kit.Differ).Instant)
	d.Instant("opened_at", got.OpenedAt, want.OpenedAt)
	kit.Eq(d, "opened_by", got.OpenedBy, want.OpenedBy)
	d.Instant("scored_at", got.ScoredAt, want.ScoredAt)
	d.Instant("finalized_at", got.FinalizedAt, want.FinalizedAt)
	d.Instant("published_at", got.PublishedAt, want.PublishedAt)
	kit.Each(d, "reopenings", got.Reopenings, want.Reopenings, func(d *kit.Differ, p string, g, w appraisal.Reopening) {
		kit.Eq(d, p+".by", g.By, w.By)
		kit.Eq(d, p+".reason", g.Reason, w.Reason)
		d.Instant(p+".at", g.At, w.At)
	})
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffInput(got, want appraisal.Input) error {
	d := kit.NewDiffer("input %s/%s/%s", want.DealerID, want.Month, want.Key())
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	diffMonth(d, "month", got.Month, want.Month)
	kit.Eq(d, "ratee", got.Ratee, want.Ratee)
	kit.Eq(d, "rater", got.Rater, want.Rater)
	kit.Eq(d, "source", got.Source, want.Source)
	kit.Eq(d, "kpi", got.KPI, want.KPI)
	d.Amount("value", got.Value, want.Value)
	d.Instant("at", got.At, want.At)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffResult(d *kit.Differ, p string, g, w appraisal.Result) {
	kit.Eq(d, p+".employee", g.Employee, w.Employee)
	kit.Eq(d, p+".plan_version", g.PlanVersion, w.PlanVersion)
	d.Amount(p+".score", g.Score, w.Score)
	kit.Eq(d, p+".grade", g.Grade, w.Grade)
	kit.Eq(d, p+".pass", g.Pass, w.Pass)
	kit.Eq(d, p+".excellent", g.Excellent, w.Excellent)
	d.Amount(p+".bonus_share", g.BonusShare, w.BonusShare)
	d.Amount(p+".bonus", g.Bonus, w.Bonus)
	kit.Eq(d, p+".incomplete", g.Incomplete, w.Incomplete)
	kit.Each(d, p+".kpis", g.KPIs, w.KPIs, func(d *kit.Differ, p string, g, w appraisal.KPIResult) {
		kit.Eq(d, p+".code", g.Code, w.Code)
		kit.Eq(d, p+".name", g.Name, w.Name)
		d.Amount(p+".weight", g.Weight, w.Weight)
		d.Amount(p+".share", g.Share, w.Share)
		d.Amount(p+".score", g.Score, w.Score)
		kit.Eq(d, p+".incomplete", g.Incomplete, w.Incomplete)
		kit.List(d, p+".missing", g.Missing, w.Missing)
		kit.List(d, p+".missing_metrics", g.MissingMetrics, w.MissingMetrics)
		kit.Each(d, p+".sources", g.Sources, w.Sources, func(d *kit.Differ, p string, g, w appraisal.SourceResult) {
			kit.Eq(d, p+".source", g.Source, w.Source)
			kit.Eq(d, p+".metric", g.Metric, w.Metric)
			d.Amount(p+".weight", g.Weight, w.Weight)
			d.Amount(p+".share", g.Share, w.Share)
			kit.Eq(d, p+".present", g.Present, w.Present)
			d.Amount(p+".raw", g.Raw, w.Raw)
			d.Amount(p+".points", g.Points, w.Points)
			kit.Eq(d, p+".raters", g.Raters, w.Raters)
			kit.Eq(d, p+".trimmed", g.Trimmed, w.Trimmed)
			kit.Eq(d, p+".too_few", g.TooFew, w.TooFew)
		})
	})
}

func diffAppraisal(got, want appraisal.Appraisal) error {
	d := kit.NewDiffer("appraisal %s/%s/%s", want.DealerID, want.Month, want.Computed.Employee)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	diffMonth(d, "month", got.Month, want.Month)
	diffResult(d, "computed", got.Computed, want.Computed)
	switch gc, wc := got.Calibration, want.Calibration; {
	case (gc == nil) != (wc == nil):
		d.Add("calibration", "got %v, want %v", gc, wc)
	case wc != nil:
		d.Amount("calibration.score", gc.Score, wc.Score)
		kit.Eq(d, "calibration.by", gc.By, wc.By)
		kit.Eq(d, "calibration.reason", gc.Reason, wc.Reason)
		d.Instant("calibration.at", gc.At, wc.At)
	}
	diffResult(d, "final", got.Final, want.Final)
	kit.Eq(d, "rank", got.Rank, want.Rank)
	kit.Eq(d, "consecutive_fails", got.ConsecutiveFails, want.ConsecutiveFails)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func diffImprovement(got, want appraisal.Improvement) error {
	d := kit.NewDiffer("improvement plan %s/%s/%s", want.DealerID, want.Month, want.Employee)
	kit.Eq(d, "dealer_id", got.DealerID, want.DealerID)
	diffMonth(d, "month", got.Month, want.Month)
	kit.Eq(d, "employee", got.Employee, want.Employee)
	kit.Eq(d, "interview", got.Interview, want.Interview)
	kit.Each(d, "goals", got.Goals, want.Goals, func(d *kit.Differ, p string, g, w appraisal.Goal) {
		kit.Eq(d, p+".text", g.Text, w.Text)
		d.Instant(p+".due", g.Due, w.Due)
		kit.Eq(d, p+".done", g.Done, w.Done)
	})
	kit.Each(d, "follow_ups", got.FollowUps, want.FollowUps, func(d *kit.Differ, p string, g, w appraisal.FollowUp) {
		kit.Eq(d, p+".by", g.By, w.By)
		d.Instant(p+".at", g.At, w.At)
		kit.Eq(d, p+".note", g.Note, w.Note)
	})
	kit.Eq(d, "by", got.By, want.By)
	d.Instant("at", got.At, want.At)
	kit.Eq(d, "version", got.Version, want.Version)
	return d.Err()
}

func inputKey(in appraisal.Input) string      { return in.Key() }
func employeeOf(a appraisal.Appraisal) string { return string(a.Computed.Employee) }
func monthOf(a appraisal.Appraisal) string    { return a.Month.String() }
func monthEmployee(a appraisal.Appraisal) string {
	return a.Month.String() + "/" + string(a.Computed.Employee)
}
