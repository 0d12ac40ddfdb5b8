package training_test

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/servicelane/servicelane/org"
	"github.com/servicelane/servicelane/store/memstore"
	"github.com/servicelane/servicelane/training"
)

// The property tests check what R5.4 keeps over random attempts and random
// sequences of assessments, retakes, waits and sweeps. They honour rapid's
// flags: go test ./training -run Property -rapid.checks=5000 -rapid.steps=100

// propScore is a score 0 to 100 with 0 to 4 decimal places, as an exam
// gives it or a practical or case analysis computes it, both as a decimal
// and as the exact fraction it stands for (built from the same integers,
// not from the decimal, so the check does not trust decimal's arithmetic).
func propScore(t *rapid.T, label string) (decimal.Decimal, *big.Rat) {
	places := rapid.IntRange(0, 4).Draw(t, label+"_places")
	scale := int64(1)
	for range places {
		scale *= 10
	}
	units := rapid.Int64Range(0, 100*scale).Draw(t, label)
	return decimal.New(units, int32(-places)), big.NewRat(units, scale)
}

// propRound2 rounds a non-negative fraction to 2 places, half away from
// zero, and gives it as hundredths.
func propRound2(q *big.Rat) *big.Int {
	h := new(big.Rat).Mul(q, big.NewRat(100, 1))
	h.Add(h, big.NewRat(1, 2))
	return new(big.Int).Quo(h.Num(), h.Denom()) // floor: h is not negative
}

// R5.4: the score that counts for a course, under every counting, is the
// one recomputed independently over the attempts of every round: the
// highest, the last, the first, or the average exactly to the hundredth
// (half away from zero), never through a float.
func TestCountedProperty_R5_4(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "attempts")
		all := make([]training.Attempt, n)
		exact := make([]*big.Rat, n)
		for i := range n {
			if rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("missed%d", i)) == 0 {
				// A missed retake (R5.4) is a fail with a zero score, as
				// SweepRetakes writes it.
				all[i], exact[i] = training.Attempt{Missed: true}, new(big.Rat)
				continue
			}
			d, r := propScore(t, fmt.Sprintf("score%d", i))
			all[i], exact[i] = training.Attempt{Score: d}, r
		}
		// Earlier rounds and the current one count alike.
		k := rapid.IntRange(0, n).Draw(t, "earlier")
		p := training.Progress{Earlier: slices.Clone(all[:k]), Attempts: slices.Clone(all[k:])}

		for _, c := range []training.Counting{training.CountHighest, training.CountLast, training.CountFirst, training.CountAverage} {
			got, ok := p.Counted(c)
			if n == 0 {
				require.False(t, ok, "%s: no attempt, no score", c)
				require.True(t, got.IsZero(), "%s", c)
				continue
			}
			require.True(t, ok, "%s", c)
			var want *big.Rat
			switch c {
			case training.CountHighest:
				want = exact[0]
				for _, r := range exact[1:] {
					if r.Cmp(want) > 0 {
						want = r
					}
				}
			case training.CountLast:
				want = exact[n-1]
			case training.CountFirst:
				want = exact[0]
			case training.CountAverage:
				sum := new(big.Rat)
				for _, r := range exact {
					sum.Add(sum, r)
				}
				mean := new(big.Rat).Quo(sum, big.NewRat(int64(n), 1))
				want = new(big.Rat).SetFrac(propRound2(mean), big.NewInt(100))
				// Within half a hundredth of the true mean, and equal to it
				// when the mean has at most two places.
				diff := new(big.Rat).Sub(got.Rat(), mean)
				require.LessOrEqual(t, diff.Abs(diff).Cmp(big.NewRat(1, 200)), 0, "average %s of %v", got, exact)
				if new(big.Rat).Mul(mean, big.NewRat(100, 1)).IsInt() {
					require.Zero(t, got.Rat().Cmp(mean), "average %s of %v is exact", got, exact)
				}
			}
			require.Zero(t, got.Rat().Cmp(want), "%s: got %s, want %s", c, got, want.FloatString(6))
		}
		// A counting the plan does not know (a plan loaded without
		// validation) counts the highest.
		h, _ := p.Counted(training.CountHighest)
		u, _ := p.Counted("best_of_three")
		require.True(t, h.Equal(u))
	})
}

