package appraisaltest

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

// differ collects the differences between a record read back and the one
// written, each named by its path ("computed.kpis[0].sources[1].raw").
// Decimals compare with Equal (12.5 is 12.50), instants with Equal and must
// be in UTC, slices element by element and maps key by key, nil and empty
// alike.
type differ struct {
	what  string
	diffs []string
}

func (d *differ) add(path, format string, args ...any) {
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

func (d *differ) err() error {
	if len(d.diffs) == 0 {
		return nil
	}
	const most = 8
	list := d.diffs
	more := ""
	if len(list) > most {
		list, more = list[:most], fmt.Sprintf("; and %d more", len(d.diffs)-most)
	}
	return fmt.Errorf("%s reads back different: %s%s", d.what, strings.Join(list, "; "), more)
}

func eq[T comparable](d *differ, path string, got, want T) {
	if got != want {
		d.add(path, "got %#v, want %#v", got, want)
	}
}

func (d *differ) amount(path string, got, want decimal.Decimal) {
	if !got.Equal(want) {
		d.add(path, "got %s, want %s", got, want)
	}
}

func (d *differ) instant(path string, got, want time.Time) {
	if err := sameInstant(got, want); err != nil {
		d.add(path, "%v", err)
	}
}

func (d *differ) month(path string, got, want org.Month) {
	if got != want {
		d.add(path, "got %s, want %s", got, want)
	}
}

func sameInstant(got, want time.Time) error {
	switch {
	case want.IsZero() && !got.IsZero():
		return fmt.Errorf("got %s, want the zero time", got.Format(time.RFC3339Nano))
	case want.IsZero():
		return nil
	case !got.Equal(want):
		return fmt.Errorf("got %s, want %s", got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	case got.Location() != time.UTC:
		return fmt.Errorf("got zone %s (%s), want UTC", got.Location(), got.Format(time.RFC3339Nano))
	}
	return nil
}

// each compares two slices element by element; nil and empty are alike.
func each[T any](d *differ, path string, got, want []T, diff func(d *differ, path string, got, want T)) {
	if len(got) != len(want) {
		d.add(path, "got %d elements, want %d", len(got), len(want))
		return
	}
	for i := range want {
		diff(d, fmt.Sprintf("%s[%d]", path, i), got[i], want[i])
	}
}

// list compares slices of plain values; nil and empty are alike.
func list[T comparable](d *differ, path string, got, want []T) {
	if !slices.Equal(got, want) {
		d.add(path, "got %v, want %v", got, want)
	}
}

// byKey compares two maps key by key; nil and empty are alike.
func byKey[K ~string, V any](d *differ, path string, got, want map[K]V, diff func(d *differ, path string, got, want V)) {
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		if !ok {
			d.add(path+"["+string(k)+"]", "missing")
			continue
		}
		diff(d, path+"["+string(k)+"]", g, want[k])
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			d.add(path+"["+string(k)+"]", "present, want no such key")
		}
	}
}

func diffAmount(d *differ, p string, g, w decimal.Decimal) { d.amount(p, g, w) }
func diffInstant(d *differ, p string, g, w time.Time)      { d.instant(p, g, w) }

func diffPlan(d *differ, p string, g, w appraisal.Plan) {
	eq(d, p+".version", g.Version, w.Version)
	each(d, p+".kpis", g.KPIs, w.KPIs, func(d *differ, p string, g, w appraisal.KPI) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".name", g.Name, w.Name)
		d.amount(p+".weight", g.Weight, w.Weight)
		each(d, p+".sources", g.Sources, w.Sources, func(d *differ, p string, g, w appraisal.SourceWeight) {
			eq(d, p+".source", g.Source, w.Source)
			d.amount(p+".weight", g.Weight, w.Weight)
			d.amount(p+".scale.min", g.Scale.Min, w.Scale.Min)
			d.amount(p+".scale.max", g.Scale.Max, w.Scale.Max)
			eq(d, p+".metric", g.Metric, w.Metric)
			d.amount(p+".curve.floor", g.Curve.Floor, w.Curve.Floor)
			d.amount(p+".curve.target", g.Curve.Target, w.Curve.Target)
			each(d, p+".curve.bands", g.Curve.Bands, w.Curve.Bands, func(d *differ, p string, g, w appraisal.Band) {
				d.amount(p+".from", g.From, w.From)
				d.amount(p+".points", g.Points, w.Points)
			})
		})
	})
	eq(d, p+".missing", g.Missing, w.Missing)
	eq(d, p+".min_peers", g.MinPeers, w.MinPeers)
	eq(d, p+".trim_peers", g.TrimPeers, w.TrimPeers)
	eq(d, p+".places", g.Places, w.Places)
	each(d, p+".grades", g.Grades, w.Grades, func(d *differ, p string, g, w appraisal.Grade) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".name", g.Name, w.Name)
		d.amount(p+".min", g.Min, w.Min)
		eq(d, p+".pass", g.Pass, w.Pass)
		eq(d, p+".excellent", g.Excellent, w.Excellent)
	})
	byKey(d, p+".bonus.by_grade", g.Bonus.ByGrade, w.Bonus.ByGrade, diffAmount)
	switch gl, wl := g.Bonus.Linear, w.Bonus.Linear; {
	case (gl == nil) != (wl == nil):
		d.add(p+".bonus.linear", "got %v, want %v", gl, wl)
	case wl != nil:
		d.amount(p+".bonus.linear.from.score", gl.From.Score, wl.From.Score)
		d.amount(p+".bonus.linear.from.share", gl.From.Share, wl.From.Share)
		d.amount(p+".bonus.linear.to.score", gl.To.Score, wl.To.Score)
		d.amount(p+".bonus.linear.to.share", gl.To.Share, wl.To.Share)
	}
	d.amount(p+".bonus.cap", g.Bonus.Cap, w.Bonus.Cap)
	eq(d, p+".bonus.places", g.Bonus.Places, w.Bonus.Places)
}

