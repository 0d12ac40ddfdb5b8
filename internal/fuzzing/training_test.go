package fuzzing_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/training"
)

var (
	feb10 = time.Date(2027, 2, 10, 1, 0, 0, 0, time.UTC) // 09:00 in Taipei
	mar10 = time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC)
	// trainNow is when the training target's commands run: five hours into
	// session s1.
	trainNow = feb10.Add(5 * time.Hour)
)

// courses are 2027's plan: an exam on fault diagnosis for every advisor,
// and a practical on the company's rules with a certificate.
func courses() []training.Course {
	return []training.Course{
		{ID: "diag", Title: "Fault diagnosis", Category: training.CategoryProfessional, Method: training.MethodInternal,
			Instructor: "Master Lo", Month: time.February, Hours: dec("4"), Target: training.Target{AllAdvisors: true}, SelfEnrol: true,
			Assessment: training.Assessment{Kind: training.KindExam, PassMark: dec("60"), Excellent: dec("90"),
				MaxAttempts: 2, RetakeWindowDays: 14, Counts: training.CountHighest}},
		{ID: "rules", Title: "Company rules", Category: training.CategoryRules, Method: training.MethodOnline, Month: time.March,
			Hours: dec("2"), Target: training.Target{Role: org.RoleAdvisor}, Mandatory: true,
			Assessment: training.Assessment{Kind: training.KindPractical, PassMark: dec("80"), Excellent: dec("100"),
				MaxAttempts: 3, RetakeWindowDays: 30, Counts: training.CountLast},
			Certificate: &training.Certificate{Name: "Rules", ValidDays: 365}},
	}
}

// seedTraining approves 2027's plan, schedules s1 (diag, 10 February:
// chen and wang enrolled, chen present and failed with 30) and s2 (diag,
// 10 March, huang enrolled, capacity 2), and records lin's career advice
// for chen.
func seedTraining(w *world) {
	ctx, tr := w.ctx, w.train
	w.clock.Set(time.Date(2027, 1, 5, 1, 0, 0, 0, time.UTC))
	do[training.Plan](w, "save plan")(tr.SavePlan(ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: courses()}))
	do[training.Plan](w, "approve plan")(tr.ApprovePlan(ctx, "d1", lin, 2027))
	ss := do[training.Session]
	ss(w, "schedule s1")(tr.ScheduleSession(ctx, "d1", lin, training.SessionInput{ID: "s1", Year: 2027, CourseID: "diag", Start: feb10, Place: "Room 2", Capacity: 5}))
	ss(w, "schedule s2")(tr.ScheduleSession(ctx, "d1", lin, training.SessionInput{ID: "s2", Year: 2027, CourseID: "diag", Start: mar10, Place: "Room 2", Capacity: 2}))
	for _, e := range []struct {
		s string
		e org.EmployeeID
	}{{"s1", "chen"}, {"s1", "wang"}, {"s2", "huang"}} {
		ss(w, "enrol")(tr.Enrol(ctx, "d1", lin, training.EnrolInput{Session: e.s, Employee: e.e}))
	}
	do[training.Career](w, "advise")(tr.Advise(ctx, "d1", lin, training.CareerInput{Employee: "chen", Note: "lead the desk"}))
	w.clock.Set(trainNow.Add(-time.Hour))
	ss(w, "attendance")(tr.RecordAttendance(ctx, "d1", lin, training.AttendanceInput{Session: "s1", Employee: "chen", Attendance: training.Present}))
	thirty := dec("30")
	do[training.Progress](w, "assess")(tr.Assess(ctx, "d1", lin, training.AssessInput{Session: "s1", Employee: "chen", Result: training.Result{Score: &thirty}}))
}

// trainingRecords are the plans, sessions, progress and careers.
func trainingRecords(w *world, dealer org.DealerID, put putFunc) {
	ctx, st := w.ctx, w.st.train
	for _, y := range []int{2026, 2027, 2028} {
		p, err := st.Plan(ctx, dealer, y)
		put("plan/"+strconv.Itoa(y), p, err)
	}
	ss, err := st.Sessions(ctx, dealer, 2027)
	put("sessions/2027", ss, err)
	for _, e := range apprEmployees {
		pr, err := st.Progress(ctx, dealer, 2027, e)
		put("progress/2027/"+string(e), pr, err)
	}
	cs, err := st.Careers(ctx, dealer)
	put("careers", cs, err)
}

func (in *input) result() training.Result {
	var r training.Result
	switch in.intn(4) {
	case 0:
		r.Score = in.decp()
		if r.Score != nil && in.byte() == 0 && r.Score.Equal(dec("1")) { // the default passes
			r.Score = ptr(dec("80"))
		}
	case 1:
		for range in.intn(4) {
			r.Checklist = append(r.Checklist, in.bool())
		}
	case 2:
		for range in.intn(3) {
			r.Rubric = append(r.Rubric, training.RubricItem{Points: in.dec(), Max: in.dec()})
		}
	default:
		r.Score = in.decp()
		r.Checklist = []bool{in.bool()}
	}
	return r
}

