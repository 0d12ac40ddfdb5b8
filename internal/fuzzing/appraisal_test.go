package fuzzing_test

import (
	"testing"
	"time"

	"github.com/servicelane/servicelane/appraisal"
	"github.com/servicelane/servicelane/org"
)

var (
	october  = org.Month{Year: 2026, Month: time.October}
	november = org.Month{Year: 2026, Month: time.November}
	december = org.Month{Year: 2026, Month: time.December}
	// aprNow is when the appraisal target's commands run: the end of
	// November, as a month-end would.
	aprNow = time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
)

// seedAppraisal finalizes October (chen fails it, and has an improvement
// plan) and opens November with a few ratings in; December has no cycle.
func seedAppraisal(w *world) {
	ctx, apr := w.ctx, w.apr
	w.clock.Set(time.Date(2026, 10, 29, 1, 0, 0, 0, time.UTC))
	plan := appraisal.DefaultPlan()
	plan.MinPeers = 1
	do[appraisal.Cycle](w, "open October")(apr.OpenCycle(ctx, "d1", lin, appraisal.OpenInput{Month: october, Plan: plan}))
	do[appraisal.Input](w, "rate chen")(apr.Rate(ctx, "d1", lin, appraisal.RateInput{Month: october, Ratee: "chen", Source: appraisal.SourceSupervisor, KPI: "skill", Value: dec("1")}))
	do[[]appraisal.Appraisal](w, "score October")(apr.ScoreMonth(ctx, "d1", lin, october))
	do[appraisal.Cycle](w, "finalize October")(apr.Finalize(ctx, "d1", lin, october))
	do[appraisal.Improvement](w, "improve chen")(apr.RecordImprovement(ctx, "d1", lin, appraisal.ImprovementInput{Month: october, Employee: "chen",
		Interview: "talked it through", Goals: []appraisal.Goal{{Text: "daily callbacks", Due: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}}}))
	w.clock.Set(aprNow.Add(-24 * time.Hour))
	do[appraisal.Cycle](w, "open November")(apr.OpenCycle(ctx, "d1", lin, appraisal.OpenInput{Month: november, Plan: plan}))
	do[appraisal.Input](w, "rate wang")(apr.Rate(ctx, "d1", lin, appraisal.RateInput{Month: november, Ratee: "wang", Source: appraisal.SourceSupervisor, KPI: "skill", Value: dec("4")}))
	do[appraisal.Input](w, "wang rates chen")(apr.Rate(ctx, "d1", wang, appraisal.RateInput{Month: november, Ratee: "chen", Source: appraisal.SourcePeer, KPI: "teamwork", Value: dec("3")}))
}

var apprEmployees = []org.EmployeeID{"chen", "wang", "huang", "lin", "wu"}

// appraisalRecords are the cycles, inputs, appraisals and improvement
// plans of October to December.
func appraisalRecords(w *world, dealer org.DealerID, put putFunc) {
	ctx, st := w.ctx, w.st.apr
	for _, m := range []org.Month{october, november, december} {
		c, err := st.Cycle(ctx, dealer, m)
		put("cycle/"+m.String(), c, err)
		as, err := st.Appraisals(ctx, dealer, m)
		put("appraisals/"+m.String(), as, err)
		for _, e := range apprEmployees {
			ins, err := st.Inputs(ctx, dealer, m, e)
			put("inputs/"+m.String()+"/"+string(e), ins, err)
			imp, err := st.Improvement(ctx, dealer, m, e)
			put("improvement/"+m.String()+"/"+string(e), imp, err)
		}
	}
}

func (in *input) aprMonth() org.Month { return in.month(november, october, december) }

func (in *input) rateInput() appraisal.RateInput {
	r := appraisal.RateInput{Month: in.aprMonth(), Ratee: in.employee(), Source: appraisal.Source(in.str("supervisor", "self", "peer", "customer", "measured", "boss")),
		KPI: in.str("attitude", "skill", "teamwork", "satisfaction", "business", "luck"), Value: in.dec(), Customer: in.str("", "survey-1", "surveys:3")}
	if in.byte() == 0 && r.Value.Equal(dec("1")) { // the default rates 4
		r.Value = dec("4")
	}
	return r
}