func diffCycle(got, want appraisal.Cycle) error {
	d := &differ{what: fmt.Sprintf("cycle %s/%s", want.DealerID, want.Month)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	d.month("month", got.Month, want.Month)
	eq(d, "state", got.State, want.State)
	diffPlan(d, "plan", got.Plan, want.Plan)
	byKey(d, "deadlines", got.Deadlines, want.Deadlines, diffInstant)
	d.instant("opened_at", got.OpenedAt, want.OpenedAt)
	eq(d, "opened_by", got.OpenedBy, want.OpenedBy)
	d.instant("scored_at", got.ScoredAt, want.ScoredAt)
	d.instant("finalized_at", got.FinalizedAt, want.FinalizedAt)
	d.instant("published_at", got.PublishedAt, want.PublishedAt)
	each(d, "reopenings", got.Reopenings, want.Reopenings, func(d *differ, p string, g, w appraisal.Reopening) {
		eq(d, p+".by", g.By, w.By)
		eq(d, p+".reason", g.Reason, w.Reason)
		d.instant(p+".at", g.At, w.At)
	})
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffInput(got, want appraisal.Input) error {
	d := &differ{what: fmt.Sprintf("input %s/%s/%s", want.DealerID, want.Month, want.Key())}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	d.month("month", got.Month, want.Month)
	eq(d, "ratee", got.Ratee, want.Ratee)
	eq(d, "rater", got.Rater, want.Rater)
	eq(d, "source", got.Source, want.Source)
	eq(d, "kpi", got.KPI, want.KPI)
	d.amount("value", got.Value, want.Value)
	d.instant("at", got.At, want.At)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffResult(d *differ, p string, g, w appraisal.Result) {
	eq(d, p+".employee", g.Employee, w.Employee)
	eq(d, p+".plan_version", g.PlanVersion, w.PlanVersion)
	d.amount(p+".score", g.Score, w.Score)
	eq(d, p+".grade", g.Grade, w.Grade)
	eq(d, p+".pass", g.Pass, w.Pass)
	eq(d, p+".excellent", g.Excellent, w.Excellent)
	d.amount(p+".bonus_share", g.BonusShare, w.BonusShare)
	d.amount(p+".bonus", g.Bonus, w.Bonus)
	eq(d, p+".incomplete", g.Incomplete, w.Incomplete)
	each(d, p+".kpis", g.KPIs, w.KPIs, func(d *differ, p string, g, w appraisal.KPIResult) {
		eq(d, p+".code", g.Code, w.Code)
		eq(d, p+".name", g.Name, w.Name)
		d.amount(p+".weight", g.Weight, w.Weight)
		d.amount(p+".share", g.Share, w.Share)
		d.amount(p+".score", g.Score, w.Score)
		eq(d, p+".incomplete", g.Incomplete, w.Incomplete)
		list(d, p+".missing", g.Missing, w.Missing)
		each(d, p+".sources", g.Sources, w.Sources, func(d *differ, p string, g, w appraisal.SourceResult) {
			eq(d, p+".source", g.Source, w.Source)
			eq(d, p+".metric", g.Metric, w.Metric)
			d.amount(p+".weight", g.Weight, w.Weight)
			d.amount(p+".share", g.Share, w.Share)
			eq(d, p+".present", g.Present, w.Present)
			d.amount(p+".raw", g.Raw, w.Raw)
			d.amount(p+".points", g.Points, w.Points)
			eq(d, p+".raters", g.Raters, w.Raters)
			eq(d, p+".trimmed", g.Trimmed, w.Trimmed)
			eq(d, p+".too_few", g.TooFew, w.TooFew)
		})
	})
}

func diffAppraisal(got, want appraisal.Appraisal) error {
	d := &differ{what: fmt.Sprintf("appraisal %s/%s/%s", want.DealerID, want.Month, want.Computed.Employee)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	d.month("month", got.Month, want.Month)
	diffResult(d, "computed", got.Computed, want.Computed)
	switch gc, wc := got.Calibration, want.Calibration; {
	case (gc == nil) != (wc == nil):
		d.add("calibration", "got %v, want %v", gc, wc)
	case wc != nil:
		d.amount("calibration.score", gc.Score, wc.Score)
		eq(d, "calibration.by", gc.By, wc.By)
		eq(d, "calibration.reason", gc.Reason, wc.Reason)
		d.instant("calibration.at", gc.At, wc.At)
	}
	diffResult(d, "final", got.Final, want.Final)
	eq(d, "rank", got.Rank, want.Rank)
	eq(d, "consecutive_fails", got.ConsecutiveFails, want.ConsecutiveFails)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

func diffImprovement(got, want appraisal.Improvement) error {
	d := &differ{what: fmt.Sprintf("improvement plan %s/%s/%s", want.DealerID, want.Month, want.Employee)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	d.month("month", got.Month, want.Month)
	eq(d, "employee", got.Employee, want.Employee)
	eq(d, "interview", got.Interview, want.Interview)
	each(d, "goals", got.Goals, want.Goals, func(d *differ, p string, g, w appraisal.Goal) {
		eq(d, p+".text", g.Text, w.Text)
		d.instant(p+".due", g.Due, w.Due)
		eq(d, p+".done", g.Done, w.Done)
	})
	each(d, "follow_ups", got.FollowUps, want.FollowUps, func(d *differ, p string, g, w appraisal.FollowUp) {
		eq(d, p+".by", g.By, w.By)
		d.instant(p+".at", g.At, w.At)
		eq(d, p+".note", g.Note, w.Note)
	})
	eq(d, "by", got.By, want.By)
	d.instant("at", got.At, want.At)
	eq(d, "version", got.Version, want.Version)
	return d.err()
}

// diffEvent compares everything but Seq, which the store assigns.
func diffEvent(got, want org.Event) error {
	d := &differ{what: fmt.Sprintf("event %s/%s", want.DealerID, want.ID)}
	eq(d, "dealer_id", got.DealerID, want.DealerID)
	eq(d, "id", got.ID, want.ID)
	d.instant("at", got.At, want.At)
	eq(d, "actor", got.Actor, want.Actor)
	eq(d, "type", got.Type, want.Type)
	eq(d, "subject", got.Subject, want.Subject)
	eq(d, "reason", got.Reason, want.Reason)
	if string(got.Data) != string(want.Data) {
		d.add("data", "got %s, want %s (byte for byte)", got.Data, want.Data)
	}
	return d.err()
}

// diffEvents compares two runs of events, Seq included.
func diffEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %d %s", what, len(got), eventIDs(got), len(want), eventIDs(want))
	}
	var errs []error
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, event %d: %w", what, i, err))
		} else if got[i].Seq != want[i].Seq {
			errs = append(errs, fmt.Errorf("%s, event %d (%s): Seq %d, want %d", what, i, want[i].ID, got[i].Seq, want[i].Seq))
		}
	}
	return errors.Join(errs...)
}

// sameEvents compares events without their Seq.
func sameEvents(what string, got, want []org.Event) error {
	if len(got) != len(want) {
		return fmt.Errorf("%s: got %d events %s, want %s", what, len(got), eventIDs(got), eventIDs(want))
	}
	for i := range want {
		if err := diffEvent(got[i], want[i]); err != nil {
			return fmt.Errorf("%s, event %d: %w", what, i, err)
		}
	}
	return nil
}

func eventIDs(evs []org.Event) string {
	ids := make([]string, len(evs))
	for i, ev := range evs {
		ids[i] = fmt.Sprintf("%s@%d", ev.ID, ev.Seq)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// diffList compares a list read back with the records it must hold, in
// order: first their keys, then each record.
func diffList[T any](what string, got, want []T, key func(T) string, diff func(got, want T) error) error {
	if err := sameKeys(what, got, want, key); err != nil {
		return err
	}
	var errs []error
	for i := range want {
		if err := diff(got[i], want[i]); err != nil {
			errs = append(errs, fmt.Errorf("%s, element %d: %w", what, i, err))
		}
	}
	return errors.Join(errs...)
}

func sameKeys[T any](what string, got, want []T, key func(T) string) error {
	g, w := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		g[i] = key(got[i])
	}
	for i := range want {
		w[i] = key(want[i])
	}
	if !slices.Equal(g, w) {
		return fmt.Errorf("%s = %q, want %q", what, g, w)
	}
	return nil
}

func inputKey(in appraisal.Input) string      { return in.Key() }
func employeeOf(a appraisal.Appraisal) string { return string(a.Computed.Employee) }
func monthOf(a appraisal.Appraisal) string    { return a.Month.String() }
func monthEmployee(a appraisal.Appraisal) string {
	return a.Month.String() + "/" + string(a.Computed.Employee)
}