func ptr[T any](v T) *T { return &v }

var trainingDecoders = []decoder{
	{"save_plan", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		pi := training.PlanInput{Year: in.year(2028, 2027, 2026), Courses: courses(), Reason: in.str("", "new year"), ExpectedVersion: in.version()}
		set := func(f func()) {
			if in.byte()%3 == 1 {
				f()
			}
		}
		c := &pi.Courses[0]
		set(func() { c.ID = in.str("diag2", "diag", "") })
		set(func() { c.Title = in.str("Fault diagnosis 2") })
		set(func() { c.Instructor = in.str("Master Lo") })
		set(func() { c.Month = time.Month(in.num(2, 0, 13, -1)) })
		set(func() { c.Hours = in.dec() })
		set(func() { c.Assessment.PassMark = in.dec() })
		set(func() { c.Assessment.Excellent = in.dec() })
		set(func() { c.Assessment.MaxAttempts = in.num(2, 0, 11) })
		set(func() { c.Target.Employees = []org.EmployeeID{in.employee()} })
		set(func() {
			c.Certificate = &training.Certificate{Name: in.str("Diagnosis"), ValidDays: in.num(365, 0, 36501, -1)}
		})
		set(func() { pi.Courses = append(pi.Courses, pi.Courses[0]) }) // an ID twice
		return command{dealer: d, args: []any{a, pi}, run: func(w *world) error {
			_, err := w.train.SavePlan(w.ctx, d, a, pi)
			return err
		}}
	}},
	{"approve_plan", func(in *input, _ time.Time) command {
		d, a, y := in.dealer(), in.actor(lin), in.year(2027, 2028)
		return command{dealer: d, args: []any{a, y}, run: func(w *world) error {
			_, err := w.train.ApprovePlan(w.ctx, d, a, y)
			return err
		}}
	}},
	{"schedule_session", func(in *input, now time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		si := training.SessionInput{ID: in.str("s3", "", "s1", "s 3"), Year: in.year(2027, 2028), CourseID: in.str("diag", "rules", "nope"),
			Start: in.time(now.Add(20 * 24 * time.Hour)), Hours: in.decz(), Place: in.str("Room 2", ""), Link: in.str("", "https://example.com/room", "not a url"),
			Instructor: in.str("", "Master Lo"), Provider: in.str("", "Toyota Academy"), Capacity: in.num(5, 0, 1000, 1001, -1)}
		return command{dealer: d, args: []any{a, si}, run: func(w *world) error {
			_, err := w.train.ScheduleSession(w.ctx, d, a, si)
			return err
		}}
	}},
	{"enrolment", func(in *input, _ time.Time) command {
		d, a, withdraw := in.dealer(), in.actor(lin), in.bool()
		ei := training.EnrolInput{Session: in.id("s2", "s1", "s9"), Employee: in.employee()}
		if withdraw && ei.Session == "s2" && ei.Employee == "chen" { // the default withdraws who is enrolled
			ei.Employee = "huang"
		}
		return command{dealer: d, args: []any{a, withdraw, ei}, run: func(w *world) error {
			var err error
			if withdraw {
				_, err = w.train.Withdraw(w.ctx, d, a, ei)
			} else {
				_, err = w.train.Enrol(w.ctx, d, a, ei)
			}
			return err
		}}
	}},
	{"record_attendance", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ai := training.AttendanceInput{Session: in.id("s1", "s2", "s9"), Employee: in.employee("wang"), Attendance: training.Attendance(in.str("present", "absent", "excused", "late")),
			Exempt: in.str("", "sick")}
		if ai.Employee == "chen" && in.byte() == 0 { // the default: wang, not yet recorded
			ai.Employee = "wang"
		}
		return command{dealer: d, args: []any{a, ai}, run: func(w *world) error {
			_, err := w.train.RecordAttendance(w.ctx, d, a, ai)
			return err
		}}
	}},
	{"assess", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ai := training.AssessInput{Session: in.id("s1", "s2"), Employee: in.employee(), Result: in.result()}
		return command{dealer: d, args: []any{a, ai}, run: func(w *world) error {
			_, err := w.train.Assess(w.ctx, d, a, ai)
			return err
		}}
	}},
	{"retake", func(in *input, _ time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ri := training.RetakeInput{Year: in.year(2027, 2028), CourseID: in.str("diag", "rules", "nope"), Employee: in.employee(), Result: in.result()}
		return command{dealer: d, args: []any{a, ri}, run: func(w *world) error {
			_, err := w.train.Retake(w.ctx, d, a, ri)
			return err
		}}
	}},
	{"sweep_or_close", func(in *input, _ time.Time) command {
		d, a, closing := in.dealer(), in.actor(lin), in.bool()
		y, id := in.year(2027, 2028), in.id("s1", "s2", "s9")
		return command{dealer: d, args: []any{a, closing, y, id}, run: func(w *world) error {
			var err error
			if closing {
				_, err = w.train.CloseSession(w.ctx, d, a, id)
			} else {
				_, err = w.train.SweepRetakes(w.ctx, d, a, y)
			}
			return err
		}}
	}},
	{"advise", func(in *input, now time.Time) command {
		d, a := in.dealer(), in.actor(lin)
		ci := training.CareerInput{Employee: in.employee(), Note: in.str("lead the desk", "")}
		for range in.intn(3) {
			ci.Goals = append(ci.Goals, training.Goal{Text: in.str("pass the rules course"), Due: in.time(now), Done: in.bool()})
		}
		return command{dealer: d, args: []any{a, ci}, run: func(w *world) error {
			_, err := w.train.Advise(w.ctx, d, a, ci)
			return err
		}}
	}},
	{"read", func(in *input, _ time.Time) command {
		d, a, which := in.dealer(), in.actor(lin), in.intn(4)
		e, y, days := in.employee(), in.year(2027, 2026), in.num(30, 0, -1, 36500, 1<<31)
		return command{dealer: d, args: []any{a, which, e, y, days}, run: func(w *world) error {
			var err error
			switch which {
			case 0:
				_, err = w.train.Report(w.ctx, d, a, e, y)
			case 1:
				_, err = w.train.Completion(w.ctx, d, a, y)
			case 2:
				_, err = w.train.Plan(w.ctx, d, a, y)
			default:
				_, err = w.train.ExpiringWithin(w.ctx, d, a, days)
			}
			return err
		}}
	}},
}