// propMachine drives one employee through one course on a memstore, with
// a manual clock, and keeps a model of what R5.4 says must follow.
type propMachine struct {
	ctx    context.Context
	clock  *org.ManualClock
	store  *memstore.Store
	svc    *training.Service
	course training.Course
	seq    int

	// The model.
	standing  training.Standing
	round     []training.Attempt // scores, Passed, Missed
	earlier   int
	retakeBy  time.Time
	commended bool
}

const propEmployee org.EmployeeID = "wang"

func newPropMachine(t *rapid.T) *propMachine {
	ctx := context.Background()
	st := memstore.New()
	clock := org.NewManualClock(jan5)
	roster, err := org.NewService(org.Config{Store: st, Clock: clock, IDs: org.SequentialIDs("r")})
	require.NoError(t, err)
	admin := org.Admin("setup")
	_, err = roster.CreateDealer(ctx, admin, org.NewDealer{ID: "d1", Name: "Taipei Motors", TimeZone: "Asia/Taipei", Currency: "TWD"})
	require.NoError(t, err)
	for _, e := range []org.NewEmployee{{ID: "lin", Name: "Lin", Role: org.RoleSupervisor}, {ID: propEmployee, Name: "Wang", Role: org.RoleAdvisor}} {
		_, err := roster.AddEmployee(ctx, "d1", admin, e)
		require.NoError(t, err)
	}
	svc, err := training.NewService(training.Config{Store: st.Training(), Roster: roster.Directory(), Clock: clock, IDs: org.SequentialIDs("t")})
	require.NoError(t, err)

	// A course with a random assessment: pass mark and excellent in
	// halves, 1 to 4 attempts, a window of 1 to 30 days, any counting.
	pass := rapid.Int64Range(1, 200).Draw(t, "pass_mark_halves")
	excellent := rapid.Int64Range(pass, 200).Draw(t, "excellent_halves")
	c := training.Course{ID: "diag", Title: "Fault diagnosis", Category: training.CategoryProfessional, Method: training.MethodInternal,
		Instructor: "Master Lo", Month: time.February, Hours: dec("2"), Target: training.Target{AllAdvisors: true},
		Assessment: training.Assessment{Kind: training.KindExam,
			PassMark:         decimal.New(pass*5, -1),
			Excellent:        decimal.New(excellent*5, -1),
			MaxAttempts:      rapid.IntRange(1, 4).Draw(t, "max_attempts"),
			RetakeWindowDays: rapid.IntRange(1, 30).Draw(t, "retake_window_days"),
			Counts:           rapid.SampledFrom([]training.Counting{training.CountHighest, training.CountLast, training.CountFirst, training.CountAverage}).Draw(t, "counts"),
		}}
	_, err = svc.SavePlan(ctx, "d1", lin, training.PlanInput{Year: 2027, Courses: []training.Course{c}})
	require.NoError(t, err)
	_, err = svc.ApprovePlan(ctx, "d1", host, 2027)
	require.NoError(t, err)
	return &propMachine{ctx: ctx, clock: clock, store: st, svc: svc, course: c, standing: training.InProgress}
}