var appraisalDecoders = []decoder{
	{"open_cycle", func(in *input, now time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		oi := appraisal.OpenInput{Month: in.month(december, november, org.Month{Year: 2027, Month: time.January}), Plan: appraisal.DefaultPlan()}
		set := func(f func()) {
			if in.byte()%3 == 1 {
				f()
			}
		}
		set(func() { oi.Plan.Version = in.str("2027", "") })
		set(func() { oi.Plan.KPIs[0].Name = in.str("Satisfaction") })
		set(func() { oi.Plan.KPIs[0].Weight = in.dec() })
		set(func() { oi.Plan.Places = int32(in.num(0, 2, 4, 5, -1)) })
		set(func() { oi.Plan.MinPeers = in.num(1, 0, 3, 100) })
		set(func() { oi.Plan.Grades[0].Min = in.dec() })
		set(func() { oi.Plan.Bonus.Cap = in.dec() })
		set(func() {
			oi.Deadlines = map[appraisal.Source]time.Time{appraisal.Source(in.str("peer", "self", "customer", "nobody")): in.time(now)}
		})
		return command{dealer: d, args: []any{a, oi}, run: func(w *world) error {
			_, err := w.apr.OpenCycle(w.ctx, d, a, oi)
			return err
		}}
	}},
	{"rate", func(in *input, _ time.Time) command {
		d, a, r := in.dealer(), in.actor(lin), in.rateInput()
		return command{dealer: d, args: []any{a, r}, run: func(w *world) error {
			_, err := w.apr.Rate(w.ctx, d, a, r)
			return err
		}}
	}},
	{"rate_all", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ra := appraisal.RateAllInput{Month: in.aprMonth(), KeepExisting: in.bool()}
		for range 1 + in.intn(3) {
			r := in.rateInput()
			if in.bool() {
				r.Month = org.Month{}
			}
			ra.Ratings = append(ra.Ratings, r)
		}
		return command{dealer: d, args: []any{a, ra}, run: func(w *world) error {
			_, err := w.apr.RateAll(w.ctx, d, a, ra)
			return err
		}}
	}},
	{"cycle_step", func(in *input, _ time.Time) command {
		d, a, which := in.dealer(), in.actor(lin), in.intn(4)
		m := in.month([]org.Month{november, november, october, october}[which], november, october, december)
		reason := in.str("a complaint was withdrawn")
		return command{dealer: d, args: []any{a, which, m, reason}, run: func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.apr.ScoreMonth(w.ctx, d, a, m)
			case 1:
				_, err = w.apr.Finalize(w.ctx, d, a, m)
			case 2:
				_, err = w.apr.Publish(w.ctx, d, a, m)
			default:
				_, err = w.apr.Reopen(w.ctx, d, a, m, reason)
			}
			return err
		}}
	}},
	{"calibrate", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ci := appraisal.CalibrateInput{Month: in.month(october, november), Employee: in.employee(), Score: in.dec(), Reason: in.str("covered for wang")}
		return command{dealer: d, args: []any{a, ci}, run: func(w *world) error {
			_, err := w.apr.Calibrate(w.ctx, d, a, ci)
			return err
		}}
	}},
	{"record_improvement", func(in *input, now time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ii := appraisal.ImprovementInput{Month: in.month(october, november), Employee: in.employee(), Interview: in.str("talked")}
		for range 1 + in.intn(2) {
			g := appraisal.Goal{Text: in.str("callbacks"), Due: in.time(now), Done: in.bool()}
			ii.Goals = append(ii.Goals, g)
		}
		return command{dealer: d, args: []any{a, ii}, run: func(w *world) error {
			_, err := w.apr.RecordImprovement(w.ctx, d, a, ii)
			return err
		}}
	}},
	{"follow_up", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		fi := appraisal.FollowUpInput{Month: in.month(october, november), Employee: in.employee(), Note: in.str("better")}
		for range in.intn(3) {
			fi.Done = append(fi.Done, in.num(0, 1, -1, 20))
		}
		return command{dealer: d, args: []any{a, fi}, run: func(w *world) error {
			_, err := w.apr.FollowUp(w.ctx, d, a, fi)
			return err
		}}
	}},
	{"read", func(in *input, _ time.Time) command {
		d, a, which := in.dealer(), in.actor(lin), in.intn(3)
		m, e, y := in.aprMonth(), in.employee(), in.year(2026, 2027)
		return command{dealer: d, args: []any{a, which, m, e, y}, run: func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.apr.Cycle(w.ctx, d, a, m)
			case 1:
				_, err = w.apr.Appraisals(w.ctx, d, a, m)
			default:
				_, err = w.apr.Trend(w.ctx, d, a, e, y)
			}
			return err
		}}
	}},
}