// trainingTarget is the training target's worlds.
func trainingTarget(tb testing.TB) *target {
	return newTarget(tb, "training", trainNow, seedTraining, trainingRecords)
}

// FuzzTraining fuzzes the training plan, sessions, attendance,
// assessments, retakes and career advice.
func FuzzTraining(f *testing.F) {
	ds := trainingDecoders
	c := func(name string) byte { return cmdIndex(ds, name) }
	for i := range ds {
		f.Add([]byte{byte(i)})
	}
	linB := actorByte(lin)
	assess := func(score []byte) []byte { return enc(c("assess"), 0, linB, "s1", "wang", 0, 1, score) }
	f.Add(assess(litDec("80.00000000000000000001"))) // 20 places in a score
	f.Add(assess(litDec("1e30")))
	f.Add(assess(litDec("1e-30")))
	f.Add(assess(litDec("-1")))
	f.Add(enc(c("assess"), 0, linB, "s1\x00", "wang"))
	f.Add(enc(c("retake"), 0, linB, 0, "diag", "chen", 0, 1, litDec("60.00000000000000000001")))
	f.Add(enc(c("save_plan"), 0, linB, 0, 0, 0, 0, 0, 0, 0, 1, litDec("4.00000000000000000001"))) // hours with 20 places
	f.Add(enc(c("save_plan"), 0, linB, 0, 0, 0, 0, 0, 0, 0, 1, litDec("1e30")))
	f.Add(enc(c("save_plan"), 0, linB, 0, 0, 0, 1, "diag\x00"))
	f.Add(enc(c("save_plan"), 0, linB, 0, 0, 0, 0, 1, "\xff\xfe\xfd"))
	f.Add(enc(c("save_plan"), 0, linB, 161))                                          // year 1
	f.Add(enc(c("schedule_session"), 0, linB, "s3", 0, "diag", 11))                   // a session in year 1
	f.Add(enc(c("schedule_session"), 0, linB, "s3", 0, "diag", 13))                   // in 1900
	f.Add(enc(c("schedule_session"), 0, linB, "s3", 0, "diag", 14))                   // in 9999
	f.Add(enc(c("schedule_session"), 0, linB, "s3", 0, "diag", 0, 1, litDec("1e30"))) // 1e30 hours
	f.Add(enc(c("advise"), 0, linB, "chen", "x", 1, "goal", 11))                      // a goal due in year 1
	f.Add(enc(c("advise"), 0, linB, "chen", "x", 1, "goal", 14))                      // in 9999
	f.Add(enc(c("advise"), 0, linB, "chen", "\xff"))
	f.Add(enc(c("record_attendance"), 0, linB, "s1", "wang", 0, "sick\x00"))
	f.Add(enc(c("read"), 0, linB, 3, 0, 0, 160)) // expiring within 2^31 days
	tg := trainingTarget(f)
	tg.fuzz(f, ds)
}