// score draws a result: right at the pass mark, the excellent mark or a
// hundredth below the pass mark, anything 0 to 100, and mostly a fail, so
// that sequences reach retakes, sweeps and retraining before a pass ends
// them.
func (m *propMachine) score(t *rapid.T) decimal.Decimal {
	a := m.course.Assessment
	below := a.PassMark.Sub(dec("0.01"))
	// rapid favours small draws: those are fails.
	switch k := rapid.IntRange(0, 11).Draw(t, "score_kind"); k {
	case 8:
		return below
	case 9:
		return decimal.New(rapid.Int64Range(0, 10000).Draw(t, "score"), -2)
	case 10:
		return a.PassMark
	case 11:
		return a.Excellent
	}
	return decimal.New(rapid.Int64Range(0, below.Shift(2).IntPart()).Draw(t, "fail_score"), -2)
}

// apply is the model of one attempt (R5.4).
func (m *propMachine) apply(score decimal.Decimal, missed bool) {
	a := m.course.Assessment
	now := org.Now(m.clock)
	passed := !missed && score.GreaterThanOrEqual(a.PassMark)
	m.round = append(m.round, training.Attempt{Score: score, Passed: passed, Missed: missed})
	switch {
	case passed:
		m.standing, m.retakeBy = training.Passed, time.Time{}
	case len(m.round) < a.MaxAttempts:
		m.standing, m.retakeBy = training.RetakeDue, now.AddDate(0, 0, a.RetakeWindowDays)
	default:
		m.standing, m.retakeBy = training.RetrainingRequired, time.Time{}
	}
	if !missed && score.GreaterThanOrEqual(a.Excellent) {
		m.commended = true
	}
}

// schedule schedules a session starting after days and returns it.
func (m *propMachine) schedule(t *rapid.T, days int) training.Session {
	m.seq++
	ss, err := m.svc.ScheduleSession(m.ctx, "d1", lin, training.SessionInput{ID: fmt.Sprintf("s%d", m.seq), Year: 2027, CourseID: "diag",
		Start: m.clock.Now().AddDate(0, 0, days), Place: "Room 2", Capacity: 5})
	require.NoError(t, err)
	return ss
}