// appraisalTarget is the appraisal target's worlds.
func appraisalTarget(tb testing.TB) *target {
	return newTarget(tb, "appraisal", aprNow, seedAppraisal, appraisalRecords)
}

// FuzzAppraisal fuzzes the appraisal cycle: opening, rating, scoring,
// calibrating, finalizing and the improvement plans.
func FuzzAppraisal(f *testing.F) {
	ds := appraisalDecoders
	c := func(name string) byte { return cmdIndex(ds, name) }
	for i := range ds {
		f.Add([]byte{byte(i)})
	}
	linB := actorByte(lin)
	rate := func(value []byte) []byte { return enc(c("rate"), 0, linB, 0, "chen", 0, "attitude", value) }
	f.Add(rate(litDec("4.00000000000000000001"))) // 20 places in a rating
	f.Add(rate(litDec("1e30")))
	f.Add(rate(litDec("1e-30")))
	f.Add(rate(litDec("-4")))
	f.Add(enc(c("rate"), 0, linB, 0, "chen\x00", 0, "attitude"))
	f.Add(enc(c("rate"), 0, linB, 0, "chen", 0, "\xff"))
	f.Add(enc(c("rate"), 0, actorByte(chen), 0, "chen", 1, "attitude")) // self rating
	f.Add(enc(c("rate"), 0, linB, 200, "chen"))                         // a month of nonsense
	f.Add(enc(c("calibrate"), 0, linB, 0, "chen", litDec("85.00000000000000000001")))
	f.Add(enc(c("calibrate"), 0, linB, 0, "chen", litDec("1e30")))
	f.Add(enc(c("record_improvement"), 0, linB, 0, "chen", "talked", 0, "callbacks", 11)) // a goal due in year 1
	f.Add(enc(c("record_improvement"), 0, linB, 0, "chen", "talked", 0, "callbacks", 14)) // a goal due in 9999
	f.Add(enc(c("record_improvement"), 0, linB, 0, "chen", "\x1b[31mred"))
	f.Add(enc(c("open_cycle"), 0, linB, 0, 1, "2027\x00"))
	// A KPI named in bytes that are not UTF-8: known finding 3 (known_test.go).
	f.Add(enc(c("open_cycle"), 0, linB, 0, 0, 0, 1, litDec("30.00000000000000000001")))
	f.Add(enc(c("open_cycle"), 0, linB, 0, 0, 0, 0, 0, 0, 0, 0, 1, "peer", 11)) // a deadline in year 1
	f.Add(enc(c("open_cycle"), 0, linB, 0, 0, 0, 0, 0, 0, 0, 0, 1, "peer", 15)) // a deadline in 9999
	f.Add(enc(c("follow_up"), 0, linB, 0, "chen", "better", 1, 163))            // done: goal -1
	tg := appraisalTarget(f)
	tg.fuzz(f, ds)
}