func (m *propMachine) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		// Schedule a later session: a retraining enrols the employee in
		// the first that has not started.
		"schedule": func(t *rapid.T) { m.schedule(t, rapid.IntRange(1, 60).Draw(t, "starts_in_days")) },

		// Take a session: the next one the employee is enrolled in, or a
		// new one; attend it and get its result (R5.4).
		"assess": func(t *rapid.T) {
			ss, ok := m.nextEnrolled(t)
			if !ok {
				ss = m.schedule(t, 1)
				_, err := m.svc.Enrol(m.ctx, "d1", lin, training.EnrolInput{Session: ss.ID, Employee: propEmployee})
				require.NoError(t, err)
			}
			m.clock.Set(ss.End().Add(time.Minute))
			_, err := m.svc.RecordAttendance(m.ctx, "d1", lin, training.AttendanceInput{Session: ss.ID, Employee: propEmployee, Attendance: training.Present})
			require.NoError(t, err)
			score := m.score(t)
			p, err := m.svc.Assess(m.ctx, "d1", lin, training.AssessInput{Session: ss.ID, Employee: propEmployee, Result: training.Result{Score: &score}})
			if m.standing == training.Passed {
				require.ErrorIs(t, err, training.ErrInvalid, "R5.4: no result after the course is passed")
				_, ok := org.FieldErrorOf(err, "employee")
				require.True(t, ok, "%v", err)
				return
			}
			require.NoError(t, err)
			if m.standing == training.RetrainingRequired { // R5.4: the retraining starts a new round
				m.earlier += len(m.round)
				m.round = nil
			}
			m.apply(score, false)
			require.Equal(t, m.standing, p.Standing)
		},

		// A retake (補考): accepted only while one is due and its window
		// is open, never beyond the attempts allowed (R5.4).
		"retake": func(t *rapid.T) {
			score := m.score(t)
			p, err := m.svc.Retake(m.ctx, "d1", lin, training.RetakeInput{Year: 2027, CourseID: "diag", Employee: propEmployee, Result: training.Result{Score: &score}})
			now := org.Now(m.clock)
			switch {
			case m.standing == training.RetrainingRequired:
				require.ErrorIs(t, err, training.ErrInvalidTransition, "R5.4_no_retake_beyond_the_limit: %d attempts of %d", len(m.round), m.course.Assessment.MaxAttempts)
			case m.standing != training.RetakeDue:
				require.ErrorIs(t, err, training.ErrInvalidTransition, "R5.4_no_retake_unless_due: %s", m.standing)
			case now.After(m.retakeBy):
				require.ErrorIs(t, err, training.ErrInvalidTransition, "R5.4_no_retake_after_the_window: %s after %s", now, m.retakeBy)
			default:
				require.NoError(t, err, "R5.4_retake_within_window: %s by %s", now, m.retakeBy)
				m.apply(score, false)
				require.Equal(t, m.standing, p.Standing)
			}
		},

		// Time passes: to the last instant of the retake window, just
		// past it, or by a random while.
		"wait": func(t *rapid.T) {
			switch k := rapid.IntRange(0, 2).Draw(t, "wait_kind"); {
			case k == 0 && m.standing == training.RetakeDue:
				m.clock.Set(m.retakeBy)
			case k == 1 && m.standing == training.RetakeDue:
				m.clock.Set(m.retakeBy.Add(time.Microsecond))
			default:
				m.clock.Advance(time.Duration(rapid.Int64Range(0, 40*24*60).Draw(t, "wait_minutes")) * time.Minute)
			}
		},

		// The host's scheduler: a retake not taken in its window counts
		// as a failed attempt (R5.4).
		"sweep": func(t *rapid.T) {
			ps, err := m.svc.SweepRetakes(m.ctx, "d1", host, 2027)
			require.NoError(t, err)
			if m.standing != training.RetakeDue || !org.Now(m.clock).After(m.retakeBy) {
				require.Empty(t, ps, "R5.4: nothing to sweep")
				return
			}
			require.Len(t, ps, 1, "R5.4_missed_retake_counts_as_a_fail")
			m.apply(decimal.Zero, true)
			require.Equal(t, m.standing, ps[0].Standing)
		},

		"": m.check,
	}
}

// nextEnrolled is the first scheduled session not yet started in which the
// employee is enrolled (as a retraining enrols them).
func (m *propMachine) nextEnrolled(t *rapid.T) (training.Session, bool) {
	ss, err := m.store.Training().Sessions(m.ctx, "d1", 2027)
	require.NoError(t, err)
	now := m.clock.Now()
	for _, s := range ss {
		if s.State != training.SessionScheduled || !now.Before(s.Start) {
			continue
		}
		for _, a := range s.Attendees {
			if a.Employee == propEmployee && a.Status == training.StatusEnrolled {
				return s, true
			}
		}
	}
	return training.Session{}, false
}

// check compares the stored progress with the model and checks what R5.4
// keeps whatever happened.
func (m *propMachine) check(t *rapid.T) {
	a := m.course.Assessment
	ps, err := m.store.Training().Progress(m.ctx, "d1", 2027, propEmployee)
	require.NoError(t, err)
	if len(m.round) == 0 && m.earlier == 0 {
		require.Empty(t, ps)
		return
	}
	require.Len(t, ps, 1)
	p := ps[0]

	// The model.
	require.Equal(t, m.standing, p.Standing)
	require.Len(t, p.Attempts, len(m.round))
	require.Len(t, p.Earlier, m.earlier)
	require.True(t, m.retakeBy.Equal(p.RetakeBy), "retake by %s, want %s", p.RetakeBy, m.retakeBy)
	require.Equal(t, m.commended, p.Commended)
	for i, at := range p.Attempts {
		require.True(t, at.Score.Equal(m.round[i].Score), "attempt %d: %s, want %s", i, at.Score, m.round[i].Score)
		require.Equal(t, m.round[i].Missed, at.Missed, "attempt %d", i)
	}

	// R5.4: never more attempts in a round than allowed.
	require.LessOrEqual(t, len(p.Attempts), a.MaxAttempts)
	require.NotEmpty(t, p.Attempts)
	// An attempt passes exactly when it was taken and reaches the pass
	// mark; a missed retake is a fail.
	all := append(slices.Clone(p.Earlier), p.Attempts...)
	excellent := false
	for i, at := range all {
		require.Equal(t, !at.Missed && at.Score.GreaterThanOrEqual(a.PassMark), at.Passed, "attempt %d %s", i, at.Score)
		excellent = excellent || (!at.Missed && at.Score.GreaterThanOrEqual(a.Excellent))
	}
	for _, at := range p.Earlier {
		require.False(t, at.Passed, "an earlier round ended in a fail")
	}
	last := p.Attempts[len(p.Attempts)-1]
	highest, _ := p.Counted(training.CountHighest)
	counted, _ := p.Counted(a.Counts)

	// Passed only with a passing attempt, the last; the highest score
	// then reaches the pass mark, and so does the counted one when the
	// course counts the highest or the last. (Counting the first or the
	// average, a pass after a retake can count less than the pass mark:
	// the counting says what feeds the appraisal, not who passed.)
	require.Equal(t, last.Passed, p.Standing == training.Passed)
	if p.Standing == training.Passed {
		require.True(t, highest.GreaterThanOrEqual(a.PassMark))
		if a.Counts == training.CountHighest || a.Counts == training.CountLast {
			require.True(t, counted.GreaterThanOrEqual(a.PassMark), "%s counted %s, pass mark %s", a.Counts, counted, a.PassMark)
		}
	}
	// Retraining exactly after the last attempt allowed failed; a retake
	// due exactly after an earlier one failed, within the window.
	require.Equal(t, !last.Passed && len(p.Attempts) == a.MaxAttempts, p.Standing == training.RetrainingRequired)
	require.Equal(t, !last.Passed && len(p.Attempts) < a.MaxAttempts, p.Standing == training.RetakeDue)
	if p.Standing == training.RetakeDue {
		require.True(t, p.RetakeBy.Equal(last.At.AddDate(0, 0, a.RetakeWindowDays)))
	} else {
		require.True(t, p.RetakeBy.IsZero())
	}
	// Commended exactly when an attempt taken reached the excellent mark;
	// then the highest score, and the counted one when it is the highest
	// or the last, reaches it too.
	require.Equal(t, excellent, p.Commended)
	if p.Commended {
		require.True(t, highest.GreaterThanOrEqual(a.Excellent))
		if a.Counts == training.CountHighest || a.Counts == training.CountLast {
			require.True(t, counted.GreaterThanOrEqual(a.Excellent), "%s counted %s, excellent %s", a.Counts, counted, a.Excellent)
		}
	}

	// The report agrees.
	r, err := m.svc.Report(m.ctx, "d1", org.Admin("dms"), propEmployee, 2027)
	require.NoError(t, err)
	assert.Equal(t, p.Standing == training.RetakeDue, slices.Contains(r.Retakes, "diag"))
	assert.Equal(t, p.Standing == training.RetrainingRequired, slices.Contains(r.Retraining, "diag"))
	assert.Equal(t, p.Standing == training.Passed, r.CoursesCompleted == 1)
	assert.Equal(t, len(all), r.Attempts)
}

// R5.4 through the Service: whatever sequence of sessions, results,
// retakes, waits and sweeps, a round never has more attempts than
// allowed, a pass needs a passing score, retraining follows exactly the
// last failed attempt, commendation exactly an excellent score, a retake
// is accepted only while due and within its window (ErrInvalidTransition
// otherwise, and always beyond the limit), and a missed one counts as a
// fail.
func TestAssessmentProperty_R5_4(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newPropMachine(t)
		t.Repeat(m.actions())
	})
}
